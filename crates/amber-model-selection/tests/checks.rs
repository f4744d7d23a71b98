//! The data checks find each situation built on purpose, by kind, naming the right columns and
//! rows; on the real churn and housing files they report only what is really there (figures
//! counted by pandas in tools/sklearn_checks.py); the baseline equals scikit-learn's
//! `DummyClassifier(strategy="most_frequent")` cross-validated on the same folds.

use amber_data::{datasets, Column, CsvOptions, DataError, Table};
use amber_model_selection::checks::{CheckError, DataChecks, Finding, FindingKind, Severity};
use amber_model_selection::{baseline, train_test_split, MostFrequent, Scoring, StratifiedKFold};
use serde::Deserialize;

/// A seeded table: numeric `x0`, `x1`, categorical `colour`, target `label` (about 30 % "yes")
/// that depends on the features only loosely.
fn synthetic(n: usize, seed: u64) -> Table {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut x0 = Vec::new();
    let mut x1 = Vec::new();
    let mut colour = Vec::new();
    let mut label = Vec::new();
    for _ in 0..n {
        let a = next();
        let b = (next() * 1000.0).round() / 10.0;
        x0.push(a);
        x1.push(b);
        colour.push(Some(["red", "green", "blue"][(next() * 3.0) as usize % 3].to_string()));
        let yes = next() < 0.2 + 0.2 * a;
        label.push(Some(if yes { "yes" } else { "no" }.to_string()));
    }
    Table::new(vec![
        ("x0".into(), Column::Numeric(x0)),
        ("x1".into(), Column::Numeric(x1)),
        ("colour".into(), Column::Categorical(colour)),
        ("label".into(), Column::Categorical(label)),
    ])
    .unwrap()
}

fn with_column(table: &Table, name: &str, column: Column) -> Table {
    let mut columns = table.clone().into_columns();
    columns.insert(0, (name.to_string(), column));
    Table::new(columns).unwrap()
}

fn split(table: &Table) -> (Table, Table) {
    let s = train_test_split(table.n_rows(), 0.2, 42).unwrap();
    (table.take_rows(&s.train).unwrap(), table.take_rows(&s.test).unwrap())
}

fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
    findings.iter().map(|f| f.kind).collect()
}

fn warnings(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| f.severity == Severity::Warning).collect()
}

