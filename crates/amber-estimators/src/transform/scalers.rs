//! `StandardScaler` and `MinMaxScaler`: per-column affine maps learned from numeric columns.
//! Missing cells (`NaN`) are ignored when fitting and stay missing, as in scikit-learn.

use amber_data::{Column, Table};
use serde::{Deserialize, Serialize};

use crate::check::{invalid, param};
use crate::columns;
use crate::contract::{setters, Transformer, TransformerParams};
use crate::error::EstimatorError;

/// scikit-learn's `_handle_zeros_in_scale`: a scale of (nearly) zero becomes 1.
fn nonzero_scale(scale: f64) -> f64 {
    if scale < 10.0 * f64::EPSILON {
        1.0
    } else {
        scale
    }
}

/// Mean and population standard deviation of the values, computed as scikit-learn does, and again
/// on values divided by their largest magnitude when that overflows (values near ±f64::MAX);
/// `None` if even that is not finite.
fn mean_std(v: &[f64]) -> Option<(f64, f64)> {
    let n = v.len() as f64;
    let moments = |scale: f64| {
        let mean = v.iter().map(|x| x / scale).sum::<f64>() / n;
        let var = v.iter().map(|x| (x / scale - mean) * (x / scale - mean)).sum::<f64>() / n;
        (mean * scale, var.sqrt() * scale)
    };
    let (mean, std) = moments(1.0);
    if mean.is_finite() && std.is_finite() {
        return Some((mean, std));
    }
    let largest = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let (mean, std) = moments(largest);
    (mean.is_finite() && std.is_finite()).then_some((mean, std))
}

/// Column names and two statistics per column.
type ColumnStats = (Vec<String>, Vec<f64>, Vec<f64>);

/// Fits one statistic pair per column of `x` with `stat` (which sees the present values).
fn fit_columns(
    estimator: &'static str,
    x: &Table,
    stat: impl Fn(&[f64]) -> Result<(f64, f64), &'static str>,
) -> Result<ColumnStats, EstimatorError> {
    columns::fit_input(estimator, x)?;
    let (mut names, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
    for name in x.column_names() {
        let values: Vec<f64> = columns::present(columns::numeric(estimator, x, name)?).collect();
        if values.is_empty() {
            return Err(EstimatorError::AllMissing { estimator, name: name.clone() });
        }
        let (s, t) =
            stat(&values).map_err(|what| EstimatorError::Overflow { estimator, name: name.clone(), what })?;
        names.push(name.clone());
        a.push(s);
        b.push(t);
    }
    Ok((names, a, b))
}

/// Applies `f(column, value)` to every named numeric column; NaN stays NaN.
fn map_columns(
    estimator: &'static str,
    names: &[String],
    x: &Table,
    f: impl Fn(usize, f64) -> f64,
) -> Result<Table, EstimatorError> {
    let out = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let values = columns::numeric(estimator, x, name)?;
            Ok((name.clone(), Column::Numeric(values.iter().map(|&v| f(j, v)).collect())))
        })
        .collect::<Result<Vec<_>, EstimatorError>>()?;
    columns::table(estimator, out)
}

fn check_finite(estimator: &'static str, what: &str, values: &[f64]) -> Result<(), EstimatorError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(j) => Err(invalid(estimator, format!("{what}[{j}] is not finite"))),
        None => Ok(()),
    }
}

/// Hyperparameters of [`StandardScaler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScalerParams {
    /// Subtract the column mean (default `true`).
    pub with_mean: bool,
    /// Divide by the column's population standard deviation (default `true`).
    pub with_std: bool,
}

impl Default for StandardScalerParams {
    fn default() -> Self {
        StandardScalerParams { with_mean: true, with_std: true }
    }
}

impl StandardScalerParams {
    setters! {
        /// Sets `with_mean`.
        with_mean: bool,
        /// Sets `with_std`.
        with_std: bool,
    }
}

/// A fitted standard scaler: `z = (x - mean) / scale` per column.
///
/// ```
/// use amber_data::{Column, Table};
/// use amber_estimators::{StandardScaler, Transformer, TransformerParams};
///
/// let x = Table::new(vec![("a".into(), Column::Numeric(vec![1.0, 3.0]))])?;
/// let scaler = StandardScaler::params().fit(&x)?;
/// assert_eq!((scaler.mean[0], scaler.scale[0]), (2.0, 1.0));
/// let z = scaler.transform(&x)?;
/// assert_eq!(z.column("a")?.as_numeric().unwrap(), [-1.0, 1.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    /// The input columns, in order.
    pub columns: Vec<String>,
    /// Mean of each column's present values (subtracted only when `with_mean`).
    pub mean: Vec<f64>,
    /// Divisor of each column: the population standard deviation (1 where it is zero), or 1
    /// when `with_std` is off.
    pub scale: Vec<f64>,
    /// Whether the mean is subtracted.
    pub with_mean: bool,
}

impl StandardScaler {
    /// Default hyperparameters (`with_mean`, `with_std`).
    pub fn params() -> StandardScalerParams {
        StandardScalerParams::default()
    }
}

impl TransformerParams for StandardScalerParams {
    type Model = StandardScaler;

    fn validate(&self) -> Result<(), EstimatorError> {
        Ok(())
    }

