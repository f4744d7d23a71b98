//! Tutorial `save-load` (TUTORIALS.md A.1–A.4): fit a logistic regression on iris, save it to
//! `models/`, load it back, and check that nothing changed — then the same with compression.
//!
//! Run: `cargo run -p amber-tests --example save-load [DIR]` (files go to `DIR/models/`,
//! default `tutorial-output/`).

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use amber_data::datasets;
use amber_estimators::{Classifier, ClassifierParams, LogisticRegression};
use amber_model_selection::{metrics::accuracy, train_test_split};
use amber_persistence::{load, save, SaveOptions};

/// What the tutorial found.
pub struct Findings {
    /// Accuracy on the 120 training rows.
    pub train_accuracy: f64,
    /// Accuracy on the 30 test rows.
    pub test_accuracy: f64,
    /// Predicted class indices of the test rows.
    pub predictions: Vec<usize>,
    /// Test predictions of the model loaded from the plain file, then from the compressed one.
    pub reloaded: [Vec<usize>; 2],
    /// Sizes of the plain and the compressed file, in bytes.
    pub sizes: [u64; 2],
}

pub fn run(dir: &Path, out: &mut dyn Write) -> Result<Findings, Box<dyn Error>> {
    // 1. Split iris 80/20 exactly as scikit-learn's train_test_split(random_state=42) does.
    let (x, y) = datasets::iris()?.features_and_target()?;
    let split = train_test_split(x.n_rows(), 0.2, 42)?;
    let x_train = x.take_rows(&split.train)?.to_array2()?;
    let x_test = x.take_rows(&split.test)?.to_array2()?;
    let y_train: Vec<usize> = split.train.iter().map(|&r| y.indices[r]).collect();
    let y_test: Vec<usize> = split.test.iter().map(|&r| y.indices[r]).collect();

    let model = LogisticRegression::params().max_iter(200).fit(x_train.view(), &y_train)?;
    let train_accuracy = accuracy(&y_train, &model.predict(x_train.view())?)?;
    let predictions = model.predict(x_test.view())?;
    let test_accuracy = accuracy(&y_test, &predictions)?;
    writeln!(out, "train accuracy {train_accuracy:.3}, test accuracy {test_accuracy:.3}")?;

    // 2–4. Save (the folder is created), load, compare element by element; plain and zstd.
    let mut reloaded = [Vec::new(), Vec::new()];
    let mut sizes = [0; 2];
    for (i, (file, options)) in [
        ("iris_logistic_regression.amber", SaveOptions::default()),
        ("iris_logistic_regression.zstd.amber", SaveOptions::default().compress(3)),
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.join("models").join(file);
        save(&model, &path, &options.dataset("iris train split", &x.take_rows(&split.train)?))?;
        let loaded: LogisticRegression = load(&path)?;
        reloaded[i] = loaded.predict(x_test.view())?;
        sizes[i] = std::fs::metadata(&path)?.len();
        let same = reloaded[i] == predictions;
        writeln!(
            out,
            "{}: {} bytes; loaded back: predictions {} on all {} test rows, accuracy {:.3}",
            path.display(),
            sizes[i],
            if same { "identical" } else { "DIFFERENT" },
            y_test.len(),
            accuracy(&y_test, &reloaded[i])?
        )?;
    }
    Ok(Findings { train_accuracy, test_accuracy, predictions, reloaded, sizes })
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(|| PathBuf::from("tutorial-output"), PathBuf::from);
    run(&dir, &mut std::io::stdout())?;
    Ok(())
}
