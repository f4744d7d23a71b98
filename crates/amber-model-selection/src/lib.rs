//! Model selection for amber: train/test splits and cross-validation splitters that select
//! **exactly** the rows scikit-learn selects for the same seed (numpy's legacy MT19937 stream,
//! reproduced draw for draw), so results can be compared with a Python baseline row for row.
//!
//! ```
//! use amber_model_selection::{train_test_split, CrossValidator, StratifiedKFold};
//!
//! let (x, y) = amber_data::datasets::iris()?.features_and_target()?;
//! let split = train_test_split(x.n_rows(), 0.2, 42)?;   // sklearn's iris 80/20 split
//! let y_train: Vec<usize> = split.train.iter().map(|&r| y.indices[r]).collect();
//! let folds = StratifiedKFold::new(5).shuffled(0).folds(&y_train)?;
//! assert_eq!(folds.len(), 5);
//! assert!(folds.iter().all(|f| f.test.len() == 24));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

mod baseline;
pub mod checks;
pub mod drift;
pub mod metrics;
mod search;
mod split;

pub use baseline::{baseline, MostFrequent};
pub use search::{
    compare, cross_validate, cross_validate_weighted, describe, Candidate, CrossValidatorSync, CvResult,
    Entry, GridSearch, Leaderboard, Progress, ProgressFn, Scoring, SearchError, SearchResult, MAX_CANDIDATES,
};
pub use split::{train_test_split, CrossValidator, Fold, KFold, SplitError, StratifiedKFold, TrainTestSplit};
