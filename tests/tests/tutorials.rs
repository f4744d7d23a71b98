//! Every runnable tutorial (tests/examples/*.rs, `cargo run -p amber-tests --example NAME`) run in
//! its own temporary directory, its figures checked against docs/TUTORIALS.md and scikit-learn
//! (tests/fixtures/sklearn_tutorials.json, written by tools/sklearn_tutorials.py).

use serde_json::Value;

macro_rules! tutorial {
    ($module:ident, $file:literal) => {
        #[allow(dead_code)]
        #[path = $file]
        mod $module;
    };
}
tutorial!(save_load, "../examples/save-load.rs");
tutorial!(scaler_and_pipeline, "../examples/scaler-and-pipeline.rs");
tutorial!(best_of_three, "../examples/best-of-three.rs");
tutorial!(compression, "../examples/compression.rs");
tutorial!(versioning, "../examples/versioning.rs");
tutorial!(churn, "../examples/churn.rs");
tutorial!(lab, "../examples/lab.rs");

fn sklearn() -> Value {
    serde_json::from_str(include_str!("../fixtures/sklearn_tutorials.json")).unwrap()
}

type Tutorial<T> = fn(&std::path::Path, &mut dyn std::io::Write) -> Result<T, Box<dyn std::error::Error>>;

/// Runs a tutorial in a directory of its own; returns its findings, its output (for failure
/// messages) and the directory (removed when dropped).
fn run<T>(f: Tutorial<T>) -> (T, String, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    let found = f(tmp.path(), &mut out).unwrap();
    (found, String::from_utf8(out).unwrap(), tmp)
}

fn labels_of(indices: &[usize]) -> Vec<&'static str> {
    indices.iter().map(|&i| ["setosa", "versicolor", "virginica"][i]).collect()
}

