//! `amber train`: from a CSV file to a registered, verified model.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use amber_data::{ColumnKind, Table};
use amber_estimators::{DecisionTreeClassifier, LogisticRegression, RandomForestClassifier, SVC};
use amber_model_selection::checks::{DataChecks, Finding, FindingKind, Severity};
use amber_model_selection::metrics::{self, Average};
use amber_model_selection::{
    baseline, compare, describe, train_test_split, CvResult, GridSearch, Leaderboard, MostFrequent, Progress,
    Scoring, StratifiedKFold,
};
use amber_persistence::{SaveOptions, SecretKey};
use amber_pipeline::{ClassifierSpec, ColumnTransformer, FittedPipeline, Pipeline};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};

use crate::error::CliError;
use crate::output::{metric, print_json, print_table, promotion_line};
use crate::report::{self, Report};

/// The model families `--model` chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelChoice {
    /// Logistic regression (lbfgs), `C` searched over 0.01 … 100 with `auto`.
    Lr,
    /// Decision tree, `max_depth` searched over 2, 4, 6, 8, none with `auto`.
    Dt,
    /// Random forest of 100 trees, `max_depth` searched over 4, 8, none with `auto`.
    Rf,
    /// Support vector classifier (RBF, with probabilities), `C` searched over 0.1, 1, 10 with `auto`.
    Svc,
    /// All four, each with its main parameter searched.
    Auto,
}

impl ModelChoice {
    const ALL: [ModelChoice; 4] = [ModelChoice::Lr, ModelChoice::Dt, ModelChoice::Rf, ModelChoice::Svc];

    fn name(self) -> &'static str {
        match self {
            ModelChoice::Lr => "lr",
            ModelChoice::Dt => "dt",
            ModelChoice::Rf => "rf",
            ModelChoice::Svc => "svc",
            ModelChoice::Auto => "auto",
        }
    }

    fn spec(self, seed: u32) -> ClassifierSpec {
        match self {
            ModelChoice::Lr | ModelChoice::Auto => LogisticRegression::params().max_iter(1000).into(),
            ModelChoice::Dt => DecisionTreeClassifier::params().random_state(seed).into(),
            ModelChoice::Rf => RandomForestClassifier::params().n_estimators(100).random_state(seed).into(),
            ModelChoice::Svc => SVC::params().probability(true).random_state(seed).into(),
        }
    }

    /// The main parameter searched with `--model auto`.
    fn main_grid(self) -> (&'static str, Vec<Value>) {
        match self {
            ModelChoice::Lr | ModelChoice::Auto => {
                ("classifier.C", vec![json!(0.01), json!(0.1), json!(1.0), json!(10.0), json!(100.0)])
            }
            ModelChoice::Dt => {
                ("classifier.max_depth", vec![json!(2), json!(4), json!(6), json!(8), Value::Null])
            }
            ModelChoice::Rf => ("classifier.max_depth", vec![json!(4), json!(8), Value::Null]),
            ModelChoice::Svc => ("classifier.C", vec![json!(0.1), json!(1.0), json!(10.0)]),
        }
    }
}

/// `--scoring`: scikit-learn's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoringArg {
    /// Accuracy.
    Accuracy,
    /// Unweighted mean F1 over classes.
    #[value(name = "f1_macro")]
    F1Macro,
    /// Support-weighted mean F1.
    #[value(name = "f1_weighted")]
    F1Weighted,
    /// ROC-AUC (one-vs-rest macro with more than two classes).
    #[value(name = "roc_auc")]
    RocAuc,
    /// Minus the log loss.
    #[value(name = "neg_log_loss")]
    NegLogLoss,
}

impl From<ScoringArg> for Scoring {
    fn from(s: ScoringArg) -> Scoring {
        match s {
            ScoringArg::Accuracy => Scoring::Accuracy,
            ScoringArg::F1Macro => Scoring::F1Macro,
            ScoringArg::F1Weighted => Scoring::F1Weighted,
            ScoringArg::RocAuc => Scoring::RocAuc,
            ScoringArg::NegLogLoss => Scoring::NegLogLoss,
        }
    }
}

