//! Reading a [`Table`] from CSV, with errors that name the file, line and column.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::DataError;
use crate::table::{Column, ColumnKind, Table};

/// How to read a CSV file.
///
/// The header row is required. Cells that are empty, whitespace only, or equal (after trimming) to
/// one of [`CsvOptions::missing`] are missing. A column's kind is inferred (numeric when every present
/// cell parses as a number, categorical otherwise) unless it is declared with
/// [`CsvOptions::column_kind`]; a declared numeric column with a non-number is an error.
///
/// ```
/// use amber_data::{ColumnKind, CsvOptions, Table};
///
/// let csv = "id,age\n007,41\n012,NA\n";
/// let options = CsvOptions::default().column_kind("id", ColumnKind::Categorical);
/// let table = Table::from_csv_str(csv, &options)?;
/// assert_eq!(table.column("id")?.as_categorical().unwrap()[0].as_deref(), Some("007"));
/// assert!(table.column("age")?.as_numeric().unwrap()[1].is_nan());
/// # Ok::<(), amber_data::DataError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Field delimiter (default `,`).
    pub delimiter: u8,
    /// Extra cell texts that mean "missing" (default `["NA"]`); empty and blank cells always are.
    pub missing: Vec<String>,
    /// Declared column kinds, by header name; the other columns are inferred.
    pub kinds: HashMap<String, ColumnKind>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { delimiter: b',', missing: vec!["NA".to_string()], kinds: HashMap::new() }
    }
}

impl CsvOptions {
    /// Declares the kind of the column called `name`.
    pub fn column_kind(mut self, name: &str, kind: ColumnKind) -> Self {
        self.kinds.insert(name.to_string(), kind);
        self
    }

    fn is_missing(&self, cell: &str) -> bool {
        cell.is_empty() || self.missing.iter().any(|m| m == cell)
    }
}

impl Table {
    /// Reads a CSV file with the default [`CsvOptions`].
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Table, DataError> {
        Table::from_csv_path_with(path, &CsvOptions::default())
    }

    /// Reads a CSV file.
    pub fn from_csv_path_with(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Table, DataError> {
        let path = path.as_ref();
        let file =
            std::fs::File::open(path).map_err(|source| DataError::Io { file: path.to_path_buf(), source })?;
        read_csv(std::io::BufReader::new(file), path, options)
    }

    /// Reads CSV text held in memory; errors name the file `<string>`.
    pub fn from_csv_str(text: &str, options: &CsvOptions) -> Result<Table, DataError> {
        read_csv(text.as_bytes(), Path::new("<string>"), options)
    }

    /// Reads CSV from any reader; `source` is the name errors give the input.
    pub fn from_csv_reader(
        reader: impl Read,
        source: &Path,
        options: &CsvOptions,
    ) -> Result<Table, DataError> {
        read_csv(reader, source, options)
    }
}

/// One column while reading: the trimmed present cells, `None` for missing ones.
type RawColumn = Vec<Option<String>>;

fn read_csv(reader: impl Read, file: &Path, options: &CsvOptions) -> Result<Table, DataError> {
    let file: PathBuf = file.to_path_buf();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(options.delimiter)
        .from_reader(reader);
    let mut records = csv.byte_records();
    let csv_error = |e: csv::Error| DataError::Csv {
        file: file.clone(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };

    let header = match records.next() {
        None => return Err(DataError::EmptyFile { file }),
        Some(r) => r.map_err(csv_error)?,
    };
    let header_line = header.position().map_or(1, |p| p.line());
    let mut names: Vec<String> = Vec::with_capacity(header.len());
    for (i, field) in header.iter().enumerate() {
        let column = i + 1;
        let name = std::str::from_utf8(field)
            .map_err(|_| DataError::InvalidUtf8 { file: file.clone(), line: header_line, column })?
            .trim()
            .to_string();
        if name.is_empty() {
            return Err(DataError::EmptyHeader { file, line: header_line, column });
        }
        if let Some(first) = names.iter().position(|n| *n == name) {
            return Err(DataError::DuplicateHeader {
                file,
                line: header_line,
                column,
                name,
                first_column: first + 1,
            });
        }
        names.push(name);
    }
    if let Some(name) = options.kinds.keys().find(|k| !names.contains(k)) {
        return Err(DataError::UnknownDeclaredColumn { file, name: name.clone() });
    }

    let mut raw: Vec<RawColumn> = vec![Vec::new(); names.len()];
    let mut lines: Vec<u64> = Vec::new();
    for record in records {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != names.len() {
            return Err(DataError::RaggedRow {
                file,
                line,
                column: record.len().min(names.len()) + 1,
                expected: names.len(),
                found: record.len(),
            });
        }
        for (i, (field, cells)) in record.iter().zip(raw.iter_mut()).enumerate() {
            let text = std::str::from_utf8(field)
                .map_err(|_| DataError::InvalidUtf8 { file: file.clone(), line, column: i + 1 })?
                .trim();
            cells.push((!options.is_missing(text)).then(|| text.to_string()));
        }
        lines.push(line);
    }

    let columns = names
        .into_iter()
        .zip(raw)
        .enumerate()
        .map(|(i, (name, cells))| {
            let column = match options.kinds.get(&name) {
                Some(ColumnKind::Categorical) => Column::Categorical(cells),
                Some(ColumnKind::Numeric) => match parse_numeric(&cells) {
                    Ok(values) => Column::Numeric(values),
                    Err(row) => {
                        return Err(DataError::NotANumber {
                            file: file.clone(),
                            line: lines.get(row).copied().unwrap_or(0),
                            column: i + 1,
                            value: cells.get(row).cloned().flatten().unwrap_or_default(),
                            name,
                        })
                    }
                },
                None => match parse_numeric(&cells) {
                    Ok(values) => Column::Numeric(values),
                    Err(_) => Column::Categorical(cells),
                },
            };
            Ok((name, column))
        })
        .collect::<Result<Vec<_>, DataError>>()?;
    Table::new(columns)
}

/// Parses every present cell as `f64` (missing → `NaN`), or returns the row of the first that fails.
fn parse_numeric(cells: &[Option<String>]) -> Result<Vec<f64>, usize> {
    cells
        .iter()
        .enumerate()
        .map(|(row, cell)| match cell {
            None => Ok(f64::NAN),
            Some(text) => text.parse::<f64>().map_err(|_| row),
        })
        .collect()
}
