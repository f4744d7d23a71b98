//! ONNX export for amber: a fitted [`FittedPipeline`] (or a single fitted classifier) becomes an
//! `.onnx` file that any ONNX runtime runs: onnxruntime, tract, the browser's. The file is data
//! only, like amber's own, and written in pure Rust (no `protoc`, no Python).
//!
//! The graph computes what amber computes: preprocessing in double precision, tree thresholds
//! adjusted so that every float32 input takes amber's branch, SVC probabilities by libsvm's own
//! coupling. The tests run every exported model in tract, an ONNX runtime amber did not write, and
//! require amber's labels and probabilities to 1e-5. `README.md` lists the operators each step
//! becomes.
//!
//! **Signature.** Numeric columns arrive together as one float tensor `float_input` `[N, n]`, in
//! the order of [`Signature::numeric`] (a missing value is NaN); each categorical column is its own
//! string tensor `[N, 1]` named after the column (a missing value is the empty string). Outputs:
//! `label` (`[N]`, the original class labels) and `probabilities` (`[N, n_classes]`, columns in
//! the order of [`FittedPipeline::proba_labels`]).
//!
//! ```
//! use amber_estimators::DecisionTreeClassifier;
//! use amber_onnx::Export;
//! use amber_pipeline::Pipeline;
//!
//! let iris = amber_data::datasets::iris()?.table;
//! let fitted = Pipeline::new().classifier("tree", DecisionTreeClassifier::params()).fit(&iris, "species")?;
//! let onnx: Vec<u8> = Export::new().metadata("dataset", "iris").pipeline(&fitted)?;
//! assert!(onnx.len() > 100);
//! let signature = amber_onnx::signature(&fitted)?;
//! assert_eq!(signature.numeric, ["sepal_length", "sepal_width", "petal_length", "petal_width"]);
//! assert!(signature.categorical.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod classifier;
mod error;
mod graph;
mod proto;
mod steps;
mod svc;

use amber_data::ColumnKind;
use amber_estimators::Classifier;
use amber_pipeline::{FittedClassifier, FittedPipeline, PipelineError};
use prost::Message;

pub use error::OnnxError;

use crate::error::unsupported;
use crate::proto::data_type;
use crate::steps::{Builder, Col, Env};

/// The ONNX operator set version of the default domain the files declare.
pub const OPSET: i64 = 15;
/// The version of the `ai.onnx.ml` operator set the files declare.
pub const ML_OPSET: i64 = 3;
/// The ONNX IR version of the files (the one that goes with opset 15).
pub const IR_VERSION: i64 = 8;
/// The float input that carries every numeric column.
pub const NUMERIC_INPUT: &str = "float_input";
/// Output names, reserved: no input column may take them.
pub const OUTPUTS: [&str; 4] =
    [classifier::LABEL, classifier::PROBABILITIES, svc::DECISION_FUNCTION, FEATURES];
/// The output of a pipeline without a classifier: its transformed features, float `[N, n]`.
pub const FEATURES: &str = "features";

/// How an exported pipeline is fed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The columns of the float tensor [`NUMERIC_INPUT`], in order (empty: no such input).
    pub numeric: Vec<String>,
    /// The categorical columns, each a string tensor `[N, 1]` of that name.
    pub categorical: Vec<String>,
    /// The outputs, in order: `label` and `probabilities`; `label` and `decision_function` for
    /// an SVC without probabilities; `features` for a pipeline without a classifier.
    pub outputs: Vec<String>,
}

/// The outputs of a classifier's graph.
fn outputs(model: &FittedClassifier) -> Vec<String> {
    let second = match model {
        FittedClassifier::Svc(m) if m.pairs.iter().any(|p| p.platt.is_none()) => svc::DECISION_FUNCTION,
        _ => classifier::PROBABILITIES,
    };
    vec![classifier::LABEL.to_string(), second.to_string()]
}

/// The inputs and outputs of a classifier's graph exported alone ([`Export::classifier`]): the
/// float input's columns are the features `x0`, `x1`, ….
pub fn classifier_signature(model: &FittedClassifier) -> Signature {
    Signature {
        numeric: (0..model.n_features()).map(|i| format!("x{i}")).collect(),
        categorical: Vec::new(),
        outputs: outputs(model),
    }
}

/// The inputs a pipeline's exported graph takes.
pub fn signature(pipeline: &FittedPipeline) -> Result<Signature, OnnxError> {
    let outputs = match &pipeline.classifier {
        Some(step) => outputs(&step.model),
        None => vec![FEATURES.to_string()],
    };
    let mut signature = Signature { numeric: Vec::new(), categorical: Vec::new(), outputs };
    for column in &pipeline.schema.columns {
        match column.kind {
            ColumnKind::Numeric => signature.numeric.push(column.name.clone()),
            ColumnKind::Categorical => {
                if column.name == NUMERIC_INPUT || OUTPUTS.contains(&column.name.as_str()) {
                    return Err(unsupported(
                        "input",
                        format!(
                            "categorical column {:?} has the name of the graph's own input or output",
                            column.name
                        ),
                    ));
                }
                if column.categories.as_ref().is_some_and(|c| c.iter().any(String::is_empty)) {
                    return Err(unsupported(
                        "input",
                        format!(
                            "column {:?} has the empty category, which the graph reads as a missing value",
                            column.name
                        ),
                    ));
                }
                signature.categorical.push(column.name.clone());
            }
        }
    }
    Ok(signature)
}

