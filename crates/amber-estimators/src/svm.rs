//! `SVC`: support vector classification. linfa-svm solves each binary one-vs-one problem; amber
//! keeps the support vectors, dual coefficients and offsets as its own data, and adds what
//! linfa-svm lacks: multiclass voting, and probabilities by Platt scaling with pairwise coupling
//! (libsvm's method, as scikit-learn uses it).

use amber_data::random::RandomState;
use linfa::prelude::Fit;
use linfa::DatasetBase;
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::check::{self, invalid};
use crate::contract::{setters, Classifier, ClassifierParams};
use crate::error::EstimatorError;

const E: &str = "SVC";

/// The RBF kernel's `gamma`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gamma {
    /// `1 / (n_features · var(x))` (scikit-learn's default).
    Scale,
    /// `1 / n_features`.
    Auto,
    /// A positive value.
    Value(f64),
}

/// The kernel to train with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kernel {
    /// `exp(-gamma ‖a - b‖²)`.
    Rbf {
        /// How gamma is chosen.
        gamma: Gamma,
    },
    /// `a · b`.
    Linear,
}

/// The kernel of a fitted model, with gamma resolved to a number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FittedKernel {
    /// `exp(-gamma ‖a - b‖²)`.
    Rbf {
        /// The value used.
        gamma: f64,
    },
    /// `a · b`.
    Linear,
}

impl FittedKernel {
    fn eval(&self, a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
        match self {
            FittedKernel::Rbf { gamma } => {
                let d2: f64 = a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum();
                (-gamma * d2).exp()
            }
            FittedKernel::Linear => a.dot(&b),
        }
    }
}

/// Hyperparameters of [`SVC`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SVCParams {
    /// Penalty of margin violations (default 1.0), positive and finite.
    #[serde(rename = "C")]
    pub c: f64,
    /// The kernel (default RBF with `gamma = scale`).
    pub kernel: Kernel,
    /// Solver stopping tolerance (default 1e-3).
    pub tol: f64,
    /// Fit Platt scaling so that `predict_proba` works (default `false`; costs 5 extra fits per pair).
    pub probability: bool,
    /// Seed of the internal cross-validation of Platt scaling.
    pub random_state: u32,
}

impl Default for SVCParams {
    fn default() -> Self {
        SVCParams {
            c: 1.0,
            kernel: Kernel::Rbf { gamma: Gamma::Scale },
            tol: 1e-3,
            probability: false,
            random_state: 0,
        }
    }
}

impl SVCParams {
    setters! {
        /// Sets `C`.
        c: f64,
        /// Sets the kernel.
        kernel: Kernel,
        /// Sets the solver tolerance.
        tol: f64,
        /// Enables probability estimates.
        probability: bool,
        /// Sets the seed.
        random_state: u32,
    }
}

/// Platt's sigmoid: `P(first class) = 1 / (1 + exp(a · decision + b))`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Platt {
    /// Slope.
    pub a: f64,
    /// Offset.
    pub b: f64,
}

/// One one-vs-one problem: `first` against `second` (positions in `classes`, `first < second`).
/// Its decision value is `Σ dual_coef[k] · K(support_vectors[support[k]], x) - rho`; positive
/// votes for `first`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SvcPair {
    /// Position of the first class.
    pub first: usize,
    /// Position of the second class.
    pub second: usize,
    /// Rows of `support_vectors` used by this pair.
    pub support: Vec<u32>,
    /// Signed dual coefficient of each of those rows.
    pub dual_coef: Vec<f64>,
    /// Offset.
    pub rho: f64,
    /// Probability calibration, when fitted with `probability(true)`.
    pub platt: Option<Platt>,
}

/// A fitted support vector classifier (one-vs-one).
///
/// ```
/// use amber_estimators::{Classifier, ClassifierParams, SVC};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [0.2, 0.1], [1.0, 1.0], [0.9, 1.1], [2.0, 0.0], [2.1, 0.2]];
/// let y = [0, 0, 1, 1, 2, 2];
/// let model = SVC::params().c(10.0).fit(x.view(), &y)?;
/// assert_eq!(model.pairs.len(), 3); // (0,1), (0,2), (1,2)
/// assert_eq!(model.predict(x.view())?, y);
/// assert!(model.predict_proba(x.view()).is_err()); // probability was not enabled
/// # Ok::<(), amber_estimators::EstimatorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SVC {
    /// Sorted class indices seen in training.
    pub classes: Vec<usize>,
    /// The kernel.
    pub kernel: FittedKernel,
    /// Every support vector of every pair, once (n_support × n_features).
    #[serde(with = "crate::le_bytes::matrix")]
    pub support_vectors: Array2<f64>,
    /// The one-vs-one problems, in the order (0,1), (0,2), …, (1,2), ….
    pub pairs: Vec<SvcPair>,
}

