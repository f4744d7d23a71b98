//! The tutorials' save/load workflows (docs/TUTORIALS.md A, B, C, D): saved with amber, loaded
//! in a fresh process, predictions compared element by element.
//!
//! The fresh process is this test binary run again (`child` does nothing unless
//! `AMBER_CHILD_MODEL` is set); it prints its predictions as one JSON line.

use std::path::Path;
use std::process::Command;

use amber_data::{datasets, Table};
use amber_estimators::*;
use amber_persistence::*;
use amber_pipeline::{FittedPipeline, Pipeline};
use amber_tests::{agreement, lab_preprocessing, split_80_20};
use serde::{Deserialize, Serialize};

/// Predicted labels and probabilities; probabilities as raw bits, so that the comparison is
/// exact (text formats can lose the last bit of a float).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Predictions {
    labels: Vec<String>,
    proba: Vec<Vec<u64>>,
}

/// A fresh directory of this test's own, removed when dropped.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// The test rows of the sklearn-identical 80/20 split of `dataset`, without the target.
fn test_rows(dataset: &str) -> Table {
    let d = datasets::load(dataset).unwrap();
    let (_, test, _) = split_80_20(&d.table);
    test.drop_columns(&[d.target]).unwrap()
}

/// The child: loads `AMBER_CHILD_MODEL` (as `AMBER_CHILD_KIND`) and predicts on the test rows.
/// Run only by `in_fresh_process` (ignored in a normal run); without its environment it fails.
#[test]
#[ignore = "the child process of the tests here; they run it"]
fn child() {
    let (Ok(model), Ok(kind), Ok(data)) = (
        std::env::var("AMBER_CHILD_MODEL"),
        std::env::var("AMBER_CHILD_KIND"),
        std::env::var("AMBER_CHILD_DATA"),
    ) else {
        panic!("run by in_fresh_process, with AMBER_CHILD_MODEL, AMBER_CHILD_KIND and AMBER_CHILD_DATA set")
    };
    let rows = test_rows(&data);
    let labels = amber_data::datasets::load(&data).unwrap().features_and_target().unwrap().1.labels;
    let out = match kind.as_str() {
        "pipeline" => {
            let p: FittedPipeline = load(&model).unwrap();
            p.check_input(&rows).unwrap();
            Predictions {
                labels: p.predict(&rows).unwrap(),
                proba: rows_of(&p.predict_proba(&rows).unwrap()),
            }
        }
        // Tutorial A.5: two files, the scaler applied first.
        "scaler+logistic" => {
            let scaler: StandardScaler = load(format!("{model}.scaler.amber")).unwrap();
            let lr: LogisticRegression = load(&model).unwrap();
            let x = scaler.transform(&rows).unwrap().to_array2().unwrap();
            predictions(&lr, &x, &labels)
        }
        "logistic" => {
            predictions(&load::<LogisticRegression>(&model).unwrap(), &rows.to_array2().unwrap(), &labels)
        }
        "classifier" => predictions(
            &load::<amber_pipeline::FittedClassifier>(&model).unwrap(),
            &rows.to_array2().unwrap(),
            &labels,
        ),
        other => panic!("unknown kind {other}"),
    };
    println!("RESULT:{}", serde_json::to_string(&out).unwrap());
}

fn rows_of(m: &ndarray::Array2<f64>) -> Vec<Vec<u64>> {
    m.rows().into_iter().map(|r| r.iter().map(|v| v.to_bits()).collect()).collect()
}

fn predictions(
    model: &dyn Classifier,
    x: &ndarray::Array2<f64>,
    labels: &amber_data::LabelMap,
) -> Predictions {
    Predictions {
        labels: labels.decode(&model.predict(x.view()).unwrap()).unwrap(),
        proba: model.predict_proba(x.view()).map(|p| rows_of(&p)).unwrap_or_default(),
    }
}

