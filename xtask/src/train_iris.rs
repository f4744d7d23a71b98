//! `cargo xtask train-iris`: the tutorial workflow end to end, on iris.
//!
//! 1. Split iris 80/20 as scikit-learn does (seed 42 by default).
//! 2. Cross-validate five candidates (stratified 5-fold, in parallel, with a progress bar); the
//!    decision tree's `max_depth` is chosen by grid search first.
//! 3. Print the leaderboard, refit the best on the training rows, score it on the test rows.
//! 4. Save it under a versioned name in the registry (`models/` by default), with dataset
//!    fingerprint, metrics, schema and labels; promote it to `champion` only if it is not worse.
//! 5. Load the file back, check its predictions on the test rows, and print "verified".

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use amber_cli::report::{self, Report};
use amber_data::datasets;
use amber_estimators::*;
use amber_model_selection::checks::DataChecks;
use amber_model_selection::metrics::{self, ClassificationReport};
use amber_model_selection::{
    baseline, compare, describe, train_test_split, GridSearch, MostFrequent, Progress, Scoring,
    StratifiedKFold,
};
use amber_persistence::{load, Registry, SaveOptions};
use amber_pipeline::{FittedPipeline, Pipeline};
use indicatif::{ProgressBar, ProgressStyle};

/// Arguments of `cargo xtask train-iris`.
#[derive(clap::Args)]
pub struct Args {
    /// Seed of the train/test split (scikit-learn's `random_state`) and of the random forest.
    #[arg(long, default_value_t = 42)]
    seed: u32,
    /// Fraction of rows held out for testing.
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// The model registry directory (created if needed).
    #[arg(long, default_value = "models")]
    out_dir: PathBuf,
    /// Also write an HTML report with figures (confusion matrix, CV scores, ROC and
    /// precision-recall curves, metrics) into this directory.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
}

fn scaled(classifier: impl Into<amber_pipeline::ClassifierSpec>) -> Pipeline {
    Pipeline::new().transformer("scaler", StandardScaler::params()).classifier("classifier", classifier)
}

/// The verification sample: up to five test rows, or training rows when the test split is empty.
fn sample_rows(
    test: &amber_data::Table,
    train: &amber_data::Table,
) -> Result<amber_data::Table, Box<dyn Error>> {
    let from = if test.n_rows() > 0 { test } else { train };
    let rows: Vec<usize> = (0..from.n_rows().min(5)).collect();
    Ok(from.take_rows(&rows)?)
}

