//! `train → inspect → verify → predict` with the real binary on the four datasets, in a temporary
//! directory each, with predictions (labels and probabilities) equal to the library's.

mod common;

use std::path::Path;

use amber_data::Table;
use amber_persistence::load;
use amber_pipeline::FittedPipeline;
use common::*;

/// Trains with `args`, checks inspect and verify, predicts every row of the dataset file with the
/// CLI, and compares with the library on the same file.
fn round_trip(name: &str, target: &str, args: &[&str]) {
    let tmp = scratch();
    let dir = tmp.path();
    let data = dataset(name);
    let mut train_args = vec!["--data", data.to_str().unwrap(), "--target", target, "--registry", "reg"];
    train_args.extend_from_slice(args);
    let summary = train(dir, &train_args);
    assert_eq!(summary["version"], 1, "{summary}");
    assert_eq!(summary["model"], name);
    let path = summary["path"].as_str().unwrap().to_string();
    assert!(dir.join(&path).is_file(), "{path}");
    let leaderboard = summary["leaderboard"].as_array().unwrap();
    assert!(!leaderboard.is_empty());
    assert_eq!(summary["best"], leaderboard[0]["name"]);

    // inspect: the header, without decoding the model.
    let header: serde_json::Value = serde_json::from_str(&ok(dir, &["inspect", &path, "--json"])).unwrap();
    assert_eq!(header["kind"], "pipeline");
    assert_eq!(header["model_name"], name);
    assert_eq!(header["tags"]["target"], target);
    let scoring = summary["scoring"].as_str().unwrap();
    assert!(header["metrics"][format!("cv_{scoring}_mean")].as_f64().is_some(), "{header}");
    assert!(header["metrics"]["test_accuracy"].as_f64().is_some(), "{header}");
    let text = ok(dir, &["inspect", &path]);
    for field in
        ["kind", "pipeline", "labels", "metrics", "hyperparameters", "input schema", "signature", "unsigned"]
    {
        assert!(text.contains(field), "inspect lacks {field:?}:\n{text}");
    }
    // verify: everything.
    let verified = ok(dir, &["verify", &path]);
    assert!(verified.starts_with("verified ") && verified.contains("re-run identically"), "{verified}");

    // predict: every row of the file (the target column is an extra column, ignored).
    ok(dir, &["predict", &path, data.to_str().unwrap(), "--proba", "-o", "out.csv"]);
    let model: FittedPipeline = load(dir.join(&path)).unwrap();
    let rows = Table::from_csv_path_with(&data, &model.schema.csv_options()).unwrap();
    let labels = model.predict(&rows).unwrap();
    let proba = model.predict_proba(&rows).unwrap();
    let mut out = csv::Reader::from_path(dir.join("out.csv")).unwrap();
    let heading: Vec<String> = out.headers().unwrap().iter().map(str::to_string).collect();
    let expected_heading: Vec<String> = std::iter::once("prediction".to_string())
        .chain(model.proba_labels().unwrap().iter().map(|l| format!("proba_{l}")))
        .collect();
    assert_eq!(heading, expected_heading);
    let records: Vec<csv::StringRecord> = out.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), rows.n_rows());
    for (i, r) in records.iter().enumerate() {
        assert_eq!(&r[0], labels[i], "{name} row {i}");
        for (j, cell) in r.iter().skip(1).enumerate() {
            // Written with Rust's shortest round-trip formatting: read back bit for bit.
            assert_eq!(cell.parse::<f64>().unwrap().to_bits(), proba[[i, j]].to_bits(), "{name} row {i}");
        }
    }
}

#[test]
fn iris_auto_compares_all_four_families() {
    round_trip("iris", "species", &[]);
}

#[test]
fn breast_cancer_tree_with_a_grid() {
    round_trip("breast_cancer", "diagnosis", &["--model", "dt", "--param", "classifier.max_depth=2,4,null"]);
}

#[test]
fn penguins_forest_with_missing_values() {
    round_trip("penguins", "species", &["--model", "rf", "--compress", "3"]);
}

#[test]
fn telco_churn_logistic_regression() {
    round_trip(
        "telco_churn",
        "churn",
        &["--model", "lr", "--drop", "customerid", "--scoring", "roc_auc", "--cv", "3"],
    );
}

/// The leaderboard is what the grid asked for, in order of score, and the summary says which won.
#[test]
fn a_grid_gives_one_candidate_per_combination() {
    let tmp = scratch();
    let data = dataset("iris");
    let summary = train(
        tmp.path(),
        &[
            "--data",
            data.to_str().unwrap(),
            "--target",
            "species",
            "--model",
            "dt",
            "--param",
            "classifier.max_depth=1,2",
            "--param",
            "classifier.criterion=gini,entropy",
        ],
    );
    let board = summary["leaderboard"].as_array().unwrap();
    assert_eq!(board.len(), 4);
    let means: Vec<f64> = board.iter().map(|e| e["mean"].as_f64().unwrap()).collect();
    assert!(means.windows(2).all(|w| w[0] >= w[1]), "{means:?}");
    // A depth-1 tree cannot separate three classes: it scores about 2/3 and must rank last.
    assert!(board[3]["name"].as_str().unwrap().contains("max_depth=1"), "{board:?}");
    assert!(Path::new(tmp.path()).join("models").is_dir(), "the default registry is models/");
}

/// `--data` takes Parquet: the penguins table written with the parquet crate (nulls for missing
/// cells, several row groups) trains the same model as the CSV file, which predicts the same.
#[test]
fn parquet_data_trains_the_same_model_as_csv() {
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    let tmp = scratch();
    let dir = tmp.path();
    let csv = dataset("penguins");
    let table = Table::from_csv_path(&csv).unwrap();
    let batch = table.to_record_batch().unwrap();
    let props = WriterProperties::builder().set_max_row_group_row_count(Some(128)).build();
    let file = std::fs::File::create(dir.join("penguins.parquet")).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();

    let args = |data: &str, registry: &str| {
        vec![
            "--data".to_string(),
            data.to_string(),
            "--target".into(),
            "species".into(),
            "--model".into(),
            "rf".into(),
            "--registry".into(),
            registry.to_string(),
            "--name".into(),
            "penguins".into(),
        ]
    };
    let from_csv = args(csv.to_str().unwrap(), "a");
    let from_parquet = args("penguins.parquet", "b");
    let a = train(dir, &from_csv.iter().map(String::as_str).collect::<Vec<_>>());
    let b = train(dir, &from_parquet.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(a["leaderboard"], b["leaderboard"], "the same CV scores");
    assert_eq!(a["test_metrics"], b["test_metrics"]);
    let model_a: FittedPipeline = load(dir.join(a["path"].as_str().unwrap())).unwrap();
    let model_b: FittedPipeline = load(dir.join(b["path"].as_str().unwrap())).unwrap();
    assert_eq!(model_a, model_b, "the same fitted model");
    assert_eq!(model_b.predict(&table).unwrap(), model_a.predict(&table).unwrap());
}
