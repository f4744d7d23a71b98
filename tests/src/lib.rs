//! Shared helpers for amber's end-to-end tests (the tests themselves live in `tests/tests/`).

use std::path::PathBuf;

/// The repository root (the folder holding `datasets/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The README's Rust examples run as doctests, so the README stays true.
#[doc = include_str!("../../README.md")]
pub mod readme {}