/// Arguments of `amber train`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  amber train --data datasets/iris.csv --target species\n  \
                        amber train --data telco.csv --target Churn --drop customerID --model rf \\\n      \
                        --param classifier.max_depth=4,8,null --scoring roc_auc --report report/\n\n\
                        Numeric columns are imputed (median) and standardized; categorical columns are imputed\n\
                        (most frequent) and one-hot encoded. The model is saved in the registry (--registry) as\n\
                        the next version of --name and becomes its champion if its cross-validated score is at\n\
                        least the champion's on the same data and protocol.\n\n\
                        Before any score, the data checks run on the split: test rows that repeat training rows,\n\
                        repeated training rows, identifier-like columns, a feature that alone predicts the target,\n\
                        a rare class. Their warnings go to stderr and the report (--strict: exit status 1); the\n\
                        leaderboard's first line is the baseline, always answering the most frequent class.")]
pub struct Args {
    /// The training table: CSV with a header, or Parquet (`.parquet`).
    #[arg(long, value_name = "FILE.csv|FILE.parquet")]
    data: PathBuf,
    /// The column to predict.
    #[arg(long, value_name = "COL")]
    target: String,
    /// Columns to leave out (ids, leaks); repeatable.
    #[arg(long, value_name = "COL")]
    drop: Vec<String>,
    /// The model family, or `auto` to compare all four.
    #[arg(long, value_enum, default_value_t = ModelChoice::Auto)]
    model: ModelChoice,
    /// Folds of stratified cross-validation.
    #[arg(long, default_value_t = 5, value_name = "N")]
    cv: usize,
    /// How candidates are ranked (higher is better).
    #[arg(long, value_enum, default_value_t = ScoringArg::Accuracy)]
    scoring: ScoringArg,
    /// A hyperparameter grid, `PATH=V1,V2,…` with JSON values (`null`, `"sqrt"` or bare words);
    /// repeatable; needs one --model.
    #[arg(long = "param", value_name = "PATH=V1,V2")]
    params: Vec<String>,
    /// Fraction of rows held out for the test metrics (scikit-learn's train_test_split).
    #[arg(long, default_value_t = 0.2, value_name = "F")]
    test_size: f64,
    /// Seed of the split, the forest and SVC's probability calibration.
    #[arg(long, default_value_t = 42, value_name = "N")]
    seed: u32,
    /// The registry: a directory (created if needed), or s3://BUCKET[/PREFIX] of an S3-compatible
    /// store, configured by the AWS_* environment variables (AWS_ENDPOINT, AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ALLOW_HTTP).
    #[arg(long, default_value = "models", value_name = "DIR")]
    registry: PathBuf,
    /// The model's name in the registry (default: the data file's name).
    #[arg(long)]
    name: Option<String>,
    /// zstd compression level of the saved file (0: none).
    #[arg(long, default_value_t = 0, value_name = "LEVEL")]
    compress: i32,
    /// Sign the saved file with this secret key (from `amber keygen`).
    #[arg(long, value_name = "KEY.pem")]
    sign: Option<PathBuf>,
    /// Write an HTML report with figures into this directory.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    json: bool,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// Exit with status 1 (after saving, as without it) when a data check warns: for CI.
    #[arg(long)]
    strict: bool,
}

/// One candidate of the search.
struct Candidate {
    name: String,
    model: ModelChoice,
    params: BTreeMap<String, Value>,
    pipeline: Pipeline,
}

/// Parses `--param PATH=V1,V2`: each value is JSON if it parses, a string otherwise.
fn parse_param(text: &str) -> Result<(String, Vec<Value>), CliError> {
    let (path, values) = text.split_once('=').ok_or_else(|| {
        CliError::input(format!(
            "--param {text:?}: expected PATH=V1,V2,… (e.g. classifier.max_depth=2,4,null)"
        ))
    })?;
    let values: Vec<Value> = values
        .split(',')
        .map(|v| serde_json::from_str(v.trim()).unwrap_or_else(|_| Value::String(v.trim().to_string())))
        .collect();
    if path.is_empty() || values.iter().any(|v| v == &Value::String(String::new())) {
        return Err(CliError::input(format!("--param {text:?}: empty path or value")));
    }
    Ok((path.trim().to_string(), values))
}

