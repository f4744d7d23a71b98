//! [`Table`]: named, typed columns of equal length.

use std::sync::Arc;

use ndarray::{Array2, ArrayView1};
use serde::{Deserialize, Serialize};

use crate::error::DataError;
use crate::target::{LabelMap, Target};

/// The kind of a column: what its cells hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// 64-bit floats; missing cells are `NaN`.
    Numeric,
    /// Strings; missing cells are `None`.
    Categorical,
}

/// The cells of one column.
///
/// Missing values follow the convention of pandas and scikit-learn: `NaN` in a numeric column,
/// `None` in a categorical one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Column {
    /// Numbers; `f64::NAN` marks a missing cell.
    Numeric(Vec<f64>),
    /// Strings; `None` marks a missing cell.
    Categorical(Vec<Option<String>>),
}

impl Column {
    /// Number of cells.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(v) => v.len(),
        }
    }

    /// `true` when the column has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column's kind.
    pub fn kind(&self) -> ColumnKind {
        match self {
            Column::Numeric(_) => ColumnKind::Numeric,
            Column::Categorical(_) => ColumnKind::Categorical,
        }
    }

    /// Number of missing cells.
    pub fn n_missing(&self) -> usize {
        match self {
            Column::Numeric(v) => v.iter().filter(|x| x.is_nan()).count(),
            Column::Categorical(v) => v.iter().filter(|x| x.is_none()).count(),
        }
    }

    /// The numbers, if the column is numeric.
    pub fn as_numeric(&self) -> Option<&[f64]> {
        match self {
            Column::Numeric(v) => Some(v),
            Column::Categorical(_) => None,
        }
    }

    /// The strings, if the column is categorical.
    pub fn as_categorical(&self) -> Option<&[Option<String>]> {
        match self {
            Column::Categorical(v) => Some(v),
            Column::Numeric(_) => None,
        }
    }

    /// The distinct present strings of a categorical column, sorted (empty for a numeric one):
    /// found in O(n log k) for k distinct values, without copying a cell.
    ///
    /// ```
    /// use amber_data::Column;
    ///
    /// let c = Column::Categorical(vec![Some("b".into()), None, Some("a".into()), Some("b".into())]);
    /// assert_eq!(c.categories(), ["a", "b"]);
    /// # Ok::<(), amber_data::DataError>(())
    /// ```
    pub fn categories(&self) -> Vec<&str> {
        let cells = self.as_categorical().unwrap_or_default();
        let set: std::collections::BTreeSet<&str> = cells.iter().flatten().map(String::as_str).collect();
        set.into_iter().collect()
    }

    /// The cells at `rows`, in that order. Every index must be in range (checked by the caller).
    fn take(&self, rows: &[usize]) -> Column {
        match self {
            Column::Numeric(v) => Column::Numeric(rows.iter().filter_map(|&r| v.get(r).copied()).collect()),
            Column::Categorical(v) => {
                Column::Categorical(rows.iter().filter_map(|&r| v.get(r).cloned()).collect())
            }
        }
    }
}

/// The position of `value` in `categories`, sorted and distinct (as [`Column::categories`]
/// returns them, or a fitted encoder stores them).
///
/// ```
/// let cats = ["No".to_string(), "Yes".to_string()];
/// assert_eq!(amber_data::category_index(&cats, "Yes"), Some(1));
/// assert_eq!(amber_data::category_index(&cats, "Maybe"), None);
/// ```
pub fn category_index(categories: &[String], value: &str) -> Option<usize> {
    if categories.len() <= 8 {
        // A few categories: `==` compares lengths before bytes, cheaper than ordering.
        categories.iter().position(|c| c == value)
    } else {
        categories.binary_search_by(|c| c.as_str().cmp(value)).ok()
    }
}

/// Equality cell by cell, where two missing cells are equal (unlike `NaN == NaN`).
impl PartialEq for Column {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Column::Numeric(a), Column::Numeric(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
            }
            (Column::Categorical(a), Column::Categorical(b)) => a == b,
            _ => false,
        }
    }
}

