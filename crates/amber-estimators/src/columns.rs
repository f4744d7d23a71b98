//! Reading the columns a transformer works on out of a [`Table`], with named errors.

use std::sync::Arc;

use amber_data::{Column, Table};

use crate::error::EstimatorError;

/// Kind of a column, as written in error messages.
pub(crate) fn kind_name(column: &Column) -> &'static str {
    match column {
        Column::Numeric(_) => "numeric",
        Column::Categorical(_) => "categorical",
    }
}

/// The column called `name`, or [`EstimatorError::MissingColumn`].
pub(crate) fn get<'t>(
    estimator: &'static str,
    x: &'t Table,
    name: &str,
) -> Result<&'t Column, EstimatorError> {
    x.column(name).map_err(|_| EstimatorError::MissingColumn { estimator, name: name.to_string() })
}

/// The column called `name`, shared with `x` (no cell copied), or [`EstimatorError::MissingColumn`].
pub(crate) fn shared(estimator: &'static str, x: &Table, name: &str) -> Result<Arc<Column>, EstimatorError> {
    x.shared_column(name).map_err(|_| EstimatorError::MissingColumn { estimator, name: name.to_string() })
}

/// The numeric column called `name`: present, numeric, and without ±inf (NaN = missing is allowed).
pub(crate) fn numeric<'t>(
    estimator: &'static str,
    x: &'t Table,
    name: &str,
) -> Result<&'t [f64], EstimatorError> {
    let column = get(estimator, x, name)?;
    let values = column.as_numeric().ok_or_else(|| EstimatorError::WrongColumnKind {
        estimator,
        name: name.to_string(),
        expected: "numeric",
        found: kind_name(column),
    })?;
    if let Some((row, &value)) = values.iter().enumerate().find(|(_, v)| v.is_infinite()) {
        return Err(EstimatorError::NonFinite { estimator, row, column: name.to_string(), value });
    }
    Ok(values)
}

/// The categorical column called `name`.
pub(crate) fn categorical<'t>(
    estimator: &'static str,
    x: &'t Table,
    name: &str,
) -> Result<&'t [Option<String>], EstimatorError> {
    let column = get(estimator, x, name)?;
    column.as_categorical().ok_or_else(|| EstimatorError::WrongColumnKind {
        estimator,
        name: name.to_string(),
        expected: "categorical",
        found: kind_name(column),
    })
}

/// The input checks every transformer's `fit` makes: at least one row and one column.
pub(crate) fn fit_input(estimator: &'static str, x: &Table) -> Result<(), EstimatorError> {
    if x.n_rows() == 0 || x.n_cols() == 0 {
        return Err(EstimatorError::EmptyInput { estimator, rows: x.n_rows(), cols: x.n_cols() });
    }
    Ok(())
}

/// Builds the output table; names come from the fitted transformer, so they are distinct and
/// the columns equally long.
pub(crate) fn table(
    estimator: &'static str,
    columns: Vec<(String, Column)>,
) -> Result<Table, EstimatorError> {
    shared_table(estimator, columns.into_iter().map(|(n, c)| (n, Arc::new(c))).collect())
}

/// [`table`] from shared columns.
pub(crate) fn shared_table(
    estimator: &'static str,
    columns: Vec<(String, Arc<Column>)>,
) -> Result<Table, EstimatorError> {
    Table::from_shared(columns).map_err(|e| EstimatorError::InvalidModel { estimator, reason: e.to_string() })
}

/// The present (non-NaN) values of a numeric column.
pub(crate) fn present(values: &[f64]) -> impl Iterator<Item = f64> + '_ {
    values.iter().copied().filter(|v| !v.is_nan())
}

/// Checks a fitted transformer's per-column vectors: one entry per input column, names distinct
/// and non-empty.
pub(crate) fn fitted_columns(
    estimator: &'static str,
    names: &[String],
    lens: &[usize],
) -> Result<(), EstimatorError> {
    if names.is_empty() {
        return Err(crate::check::invalid(estimator, "no input columns"));
    }
    if let Some(len) = lens.iter().find(|&&l| l != names.len()) {
        return Err(crate::check::invalid(
            estimator,
            format!("{} input columns but a per-column vector of length {len}", names.len()),
        ));
    }
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    if sorted.windows(2).any(|w| w[0] == w[1]) || names.iter().any(|n| n.is_empty()) {
        return Err(crate::check::invalid(estimator, "input column names must be distinct and non-empty"));
    }
    Ok(())
}