/// The model name a data file gives: its stem, with other characters than letters, digits, `-`
/// and `_` replaced by `_`.
fn default_name(data: &std::path::Path) -> String {
    let stem = data.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(64)
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        name
    } else {
        format!("m{}", name.chars().take(63).collect::<String>())
    }
}

fn candidates(args: &Args) -> Result<Vec<Candidate>, CliError> {
    let grids: Vec<(String, Vec<Value>)> =
        args.params.iter().map(|p| parse_param(p)).collect::<Result<_, _>>()?;
    if !grids.is_empty() && args.model == ModelChoice::Auto {
        return Err(CliError::input(
            "--param needs one --model (lr, dt, rf or svc): parameter paths differ between models",
        ));
    }
    let models = if args.model == ModelChoice::Auto { ModelChoice::ALL.to_vec() } else { vec![args.model] };
    let mut out = Vec::new();
    for model in models {
        let base = Pipeline::new()
            .transformer("pre", ColumnTransformer::standard())
            .classifier("classifier", model.spec(args.seed));
        let mut search = GridSearch::new(base.clone());
        if args.model == ModelChoice::Auto {
            let (path, values) = model.main_grid();
            search = search.param(path, values);
        }
        for (path, values) in &grids {
            search = search.param(path, values.clone());
        }
        for params in search.combinations()? {
            let mut pipeline = base.clone();
            for (path, value) in &params {
                pipeline.set_param(path, value.clone())?;
            }
            let name = if params.is_empty() {
                model.name().to_string()
            } else {
                format!("{} {}", model.name(), describe(&params).replace("classifier.", ""))
            };
            out.push(Candidate { name, model, params, pipeline });
        }
    }
    Ok(out)
}

/// The fitted model on the held-out rows.
struct Held {
    /// Metrics defined on these rows (ROC-AUC is left out when a class is absent).
    metrics: BTreeMap<String, f64>,
    y: Vec<usize>,
    predicted: Vec<usize>,
    proba: ndarray::Array2<f64>,
}

fn held_out(model: &FittedPipeline, test: &Table, target: &str) -> Result<Held, CliError> {
    let labels = model.labels.as_ref().ok_or_else(|| CliError::input("the pipeline has no labels"))?;
    let y = test.encode_target(target, labels)?;
    let predicted = model.predict_indices(test)?;
    let proba = model.predict_proba(test)?;
    let mut metrics = BTreeMap::new();
    if !y.is_empty() {
        metrics.insert("test_accuracy".to_string(), metrics::accuracy(&y, &predicted)?);
        metrics
            .insert("test_f1_macro".to_string(), metrics::f1(&y, &predicted, labels.len(), Average::Macro)?);
        if let Ok(auc) = metrics::roc_auc(&y, proba.view()) {
            metrics.insert("test_roc_auc".to_string(), auc);
        }
        metrics.insert("test_log_loss".to_string(), metrics::log_loss(&y, proba.view())?);
    }
    Ok(Held { metrics, y, predicted, proba })
}

fn check_args(args: &Args) -> Result<(), CliError> {
    if !(args.test_size > 0.0 && args.test_size < 1.0) {
        return Err(CliError::input(format!(
            "--test-size {}: must be between 0 and 1 (exclusive)",
            args.test_size
        )));
    }
    if !(0..=22).contains(&args.compress) {
        return Err(CliError::input(format!(
            "--compress {}: zstd levels are 1 to 22 (0: no compression)",
            args.compress
        )));
    }
    if args.cv < 2 {
        return Err(CliError::input(format!("--cv {}: cross-validation needs at least 2 folds", args.cv)));
    }
    Ok(())
}

