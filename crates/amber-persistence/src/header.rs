//! [`Header`]: everything about a saved model that can be read without decoding the model.

use std::collections::BTreeMap;

use amber_data::Table;
use amber_pipeline::InputSchema;
use serde::{Deserialize, Serialize};

use crate::sign::SignatureInfo;

/// How the payload is compressed: `method` is `"none"` or `"zstd"` (a name, so that a file from a
/// newer amber with another method gets a clear `UnknownCompression` error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compression {
    /// `"none"` or `"zstd"`.
    pub method: String,
    /// The zstd level (1–22; 3 is the analogue of joblib's `compress=3`), 0 for none.
    pub level: i32,
}

impl Compression {
    /// No compression.
    pub fn none() -> Self {
        Compression { method: "none".into(), level: 0 }
    }
    /// zstd at `level`.
    pub fn zstd(level: i32) -> Self {
        Compression { method: "zstd".into(), level }
    }
}

/// Versions of what wrote the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    /// amber (the workspace version; every amber crate shares it).
    pub amber: String,
    /// The linfa version amber was built with.
    pub linfa: String,
    /// `rustc --version` of the compiler that built amber.
    pub rustc: String,
    /// The target triple.
    pub target: String,
}

/// The data a model was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// A name (`iris`, `churn-2026-11`).
    pub name: String,
    /// [`amber_data::Fingerprint`] of the training table, in hex.
    pub fingerprint: String,
    /// Training rows.
    pub rows: usize,
}

/// One cell of a verification output: an exact number or a label.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    /// A number, compared bit for bit.
    Number(f64),
    /// A label or category (`None` = missing).
    Text(Option<String>),
}

impl PartialEq for Cell {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Cell::Number(a), Cell::Number(b)) => a.to_bits() == b.to_bits(),
            (Cell::Text(a), Cell::Text(b)) => a == b,
            _ => false,
        }
    }
}

/// A few input rows and what the model computed on them when it was saved. Every save and load
/// runs the model on `input` again and compares, bit for bit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// The input rows.
    pub input: Table,
    /// The outputs, one row per input row (prediction and probabilities, or transformed values).
    pub output: Vec<Vec<Cell>>,
}

/// The header of a `.amber` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Format version of the file, `major.minor`.
    pub format_version: String,
    /// The kind of object in the payload (`pipeline`, `random_forest_classifier`, …).
    pub kind: String,
    /// What wrote the file.
    pub versions: Versions,
    /// Creation time, RFC 3339 UTC.
    pub created: String,
    /// Payload compression.
    pub compression: Compression,
    /// Size of the payload once decompressed, in bytes.
    pub payload_size: u64,
    /// The training data, if given.
    pub dataset: Option<DatasetInfo>,
    /// The input schema (pipelines).
    pub schema: Option<InputSchema>,
    /// Class labels, in class-index order.
    pub labels: Option<Vec<String>>,
    /// The hyperparameters the model was trained with, if given.
    pub hyperparameters: Option<serde_json::Value>,
    /// Metrics (`cv_accuracy_mean`, `test_accuracy`, …).
    pub metrics: BTreeMap<String, f64>,
    /// Free-form tags.
    pub tags: BTreeMap<String, String>,
    /// Free-form description.
    pub description: String,
    /// The verification sample.
    pub verification: Option<Verification>,
    /// The registry name of the model (format 1.1; absent in 1.0 files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_name: Option<String>,
    /// How many input columns the object reads (format 1.1; checked against the payload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_features: Option<usize>,
    /// A pipeline's steps, by path and kind (format 1.1; checked against the payload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<StepInfo>>,
    /// How the metrics were measured (`"StratifiedKFold(5) on iris train split, seed 42"`), so that
    /// a registry compares like with like (format 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<String>,
    /// SHA-256 of the decoded payload, in hex (format 1.1; checked on load). Identical models have
    /// identical digests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_sha256: Option<String>,
    /// The Ed25519 signature (format 1.1; always the last field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureInfo>,
}

/// One step of a pipeline as named in the header: its path and kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInfo {
    /// `pre`, `pre.numeric.scaler`, `classifier`.
    pub path: String,
    /// `column_transformer`, `standard_scaler`, `logistic_regression`, …
    pub kind: String,
}
