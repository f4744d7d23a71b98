//! `amber export onnx`: a model file as an ONNX file, for runtimes outside amber.

use std::path::PathBuf;

use amber_estimators::{Classifier, DecisionTreeClassifier, LogisticRegression, RandomForestClassifier, SVC};
use amber_onnx::{Export, OnnxError, Signature};
use amber_persistence::{inspect as read_header, load_with, write_atomic, Header, LoadOptions, Persist};
use amber_pipeline::{FittedClassifier, FittedPipeline};

use crate::error::{CliError, Status};
use crate::output::KeyArgs;

/// Arguments of `amber export`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  amber export onnx model.amber -o model.onnx   # see: amber export onnx --help"
)]
pub struct Args {
    /// The format to export to.
    #[command(subcommand)]
    format: Format,
}

/// Export formats.
#[derive(Debug, clap::Subcommand)]
enum Format {
    /// Export a pipeline or classifier to ONNX (opset 15, ai.onnx.ml 3).
    #[command(
        after_help = "Inputs: numeric columns as one float tensor 'float_input' [N, n] (missing: NaN), each \
                      categorical column a string tensor [N, 1] named after it (missing: \"\").\n\
                      Outputs: 'label' [N] (the class labels) and 'probabilities' [N, n_classes].\n\n\
                      Example:\n  amber export onnx churn.amber -o churn.onnx --key team.pub.pem"
    )]
    Onnx(OnnxArgs),
}

/// Arguments of `amber export onnx`.
#[derive(Debug, clap::Args)]
struct OnnxArgs {
    /// The model file: a pipeline, or a classifier saved alone.
    model: PathBuf,
    /// The ONNX file to write.
    #[arg(short, long, value_name = "FILE.onnx")]
    output: PathBuf,
    #[command(flatten)]
    keys: KeyArgs,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.format {
        Format::Onnx(args) => onnx(args),
    }
}

fn onnx(args: &OnnxArgs) -> Result<(), CliError> {
    let options = args.keys.load_options()?;
    let kind = read_header(&args.model)?.kind;
    let (bytes, header, signature) = match kind.as_str() {
        "pipeline" => {
            let (pipeline, header) = load_with::<FittedPipeline>(&args.model, &options)?;
            let export = metadata(&header);
            let bytes = export.pipeline(&pipeline).map_err(exported)?;
            let signature = amber_onnx::signature(&pipeline).map_err(exported)?;
            (bytes, header, signature)
        }
        "logistic_regression" => classifier::<LogisticRegression>(args, &options)?,
        "decision_tree_classifier" => classifier::<DecisionTreeClassifier>(args, &options)?,
        "random_forest_classifier" => classifier::<RandomForestClassifier>(args, &options)?,
        "svc" => classifier::<SVC>(args, &options)?,
        "classifier" => classifier::<FittedClassifier>(args, &options)?,
        other => {
            return Err(CliError::input(format!(
                "{}: a {other} alone cannot be exported to ONNX; export a pipeline or a classifier",
                args.model.display()
            )))
        }
    };
    write_atomic(&args.output, &bytes)?;
    let mut inputs = Vec::new();
    if !signature.numeric.is_empty() {
        inputs.push(format!("{} [N, {}]", amber_onnx::NUMERIC_INPUT, signature.numeric.len()));
    }
    inputs.extend(signature.categorical.iter().map(|c| format!("{c} [N, 1]")));
    println!(
        "exported {} ({}) to {}: {} bytes; inputs {}; outputs {}",
        args.model.display(),
        header.kind,
        args.output.display(),
        bytes.len(),
        inputs.join(", "),
        signature.outputs.join(", ")
    );
    Ok(())
}

/// Loads a classifier saved alone and exports it; its labels are the header's, or the class
/// indices when the file has none.
fn classifier<T>(args: &OnnxArgs, options: &LoadOptions) -> Result<(Vec<u8>, Header, Signature), CliError>
where
    T: Persist + Into<FittedClassifier>,
{
    let (model, header) = load_with::<T>(&args.model, options)?;
    let model: FittedClassifier = model.into();
    let labels: Vec<String> = match &header.labels {
        Some(labels) => {
            model.classes().iter().map(|&c| labels.get(c).cloned().unwrap_or_else(|| c.to_string())).collect()
        }
        None => model.classes().iter().map(ToString::to_string).collect(),
    };
    let bytes = metadata(&header).classifier(&model, &labels).map_err(exported)?;
    Ok((bytes, header, amber_onnx::classifier_signature(&model)))
}

/// The export, with the model file's identity in the ONNX metadata.
fn metadata(header: &Header) -> Export {
    let mut export = Export::new()
        .metadata("amber_kind", header.kind.clone())
        .metadata("amber_format_version", header.format_version.clone())
        .metadata("amber_created", header.created.clone());
    if let Some(name) = &header.model_name {
        export = export.metadata("model_name", name.clone());
    }
    if let Some(dataset) = &header.dataset {
        export = export
            .metadata("dataset_name", dataset.name.clone())
            .metadata("dataset_fingerprint", dataset.fingerprint.clone())
            .metadata("dataset_rows", dataset.rows.to_string());
    }
    export
}

fn exported(e: OnnxError) -> CliError {
    CliError { status: Status::Input, error: Box::new(e) }
}