/// The data, split.
struct Data {
    file: String,
    table: Table,
    train: Table,
    test: Table,
    /// The file's data rows (0-based) of the train and test tables' rows.
    split: amber_model_selection::TrainTestSplit,
}

fn read_data(args: &Args) -> Result<Data, CliError> {
    let parquet = args.data.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let table = if parquet { read_parquet(&args.data)? } else { Table::from_csv_path(&args.data)? };
    table.column(&args.target)?;
    let table = if args.drop.is_empty() { table } else { table.drop_columns(&args.drop)? };
    let split = train_test_split(table.n_rows(), args.test_size, args.seed)?;
    let train = table.take_rows(&split.train)?;
    let test = table.take_rows(&split.test)?;
    let file = args.data.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    if !args.json {
        let n_categorical =
            table.columns().filter(|(n, c)| *n != args.target && c.kind() == ColumnKind::Categorical).count();
        let n_features = table.n_cols().saturating_sub(1);
        println!(
            "{file}: {} rows, {n_features} feature columns ({} numeric, {n_categorical} categorical) → {} train / {} test rows (seed {})",
            table.n_rows(),
            n_features.saturating_sub(n_categorical),
            train.n_rows(),
            test.n_rows(),
            args.seed
        );
    }
    Ok(Data { file, table, train, test, split })
}

#[cfg(feature = "parquet")]
fn read_parquet(path: &std::path::Path) -> Result<Table, CliError> {
    Ok(Table::from_parquet_path(path)?)
}

#[cfg(not(feature = "parquet"))]
fn read_parquet(path: &std::path::Path) -> Result<Table, CliError> {
    Err(CliError::input(format!(
        "{}: this amber was built without Parquet support (feature `parquet`)",
        path.display()
    )))
}

/// Runs the data checks on the split and says what they found on stderr (nothing with `--json`,
/// which carries them), naming the file's lines of the rows involved.
fn run_checks(args: &Args, data: &Data) -> Result<Vec<Finding>, CliError> {
    let findings = DataChecks::default().n_splits(args.cv).run(&data.train, &data.test, &args.target)?;
    if !args.json {
        for f in &findings {
            let file_rows = match f.kind {
                FindingKind::TrainTestOverlap => Some(&data.split.test),
                FindingKind::TrainDuplicates => Some(&data.split.train),
                _ => None,
            };
            let lines: Vec<String> = file_rows
                .map(|rows| f.rows.iter().filter_map(|&r| rows.get(r)).map(|r| (r + 2).to_string()).collect())
                .unwrap_or_default();
            let at = if lines.is_empty() {
                String::new()
            } else {
                format!(
                    " (first at lines {}{} of {})",
                    lines.join(", "),
                    if f.count > lines.len() { ", …" } else { "" },
                    data.file
                )
            };
            eprintln!("{}: {}{at} [{}]", f.severity.name(), f.message, f.kind.name());
        }
    }
    Ok(findings)
}

/// The most-frequent baseline: on the candidates' folds, and fitted on the train split for the
/// test rows' metrics.
struct Baseline {
    label: String,
    cv: CvResult,
    test_metrics: BTreeMap<String, f64>,
}

fn run_baseline(args: &Args, data: &Data) -> Result<Baseline, CliError> {
    let cv = baseline(&data.train, &args.target, &StratifiedKFold::new(args.cv), args.scoring.into())?;
    let (_, y) = data.train.split_target(&args.target)?;
    let dummy = MostFrequent::fit(&y.indices, y.labels.len());
    let y_test = data.test.encode_target(&args.target, &y.labels)?;
    let mut test_metrics = BTreeMap::new();
    if !y_test.is_empty() {
        for (name, scoring) in [("test_accuracy", Scoring::Accuracy), ("test_f1_macro", Scoring::F1Macro)] {
            test_metrics.insert(name.to_string(), dummy.score(&y_test, scoring)?);
        }
        test_metrics.insert("test_log_loss".to_string(), -dummy.score(&y_test, Scoring::NegLogLoss)?);
        if let Ok(auc) = dummy.score(&y_test, Scoring::RocAuc) {
            test_metrics.insert("test_roc_auc".to_string(), auc);
        }
    }
    let label = y.labels.label(dummy.class).unwrap_or_default();
    Ok(Baseline { label: format!("baseline (always {:?})", amber_data::excerpt(label)), cv, test_metrics })
}

