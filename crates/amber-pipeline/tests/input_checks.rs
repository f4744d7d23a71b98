//! Every predict-time input error: its kind, and a message naming the column (and row).

use amber_data::{datasets, Column, ColumnKind, Table};
use amber_estimators::*;
use amber_pipeline::*;
use serde_json::json;

fn penguins_pipeline(onehot: OneHotEncoderParams) -> (FittedPipeline, Table) {
    let table = datasets::penguins().unwrap().table;
    let pipeline = Pipeline::new()
        .transformer(
            "pre",
            ColumnTransformer::new()
                .group("numeric", Columns::Kind(ColumnKind::Numeric))
                .step("imputer", SimpleImputer::params().strategy(ImputeStrategy::Median))
                .step("scaler", StandardScaler::params())
                .group("categorical", Columns::Names(vec!["island".into()]))
                .step("onehot", onehot),
        )
        .classifier("classifier", LogisticRegression::params().max_iter(500));
    let fitted = pipeline.fit(&table, "species").unwrap();
    (fitted, table.drop_columns(&["species"]).unwrap())
}

/// `table` with column `name` replaced.
fn replace(table: &Table, name: &str, column: Column) -> Table {
    let cols = table
        .columns()
        .map(|(n, c)| (n.to_string(), if n == name { column.clone() } else { c.clone() }))
        .collect();
    Table::new(cols).unwrap()
}

fn message_has(e: &PipelineError, parts: &[&str]) {
    let msg = e.to_string();
    for p in parts {
        assert!(msg.contains(p), "{msg:?} should mention {p:?}");
    }
}

#[test]
fn missing_column() {
    let (fitted, x) = penguins_pipeline(OneHotEncoder::params());
    let err = fitted.predict(&x.drop_columns(&["flipper_length_mm"]).unwrap()).unwrap_err();
    assert!(matches!(&err, PipelineError::MissingColumn { name } if name == "flipper_length_mm"), "{err:?}");
    message_has(&err, &["\"flipper_length_mm\""]);
}

#[test]
fn reordered_columns_match_by_name_and_extra_columns_are_reported() {
    let (fitted, x) = penguins_pipeline(OneHotEncoder::params());
    let expected = fitted.predict(&x).unwrap();
    let mut names: Vec<String> = x.column_names().to_vec();
    names.reverse();
    let mut cols: Vec<(String, Column)> =
        names.iter().map(|n| (n.clone(), x.column(n).unwrap().clone())).collect();
    cols.push(("comment".into(), Column::Categorical(vec![Some("hi".into()); x.n_rows()])));
    let shuffled = Table::new(cols).unwrap();
    assert_eq!(fitted.predict(&shuffled).unwrap(), expected);
    let report = fitted.check_input(&shuffled).unwrap();
    assert!(report.reordered);
    // `sex` is not read by this pipeline, `comment` never was: both are extra.
    assert_eq!(report.extra_columns, ["sex", "comment"]);
}

#[test]
fn text_in_a_numeric_column() {
    let (fitted, x) = penguins_pipeline(OneHotEncoder::params());
    let body: Vec<Option<String>> = x
        .column("body_mass_g")
        .unwrap()
        .as_numeric()
        .unwrap()
        .iter()
        .map(|v| (!v.is_nan()).then(|| format!("{v}")))
        .collect();
    // Numbers written as text are converted...
    let as_text = replace(&x, "body_mass_g", Column::Categorical(body.clone()));
    assert_eq!(fitted.predict(&as_text).unwrap(), fitted.predict(&x).unwrap());
    // ...but real text is a named error with the row.
    let mut bad = body;
    bad[5] = Some("heavy".into());
    let err = fitted.predict(&replace(&x, "body_mass_g", Column::Categorical(bad.clone()))).unwrap_err();
    assert!(matches!(&err, PipelineError::TextInNumericColumn { row: 5, .. }), "{err:?}");
    message_has(&err, &["\"body_mass_g\"", "row 5", "\"heavy\""]);
    bad[5] = Some("h".repeat(100_000));
    let err = fitted.predict(&replace(&x, "body_mass_g", Column::Categorical(bad))).unwrap_err();
    assert!(
        matches!(&err, PipelineError::TextInNumericColumn { value, .. } if value.chars().count() == 81),
        "80 and …"
    );
}

