//! Table construction, selection, matrices, targets and fingerprints.

use amber_data::{datasets, Column, CsvOptions, DataError, LabelMap, Table};

fn small() -> Table {
    Table::new(vec![
        ("x".into(), Column::Numeric(vec![1.0, 2.0, 3.0])),
        ("c".into(), Column::Categorical(vec![Some("b".into()), Some("a".into()), None])),
        ("y".into(), Column::Numeric(vec![10.0, f64::NAN, 30.0])),
    ])
    .unwrap()
}

#[test]
fn construction_checks_names_and_lengths() {
    let err = Table::new(vec![
        ("a".into(), Column::Numeric(vec![1.0, 2.0])),
        ("b".into(), Column::Numeric(vec![1.0])),
    ])
    .unwrap_err();
    assert!(
        matches!(&err, DataError::LengthMismatch { name, expected: 2, found: 1 } if name == "b"),
        "{err:?}"
    );
    let err = Table::new(vec![("a".into(), Column::Numeric(vec![])), ("a".into(), Column::Numeric(vec![]))])
        .unwrap_err();
    assert!(matches!(&err, DataError::DuplicateColumn { name } if name == "a"), "{err:?}");
    let err = Table::new(vec![(" ".into(), Column::Numeric(vec![]))]).unwrap_err();
    assert!(matches!(err, DataError::EmptyColumnName { position: 0 }), "{err:?}");
}

#[test]
fn columns_found_by_name_and_order_kept() {
    let t = small();
    assert_eq!(t.column_names(), ["x", "c", "y"]);
    let s = t.select(&["y", "x"]).unwrap();
    assert_eq!(s.column_names(), ["y", "x"]);
    assert!(matches!(t.column("nope"), Err(DataError::UnknownColumn { name }) if name == "nope"));
    assert_eq!(t.drop_columns(&["c"]).unwrap().column_names(), ["x", "y"]);
}

#[test]
fn numeric_matrix_is_row_major_with_nan_for_missing() {
    let t = small();
    let m = t.numeric_matrix(&["y", "x"]).unwrap();
    assert!(m.is_standard_layout());
    assert_eq!(m.dim(), (3, 2));
    assert_eq!((m[[0, 0]], m[[0, 1]], m[[2, 1]]), (10.0, 1.0, 3.0));
    assert!(m[[1, 0]].is_nan());
    assert!(matches!(t.to_array2(), Err(DataError::NotNumeric { name }) if name == "c"));
}

#[test]
fn take_rows_checks_range() {
    let t = small();
    let r = t.take_rows(&[2, 0, 2]).unwrap();
    assert_eq!(r.column("x").unwrap(), &Column::Numeric(vec![3.0, 1.0, 3.0]));
    assert!(matches!(t.take_rows(&[3]), Err(DataError::RowOutOfRange { row: 3, n_rows: 3 })));
}

#[test]
fn target_labels_are_sorted_like_np_unique() {
    let t = small();
    // Categorical with a missing label: a named error with the row.
    let err = t.split_target("c").unwrap_err();
    assert!(matches!(&err, DataError::MissingTarget { name, row: 2 } if name == "c"), "{err:?}");
    assert!(err.to_string().contains("row 2"));

    let t = Table::new(vec![(
        "label".into(),
        Column::Categorical(vec![Some("b".into()), Some("B".into()), Some("a".into()), Some("b".into())]),
    )])
    .unwrap();
    let (_, y) = t.split_target("label").unwrap();
    // np.unique(["b","B","a","b"]) == ["B","a","b"] (code-point order).
    assert_eq!(y.labels.labels(), ["B", "a", "b"]);
    assert_eq!(y.indices, [2, 0, 1, 2]);

    // Numeric labels sort by value, not by text: np.unique([10, 9, 1.5]) == [1.5, 9, 10].
    let t = Table::new(vec![("n".into(), Column::Numeric(vec![10.0, 9.0, 1.5, -0.0, 0.0]))]).unwrap();
    let (_, y) = t.split_target("n").unwrap();
    assert_eq!(y.labels.labels(), ["0", "1.5", "9", "10"]);
    assert_eq!(y.indices, [3, 2, 1, 0, 0]);
}

