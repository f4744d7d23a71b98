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
    let mut chunks = CsvChunks::new(reader, file, options, usize::MAX)?;
    chunks.next().unwrap_or_else(|| Table::new(Vec::new()))
}

/// A CSV input read in chunks of at most `chunk_rows` rows, so that memory does not grow with the
/// file: each item is a [`Table`] with the same columns. Made by [`Table::csv_chunks`].
///
/// Columns declared in [`CsvOptions::kinds`] have that kind in every chunk; the kind of any other
/// column is inferred from the first chunk and then required of the rest (a later non-number in a
/// column inferred numeric is [`DataError::NotANumber`], naming its line). A file with a header
/// and no rows yields one empty table. After an error the iterator ends.
///
/// ```
/// use amber_data::{CsvOptions, Table};
/// use std::path::Path;
///
/// let text = "x,city\n1,Oslo\n2,Rome\n3,Lima\n";
/// let chunks = Table::csv_chunks(text.as_bytes(), Path::new("cities.csv"), &CsvOptions::default(), 2)?;
/// let sizes = chunks.map(|c| c.map(|t| t.n_rows())).collect::<Result<Vec<_>, _>>()?;
/// assert_eq!(sizes, [2, 1]);
/// # Ok::<(), amber_data::DataError>(())
/// ```
pub struct CsvChunks<R: Read> {
    records: csv::ByteRecordsIntoIter<R>,
    file: PathBuf,
    names: Vec<String>,
    kinds: Vec<Option<ColumnKind>>,
    missing: Vec<String>,
    chunk_rows: usize,
    chunks_read: usize,
    done: bool,
}

impl Table {
    /// Reads CSV from `reader` in tables of at most `chunk_rows` rows (at least 1); `source` is
    /// the name errors give the input. The header is read now; see [`CsvChunks`].
    pub fn csv_chunks<R: Read>(
        reader: R,
        source: &Path,
        options: &CsvOptions,
        chunk_rows: usize,
    ) -> Result<CsvChunks<R>, DataError> {
        CsvChunks::new(reader, source, options, chunk_rows)
    }
}

impl<R: Read> CsvChunks<R> {
    fn new(reader: R, file: &Path, options: &CsvOptions, chunk_rows: usize) -> Result<Self, DataError> {
        let file: PathBuf = file.to_path_buf();
        let mut records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(options.delimiter)
            .from_reader(reader)
            .into_byte_records();
        let header = match records.next() {
            None => return Err(DataError::EmptyFile { file }),
            Some(r) => r.map_err(|e| csv_error(&file, e))?,
        };
        let header_line = header.position().map_or(1, |p| p.line());
        let mut names: Vec<String> = Vec::with_capacity(header.len());
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(header.len());
        for (i, field) in header.iter().enumerate() {
            let column = i + 1;
            let name = std::str::from_utf8(field)
                .map_err(|_| DataError::InvalidUtf8 { file: file.clone(), line: header_line, column })?
                .trim()
                .to_string();
            if name.is_empty() {
                return Err(DataError::EmptyHeader { file, line: header_line, column });
            }
            if let Some(&first) = seen.get(&name) {
                return Err(DataError::DuplicateHeader {
                    file,
                    line: header_line,
                    column,
                    name,
                    first_column: first + 1,
                });
            }
            seen.insert(name.clone(), i);
            names.push(name);
        }
        if let Some(name) = options.kinds.keys().find(|k| !seen.contains_key(*k)) {
            return Err(DataError::UnknownDeclaredColumn { file, name: name.clone() });
        }
        let kinds = names.iter().map(|n| options.kinds.get(n).copied()).collect();
        Ok(CsvChunks {
            records,
            file,
            names,
            kinds,
            missing: options.missing.clone(),
            chunk_rows: chunk_rows.max(1),
            chunks_read: 0,
            done: false,
        })
    }

    /// The header's column names, in file order.
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    fn is_missing(&self, cell: &str) -> bool {
        cell.is_empty() || self.missing.iter().any(|m| m == cell)
    }

    /// Reads up to `chunk_rows` records; `None` when the input is exhausted (after the first chunk).
    fn read_chunk(&mut self) -> Result<Option<Table>, DataError> {
        let mut raw: Vec<RawColumn> = vec![Vec::new(); self.names.len()];
        let mut lines: Vec<u64> = Vec::new();
        while lines.len() < self.chunk_rows {
            let Some(record) = self.records.next() else { break };
            let record = record.map_err(|e| csv_error(&self.file, e))?;
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != self.names.len() {
                return Err(DataError::RaggedRow {
                    file: self.file.clone(),
                    line,
                    column: record.len().min(self.names.len()) + 1,
                    expected: self.names.len(),
                    found: record.len(),
                });
            }
            for (i, (field, cells)) in record.iter().zip(raw.iter_mut()).enumerate() {
                let text = std::str::from_utf8(field)
                    .map_err(|_| DataError::InvalidUtf8 { file: self.file.clone(), line, column: i + 1 })?
                    .trim();
                cells.push((!self.is_missing(text)).then(|| text.to_string()));
            }
            lines.push(line);
        }
        if lines.is_empty() && self.chunks_read > 0 {
            return Ok(None);
        }
        self.chunks_read += 1;
        let mut columns = Vec::with_capacity(self.names.len());
        for (i, (cells, kind)) in raw.into_iter().zip(self.kinds.iter_mut()).enumerate() {
            let name = self.names.get(i).cloned().unwrap_or_default();
            let column = match kind {
                Some(ColumnKind::Categorical) => Column::Categorical(cells),
                Some(ColumnKind::Numeric) => match parse_numeric(&cells) {
                    Ok(values) => Column::Numeric(values),
                    Err(row) => {
                        return Err(DataError::NotANumber {
                            file: self.file.clone(),
                            line: lines.get(row).copied().unwrap_or(0),
                            column: i + 1,
                            value: crate::excerpt(
                                cells.get(row).and_then(Option::as_deref).unwrap_or_default(),
                            ),
                            name,
                        })
                    }
                },
                None => match parse_numeric(&cells) {
                    Ok(values) => Column::Numeric(values),
                    Err(_) => Column::Categorical(cells),
                },
            };
            *kind = Some(column.kind());
            columns.push((name, column));
        }
        Table::new(columns).map(Some)
    }
}

impl<R: Read> Iterator for CsvChunks<R> {
    type Item = Result<Table, DataError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let chunk = self.read_chunk();
        if !matches!(chunk, Ok(Some(_))) {
            self.done = true;
        }
        chunk.transpose()
    }
}

fn csv_error(file: &Path, e: csv::Error) -> DataError {
    DataError::Csv {
        file: file.to_path_buf(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
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
