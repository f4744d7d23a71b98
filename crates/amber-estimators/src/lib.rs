//! Transformers and classifiers for amber whose fitted state is **plain data that amber owns**:
//! documented public fields, serde, and a `validate()` that checks a decoded model before use.
//! Every algorithm is amber's own: logistic regression (scikit-learn's L-BFGS, iteration for
//! iteration), trees and forests (scikit-learn's, node for node) and SVC (a port of libsvm's
//! solver). amber stores every result in its own types, so a saved model never depends on another
//! crate's internals; the optional `linfa` feature only lets linfa's traits drive these models.
//!
//! Every estimator follows one contract: hyperparameters built with `Model::params()`, checked
//! before fitting, and fitted into a separate type implementing [`Classifier`] or [`Transformer`].
//!
//! ```
//! use amber_data::datasets;
//! use amber_estimators::{Classifier, ClassifierParams, LogisticRegression};
//!
//! let (x, y) = datasets::iris()?.features_and_target()?;
//! let x = x.to_array2()?;
//! let model = LogisticRegression::params().max_iter(200).fit(x.view(), &y.indices)?;
//! let predicted = model.predict(x.view())?;
//! let correct = predicted.iter().zip(&y.indices).filter(|(p, t)| p == t).count();
//! assert!(correct as f64 / 150.0 > 0.95);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod check;
mod columns;
mod contract;
mod error;
#[cfg(feature = "linfa")]
pub mod interop;
mod le_bytes;
mod linear;
mod par;
mod svm;
#[cfg(test)]
mod testing;
pub mod transform;
pub mod tree;
mod weights;

/// The version of linfa whose traits the optional `linfa` feature implements (no amber model is
/// trained by linfa), recorded in every model file's header as before. Pinned beside the
/// workspace's `linfa` dependency; a test checks the two agree.
pub const LINFA_VERSION: &str = "0.8.1";

pub use contract::{argmax_rows, Classifier, ClassifierParams, Transformer, TransformerParams};
pub use error::EstimatorError;
pub use linear::{Convergence, LogisticRegression, LogisticRegressionParams};
pub use svm::{FittedKernel, Gamma, Kernel, Platt, SVCParams, SvcPair, SVC};
pub use transform::{
    Drop, FillValue, HandleUnknown, ImputeStrategy, MinMaxScaler, MinMaxScalerParams, OneHotEncoder,
    OneHotEncoderParams, SimpleImputer, SimpleImputerParams, StandardScaler, StandardScalerParams,
};
pub use tree::{
    Criterion, DecisionTreeClassifier, DecisionTreeClassifierParams, MaxFeatures, RandomForestClassifier,
    RandomForestClassifierParams, Tree, TreeParams, MAX_ESTIMATORS,
};
pub use weights::ClassWeight;
