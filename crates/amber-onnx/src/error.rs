//! [`OnnxError`]: why a model could not be exported.

use amber_estimators::EstimatorError;
use amber_pipeline::PipelineError;

/// Why a model could not be exported. Nothing is ever exported as a silently different graph: a
/// step the graph cannot express is [`OnnxError::Unsupported`], naming the step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OnnxError {
    /// A step, or a setting of one, has no ONNX form that computes what amber computes.
    #[error("step {step:?} cannot be exported to ONNX: {reason}")]
    Unsupported {
        /// The step's path in the pipeline (`pre.categorical.onehot`), or the model's kind.
        step: String,
        /// What is not supported.
        reason: String,
    },
    /// The pipeline failed its own validation.
    #[error("invalid pipeline: {0}")]
    Pipeline(#[from] PipelineError),
    /// The classifier failed its own validation.
    #[error("invalid classifier: {0}")]
    Estimator(#[from] EstimatorError),
    /// The label list does not match the classifier's classes.
    #[error("the classifier has {classes} classes but {labels} labels were given")]
    Labels {
        /// The classifier's classes.
        classes: usize,
        /// The labels given.
        labels: usize,
    },
}

/// `OnnxError::Unsupported` for `step`.
pub(crate) fn unsupported(step: &str, reason: impl Into<String>) -> OnnxError {
    OnnxError::Unsupported { step: step.to_string(), reason: reason.into() }
}
