//! [`InputSchema`]: what a fitted pipeline expects of its input, recorded at fit time and checked
//! before every prediction.

use std::sync::Arc;

use amber_data::{Column, ColumnKind, CsvOptions, Table};
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
    /// Categorical columns with categories not seen in training, in schema order. An encoder
    /// with `HandleUnknown::Ignore` (the `standard()` preset) encodes them as all zeros, which
    /// is not an error: this is how a caller learns of it and can warn.
    pub unseen_categories: Vec<UnseenCategories>,
}

/// Cells of one categorical column whose category was not seen in training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnseenCategories {
    /// The column.
    pub column: String,
    /// How many cells.
    pub count: usize,
    /// The first rows (0-based) with such a cell, at most [`UnseenCategories::MAX_ROWS`].
    pub rows: Vec<usize>,
}

impl UnseenCategories {
    /// How many rows are listed at most.
    pub const MAX_ROWS: usize = 10;
}

/// The unseen cells of a categorical column, if any (`categories` sorted, as recorded).
fn unseen(name: &str, column: &Column, categories: Option<&Vec<String>>) -> Option<UnseenCategories> {
    let (Column::Categorical(cells), Some(categories)) = (column, categories) else { return None };
    let mut found = UnseenCategories { column: name.to_string(), count: 0, rows: Vec::new() };
    for (row, cell) in cells.iter().enumerate() {
        if let Some(text) = cell {
            if amber_data::category_index(categories, text).is_none() {
                found.count += 1;
                if found.rows.len() < UnseenCategories::MAX_ROWS {
                    found.rows.push(row);
                }
            }
        }
    }
    (found.count > 0).then_some(found)
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
                    Column::Categorical(_) => {
                        (Some(column.categories().into_iter().map(str::to_string).collect()), None)
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

    /// CSV options that read each of the schema's columns as the kind it had in training, so that
    /// new rows are read as the model expects instead of re-inferred (a 1-row file whose `sex`
    /// is `NA` is still a categorical column with a missing cell).
    ///
    /// ```
    /// use amber_data::Table;
    /// use amber_estimators::LogisticRegression;
    /// use amber_pipeline::{ColumnTransformer, Pipeline};
    ///
    /// let penguins = amber_data::datasets::penguins()?.table;
    /// let model = Pipeline::new()
    ///     .transformer("pre", ColumnTransformer::standard())
    ///     .classifier("classifier", LogisticRegression::params().max_iter(500))
    ///     .fit(&penguins, "species")?;
    /// let csv = "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\n\
    ///            Biscoe,45.2,14.8,212,5200,NA,2009\n";
    /// let rows = Table::from_csv_str(csv, &model.schema.csv_options())?;
    /// assert_eq!(model.predict(&rows)?, ["Gentoo"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn csv_options(&self) -> CsvOptions {
        self.columns.iter().fold(CsvOptions::default(), |o, c| o.column_kind(&c.name, c.kind))
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
        let mut unseen_categories = Vec::new();
        for c in &self.columns {
            let position = x
                .column_index(&c.name)
                .ok_or_else(|| PipelineError::MissingColumn { name: c.name.clone() })?;
            positions.push(position);
            let column = conform_column(c, x.shared_column(&c.name)?, numbers_as_categories)?;
            let missing = match &*column {
                Column::Numeric(v) => v.iter().position(|v| v.is_nan()),
                Column::Categorical(v) => v.iter().position(Option::is_none),
            };
            if let (Some(row), false) = (missing, c.allows_missing) {
                return Err(PipelineError::MissingValue { name: c.name.clone(), row });
            }
            if let Column::Numeric(v) = &*column {
                if let Some((row, &value)) = v.iter().enumerate().find(|(_, v)| v.is_infinite()) {
                    return Err(PipelineError::NonFinite { name: c.name.clone(), row, value });
                }
            }
            unseen_categories.extend(unseen(&c.name, &column, c.categories.as_ref()));
            out.push((c.name.clone(), column));
        }
        let needed: std::collections::HashSet<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        let report = InputReport {
            extra_columns: x
                .column_names()
                .iter()
                .filter(|n| !needed.contains(n.as_str()))
                .cloned()
                .collect(),
            reordered: positions.windows(2).any(|w| w[0] > w[1]),
            unseen_categories,
        };
        Ok((Table::from_shared(out)?, report))
    }
}

/// One input column converted to the training kind.
fn conform_column(
    schema: &ColumnSchema,
    column: Arc<Column>,
    numbers_as_categories: bool,
) -> Result<Arc<Column>, PipelineError> {
    let converted = match (schema.kind, &*column) {
        (ColumnKind::Numeric, Column::Numeric(_)) | (ColumnKind::Categorical, Column::Categorical(_)) => {
            return Ok(column)
        }
        (ColumnKind::Numeric, Column::Categorical(cells)) => cells
            .iter()
            .enumerate()
            .map(|(row, cell)| match cell {
                None => Ok(f64::NAN),
                Some(text) => text.trim().parse::<f64>().map_err(|_| PipelineError::TextInNumericColumn {
                    name: schema.name.clone(),
                    row,
                    value: amber_data::excerpt(text),
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
    };
    converted.map(Arc::new)
}
