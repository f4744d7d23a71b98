//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong while reading or reshaping a table.
///
/// Variants that come from a file name the file (`file`), the 1-based `line` and, where one field is
/// at fault, the 1-based `column` with its header `name`, so that the message alone is enough to find
/// the bad cell.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("{}: cannot read: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The input has no header row at all.
    #[error("{}: line 1: the input is empty; a header row is required", file.display())]
    EmptyFile {
        /// The file.
        file: PathBuf,
    },
    /// A header cell is empty or whitespace only.
    #[error("{}: line {line}, column {column}: the header name is empty", file.display())]
    EmptyHeader {
        /// The file.
        file: PathBuf,
        /// 1-based line of the header.
        line: u64,
        /// 1-based column of the empty name.
        column: usize,
    },
    /// Two header cells carry the same name.
    #[error(
        "{}: line {line}, column {column}: header name {name:?} repeats column {first_column}",
        file.display()
    )]
    DuplicateHeader {
        /// The file.
        file: PathBuf,
        /// 1-based line of the header.
        line: u64,
        /// 1-based column of the second occurrence.
        column: usize,
        /// The repeated name.
        name: String,
        /// 1-based column of the first occurrence.
        first_column: usize,
    },
    /// A data row has more or fewer fields than the header.
    #[error(
        "{}: line {line}, column {column}: the row has {found} fields but the header has {expected}",
        file.display()
    )]
    RaggedRow {
        /// The file.
        file: PathBuf,
        /// 1-based line where the row starts.
        line: u64,
        /// 1-based column of the first missing or extra field.
        column: usize,
        /// Number of header fields.
        expected: usize,
        /// Number of fields in this row.
        found: usize,
    },
    /// A cell in a column declared numeric does not parse as a number.
    #[error(
        "{}: line {line}, column {column} ({name:?}): {value:?} is not a number, but the column is numeric",
        file.display()
    )]
    NotANumber {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: usize,
        /// Header name of the column.
        name: String,
        /// The offending cell, as written (at most [`MAX_EXCERPT_CHARS`](crate::MAX_EXCERPT_CHARS) characters of it).
        value: String,
    },
    /// A cell is not valid UTF-8.
    #[error("{}: line {line}, column {column}: the field is not valid UTF-8", file.display())]
    InvalidUtf8 {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: usize,
    },
    /// The CSV parser itself failed (for example an I/O error mid-file).
    #[error("{}: line {line}: malformed CSV: {message}", file.display())]
    Csv {
        /// The file.
        file: PathBuf,
        /// 1-based line, 0 if unknown.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// [`crate::CsvOptions::column_kind`] names a column the header does not have.
    #[error("{}: a column kind was given for {name:?}, but the header has no such column", file.display())]
    UnknownDeclaredColumn {
        /// The file.
        file: PathBuf,
        /// The declared name.
        name: String,
    },
    /// A column's length differs from the table's row count.
    #[error("column {name:?} has {found} rows, but the table has {expected}")]
    LengthMismatch {
        /// The column.
        name: String,
        /// Rows of the table (the first column's length).
        expected: usize,
        /// Rows of this column.
        found: usize,
    },
    /// A column name is used twice in one table.
    #[error("column name {name:?} appears more than once")]
    DuplicateColumn {
        /// The name.
        name: String,
    },
    /// A column name is empty.
    #[error("the column at position {position} has an empty name")]
    EmptyColumnName {
        /// 0-based position of the column.
        position: usize,
    },
    /// No column has this name.
    #[error("no column named {name:?}")]
    UnknownColumn {
        /// The name asked for.
        name: String,
    },
    /// A numeric column was required, but this one is categorical.
    #[error("column {name:?} is categorical, but a numeric column is required")]
    NotNumeric {
        /// The column.
        name: String,
    },
    /// A row index is past the end of the table.
    #[error("row {row} is out of range: the table has {n_rows} rows")]
    RowOutOfRange {
        /// The 0-based row asked for.
        row: usize,
        /// Rows in the table.
        n_rows: usize,
    },
    /// The target column has a missing value.
    #[error("target column {name:?}, row {row}: the class label is missing")]
    MissingTarget {
        /// Target column.
        name: String,
        /// 0-based data row.
        row: usize,
    },
    /// A target cell holds a label the label map does not know.
    #[error("target column {name:?}, row {row}: label {label:?} is not one of the known classes")]
    UnknownLabel {
        /// Target column.
        name: String,
        /// 0-based data row.
        row: usize,
        /// The label.
        label: String,
    },
    /// A decoded table is inconsistent.
    #[error("invalid table: {reason}")]
    InvalidTable {
        /// What is wrong.
        reason: String,
    },
    /// A label map was built from an empty or repeated label list.
    #[error("invalid label map: {reason}")]
    InvalidLabels {
        /// What is wrong.
        reason: String,
    },
    /// A class index has no label in the map.
    #[error("class index {index} has no label: the map has {n_classes} classes")]
    UnknownClassIndex {
        /// The index.
        index: usize,
        /// Number of classes in the map.
        n_classes: usize,
    },
    /// There is no built-in dataset with this name.
    #[error("no built-in dataset named {name:?} (known: iris, breast_cancer, penguins, telco_churn)")]
    UnknownDataset {
        /// The name asked for.
        name: String,
    },
    /// Writing a table failed.
    #[error("{}: cannot write: {source}", target.display())]
    Write {
        /// The file, or `<writer>` for a writer without a path.
        target: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// An Arrow column of a type amber cannot take as numeric or categorical.
    #[error("column {column:?}: Arrow type {data_type} is not supported (numbers, booleans, strings and string dictionaries are)")]
    UnsupportedArrowType {
        /// The column.
        column: String,
        /// The Arrow type, as arrow-rs names it.
        data_type: String,
    },
    /// A Parquet file could not be read.
    #[error("{}: cannot read Parquet: {message}", file.display())]
    Parquet {
        /// The file.
        file: PathBuf,
        /// What the Parquet reader said.
        message: String,
    },
}

/// The longest excerpt of a cell that an error message carries, in characters.
pub const MAX_EXCERPT_CHARS: usize = 80;

/// A cell as error messages quote it: whole up to [`MAX_EXCERPT_CHARS`] characters, else cut
/// there with `…`, so that no error grows with its input.
///
/// ```
/// assert_eq!(amber_data::excerpt("forty-one"), "forty-one");
/// let long = "9".repeat(1_000);
/// assert_eq!(amber_data::excerpt(&long).chars().count(), amber_data::MAX_EXCERPT_CHARS + 1);
/// ```
pub fn excerpt(text: &str) -> String {
    cut_at(text, MAX_EXCERPT_CHARS)
}

/// `text` whole up to `max_chars` characters, else its first `max_chars` followed by `…`: how
/// every amber error quotes what it was given ([`excerpt`] for cells; longer caps for messages
/// from servers and stores).
///
/// ```
/// assert_eq!(amber_data::cut_at("abc", 3), "abc");
/// assert_eq!(amber_data::cut_at("abcd", 3), "abc…");
/// ```
pub fn cut_at(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}
