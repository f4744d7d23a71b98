//! Shared helpers for amber's end-to-end tests (the tests themselves live in `tests/tests/`).

use std::path::PathBuf;

use amber_data::Table;
use amber_model_selection::{train_test_split, TrainTestSplit};
use amber_pipeline::ColumnTransformer;

/// The repository root (the folder holding `datasets/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// scikit-learn's `train_test_split(test_size=0.2, random_state=42)` of a table's rows.
pub fn split_80_20(table: &Table) -> (Table, Table, TrainTestSplit) {
    let split = train_test_split(table.n_rows(), 0.2, 42).expect("valid split");
    let train = table.take_rows(&split.train).expect("rows in range");
    let test = table.take_rows(&split.test).expect("rows in range");
    (train, test, split)
}

/// The tutorial lab's preprocessing ([`ColumnTransformer::standard`]) without the `drop` columns.
pub fn lab_preprocessing(drop: &[&str]) -> ColumnTransformer {
    ColumnTransformer::standard().drop(drop.iter().copied())
}

/// Fraction of equal entries.
pub fn agreement<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    assert_eq!(a.len(), b.len(), "same length");
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}

/// The README's Rust examples run as doctests, so the README stays true.
#[doc = include_str!("../../README.md")]
pub mod readme {}
