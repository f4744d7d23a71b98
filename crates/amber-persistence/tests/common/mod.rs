//! Models of every kind, small and fast to fit, and scratch directories.
#![allow(dead_code)]

use amber_data::{datasets, Table};
use amber_estimators::*;
use amber_pipeline::{ColumnTransformer, FittedPipeline, Pipeline};
use ndarray::Array2;

/// A fresh empty directory of this test's own (unique whatever runs beside it), removed on drop.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

pub fn iris_xy() -> (Array2<f64>, Vec<usize>) {
    let (x, y) = datasets::iris().unwrap().features_and_target().unwrap();
    (x.to_array2().unwrap(), y.indices)
}

pub fn iris_features() -> Table {
    datasets::iris().unwrap().table.drop_columns(&["species"]).unwrap()
}

pub fn logistic() -> LogisticRegression {
    let (x, y) = iris_xy();
    LogisticRegression::params().max_iter(300).fit(x.view(), &y).unwrap()
}

pub fn tree() -> DecisionTreeClassifier {
    let (x, y) = iris_xy();
    DecisionTreeClassifier::params().max_depth(Some(4)).fit(x.view(), &y).unwrap()
}

pub fn forest(n: usize) -> RandomForestClassifier {
    let (x, y) = iris_xy();
    RandomForestClassifier::params().n_estimators(n).random_state(1).fit(x.view(), &y).unwrap()
}

pub fn svc() -> SVC {
    let (x, y) = iris_xy();
    SVC::params().probability(true).fit(x.view(), &y).unwrap()
}

/// The tutorial lab's shape on penguins: imputers, scaler, one-hot, logistic regression.
pub fn penguins_pipeline() -> FittedPipeline {
    let penguins = datasets::penguins().unwrap().table;
    Pipeline::new()
        .transformer("pre", ColumnTransformer::standard())
        .classifier("classifier", LogisticRegression::params().max_iter(500))
        .fit(&penguins, "species")
        .unwrap()
}

/// CBOR bytes of a value, as amber writes them.
pub fn cbor<T: serde::Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).unwrap();
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A forger's file: `header` with an uncompressed `payload`, size, digest and checksum
/// recomputed, so every check after the checksum is exercised.
pub fn forge(header: &amber_persistence::Header, payload: &[u8]) -> Vec<u8> {
    let mut h = header.clone();
    h.compression = amber_persistence::Compression::none();
    h.payload_size = payload.len() as u64;
    h.payload_sha256 = Some(sha256_hex(payload));
    amber_persistence::format::encode(&cbor(&h), payload)
}

/// The parts of a file: (header bytes, payload bytes).
pub fn parts(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let h = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let p = u64::from_le_bytes(bytes[16 + h..24 + h].try_into().unwrap()) as usize;
    (bytes[16..16 + h].to_vec(), bytes[24 + h..24 + h + p].to_vec())
}
