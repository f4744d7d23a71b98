//! The tutorials' pipeline workflows (docs/TUTORIALS.md A.5–A.6, C, D), end to end.

use amber_data::{datasets, Table};
use amber_estimators::*;
use amber_pipeline::{FittedClassifier, FittedStepRef, Pipeline};
use amber_tests::{agreement, lab_preprocessing, split_80_20};
use serde::Deserialize;

/// A.5 and A.6: a scaler and a model fitted separately, the scaler applied by hand, then the same
/// as one pipeline: identical predictions, and the tutorial's test accuracy of 1.0.
#[test]
fn iris_scaler_by_hand_equals_pipeline() {
    let iris = datasets::iris().unwrap().table;
    let (train, test, _) = split_80_20(&iris);
    let (x_train, y_train) = train.split_target("species").unwrap();
    let (x_test, y_test) = test.split_target("species").unwrap();

    let scaler = StandardScaler::params().fit(&x_train).unwrap();
    let scaled_train = scaler.transform(&x_train).unwrap().to_array2().unwrap();
    let model = LogisticRegression::params().fit(scaled_train.view(), &y_train.indices).unwrap();
    let scaled_test = scaler.transform(&x_test).unwrap().to_array2().unwrap();
    let by_hand = y_train.labels.decode(&model.predict(scaled_test.view()).unwrap()).unwrap();

    let pipeline = Pipeline::new()
        .transformer("scaler", StandardScaler::params())
        .classifier("classifier", LogisticRegression::params())
        .fit(&train, "species")
        .unwrap();
    let piped = pipeline.predict(&test).unwrap();
    assert_eq!(piped, by_hand);
    let truth = y_test.labels.decode(&y_test.indices).unwrap();
    assert_eq!(agreement(&piped, &truth), 1.0, "sklearn's test accuracy on this split is 1.0");

    // Forgetting the scaler gives other (silently wrong) predictions: the reason for pipelines.
    let raw = model.predict(x_test.to_array2().unwrap().view()).unwrap();
    assert_ne!(y_train.labels.decode(&raw).unwrap(), by_hand);

    // Steps are reachable by name.
    assert!(matches!(pipeline.step("scaler"), Some(FittedStepRef::Transformer(_))));
    assert!(matches!(pipeline.step("classifier"), Some(FittedStepRef::Classifier(_))));
    pipeline.validate().unwrap();
}

#[derive(Deserialize)]
struct Case {
    dataset: String,
    target: String,
    dropped: Vec<String>,
    feature_names_out: Vec<String>,
    transformed_head: Vec<Vec<f64>>,
    transformed_column_sums: Vec<f64>,
    lr_predictions: Vec<String>,
    lr_test_accuracy: f64,
    lr_coef: Vec<Vec<f64>>,
    lr_intercept: Vec<f64>,
    lr_n_iter: u64,
    rf_test_accuracy: f64,
}

fn cases() -> Vec<Case> {
    #[derive(Deserialize)]
    struct Fx {
        cases: Vec<Case>,
    }
    let fx: Fx = serde_json::from_str(include_str!("../fixtures/sklearn_pipelines.json")).unwrap();
    fx.cases
}

fn accuracy(predicted: &[String], test: &Table, target: &str) -> f64 {
    let truth: Vec<String> =
        test.column(target).unwrap().as_categorical().unwrap().iter().map(|v| v.clone().unwrap()).collect();
    agreement(predicted, &truth)
}

