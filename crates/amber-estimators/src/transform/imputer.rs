//! `SimpleImputer`: fills missing cells with a per-column value learned from the data.

use std::sync::Arc;

use amber_data::{Column, Table};
use serde::{Deserialize, Serialize};

use crate::check::invalid;
use crate::columns;
use crate::contract::{setters, Transformer, TransformerParams};
use crate::error::EstimatorError;

const E: &str = "SimpleImputer";

/// What to fill missing cells with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImputeStrategy {
    /// Mean of the present values (numeric columns only).
    Mean,
    /// Median of the present values (numeric columns only).
    Median,
    /// The most frequent present value; the smallest one on ties (numeric or categorical).
    MostFrequent,
    /// A constant: [`SimpleImputerParams::fill_number`] or [`SimpleImputerParams::fill_text`].
    Constant,
}

/// Hyperparameters of [`SimpleImputer`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleImputerParams {
    /// The strategy (default `Mean`).
    pub strategy: ImputeStrategy,
    /// The constant for numeric columns with `Constant` (default 0, as scikit-learn).
    pub fill_number: f64,
    /// The constant for categorical columns with `Constant` (default `"missing_value"`, as scikit-learn).
    pub fill_text: String,
}

impl Default for SimpleImputerParams {
    fn default() -> Self {
        SimpleImputerParams {
            strategy: ImputeStrategy::Mean,
            fill_number: 0.0,
            fill_text: "missing_value".to_string(),
        }
    }
}

impl SimpleImputerParams {
    setters! {
        /// Sets the strategy.
        strategy: ImputeStrategy,
    }
    /// Sets the numeric constant (and selects `Constant`).
    pub fn fill_number(mut self, value: f64) -> Self {
        self.strategy = ImputeStrategy::Constant;
        self.fill_number = value;
        self
    }
    /// Sets the text constant (and selects `Constant`).
    pub fn fill_text(mut self, value: impl Into<String>) -> Self {
        self.strategy = ImputeStrategy::Constant;
        self.fill_text = value.into();
        self
    }
}

/// The value a column's missing cells get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillValue {
    /// For a numeric column.
    Number(f64),
    /// For a categorical column.
    Text(String),
}

/// A fitted imputer: one fill value per column, of the column's kind.
///
/// ```
/// use amber_data::{Column, Table};
/// use amber_estimators::{FillValue, ImputeStrategy, SimpleImputer, Transformer, TransformerParams};
///
/// let x = Table::new(vec![("a".into(), Column::Numeric(vec![1.0, f64::NAN, 5.0, 2.0]))])?;
/// let imputer = SimpleImputer::params().strategy(ImputeStrategy::Median).fit(&x)?;
/// assert_eq!(imputer.fill, [FillValue::Number(2.0)]);
/// assert_eq!(imputer.transform(&x)?.column("a")?.n_missing(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleImputer {
    /// The input columns, in order.
    pub columns: Vec<String>,
    /// The fill value of each column.
    pub fill: Vec<FillValue>,
}

impl SimpleImputer {
    /// Default hyperparameters (`strategy = Mean`).
    pub fn params() -> SimpleImputerParams {
        SimpleImputerParams::default()
    }
}

/// The most frequent item of an ascending slice: the first longest run, so the smallest value on
/// ties (scikit-learn's rule).
fn most_frequent<T: PartialEq>(sorted: &[T]) -> Option<&T> {
    let mut best: Option<(&T, usize)> = None;
    for run in sorted.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| run.len() > n) {
            best = run.first().map(|v| (v, run.len()));
        }
    }
    best.map(|(v, _)| v)
}

fn numeric_fill(
    strategy: ImputeStrategy,
    fill: f64,
    values: &[f64],
    name: &str,
) -> Result<f64, EstimatorError> {
    let mut present: Vec<f64> = columns::present(values).collect();
    let all_missing = || EstimatorError::AllMissing { estimator: E, name: name.to_string() };
    if strategy == ImputeStrategy::Constant {
        return Ok(fill);
    }
    if present.is_empty() {
        return Err(all_missing());
    }
    present.sort_unstable_by(f64::total_cmp);
    Ok(match strategy {
        ImputeStrategy::Mean => present.iter().sum::<f64>() / present.len() as f64,
        ImputeStrategy::Median => {
            let mid = present.len() / 2;
            let upper = present.get(mid).copied().unwrap_or(f64::NAN);
            if present.len() % 2 == 1 {
                upper
            } else {
                (present.get(mid - 1).copied().unwrap_or(f64::NAN) + upper) / 2.0
            }
        }
        ImputeStrategy::MostFrequent => most_frequent(&present).copied().unwrap_or(f64::NAN),
        ImputeStrategy::Constant => fill,
    })
}