#[test]
fn numbers_in_a_categorical_column_only_if_configured() {
    let t = Table::new(vec![
        ("code".into(), Column::Categorical(["1", "2", "1", "2"].map(|s| Some(s.to_string())).to_vec())),
        ("x".into(), Column::Numeric(vec![0.0, 1.0, 0.1, 0.9])),
        ("y".into(), Column::Categorical(["a", "b", "a", "b"].map(|s| Some(s.to_string())).to_vec())),
    ])
    .unwrap();
    let pipeline = Pipeline::new()
        .transformer(
            "pre",
            ColumnTransformer::new()
                .group("cat", Columns::Names(vec!["code".into()]))
                .step("onehot", OneHotEncoder::params())
                .remainder(Remainder::Passthrough),
        )
        .classifier("classifier", DecisionTreeClassifier::params());
    let numbers =
        replace(&t, "code", Column::Numeric(vec![1.0, 2.0, 1.0, 2.0])).drop_columns(&["y"]).unwrap();
    let err = pipeline.fit(&t, "y").unwrap().predict(&numbers).unwrap_err();
    assert!(matches!(&err, PipelineError::NumbersInCategoricalColumn { name } if name == "code"), "{err:?}");
    let lenient = pipeline.clone().accept_numbers_as_categories(true).fit(&t, "y").unwrap();
    assert_eq!(lenient.predict(&numbers).unwrap(), ["a", "b", "a", "b"]);
}

#[test]
fn missing_value_where_no_imputer_covers_the_column() {
    // The numeric group imputes; the island group does not.
    let (fitted, x) = penguins_pipeline(OneHotEncoder::params());
    let mut island: Vec<Option<String>> = x.column("island").unwrap().as_categorical().unwrap().to_vec();
    island[7] = None;
    let err = fitted.predict(&replace(&x, "island", Column::Categorical(island))).unwrap_err();
    assert!(matches!(&err, PipelineError::MissingValue { name, row: 7 } if name == "island"), "{err:?}");
    message_has(&err, &["\"island\"", "row 7", "no imputer"]);
    // Missing numbers are fine: an imputer covers them (penguins has NA in the numeric columns).
    assert_eq!(fitted.predict(&x).unwrap().len(), x.n_rows());

    // Without any imputer, a NaN is caught before the model sees it.
    let iris = datasets::iris().unwrap().table;
    let plain =
        Pipeline::new().classifier("classifier", LogisticRegression::params()).fit(&iris, "species").unwrap();
    let mut petal = iris.column("petal_width").unwrap().as_numeric().unwrap().to_vec();
    petal[3] = f64::NAN;
    let err = plain.predict(&replace(&iris, "petal_width", Column::Numeric(petal))).unwrap_err();
    assert!(matches!(&err, PipelineError::MissingValue { name, row: 3 } if name == "petal_width"), "{err:?}");
}

#[test]
fn infinity_anywhere() {
    let (fitted, x) = penguins_pipeline(OneHotEncoder::params());
    let mut bill = x.column("bill_depth_mm").unwrap().as_numeric().unwrap().to_vec();
    bill[9] = f64::NEG_INFINITY;
    let err = fitted.predict(&replace(&x, "bill_depth_mm", Column::Numeric(bill))).unwrap_err();
    assert!(matches!(&err, PipelineError::NonFinite { row: 9, .. }), "{err:?}");
    message_has(&err, &["\"bill_depth_mm\"", "row 9", "inf"]);
}

