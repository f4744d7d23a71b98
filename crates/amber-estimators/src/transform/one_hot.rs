//! `OneHotEncoder`: one 0/1 column per category of each categorical column.

use amber_data::{Column, Table};
use serde::{Deserialize, Serialize};

use crate::check::invalid;
use crate::columns;
use crate::contract::{setters, Transformer, TransformerParams};
use crate::error::EstimatorError;

const E: &str = "OneHotEncoder";

/// What to do with a category not seen during fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandleUnknown {
    /// [`EstimatorError::UnknownCategory`] (the default).
    #[default]
    Error,
    /// All of the column's outputs are 0.
    Ignore,
}

/// Which category, if any, gets no output column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Drop {
    /// Keep every category (the default).
    #[default]
    None,
    /// Drop the first (smallest) category of every column.
    First,
    /// Drop the first category of columns with exactly two categories.
    IfBinary,
}

/// Hyperparameters of [`OneHotEncoder`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OneHotEncoderParams {
    /// Unknown categories at transform time.
    pub handle_unknown: HandleUnknown,
    /// Dropped categories.
    pub drop: Drop,
}

impl OneHotEncoderParams {
    setters! {
        /// Sets `handle_unknown`.
        handle_unknown: HandleUnknown,
        /// Sets `drop`.
        drop: Drop,
    }
}

/// A fitted one-hot encoder. Output columns are named `column=category`, in column order and then
/// category order (sorted), without the dropped ones. Missing cells are an error: impute first.
///
/// ```
/// use amber_data::{Column, Table};
/// use amber_estimators::{OneHotEncoder, Transformer, TransformerParams};
///
/// let x = Table::new(vec![("contract".into(), Column::Categorical(vec![
///     Some("Two year".into()), Some("Month-to-month".into()),
/// ]))])?;
/// let enc = OneHotEncoder::params().fit(&x)?;
/// assert_eq!(enc.feature_names_out(), ["contract=Month-to-month", "contract=Two year"]);
/// let z = enc.transform(&x)?;
/// assert_eq!(z.column("contract=Two year")?.as_numeric().unwrap(), [1.0, 0.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneHotEncoder {
    /// The input columns, in order.
    pub columns: Vec<String>,
    /// The sorted categories of each column.
    pub categories: Vec<Vec<String>>,
    /// The index of each column's dropped category, if any.
    pub dropped: Vec<Option<usize>>,
    /// Unknown categories at transform time.
    pub handle_unknown: HandleUnknown,
}

impl OneHotEncoder {
    /// Default hyperparameters.
    pub fn params() -> OneHotEncoderParams {
        OneHotEncoderParams::default()
    }

    /// The `(column, category index)` of every output column.
    fn outputs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.categories.iter().zip(&self.dropped).enumerate().flat_map(|(j, (cats, dropped))| {
            (0..cats.len()).filter(move |c| Some(*c) != *dropped).map(move |c| (j, c))
        })
    }
}

impl TransformerParams for OneHotEncoderParams {
    type Model = OneHotEncoder;

    fn validate(&self) -> Result<(), EstimatorError> {
        Ok(())
    }

    fn fit(&self, x: &Table) -> Result<OneHotEncoder, EstimatorError> {
        columns::fit_input(E, x)?;
        let mut categories = Vec::with_capacity(x.n_cols());
        for name in x.column_names() {
            let values = columns::categorical(E, x, name)?;
            if let Some(row) = values.iter().position(Option::is_none) {
                return Err(EstimatorError::MissingValue { estimator: E, name: name.clone(), row });
            }
            let column = columns::get(E, x, name)?;
            categories.push(column.categories().into_iter().map(str::to_string).collect());
        }
        let dropped = categories
            .iter()
            .map(|c: &Vec<String>| match self.drop {
                Drop::None => None,
                Drop::First => Some(0),
                Drop::IfBinary => (c.len() == 2).then_some(0),
            })
            .collect();
        Ok(OneHotEncoder {
            columns: x.column_names().to_vec(),
            categories,
            dropped,
            handle_unknown: self.handle_unknown,
        })
    }
}

impl Transformer for OneHotEncoder {
    fn feature_names_in(&self) -> &[String] {
        &self.columns
    }

    fn feature_names_out(&self) -> Vec<String> {
        self.outputs()
            .map(|(j, c)| {
                let column = self.columns.get(j).map_or("", String::as_str);
                let category = self.categories.get(j).and_then(|cs| cs.get(c)).map_or("", String::as_str);
                format!("{column}={category}")
            })
            .collect()
    }

    fn transform(&self, x: &Table) -> Result<Table, EstimatorError> {
        // Category index of every cell, column by column (None = unknown and ignored).
        let mut codes: Vec<Vec<Option<usize>>> = Vec::with_capacity(self.columns.len());
        for (name, cats) in self.columns.iter().zip(&self.categories) {
            let values = columns::categorical(E, x, name)?;
            let mut col = Vec::with_capacity(values.len());
            for (row, v) in values.iter().enumerate() {
                let v = v.as_deref().ok_or_else(|| EstimatorError::MissingValue {
                    estimator: E,
                    name: name.clone(),
                    row,
                })?;
                let code = amber_data::category_index(cats, v);
                if code.is_none() && self.handle_unknown == HandleUnknown::Error {
                    return Err(EstimatorError::UnknownCategory {
                        estimator: E,
                        name: name.clone(),
                        row,
                        value: amber_data::excerpt(v),
                    });
                }
                col.push(code);
            }
            codes.push(col);
        }
        let out = self
            .feature_names_out()
            .into_iter()
            .zip(self.outputs())
            .map(|(name, (j, c))| {
                let col = codes.get(j).map_or(&[][..], Vec::as_slice);
                (name, Column::Numeric(col.iter().map(|&k| if k == Some(c) { 1.0 } else { 0.0 }).collect()))
            })
            .collect();
        columns::table(E, out)
    }

    fn validate(&self) -> Result<(), EstimatorError> {
        columns::fitted_columns(E, &self.columns, &[self.categories.len(), self.dropped.len()])?;
        for (j, (cats, dropped)) in self.categories.iter().zip(&self.dropped).enumerate() {
            if cats.is_empty() || cats.windows(2).any(|w| w[0] >= w[1]) {
                return Err(invalid(
                    E,
                    format!("categories of column {j} must be non-empty, sorted and distinct"),
                ));
            }
            if dropped.is_some_and(|d| d >= cats.len()) {
                return Err(invalid(E, format!("dropped category of column {j} is out of range")));
            }
        }
        Ok(())
    }
}
