//! `cargo xtask train-iris`, end to end: the real binary, run twice into a fresh registry.

use std::path::Path;
use std::process::Command;

fn run(out_dir: &Path) -> String {
    run_with(out_dir, &[])
}

fn run_with(out_dir: &Path, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["train-iris", "--out-dir"])
        .arg(out_dir)
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "train-iris failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

#[test]
fn train_iris_trains_saves_registers_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("models");

    let first = run(&dir);
    assert!(first.contains("120 train / 30 test"), "{first}");
    for name in ["logistic_regression", "scaler+svc", "decision_tree", "random_forest (100 trees)"] {
        assert!(first.contains(name), "leaderboard lists {name}:\n{first}");
    }
    assert!(first.contains("test accuracy: 1.0000"), "scikit-learn's split gives 1.0 here:\n{first}");
    assert!(first.contains("champion: v1 (first champion)"), "{first}");
    assert!(first.contains("verified"), "{first}");

    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".amber"))
        .collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].starts_with("iris_") && files[0].contains("_v1_"), "{files:?}");
    let header = amber_persistence::verify(dir.join(&files[0])).unwrap();
    assert!(header.metrics.contains_key("cv_accuracy_mean") && header.metrics["test_accuracy"] == 1.0);
    assert!(header.dataset.is_some() && header.schema.is_some());
    assert_eq!(header.labels.as_deref().unwrap(), ["setosa", "versicolor", "virginica"]);
    assert!(dir.join(format!("{}.json", files[0])).exists(), "JSON sidecar");

    // A second identical run trains the identical model: the same version, not a new one.
    let second = run(&dir);
    assert!(second.contains("_v1_") && second.contains("champion: v1 (unchanged)"), "{second}");
    // Another seed is another split: a new version, whose CV score is not comparable.
    let third = run_with(&dir, &["--seed", "7"]);
    assert!(third.contains("_v2_") && third.contains("champion stays v1: not comparable"), "{third}");
    let registry = amber_persistence::Registry::open(&dir).unwrap();
    assert_eq!(registry.versions("iris").unwrap().len(), 2);
    assert_eq!(registry.alias("iris", "champion").unwrap().unwrap().version, 1);
}

#[test]
fn a_tiny_test_split_still_saves_and_says_which_classes_it_lacks() {
    let tmp = tempfile::tempdir().unwrap();
    // 1 % of 150 rows is 2 test rows: at least one class is absent from them.
    let report = tmp.path().join("report");
    let out = run_with(tmp.path(), &["--test-size", "0.01", "--report", report.to_str().unwrap()]);
    assert!(out.contains("148 train / 2 test"), "{out}");
    // The report still draws every figure, the curves of absent classes left out.
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 4, "confusion, CV scores, ROC, precision-recall");
    assert!(html.contains("test_accuracy"));
    assert!(out.contains("support 0"), "{out}");
    assert!(out.contains("verified"), "{out}");
}

#[test]
fn help_and_bad_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Usage: cargo xtask"), "{text}");
    for task in ["train-iris", "bench", "golden", "tutorial"] {
        assert!(text.contains(task), "--help lists {task}:\n{text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["train-iris", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("--out-dir") && text.contains("--seed"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["train-iris", "--test-size", "1.5"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a bad test size exits non-zero");
    assert!(String::from_utf8_lossy(&out.stderr).contains("test_size"));
}

/// `cargo xtask tutorial` lists exactly the tutorials in tests/examples/.
#[test]
fn tutorial_lists_the_examples() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("tutorial").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let listed: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().nth(3)).collect();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/examples");
    let mut files: Vec<String> = std::fs::read_dir(examples)
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(sorted, files, "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["tutorial", "nope"]).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("known: save-load"));
}
