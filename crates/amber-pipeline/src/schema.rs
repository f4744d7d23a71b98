//! [`InputSchema`]: what a fitted pipeline expects of its input, recorded at fit time and checked
//! before every prediction.

use amber_data::{Column, ColumnKind, Table};
use serde::{Deserialize, Serialize};

use crate::error::PipelineError;

/// Training statistics of a numeric column (over present values), for drift checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericStats {
    /// Present values.
    pub count: usize,
    /// Missing values.
    pub missing: usize,
    /// Mean.
    pub mean: f64,
    /// Population standard deviation.
    pub std: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// One input column as seen in training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnSchema {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ColumnKind,
    /// Whether an imputer fills its missing cells (else a missing cell is an input error).
    pub allows_missing: bool,
    /// The sorted categories seen (categorical columns).
    pub categories: Option<Vec<String>>,
    /// Statistics (numeric columns).
    pub stats: Option<NumericStats>,
}

/// The columns a fitted pipeline reads, in training order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSchema {
    /// The columns.
    pub columns: Vec<ColumnSchema>,
}

/// What [`InputSchema::check`] noticed without failing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputReport {
    /// Input columns the pipeline does not read (ignored).
    pub extra_columns: Vec<String>,
    /// Whether the needed columns came in another order than in training (matched by name).
    pub reordered: bool,
}

fn stats(values: &[f64]) -> NumericStats {
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = present.len() as f64;
    let mean = present.iter().sum::<f64>() / n;
    let var = present.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    NumericStats {
        count: present.len(),
        missing: values.len() - present.len(),
        mean,
        std: var.sqrt(),
        min: present.iter().copied().fold(f64::INFINITY, f64::min),
        max: present.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    }
}

impl InputSchema {
    /// The schema of the columns `names` of the training table `x`.
    pub(crate) fn record(x: &Table, names: &[String], imputed: &[String]) -> Result<Self, PipelineError> {
        let columns = names
            .iter()
            .map(|name| {
                let column = x.column(name)?;
                let (categories, stats) = match column {
                    Column::Numeric(v) => (None, Some(stats(v))),
                    Column::Categorical(v) => {
                        let mut cats: Vec<String> = v.iter().flatten().cloned().collect();
                        cats.sort();
                        cats.dedup();
                        (Some(cats), None)
                    }
                };
                Ok(ColumnSchema {
                    name: name.clone(),
                    kind: column.kind(),
                    allows_missing: imputed.contains(name),
                    categories,
                    stats,
                })
            })
            .collect::<Result<_, PipelineError>>()?;
        Ok(InputSchema { columns })
    }

    /// Column names in training order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// Checks `x` against the schema without converting it: every needed column present, kinds
    /// compatible, no missing cell where no imputer covers it, no infinity.
    pub fn check(&self, x: &Table, numbers_as_categories: bool) -> Result<InputReport, PipelineError> {
        self.conform(x, numbers_as_categories).map(|(_, report)| report)
    }

    /// The needed columns of `x`, in training order and of the training kinds (numbers written as
    /// text become numbers; numbers become text only if `numbers_as_categories`), after the
    /// checks of [`InputSchema::check`].
    pub(crate) fn conform(
        &self,
        x: &Table,
        numbers_as_categories: bool,
    ) -> Result<(Table, InputReport), PipelineError> {
        let mut out = Vec::with_capacity(self.columns.len());
        let mut positions = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let position = x
                .column_index(&c.name)
                .ok_or_else(|| PipelineError::MissingColumn { name: c.name.clone() })?;
            positions.push(position);
            let column = conform_column(c, x.column(&c.name)?, numbers_as_categories)?;
            let missing = match &column {
                Column::Numeric(v) => v.iter().position(|v| v.is_nan()),
                Column::Categorical(v) => v.iter().position(Option::is_none),
            };
            if let (Some(row), false) = (missing, c.allows_missing) {
                return Err(PipelineError::MissingValue { name: c.name.clone(), row });
            }
            if let Column::Numeric(v) = &column {
                if let Some((row, &value)) = v.iter().enumerate().find(|(_, v)| v.is_infinite()) {
                    return Err(PipelineError::NonFinite { name: c.name.clone(), row, value });
                }
            }
            out.push((c.name.clone(), column));
        }
        let report = InputReport {
            extra_columns: x
                .column_names()
                .iter()
                .filter(|n| !self.columns.iter().any(|c| &c.name == *n))
                .cloned()
                .collect(),
            reordered: positions.windows(2).any(|w| w[0] > w[1]),
        };
        Ok((Table::new(out)?, report))
    }
}

/// One input column converted to the training kind.
fn conform_column(
    schema: &ColumnSchema,
    column: &Column,
    numbers_as_categories: bool,
) -> Result<Column, PipelineError> {
    match (schema.kind, column) {
        (ColumnKind::Numeric, Column::Numeric(_)) | (ColumnKind::Categorical, Column::Categorical(_)) => {
            Ok(column.clone())
        }
        (ColumnKind::Numeric, Column::Categorical(cells)) => cells
            .iter()
            .enumerate()
            .map(|(row, cell)| match cell {
                None => Ok(f64::NAN),
                Some(text) => text.trim().parse::<f64>().map_err(|_| PipelineError::TextInNumericColumn {
                    name: schema.name.clone(),
                    row,
                    value: text.clone(),
                }),
            })
            .collect::<Result<Vec<f64>, _>>()
            .map(Column::Numeric),
        (ColumnKind::Categorical, Column::Numeric(values)) if numbers_as_categories => {
            Ok(Column::Categorical(values.iter().map(|v| (!v.is_nan()).then(|| format!("{v}"))).collect()))
        }
        (ColumnKind::Categorical, Column::Numeric(_)) => {
            Err(PipelineError::NumbersInCategoricalColumn { name: schema.name.clone() })
        }
    }
}
