//! `cargo xtask train-iris`.
//!
//! Today this does steps 1 of the headline job: load iris, summarise it, and split it exactly as
//! scikit-learn's `train_test_split(test_size=0.2, random_state=seed)` does. Training, model
//! selection, saving and verification arrive with the estimator, persistence and model-selection
//! issues; until then the command says so.

use std::error::Error;
use std::path::PathBuf;

use amber_data::{datasets, Column};
use amber_model_selection::train_test_split;

/// Arguments of `cargo xtask train-iris`.
#[derive(clap::Args)]
pub struct Args {
    /// Seed of the train/test split (scikit-learn's `random_state`).
    #[arg(long, default_value_t = 42)]
    seed: u32,
    /// Fraction of rows held out for testing.
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// Where trained models will be written.
    #[arg(long, default_value = "models")]
    out_dir: PathBuf,
}

pub fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let iris = datasets::iris()?;
    let (x, y) = iris.features_and_target()?;
    println!(
        "dataset   {} — {} rows, {} features, target {:?}",
        iris.name,
        x.n_rows(),
        x.n_cols(),
        iris.target
    );
    println!("sha256    {}", iris.table.fingerprint());
    println!("{:<14} {:>8} {:>8} {:>8} {:>8}", "feature", "min", "mean", "max", "missing");
    for (name, column) in x.columns() {
        if let Column::Numeric(v) = column {
            let present: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            let mean = present.iter().sum::<f64>() / present.len().max(1) as f64;
            let min = present.iter().copied().fold(f64::INFINITY, f64::min);
            let max = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            println!("{name:<14} {min:>8.2} {mean:>8.3} {max:>8.2} {:>8}", column.n_missing());
        }
    }
    let mut counts = vec![0usize; y.labels.len()];
    for &c in &y.indices {
        if let Some(n) = counts.get_mut(c) {
            *n += 1;
        }
    }
    for (label, n) in y.labels.labels().iter().zip(&counts) {
        println!("class     {label:<12} {n:>4} rows");
    }

    let split = train_test_split(x.n_rows(), args.test_size, args.seed)?;
    println!(
        "split     train {} / test {} rows (scikit-learn train_test_split, test_size={}, random_state={})",
        split.train.len(),
        split.test.len(),
        args.test_size,
        args.seed
    );
    let head: Vec<String> = split.test.iter().take(10).map(|r| r.to_string()).collect();
    println!("test rows {} …", head.join(", "));
    println!(
        "\nnot yet: training, model selection, saving to {} and verification arrive with the \
         estimator, persistence and model-selection issues.",
        args.out_dir.display()
    );
    Ok(())
}
