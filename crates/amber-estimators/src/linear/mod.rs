//! `LogisticRegression`: scikit-learn's `lbfgs` solver (its objective, L-BFGS steps and stopping
//! rule), with class and sample weights.

mod lbfgs;
mod loss;

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::check::{self, invalid, param};
use crate::contract::{setters, Classifier, ClassifierParams};
use crate::error::EstimatorError;
use crate::weights::{self, ClassWeight};

const E: &str = "LogisticRegression";

/// Hyperparameters of [`LogisticRegression`], with scikit-learn's meaning.
///
/// The objective is scikit-learn's `lbfgs` one: `C · Σ wᵢ·log-lossᵢ + ½‖W‖²`, the intercept not
/// penalized; binary problems use one coefficient vector (the sigmoid), more classes the multinomial
/// (softmax) model with one vector per class. It is minimized as scikit-learn does it (SciPy's
/// L-BFGS-B, unbounded, 10 correction pairs, up to 50 evaluations per line search), so the
/// iterations, and the coefficients where a fit stops early, are scikit-learn's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticRegressionParams {
    /// Inverse regularization strength (default 1.0); must be positive and finite.
    #[serde(rename = "C")]
    pub c: f64,
    /// Maximum L-BFGS iterations (default 100).
    pub max_iter: u64,
    /// Stop when every component of the objective's gradient is at most this in magnitude (default
    /// 1e-4; the objective is the mean loss, scaled as scikit-learn scales it). The solver also
    /// stops when an iteration reduces the objective by less than 64·ε relative, as scikit-learn's.
    pub tol: f64,
    /// Fit an intercept (default `true`).
    pub fit_intercept: bool,
    /// Class weights (default none): [`ClassWeight::Balanced`] (by the sample weights, as
    /// scikit-learn's `compute_class_weight`) or explicit. Not written when absent (format 1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_weight: Option<ClassWeight>,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams { c: 1.0, max_iter: 100, tol: 1e-4, fit_intercept: true, class_weight: None }
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
        /// Sets the class weights.
        class_weight: Option<ClassWeight>,
    }
}

/// How the solver ended: scikit-learn's `n_iter_`, and whether it converged (scikit-learn warns
/// with a `ConvergenceWarning` when not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Convergence {
    /// L-BFGS iterations taken.
    pub n_iter: u64,
    /// `true` when a stopping test was met before `max_iter`; `false` when the iterations ran out
    /// or no line search could make progress.
    pub converged: bool,
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
    /// How the fit ended; `None` in files written before format 1.5.
    #[serde(default)]
    pub convergence: Option<Convergence>,
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

impl ClassifierParams for LogisticRegressionParams {
    type Model = LogisticRegression;

    fn validate(&self) -> Result<(), EstimatorError> {
        check::positive(E, "C", self.c)?;
        check::positive(E, "tol", self.tol)?;
        param(E, "max_iter", self.max_iter, self.max_iter > 0, "must be at least 1")?;
        ClassWeight::validate(self.class_weight.as_ref(), E, false)
    }

    fn fit_weighted(
        &self,
        x: ArrayView2<f64>,
        y: &[usize],
        sample_weight: Option<&[f64]>,
    ) -> Result<LogisticRegression, EstimatorError> {
        self.validate()?;
        let classes = check::classification_data(E, x, y)?;
        let codes = check::encode(&classes, y);
        let weights =
            weights::row_weights(E, self.class_weight.as_ref(), sample_weight, &classes, &codes, true)?;
        let weight_sum = weights.as_deref().map_or(x.nrows() as f64, amber_data::random::numpy_sum);
        let outputs = if classes.len() == 2 { 1 } else { classes.len() };
        let objective = loss::Objective {
            x: x.view(),
            codes: &codes,
            weights: weights.as_deref(),
            outputs,
            fit_intercept: self.fit_intercept,
            l2: 1.0 / (self.c * weight_sum),
            weight_sum,
        };
        let options = lbfgs::Options {
            max_iter: self.max_iter,
            gtol: self.tol,
            ftol: 64.0 * f64::EPSILON,
            max_line_search: 50,
            memory: 10,
        };
        let found = lbfgs::minimize(
            |w, g| objective.value_and_gradient(w, g),
            vec![0.0; objective.n_params()],
            &options,
        );
        let n_features = x.ncols();
        let w = Array2::from_shape_vec((found.x.len() / outputs, outputs), found.x)
            .map_err(|e| EstimatorError::Training { estimator: E, message: e.to_string() })?;
        let coef = w.slice(ndarray::s![..n_features, ..]).t().to_owned();
        let intercept = if self.fit_intercept { w.row(n_features).to_vec() } else { vec![0.0; outputs] };
        let convergence =
            Convergence { n_iter: found.n_iter, converged: found.stop == lbfgs::Stop::Converged };
        let model = LogisticRegression { classes, coef, intercept, convergence: Some(convergence) };
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
