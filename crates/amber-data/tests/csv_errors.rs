//! Every CSV error case: the right kind, and a message that names the line and column.

use std::path::Path;

use amber_data::{Column, ColumnKind, CsvOptions, DataError, Table};

fn read(bytes: &[u8], options: &CsvOptions) -> Result<Table, DataError> {
    Table::from_csv_reader(bytes, Path::new("people.csv"), options)
}

fn read_default(bytes: &[u8]) -> Result<Table, DataError> {
    read(bytes, &CsvOptions::default())
}

fn assert_names(err: &DataError, parts: &[&str]) {
    let msg = err.to_string();
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} should contain {p:?}");
    }
}

#[test]
fn ragged_row_names_line_and_column() {
    let err = read_default(b"a,b,c\n1,2,3\n4,5\n").unwrap_err();
    match &err {
        DataError::RaggedRow { line, column, expected, found, .. } => {
            assert_eq!((*line, *column, *expected, *found), (3, 3, 3, 2));
        }
        other => panic!("expected RaggedRow, got {other:?}"),
    }
    assert_names(&err, &["people.csv", "line 3", "column 3", "2 fields", "header has 3"]);

    let err = read_default(b"a,b\n1,2\n3,4\n5,6,7\n").unwrap_err();
    assert!(matches!(err, DataError::RaggedRow { line: 4, column: 3, expected: 2, found: 3, .. }), "{err:?}");
}

#[test]
fn non_number_in_declared_numeric_column() {
    let options = CsvOptions::default().column_kind("age", ColumnKind::Numeric);
    let err = read(b"name,age\nann,41\nbob,forty\n", &options).unwrap_err();
    match &err {
        DataError::NotANumber { line, column, name, value, .. } => {
            assert_eq!((*line, *column, name.as_str(), value.as_str()), (3, 2, "age", "forty"));
        }
        other => panic!("expected NotANumber, got {other:?}"),
    }
    assert_names(&err, &["people.csv", "line 3", "column 2", "\"age\"", "\"forty\""]);
    // A cell of a megabyte is quoted by its first 80 characters: errors never grow with the input.
    let huge = format!("name,age\nann,{}x\n", "9".repeat(1 << 20));
    match read(huge.as_bytes(), &options).unwrap_err() {
        DataError::NotANumber { value, .. } => assert_eq!(value, format!("{}…", "9".repeat(80))),
        other => panic!("expected NotANumber, got {other:?}"),
    }
}

#[test]
fn undeclared_column_with_text_is_categorical() {
    let t = read_default(b"name,age\nann,41\nbob,forty\n").unwrap();
    assert_eq!(t.column("age").unwrap().kind(), ColumnKind::Categorical);
}

#[test]
fn duplicate_header() {
    let err = read_default(b"a,b,a\n1,2,3\n").unwrap_err();
    match &err {
        DataError::DuplicateHeader { line, column, name, first_column, .. } => {
            assert_eq!((*line, *column, name.as_str(), *first_column), (1, 3, "a", 1));
        }
        other => panic!("expected DuplicateHeader, got {other:?}"),
    }
    assert_names(&err, &["people.csv", "line 1", "column 3", "\"a\""]);
}

#[test]
fn empty_header_name() {
    for input in [&b"a,,c\n1,2,3\n"[..], b"a,  ,c\n1,2,3\n"] {
        let err = read_default(input).unwrap_err();
        assert!(matches!(err, DataError::EmptyHeader { line: 1, column: 2, .. }), "{err:?}");
        assert_names(&err, &["people.csv", "line 1", "column 2"]);
    }
}

#[test]
fn empty_file() {
    for input in [&b""[..], b"\n\n"] {
        let err = read_default(input).unwrap_err();
        assert!(matches!(err, DataError::EmptyFile { .. }), "{err:?}");
        assert_names(&err, &["people.csv", "line 1", "empty"]);
    }
}

#[test]
fn invalid_utf8_in_data_and_header() {
    let err = read_default(b"a,b\n1,caf\xe9\n").unwrap_err();
    assert!(matches!(err, DataError::InvalidUtf8 { line: 2, column: 2, .. }), "{err:?}");
    assert_names(&err, &["people.csv", "line 2", "column 2", "UTF-8"]);

    let err = read_default(b"a,\xff\n1,2\n").unwrap_err();
    assert!(matches!(err, DataError::InvalidUtf8 { line: 1, column: 2, .. }), "{err:?}");
}

#[test]
fn declared_kind_for_unknown_column() {
    let options = CsvOptions::default().column_kind("nope", ColumnKind::Numeric);
    let err = read(b"a\n1\n", &options).unwrap_err();
    assert!(matches!(&err, DataError::UnknownDeclaredColumn { name, .. } if name == "nope"), "{err:?}");
}

#[test]
fn missing_file_is_io_error_naming_the_file() {
    let err = Table::from_csv_path("/no/such/dir/data.csv").unwrap_err();
    assert!(matches!(err, DataError::Io { .. }), "{err:?}");
    assert_names(&err, &["/no/such/dir/data.csv"]);
}

