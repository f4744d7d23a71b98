//! The `.amber` model file: save a fitted model or pipeline once, load it later **exactly as it
//! was**. The file is data only — the caller names the type to load, every length is checked
//! before it is used, a SHA-256 covers every byte, and every decoded model is validated and re-run
//! on a verification sample stored at save time. The header (readable alone, and mirrored in a JSON
//! sidecar) carries versions, dataset fingerprint, schema, labels, hyperparameters and metrics.
//! Versioned names and a local [`Registry`] with aliases complete it. The byte layout is in
//! `FORMAT.md`.
//!
//! ```
//! use amber_data::datasets;
//! use amber_estimators::{LogisticRegression, StandardScaler};
//! use amber_persistence::{load, save, SaveOptions};
//! use amber_pipeline::{FittedPipeline, Pipeline};
//!
//! let iris = datasets::iris()?.table;
//! let fitted = Pipeline::new()
//!     .transformer("scaler", StandardScaler::params())
//!     .classifier("classifier", LogisticRegression::params())
//!     .fit(&iris, "species")?;
//! let dir = std::env::temp_dir().join(format!("amber-doc-lib-{}", std::process::id()));
//! let path = dir.join("models/iris.amber");
//! save(&fitted, &path, &SaveOptions::default().dataset("iris", &iris).compress(3))?;
//! let loaded: FittedPipeline = load(&path)?;
//! assert_eq!(loaded.predict(&iris)?, fitted.predict(&iris)?);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod error;
pub mod format;
mod header;
mod io;
mod persist;
mod registry;

pub use error::PersistError;
pub use format::{FORMAT_MAJOR, FORMAT_MINOR, HEADER_CAP, MAGIC};
pub use header::{Cell, Compression, DatasetInfo, Header, Verification, Versions};
pub use io::{
    current_versions, inspect, inspect_bytes, load, load_bytes, load_with_header, save, sidecar_path, verify,
    write_atomic, SaveOptions, PAYLOAD_CAP,
};
pub use persist::Persist;
pub use registry::{save_versioned, ModelVersion, Promotion, Registry};
