//! `cargo xtask …`: the project's tasks. Run `cargo xtask --help`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod alloc;
mod bench;
mod bench_all;
mod bench_predict;
#[cfg(feature = "bench")]
mod bench_serve;
mod bench_svc;
mod golden;
mod mutants;
mod train_iris;
mod tutorial;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "amber's project tasks",
    after_help = "Examples:\n  cargo xtask train-iris --report report/\n  cargo xtask tutorial churn\n  cargo xtask bench --quick\n  cargo xtask bench persistence\n  cargo xtask golden"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Train five candidates on iris, pick the best by cross-validation, save, register and verify it.
    TrainIris(train_iris::Args),
    /// Benchmarks (`all`, the default, or `persistence`, `search`, `predict`, `forest`, `svc`, `serve`), in a release build, beside scikit-learn when Python is present.
    Bench(bench::Args),
    /// Mutation testing (cargo-mutants) of the given files, or of the core modules; see MUTANTS.md.
    Mutants(mutants::Args),
    /// Run a tutorial from tests/examples/ (omit NAME to list them).
    Tutorial(tutorial::Args),
    /// Internal (benchmarks): run a command, print its peak RSS in KiB and wall seconds. A fresh,
    /// small process spawns it, because a child inherits the peak RSS of the process that spawns it.
    #[command(hide = true)]
    Rss {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
    /// Write one model file of every kind into `tests/fixtures/format-v<version>/` (run when the format changes).
    Golden,
}

fn main() -> ExitCode {
    let result = match Cli::parse().task {
        Task::TrainIris(args) => train_iris::run(&args),
        Task::Golden => golden::run(),
        Task::Tutorial(args) => tutorial::run(&args),
        Task::Bench(args) => bench::run(&args),
        Task::Mutants(args) => mutants::run(&args),
        Task::Rss { command } => bench_all::rss(&command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