/// A table: named columns of equal length, in a fixed order.
///
/// Columns are found by name; their order is the order they were given in (for a CSV file, the
/// header's order). Every constructor checks that names are non-empty and unique and that all columns
/// have the same number of rows.
///
/// Columns are immutable and shared: cloning a table, [`Table::select`] and
/// [`Table::shared_column`] copy no cells, so a pipeline can hand the same column from step to
/// step without copying it.
///
/// ```
/// use amber_data::{Column, Table};
///
/// let table = Table::new(vec![
///     ("tenure".into(), Column::Numeric(vec![1.0, 24.0, f64::NAN])),
///     ("contract".into(), Column::Categorical(vec![Some("Month-to-month".into()), None, Some("Two year".into())])),
/// ])?;
/// assert_eq!(table.n_rows(), 3);
/// assert_eq!(table.column("tenure")?.n_missing(), 1);
/// # Ok::<(), amber_data::DataError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TableData")]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Arc<Column>>,
    n_rows: usize,
    /// Column name → position, so that finding a column is O(1) however wide the table.
    #[serde(skip)]
    index: std::collections::HashMap<String, usize>,
}

/// A table as decoded, before [`Table::new`]'s checks: deserializing a [`Table`] goes through
/// them, so a decoded table always has unique names and equal column lengths.
#[derive(Deserialize)]
struct TableData {
    names: Vec<String>,
    columns: Vec<Column>,
    n_rows: usize,
}

impl TryFrom<TableData> for Table {
    type Error = DataError;

    fn try_from(data: TableData) -> Result<Self, DataError> {
        if data.names.len() != data.columns.len() {
            return Err(DataError::InvalidTable { reason: "a table needs one name per column".into() });
        }
        let table = Table::new(data.names.into_iter().zip(data.columns).collect())?;
        if table.n_cols() > 0 && table.n_rows != data.n_rows {
            return Err(DataError::InvalidTable {
                reason: format!("row count {} but columns of {} rows", data.n_rows, table.n_rows),
            });
        }
        Ok(table)
    }
}

impl Table {
    /// Builds a table from `(name, column)` pairs, checking names and lengths.
    pub fn new(columns: Vec<(String, Column)>) -> Result<Self, DataError> {
        Table::from_shared(columns.into_iter().map(|(n, c)| (n, Arc::new(c))).collect())
    }

    /// [`Table::new`] from shared columns (for example another table's, from
    /// [`Table::shared_column`]): no cell is copied.
    ///
    /// ```
    /// use amber_data::{Column, Table};
    ///
    /// let t = Table::new(vec![("a".into(), Column::Numeric(vec![1.0, 2.0]))])?;
    /// let renamed = Table::from_shared(vec![("b".into(), t.shared_column("a")?)])?;
    /// assert_eq!(renamed.column("b")?, t.column("a")?);
    /// # Ok::<(), amber_data::DataError>(())
    /// ```
    pub fn from_shared(columns: Vec<(String, Arc<Column>)>) -> Result<Self, DataError> {
        let n_rows = columns.first().map_or(0, |(_, c)| c.len());
        let mut names: Vec<String> = Vec::with_capacity(columns.len());
        let mut cols = Vec::with_capacity(columns.len());
        // A map, so that a table of n columns is checked in O(n), not O(n²).
        let mut index = std::collections::HashMap::with_capacity(columns.len());
        for (position, (name, column)) in columns.into_iter().enumerate() {
            if name.trim().is_empty() {
                return Err(DataError::EmptyColumnName { position });
            }
            if index.insert(name.clone(), position).is_some() {
                return Err(DataError::DuplicateColumn { name });
            }
            if column.len() != n_rows {
                return Err(DataError::LengthMismatch { name, expected: n_rows, found: column.len() });
            }
            names.push(name);
            cols.push(column);
        }
        Ok(Table { names, columns: cols, n_rows, index })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.columns.len()
    }

    /// Column names, in order.
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// The `(name, column)` pairs, in order, moved out of the table (a column still shared with
    /// another table is copied; see [`Table::into_shared_columns`]).
    ///
    /// ```
    /// use amber_data::{Column, Table};
    ///
    /// let t = Table::new(vec![("a".into(), Column::Numeric(vec![1.0]))])?;
    /// assert_eq!(t.into_columns(), [("a".to_string(), Column::Numeric(vec![1.0]))]);
    /// # Ok::<(), amber_data::DataError>(())
    /// ```
    pub fn into_columns(self) -> Vec<(String, Column)> {
        self.names.into_iter().zip(self.columns.into_iter().map(Arc::unwrap_or_clone)).collect()
    }