#[test]
fn clean_synthetic_data_gives_no_finding() {
    let (train, test) = split(&synthetic(1000, 1));
    let findings = DataChecks::default().run(&train, &test, "label").unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn copied_test_rows_are_found_by_position() {
    let table = synthetic(500, 2);
    let train = table.take_rows(&(0..400).collect::<Vec<_>>()).unwrap();
    // Test rows 20, 31 and 45 are copies of training rows 7, 8 and 399 (the target differs for
    // one: the overlap is on features only).
    let mut rows: Vec<usize> = (400..500).collect();
    rows[20] = 7;
    rows[31] = 8;
    rows[45] = 399;
    let test = table.take_rows(&rows).unwrap();
    let findings = DataChecks::default().run(&train, &test, "label").unwrap();
    assert_eq!(kinds(&findings), [FindingKind::TrainTestOverlap]);
    let f = &findings[0];
    assert_eq!((f.count, f.rows.clone()), (3, vec![20, 31, 45]));
    assert_eq!(f.severity, Severity::Note, "3 % is under the 5 % threshold");
    assert!((f.share - 0.03).abs() < 1e-12);
    // Over the threshold it warns.
    let strict = DataChecks::default().overlap_share(0.02).run(&train, &test, "label").unwrap();
    assert_eq!(strict[0].severity, Severity::Warning);
    // A changed cell makes a row distinct again.
    let mut cells = test.clone().into_columns();
    if let Column::Numeric(v) = &mut cells[0].1 {
        v[31] += 1e-9;
    }
    let changed = Table::new(cells).unwrap();
    let findings = DataChecks::default().run(&train, &changed, "label").unwrap();
    assert_eq!(findings[0].rows, [20, 45]);
}

#[test]
fn resampled_copies_warn_of_overlap_and_duplicates() {
    // The earlier churn file's shape: rows repeated whole, then split at random.
    let base = synthetic(600, 3);
    let rows: Vec<usize> = (0..900).map(|i| (i * 7919) % 600).collect();
    let (train, test) = split(&base.take_rows(&rows).unwrap());
    let findings = DataChecks::default().run(&train, &test, "label").unwrap();
    assert_eq!(
        kinds(&warnings(&findings).into_iter().cloned().collect::<Vec<_>>()),
        [FindingKind::TrainTestOverlap, FindingKind::TrainDuplicates]
    );
    assert!(findings[0].share > 0.3, "{}", findings[0].message);
    assert_eq!(findings[0].rows.len(), 10, "at most max_rows rows listed");
    assert!(findings[0].count > 10);
}

#[test]
fn duplicated_training_rows_are_the_later_copies() {
    let table = synthetic(300, 4);
    let mut rows: Vec<usize> = (0..300).collect();
    rows[100] = 5;
    rows[250] = 5;
    let train = table.take_rows(&rows).unwrap();
    let test = table.take_rows(&[]).unwrap();
    let findings = DataChecks::default().run(&train, &test, "label").unwrap();
    assert_eq!(kinds(&findings), [FindingKind::TrainDuplicates]);
    assert_eq!((findings[0].count, findings[0].rows.clone()), (2, vec![100, 250]));
}

#[test]
fn an_id_column_left_in_is_named() {
    let table = synthetic(800, 5);
    let ids =
        Column::Categorical((0..800).map(|i| Some(format!("{:04}-X{}", i * 37 % 9973, i % 7))).collect());
    let row_number = Column::Numeric((0..800).map(|i| (i + 1) as f64).collect());
    let table = with_column(&with_column(&table, "customer", ids), "row", row_number);
    let (train, test) = split(&table);
    let findings = DataChecks::default().run(&train, &test, "label").unwrap();
    assert_eq!(kinds(&findings), [FindingKind::IdentifierColumn, FindingKind::IdentifierColumn]);
    assert_eq!(findings[0].columns, ["row"]);
    assert_eq!(findings[1].columns, ["customer"]);
    assert!(findings[1].message.contains("--drop customer"), "{}", findings[1].message);
    assert_eq!(findings[1].count, 800);
}

#[test]
fn continuous_measurements_and_counts_are_not_identifiers() {
    let table = synthetic(800, 6);
    // All distinct but not integers (a charge), and integers spread far wider than the rows.
    let charge = Column::Numeric((0..800).map(|i| 18.25 + i as f64 * 10.05).collect());
    let population = Column::Numeric((0..800).map(|i| (3 + i * 17) as f64).collect());
    let table = with_column(&with_column(&table, "charge", charge), "population", population);
    let (train, test) = split(&table);
    assert!(DataChecks::default().run(&train, &test, "label").unwrap().is_empty());
}

#[test]
fn a_leaked_target_column_is_named() {
    let table = synthetic(1000, 7);
    let label = table.column("label").unwrap().as_categorical().unwrap().to_vec();
    // The outcome recorded as a number, and as text with one wrong row in 500.
    let numeric =
        Column::Numeric(label.iter().map(|l| if l.as_deref() == Some("yes") { 1.0 } else { 0.0 }).collect());
    let text = Column::Categorical(
        label
            .iter()
            .enumerate()
            .map(|(i, l)| {
                Some(if (l.as_deref() == Some("yes")) ^ (i % 500 == 0) { "closed" } else { "open" }.into())
            })
            .collect(),
    );
    let table = with_column(&with_column(&table, "refund_issued", numeric), "account_status", text);
    let (train, test) = split(&table);
    let findings = DataChecks::default().run(&train, &test, "label").unwrap();
    assert_eq!(kinds(&findings), [FindingKind::TargetLeakage, FindingKind::TargetLeakage]);
    assert_eq!(findings[0].columns, ["account_status"]);
    assert_eq!(findings[1].columns, ["refund_issued"]);
    assert_eq!(findings[1].share, 1.0);
    assert!(findings[0].share > 0.99 && findings[0].share < 1.0);
}

#[test]
fn a_95_5_class_split_is_imbalanced() {
    let table = synthetic(1000, 8);
    let label = Column::Categorical(
        (0..1000).map(|i| Some(if i % 20 == 3 { "fraud" } else { "ok" }.into())).collect(),
    );
    let mut columns = table.into_columns();
    columns.pop();
    columns.push(("label".into(), label));
    let (train, test) = split(&Table::new(columns).unwrap());
    let findings = DataChecks::default().run(&train, &test, "label").unwrap();
    assert_eq!(kinds(&findings), [FindingKind::ClassImbalance]);
    assert_eq!(findings[0].columns, ["label"]);
    assert!((findings[0].share - 0.05).abs() < 0.01);
    assert!(findings[0].message.contains("\"fraud\""), "{}", findings[0].message);
}

#[test]
fn bad_inputs_are_named_errors() {
    let (train, test) = split(&synthetic(200, 9));
    let err = DataChecks::default().run(&train, &test, "nope").unwrap_err();
    assert!(matches!(err, CheckError::Data(DataError::UnknownColumn { .. })), "{err}");
    let err = DataChecks::default().identifier_share(1.5).run(&train, &test, "label").unwrap_err();
    assert!(matches!(err, CheckError::Parameter { name: "identifier_share", .. }), "{err}");
    let err = DataChecks::default().n_splits(1).run(&train, &test, "label").unwrap_err();
    assert!(matches!(err, CheckError::Parameter { name: "n_splits", .. }), "{err}");
    let narrow = test.drop_columns(&["colour"]).unwrap();
    let err = DataChecks::default().run(&train, &narrow, "label").unwrap_err();
    assert!(matches!(err, CheckError::Data(DataError::UnknownColumn { .. })), "{err}");
    let err = DataChecks::default().regression(true).run(&train, &test, "label").unwrap_err();
    assert!(matches!(err, CheckError::Data(DataError::NotNumeric { .. })), "{err}");
}

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    dataset: String,
    target: String,
    dropped: Vec<String>,
    cv: std::collections::BTreeMap<String, Vec<f64>>,
    test: std::collections::BTreeMap<String, f64>,
    most_frequent: String,
    test_rows_in_train: usize,
    train_duplicates: usize,
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("fixtures/sklearn_checks.json")).unwrap()
}

