//! `LogisticRegression`: trained by linfa-logistic (L-BFGS), stored as amber's own coefficients.

use linfa::prelude::Fit;
use linfa::DatasetBase;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::check::{self, invalid, param};
use crate::contract::{setters, Classifier, ClassifierParams};
use crate::error::EstimatorError;

const E: &str = "LogisticRegression";

/// Hyperparameters of [`LogisticRegression`], with scikit-learn's meaning.
///
/// The objective is scikit-learn's `lbfgs` one: `C · Σ log-loss + ½‖W‖²`, the intercept not
/// penalized; binary problems use one coefficient vector (the sigmoid), more classes the multinomial
/// (softmax) model with one vector per class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegressionParams {
    /// Inverse regularization strength (default 1.0); must be positive and finite.
    #[serde(rename = "C")]
    pub c: f64,
    /// Maximum L-BFGS iterations (default 100).
    pub max_iter: u64,
    /// Stop when the gradient of the mean objective is below this (default 1e-4).
    pub tol: f64,
    /// Fit an intercept (default `true`).
    pub fit_intercept: bool,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams { c: 1.0, max_iter: 100, tol: 1e-4, fit_intercept: true }
    }
}

impl LogisticRegressionParams {
    setters! {
        /// Sets `C`.
        c: f64,
        /// Sets `max_iter`.
        max_iter: u64,
        /// Sets `tol`.
        tol: f64,
        /// Sets `fit_intercept`.
        fit_intercept: bool,
    }
}

/// A fitted logistic regression.
///
/// ```
/// use amber_estimators::{Classifier, ClassifierParams, LogisticRegression};
/// use ndarray::array;
///
/// let x = array![[0.0], [1.0], [2.0], [3.0]];
/// let model = LogisticRegression::params().c(10.0).fit(x.view(), &[0, 0, 1, 1])?;
/// assert_eq!(model.predict(x.view())?, [0, 0, 1, 1]);
/// assert!(model.coef[[0, 0]] > 0.0); // row 0 is the positive class, classes[1]
/// # Ok::<(), amber_estimators::EstimatorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegression {
    /// Sorted class indices seen in training.
    pub classes: Vec<usize>,
    /// Coefficients: one row (for `classes[1]`) when there are two classes, else one row per class.
    /// Columns are the input features.
    pub coef: Array2<f64>,
    /// One intercept per row of `coef` (zeros when `fit_intercept` was off).
    pub intercept: Vec<f64>,
}

impl LogisticRegression {
    /// Default hyperparameters.
    pub fn params() -> LogisticRegressionParams {
        LogisticRegressionParams::default()
    }

    /// Raw scores: `x · coefᵀ + intercept` (n_rows × rows of `coef`).
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
        check::predict_input(E, x, self.coef.ncols())?;
        let scores = x.dot(&self.coef.t()) + &Array1::from(self.intercept.clone());
        check::finite_output(E, &scores)?;
        Ok(scores)
    }
}

fn training_error(e: impl std::fmt::Display) -> EstimatorError {
    EstimatorError::Training { estimator: E, message: e.to_string() }
}

impl ClassifierParams for LogisticRegressionParams {
    type Model = LogisticRegression;

    fn validate(&self) -> Result<(), EstimatorError> {
        check::positive(E, "C", self.c)?;
        check::positive(E, "tol", self.tol)?;
        param(E, "max_iter", self.max_iter, self.max_iter > 0, "must be at least 1")
    }

    fn fit_weighted(
        &self,
        x: ArrayView2<f64>,
        y: &[usize],
        sample_weight: Option<&[f64]>,
    ) -> Result<LogisticRegression, EstimatorError> {
        self.validate()?;
        if sample_weight.is_some() {
            return Err(EstimatorError::InvalidParameter {
                estimator: E,
                name: "sample_weight",
                value: "given".into(),
                reason:
                    "LogisticRegression cannot take sample weights yet (its solver, linfa-logistic, has none)",
            });
        }
        let classes = check::classification_data(E, x, y)?;
        let codes = check::encode(&classes, y);
        let n = x.nrows() as f64;
        // linfa minimizes Σ log-loss + α/2 ‖W‖², n times scikit-learn's mean objective with α = 1/C.
        let alpha = 1.0 / self.c;
        let grad_tol = self.tol * n;
        let data = DatasetBase::new(x, Array1::from(codes));
        // The binary and multinomial models of linfa-logistic share their builder methods.
        macro_rules! train {
            ($model:ty) => {
                <$model>::default()
                    .alpha(alpha)
                    .max_iterations(self.max_iter)
                    .gradient_tolerance(grad_tol)
                    .with_intercept(self.fit_intercept)
                    .fit(&data)
                    .map_err(training_error)?
            };
        }
        let (coef, intercept) = if classes.len() == 2 {
            let fitted = train!(linfa_logistic::LogisticRegression<f64>);
            // linfa makes the more frequent class positive; amber's positive class is classes[1].
            let sign = if fitted.labels().pos.class == 1 { 1.0 } else { -1.0 };
            let coef = (fitted.params() * sign).insert_axis(Axis(0));
            (coef, vec![fitted.intercept() * sign])
        } else {
            let fitted = train!(linfa_logistic::MultiLogisticRegression<f64>);
            // linfa's classes are the sorted codes 0..k, so its columns are already in amber's order.
            (fitted.params().t().to_owned(), fitted.intercept().to_vec())
        };
        let model = LogisticRegression { classes, coef, intercept };
        model.validate()?;
        Ok(model)
    }
}

/// Row-wise softmax, stable.
fn softmax_rows(scores: &mut Array2<f64>) {
    for mut row in scores.axis_iter_mut(Axis(0)) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.mapv_inplace(|s| (s - max).exp());
        let sum = row.sum();
        row.mapv_inplace(|p| p / sum);
    }
}

impl Classifier for LogisticRegression {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.coef.ncols()
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
        let scores = self.decision_function(x)?;
        if self.classes.len() == 2 {
            let mut proba = Array2::zeros((x.nrows(), 2));
            for (mut row, s) in proba.axis_iter_mut(Axis(0)).zip(scores.column(0)) {
                // Stable for any finite s: exp never overflows.
                let p1 = if *s >= 0.0 { 1.0 / (1.0 + (-s).exp()) } else { s.exp() / (1.0 + s.exp()) };
                row[0] = 1.0 - p1;
                row[1] = p1;
            }
            Ok(proba)
        } else {
            let mut proba = scores;
            softmax_rows(&mut proba);
            Ok(proba)
        }
    }

    fn validate(&self) -> Result<(), EstimatorError> {
        check::fitted_classes(E, &self.classes, self.coef.ncols())?;
        let rows = if self.classes.len() == 2 { 1 } else { self.classes.len() };
        if self.coef.nrows() != rows || self.intercept.len() != rows {
            return Err(invalid(
                E,
                format!(
                    "{} classes need {rows} coefficient rows and intercepts, found {} and {}",
                    self.classes.len(),
                    self.coef.nrows(),
                    self.intercept.len()
                ),
            ));
        }
        if self.coef.iter().chain(&self.intercept).any(|v| !v.is_finite()) {
            return Err(invalid(E, "coefficients and intercepts must be finite"));
        }
        Ok(())
    }
}