impl TransformerParams for SimpleImputerParams {
    type Model = SimpleImputer;

    fn validate(&self) -> Result<(), EstimatorError> {
        crate::check::param(
            E,
            "fill_number",
            self.fill_number,
            self.fill_number.is_finite(),
            "must be finite",
        )
    }

    fn fit(&self, x: &Table) -> Result<SimpleImputer, EstimatorError> {
        self.validate()?;
        columns::fit_input(E, x)?;
        let mut fill = Vec::with_capacity(x.n_cols());
        for (name, column) in x.columns() {
            fill.push(match column {
                Column::Numeric(_) => {
                    let values = columns::numeric(E, x, name)?;
                    FillValue::Number(numeric_fill(self.strategy, self.fill_number, values, name)?)
                }
                Column::Categorical(values) => FillValue::Text(match self.strategy {
                    ImputeStrategy::Constant => self.fill_text.clone(),
                    ImputeStrategy::MostFrequent => {
                        // Counted by value in sorted order: the first of the most frequent wins.
                        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
                        for v in values.iter().flatten() {
                            *counts.entry(v.as_str()).or_default() += 1;
                        }
                        let best =
                            counts.iter().fold(None, |best: Option<(&str, usize)>, (&v, &n)| match best {
                                Some((_, m)) if m >= n => best,
                                _ => Some((v, n)),
                            });
                        best.map(|(v, _)| v.to_string()).ok_or_else(|| EstimatorError::AllMissing {
                            estimator: E,
                            name: name.to_string(),
                        })?
                    }
                    ImputeStrategy::Mean | ImputeStrategy::Median => {
                        return Err(EstimatorError::WrongColumnKind {
                            estimator: E,
                            name: name.to_string(),
                            expected: "numeric (for strategy mean or median)",
                            found: "categorical",
                        })
                    }
                }),
            });
        }
        Ok(SimpleImputer { columns: x.column_names().to_vec(), fill })
    }
}

impl Transformer for SimpleImputer {
    fn feature_names_in(&self) -> &[String] {
        &self.columns
    }
    fn feature_names_out(&self) -> Vec<String> {
        self.columns.clone()
    }
    fn transform(&self, x: &Table) -> Result<Table, EstimatorError> {
        let out = self
            .columns
            .iter()
            .zip(&self.fill)
            .map(|(name, fill)| {
                // A column with nothing to fill is handed on as it is.
                let filled = match fill {
                    FillValue::Number(f) => {
                        let values = columns::numeric(E, x, name)?;
                        values.iter().any(|v| v.is_nan()).then(|| {
                            Column::Numeric(values.iter().map(|&v| if v.is_nan() { *f } else { v }).collect())
                        })
                    }
                    FillValue::Text(f) => {
                        let values = columns::categorical(E, x, name)?;
                        values.iter().any(Option::is_none).then(|| {
                            Column::Categorical(
                                values.iter().map(|v| Some(v.clone().unwrap_or_else(|| f.clone()))).collect(),
                            )
                        })
                    }
                };
                let column = match filled {
                    Some(c) => Arc::new(c),
                    None => columns::shared(E, x, name)?,
                };
                Ok((name.clone(), column))
            })
            .collect::<Result<Vec<_>, EstimatorError>>()?;
        columns::shared_table(E, out)
    }
    fn validate(&self) -> Result<(), EstimatorError> {
        columns::fitted_columns(E, &self.columns, &[self.fill.len()])?;
        match self.fill.iter().position(|f| matches!(f, FillValue::Number(v) if !v.is_finite())) {
            Some(j) => Err(invalid(E, format!("fill value of column {j} is not finite"))),
            None => Ok(()),
        }
    }
}