impl SVC {
    /// Default hyperparameters.
    pub fn params() -> SVCParams {
        SVCParams::default()
    }

    /// One-vs-one decision values: `n_rows × n_pairs`, positive meaning the pair's first class.
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
        check::predict_input(E, x, self.support_vectors.ncols())?;
        let mut out = Array2::zeros((x.nrows(), self.pairs.len()));
        let mut k = vec![0.0; self.support_vectors.nrows()];
        for (row, mut dec) in x.axis_iter(Axis(0)).zip(out.axis_iter_mut(Axis(0))) {
            for (kv, sv) in k.iter_mut().zip(self.support_vectors.axis_iter(Axis(0))) {
                *kv = self.kernel.eval(sv, row);
            }
            for (d, pair) in dec.iter_mut().zip(&self.pairs) {
                let sum: f64 = pair
                    .support
                    .iter()
                    .zip(&pair.dual_coef)
                    .map(|(&s, c)| c * k.get(s as usize).unwrap_or(&0.0))
                    .sum();
                *d = sum - pair.rho;
            }
        }
        check::finite_output(E, &out)?;
        Ok(out)
    }
}

/// A binary problem's solution: the signed dual coefficient of every training row, and rho.
fn solve_binary(
    params: &SVCParams,
    kernel: FittedKernel,
    x: Array2<f64>,
    positive: Vec<bool>,
) -> Result<(Vec<f64>, f64), EstimatorError> {
    let base = Svm::<f64, bool>::params().pos_neg_weights(params.c, params.c).eps(params.tol);
    let svm_params = match kernel {
        FittedKernel::Rbf { gamma } => base.gaussian_kernel(1.0 / gamma),
        FittedKernel::Linear => base.linear_kernel(),
    };
    let data = DatasetBase::new(x, Array1::from(positive));
    let svm = svm_params
        .fit(&data)
        .map_err(|e| EstimatorError::Training { estimator: E, message: e.to_string() })?;
    Ok((svm.alpha, svm.rho))
}

/// Decision values of a binary solution on `test` rows.
fn binary_decision(
    kernel: FittedKernel,
    train: ArrayView2<f64>,
    alpha: &[f64],
    rho: f64,
    test: ArrayView2<f64>,
) -> Vec<f64> {
    test.axis_iter(Axis(0))
        .map(|t| {
            train
                .axis_iter(Axis(0))
                .zip(alpha)
                .filter(|(_, a)| **a != 0.0)
                .map(|(s, a)| a * kernel.eval(s, t))
                .sum::<f64>()
                - rho
        })
        .collect()
}

/// libsvm's `svm_binary_svc_probability`: decision values from a 5-fold internal cross-validation,
/// then Platt's sigmoid fitted to them.
fn fit_platt(
    params: &SVCParams,
    kernel: FittedKernel,
    x: ArrayView2<f64>,
    positive: &[bool],
    rng: &mut RandomState,
) -> Result<Platt, EstimatorError> {
    const FOLDS: usize = 5;
    let n = positive.len();
    let order = rng.permutation(n);
    let mut dec = vec![0.0; n];
    for fold in 0..FOLDS {
        let (start, end) = (fold * n / FOLDS, (fold + 1) * n / FOLDS);
        let test: Vec<usize> = order[start..end].to_vec();
        let train: Vec<usize> = order[..start].iter().chain(&order[end..]).copied().collect();
        let labels: Vec<bool> = train.iter().map(|&i| positive[i]).collect();
        let test_x = x.select(Axis(0), &test);
        let values = match (labels.iter().any(|&p| p), labels.iter().any(|&p| !p)) {
            (true, true) => {
                let train_x = x.select(Axis(0), &train);
                let (alpha, rho) = solve_binary(params, kernel, train_x.clone(), labels)?;
                binary_decision(kernel, train_x.view(), &alpha, rho, test_x.view())
            }
            (true, false) => vec![1.0; test.len()],
            (false, true) => vec![-1.0; test.len()],
            (false, false) => vec![0.0; test.len()],
        };
        for (&i, v) in test.iter().zip(values) {
            dec[i] = v;
        }
    }
    Ok(sigmoid_train(&dec, positive))
}