/// Cross-validates every candidate in one parallel pass, with a progress bar on a terminal.
fn cross_validate_all(args: &Args, candidates: &[Candidate], train: &Table) -> Result<Leaderboard, CliError> {
    let bar = if args.quiet || args.json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new((candidates.len() * args.cv) as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("cross-validating [{bar:30}] {pos}/{len} fits, {elapsed}")
            .map_err(|e| CliError::input(e.to_string()))?
            .progress_chars("=> "),
    );
    let tick = |_: Progress| bar.inc(1);
    let named: Vec<(String, Pipeline)> =
        candidates.iter().map(|c| (c.name.clone(), c.pipeline.clone())).collect();
    let cv = StratifiedKFold::new(args.cv);
    let board = compare(&named, train, &args.target, &cv, args.scoring.into(), Some(&tick))?;
    bar.finish_and_clear();
    Ok(board)
}

pub fn run(args: &Args) -> Result<(), CliError> {
    check_args(args)?;
    let name = args.name.clone().unwrap_or_else(|| default_name(&args.data));
    let signing_key = args.sign.as_ref().map(SecretKey::read).transpose()?;
    let candidates = candidates(args)?;
    let data = read_data(args)?;
    let findings = run_checks(args, &data)?;
    let reference = run_baseline(args, &data)?;
    let Data { file, table, train, test, .. } = data;
    let board = cross_validate_all(args, &candidates, &train)?;
    let winner = board.entries.first().ok_or_else(|| CliError::input("no candidates"))?;
    let best = &board.best;
    for warning in best.warnings() {
        eprintln!("warning: {warning}");
    }
    let held = held_out(best, &test, &args.target)?;

    let key = Scoring::from(args.scoring).name();
    let evaluation = format!(
        "StratifiedKFold({}) {key} on the train split of {file} (test_size={}, seed={})",
        args.cv, args.test_size, args.seed
    );
    let mut options = SaveOptions::default()
        .dataset(&format!("{file} train split (test_size={}, seed={})", args.test_size, args.seed), &train)
        .metric(&format!("cv_{key}_mean"), winner.cv.mean)
        .metric(&format!("cv_{key}_std"), winner.cv.std)
        .tag("candidate", &winner.name)
        .tag("target", &args.target)
        .description(&format!(
            "amber train --model {}: best of {} candidates by {evaluation}",
            args.model.name(),
            candidates.len()
        ))
        .evaluation(&evaluation);
    if args.compress > 0 {
        options = options.compress(args.compress);
    }
    for (k, v) in &held.metrics {
        options = options.metric(k, *v);
    }
    let sample_from = if test.n_rows() > 0 { &test } else { &train };
    let sample_rows: Vec<usize> = (0..sample_from.n_rows().min(5)).collect();
    options = options.sample(sample_from.take_rows(&sample_rows)?.drop_columns(&[args.target.as_str()])?);
    if let Some(key) = signing_key {
        options = options.sign(key);
    }
    let registry = crate::open_registry(&args.registry, true)?;
    let version = registry.register(&name, best, &options)?;
    let metric_name = format!("cv_{key}_mean");
    let promotion = registry.promote_if_better(&name, "champion", version.version, &metric_name)?;
    let champion = promotion_line(&promotion, version.version, &metric_name);

    let labels: Vec<String> = best.labels.as_ref().map(|l| l.labels().to_vec()).unwrap_or_default();
    if let Some(dir) = &args.report {
        let report = Report {
            title: format!("amber train: {name} v{}", version.version),
            subtitle: format!("{file}, target {:?}; {evaluation}", args.target),
            scoring: key.to_string(),
            labels: labels.clone(),
            candidates: board.entries.iter().map(Into::into).collect(),
            baseline: Some(report::CandidateScore::new(&reference.label, &reference.cv)),
            findings: findings.clone(),
            y_true: held.y.clone(),
            y_pred: held.predicted.clone(),
            proba: held.proba.clone(),
            importances: report::importances(best),
            metrics: version.header.metrics.clone(),
        };
        let path = report.write(dir)?;
        if !args.json {
            println!("report: {}", path.display());
        }
    }

    let n_warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
    let strict_failure = (args.strict && n_warnings > 0).then(|| {
        CliError::input(format!(
            "--strict: the data checks gave {n_warnings} warning{} (the model was saved all the same)",
            if n_warnings == 1 { "" } else { "s" }
        ))
    });
    if args.json {
        let leaderboard: Vec<Value> = board
            .entries
            .iter()
            .filter_map(|e| candidates.iter().find(|c| c.name == e.name).map(|c| (e, c)))
            .map(|(e, c)| json!({"name": e.name, "model": c.model.name(), "params": c.params, "mean": e.cv.mean, "std": e.cv.std, "scores": e.cv.scores}))
            .collect();
        return print_json(&json!({
            "data": args.data,
            "rows": table.n_rows(),
            "train_rows": train.n_rows(),
            "test_rows": test.n_rows(),
            "scoring": key,
            "leaderboard": leaderboard,
            "best": winner.name,
            "test_metrics": held.metrics,
            "model": name,
            "version": version.version,
            "path": version.path,
            "champion": champion,
            "checks": findings,
            "baseline": {
                "name": reference.label,
                "mean": reference.cv.mean,
                "std": reference.cv.std,
                "scores": reference.cv.scores,
                "test_metrics": reference.test_metrics,
            },
        }))
        .and(strict_failure.map_or(Ok(()), Err));
    }
    print_leaderboard(&board, &reference, &format!("{key} ({}-fold CV)", args.cv));
    print_held_out(&held, &reference, &labels)?;
    println!("\nsaved {} as {name} v{}", version.path.display(), version.version);
    println!("{champion}");
    strict_failure.map_or(Ok(()), Err)
}