#[test]
fn unseen_category_when_the_encoder_says_error() {
    let (fitted, x) = penguins_pipeline(OneHotEncoder::params());
    let mut island: Vec<Option<String>> = x.column("island").unwrap().as_categorical().unwrap().to_vec();
    island[2] = Some("Atlantis".into());
    let err = fitted.predict(&replace(&x, "island", Column::Categorical(island.clone()))).unwrap_err();
    match &err {
        PipelineError::Step { step, source: EstimatorError::UnknownCategory { row: 2, .. } } => {
            assert_eq!(step, "pre.categorical.onehot")
        }
        other => panic!("expected UnknownCategory, got {other:?}"),
    }
    message_has(&err, &["pre.categorical.onehot", "\"island\"", "row 2", "\"Atlantis\""]);
    // With handle_unknown = ignore the row is predicted.
    let (lenient, _) = penguins_pipeline(OneHotEncoder::params().handle_unknown(HandleUnknown::Ignore));
    assert_eq!(
        lenient.predict(&replace(&x, "island", Column::Categorical(island))).unwrap().len(),
        x.n_rows()
    );
}

#[test]
fn zero_rows_is_an_empty_result() {
    let (fitted, x) = penguins_pipeline(OneHotEncoder::params());
    let none = x.take_rows(&[]).unwrap();
    assert!(fitted.predict(&none).unwrap().is_empty());
    assert_eq!(fitted.predict_proba(&none).unwrap().nrows(), 0);
}

#[test]
fn classifier_needs_numbers_and_targets() {
    let penguins = datasets::penguins().unwrap().table;
    let err = Pipeline::new()
        .classifier("clf", LogisticRegression::params())
        .fit(&penguins, "species")
        .unwrap_err();
    assert!(matches!(&err, PipelineError::CategoricalAtClassifier { name } if name == "island"), "{err:?}");
    let p = Pipeline::new().classifier("clf", LogisticRegression::params());
    assert!(matches!(p.fit_transformers(&penguins), Err(PipelineError::TargetRequired)));
    let t =
        Pipeline::new().transformer("imp", SimpleImputer::params().strategy(ImputeStrategy::MostFrequent));
    let fitted = t.fit_transformers(&penguins).unwrap();
    assert!(matches!(fitted.predict(&penguins), Err(PipelineError::NoClassifier)));
    assert_eq!(fitted.transform(&penguins).unwrap().column("sex").unwrap().n_missing(), 0);
    let err =
        Pipeline::new().classifier("clf", LogisticRegression::params()).fit(&penguins, "nope").unwrap_err();
    assert!(matches!(err, PipelineError::Data(amber_data::DataError::UnknownColumn { .. })), "{err:?}");
}