    fn fit(&self, x: &Table) -> Result<StandardScaler, EstimatorError> {
        let with_std = self.with_std;
        let (columns, mean, scale) = fit_columns("StandardScaler", x, |v| {
            let (mean, std) = mean_std(v).ok_or("the standard deviation")?;
            Ok((mean, if with_std { nonzero_scale(std) } else { 1.0 }))
        })?;
        Ok(StandardScaler { columns, mean, scale, with_mean: self.with_mean })
    }
}

impl Transformer for StandardScaler {
    fn feature_names_in(&self) -> &[String] {
        &self.columns
    }
    fn feature_names_out(&self) -> Vec<String> {
        self.columns.clone()
    }
    fn transform(&self, x: &Table) -> Result<Table, EstimatorError> {
        map_columns("StandardScaler", &self.columns, x, |j, v| {
            let centered = if self.with_mean { v - self.mean.get(j).copied().unwrap_or(0.0) } else { v };
            centered / self.scale.get(j).copied().unwrap_or(1.0)
        })
    }
    fn validate(&self) -> Result<(), EstimatorError> {
        const E: &str = "StandardScaler";
        columns::fitted_columns(E, &self.columns, &[self.mean.len(), self.scale.len()])?;
        check_finite(E, "mean", &self.mean)?;
        check_finite(E, "scale", &self.scale)?;
        if self.scale.iter().any(|&s| s <= 0.0) {
            return Err(invalid(E, "every scale must be positive"));
        }
        Ok(())
    }
}

/// Hyperparameters of [`MinMaxScaler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScalerParams {
    /// The output range `(min, max)`, default `(0, 1)`.
    pub feature_range: (f64, f64),
}

impl Default for MinMaxScalerParams {
    fn default() -> Self {
        MinMaxScalerParams { feature_range: (0.0, 1.0) }
    }
}

impl MinMaxScalerParams {
    /// Sets the output range.
    pub fn feature_range(mut self, min: f64, max: f64) -> Self {
        self.feature_range = (min, max);
        self
    }
}

/// A fitted min-max scaler: `x * scale + min` per column, mapping the training range onto
/// `feature_range` (scikit-learn's `scale_` and `min_`).
///
/// ```
/// use amber_data::{Column, Table};
/// use amber_estimators::{MinMaxScaler, Transformer, TransformerParams};
///
/// let x = Table::new(vec![("a".into(), Column::Numeric(vec![2.0, 4.0, 3.0]))])?;
/// let z = MinMaxScaler::params().fit(&x)?.transform(&x)?;
/// assert_eq!(z.column("a")?.as_numeric().unwrap(), [0.0, 1.0, 0.5]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScaler {
    /// The input columns, in order.
    pub columns: Vec<String>,
    /// Multiplier of each column.
    pub scale: Vec<f64>,
    /// Offset added after scaling.
    pub min: Vec<f64>,
}

impl MinMaxScaler {
    /// Default hyperparameters (`feature_range = (0, 1)`).
    pub fn params() -> MinMaxScalerParams {
        MinMaxScalerParams::default()
    }
}

impl TransformerParams for MinMaxScalerParams {
    type Model = MinMaxScaler;

    fn validate(&self) -> Result<(), EstimatorError> {
        let (lo, hi) = self.feature_range;
        param(
            "MinMaxScaler",
            "feature_range",
            format!("({lo}, {hi})"),
            lo.is_finite() && hi.is_finite() && lo < hi,
            "must be two finite numbers, min < max",
        )
    }

    fn fit(&self, x: &Table) -> Result<MinMaxScaler, EstimatorError> {
        self.validate()?;
        let (lo, hi) = self.feature_range;
        let (columns, scale, min) = fit_columns("MinMaxScaler", x, |v| {
            let data_min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let data_max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            // max - min overflows for values near ±f64::MAX: halve both sides first.
            let range = data_max - data_min;
            let scale = if range.is_finite() {
                (hi - lo) / nonzero_scale(range)
            } else {
                ((hi - lo) / 2.0) / (data_max / 2.0 - data_min / 2.0)
            };
            let min = lo - data_min * scale;
            if !(scale.is_finite() && scale > 0.0 && min.is_finite()) {
                return Err("the scale");
            }
            Ok((scale, min))
        })?;
        Ok(MinMaxScaler { columns, scale, min })
    }
}

impl Transformer for MinMaxScaler {
    fn feature_names_in(&self) -> &[String] {
        &self.columns
    }
    fn feature_names_out(&self) -> Vec<String> {
        self.columns.clone()
    }
    fn transform(&self, x: &Table) -> Result<Table, EstimatorError> {
        map_columns("MinMaxScaler", &self.columns, x, |j, v| {
            v * self.scale.get(j).copied().unwrap_or(1.0) + self.min.get(j).copied().unwrap_or(0.0)
        })
    }
    fn validate(&self) -> Result<(), EstimatorError> {
        const E: &str = "MinMaxScaler";
        columns::fitted_columns(E, &self.columns, &[self.scale.len(), self.min.len()])?;
        check_finite(E, "scale", &self.scale)?;
        check_finite(E, "min", &self.min)?;
        if self.scale.contains(&0.0) {
            return Err(invalid(E, "every scale must be non-zero"));
        }
        Ok(())
    }
}