fn print_leaderboard(board: &Leaderboard, reference: &Baseline, heading: &str) {
    println!();
    let mut rows = vec![vec!["candidate".to_string(), heading.to_string()]];
    rows.push(vec![
        format!("  {}", reference.label),
        format!("{} ± {}", metric(reference.cv.mean), metric(reference.cv.std)),
    ]);
    for (i, e) in board.entries.iter().enumerate() {
        let mark = if i == 0 { "* " } else { "  " };
        rows.push(vec![format!("{mark}{}", e.name), format!("{} ± {}", metric(e.cv.mean), metric(e.cv.std))]);
    }
    print_table(&rows);
    if let Some(winner) = board.entries.first() {
        println!("best: {} (ties go to the lower std, then to the earlier candidate)", winner.name);
    }
}

fn print_held_out(held: &Held, reference: &Baseline, labels: &[String]) -> Result<(), CliError> {
    let shown = |metrics: &BTreeMap<String, f64>| -> String {
        metrics
            .iter()
            .map(|(k, v)| format!("{} {}", k.trim_start_matches("test_"), metric(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("\ntest ({} rows): {}", held.y.len(), shown(&held.metrics));
    if !reference.test_metrics.is_empty() {
        println!("{} on test: {}", reference.label, shown(&reference.test_metrics));
    }
    if !held.y.is_empty() {
        let cm = metrics::confusion_matrix(&held.y, &held.predicted, labels.len())?;
        let mut rows = vec![std::iter::once("true \\ predicted".to_string())
            .chain(labels.iter().cloned())
            .collect::<Vec<_>>()];
        for (label, counts) in labels.iter().zip(&cm) {
            rows.push(std::iter::once(label.clone()).chain(counts.iter().map(usize::to_string)).collect());
        }
        print_table(&rows);
    }
    Ok(())
}