    /// The `(name, column)` pairs, in order, still shared: no cell is copied.
    pub fn into_shared_columns(self) -> Vec<(String, Arc<Column>)> {
        self.names.into_iter().zip(self.columns).collect()
    }

    /// `(name, column)` pairs, in order.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names.iter().map(String::as_str).zip(self.columns.iter().map(|c| &**c))
    }

    /// Position of the column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Result<&Column, DataError> {
        self.shared(name).map(|c| &**c)
    }

    fn shared(&self, name: &str) -> Result<&Arc<Column>, DataError> {
        self.column_index(name)
            .and_then(|i| self.columns.get(i))
            .ok_or_else(|| DataError::UnknownColumn { name: name.to_string() })
    }

    /// The column called `name`, shared with this table (no cell is copied).
    pub fn shared_column(&self, name: &str) -> Result<Arc<Column>, DataError> {
        self.shared(name).cloned()
    }

    /// A new table with the named columns, in the order given (shared: no cell is copied).
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<Table, DataError> {
        let columns = names
            .iter()
            .map(|n| Ok((n.as_ref().to_string(), self.shared_column(n.as_ref())?)))
            .collect::<Result<Vec<_>, DataError>>()?;
        Table::from_shared(columns)
    }

    /// A new table without the named columns. Every name must exist.
    pub fn drop_columns<S: AsRef<str>>(&self, names: &[S]) -> Result<Table, DataError> {
        for n in names {
            self.column(n.as_ref())?;
        }
        let keep: Vec<&str> = self
            .names
            .iter()
            .map(String::as_str)
            .filter(|n| !names.iter().any(|d| d.as_ref() == *n))
            .collect();
        self.select(&keep)
    }

    /// A new table with the rows at `rows`, in that order (rows may repeat).
    pub fn take_rows(&self, rows: &[usize]) -> Result<Table, DataError> {
        if let Some(&row) = rows.iter().find(|&&r| r >= self.n_rows) {
            return Err(DataError::RowOutOfRange { row, n_rows: self.n_rows });
        }
        Ok(Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| Arc::new(c.take(rows))).collect(),
            n_rows: rows.len(),
            index: self.index.clone(),
        })
    }

    /// The named numeric columns as an `n_rows × names.len()` matrix in standard (row-major) layout,
    /// filled one column at a time. Missing cells stay `NaN`.
    pub fn numeric_matrix<S: AsRef<str>>(&self, names: &[S]) -> Result<Array2<f64>, DataError> {
        let mut out = Array2::zeros((self.n_rows, names.len()));
        for (mut dst, name) in out.columns_mut().into_iter().zip(names) {
            let name = name.as_ref();
            let values = self
                .column(name)?
                .as_numeric()
                .ok_or_else(|| DataError::NotNumeric { name: name.to_string() })?;
            dst.assign(&ArrayView1::from(values));
        }
        Ok(out)
    }

    /// Every column as a matrix; all must be numeric. See [`Table::numeric_matrix`].
    pub fn to_array2(&self) -> Result<Array2<f64>, DataError> {
        self.numeric_matrix(&self.names)
    }

    /// Splits off the column `name` as a classification target: the features are every other
    /// column, and the labels are mapped to class indices in sorted order (see [`LabelMap`]).
    ///
    /// ```
    /// let iris = amber_data::datasets::iris()?;
    /// let (x, y) = iris.table.split_target("species")?;
    /// assert_eq!(x.n_cols(), 4);
    /// assert_eq!(y.labels.labels(), ["setosa", "versicolor", "virginica"]);
    /// # Ok::<(), amber_data::DataError>(())
    /// ```
    pub fn split_target(&self, name: &str) -> Result<(Table, Target), DataError> {
        let target = Target::from_column(name, self.column(name)?)?;
        Ok((self.drop_columns(&[name])?, target))
    }

    /// Class indices of an already-known label map for the column `name` (for example the
    /// labels of a test set, mapped with the map learned on the training set).
    pub fn encode_target(&self, name: &str, labels: &LabelMap) -> Result<Vec<usize>, DataError> {
        Target::encode_column(name, self.column(name)?, labels)
    }
}
