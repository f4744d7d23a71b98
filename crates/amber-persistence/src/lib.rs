//! The `.amber` model file: save a fitted model or pipeline once, load it later **exactly as it
//! was**. The file is data only — the caller names the type to load, every length is checked
//! before it is used, a SHA-256 covers every byte, and every decoded model is validated and re-run
//! on a verification sample stored at save time. The header (readable alone, and mirrored in a JSON
//! sidecar) carries versions, dataset fingerprint, schema, labels, hyperparameters and metrics.
//! Reading is bounded whatever a file claims (memory ≤ 32 MiB + 4 × the payload decoded; see
//! [`LoadOptions`]), the header must agree with the model it describes, and files can carry an
//! Ed25519 signature ([`SaveOptions::sign`], [`LoadOptions::trust`]). A local [`Registry`] with
//! exact names, versions and aliases completes it. The byte layout is in `FORMAT.md`, the threat
//! model in `SECURITY.md`.
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
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("models/iris.amber");
//! save(&fitted, &path, &SaveOptions::default().dataset("iris", &iris).compress(3))?;
//! let loaded: FittedPipeline = load(&path)?;
//! assert_eq!(loaded.predict(&iris)?, fitted.predict(&iris)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod cbor;
mod error;
pub mod format;
mod header;
mod io;
mod load;
mod persist;
mod registry;
mod sign;
mod store;

pub use error::PersistError;
pub use format::{FORMAT_MAJOR, FORMAT_MINOR, HEADER_CAP, MAGIC};
pub use header::{Cell, Compression, DatasetInfo, Header, StepInfo, Verification, Versions};
pub use io::{current_versions, payload_digest, save, write_atomic, SaveOptions};
pub use load::{
    inspect, inspect_bytes, load, load_bytes, load_bytes_with, load_with, load_with_header, sidecar_path,
    verify, verify_with, LoadOptions, BASE_BUDGET, DEFAULT_MAX_PAYLOAD, MAX_HEADER_ITEMS, MAX_SAMPLE_CELLS,
    MAX_SAMPLE_ROWS, PAYLOAD_CAP,
};
pub use persist::Persist;
pub use registry::{save_versioned, ModelVersion, Promotion, Registry};
pub use sign::{PublicKey, SecretKey, SignatureInfo};