/// An export: the metadata to record, then [`Export::pipeline`] or [`Export::classifier`].
///
/// Every file records in its `metadata_props` the amber version, the class labels (JSON) and, for
/// a pipeline, its input schema (JSON); [`Export::metadata`] adds more (the CLI adds the `.amber`
/// file's dataset fingerprint, model name and version).
#[derive(Debug, Clone, Default)]
pub struct Export {
    metadata: Vec<(String, String)>,
}

impl Export {
    /// An export with no extra metadata.
    pub fn new() -> Self {
        Export::default()
    }

    /// Adds `key = value` to the file's `metadata_props`.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }

    /// The ONNX file of a fitted pipeline: preprocessing and classifier (or, without a
    /// classifier, the transformed features as output `features`).
    pub fn pipeline(&self, pipeline: &FittedPipeline) -> Result<Vec<u8>, OnnxError> {
        pipeline.validate()?;
        let signature = signature(pipeline)?;
        let mut b = Builder::default();
        // Columns are found by name, so the input's order is the signature's.
        let mut input = Env::default();
        if !signature.numeric.is_empty() {
            let x = b.numeric_input(signature.numeric.len());
            input = b.block(x, &signature.numeric);
        }
        for name in &signature.categorical {
            b.g.input(name, data_type::STRING, 1);
            input.push(name.clone(), Col::Text { value: name.clone(), fill: None });
        }
        let env = b.chain(&pipeline.steps, "", input)?;
        let mut metadata = vec![("schema".to_string(), json(&pipeline.schema))];
        match (&pipeline.classifier, &pipeline.labels) {
            (Some(step), Some(labels)) => {
                let features = b.numeric(&env, &step.name, &pipeline.feature_names_out)?;
                let labels = labels.decode(step.model.classes()).map_err(PipelineError::from)?;
                b.classifier(&step.model, &features, &labels);
                metadata.push(("labels".into(), json(&labels)));
            }
            _ => {
                let features = b.numeric(&env, FEATURES, &pipeline.feature_names_out)?;
                let features = b.g.cast(&features, data_type::FLOAT);
                b.g.output(FEATURES, &features, data_type::FLOAT, Some(pipeline.feature_names_out.len()));
                metadata.push(("feature_names".into(), json(&pipeline.feature_names_out)));
            }
        }
        self.model(b, metadata)
    }

    /// The ONNX file of a fitted classifier alone: input [`NUMERIC_INPUT`] `[N, n_features]`;
    /// `labels` names its classes in order (`labels[j]` for `model.classes()[j]`).
    pub fn classifier(&self, model: &FittedClassifier, labels: &[String]) -> Result<Vec<u8>, OnnxError> {
        model.validate()?;
        if labels.len() != model.classes().len() {
            return Err(OnnxError::Labels { classes: model.classes().len(), labels: labels.len() });
        }
        let mut b = Builder::default();
        let x = b.numeric_input(model.n_features());
        b.classifier(model, &x, labels);
        self.model(b, vec![("labels".into(), json(&labels))])
    }

    fn model(&self, b: Builder, mut metadata: Vec<(String, String)>) -> Result<Vec<u8>, OnnxError> {
        metadata.insert(0, ("amber_version".into(), env!("CARGO_PKG_VERSION").into()));
        metadata.extend(self.metadata.iter().cloned());
        let opset = |domain: &str, version| proto::OperatorSetIdProto { domain: domain.into(), version };
        let model = proto::ModelProto {
            ir_version: IR_VERSION,
            opset_import: vec![opset("", OPSET), opset(graph::ML, ML_OPSET)],
            producer_name: "amber".into(),
            producer_version: env!("CARGO_PKG_VERSION").into(),
            domain: String::new(),
            model_version: 1,
            doc_string: "Exported by amber (amber-onnx).".into(),
            graph: Some(b.g.finish("amber")),
            metadata_props: metadata
                .into_iter()
                .map(|(key, value)| proto::StringStringEntryProto { key, value })
                .collect(),
        };
        within_protobuf_limit(model.encoded_len(), MAX_FILE_BYTES)?;
        Ok(model.encode_to_vec())
    }
}

/// The largest file protobuf readers accept (2 GiB − 1: sizes are signed 32-bit), and so the
/// largest export.
pub const MAX_FILE_BYTES: usize = i32::MAX as usize;

/// A model of `len` bytes is refused, before it is written, when above `limit`.
fn within_protobuf_limit(len: usize, limit: usize) -> Result<(), OnnxError> {
    if len > limit {
        return Err(unsupported(
            "file",
            format!("the graph takes {len} bytes, above the {limit} bytes an ONNX (protobuf) file can hold"),
        ));
    }
    Ok(())
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graph_above_the_protobuf_limit_is_refused_by_name() {
        assert!(within_protobuf_limit(100, 100).is_ok());
        assert!(matches!(
            within_protobuf_limit(101, 100),
            Err(OnnxError::Unsupported { step, reason }) if step == "file" && reason.contains("101 bytes")
        ));
        assert_eq!(MAX_FILE_BYTES, (1 << 31) - 1);
    }
}
