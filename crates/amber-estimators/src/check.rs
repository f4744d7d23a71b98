//! Input checks shared by every estimator, so each bad input gets the same named error.

use ndarray::ArrayView2;

use crate::error::EstimatorError;

/// `x` is non-empty and every cell finite.
pub(crate) fn finite_matrix(estimator: &'static str, x: ArrayView2<f64>) -> Result<(), EstimatorError> {
    let (rows, cols) = x.dim();
    if rows == 0 || cols == 0 {
        return Err(EstimatorError::EmptyInput { estimator, rows, cols });
    }
    match x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((row, column), &value)) => {
            Err(EstimatorError::NonFinite { estimator, row, column: column.to_string(), value })
        }
        None => Ok(()),
    }
}

/// Checks `x` and `y` for fitting a classifier; returns the sorted distinct classes of `y`.
pub(crate) fn classification_data(
    estimator: &'static str,
    x: ArrayView2<f64>,
    y: &[usize],
) -> Result<Vec<usize>, EstimatorError> {
    finite_matrix(estimator, x)?;
    if x.nrows() != y.len() {
        return Err(EstimatorError::LengthMismatch { estimator, x_rows: x.nrows(), y_len: y.len() });
    }
    let mut classes = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    match classes.as_slice() {
        [class] => Err(EstimatorError::SingleClass { estimator, class: *class }),
        _ => Ok(classes),
    }
}

/// Checks `x` at predict time: finite, and as many columns as at fit time. Zero rows are fine.
pub(crate) fn predict_input(
    estimator: &'static str,
    x: ArrayView2<f64>,
    n_features: usize,
) -> Result<(), EstimatorError> {
    if x.ncols() != n_features {
        return Err(EstimatorError::FeatureCountMismatch {
            estimator,
            expected: n_features,
            found: x.ncols(),
        });
    }
    if x.nrows() == 0 {
        return Ok(());
    }
    finite_matrix(estimator, x)
}

/// A hyperparameter check: `Ok` when `ok`, else [`EstimatorError::InvalidParameter`].
pub(crate) fn param(
    estimator: &'static str,
    name: &'static str,
    value: impl std::fmt::Display,
    ok: bool,
    reason: &'static str,
) -> Result<(), EstimatorError> {
    if ok {
        Ok(())
    } else {
        Err(EstimatorError::InvalidParameter { estimator, name, value: value.to_string(), reason })
    }
}

/// A hyperparameter that must be a positive finite number.
pub(crate) fn positive(
    estimator: &'static str,
    name: &'static str,
    value: f64,
) -> Result<(), EstimatorError> {
    param(estimator, name, value, value.is_finite() && value > 0.0, "must be a positive finite number")
}

/// The position of `class` in `classes` for every label of `y` (all are present by construction).
pub(crate) fn encode(classes: &[usize], y: &[usize]) -> Vec<usize> {
    y.iter().map(|c| classes.binary_search(c).unwrap_or(0)).collect()
}

/// An invalid-model error, for `validate()`.
pub(crate) fn invalid(estimator: &'static str, reason: impl Into<String>) -> EstimatorError {
    EstimatorError::InvalidModel { estimator, reason: reason.into() }
}

/// The common checks of a fitted classifier: classes sorted and distinct (≥ 2), features ≥ 1.
pub(crate) fn fitted_classes(
    estimator: &'static str,
    classes: &[usize],
    n_features: usize,
) -> Result<(), EstimatorError> {
    if classes.len() < 2 || classes.windows(2).any(|w| w[0] >= w[1]) {
        return Err(invalid(estimator, "classes must be at least two, sorted and distinct"));
    }
    if n_features == 0 {
        return Err(invalid(estimator, "n_features must be at least 1"));
    }
    Ok(())
}

/// Scores computed by a model must be finite: an input far outside the training range can
/// overflow them, and that is a named error naming the row, never a NaN probability.
pub(crate) fn finite_output(
    estimator: &'static str,
    scores: &ndarray::Array2<f64>,
) -> Result<(), EstimatorError> {
    match scores.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((row, _), _)) => Err(EstimatorError::NonFiniteOutput { estimator, row }),
        None => Ok(()),
    }
}

/// A count parameter must be at least `min` and at most `max` (the documented upper bound,
/// checked before anything is allocated from it).
pub(crate) fn count(
    estimator: &'static str,
    name: &'static str,
    value: usize,
    min: usize,
    max: usize,
    reason: &'static str,
) -> Result<(), EstimatorError> {
    param(estimator, name, value, (min..=max).contains(&value), reason)
}
