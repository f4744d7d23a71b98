//! `SVC`: support vector classification, one-vs-one, trained by amber's port of libsvm's SMO
//! solver ([`smo`]) with probabilities by Platt scaling and pairwise coupling ([`platt`]), so that
//! the same data and `random_state` give scikit-learn's support vectors, decision values and
//! probabilities.

mod platt;
mod smo;

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::check::{self, invalid};
use crate::contract::{setters, Classifier, ClassifierParams};
use crate::error::EstimatorError;
use crate::weights::{self, ClassWeight};
use platt::{couple, libsvm_seed, sigmoid_predict, LibsvmRng};
use smo::{Problem, Rows};

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
    /// libsvm's `k_function` (the RBF kernel through the squared distance, summed in order).
    fn eval(&self, a: &[f64], b: &[f64]) -> f64 {
        match self {
            FittedKernel::Rbf { gamma } => {
                let d2 = a.iter().zip(b).fold(0.0, |s, (x, y)| s + (x - y) * (x - y));
                (-gamma * d2).exp()
            }
            FittedKernel::Linear => smo::dot(a, b),
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
    /// Seed of the internal cross-validation of Platt scaling (scikit-learn's `random_state`:
    /// the same seed draws the same folds).
    pub random_state: u32,
    /// Size limit of the kernel cache in MiB (default 200, scikit-learn's), shared by the pairs
    /// trained at the same time. It changes speed and memory, never the model, so it is not
    /// recorded with the model's hyperparameters.
    #[serde(skip, default = "default_cache_size")]
    pub cache_size: f64,
    /// Class weights (default none): each class's `C` is multiplied by its weight. Not written
    /// when absent, so files without class weights are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_weight: Option<ClassWeight>,
}

fn default_cache_size() -> f64 {
    200.0
}

impl Default for SVCParams {
    fn default() -> Self {
        SVCParams {
            c: 1.0,
            kernel: Kernel::Rbf { gamma: Gamma::Scale },
            tol: 1e-3,
            probability: false,
            random_state: 0,
            cache_size: default_cache_size(),
            class_weight: None,
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
        /// Sets the kernel cache's size limit in MiB.
        cache_size: f64,
        /// Sets the class weights.
        class_weight: Option<ClassWeight>,
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
/// // Probabilities need `probability(true)` at fit: asking without them is a named error.
/// assert!(matches!(model.predict_proba(x.view()), Err(amber_estimators::EstimatorError::ProbabilityNotEnabled)));
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
        // Rows as slices (one copy when `x` is not row-major, none otherwise).
        let (x, svs) = (x.as_standard_layout(), self.support_vectors.as_standard_layout());
        let d = svs.ncols();
        let (Some(xs), Some(sv_data)) = (x.as_slice(), svs.as_slice()) else {
            return Err(invalid(E, "input rows are not contiguous"));
        };
        let mut k = vec![0.0; svs.nrows()];
        for (row, mut dec) in xs.chunks_exact(d.max(1)).zip(out.axis_iter_mut(Axis(0))) {
            for (kv, sv) in k.iter_mut().zip(sv_data.chunks_exact(d.max(1))) {
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

impl ClassifierParams for SVCParams {
    type Model = SVC;

    fn validate(&self) -> Result<(), EstimatorError> {
        check::positive(E, "C", self.c)?;
        check::positive(E, "tol", self.tol)?;
        check::positive(E, "cache_size", self.cache_size)?;
        ClassWeight::validate(self.class_weight.as_ref(), E, false)?;
        if let Kernel::Rbf { gamma: Gamma::Value(g) } = self.kernel {
            check::positive(E, "gamma", g)?;
        }
        Ok(())
    }

    fn fit_weighted(
        &self,
        x: ArrayView2<f64>,
        y: &[usize],
        sample_weight: Option<&[f64]>,
    ) -> Result<SVC, EstimatorError> {
        self.validate()?;
        let classes = check::classification_data(E, x, y)?;
        let codes = check::encode(&classes, y);
        let row_weights = weights::sample_weights(E, sample_weight, codes.len())?;
        // libsvm: each class's C times its weight, then each row's bound is its weight times that.
        let class_c: Vec<f64> = match &self.class_weight {
            Some(cw) => cw
                .per_class(E, &classes, &codes, &vec![1.0; codes.len()])?
                .iter()
                .map(|w| self.c * w)
                .collect(),
            None => vec![self.c; classes.len()],
        };
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
        let x = x.as_standard_layout();
        let rows = Rows {
            data: x.as_slice().ok_or_else(|| invalid(E, "the training matrix is not contiguous"))?,
            d: x.ncols(),
        };
        // libsvm leaves out rows of weight 0, then groups the rows by class (sorted), each group
        // in the data's order.
        let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); classes.len()];
        for (row, &code) in codes.iter().enumerate() {
            if let (Some(group), true) = (by_class.get_mut(code), row_weights[row] > 0.0) {
                group.push(row);
            }
        }
        if let Some(code) = by_class.iter().position(Vec::is_empty) {
            return Err(EstimatorError::InvalidParameter {
                estimator: E,
                name: "sample_weight",
                value: format!("0 for every row of class {}", classes.get(code).copied().unwrap_or(code)),
                reason: "every class needs a row of positive weight",
            });
        }
        let cache_bytes = (self.cache_size * f64::from(1u32 << 20)) as usize;
        // The generator is drawn from in pair order; the pairs then train in parallel.
        let mut rng = LibsvmRng::new(libsvm_seed(self.random_state));
        let mut problems = Vec::new();
        for (first, first_rows) in by_class.iter().enumerate() {
            for (second, second_rows) in by_class.iter().enumerate().skip(first + 1) {
                let problem = Problem {
                    x: rows,
                    rows: first_rows.iter().chain(second_rows).copied().collect(),
                    y: first_rows.iter().map(|_| 1).chain(second_rows.iter().map(|_| -1)).collect(),
                    c: first_rows
                        .iter()
                        .map(|&r| row_weights[r] * class_c[first])
                        .chain(second_rows.iter().map(|&r| row_weights[r] * class_c[second]))
                        .collect(),
                };
                let folds = self.probability.then(|| platt::folds(&problem, &mut rng));
                problems.push((first, second, problem, folds));
            }
        }
        // Pairs trained at the same time share the cache budget, so that the whole fit stays
        // within `cache_size` as libsvm's sequential one does.
        let concurrent = crate::par::threads().min(problems.len()).max(1);
        let cache_bytes = cache_bytes / concurrent;
        let solved: Vec<_> = crate::par::map(problems, |(first, second, problem, folds)| {
            let platt = folds.map(|perm| platt::fit(&problem, &perm, kernel, self.tol, cache_bytes));
            let solution = smo::solve(&problem, kernel, self.tol, cache_bytes);
            (first, second, problem.rows, solution, platt)
        });
        // Support vectors: every row with a nonzero coefficient in some pair, grouped by class
        // (scikit-learn's `support_` order).
        let mut is_sv = vec![false; codes.len()];
        for (_, _, pair_rows, solution, _) in &solved {
            for (&row, &coef) in pair_rows.iter().zip(&solution.coef) {
                is_sv[row] |= coef != 0.0;
            }
        }
        let (mut sv_rows, mut sv_index) = (Vec::new(), vec![u32::MAX; codes.len()]);
        for &row in by_class.iter().flatten() {
            if is_sv[row] {
                sv_index[row] =
                    u32::try_from(sv_rows.len()).map_err(|_| invalid(E, "too many support vectors"))?;
                sv_rows.push(row);
            }
        }
        let pairs = solved
            .into_iter()
            .map(|(first, second, pair_rows, solution, platt)| {
                let (support, dual_coef) = pair_rows
                    .iter()
                    .zip(&solution.coef)
                    .filter(|(_, c)| **c != 0.0)
                    .map(|(&row, &c)| (sv_index[row], c))
                    .unzip();
                SvcPair { first, second, support, dual_coef, rho: solution.rho, platt }
            })
            .collect();
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
            for ((&value, pair), &platt) in d.iter().zip(&self.pairs).zip(&platts) {
                let p = sigmoid_predict(value, platt);
                r[pair.first][pair.second] = p;
                r[pair.second][pair.first] = 1.0 - p;
            }
            let p = couple(&r);
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