#[test]
fn encode_with_known_labels() {
    let map = LabelMap::new(vec!["No".into(), "Yes".into()]).unwrap();
    let t = Table::new(vec![(
        "churn".into(),
        Column::Categorical(vec![Some("Yes".into()), Some("Maybe".into())]),
    )])
    .unwrap();
    let err = t.encode_target("churn", &map).unwrap_err();
    assert!(matches!(&err, DataError::UnknownLabel { row: 1, label, .. } if label == "Maybe"), "{err:?}");
    assert!(matches!(map.decode(&[2]), Err(DataError::UnknownClassIndex { index: 2, n_classes: 2 })));
    assert!(matches!(LabelMap::new(vec![]), Err(DataError::InvalidLabels { .. })));
    assert!(matches!(LabelMap::new(vec!["a".into(), "a".into()]), Err(DataError::InvalidLabels { .. })));
}

#[test]
fn fingerprint_changes_with_any_cell_name_or_order() {
    let base = small().fingerprint();
    assert_eq!(base, small().fingerprint());
    let mut variants = vec![
        small().select(&["c", "x", "y"]).unwrap(),
        small().take_rows(&[0, 1]).unwrap(),
        Table::new(vec![
            ("x".into(), Column::Numeric(vec![1.0, 2.0, 3.0000000000000004])),
            ("c".into(), Column::Categorical(vec![Some("b".into()), Some("a".into()), None])),
            ("y".into(), Column::Numeric(vec![10.0, f64::NAN, 30.0])),
        ])
        .unwrap(),
        Table::new(vec![
            ("x".into(), Column::Numeric(vec![1.0, 2.0, 3.0])),
            ("c".into(), Column::Categorical(vec![Some("b".into()), Some("a".into()), Some("".into())])),
            ("y".into(), Column::Numeric(vec![10.0, f64::NAN, 30.0])),
        ])
        .unwrap(),
    ];
    variants.push(Table::new(vec![("X".into(), Column::Numeric(vec![1.0, 2.0, 3.0]))]).unwrap());
    for v in variants {
        assert_ne!(v.fingerprint(), base);
    }
    // Every NaN payload is the same missing value.
    let a = Table::new(vec![("x".into(), Column::Numeric(vec![f64::NAN]))]).unwrap();
    let b = Table::new(vec![("x".into(), Column::Numeric(vec![-f64::NAN]))]).unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
}

#[test]
fn builtin_datasets_have_the_documented_shape() {
    // Shapes, targets and missing counts as documented in datasets/README.md.
    let cases = [
        ("iris", 150, 5, 3),
        ("breast_cancer", 569, 31, 2),
        ("penguins", 344, 8, 3),
        ("telco_churn", 7043, 21, 2),
    ];
    for (name, rows, cols, classes) in cases {
        let d = datasets::load(name).unwrap();
        assert_eq!((d.table.n_rows(), d.table.n_cols()), (rows, cols), "{name}");
        let (_, y) = d.features_and_target().unwrap();
        assert_eq!(y.labels.len(), classes, "{name}");
    }
    let telco = datasets::telco_churn().unwrap().table;
    assert_eq!(telco.column("totalcharges").unwrap().n_missing(), 11);
    assert_eq!(telco.column("customerid").unwrap().kind(), amber_data::ColumnKind::Categorical);
    assert_eq!(telco.column("seniorcitizen").unwrap().kind(), amber_data::ColumnKind::Numeric);
    let penguins = datasets::penguins().unwrap().table;
    assert_eq!(penguins.column("sex").unwrap().n_missing(), 11);
    assert_eq!(penguins.column("bill_length_mm").unwrap().n_missing(), 2);
    let (_, y) = datasets::telco_churn().unwrap().features_and_target().unwrap();
    assert_eq!(y.labels.labels(), ["No", "Yes"]);
    assert!(matches!(datasets::load("mnist"), Err(DataError::UnknownDataset { .. })));
}