#[test]
fn hyperparameters_by_path() {
    let mut p = Pipeline::new()
        .transformer(
            "pre",
            ColumnTransformer::new()
                .group("numeric", Columns::Kind(ColumnKind::Numeric))
                .step("scaler", StandardScaler::params()),
        )
        .classifier("classifier", DecisionTreeClassifier::params());
    p.set_param("pre.numeric.scaler.with_mean", json!(false)).unwrap();
    p.set_param("classifier.max_depth", json!(2)).unwrap();
    p.set_param("classifier.criterion", json!("entropy")).unwrap();
    p.set_param("classifier.max_features", json!({"count": 2})).unwrap();
    let Some(StepSpec::Classifier(ClassifierSpec::DecisionTreeClassifier(dt))) = p.step("classifier") else {
        panic!("classifier step")
    };
    assert_eq!((dt.tree.max_depth, dt.tree.criterion), (Some(2), Criterion::Entropy));
    let iris = datasets::iris().unwrap().table;
    let fitted = p.fit(&iris, "species").unwrap();
    let Some(FittedStepRef::Classifier(FittedClassifier::DecisionTreeClassifier(tree))) =
        fitted.step("classifier")
    else {
        panic!("fitted classifier")
    };
    assert!(tree.tree.depth() <= 2);
    let Some(FittedStepRef::Transformer(FittedTransformer::ColumnTransformer(ct))) = fitted.step("pre")
    else {
        panic!("fitted column transformer")
    };
    let FittedTransformer::StandardScaler(s) = &ct.groups[0].steps[0].model else { panic!("scaler") };
    assert!(!s.with_mean);

    // LogisticRegression's C keeps scikit-learn's spelling.
    let mut lr = Pipeline::new().classifier("classifier", LogisticRegression::params());
    lr.set_param("classifier.C", json!(0.5)).unwrap();

    let before = p.clone();
    for path in
        ["classifier.depth", "nope.max_depth", "pre.numeric.nope.with_mean", "pre.numeric", "classifier", ""]
    {
        let err = p.set_param(path, json!(1)).unwrap_err();
        assert!(
            matches!(&err, PipelineError::UnknownParameter { path: p2, .. } if p2 == path),
            "{path}: {err:?}"
        );
    }
    let err = p.set_param("classifier.max_depth", json!("deep")).unwrap_err();
    assert!(matches!(err, PipelineError::WrongParameterType { .. }), "{err:?}");
    message_has(&err, &["classifier.max_depth", "\"deep\""]);
    assert_eq!(p, before, "failed set_param leaves the pipeline unchanged");
    // A well-typed but invalid value is caught by validation at fit.
    p.set_param("classifier.min_samples_split", json!(1)).unwrap();
    let err = p.fit(&iris, "species").unwrap_err();
    assert!(
        matches!(&err, PipelineError::Step { step, source: EstimatorError::InvalidParameter { .. } } if step == "classifier"),
        "{err:?}"
    );
}

#[test]
fn fitted_pipeline_round_trips_and_validates() {
    let (fitted, x) = penguins_pipeline(OneHotEncoder::params());
    fitted.validate().unwrap();
    let mut bytes = Vec::new();
    ciborium::into_writer(&fitted, &mut bytes).unwrap();
    let back: FittedPipeline = ciborium::from_reader(bytes.as_slice()).unwrap();
    back.validate().unwrap();
    assert_eq!(back.predict_proba(&x).unwrap(), fitted.predict_proba(&x).unwrap());

    let mut bad = fitted.clone();
    bad.feature_names_out.pop();
    assert!(matches!(bad.validate(), Err(PipelineError::InvalidPipeline { .. })));
    let mut bad = fitted.clone();
    bad.schema.columns.swap(0, 1);
    assert!(matches!(bad.validate(), Err(PipelineError::InvalidPipeline { .. })));
    let mut bad = fitted.clone();
    bad.labels = Some(amber_data::LabelMap::new(vec!["Adelie".into()]).unwrap());
    assert!(matches!(bad.validate(), Err(PipelineError::InvalidPipeline { .. })));
    let mut bad = fitted;
    if let Some(c) = bad.classifier.as_mut() {
        if let FittedClassifier::LogisticRegression(m) = &mut c.model {
            m.intercept.pop();
        }
    }
    assert!(matches!(bad.validate(), Err(PipelineError::Step { .. })));
}

#[test]
fn extreme_inputs_are_named_errors_never_nan_probabilities() {
    let iris = datasets::iris().unwrap().table;
    let model = Pipeline::new()
        .transformer("scaler", StandardScaler::params())
        .classifier("classifier", LogisticRegression::params())
        .fit(&iris, "species")
        .unwrap();
    let features = iris.drop_columns(&["species"]).unwrap().take_rows(&[0, 1]).unwrap();
    // Row 1 is ±7e307 in every column (once: "setosa" with probabilities [NaN, NaN, NaN]).
    let mut extreme = features.clone();
    for (name, sign) in
        [("sepal_length", 1.0), ("sepal_width", -1.0), ("petal_length", 1.0), ("petal_width", -1.0)]
    {
        let first = features.column(name).unwrap().as_numeric().unwrap()[0];
        extreme = replace(&extreme, name, Column::Numeric(vec![first, sign * 7e307]));
    }
    for result in [model.predict(&extreme).map(|_| ()), model.predict_proba(&extreme).map(|_| ())] {
        match result {
            Err(e @ PipelineError::Step { source: EstimatorError::NonFiniteOutput { row: 1, .. }, .. }) => {
                message_has(&e, &["classifier", "row 1"])
            }
            other => panic!("{other:?}"),
        }
    }
}

