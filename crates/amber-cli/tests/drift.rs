//! `amber drift` as a user runs it: exit status 4 for each deliberate drift, naming its column; 0
//! for another split of the same data; 2 for a model saved before drift references existed.

mod common;

#[path = "../../amber-model-selection/tests/common/telco_drift.rs"]
mod telco_drift;

use amber_persistence::{save, SaveOptions};
use common::*;

#[test]
fn drift_exits_4_for_each_deliberate_drift_and_0_for_another_split() {
    let tmp = scratch();
    let dir = tmp.path();
    let model = telco_drift::model();
    save(&model, dir.join("churn.amber"), &SaveOptions::default().metric("test_accuracy", 0.80)).unwrap();
    for (i, (name, rows, column)) in telco_drift::cases().into_iter().enumerate() {
        let csv = dir.join(format!("case{i}.csv"));
        rows.write_csv_path(&csv).unwrap();
        let o = amber(dir, &["drift", "churn.amber", csv.to_str().unwrap(), "--target", "churn", "--json"]);
        let report: serde_json::Value =
            serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{name}: {e}: {}", stdout(&o)));
        let drifted: Vec<String> = report["report"]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .chain(std::iter::once(&report["target"]))
            .filter(|c| c["drifted"] == true)
            .map(|c| c["column"].as_str().unwrap().to_string())
            .collect();
        match column {
            None => {
                assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
                assert!(
                    drifted.is_empty() && report["report"]["dataset_drift"] == false,
                    "{name}: {drifted:?}"
                );
                assert_eq!(report["metrics"][0]["dropped"], false, "{name}");
            }
            Some(column) => {
                assert_eq!(o.status.code(), Some(4), "{name}: {}", stderr(&o));
                assert!(drifted.iter().any(|c| c == column), "{name}: {drifted:?}");
                assert!(stderr(&o).contains("drift found"), "{name}: {}", stderr(&o));
            }
        }
    }
    // The text report names the test and the verdict per column.
    let o = amber(dir, &["drift", "churn.amber", dir.join("case1.csv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4));
    let line = stdout(&o).lines().find(|l| l.starts_with("monthlycharges")).unwrap_or_default().to_string();
    assert!(line.contains("wasserstein") && line.contains("DRIFT"), "{line}");
}

#[test]
fn a_metric_drop_is_exit_4_and_a_model_without_reference_is_2() {
    let tmp = scratch();
    let dir = tmp.path();
    let model = telco_drift::model();
    // A training accuracy far above what the model reaches on the later rows: a drop.
    save(&model, dir.join("churn.amber"), &SaveOptions::default().metric("test_accuracy", 0.99)).unwrap();
    let csv = dir.join("later.csv");
    telco_drift::later().write_csv_path(&csv).unwrap();
    let o = amber(dir, &["drift", "churn.amber", csv.to_str().unwrap(), "--target", "churn"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("metric drop: accuracy"), "{}", stderr(&o));
    assert!(stdout(&o).contains("DROP"), "{}", stdout(&o));

    let old = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/format-v1.5/pipeline.amber");
    let err = fails(dir, &["drift", old.to_str().unwrap(), csv.to_str().unwrap()], 2);
    assert!(err.contains("no training reference"), "{err}");
}
