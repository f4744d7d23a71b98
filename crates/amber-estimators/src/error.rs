//! The one error type of this crate.

/// Everything that can go wrong when fitting or applying an estimator.
///
/// Each message names the estimator or parameter, and the row and column where one cell is at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EstimatorError {
    /// A hyperparameter is out of its range.
    #[error("{estimator}: parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// The estimator, e.g. `LogisticRegression`.
        estimator: &'static str,
        /// The parameter, e.g. `C`.
        name: &'static str,
        /// The value given, as text.
        value: String,
        /// What the parameter must be.
        reason: &'static str,
    },
    /// The input has no rows or no columns.
    #[error("{estimator}: the input is empty ({rows} rows × {cols} columns)")]
    EmptyInput {
        /// The estimator.
        estimator: &'static str,
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
    },
    /// A cell is NaN or infinite where a finite number is required.
    #[error("{estimator}: input row {row}, column {column}: {value} is not a finite number")]
    NonFinite {
        /// The estimator.
        estimator: &'static str,
        /// 0-based row.
        row: usize,
        /// 0-based column, or the column's name for table inputs.
        column: String,
        /// The value.
        value: f64,
    },
    /// A finite value too large for a tree's float32 comparisons.
    #[error(
        "{estimator}: input row {row}, column {column}: {value} is beyond the float32 range trees compare in"
    )]
    OutOfFloat32Range {
        /// The estimator.
        estimator: &'static str,
        /// 0-based row.
        row: usize,
        /// 0-based column.
        column: usize,
        /// The value.
        value: f64,
    },
    /// `x` and `y` have different numbers of rows.
    #[error("{estimator}: x has {x_rows} rows but y has {y_len} labels")]
    LengthMismatch {
        /// The estimator.
        estimator: &'static str,
        /// Rows of x.
        x_rows: usize,
        /// Length of y.
        y_len: usize,
    },
    /// Classification needs at least two classes.
    #[error("{estimator}: y has a single class ({class}); at least two are needed")]
    SingleClass {
        /// The estimator.
        estimator: &'static str,
        /// The one class present.
        class: usize,
    },
    /// Predict-time input has a different number of columns than the training input.
    #[error("{estimator}: the input has {found} columns, but the model was fitted on {expected}")]
    FeatureCountMismatch {
        /// The estimator.
        estimator: &'static str,
        /// Columns at fit time.
        expected: usize,
        /// Columns now.
        found: usize,
    },
    /// A column the transformer was fitted on is not in the input.
    #[error("{estimator}: the input has no column {name:?}, which the transformer was fitted on")]
    MissingColumn {
        /// The estimator.
        estimator: &'static str,
        /// The column.
        name: String,
    },
    /// A column has the wrong kind for this transformer or strategy.
    #[error("{estimator}: column {name:?} is {found}, but {expected} is required")]
    WrongColumnKind {
        /// The estimator.
        estimator: &'static str,
        /// The column.
        name: String,
        /// What is required (`numeric`, `categorical`).
        expected: &'static str,
        /// What it is.
        found: &'static str,
    },
    /// A column has no observed value to learn a statistic from.
    #[error("{estimator}: column {name:?} has no observed values to fit on")]
    AllMissing {
        /// The estimator.
        estimator: &'static str,
        /// The column.
        name: String,
    },
    /// A cell is missing where this estimator cannot handle missing values.
    #[error("{estimator}: column {name:?}, row {row}: the value is missing (impute it first)")]
    MissingValue {
        /// The estimator.
        estimator: &'static str,
        /// The column.
        name: String,
        /// 0-based row.
        row: usize,
    },
    /// A category not seen during fit, with `handle_unknown = error`.
    #[error("{estimator}: column {name:?}, row {row}: category {value:?} was not seen during fit")]
    UnknownCategory {
        /// The estimator.
        estimator: &'static str,
        /// The column.
        name: String,
        /// 0-based row.
        row: usize,
        /// The category (at most `amber_data::MAX_EXCERPT_CHARS` characters of it).
        value: String,
    },
    /// The model's scores overflowed on this row (an input far outside the training range).
    #[error("{estimator}: the scores of input row {row} are not finite (the input is far outside the training range)")]
    NonFiniteOutput {
        /// The estimator.
        estimator: &'static str,
        /// 0-based row.
        row: usize,
    },
    /// A column's statistics cannot be represented (its values are near the limits of f64).
    #[error("{estimator}: column {name:?}: {what} overflows f64")]
    Overflow {
        /// The estimator.
        estimator: &'static str,
        /// The column.
        name: String,
        /// Which statistic.
        what: &'static str,
    },
    /// `predict_proba` on an SVC fitted without `probability(true)`.
    #[error("SVC: predict_proba needs probability estimates, which were not enabled: fit with SVC::params().probability(true)")]
    ProbabilityNotEnabled,
    /// A fitted model's data is inconsistent (for example after loading a damaged file).
    #[error("{estimator}: invalid fitted model: {reason}")]
    InvalidModel {
        /// The estimator.
        estimator: &'static str,
        /// What is inconsistent.
        reason: String,
    },
    /// The training backend failed.
    #[error("{estimator}: training failed: {message}")]
    Training {
        /// The estimator.
        estimator: &'static str,
        /// The backend's message.
        message: String,
    },
}
