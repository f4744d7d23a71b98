//! Tables for amber: named numeric and categorical columns with missing values, CSV reading whose
//! errors name the file, line and column, class-label maps, dataset fingerprints, and the built-in
//! datasets (iris, breast_cancer, penguins, telco_churn).
//!
//! ```
//! use amber_data::{datasets, Table, CsvOptions};
//!
//! // A built-in dataset, features and target split apart.
//! let (x, y) = datasets::iris()?.features_and_target()?;
//! let matrix = x.to_array2()?; // 150 × 4, row-major
//! assert_eq!(matrix.dim(), (150, 4));
//! assert_eq!(y.labels.decode(&[0, 2])?, ["setosa", "virginica"]);
//!
//! // Any CSV text: kinds inferred, `NA` and blank cells missing.
//! let t = Table::from_csv_str("tenure,contract\n3,Two year\nNA, \n", &CsvOptions::default())?;
//! assert_eq!(t.column("contract")?.n_missing(), 1);
//! # Ok::<(), amber_data::DataError>(())
//! ```

#![deny(missing_docs)]

#[cfg(feature = "arrow")]
mod arrow;
mod csv;
#[cfg(feature = "datasets")]
pub mod datasets;
mod error;
mod fingerprint;
pub mod random;
mod table;
mod target;
mod write;

pub use crate::csv::{CsvChunks, CsvOptions};
pub use error::{cut_at, excerpt, DataError, MAX_EXCERPT_CHARS};
pub use fingerprint::Fingerprint;
pub use table::{category_index, Column, ColumnKind, Table};
pub use target::{LabelMap, Target};
