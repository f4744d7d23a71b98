//! Tables out: CSV text, a data-frame printout, and tables from ndarray matrices.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use ndarray::ArrayView2;

use crate::error::DataError;
use crate::table::{Column, Table};

impl Table {
    /// A table of numeric columns from a matrix, one column per name (row-major, as
    /// [`Table::to_array2`] returns it).
    ///
    /// ```
    /// use amber_data::Table;
    /// use ndarray::array;
    ///
    /// let x = array![[5.1, 3.5], [4.9, f64::NAN]];
    /// let table = Table::from_array2(&["sepal_length", "sepal_width"], x.view())?;
    /// assert_eq!(table.column("sepal_width")?.n_missing(), 1);
    /// assert_eq!(table.to_array2()?.row(0).to_vec(), [5.1, 3.5]);
    /// # Ok::<(), amber_data::DataError>(())
    /// ```
    pub fn from_array2<S: AsRef<str>>(names: &[S], x: ArrayView2<f64>) -> Result<Table, DataError> {
        if names.len() != x.ncols() {
            return Err(DataError::InvalidTable {
                reason: format!("{} names for a matrix of {} columns", names.len(), x.ncols()),
            });
        }
        Table::new(
            names
                .iter()
                .zip(x.columns())
                .map(|(name, column)| (name.as_ref().to_string(), Column::Numeric(column.to_vec())))
                .collect(),
        )
    }

    /// Writes the table as CSV with a header row. Numbers are written in Rust's shortest form
    /// that reads back to the same `f64`; missing cells are empty. Read it back with the same
    /// kinds declared ([`crate::CsvOptions::column_kind`]) to get the same table: a categorical
    /// column whose values all look like numbers would otherwise be inferred numeric, and a
    /// category spelled like a missing marker (`NA`) reads back as missing.
    ///
    /// ```
    /// use amber_data::{Column, CsvOptions, Table};
    ///
    /// let t = Table::new(vec![
    ///     ("x".into(), Column::Numeric(vec![0.1, f64::NAN])),
    ///     ("city".into(), Column::Categorical(vec![Some("Oslo, Norway".into()), None])),
    /// ])?;
    /// let mut text = Vec::new();
    /// t.write_csv(&mut text)?;
    /// assert_eq!(String::from_utf8(text.clone()).unwrap(), "x,city\n0.1,\"Oslo, Norway\"\n,\n");
    /// assert_eq!(Table::from_csv_str(std::str::from_utf8(&text).unwrap(), &CsvOptions::default())?, t);
    /// # Ok::<(), amber_data::DataError>(())
    /// ```
    pub fn write_csv(&self, writer: impl Write) -> Result<(), DataError> {
        self.write_csv_to(writer, Path::new("<writer>"))
    }

    /// Writes the table as CSV to a file (created or truncated); see [`Table::write_csv`].
    pub fn write_csv_path(&self, path: impl AsRef<Path>) -> Result<(), DataError> {
        let path = path.as_ref();
        let file = std::fs::File::create(path)
            .map_err(|source| DataError::Write { target: path.to_path_buf(), source })?;
        self.write_csv_to(std::io::BufWriter::new(file), path)
    }

    fn write_csv_to(&self, writer: impl Write, target: &Path) -> Result<(), DataError> {
        let fail = |e: csv::Error| {
            let source = match e.into_kind() {
                csv::ErrorKind::Io(io) => io,
                other => std::io::Error::other(format!("{other:?}")),
            };
            DataError::Write { target: PathBuf::from(target), source }
        };
        let mut out = csv::Writer::from_writer(writer);
        out.write_record(self.column_names()).map_err(fail)?;
        let columns: Vec<&Column> = self.columns().map(|(_, c)| c).collect();
        let mut record: Vec<String> = Vec::with_capacity(columns.len());
        for row in 0..self.n_rows() {
            record.clear();
            record.extend(columns.iter().map(|c| c.cell_text(row)));
            out.write_record(&record).map_err(fail)?;
        }
        out.flush().map_err(|source| DataError::Write { target: PathBuf::from(target), source })
    }
}

impl Column {
    /// Row `row` as CSV writes it: a number in its shortest round-trip form, a category as is,
    /// and empty when the cell is missing (or `row` is past the end).
    ///
    /// ```
    /// use amber_data::Column;
    ///
    /// let c = Column::Numeric(vec![0.1, f64::NAN]);
    /// assert_eq!((c.cell_text(0), c.cell_text(1)), ("0.1".to_string(), String::new()));
    /// ```
    pub fn cell_text(&self, row: usize) -> String {
        match self {
            Column::Numeric(v) => v.get(row).filter(|v| !v.is_nan()).map(f64::to_string).unwrap_or_default(),
            Column::Categorical(v) => v.get(row).cloned().flatten().unwrap_or_default(),
        }
    }
}

/// Rows and columns a printout shows at most.
const SHOWN_ROWS: usize = 10;
const SHOWN_COLUMNS: usize = 8;
const CELL_WIDTH: usize = 18;

/// At most `CELL_WIDTH` characters.
fn clip(text: &str) -> String {
    if text.chars().count() > CELL_WIDTH {
        format!("{}…", text.chars().take(CELL_WIDTH - 1).collect::<String>())
    } else {
        text.to_string()
    }
}

/// A data-frame printout: the first rows (`NA` for missing cells), at most 8 columns, and the
/// shape.
///
/// ```
/// let iris = amber_data::datasets::iris()?.table;
/// let text = iris.to_string();
/// assert!(text.starts_with("     sepal_length  sepal_width"));
/// assert!(text.ends_with("… 140 more rows\n[150 rows × 5 columns]\n"));
/// # Ok::<(), amber_data::DataError>(())
/// ```
impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<(&str, &Column)> = self.columns().take(SHOWN_COLUMNS).collect();
        let rows = self.n_rows().min(SHOWN_ROWS);
        let mut grid: Vec<Vec<String>> = vec![shown.iter().map(|(n, _)| clip(n)).collect()];
        for row in 0..rows {
            grid.push(
                shown
                    .iter()
                    .map(|(_, c)| {
                        let text = c.cell_text(row);
                        if text.is_empty() {
                            "NA".to_string()
                        } else {
                            clip(&text)
                        }
                    })
                    .collect(),
            );
        }
        let widths: Vec<usize> = (0..shown.len())
            .map(|c| grid.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        let index_width = rows.saturating_sub(1).to_string().len().max(3);
        for (i, line) in grid.iter().enumerate() {
            let label = if i == 0 { String::new() } else { (i - 1).to_string() };
            write!(f, "{label:>index_width$}")?;
            for (text, &w) in line.iter().zip(&widths) {
                write!(f, "  {text:>w$}")?;
            }
            if self.n_cols() > shown.len() {
                write!(f, "  …")?;
            }
            writeln!(f)?;
        }
        if self.n_rows() > rows {
            writeln!(f, "… {} more rows", self.n_rows() - rows)?;
        }
        writeln!(f, "[{} rows × {} columns]", self.n_rows(), self.n_cols())
    }
}
