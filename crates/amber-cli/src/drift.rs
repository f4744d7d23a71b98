//! `amber drift`: new rows against the training data recorded in the model file, column by column
//! and by the model's predictions; with `--target`, the model's metrics on them beside those stored
//! at training. Exit status 4 when anything drifted or a metric dropped.

use std::path::PathBuf;

use amber_data::{ColumnKind, Table};
use amber_model_selection::drift::{self, ColumnDrift, DriftReport, Test};
use amber_model_selection::metrics::{self, Average};
use amber_persistence::load_with;
use amber_pipeline::FittedPipeline;
use serde_json::json;

use crate::error::{CliError, Status};
use crate::output::{print_json, print_table, KeyArgs};

/// Arguments of `amber drift`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Tests (Evidently's defaults): up to 1,000 training rows, Kolmogorov-Smirnov (numeric), \
chi-square or a proportion z-test (categorical), drift when p < 0.05; above, normed Wasserstein (numeric) and \
Jensen-Shannon (categorical), drift when >= 0.1. PSI beside each. The dataset drifts when half its columns do.\n\n\
Exit status 4: a column, the predictions or the dataset drifted, or a metric dropped.\n\n\
Examples:\n  amber drift model.amber this_week.csv\n  amber drift model.amber labelled.csv --target churn --json"
)]
pub struct Args {
    /// The model file (a pipeline saved by amber 0.1 with format 1.6 or later).
    model: PathBuf,
    /// The new rows: a CSV file with a header.
    input: PathBuf,
    /// The target column of the new rows: adds the model's metrics on them and the target's drift.
    #[arg(long, value_name = "COL")]
    target: Option<String>,
    /// A metric that falls by more than this below its training value is a drop.
    #[arg(long, default_value_t = 0.05, value_name = "X")]
    max_drop: f64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    keys: KeyArgs,
}

impl From<drift::DriftError> for CliError {
    fn from(e: drift::DriftError) -> Self {
        match e {
            drift::DriftError::Pipeline(e) => e.into(),
            drift::DriftError::Empty => CliError::input(e.to_string()),
            other => CliError { status: Status::Model, error: Box::new(other) },
        }
    }
}

/// A metric on the new rows beside its training value.
struct MetricCheck {
    name: &'static str,
    current: f64,
    stored: Option<(String, f64)>,
    dropped: bool,
}

fn metric_checks(
    model: &FittedPipeline,
    x: &Table,
    target: &str,
    stored: &std::collections::BTreeMap<String, f64>,
    max_drop: f64,
) -> Result<Vec<MetricCheck>, CliError> {
    let labels = model
        .labels
        .as_ref()
        .ok_or_else(|| CliError::input("the model has no classifier: --target needs one"))?;
    let y = x.encode_target(target, labels)?;
    let predicted = model.predict_indices(x)?;
    let k = labels.len();
    let values = [
        ("accuracy", metrics::accuracy(&y, &predicted)?),
        ("f1_macro", metrics::f1(&y, &predicted, k, Average::Macro)?),
    ];
    Ok(values
        .into_iter()
        .map(|(name, current)| {
            let stored = [format!("test_{name}"), format!("cv_{name}_mean")]
                .into_iter()
                .find_map(|key| stored.get(&key).map(|v| (key, *v)));
            let dropped = stored.as_ref().is_some_and(|(_, v)| current < v - max_drop);
            MetricCheck { name, current, stored, dropped }
        })
        .collect())
}

fn row(c: &ColumnDrift) -> Vec<String> {
    let test = match c.test {
        Test::KolmogorovSmirnov => "ks p",
        Test::ChiSquare => "chi2 p",
        Test::ZTest => "z p",
        Test::Wasserstein => "wasserstein",
        Test::JensenShannon => "jensen-shannon",
    };
    vec![
        c.column.clone(),
        test.to_string(),
        format!("{:.4}", c.value),
        if c.drifted { "DRIFT".into() } else { "-".into() },
        format!("{:.3}", c.psi),
        format!("{:.1}% -> {:.1}%", 100.0 * c.reference_missing, 100.0 * c.current_missing),
        c.unseen.to_string(),
    ]
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let (model, header) = load_with::<FittedPipeline>(&args.model, &args.keys.load_options()?)?;
    if model.reference.is_none() {
        return Err(drift::DriftError::NoReference.into());
    }
    let mut options = model.schema.csv_options();
    if let Some(t) = &args.target {
        options = options.column_kind(t, ColumnKind::Categorical);
    }
    let x = Table::from_csv_path_with(&args.input, &options)?;
    let report: DriftReport = drift::drift(&model, &x)?;
    let (checks, target_drift) = match &args.target {
        Some(t) => (
            metric_checks(&model, &x, t, &header.metrics, args.max_drop)?,
            drift::target_drift(&model, &x, t)?,
        ),
        None => (Vec::new(), None),
    };
    let dropped: Vec<&str> = checks.iter().filter(|c| c.dropped).map(|c| c.name).collect();
    let drifted = report.any_drift() || target_drift.as_ref().is_some_and(|t| t.drifted);
    if args.json {
        print_json(&json!({
            "report": report,
            "target": target_drift,
            "metrics": checks.iter().map(|c| json!({"metric": c.name, "current": c.current, "stored": c.stored, "dropped": c.dropped})).collect::<Vec<_>>(),
            "drift": drifted,
            "metric_drop": !dropped.is_empty(),
        }))?;
    } else {
        let heading =
            ["column", "test", "value", "verdict", "psi", "missing", "unseen"].map(String::from).to_vec();
        let rows: Vec<Vec<String>> = std::iter::once(heading)
            .chain(report.columns.iter().chain(&report.prediction).chain(target_drift.iter()).map(row))
            .collect();
        print_table(&rows);
        println!();
        let sampled =
            if report.reference_sampled { ", numeric columns against a sample of them" } else { "" };
        println!("training rows: {}{sampled}; new rows: {}", report.reference_rows, report.current_rows);
        println!(
            "dataset drift: {} ({} of {} columns drifted)",
            if report.dataset_drift { "yes" } else { "no" },
            report.drifted_columns,
            report.columns.len()
        );
        for c in &checks {
            let stored =
                c.stored.as_ref().map_or("no training value".to_string(), |(k, v)| format!("{k} {v:.4}"));
            println!("{}: {:.4} ({stored}){}", c.name, c.current, if c.dropped { "  DROP" } else { "" });
        }
    }
    if drifted || !dropped.is_empty() {
        let what = match (drifted, dropped.is_empty()) {
            (true, true) => "drift found".to_string(),
            (false, _) => format!("metric drop: {}", dropped.join(", ")),
            (true, false) => format!("drift found, and a metric drop: {}", dropped.join(", ")),
        };
        return Err(CliError { status: Status::Drift, error: what.into() });
    }
    Ok(())
}
