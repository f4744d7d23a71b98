//! Writes the exported tutorial models and amber's answers on their test rows, for
//! `tools/onnxruntime_check.py` to run in onnxruntime (a development-time check; CI checks every
//! graph in tract). Run: `cargo run -p amber-onnx --example onnxruntime_cases -- DIR`.

use std::error::Error;

use amber_data::datasets;
use amber_estimators::{DecisionTreeClassifier, LogisticRegression, RandomForestClassifier, SVC};
use amber_onnx::Export;
use amber_pipeline::{ClassifierSpec, ColumnTransformer, Pipeline};
use serde_json::json;

/// The tests' helpers: the same rounded rows and split.
#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage: onnxruntime_cases DIR")?);
    std::fs::create_dir_all(&dir)?;
    let sets = [
        (datasets::iris()?, vec![]),
        (datasets::breast_cancer()?, vec![]),
        (datasets::penguins()?, vec![]),
        (datasets::telco_churn()?, vec!["customerid"]),
    ];
    for (dataset, drop) in sets {
        let (train, test) = common::split(&dataset, &drop);
        let specs: Vec<(&str, ClassifierSpec)> = vec![
            ("lr", LogisticRegression::params().max_iter(1000).into()),
            ("tree", DecisionTreeClassifier::params().into()),
            ("forest", RandomForestClassifier::params().n_estimators(25).into()),
            ("svc", SVC::params().probability(true).into()),
        ];
        for (name, spec) in specs {
            let fitted = Pipeline::new()
                .transformer("pre", ColumnTransformer::standard())
                .classifier(name, spec)
                .fit(&train, dataset.target)?;
            let signature = amber_onnx::signature(&fitted)?;
            let stem = format!("{}_{name}", dataset.name);
            std::fs::write(dir.join(format!("{stem}.onnx")), Export::new().pipeline(&fitted)?)?;
            let numeric = test.numeric_matrix(&signature.numeric)?;
            let mut categorical = serde_json::Map::new();
            for c in &signature.categorical {
                let cells = test.column(c)?.as_categorical().ok_or("categorical")?;
                let cells: Vec<String> = cells.iter().map(|v| v.clone().unwrap_or_default()).collect();
                categorical.insert(c.clone(), json!(cells));
            }
            let proba = fitted.predict_proba(&test)?;
            let case = json!({
                "numeric": numeric.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
                "categorical": categorical,
                "labels": fitted.predict(&test)?,
                "proba": proba.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
            });
            std::fs::write(dir.join(format!("{stem}.json")), serde_json::to_string(&case)?)?;
        }
    }
    Ok(())
}
