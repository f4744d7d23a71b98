//! `cargo +nightly fuzz run load` (from this folder): any bytes given to `inspect` and `load` give
//! a header, a validated object, or a named error — never a panic, hang or huge allocation.
//! Seed corpus: `tests/fixtures/format-v*/*.amber`.
#![no_main]

use std::path::Path;

use amber_estimators::{DecisionTreeClassifier, LogisticRegression, RandomForestClassifier, SVC};
use amber_persistence::{inspect_bytes, load_bytes};
use amber_pipeline::FittedPipeline;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.amber");
    let _ = inspect_bytes(data, path);
    let _ = load_bytes::<FittedPipeline>(data, path);
    let _ = load_bytes::<LogisticRegression>(data, path);
    let _ = load_bytes::<DecisionTreeClassifier>(data, path);
    let _ = load_bytes::<RandomForestClassifier>(data, path);
    let _ = load_bytes::<SVC>(data, path);
});
