//! amber: classical machine learning with scikit-learn's workflow and results, and model files
//! that load later exactly as they were saved. One dependency line gives every part:
//!
//! | module | crate | what |
//! |---|---|---|
//! | [`data`] | `amber-data` | `Table`, CSV, label maps, fingerprints, built-in datasets |
//! | [`estimators`] | `amber-estimators` | scalers, imputer, one-hot; logistic regression, trees, forests, SVC |
//! | [`pipeline`] | `amber-pipeline` | `Pipeline`, `ColumnTransformer`, the input schema |
//! | [`persist`] | `amber-persistence` | the `.amber` file: save, load, inspect, verify, sign; the registry |
//! | [`select`] | `amber-model-selection` | splits, metrics, cross-validation, grid search |
//!
//! [`prelude`] holds what a training script uses.
//!
//! ```
//! use amber::prelude::*;
//!
//! let churn = datasets::telco_churn()?.table;
//! let split = train_test_split(churn.n_rows(), 0.2, 42)?; // scikit-learn's rows for random_state=42
//! let (train, test) = (churn.take_rows(&split.train)?, churn.take_rows(&split.test)?);
//! let pipeline = Pipeline::new()
//!     .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
//!     .classifier("classifier", DecisionTreeClassifier::params());
//! let search = GridSearch::new(pipeline)
//!     .param("classifier.max_depth", [Some(3), Some(5), None])
//!     .fit(&train, "churn", &StratifiedKFold::new(5), Scoring::RocAuc, None)?;
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("churn.amber");
//! save(&search.best, &path, &SaveOptions::default().dataset("telco_churn", &train))?;
//! let model: FittedPipeline = load(&path)?;
//! assert_eq!(model.predict(&test)?, search.best.predict(&test)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub use amber_data as data;
pub use amber_estimators as estimators;
pub use amber_model_selection as select;
/// ONNX export (feature `onnx`): the amber-onnx crate.
#[cfg(feature = "onnx")]
pub use amber_onnx as onnx;
pub use amber_persistence as persist;
pub use amber_pipeline as pipeline;

/// What a training script uses, in one `use amber::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "datasets")]
    pub use amber_data::datasets;
    pub use amber_data::{ColumnKind, CsvOptions, LabelMap, Table};
    pub use amber_estimators::{
        ClassWeight, Classifier, ClassifierParams, DecisionTreeClassifier, ImputeStrategy,
        LogisticRegression, MinMaxScaler, OneHotEncoder, RandomForestClassifier, SimpleImputer,
        StandardScaler, Transformer, TransformerParams, SVC,
    };
    pub use amber_model_selection::{
        compare, cross_validate, cross_validate_weighted, metrics, train_test_split, GridSearch, KFold,
        Scoring, StratifiedKFold,
    };
    pub use amber_persistence::{inspect, load, load_with, save, verify, LoadOptions, Registry, SaveOptions};
    pub use amber_pipeline::{ColumnTransformer, Columns, FittedPipeline, Pipeline};
}
