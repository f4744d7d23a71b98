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

#[cfg(test)]
mod tests {
    use super::binomial;

    /// `log(1 + eˣ) − y·x` and `σ(x) − y` from their definitions, in the forms without
    /// cancellation: for `y = 1` they are `log(1 + e⁻ˣ)` and `−σ(−x)`.
    fn reference(y: f64, x: f64) -> (f64, f64) {
        let softplus = |z: f64| if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
        let sigmoid = |z: f64| if z >= 0.0 { 1.0 / (1.0 + (-z).exp()) } else { z.exp() / (1.0 + z.exp()) };
        if y == 1.0 {
            (softplus(-x), -sigmoid(-x))
        } else {
            (softplus(x), sigmoid(x))
        }
    }

    /// Each of scikit-learn's four branches (and their edges) gives the loss and gradient of the
    /// math, for both labels.
    #[test]
    fn the_binomial_loss_and_gradient_are_the_maths_in_every_branch() {
        for x in [-60.0, -37.0, -36.5, -20.0, -2.0, -1.5, 0.0, 0.7, 5.0, 18.0, 18.5, 40.0, 800.0] {
            for y in [0.0, 1.0] {
                let (loss, grad) = binomial(y, x);
                let (want_loss, want_grad) = reference(y, x);
                let close = |a: f64, b: f64, rel: f64| (a - b).abs() <= rel * b.abs() + 1e-300;
                // The loss beyond x = 18 is scikit-learn's `log1p(e) ≈ e`, off by at most
                // e⁻¹⁸ / 2 ≈ 7.6e-9 relative; everything else is exact to rounding.
                let rel = if x > 18.0 { 1e-8 } else { 1e-15 };
                assert!(close(loss, want_loss, rel), "loss at y = {y}, x = {x}: {loss:e} vs {want_loss:e}");
                assert!(
                    close(grad, want_grad, 1e-15),
                    "gradient at y = {y}, x = {x}: {grad:e} vs {want_grad:e}"
                );
            }
        }
    }
}