/// The `standard()` preset on penguins, and the table.
fn standard_penguins() -> (FittedPipeline, Table) {
    let penguins = datasets::penguins().unwrap().table;
    let model = Pipeline::new()
        .transformer("pre", ColumnTransformer::standard())
        .classifier("classifier", LogisticRegression::params().max_iter(500))
        .fit(&penguins, "species")
        .unwrap();
    (model, penguins)
}

#[test]
fn unseen_categories_are_counted_when_the_encoder_ignores_them() {
    let (model, penguins) = standard_penguins();
    let rows = penguins.drop_columns(&["species"]).unwrap().take_rows(&[0, 1, 2, 3]).unwrap();
    assert!(model.check_input(&rows).unwrap().unseen_categories.is_empty());
    let islands = ["Atlantis", "Biscoe", "Atlantis", "Atlantis"].map(|s| Some(s.to_string())).to_vec();
    let rows = replace(&rows, "island", Column::Categorical(islands));
    let report = model.check_input(&rows).unwrap();
    assert_eq!(
        report.unseen_categories,
        [UnseenCategories { column: "island".into(), count: 3, rows: vec![0, 2, 3] }]
    );
    assert_eq!(model.predict(&rows).unwrap().len(), 4, "ignored, as the preset says, and reported");
}

#[test]
fn new_rows_from_csv_are_read_with_the_models_kinds() {
    let (model, _) = standard_penguins();
    let csv = "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\nDream,46.5,17.9,192,3500,NA,2007\n";
    // Re-inferred, the all-missing `sex` column of a 1-row file is numeric: a misleading error.
    let inferred = Table::from_csv_str(csv, &amber_data::CsvOptions::default()).unwrap();
    assert!(matches!(model.predict(&inferred), Err(PipelineError::NumbersInCategoricalColumn { .. })));
    // Read with the model's schema, it is a categorical column with a missing cell, imputed.
    let rows = Table::from_csv_str(csv, &model.schema.csv_options()).unwrap();
    assert_eq!(rows.column("sex").unwrap().kind(), ColumnKind::Categorical);
    assert_eq!(model.predict(&rows).unwrap(), ["Chinstrap"]);
}

#[test]
fn validate_checks_that_the_steps_chain_with_the_right_kinds() {
    let (fitted, _) = penguins_pipeline(OneHotEncoder::params());
    fitted.validate().unwrap();
    // A schema that makes the scaler read text: every prediction would fail, so validate does.
    let mut forged = fitted.clone();
    let column = forged.schema.columns.iter_mut().find(|c| c.name == "bill_length_mm").unwrap();
    column.kind = ColumnKind::Categorical;
    match forged.validate() {
        Err(e @ PipelineError::InvalidPipeline { .. }) => message_has(&e, &["bill_length_mm", "Numeric"]),
        other => panic!("{other:?}"),
    }
    // The one-hot encoder reading numbers.
    let mut forged = fitted.clone();
    forged.schema.columns.iter_mut().find(|c| c.name == "island").unwrap().kind = ColumnKind::Numeric;
    assert!(matches!(forged.validate(), Err(PipelineError::InvalidPipeline { .. })));
    // Text reaching the classifier: the encoder's group replaced by a passthrough of `island`.
    let mut forged = fitted.clone();
    if let Some(FittedTransformer::ColumnTransformer(c)) = forged.steps.first_mut().map(|s| &mut s.model) {
        c.groups.retain(|g| g.name != "categorical");
        c.passthrough.push("island".into());
    }
    forged.feature_names_out = forged.steps[0].model.feature_names_out();
    match forged.validate() {
        Err(e @ PipelineError::InvalidPipeline { .. }) => message_has(&e, &["island", "classifier"]),
        other => panic!("{other:?}"),
    }
}

