//! Tutorial `best-of-three` (TUTORIALS.md A.7): logistic regression, a 100-tree random forest and
//! an RBF SVC on iris; compare their test accuracy and save only the winner, under a name that
//! says which algorithm won (`best_model_<algorithm>.amber`).
//!
//! Run: `cargo run -p amber-tests --example best-of-three [DIR]`.

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use amber_data::datasets;
use amber_estimators::{LogisticRegression, RandomForestClassifier, SVC};
use amber_model_selection::{metrics::accuracy, train_test_split};
use amber_persistence::{load, save, Persist, SaveOptions};
use amber_pipeline::{FittedPipeline, Pipeline};

/// What the tutorial found.
pub struct Findings {
    /// Each candidate's algorithm and test accuracy, in the order tried.
    pub accuracies: Vec<(String, f64)>,
    /// The winner's algorithm (the first of the best on ties).
    pub winner: String,
    /// Where it was saved.
    pub path: PathBuf,
}

pub fn run(dir: &Path, out: &mut dyn Write) -> Result<Findings, Box<dyn Error>> {
    let iris = datasets::iris()?;
    let split = train_test_split(iris.table.n_rows(), 0.2, 42)?;
    let train = iris.table.take_rows(&split.train)?;
    let test = iris.table.take_rows(&split.test)?;

    let candidates = [
        Pipeline::new().classifier("classifier", LogisticRegression::params().max_iter(200)),
        Pipeline::new()
            .classifier("classifier", RandomForestClassifier::params().n_estimators(100).random_state(42)),
        Pipeline::new().classifier("classifier", SVC::params()),
    ];
    let mut accuracies = Vec::new();
    let mut best: Option<(f64, FittedPipeline)> = None;
    for candidate in &candidates {
        let fitted = candidate.fit(&train, "species")?;
        let labels = fitted.labels.clone().ok_or("no labels")?;
        let score = accuracy(&test.encode_target("species", &labels)?, &fitted.predict_indices(&test)?)?;
        let algorithm = fitted.algorithm();
        writeln!(out, "{algorithm:<26} test accuracy {score:.3}")?;
        accuracies.push((algorithm, score));
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, fitted));
        }
    }
    let (_, best) = best.ok_or("no candidates")?;
    let winner = best.algorithm();
    let path = dir.join("models").join(format!("best_model_{winner}.amber"));
    save(&best, &path, &SaveOptions::default().dataset("iris train split", &train))?;
    let loaded: FittedPipeline = load(&path)?;
    let same = loaded.predict(&test)? == best.predict(&test)?;
    writeln!(
        out,
        "best: {winner} (first of the best on ties), saved as {}; reloaded identical: {same}",
        path.display()
    )?;
    Ok(Findings { accuracies, winner, path })
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(|| PathBuf::from("tutorial-output"), PathBuf::from);
    run(&dir, &mut std::io::stdout())?;
    Ok(())
}
