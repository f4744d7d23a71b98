//! Tutorial `scaler-and-pipeline` (TUTORIALS.md A.5–A.6): a scaler and a model saved as two files
//! must be applied together, in order — forgetting the scaler gives silently wrong predictions.
//! One pipeline file cannot be misused that way.
//!
//! Run: `cargo run -p amber-tests --example scaler-and-pipeline [DIR]`.

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use amber_data::datasets;
use amber_estimators::{
    Classifier, ClassifierParams, LogisticRegression, StandardScaler, Transformer, TransformerParams,
};
use amber_model_selection::{metrics::accuracy, train_test_split};
use amber_persistence::{load, save, SaveOptions};
use amber_pipeline::{FittedPipeline, Pipeline};

/// What the tutorial found.
pub struct Findings {
    /// Test accuracy with the two files used correctly (scaler first).
    pub two_files_accuracy: f64,
    /// Test accuracy when the scaler is forgotten: no error, just wrong answers.
    pub forgot_scaler_accuracy: f64,
    /// Test predictions with the scaler forgotten.
    pub forgot_scaler_predictions: Vec<usize>,
    /// Test accuracy of the one pipeline file.
    pub pipeline_accuracy: f64,
    /// Whether the pipeline file predicts exactly what the two files do.
    pub pipeline_equals_two_files: bool,
}

pub fn run(dir: &Path, out: &mut dyn Write) -> Result<Findings, Box<dyn Error>> {
    let iris = datasets::iris()?;
    let split = train_test_split(iris.table.n_rows(), 0.2, 42)?;
    let train = iris.table.take_rows(&split.train)?;
    let test = iris.table.take_rows(&split.test)?;
    let (x_train, y_train) = train.split_target("species")?;
    let (x_test, _) = test.split_target("species")?;
    let y_test = test.encode_target("species", &y_train.labels)?;

    // Two objects, two files.
    let scaler = StandardScaler::params().fit(&x_train)?;
    let model = LogisticRegression::params()
        .fit(scaler.transform(&x_train)?.to_array2()?.view(), &y_train.indices)?;
    let models = dir.join("models");
    save(&scaler, models.join("scaler.amber"), &SaveOptions::default())?;
    save(&model, models.join("model.amber"), &SaveOptions::default())?;

    let scaler: StandardScaler = load(models.join("scaler.amber"))?;
    let model: LogisticRegression = load(models.join("model.amber"))?;
    let two_files = model.predict(scaler.transform(&x_test)?.to_array2()?.view())?;
    let two_files_accuracy = accuracy(&y_test, &two_files)?;
    writeln!(out, "two files, scaler applied first: test accuracy {two_files_accuracy:.3}")?;
    // The mistake: raw rows straight into the model. Same shape, so nothing complains.
    let forgot_scaler_predictions = model.predict(x_test.to_array2()?.view())?;
    let forgot_scaler_accuracy = accuracy(&y_test, &forgot_scaler_predictions)?;
    writeln!(
        out,
        "two files, scaler forgotten:     test accuracy {forgot_scaler_accuracy:.3} (no error raised!)"
    )?;

    // One pipeline, one file: raw rows in, labels out.
    let pipeline = Pipeline::new()
        .transformer("scaler", StandardScaler::params())
        .classifier("classifier", LogisticRegression::params())
        .fit(&train, "species")?;
    save(&pipeline, models.join("pipeline.amber"), &SaveOptions::default())?;
    let pipeline: FittedPipeline = load(models.join("pipeline.amber"))?;
    let from_pipeline = pipeline.predict_indices(&x_test)?;
    let pipeline_accuracy = accuracy(&y_test, &from_pipeline)?;
    writeln!(out, "one pipeline file:               test accuracy {pipeline_accuracy:.3}")?;
    let pipeline_equals_two_files = from_pipeline == two_files;
    writeln!(
        out,
        "pipeline and two files agree on every test row: {pipeline_equals_two_files}; the pipeline also checks its \
         input's columns by name"
    )?;
    Ok(Findings {
        two_files_accuracy,
        forgot_scaler_accuracy,
        forgot_scaler_predictions,
        pipeline_accuracy,
        pipeline_equals_two_files,
    })
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(|| PathBuf::from("tutorial-output"), PathBuf::from);
    run(&dir, &mut std::io::stdout())?;
    Ok(())
}