pub fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let iris = datasets::iris()?;
    let split = train_test_split(iris.table.n_rows(), args.test_size, args.seed)?;
    let train = iris.table.take_rows(&split.train)?;
    let test = iris.table.take_rows(&split.test)?;
    println!(
        "iris: {} rows → {} train / {} test (scikit-learn's train_test_split, random_state={})",
        iris.table.n_rows(),
        train.n_rows(),
        test.n_rows(),
        args.seed
    );

    // The data checks, before any score; then the baseline every candidate must beat.
    let findings = DataChecks::default().run(&train, &test, "species")?;
    for f in &findings {
        println!("{}: {} [{}]", f.severity.name(), f.message, f.kind.name());
    }
    if findings.is_empty() {
        println!("data checks: no finding (no test row repeats a training row, no identifier, no leak, no rare class)");
    }

    // Candidates, cross-validated on the same stratified folds (scikit-learn's cv=5).
    let cv = StratifiedKFold::new(5);
    let reference = baseline(&train, "species", &cv, Scoring::Accuracy)?;
    let tree_grid =
        GridSearch::new(Pipeline::new().classifier("classifier", DecisionTreeClassifier::params()))
            .param("classifier.max_depth", [Some(1), Some(2), Some(3), Some(4), Some(5), Some(6), None]);
    let n_fits = (tree_grid.combinations()?.len() + 5) * 5;
    let bar = ProgressBar::new(n_fits as u64).with_style(
        ProgressStyle::with_template("{msg:>24} [{bar:30}] {pos}/{len} fits")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    let tick = |_: Progress| bar.inc(1);
    bar.set_message("decision tree max_depth");
    let tree = tree_grid.fit(&train, "species", &cv, Scoring::Accuracy, Some(&tick))?;
    let depth = describe(&tree.best_params);
    bar.set_message("candidates");
    let candidates = vec![
        (
            "logistic_regression".to_string(),
            Pipeline::new().classifier("classifier", LogisticRegression::params().max_iter(200)),
        ),
        ("scaler+logistic_regression".to_string(), scaled(LogisticRegression::params())),
        (format!("decision_tree ({depth})"), tree.best_pipeline.clone()),
        (
            "random_forest (100 trees)".to_string(),
            Pipeline::new().classifier(
                "classifier",
                RandomForestClassifier::params().n_estimators(100).random_state(args.seed),
            ),
        ),
        ("scaler+svc (rbf)".to_string(), scaled(SVC::params())),
    ];
    let board = compare(&candidates, &train, "species", &cv, Scoring::Accuracy, Some(&tick))?;
    bar.finish_and_clear();

    println!("\n{:<40} {:>18} {:>12}", "candidate (5-fold stratified CV)", "accuracy", "fit / fold");
    println!("{:<40} {:>10.4} ± {:.4}", "baseline (most frequent class)", reference.mean, reference.std);
    for e in &board.entries {
        let fit = e.cv.fit_times.iter().sum::<std::time::Duration>() / e.cv.fit_times.len().max(1) as u32;
        println!("{:<40} {:>10.4} ± {:.4} {:>12.1?}", e.name, e.cv.mean, e.cv.std, fit);
    }
    let winner = board.entries.first().ok_or("no candidates")?;
    println!("best: {} (ties go to the lower std, then to the earlier candidate)", winner.name);

    // Held-out test rows.
    let best = &board.best;
    let labels = best.labels.clone().ok_or("the pipeline has no labels")?;
    let y_test = test.encode_target("species", &labels)?;
    let predicted = best.predict_indices(&test)?;
    let test_accuracy = metrics::accuracy(&y_test, &predicted)?;
    let (_, y_train) = train.split_target("species")?;
    let dummy = MostFrequent::fit(&y_train.indices, labels.len());
    let baseline_accuracy = dummy.score(&y_test, Scoring::Accuracy)?;
    println!(
        "\ntest accuracy: {test_accuracy:.4} (baseline, always {:?}: {baseline_accuracy:.4})",
        labels.label(dummy.class).unwrap_or_default()
    );
    let cm = metrics::confusion_matrix(&y_test, &predicted, labels.len())?;
    println!("confusion matrix (rows: true, columns: predicted)");
    for (label, row) in labels.labels().iter().zip(&cm) {
        println!("  {label:>12} {row:?}");
    }
    print!("{}", ClassificationReport::new(&y_test, &predicted, labels.labels())?);
    for (class, label) in labels.labels().iter().enumerate() {
        if !y_test.contains(&class) {
            println!(
                "note: no test row is {label:?} (support 0): its precision, recall and F1 are undefined and shown as 0"
            );
        }
    }

    // Save, register, promote.
    let registry = Registry::open(&args.out_dir)?;
    let options = SaveOptions::default()
        .dataset(&format!("iris train split (test_size={}, seed={})", args.test_size, args.seed), &train)
        .metric("cv_accuracy_mean", winner.cv.mean)
        .metric("cv_accuracy_std", winner.cv.std)
        .metric("test_accuracy", test_accuracy)
        .tag("candidate", &winner.name)
        .description("cargo xtask train-iris: best of five candidates by 5-fold stratified CV accuracy")
        .evaluation(&format!(
            "StratifiedKFold(5) accuracy on the train split (test_size={}, seed={})",
            args.test_size, args.seed
        ))
        .sample(sample_rows(&test, &train)?.drop_columns(&["species"])?);
    let version = registry.register("iris", best, &options)?;
    println!("\nsaved {} (+ .json sidecar)", version.path.display());
    let promotion = registry.promote_if_better("iris", "champion", version.version, "cv_accuracy_mean")?;
    println!("{}", amber_cli::promotion_line(&promotion, version.version, "cv_accuracy_mean"));

    if let Some(dir) = &args.report {
        let report = Report {
            title: format!("cargo xtask train-iris: iris v{}", version.version),
            subtitle: format!(
                "iris, target \"species\"; StratifiedKFold(5) accuracy on the train split (test_size={}, seed={})",
                args.test_size, args.seed
            ),
            scoring: "accuracy".into(),
            labels: labels.labels().to_vec(),
            candidates: board.entries.iter().map(Into::into).collect(),
            baseline: Some(report::CandidateScore::new("baseline (most frequent class)", &reference)),
            findings: findings.clone(),
            y_true: y_test.clone(),
            y_pred: predicted.clone(),
            proba: best.predict_proba(&test)?,
            importances: report::importances(best),
            metrics: version.header.metrics.clone(),
        };
        println!("report: {}", report.write(dir)?.display());
    }

    // Load it back and check.
    let loaded: FittedPipeline = load(&version.path)?;
    if loaded.predict_indices(&test)? != predicted
        || loaded.predict_proba(&test)? != best.predict_proba(&test)?
    {
        return Err("the loaded model predicts differently from the saved one".into());
    }
    println!(
        "loaded {} back: identical predictions on the {} test rows — verified",
        version.path.display(),
        test.n_rows()
    );
    println!("done in {:.1?}", started.elapsed());
    Ok(())
}
