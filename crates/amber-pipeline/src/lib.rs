//! Pipelines for amber: preprocessing and classifier as **one object** that goes from a raw table
//! to labelled predictions, so that nothing can be forgotten or applied in the wrong order. The
//! fitted pipeline records its input schema (columns, kinds, categories, training statistics) and
//! checks every input against it; hyperparameters are addressable by path for grid search.
//!
//! ```
//! use amber_data::{datasets, ColumnKind};
//! use amber_estimators::*;
//! use amber_pipeline::{ColumnTransformer, Columns, Pipeline};
//!
//! let penguins = datasets::penguins()?.table; // species, island, sex … with NA
//! // Numeric: median + scale; categorical: most frequent + one-hot. (`ColumnTransformer::standard()`
//! // is this preset.)
//! let pre = ColumnTransformer::new()
//!     .group("numeric", Columns::Kind(ColumnKind::Numeric))
//!     .step("imputer", SimpleImputer::params().strategy(ImputeStrategy::Median))
//!     .step("scaler", StandardScaler::params())
//!     .group("categorical", Columns::Kind(ColumnKind::Categorical))
//!     .step("imputer", SimpleImputer::params().strategy(ImputeStrategy::MostFrequent))
//!     .step("onehot", OneHotEncoder::params());
//! let pipeline = Pipeline::new().transformer("pre", pre).classifier("classifier", LogisticRegression::params());
//! let fitted = pipeline.fit(&penguins, "species")?;
//! let labels = fitted.predict(&penguins)?;
//! assert!(labels.iter().all(|l| ["Adelie", "Chinstrap", "Gentoo"].contains(&l.as_str())));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod chain;
mod column_transformer;
mod error;
mod pipeline;
mod reference;
mod schema;
mod spec;

pub use chain::{FittedStep, Step};
pub use column_transformer::{
    ColumnGroup, ColumnTransformer, Columns, FittedColumnGroup, FittedColumnTransformer, Remainder,
};
pub use error::PipelineError;
pub use pipeline::{
    ClassifierStep, FittedClassifierStep, FittedPipeline, FittedStepRef, Pipeline, Prediction, StepSpec,
};
pub use reference::{
    ColumnReference, PredictionReference, Reference, ReferenceValues, MAX_EXACT_VALUES, REFERENCE_ROWS,
};
pub use schema::{ColumnSchema, InputReport, InputSchema, NumericStats, UnseenCategories};
pub use spec::{ClassifierSpec, FittedClassifier, FittedTransformer, TransformerSpec};