#[test]
fn save_load() {
    let (f, text, _dir) = run(save_load::run);
    let fx = &sklearn()["save_load"];
    // TUTORIALS.md A.1: 0.975 / 1.0; the predictions are scikit-learn's row for row.
    assert_eq!(f.train_accuracy, fx["train_accuracy"].as_f64().unwrap(), "{text}");
    assert_eq!(f.test_accuracy, fx["test_accuracy"].as_f64().unwrap(), "{text}");
    assert_eq!(
        labels_of(&f.predictions),
        fx["test_predictions"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect::<Vec<_>>()
    );
    assert_eq!(f.reloaded, [f.predictions.clone(), f.predictions.clone()], "{text}");
    assert!(f.sizes.iter().all(|&s| s > 0));
    assert!(text.contains("identical on all 30 test rows"), "{text}");
}

#[test]
fn scaler_and_pipeline() {
    let (f, text, _dir) = run(scaler_and_pipeline::run);
    let fx = &sklearn()["scaler_and_pipeline"];
    assert_eq!(f.two_files_accuracy, fx["test_accuracy"].as_f64().unwrap(), "{text}");
    assert_eq!(f.pipeline_accuracy, f.two_files_accuracy);
    assert!(f.pipeline_equals_two_files, "{text}");
    // The silent error: scikit-learn's 0.367 exactly, the same wrong answers row for row.
    assert_eq!(f.forgot_scaler_accuracy, fx["forgot_scaler_accuracy"].as_f64().unwrap(), "{text}");
    let theirs: Vec<&str> =
        fx["forgot_scaler_predictions"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(labels_of(&f.forgot_scaler_predictions), theirs);
}

#[test]
fn best_of_three() {
    let (f, text, _dir) = run(best_of_three::run);
    let fx = &sklearn()["best_of_three"];
    let names: Vec<&str> = f.accuracies.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["logistic_regression", "random_forest_classifier", "svc"]);
    for (name, score) in &f.accuracies {
        assert_eq!(*score, fx["test_accuracy"][name].as_f64().unwrap(), "{name}: {text}");
    }
    assert_eq!(f.winner, fx["winner"].as_str().unwrap());
    assert!(
        f.path.ends_with(format!("models/best_model_{}.amber", f.winner)) && f.path.is_file(),
        "{}",
        f.path.display()
    );
}

#[test]
fn compression() {
    let (f, text, _dir) = run(compression::run);
    let fx = &sklearn()["compression"];
    // The same forest as scikit-learn's (same node count), in much smaller files than joblib's.
    assert_eq!(f.n_nodes as u64, fx["n_nodes"].as_u64().unwrap(), "{text}");
    let levels: Vec<i32> = f.rows.iter().map(|r| r.level).collect();
    assert_eq!(levels, [0, 3, 9, 19]);
    assert!(f.rows.iter().all(|r| r.identical), "{text}");
    assert!(f.rows.windows(2).all(|w| w[1].bytes <= w[0].bytes), "sizes fall with the level: {text}");
    assert!(f.rows[3].bytes < f.rows[0].bytes / 2, "{text}");
    let joblib = |level: &str| fx["joblib_bytes"][level].as_u64().unwrap();
    assert!(f.rows[0].bytes < joblib("0"), "plain: amber {} vs joblib {}", f.rows[0].bytes, joblib("0"));
    assert!(f.rows[1].bytes < joblib("3"), "level 3: amber {} vs joblib {}", f.rows[1].bytes, joblib("3"));
    assert!(f.rows[2].bytes < joblib("9"), "level 9: amber {} vs joblib {}", f.rows[2].bytes, joblib("9"));
}

#[test]
fn versioning() {
    let (f, text, _dir) = run(versioning::run);
    let names: Vec<String> =
        f.files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for (i, (name, algorithm)) in names
        .iter()
        .zip(["decision_tree_classifier", "logistic_regression", "decision_tree_classifier"])
        .enumerate()
    {
        assert!(name.starts_with(&format!("iris_{algorithm}_v{}_", i + 1)), "{name}");
        assert!(f.files[i].is_file() && amber_persistence::sidecar_path(&f.files[i]).is_file());
    }
    use amber_persistence::Promotion;
    assert_eq!(f.promotions[0], Promotion::Promoted { previous: None }, "{text}");
    assert_eq!(f.promotions[1], Promotion::Promoted { previous: Some(1) }, "{text}");
    assert!(matches!(f.promotions[2], Promotion::Refused { current: 2, .. }), "{text}");
    assert_eq!(f.champion, 2);
}

#[test]
fn churn() {
    let (f, text, _dir) = run(churn::run);
    let fx = &sklearn()["churn"];
    assert_eq!(f.labels, ["No", "Yes"]);
    assert_eq!(fx["classes"], serde_json::json!(["No", "Yes"]));
    assert_eq!(f.schema_columns, 19, "20 columns but the target, customerid dropped");
    // amber's logistic regression stops by its own rule (issue 13) where scikit-learn's lbfgs
    // stops at tol=1e-4: the two differ on one of 1,409 test rows today. Accuracy is allowed one
    // row, F1 the effect of one row on its counts (< 0.005), ROC-AUC 1e-3 (measured: 7e-5).
    let [acc, f1, auc] = f.test_metrics;
    assert!((acc - fx["test_accuracy"].as_f64().unwrap()).abs() <= 1.0 / 1409.0 + 1e-12, "{text}");
    assert!((f1 - fx["test_f1_yes"].as_f64().unwrap()).abs() < 5e-3, "{text}");
    assert!((auc - fx["test_roc_auc"].as_f64().unwrap()).abs() < 1e-3, "{text}");
    // A month-to-month fiber customer of 2 months churns far more likely than a two-year one.
    assert!(f.new_churn_probability[0] > 0.5 && f.new_churn_probability[1] < 0.05, "{text}");
    use amber_pipeline::PipelineError;
    assert!(
        matches!(&f.errors[0], PipelineError::MissingColumn { name } if name == "tenure"),
        "{:?}",
        f.errors
    );
    assert!(
        matches!(&f.errors[1], PipelineError::TextInNumericColumn { name, row: 0, .. } if name == "tenure"),
        "{:?}",
        f.errors
    );
    assert_eq!(f.unseen_rows, [1]);
}

#[test]
fn lab() {
    let (f, text, _dir) = run(lab::run);
    let fx = &sklearn()["lab"];
    // The trees are scikit-learn's, so the CV means are GridSearchCV's to rounding.
    let theirs: Vec<f64> = fx["cv_means"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(f.cv_means.len(), theirs.len());
    for (a, b) in f.cv_means.iter().zip(&theirs) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}: {text}");
    }
    assert_eq!(f.best_max_depth, fx["best_max_depth"].as_u64(), "{text}");
    assert_eq!(f.test_accuracy, fx["test_accuracy"].as_f64().unwrap(), "{text}");
}

/// The README lists exactly the tutorials that exist, each with the command that runs it.
#[test]
fn readme_lists_every_tutorial() {
    let readme = include_str!("../../README.md");
    let mut names: Vec<String> = std::fs::read_dir(amber_tests::repo_root().join("tests/examples"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["best-of-three", "churn", "compression", "lab", "save-load", "scaler-and-pipeline", "versioning"]
    );
    for name in &names {
        assert!(readme.contains(&format!("cargo xtask tutorial {name}")), "README lacks the {name} tutorial");
    }
    let listed = readme.matches("cargo xtask tutorial ").count();
    assert_eq!(
        listed,
        names.len(),
        "the README lists {listed} tutorial commands for {} tutorials",
        names.len()
    );
}
