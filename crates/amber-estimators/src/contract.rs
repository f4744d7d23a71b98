//! The estimator contract: every transformer and classifier implements one of these pairs of traits,
//! and one conformance suite (`tests/conformance.rs`) checks all of them.

use amber_data::Table;
use ndarray::{Array2, ArrayView2, Axis};

use crate::error::EstimatorError;

/// Hyperparameters of a classifier: checked by [`ClassifierParams::validate`] (which `fit` calls
/// first), and fitted into a separate model type.
pub trait ClassifierParams {
    /// The fitted model.
    type Model: Classifier;
    /// Checks every hyperparameter; a bad one is [`EstimatorError::InvalidParameter`].
    fn validate(&self) -> Result<(), EstimatorError>;
    /// Fits on `x` (rows × features, finite) and class indices `y` (one per row, ≥ 2 distinct).
    fn fit(&self, x: ArrayView2<f64>, y: &[usize]) -> Result<Self::Model, EstimatorError> {
        self.fit_weighted(x, y, None)
    }
    /// [`ClassifierParams::fit`] with a weight per row (scikit-learn's `sample_weight`: finite,
    /// non-negative, not all zero), multiplied by the class weights where the estimator has them.
    /// Estimators that cannot take weights say so with [`EstimatorError::InvalidParameter`].
    fn fit_weighted(
        &self,
        x: ArrayView2<f64>,
        y: &[usize],
        sample_weight: Option<&[f64]>,
    ) -> Result<Self::Model, EstimatorError>;
}

/// A fitted classifier: plain data, with predictions over the classes seen in training.
pub trait Classifier {
    /// The distinct class indices of the training `y`, sorted; column `j` of
    /// [`Classifier::predict_proba`] is the probability of `classes()[j]`.
    fn classes(&self) -> &[usize];
    /// Number of input columns.
    fn n_features(&self) -> usize;
    /// Class probabilities, one row per input row, each summing to 1.
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError>;
    /// The predicted class index of each row: by default the most probable class (first on ties).
    fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<usize>, EstimatorError> {
        let proba = self.predict_proba(x)?;
        Ok(argmax_rows(&proba, self.classes()))
    }
    /// Checks that the fitted data is consistent: shapes agree, numbers finite, indices in range.
    fn validate(&self) -> Result<(), EstimatorError>;
}

/// Hyperparameters of a transformer.
pub trait TransformerParams {
    /// The fitted transformer.
    type Model: Transformer;
    /// Checks every hyperparameter.
    fn validate(&self) -> Result<(), EstimatorError>;
    /// Learns from every column of `x`.
    fn fit(&self, x: &Table) -> Result<Self::Model, EstimatorError>;
}

/// A fitted transformer: maps a table with (at least) the columns it was fitted on to a new table.
/// Input columns are found by name, so their order does not matter and extra columns are ignored.
pub trait Transformer {
    /// The columns it was fitted on, in order.
    fn feature_names_in(&self) -> &[String];
    /// The names of the output columns, in order.
    fn feature_names_out(&self) -> Vec<String>;
    /// Applies the transformation.
    fn transform(&self, x: &Table) -> Result<Table, EstimatorError>;
    /// Checks that the fitted data is consistent.
    fn validate(&self) -> Result<(), EstimatorError>;
}

/// For each row of `scores`, `classes[j]` of its largest entry (the first one on ties, like numpy's
/// `argmax`).
pub fn argmax_rows(scores: &Array2<f64>, classes: &[usize]) -> Vec<usize> {
    scores
        .axis_iter(Axis(0))
        .map(|row| {
            let mut best = 0;
            for (j, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = j;
                }
            }
            classes.get(best).copied().unwrap_or(0)
        })
        .collect()
}

/// Builder setters `fn field(mut self, value) -> Self` for hyperparameter structs, written once.
macro_rules! setters {
    ($($(#[$doc:meta])* $field:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $field(mut self, value: $ty) -> Self {
                self.$field = value;
                self
            }
        )*
    };
}
pub(crate) use setters;
