//! `cargo xtask tutorial NAME [DIR]`: runs one of the tutorials in `tests/examples/`.

use std::error::Error;
use std::path::PathBuf;
use std::process::Command;

/// The tutorials, each `tests/examples/<name>.rs`, with what it shows.
pub const TUTORIALS: [(&str, &str); 7] = [
    ("save-load", "iris logistic regression: train/test accuracy, save, load, identical predictions"),
    ("scaler-and-pipeline", "two files vs one pipeline file, and the silent error of forgetting the scaler"),
    ("best-of-three", "logistic regression, random forest, SVC: the winner saved as best_model_<algorithm>"),
    ("compression", "a 100-tree forest at zstd 0, 3, 9, 19: size, save and load time"),
    ("versioning", "versioned names, sidecars, the registry, a worse model refused"),
    ("churn", "the telco pipeline: schema, label map, predictions on new raw rows, input errors"),
    ("lab", "penguins: encode, scale, cross-validate, tune max_depth, save the best"),
];

/// Arguments of `cargo xtask tutorial`.
#[derive(clap::Args)]
pub struct Args {
    /// The tutorial (omit to list them).
    name: Option<String>,
    /// Where it writes its files (default `tutorial-output/`).
    dir: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let Some(name) = &args.name else {
        for (name, what) in TUTORIALS {
            println!("cargo xtask tutorial {name:<20} {what}");
        }
        return Ok(());
    };
    if !TUTORIALS.iter().any(|(n, _)| n == name) {
        let known: Vec<&str> = TUTORIALS.iter().map(|(n, _)| *n).collect();
        return Err(format!("no tutorial {name:?} (known: {})", known.join(", ")).into());
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["run", "--quiet", "--package", "amber-tests", "--example", name, "--manifest-path"])
        .arg(manifest);
    if name == "compression" {
        cmd.arg("--release"); // it prints timings
    }
    cmd.arg("--").arg(args.dir.clone().unwrap_or_else(|| PathBuf::from("tutorial-output")));
    let status = cmd.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("tutorial {name} failed").into())
    }
}
