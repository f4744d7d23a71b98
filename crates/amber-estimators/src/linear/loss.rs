//! scikit-learn's logistic regression objective (`LinearModelLoss` with `HalfBinomialLoss` or
//! `HalfMultinomialLoss`): the weighted mean log-loss plus `½·λ·‖W‖²`, `λ = 1 / (C · Σw)`, the
//! intercept not penalized.
//!
//! The parameters are one vector, feature-major: entry `f·k + c` is the coefficient of feature `f`
//! for output `c` (`k` = 1 for two classes, else one output per class), and the intercepts, when
//! fitted, are the last `k` entries — the order of scikit-learn's `ravel(order="F")`.

use amber_data::random::numpy_sum;
use ndarray::{s, ArrayView2, ArrayViewMut2, Axis};

/// The objective of one fit.
pub(crate) struct Objective<'a> {
    pub x: ArrayView2<'a, f64>,
    /// The class code of each row (for two classes: 0 or 1, 1 the positive class).
    pub codes: &'a [usize],
    /// Row weights (`None`: one each).
    pub weights: Option<&'a [f64]>,
    /// Outputs: 1 for two classes, else the number of classes.
    pub outputs: usize,
    pub fit_intercept: bool,
    /// The L2 strength `λ = 1 / (C · Σw)`.
    pub l2: f64,
    /// `Σw` (the number of rows when unweighted).
    pub weight_sum: f64,
}

/// `log(1 + eˣ)` and its derivative `σ(x)` minus `y`, for the label `y ∈ {0, 1}`, by scikit-learn's
/// `closs_grad_half_binomial` branches.
fn binomial(y: f64, raw: f64) -> (f64, f64) {
    if raw <= -37.0 {
        let e = raw.exp();
        (e - y * raw, e - y)
    } else if raw <= -2.0 {
        let e = raw.exp();
        (e.ln_1p() - y * raw, ((1.0 - y) * e - y) / (1.0 + e))
    } else if raw <= 18.0 {
        let e = (-raw).exp();
        (e.ln_1p() + (1.0 - y) * raw, ((1.0 - y) - y * e) / (1.0 + e))
    } else {
        let e = (-raw).exp();
        (e + (1.0 - y) * raw, ((1.0 - y) - y * e) / (1.0 + e))
    }
}

impl Objective<'_> {
    /// The number of parameters.
    pub fn n_params(&self) -> usize {
        (self.x.ncols() + usize::from(self.fit_intercept)) * self.outputs
    }

    /// The objective at `w`, its gradient written to `grad` (both [`Objective::n_params`] long;
    /// NaN otherwise).
    pub fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        let (n, p, k) = (self.x.nrows(), self.x.ncols(), self.outputs);
        let rows = p + usize::from(self.fit_intercept);
        let (Ok(w), Ok(mut out)) =
            (ArrayView2::from_shape((rows, k), w), ArrayViewMut2::from_shape((rows, k), grad))
        else {
            return f64::NAN;
        };
        let coef = w.slice(s![..p, ..]);
        // Two classes: matrix-vector products (a matrix product would repack `x` every call).
        let mut raw =
            if k == 1 { self.x.dot(&coef.column(0)).insert_axis(Axis(1)) } else { self.x.dot(&coef) };
        if self.fit_intercept {
            raw += &w.row(p);
        }
        // Per row: the loss, and the pointwise gradient in place of `raw`.
        let mut losses = vec![0.0; n];
        let mut exps = vec![0.0; k];
        for (i, (mut row, loss)) in raw.rows_mut().into_iter().zip(&mut losses).enumerate() {
            let code = self.codes.get(i).copied().unwrap_or(0);
            let sw = self.weights.and_then(|w| w.get(i)).copied();
            if k == 1 {
                let (l, g) = binomial(code as f64, row[0]);
                *loss = l;
                row[0] = g;
            } else {
                let max = row.iter().skip(1).fold(row[0], |m, &v| if m < v { v } else { m });
                let mut sum = 0.0;
                for (e, &r) in exps.iter_mut().zip(row.iter()) {
                    *e = (r - max).exp();
                    sum += *e;
                }
                *loss = sum.ln() + max;
                for (c, (r, e)) in row.iter_mut().zip(&exps).enumerate() {
                    if c == code {
                        *loss -= *r;
                    }
                    *r = e / sum - if c == code { 1.0 } else { 0.0 };
                }
            }
            if let Some(sw) = sw {
                row.mapv_inplace(|g| g * sw);
                *loss *= sw;
            }
        }
        let coef_sq: f64 = coef.iter().map(|c| c * c).sum();
        let value = numpy_sum(&losses) / self.weight_sum + 0.5 * self.l2 * coef_sq;
        raw.mapv_inplace(|g| g / self.weight_sum);
        let mut coef_grad =
            if k == 1 { self.x.t().dot(&raw.column(0)).insert_axis(Axis(1)) } else { self.x.t().dot(&raw) };
        coef_grad.scaled_add(self.l2, &coef);
        out.slice_mut(s![..p, ..]).assign(&coef_grad);
        if self.fit_intercept {
            out.row_mut(p).assign(&raw.sum_axis(Axis(0)));
        }
        value
    }
}
