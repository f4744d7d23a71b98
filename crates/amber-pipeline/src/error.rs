//! The one error type of this crate.

use amber_data::DataError;
use amber_estimators::EstimatorError;

/// Everything that can go wrong building, fitting or applying a pipeline. Input errors name the
/// column and, where one cell is at fault, the 0-based row.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// A step failed; `step` is its path (`pre.numeric.scaler`).
    #[error("step {step:?}: {source}")]
    Step {
        /// Path of the step.
        step: String,
        /// What the estimator said.
        #[source]
        source: EstimatorError,
    },
    /// The table itself was unusable (for example the target column does not exist).
    #[error(transparent)]
    Data(#[from] DataError),
    /// A column the fitted pipeline needs is not in the input.
    #[error("input has no column {name:?}, which the pipeline needs")]
    MissingColumn {
        /// The column.
        name: String,
    },
    /// A column has the wrong kind, and cannot be converted.
    #[error("column {name:?}, row {row}: {value:?} is not a number, but the column is numeric")]
    TextInNumericColumn {
        /// The column.
        name: String,
        /// 0-based row of the first cell that is not a number.
        row: usize,
        /// The cell (at most `amber_data::MAX_EXCERPT_CHARS` characters of it).
        value: String,
    },
    /// A categorical column arrived as numbers, and the pipeline does not accept that.
    #[error(
        "column {name:?} is numeric in the input, but categorical in the model \
         (set Pipeline::accept_numbers_as_categories to convert numbers to text)"
    )]
    NumbersInCategoricalColumn {
        /// The column.
        name: String,
    },
    /// A missing cell in a column that no imputer covers.
    #[error(
        "column {name:?}, row {row}: the value is missing and no imputer in the pipeline covers this column"
    )]
    MissingValue {
        /// The column.
        name: String,
        /// 0-based row.
        row: usize,
    },
    /// An infinite number in the input.
    #[error("column {name:?}, row {row}: {value} is not a finite number")]
    NonFinite {
        /// The column.
        name: String,
        /// 0-based row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// The matrix given to the classifier would hold a categorical column.
    #[error("column {name:?} reaches the classifier as text; encode it (e.g. OneHotEncoder) first")]
    CategoricalAtClassifier {
        /// The column.
        name: String,
    },
    /// Two steps or groups share a name.
    #[error("the name {name:?} is used twice")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// Two groups of a column transformer produce a column of the same name.
    #[error("column transformer: output column {name:?} is produced twice")]
    DuplicateOutput {
        /// The column.
        name: String,
    },
    /// No step, group or parameter at this path.
    #[error("no hyperparameter at path {path:?}{hint}")]
    UnknownParameter {
        /// The path asked for.
        path: String,
        /// What exists there, when known.
        hint: String,
    },
    /// The value does not fit the parameter's type.
    #[error("hyperparameter {path:?}: {value} does not fit: {message}")]
    WrongParameterType {
        /// The path.
        path: String,
        /// The value given.
        value: serde_json::Value,
        /// Why it does not fit.
        message: String,
    },
    /// `fit_transformers` on a pipeline with a classifier, which needs a target.
    #[error("this pipeline has a classifier; fit it with a target column")]
    TargetRequired,
    /// `predict` on a pipeline without a classifier.
    #[error("this pipeline has no classifier; use transform")]
    NoClassifier,
    /// The fitted pipeline's parts do not fit together (for example after loading a damaged file).
    #[error("invalid fitted pipeline: {reason}")]
    InvalidPipeline {
        /// What is inconsistent.
        reason: String,
    },
}

impl PipelineError {
    /// The same error with its row counted `offset` rows later: for input read in chunks, where
    /// row 0 of a chunk is row `offset` of the whole input. Errors without a row are unchanged.
    ///
    /// ```
    /// use amber_pipeline::PipelineError;
    ///
    /// let e = PipelineError::MissingValue { name: "age".into(), row: 3 }.offset_rows(10_000);
    /// assert_eq!(e.to_string(), "column \"age\", row 10003: the value is missing and no imputer in the pipeline covers this column");
    /// ```
    pub fn offset_rows(mut self, offset: usize) -> Self {
        match &mut self {
            PipelineError::TextInNumericColumn { row, .. }
            | PipelineError::MissingValue { row, .. }
            | PipelineError::NonFinite { row, .. } => *row = row.saturating_add(offset),
            _ => {}
        }
        self
    }
}

/// Wraps an estimator error with the path of the step it came from.
pub(crate) fn at(step: &str) -> impl FnOnce(EstimatorError) -> PipelineError + '_ {
    move |source| PipelineError::Step { step: step.to_string(), source }
}