/// Platt's sigmoid fitted by Newton's method with backtracking (Lin, Lin & Weng 2007, as in libsvm).
fn sigmoid_train(dec: &[f64], positive: &[bool]) -> Platt {
    let prior1 = positive.iter().filter(|&&p| p).count() as f64;
    let prior0 = positive.len() as f64 - prior1;
    let (hi, lo) = ((prior1 + 1.0) / (prior1 + 2.0), 1.0 / (prior0 + 2.0));
    let t: Vec<f64> = positive.iter().map(|&p| if p { hi } else { lo }).collect();
    let objective = |a: f64, b: f64| -> f64 {
        dec.iter()
            .zip(&t)
            .map(|(d, ti)| {
                let f = d * a + b;
                if f >= 0.0 {
                    ti * f + (-f).exp().ln_1p()
                } else {
                    (ti - 1.0) * f + f.exp().ln_1p()
                }
            })
            .sum()
    };
    let (mut a, mut b) = (0.0, ((prior0 + 1.0) / (prior1 + 1.0)).ln());
    let mut fval = objective(a, b);
    for _ in 0..100 {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
        for (d, ti) in dec.iter().zip(&t) {
            let f = d * a + b;
            let (p, q) = if f >= 0.0 {
                ((-f).exp() / (1.0 + (-f).exp()), 1.0 / (1.0 + (-f).exp()))
            } else {
                (1.0 / (1.0 + f.exp()), f.exp() / (1.0 + f.exp()))
            };
            let d2 = p * q;
            h11 += d * d * d2;
            h22 += d2;
            h21 += d * d2;
            let d1 = ti - p;
            g1 += d * d1;
            g2 += d1;
        }
        if g1.abs() < 1e-5 && g2.abs() < 1e-5 {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let (da, db) = (-(h22 * g1 - h21 * g2) / det, -(-h21 * g1 + h11 * g2) / det);
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = objective(na, nb);
            if nf < fval + 1e-4 * step * gd {
                (a, b, fval) = (na, nb, nf);
                break;
            }
            step /= 2.0;
        }
        if step < 1e-10 {
            break;
        }
    }
    Platt { a, b }
}