fn case_split(case: &Case) -> (Table, Table) {
    let table = datasets::load(&case.dataset).unwrap().table.drop_columns(&case.dropped).unwrap();
    split(&table)
}

#[test]
fn the_real_files_give_only_what_is_there() {
    for case in fixture().cases {
        let (train, test) = case_split(&case);
        let findings = DataChecks::default().run(&train, &test, &case.target).unwrap();
        let what = format!("{} without {:?}: {findings:#?}", case.dataset, case.dropped);
        let count = |kind| findings.iter().find(|f| f.kind == kind).map_or(0, |f| f.count);
        assert_eq!(count(FindingKind::TrainTestOverlap), case.test_rows_in_train, "{what}");
        assert_eq!(count(FindingKind::TrainDuplicates), case.train_duplicates, "{what}");
        // Only the churn id column left in is worth a warning: the repeats are a few rows.
        let warned: Vec<(FindingKind, Vec<String>)> =
            warnings(&findings).iter().map(|f| (f.kind, f.columns.clone())).collect();
        if case.dataset == "telco_churn" && case.dropped.is_empty() {
            assert_eq!(warned, [(FindingKind::IdentifierColumn, vec!["customerid".to_string()])], "{what}");
        } else {
            assert!(warned.is_empty(), "{what}");
        }
    }
    // Housing, a regression target: nothing (no repeats, no id, no single feature near R² 1).
    let housing = Table::from_csv_reader(
        datasets::CALIFORNIA_HOUSING_CSV.as_bytes(),
        std::path::Path::new("california_housing.csv"),
        &CsvOptions::default(),
    )
    .unwrap();
    let (train, test) = split(&housing);
    let findings = DataChecks::default().regression(true).run(&train, &test, "median_house_value").unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
    // Its income alone is no leak, but a copy of the target is.
    let leaked = with_column(&housing, "value_copy", housing.column("median_house_value").unwrap().clone());
    let (train, test) = split(&leaked);
    let findings = DataChecks::default().regression(true).run(&train, &test, "median_house_value").unwrap();
    assert_eq!(kinds(&findings), [FindingKind::TargetLeakage]);
    assert_eq!(findings[0].columns, ["value_copy"]);
}

#[test]
fn the_baseline_is_sklearns_dummy_classifier_on_the_same_folds() {
    let scorings = [
        ("accuracy", Scoring::Accuracy),
        ("f1_macro", Scoring::F1Macro),
        ("f1_weighted", Scoring::F1Weighted),
        ("roc_auc", Scoring::RocAuc),
        ("neg_log_loss", Scoring::NegLogLoss),
    ];
    for case in fixture().cases {
        let (train, test) = case_split(&case);
        for (name, scoring) in scorings {
            let got = baseline(&train, &case.target, &StratifiedKFold::new(5), scoring).unwrap();
            let want = &case.cv[name];
            assert_eq!(got.scores.len(), want.len());
            for (g, w) in got.scores.iter().zip(want) {
                assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{} {name}: {g} vs {w}", case.dataset);
            }
        }
        let (_, y) = train.split_target(&case.target).unwrap();
        let dummy = MostFrequent::fit(&y.indices, y.labels.len());
        assert_eq!(y.labels.label(dummy.class), Some(case.most_frequent.as_str()));
        let y_test = test.encode_target(&case.target, &y.labels).unwrap();
        for (name, scoring) in [("accuracy", Scoring::Accuracy), ("f1_macro", Scoring::F1Macro)] {
            let got = dummy.score(&y_test, scoring).unwrap();
            assert!((got - case.test[name]).abs() < 1e-12, "{} test {name}", case.dataset);
        }
        let loss = -dummy.score(&y_test, Scoring::NegLogLoss).unwrap();
        assert!(
            (loss - case.test["log_loss"]).abs() < 1e-9 * case.test["log_loss"],
            "{} test log loss",
            case.dataset
        );
    }
}