/// At most `MAX_ROWS` unseen rows are listed, all of them counted.
#[test]
fn unseen_rows_are_listed_up_to_the_cap_and_all_counted() {
    let (model, penguins) = standard_penguins();
    let n = UnseenCategories::MAX_ROWS + 2;
    let rows = penguins.drop_columns(&["species"]).unwrap().take_rows(&vec![0; n]).unwrap();
    let rows = replace(&rows, "island", Column::Categorical(vec![Some("Atlantis".to_string()); n]));
    let report = model.check_input(&rows).unwrap();
    let expected: Vec<usize> = (0..UnseenCategories::MAX_ROWS).collect();
    assert_eq!(
        report.unseen_categories,
        [UnseenCategories { column: "island".into(), count: n, rows: expected }]
    );
}

/// The schema's training statistics of a numeric column, from their definitions: over the
/// present values, population standard deviation.
#[test]
fn schema_statistics_are_the_textbook_ones() {
    let table = Table::new(vec![
        ("x".into(), Column::Numeric(vec![1.0, 2.0, f64::NAN, 3.0, 4.0, f64::NAN, 6.0])),
        (
            "y".into(),
            Column::Categorical(["a", "b", "a", "b", "a", "b", "a"].map(|s| Some(s.to_string())).to_vec()),
        ),
    ])
    .unwrap();
    let model = Pipeline::new()
        .transformer("imputer", SimpleImputer::params())
        .classifier("c", LogisticRegression::params())
        .fit(&table, "y")
        .unwrap();
    let s = model.schema.columns[0].stats.clone().unwrap();
    // Present: 1, 2, 3, 4, 6; mean 16 / 5; squared deviations 4.84 + 1.44 + 0.04 + 0.64 + 7.84.
    assert_eq!((s.count, s.missing, s.min, s.max), (5, 2, 1.0, 6.0));
    assert!((s.mean - 3.2).abs() < 1e-15, "{}", s.mean);
    assert!((s.std - (14.8f64 / 5.0).sqrt()).abs() < 1e-14, "{}", s.std);
}

/// `predict_full` is the three separate calls in one: the same report, labels and probabilities
/// (none unless asked), and the same named error for a bad input.
#[test]
fn predict_full_equals_check_predict_and_predict_proba() {
    let (model, penguins) = standard_penguins();
    let rows = penguins.take_rows(&[0, 1, 150, 151, 300, 301]).unwrap(); // species: an extra column
    let islands =
        ["Atlantis", "Biscoe", "Dream", "Atlantis", "Torgersen", "Biscoe"].map(|s| Some(s.to_string()));
    let rows = replace(&rows, "island", Column::Categorical(islands.to_vec()));
    let full = model.predict_full(&rows, true).unwrap();
    assert_eq!(full.report, model.check_input(&rows).unwrap());
    assert_eq!(full.report.extra_columns, ["species"]);
    assert_eq!(full.report.unseen_categories[0].rows, [0, 3]);
    assert_eq!(full.labels, model.predict(&rows).unwrap());
    assert_eq!(full.probabilities, Some(model.predict_proba(&rows).unwrap()));
    assert_eq!(model.predict_full(&rows, false).unwrap().probabilities, None);
    let bad = rows.drop_columns(&["bill_length_mm"]).unwrap();
    assert_eq!(
        model.predict_full(&bad, true).unwrap_err().to_string(),
        model.predict(&bad).unwrap_err().to_string()
    );
}