/// libsvm's `multiclass_probability`: class probabilities from pairwise ones (Wu, Lin & Weng 2004,
/// method 2). `r[i][j]` is P(class i | class i or j).
fn couple(r: &[Vec<f64>]) -> Vec<f64> {
    let k = r.len();
    let mut q = vec![vec![0.0; k]; k];
    for t in 0..k {
        for j in 0..k {
            if j != t {
                q[t][t] += r[j][t] * r[j][t];
                q[t][j] = -r[j][t] * r[t][j];
            }
        }
    }
    let mut p = vec![1.0 / k as f64; k];
    let mut qp = vec![0.0; k];
    let eps = 0.005 / k as f64;
    for _ in 0..k.max(100) {
        let mut pqp = 0.0;
        for t in 0..k {
            qp[t] = (0..k).map(|j| q[t][j] * p[j]).sum();
            pqp += p[t] * qp[t];
        }
        if qp.iter().map(|v| (v - pqp).abs()).fold(0.0, f64::max) < eps {
            break;
        }
        for t in 0..k {
            let diff = (-qp[t] + pqp) / q[t][t];
            p[t] += diff;
            pqp = (pqp + diff * (diff * q[t][t] + 2.0 * qp[t])) / ((1.0 + diff) * (1.0 + diff));
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[t][j]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}

impl ClassifierParams for SVCParams {
    type Model = SVC;

    fn validate(&self) -> Result<(), EstimatorError> {
        check::positive(E, "C", self.c)?;
        check::positive(E, "tol", self.tol)?;
        if let Kernel::Rbf { gamma: Gamma::Value(g) } = self.kernel {
            check::positive(E, "gamma", g)?;
        }
        Ok(())
    }

    fn fit(&self, x: ArrayView2<f64>, y: &[usize]) -> Result<SVC, EstimatorError> {
        self.validate()?;
        let classes = check::classification_data(E, x, y)?;
        let codes = check::encode(&classes, y);
        let p = x.ncols() as f64;
        let kernel = match self.kernel {
            Kernel::Linear => FittedKernel::Linear,
            Kernel::Rbf { gamma } => FittedKernel::Rbf {
                gamma: match gamma {
                    Gamma::Value(g) => g,
                    Gamma::Auto => 1.0 / p,
                    Gamma::Scale => {
                        let var = x.var(0.0);
                        if var > 0.0 {
                            1.0 / (p * var)
                        } else {
                            1.0
                        }
                    }
                },
            },
        };
        let mut rng = RandomState::new(self.random_state);
        let mut sv_rows: Vec<usize> = Vec::new(); // training row of each support vector
        let mut pairs = Vec::new();
        for first in 0..classes.len() {
            for second in first + 1..classes.len() {
                let rows: Vec<usize> =
                    (0..codes.len()).filter(|&i| codes[i] == first || codes[i] == second).collect();
                let positive: Vec<bool> = rows.iter().map(|&i| codes[i] == first).collect();
                let xp = x.select(Axis(0), &rows);
                let platt = if self.probability {
                    Some(fit_platt(self, kernel, xp.view(), &positive, &mut rng)?)
                } else {
                    None
                };
                let (alpha, rho) = solve_binary(self, kernel, xp, positive)?;
                let (mut support, mut dual_coef) = (Vec::new(), Vec::new());
                for (&row, &a) in rows.iter().zip(&alpha) {
                    if a.abs() > 100.0 * f64::EPSILON {
                        let index = sv_rows.iter().position(|&r| r == row).unwrap_or_else(|| {
                            sv_rows.push(row);
                            sv_rows.len() - 1
                        });
                        support.push(index as u32);
                        dual_coef.push(a);
                    }
                }
                pairs.push(SvcPair { first, second, support, dual_coef, rho, platt });
            }
        }
        let support_vectors = x.select(Axis(0), &sv_rows);
        let model = SVC { classes, kernel, support_vectors, pairs };
        model.validate()?;
        Ok(model)
    }
}

impl Classifier for SVC {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.support_vectors.ncols()
    }

    /// One vote per pair; the class with most votes wins (the first on ties), as in libsvm.
    fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<usize>, EstimatorError> {
        let dec = self.decision_function(x)?;
        let mut votes = Array2::<f64>::zeros((x.nrows(), self.classes.len()));
        for (d, mut v) in dec.axis_iter(Axis(0)).zip(votes.axis_iter_mut(Axis(0))) {
            for (value, pair) in d.iter().zip(&self.pairs) {
                let winner = if *value > 0.0 { pair.first } else { pair.second };
                if let Some(slot) = v.get_mut(winner) {
                    *slot += 1.0;
                }
            }
        }
        Ok(crate::contract::argmax_rows(&votes, &self.classes))
    }

    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
        let platts: Vec<Platt> = self
            .pairs
            .iter()
            .map(|p| p.platt.ok_or(EstimatorError::ProbabilityNotEnabled))
            .collect::<Result<_, _>>()?;
        let dec = self.decision_function(x)?;
        let k = self.classes.len();
        let mut proba = Array2::zeros((x.nrows(), k));
        for (d, mut out) in dec.axis_iter(Axis(0)).zip(proba.axis_iter_mut(Axis(0))) {
            let mut r = vec![vec![0.0; k]; k];
            for ((value, pair), platt) in d.iter().zip(&self.pairs).zip(&platts) {
                let f = value * platt.a + platt.b;
                let p = if f >= 0.0 { (-f).exp() / (1.0 + (-f).exp()) } else { 1.0 / (1.0 + f.exp()) };
                let p = p.clamp(1e-7, 1.0 - 1e-7);
                r[pair.first][pair.second] = p;
                r[pair.second][pair.first] = 1.0 - p;
            }
            let p = if k == 2 { vec![r[0][1], r[1][0]] } else { couple(&r) };
            out.assign(&Array1::from(p));
        }
        Ok(proba)
    }

    fn validate(&self) -> Result<(), EstimatorError> {
        let k = self.classes.len();
        check::fitted_classes(E, &self.classes, self.support_vectors.ncols())?;
        if let FittedKernel::Rbf { gamma } = self.kernel {
            if !(gamma.is_finite() && gamma > 0.0) {
                return Err(invalid(E, "gamma must be positive and finite"));
            }
        }
        // k classes need k(k-1)/2 pairs: compare counts before looking at any pair, so a file
        // claiming many classes costs nothing.
        let needed = k.checked_mul(k - 1).map(|n| n / 2);
        if needed != Some(self.pairs.len()) {
            return Err(invalid(
                E,
                format!(
                    "{k} classes need {} one-vs-one pairs, found {}",
                    needed.unwrap_or(usize::MAX),
                    self.pairs.len()
                ),
            ));
        }
        let expected = (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j)));
        if let Some((i, _)) =
            self.pairs.iter().zip(expected).enumerate().find(|(_, (p, e))| (p.first, p.second) != *e)
        {
            return Err(invalid(E, format!("pair {i} is not in the order (0,1), (0,2), …, (1,2), …")));
        }
        if self.support_vectors.iter().any(|v| !v.is_finite()) {
            return Err(invalid(E, "support vectors must be finite"));
        }
        let n_sv = self.support_vectors.nrows();
        let platt_on = self.pairs.first().is_some_and(|p| p.platt.is_some());
        for (i, pair) in self.pairs.iter().enumerate() {
            if pair.support.len() != pair.dual_coef.len() || pair.support.iter().any(|&s| s as usize >= n_sv)
            {
                return Err(invalid(
                    E,
                    format!("pair {i}: support indices out of range or not one per coefficient"),
                ));
            }
            let platt_ok = pair.platt.is_none_or(|p| p.a.is_finite() && p.b.is_finite());
            if pair.dual_coef.iter().any(|c| !c.is_finite()) || !pair.rho.is_finite() || !platt_ok {
                return Err(invalid(E, format!("pair {i}: non-finite coefficient, offset or calibration")));
            }
            if pair.platt.is_some() != platt_on {
                return Err(invalid(E, "either every pair has a probability calibration or none has"));
            }
        }
        Ok(())
    }
}
