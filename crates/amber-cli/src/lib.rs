//! The `amber` command: train a model on a CSV file, predict on new rows, look inside a model file,
//! verify it, manage a model registry, export a model to ONNX and serve models over HTTP, from
//! the shell. This crate owns all of amber's printing; the library crates print nothing. `report`
//! writes the HTML training report (SVG figures drawn with plotters) that `amber train --report`
//! and `cargo xtask train-iris --report` produce.
//!
//! ```
//! use clap::Parser;
//!
//! let cli = amber_cli::Cli::try_parse_from(["amber", "inspect", "model.amber"])?;
//! assert!(matches!(cli.command, amber_cli::Command::Inspect(_)));
//! # Ok::<(), clap::Error>(())
//! ```

#![deny(missing_docs)]

mod drift;
mod error;
mod export;
mod inspect;
mod keygen;
mod models;
mod output;
mod predict;
pub mod report;
#[cfg(feature = "serve")]
mod serve;
mod train;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use error::{CliError, Status};
pub use output::promotion_line;

const EXIT_STATUS: &str = "\
Exit status:
  0  success
  1  usage or input error (bad flag, bad CSV, a column the model needs is missing)
  2  the model file is invalid, damaged, or not signed by a trusted key
  3  a file could not be read or written
  4  amber drift: the new data drifted, or a metric dropped";

/// `amber`: the command line.
#[derive(Debug, Parser)]
#[command(
    name = "amber",
    version,
    about = "Train, inspect, verify and serve classical ML models saved as verified .amber files",
    after_help = EXIT_STATUS
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a pipeline on a CSV file: cross-validate, pick the best, test, save, register.
    Train(train::Args),
    /// Predict labels (or probabilities) for the rows of a CSV file.
    Predict(predict::Args),
    /// Show a model file's metadata without decoding the model.
    Inspect(inspect::InspectArgs),
    /// Fully load a model file, check it against its header and re-run its stored sample.
    Verify(inspect::VerifyArgs),
    /// List, show, promote, alias and remove the versions in a model registry.
    Models(models::Args),
    /// Make an Ed25519 key pair for signing model files.
    Keygen(keygen::Args),
    /// Export a model file to another format: `amber export onnx MODEL.amber -o MODEL.onnx`.
    Export(export::Args),
    /// Compare new rows with the training data stored in a model file: drift per column, of the
    /// predictions and (with --target) of the metrics; exit status 4 when found.
    Drift(drift::Args),
    /// Serve a registry's models over HTTP: predictions, metadata, health and metrics, with hot
    /// swap when an alias moves.
    #[cfg(feature = "serve")]
    Serve(serve::Args),
}

/// Runs the command line `args` (the first item is the program name) and returns its exit
/// status; errors are printed on stderr in one to three lines.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(Status::Input as u8) } else { ExitCode::SUCCESS };
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.status == Status::Drift => {
            eprintln!("{e}");
            ExitCode::from(e.status as u8)
        }
        Err(e) => {
            for line in e.lines() {
                eprintln!("{line}");
            }
            ExitCode::from(e.status as u8)
        }
    }
}

/// The registry at `location`: `s3://BUCKET[/PREFIX]` (configured by the `AWS_*` environment
/// variables), else a directory, created only if `create`.
pub(crate) fn open_registry(
    location: &std::path::Path,
    create: bool,
) -> Result<amber_persistence::Registry, CliError> {
    match location.to_str().filter(|l| l.starts_with("s3://")) {
        Some(url) => Ok(amber_persistence::Registry::connect(url)?),
        None if !create && !location.is_dir() => {
            Err(CliError::input(format!("{} is not a registry directory", location.display())))
        }
        None => Ok(amber_persistence::Registry::open(location)?),
    }
}

/// Runs one subcommand.
pub fn run(command: Command) -> Result<(), CliError> {
    match command {
        Command::Train(args) => train::run(&args),
        Command::Predict(args) => predict::run(&args),
        Command::Inspect(args) => inspect::inspect(&args),
        Command::Verify(args) => inspect::verify(&args),
        Command::Models(args) => models::run(&args),
        Command::Keygen(args) => keygen::run(&args),
        Command::Export(args) => export::run(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(&args),
        Command::Drift(args) => drift::run(&args),
    }
}
