//! `cargo xtask mutants [FILE…]`: mutation testing with cargo-mutants (configured in
//! `.cargo/mutants.toml`), on the given source files or, without any, on the core modules listed
//! in MUTANTS.md. Installs nothing: it says how to install cargo-mutants when it is missing.

use std::error::Error;
use std::process::Command;

/// The core modules MUTANTS.md tracks.
pub const CORE: &[&str] = &[
    "crates/amber-model-selection/src/metrics.rs",
    "crates/amber-model-selection/src/search.rs",
    "crates/amber-model-selection/src/split.rs",
    "crates/amber-estimators/src/tree/builder.rs",
    "crates/amber-estimators/src/tree/forest.rs",
    "crates/amber-estimators/src/linear/*.rs",
    "crates/amber-estimators/src/svm/*.rs",
    "crates/amber-estimators/src/transform/*.rs",
    "crates/amber-pipeline/src/schema.rs",
    "crates/amber-persistence/src/format.rs",
    "crates/amber-persistence/src/io.rs",
    "crates/amber-persistence/src/load.rs",
    "crates/amber-persistence/src/persist.rs",
    "crates/amber-persistence/src/registry.rs",
];

/// Arguments of `cargo xtask mutants`.
#[derive(clap::Args)]
pub struct Args {
    /// Source files (globs allowed) to mutate; default: the core modules.
    files: Vec<String>,
    /// Parallel jobs (each builds in its own copy of the tree).
    #[arg(long, short, default_value_t = 1)]
    jobs: usize,
}

pub fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let installed =
        Command::new("cargo").args(["mutants", "--version"]).output().is_ok_and(|o| o.status.success());
    if !installed {
        return Err("cargo-mutants is not installed: cargo install cargo-mutants --locked".into());
    }
    let files: Vec<String> =
        if args.files.is_empty() { CORE.iter().map(|f| f.to_string()).collect() } else { args.files.clone() };
    let mut cmd = Command::new("cargo");
    cmd.current_dir(crate::bench::root()).args(["mutants", "--jobs", &args.jobs.to_string()]);
    for f in &files {
        cmd.args(["--file", f]);
    }
    let status = cmd.status()?;
    // cargo-mutants exits 2 when mutants survived, 3 on timeouts: results, not failures of the task.
    match status.code() {
        Some(0 | 2 | 3) => Ok(()),
        _ => Err(format!("cargo mutants failed ({status})").into()),
    }
}