#[test]
fn line_numbers_count_quoted_newlines() {
    // The record on line 2 spans two lines; the ragged one starts on line 4.
    let err = read_default(b"a,b\n\"x\ny\",1\n2\n").unwrap_err();
    assert!(matches!(err, DataError::RaggedRow { line: 4, .. }), "{err:?}");
}

#[test]
fn missing_values_and_kind_inference() {
    let t = read_default(b"num,cat,all_missing\n1.5,x,\nNA,NA,NA\n  , ,\n-2,\"y z\",\n").unwrap();
    assert_eq!(t.n_rows(), 4);
    let num = t.column("num").unwrap().as_numeric().unwrap();
    assert_eq!(num[0], 1.5);
    assert!(num[1].is_nan() && num[2].is_nan());
    assert_eq!(num[3], -2.0);
    assert_eq!(
        t.column("cat").unwrap(),
        &Column::Categorical(vec![Some("x".into()), None, None, Some("y z".into())])
    );
    // A column with no present value is numeric, all NaN.
    assert_eq!(t.column("all_missing").unwrap().kind(), ColumnKind::Numeric);
    assert_eq!(t.column("all_missing").unwrap().n_missing(), 4);
}

#[test]
fn declared_categorical_keeps_numbers_as_text() {
    let options = CsvOptions::default().column_kind("zip", ColumnKind::Categorical);
    let t = read(b"zip\n01234\n", &options).unwrap();
    assert_eq!(t.column("zip").unwrap().as_categorical().unwrap()[0].as_deref(), Some("01234"));
}

#[test]
fn header_only_gives_zero_rows() {
    let t = read_default(b"a,b\n").unwrap();
    assert_eq!((t.n_rows(), t.n_cols()), (0, 2));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Arbitrary bytes never panic: a table or a named error.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_default(&bytes);
        }

        /// CSV-like text (few distinct bytes, so rows and quotes are common) never panics either,
        /// and any table it gives has consistent shape.
        #[test]
        fn csv_like_text_never_panics(s in "[a,b1.\"\n NA-]{0,120}") {
            if let Ok(t) = read_default(s.as_bytes()) {
                for (_, c) in t.columns() {
                    prop_assert_eq!(c.len(), t.n_rows());
                }
            }
        }
    }
}

fn chunks(bytes: &[u8], options: &CsvOptions, rows: usize) -> Result<Vec<Table>, DataError> {
    Table::csv_chunks(bytes, Path::new("people.csv"), options, rows)?.collect()
}

#[test]
fn chunks_concatenate_to_the_whole_table() {
    let text = b"name,age,city\nann,41,Oslo\nbob,NA,Rome\ncy,7,\ndee,12,Lima\neve,3,Oslo\n";
    let whole = read_default(text).unwrap();
    for size in [1, 2, 3, 5, 100] {
        let parts = chunks(text, &CsvOptions::default(), size).unwrap();
        assert_eq!(parts.len(), 5_usize.div_ceil(size), "chunk size {size}");
        assert!(parts.iter().all(|p| p.n_rows() <= size && p.column_names() == whole.column_names()));
        for name in whole.column_names() {
            let mut ages = Vec::new();
            let mut cells = Vec::new();
            for p in &parts {
                match p.column(name).unwrap() {
                    Column::Numeric(v) => ages.extend(v.iter().map(|v| v.to_bits())),
                    Column::Categorical(v) => cells.extend(v.iter().cloned()),
                }
            }
            match whole.column(name).unwrap() {
                Column::Numeric(v) => assert_eq!(ages, v.iter().map(|v| v.to_bits()).collect::<Vec<_>>()),
                Column::Categorical(v) => assert_eq!(&cells, v),
            }
        }
    }
}

#[test]
fn header_only_input_yields_one_empty_chunk() {
    let parts = chunks(b"a,b\n", &CsvOptions::default(), 10).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!((parts[0].n_rows(), parts[0].n_cols()), (0, 2));
    assert!(matches!(chunks(b"", &CsvOptions::default(), 10), Err(DataError::EmptyFile { .. })));
}

#[test]
fn kinds_inferred_from_the_first_chunk_hold_for_the_rest() {
    // "age" is numeric in rows 1-2; "forty" on line 5 (the second chunk) is then an error naming
    // its line, while a whole-file read would have made the column categorical.
    let text = b"name,age\nann,41\nbob,7\ncy,9\ndee,forty\n";
    let err = chunks(text, &CsvOptions::default(), 2).unwrap_err();
    assert!(
        matches!(&err, DataError::NotANumber { line: 5, column: 2, name, .. } if name == "age"),
        "{err:?}"
    );
    assert_eq!(read_default(text).unwrap().column("age").unwrap().kind(), ColumnKind::Categorical);
    // Ragged rows in a later chunk name their line too, and the iterator ends after an error.
    let mut it =
        Table::csv_chunks(&b"a,b\n1,2\n3,4\n5\n6,7\n"[..], Path::new("p.csv"), &CsvOptions::default(), 2)
            .unwrap();
    assert!(it.next().unwrap().is_ok());
    assert!(matches!(it.next(), Some(Err(DataError::RaggedRow { line: 4, .. }))));
    assert!(it.next().is_none());
}