#[test]
fn deserializing_a_table_rechecks_it() {
    let good = small().drop_columns(&["y"]).unwrap(); // JSON has no NaN

    let json = serde_json::to_value(&good).unwrap();
    let back: Table = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, good);
    let mut ragged = json.clone();
    ragged["columns"][0]["Numeric"] = serde_json::json!([1.0]);
    // The decoded table is checked as Table::new checks one: each error names what is wrong.
    let error = |v| serde_json::from_value::<Table>(v).unwrap_err().to_string();
    assert_eq!(error(ragged), r#"column "c" has 3 rows, but the table has 1"#);
    let mut dup = json.clone();
    dup["names"][1] = serde_json::json!("x");
    assert_eq!(error(dup), r#"column name "x" appears more than once"#);
    let mut rows = json;
    rows["n_rows"] = serde_json::json!(99);
    assert_eq!(error(rows), "invalid table: row count 99 but columns of 3 rows");
}

#[test]
fn random_sample_matches_numpy() {
    // numpy: np.random.RandomState(42).random_sample(3)
    let mut rng = amber_data::random::RandomState::new(42);
    let expected = [0.3745401188473625, 0.9507143064099162, 0.7319939418114051];
    for e in expected {
        assert_eq!(rng.random_sample(), e);
    }
}

/// Every built-in dataset written as CSV and read back with its kinds declared is the same table,
/// bit for bit (numbers in shortest round-trip form, missing cells empty).
#[test]
fn write_csv_round_trips_every_dataset() {
    for name in ["iris", "breast_cancer", "penguins", "telco_churn"] {
        let table = amber_data::datasets::load(name).unwrap().table;
        let mut text = Vec::new();
        table.write_csv(&mut text).unwrap();
        let options = table.columns().fold(CsvOptions::default(), |o, (n, c)| o.column_kind(n, c.kind()));
        let back = Table::from_csv_str(std::str::from_utf8(&text).unwrap(), &options).unwrap();
        assert_eq!(back, table, "{name}");
        for (a, b) in back.columns().zip(table.columns()) {
            if let (Some(x), Some(y)) = (a.1.as_numeric(), b.1.as_numeric()) {
                assert!(x
                    .iter()
                    .zip(y)
                    .all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan())));
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let err = amber_data::datasets::iris()
        .unwrap()
        .table
        .write_csv_path(tmp.path().join("no/such/dir.csv"))
        .unwrap_err();
    assert!(matches!(&err, DataError::Write { target, .. } if target.ends_with("no/such/dir.csv")), "{err}");
}

#[test]
fn tables_from_matrices_and_their_printout() {
    let x = ndarray::array![[1.0, 2.0, 3.0], [4.0, f64::NAN, 6.0]];
    let t = Table::from_array2(&["a", "b", "c"], x.view()).unwrap();
    assert_eq!((t.n_rows(), t.n_cols()), (2, 3));
    assert!(t.to_array2().unwrap().iter().zip(x.iter()).all(|(p, q)| p == q || (p.is_nan() && q.is_nan())));
    assert!(matches!(Table::from_array2(&["a"], x.view()), Err(DataError::InvalidTable { .. })));
    assert!(matches!(Table::from_array2(&["a", "a", "c"], x.view()), Err(DataError::DuplicateColumn { .. })));
    // Right-aligned columns as wide as their widest cell, a 3-wide row index, `NA` for missing.
    assert_eq!(t.to_string(), "     a   b  c\n  0  1   2  3\n  1  4  NA  6\n[2 rows × 3 columns]\n");
}

/// Columns are shared, not copied, by `clone`, `select` and `shared_column`; `into_columns` of a
/// still-shared table copies, and the original is untouched.
#[test]
fn selecting_and_cloning_share_columns() {
    use std::sync::Arc;
    let t = Table::new(vec![
        ("a".into(), Column::Numeric(vec![1.0, 2.0])),
        ("b".into(), Column::Categorical(vec![Some("x".into()), None])),
    ])
    .unwrap();
    let a = t.shared_column("a").unwrap();
    assert!(Arc::ptr_eq(&a, &t.select(&["b", "a"]).unwrap().shared_column("a").unwrap()));
    assert!(Arc::ptr_eq(&a, &t.clone().shared_column("a").unwrap()));
    let moved = t.clone().into_columns();
    assert_eq!(moved[0], ("a".to_string(), Column::Numeric(vec![1.0, 2.0])));
    assert_eq!(t.column("b").unwrap().as_categorical().unwrap(), [Some("x".to_string()), None]);
    assert!(matches!(t.shared_column("c"), Err(DataError::UnknownColumn { .. })));
}

/// `category_index` finds a value among sorted categories, by scan (few) or by bisection (many).
#[test]
fn category_index_finds_every_category_and_nothing_else() {
    for n in [1usize, 3, 8, 9, 40] {
        let cats: Vec<String> = (0..n).map(|i| format!("c{i:03}")).collect();
        for (i, c) in cats.iter().enumerate() {
            assert_eq!(amber_data::category_index(&cats, c), Some(i), "{n} categories");
        }
        for absent in ["", "c", "c0000", "d", "c999"] {
            assert_eq!(amber_data::category_index(&cats, absent), None, "{absent:?} among {n}");
        }
    }
}