/// Runs the child on `model` and returns what it predicted.
fn in_fresh_process(model: &Path, kind: &str, data: &str) -> Predictions {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("AMBER_CHILD_MODEL", model)
        .env("AMBER_CHILD_KIND", kind)
        .env("AMBER_CHILD_DATA", data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let line =
        stdout.lines().find_map(|l| l.split_once("RESULT:").map(|(_, r)| r)).expect("child printed a result");
    serde_json::from_str(line).unwrap()
}

fn truth(dataset: &str) -> Vec<String> {
    let d = datasets::load(dataset).unwrap();
    let (_, test, _) = split_80_20(&d.table);
    test.column(d.target).unwrap().as_categorical().unwrap().iter().map(|v| v.clone().unwrap()).collect()
}

/// A.1–A.4: fit, save to models/ (created), load in a fresh process, identical predictions and
/// accuracy; the same with compression (the "second serializer").
#[test]
fn iris_logistic_regression_saved_and_loaded_elsewhere() {
    let iris = datasets::iris().unwrap();
    let (train, test, _) = split_80_20(&iris.table);
    let (x_train, y_train) = train.split_target("species").unwrap();
    let model = LogisticRegression::params()
        .max_iter(200)
        .fit(x_train.to_array2().unwrap().view(), &y_train.indices)
        .unwrap();
    let x_test = test.drop_columns(&["species"]).unwrap().to_array2().unwrap();
    let here = predictions(&model, &x_test, &y_train.labels);
    assert_eq!(agreement(&here.labels, &truth("iris")), 1.0, "the tutorial's test accuracy");

    let tmp = scratch();
    let models = tmp.path().join("models");
    for (file, options) in [
        ("iris_lr.amber", SaveOptions::default()),
        ("iris_lr_zstd.amber", SaveOptions::default().compress(3)),
    ] {
        let path = models.join(file);
        save(&model, &path, &options.dataset("iris", &train).metric("test_accuracy", 1.0)).unwrap();
        let there = in_fresh_process(&path, "logistic", "iris");
        assert_eq!(there, here, "{file}: identical predictions and probabilities in a fresh process");
    }
}

/// A.5 and A.6: scaler and model as two files (scaler applied first when loading), then one
/// pipeline file predicting on raw rows: the same answers.
#[test]
fn scaler_and_model_two_files_then_one_pipeline() {
    let iris = datasets::iris().unwrap();
    let (train, _, _) = split_80_20(&iris.table);
    let (x_train, y_train) = train.split_target("species").unwrap();
    let scaler = StandardScaler::params().fit(&x_train).unwrap();
    let lr = LogisticRegression::params()
        .fit(scaler.transform(&x_train).unwrap().to_array2().unwrap().view(), &y_train.indices)
        .unwrap();
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let model_path = dir.join("iris_lr.amber");
    save(&lr, &model_path, &SaveOptions::default()).unwrap();
    save(&scaler, dir.join("iris_lr.amber.scaler.amber"), &SaveOptions::default()).unwrap();
    let two_files = in_fresh_process(&model_path, "scaler+logistic", "iris");

    let pipeline = Pipeline::new()
        .transformer("scaler", StandardScaler::params())
        .classifier("classifier", LogisticRegression::params())
        .fit(&train, "species")
        .unwrap();
    let pipeline_path = dir.join("iris_pipeline.amber");
    save(&pipeline, &pipeline_path, &SaveOptions::default()).unwrap();
    let one_file = in_fresh_process(&pipeline_path, "pipeline", "iris");
    assert_eq!(one_file, two_files);
    assert_eq!(agreement(&one_file.labels, &truth("iris")), 1.0);
}

/// A.7 and B: several candidates compared, the best saved under a name that says which won; a
/// 100-tree forest plain and compressed; versioned names that never overwrite.
#[test]
fn best_candidate_saved_by_name_and_forest_compressed() {
    let iris = datasets::iris().unwrap();
    let (train, test, _) = split_80_20(&iris.table);
    let (x, y) = train.split_target("species").unwrap();
    let x = x.to_array2().unwrap();
    let x_test = test.drop_columns(&["species"]).unwrap().to_array2().unwrap();
    let candidates: Vec<amber_pipeline::FittedClassifier> = vec![
        LogisticRegression::params().max_iter(200).fit(x.view(), &y.indices).unwrap().into(),
        RandomForestClassifier::params()
            .n_estimators(100)
            .random_state(42)
            .fit(x.view(), &y.indices)
            .unwrap()
            .into(),
        SVC::params().fit(x.view(), &y.indices).unwrap().into(),
    ];
    let truth = truth("iris");
    let scored: Vec<(f64, &amber_pipeline::FittedClassifier)> = candidates
        .iter()
        .map(|m| (agreement(&y.labels.decode(&m.predict(x_test.view()).unwrap()).unwrap(), &truth), m))
        .collect();
    // Highest accuracy; ties go to the earlier candidate.
    let (best_score, best) = scored.iter().fold(scored[0], |b, c| if c.0 > b.0 { *c } else { b });
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let path = dir.join(format!("best_model_{}.amber", best.kind()));
    save(best, &path, &SaveOptions::default().metric("test_accuracy", best_score)).unwrap();
    assert_eq!(inspect(&path).unwrap().metrics["test_accuracy"], best_score);
    let there = in_fresh_process(&path, "classifier", "iris");
    assert_eq!(agreement(&there.labels, &truth), best_score);

    // B: the forest, plain and at level 3 (joblib: 187 KB and 27 KB for scikit-learn's forest).
    let forest = &candidates[1];
    let plain = dir.join("rf_plain.amber");
    let packed = dir.join("rf_zstd3.amber");
    save(forest, &plain, &SaveOptions::default()).unwrap();
    save(forest, &packed, &SaveOptions::default().compress(3)).unwrap();
    let (a, b) = (std::fs::metadata(&plain).unwrap().len(), std::fs::metadata(&packed).unwrap().len());
    println!("random forest (100 trees) on iris: {a} bytes plain, {b} bytes zstd level 3");
    assert!(b < a);
    assert!(a < 187_000, "smaller than joblib's plain file");
    let v1 = save_versioned(&dir, "rf_model", forest, &SaveOptions::default()).unwrap();
    // Saving the identical model again is the same version; another model is a new one.
    assert_eq!(save_versioned(&dir, "rf_model", forest, &SaveOptions::default()).unwrap(), v1);
    let v2 = save_versioned(&dir, "rf_model", &candidates[0], &SaveOptions::default()).unwrap();
    assert_ne!(v1, v2);
    assert!(v1.exists() && v2.exists(), "a retrain never overwrites");
}

/// C and D: the churn service — pipeline, metadata and schema in one file, loaded by a fresh
/// process that validates its input and returns churn probabilities.
#[test]
fn churn_pipeline_with_metadata_served_from_a_fresh_process() {
    let churn = datasets::telco_churn().unwrap();
    let (train, _, _) = split_80_20(&churn.table);
    let spec = Pipeline::new()
        .transformer("pre", lab_preprocessing(&["customerid"]))
        .classifier("classifier", LogisticRegression::params().max_iter(1000));
    let fitted = spec.fit(&train, "churn").unwrap();
    let rows = test_rows("telco_churn");
    let here = Predictions {
        labels: fitted.predict(&rows).unwrap(),
        proba: rows_of(&fitted.predict_proba(&rows).unwrap()),
    };
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let path = dir.join("churn.amber");
    let options = SaveOptions::default()
        .dataset("telco_churn", &train)
        .metric("test_accuracy", agreement(&here.labels, &truth("telco_churn")))
        .tag("label_0", "No churn")
        .tag("label_1", "Churn")
        .compress(3);
    save(&fitted, &path, &options).unwrap();
    let header = inspect(&path).unwrap();
    assert_eq!(header.labels.as_deref().unwrap(), ["No", "Yes"]);
    assert!(header.schema.as_ref().unwrap().columns.iter().any(|c| c.name == "contract"));
    assert_eq!(header.dataset.as_ref().unwrap().fingerprint, train.fingerprint().to_hex());
    let sidecar: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sidecar_path(&path)).unwrap()).unwrap();
    // The fitted pipeline records its hyperparameters; the header carries them by path.
    assert_eq!(sidecar["hyperparameters"]["classifier.max_iter"], 1000);
    assert_eq!(sidecar["hyperparameters"]["pre.categorical.imputer.strategy"], "most_frequent");
    let there = in_fresh_process(&path, "pipeline", "telco_churn");
    assert_eq!(there, here);
}
