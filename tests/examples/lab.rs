//! Tutorial `lab` (TUTORIALS.md D): penguins, with categorical columns and missing values. Encode
//! the categorical columns, scale the numeric ones, add a decision tree — all in one pipeline —
//! cross-validate it, tune `max_depth` by grid search, and save the best.
//!
//! Run: `cargo run -p amber-tests --example lab [DIR]`.

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use amber_data::datasets;
use amber_estimators::DecisionTreeClassifier;
use amber_model_selection::{metrics::accuracy, train_test_split, GridSearch, Scoring, StratifiedKFold};
use amber_persistence::{load, save, SaveOptions};
use amber_pipeline::{ColumnTransformer, FittedPipeline, Pipeline};
use serde_json::{json, Value};

/// What the tutorial found.
pub struct Findings {
    /// Mean CV accuracy of each `max_depth` tried (1 to 5, then unlimited).
    pub cv_means: Vec<f64>,
    /// The best `max_depth` (`None`: unlimited).
    pub best_max_depth: Option<u64>,
    /// The refitted best pipeline's accuracy on the test rows.
    pub test_accuracy: f64,
}

pub fn run(dir: &Path, out: &mut dyn Write) -> Result<Findings, Box<dyn Error>> {
    let penguins = datasets::penguins()?.table;
    let split = train_test_split(penguins.n_rows(), 0.2, 42)?;
    let train = penguins.take_rows(&split.train)?;
    let test = penguins.take_rows(&split.test)?;

    // Numeric: median imputation + scaling; categorical: most frequent + one-hot.
    let pipeline = Pipeline::new()
        .transformer("pre", ColumnTransformer::standard())
        .classifier("classifier", DecisionTreeClassifier::params());
    let depths: Vec<Value> = vec![json!(1), json!(2), json!(3), json!(4), json!(5), Value::Null];
    let search = GridSearch::new(pipeline).param("classifier.max_depth", depths).fit(
        &train,
        "species",
        &StratifiedKFold::new(5),
        Scoring::Accuracy,
        None,
    )?;
    for c in &search.candidates {
        writeln!(
            out,
            "max_depth {:<5} CV accuracy {:.4} ± {:.4} (rank {})",
            c.params["classifier.max_depth"], c.cv.mean, c.cv.std, c.rank
        )?;
    }
    let best_max_depth = search.best_params.get("classifier.max_depth").and_then(Value::as_u64);
    let labels = search.best.labels.clone().ok_or("no labels")?;
    let test_accuracy =
        accuracy(&test.encode_target("species", &labels)?, &search.best.predict_indices(&test)?)?;
    writeln!(out, "best max_depth {best_max_depth:?}: test accuracy {test_accuracy:.4}")?;

    let path = dir.join("models/penguins_lab.amber");
    let options = SaveOptions::default()
        .dataset("penguins train split", &train)
        .metric("cv_accuracy", search.best_score)
        .metric("test_accuracy", test_accuracy);
    save(&search.best, &path, &options)?;
    let loaded: FittedPipeline = load(&path)?;
    writeln!(
        out,
        "saved {}; reloaded identical: {}",
        path.display(),
        loaded.predict(&test)? == search.best.predict(&test)?
    )?;
    Ok(Findings {
        cv_means: search.candidates.iter().map(|c| c.cv.mean).collect(),
        best_max_depth,
        test_accuracy,
    })
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(|| PathBuf::from("tutorial-output"), PathBuf::from);
    run(&dir, &mut std::io::stdout())?;
    Ok(())
}