/// C and D: the lab's column pipeline + LogisticRegression and + RandomForest on raw rows
/// (blank `totalcharges`, `NA` in penguins), checked against scikit-learn's pipeline of the same shape.
#[test]
fn column_pipelines_match_sklearn_on_churn_and_penguins() {
    let cases = cases();
    assert_eq!(cases.len(), 2);
    for case in &cases {
        let table = datasets::load(&case.dataset).unwrap().table;
        let drop: Vec<&str> = case.dropped.iter().map(String::as_str).collect();
        let (train, test, _) = split_80_20(&table);
        let lr = Pipeline::new()
            .transformer("pre", lab_preprocessing(&drop))
            .classifier("classifier", LogisticRegression::params().max_iter(1000))
            .fit(&train, &case.target)
            .unwrap();
        lr.validate().unwrap();

        // The transformed feature matrix equals scikit-learn's to 1e-9.
        assert_eq!(lr.feature_names_out, case.feature_names_out, "{}: feature names", case.dataset);
        let z = lr.transform(&test).unwrap().to_array2().unwrap();
        for (r, row) in case.transformed_head.iter().enumerate() {
            for (j, b) in row.iter().enumerate() {
                assert!(
                    (z[[r, j]] - b).abs() <= 1e-9,
                    "{}: transformed[{r},{j}] {} vs {b}",
                    case.dataset,
                    z[[r, j]]
                );
            }
        }
        for (j, b) in case.transformed_column_sums.iter().enumerate() {
            let a = z.column(j).sum();
            assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{}: column {j} sum {a} vs {b}", case.dataset);
        }

        // LogisticRegression at its default tol: scikit-learn's iterations and coefficients (the
        // matrices agree to 1e-9, not to the bit; measured relative to the largest coefficient:
        // 7.8e-15 on penguins, 8.5e-12 on the real churn file, bound about 10× that), hence its
        // predictions.
        let Some(FittedClassifier::LogisticRegression(m)) = lr.classifier.as_ref().map(|c| &c.model) else {
            panic!("{}: the classifier is a logistic regression", case.dataset)
        };
        let conv = m.convergence.unwrap();
        assert_eq!((conv.n_iter, conv.converged), (case.lr_n_iter, true), "{}: iterations", case.dataset);
        let scale = case.lr_coef.iter().flatten().fold(0.0f64, |s, v| s.max(v.abs()));
        let theirs = case.lr_coef.iter().flatten().chain(&case.lr_intercept);
        let worst =
            m.coef.iter().chain(&m.intercept).zip(theirs).fold(0.0f64, |w, (a, b)| w.max((a - b).abs()));
        println!("{}: LR coefficients within {:e} of scikit-learn's (relative)", case.dataset, worst / scale);
        assert!(worst <= 1e-10 * scale, "{}: coefficients differ by {worst:e}", case.dataset);
        let predicted = lr.predict(&test).unwrap();
        assert_eq!(predicted, case.lr_predictions, "{}: LR predictions", case.dataset);
        assert_eq!(accuracy(&predicted, &test, &case.target), case.lr_test_accuracy, "{}", case.dataset);
        let proba = lr.predict_proba(&test).unwrap();
        assert_eq!(proba.ncols(), lr.proba_labels().unwrap().len());

        let rf = Pipeline::new()
            .transformer("pre", lab_preprocessing(&drop))
            .classifier("classifier", RandomForestClassifier::params())
            .fit(&train, &case.target)
            .unwrap();
        let acc = accuracy(&rf.predict(&test).unwrap(), &test, &case.target);
        println!("{}: RF accuracy {acc:.4} (sklearn {:.4})", case.dataset, case.rf_test_accuracy);
        assert_eq!(acc, case.rf_test_accuracy, "{}: RF accuracy", case.dataset);
    }
}

/// The churn service: raw rows with blank `totalcharges` get "Yes"/"No" and a churn probability.
#[test]
fn churn_service_predicts_labels_on_rows_with_blank_totalcharges() {
    let table = datasets::telco_churn().unwrap().table;
    let blank: Vec<usize> = {
        let t = table.column("totalcharges").unwrap().as_numeric().unwrap();
        (0..t.len()).filter(|&i| t[i].is_nan()).collect()
    };
    assert_eq!(blank.len(), 11);
    let fitted = Pipeline::new()
        .transformer("pre", lab_preprocessing(&["customerid"]))
        .classifier("classifier", LogisticRegression::params().max_iter(1000))
        .fit(&table, "churn")
        .unwrap();
    let rows = table.take_rows(&blank).unwrap().drop_columns(&["churn"]).unwrap();
    let labels = fitted.predict(&rows).unwrap();
    assert!(labels.iter().all(|l| l == "Yes" || l == "No"));
    assert_eq!(fitted.proba_labels().unwrap(), ["No", "Yes"]);
    let p = fitted.predict_proba(&rows).unwrap();
    assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
    // The schema records what the model saw: kinds, categories and statistics.
    let contract = fitted.schema.columns.iter().find(|c| c.name == "contract").unwrap();
    assert_eq!(contract.categories.as_deref().unwrap(), ["Month-to-month", "One year", "Two year"]);
    let total = fitted.schema.columns.iter().find(|c| c.name == "totalcharges").unwrap();
    assert_eq!(total.stats.as_ref().unwrap().missing, 11);
    assert!(total.allows_missing);
    assert!(fitted.schema.columns.iter().all(|c| c.name != "customerid"), "the id column is not needed");
}
