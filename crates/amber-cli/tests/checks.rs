//! `amber train` runs the data checks before it reports a score: warnings on stderr (naming the
//! file's lines), in `--json`, and `--strict` turns them into exit status 1 after saving; the
//! leaderboard's first line is the baseline.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::*;

/// Iris with an id column and, every other row, a copy of an earlier row: the shape of a
/// resampled file.
fn leaky_iris(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(dataset("iris")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut out = format!("{header}\n");
    for i in 0..300 {
        let _ = writeln!(out, "{}", rows[(i * 7) % rows.len()]);
    }
    let path = dir.join("resampled.csv");
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn train_reports_findings_and_the_baseline() {
    let tmp = scratch();
    let dir = tmp.path();
    let data = leaky_iris(dir);
    let args = ["--data", data.to_str().unwrap(), "--target", "species", "--model", "dt", "--name", "leaky"];
    let summary = train(dir, &args);
    let kinds: Vec<&str> =
        summary["checks"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["train_test_overlap", "train_duplicates"], "{}", summary["checks"]);
    assert_eq!(summary["checks"][0]["severity"], "warning");
    let baseline = &summary["baseline"];
    assert!(baseline["name"].as_str().unwrap().starts_with("baseline (always "), "{baseline}");
    let mean = baseline["mean"].as_f64().unwrap();
    assert!(mean > 0.2 && mean < 0.5, "three classes: {mean}");
    assert!(baseline["test_metrics"]["test_accuracy"].as_f64().is_some(), "{baseline}");

    // As text: on stderr, with the file's lines; the model is saved.
    let mut all = vec!["train", "-q"];
    all.extend_from_slice(&args);
    let o = amber(dir, &all);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(err.contains("warning: ") && err.contains("[train_test_overlap]"), "{err}");
    assert!(err.contains("(first at lines "), "{err}");
    let out = stdout(&o);
    let board = &out[out.find("candidate").unwrap()..];
    assert!(board.lines().nth(1).unwrap().contains("baseline (always "), "baseline first:\n{out}");

    // --strict: the same run, saved, then exit status 1.
    all.push("--strict");
    let o = amber(dir, &all);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--strict: the data checks gave 2 warnings"), "{}", stderr(&o));
    assert!(stdout(&o).contains("saved "), "{}", stdout(&o));
}

#[test]
fn strict_passes_clean_data_and_names_the_churn_id() {
    let tmp = scratch();
    let dir = tmp.path();
    let iris = dataset("iris");
    // Iris has one repeated training row: a note, not a warning, so --strict passes.
    let summary =
        train(dir, &["--data", iris.to_str().unwrap(), "--target", "species", "--model", "dt", "--strict"]);
    let severities: Vec<&str> =
        summary["checks"].as_array().unwrap().iter().map(|f| f["severity"].as_str().unwrap()).collect();
    assert_eq!(severities, ["note"], "{}", summary["checks"]);
    assert_eq!(summary["checks"][0]["kind"], "train_duplicates");

    // Churn with its id column left in: the id is named, with the flag that drops it.
    let churn = dataset("telco_churn");
    let args = ["--data", churn.to_str().unwrap(), "--target", "churn", "--model", "lr", "--cv", "2"];
    let summary = train(dir, &args);
    let warnings: Vec<&serde_json::Value> =
        summary["checks"].as_array().unwrap().iter().filter(|f| f["severity"] == "warning").collect();
    assert_eq!(warnings.len(), 1, "{}", summary["checks"]);
    assert_eq!(warnings[0]["kind"], "identifier_column");
    assert_eq!(warnings[0]["columns"], serde_json::json!(["customerid"]));
    assert!(warnings[0]["message"].as_str().unwrap().contains("--drop customerid"));
}
