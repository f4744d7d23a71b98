//! Tables from Arrow record batches and Parquet files: the type mapping, nulls as missing, a named
//! error for types amber cannot take, and a Parquet round trip that trains the same model.

use std::sync::Arc;

use amber_data::{datasets, DataError, Table};
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Float32Array, Float64Array,
    Int32Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
};

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

#[test]
fn arrow_types_map_to_numeric_and_categorical_columns() {
    let dict: DictionaryArray<Int32Type> = vec![Some("a"), None, Some("b")].into_iter().collect();
    let b = batch(vec![
        ("f64", Arc::new(Float64Array::from(vec![Some(1.5), None, Some(f64::NAN)]))),
        ("f32", Arc::new(Float32Array::from(vec![0.25, 1.0, -2.0]))),
        ("i32", Arc::new(Int32Array::from(vec![Some(7), Some(-1), None]))),
        ("i64", Arc::new(Int64Array::from(vec![1 << 40, 0, 3]))),
        ("bool", Arc::new(BooleanArray::from(vec![Some(true), Some(false), None]))),
        ("dec", Arc::new(Decimal128Array::from(vec![12345, -5, 0]).with_precision_and_scale(10, 2).unwrap())),
        ("text", Arc::new(StringArray::from(vec![Some("x"), None, Some("z")]))),
        ("large", Arc::new(LargeStringArray::from(vec!["p", "q", "r"]))),
        ("dict", Arc::new(dict)),
    ]);
    let t = Table::from_record_batch(&b).unwrap();
    let num = |name: &str| t.column(name).unwrap().as_numeric().unwrap().to_vec();
    let cat = |name: &str| t.column(name).unwrap().as_categorical().unwrap().to_vec();
    let f = num("f64");
    assert_eq!(f[0], 1.5);
    assert!(f[1].is_nan() && f[2].is_nan(), "null and NaN are missing");
    assert_eq!(num("f32"), [0.25, 1.0, -2.0]);
    assert_eq!(&num("i32")[..2], [7.0, -1.0]);
    assert!(num("i32")[2].is_nan());
    assert_eq!(num("i64"), [(1u64 << 40) as f64, 0.0, 3.0]);
    assert_eq!(&num("bool")[..2], [1.0, 0.0]);
    assert_eq!(num("dec"), [123.45, -0.05, 0.0]);
    assert_eq!(cat("text"), [Some("x".to_string()), None, Some("z".to_string())]);
    assert_eq!(cat("large"), [Some("p".to_string()), Some("q".to_string()), Some("r".to_string())]);
    assert_eq!(cat("dict"), [Some("a".to_string()), None, Some("b".to_string())]);
}

#[test]
fn unsupported_arrow_types_are_named() {
    let b = batch(vec![
        ("ok", Arc::new(Float64Array::from(vec![1.0])) as ArrayRef),
        ("signup", Arc::new(Date32Array::from(vec![19000]))),
    ]);
    let err = Table::from_record_batch(&b).unwrap_err();
    assert!(
        matches!(&err, DataError::UnsupportedArrowType { column, data_type } if column == "signup" && data_type == "Date32"),
        "{err:?}"
    );
    assert!(err.to_string().contains("\"signup\""), "{err}");
    let ints: DictionaryArray<Int32Type> =
        DictionaryArray::new(Int32Array::from(vec![0]), Arc::new(Int32Array::from(vec![5])));
    let err = Table::from_record_batch(&batch(vec![("codes", Arc::new(ints) as ArrayRef)])).unwrap_err();
    assert!(matches!(err, DataError::UnsupportedArrowType { .. }), "{err:?}");
}

#[test]
fn parquet_round_trip_trains_the_same_model() {
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;
    let penguins = datasets::penguins().unwrap().table;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("penguins.parquet");
    // Small row groups, so the reader concatenates several batches.
    let props = WriterProperties::builder().set_max_row_group_row_count(Some(100)).build();
    let b = penguins.to_record_batch().unwrap();
    let mut writer =
        ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), b.schema(), Some(props)).unwrap();
    writer.write(&b).unwrap();
    writer.close().unwrap();

    let back = Table::from_parquet_path(&path).unwrap();
    assert_eq!(back, penguins, "same columns, kinds, values and missing cells");
    assert!(back.column("sex").unwrap().n_missing() > 0);

    // Not a Parquet file, or no file: named errors.
    std::fs::write(tmp.path().join("bad.parquet"), b"PAR1 not really").unwrap();
    let err = Table::from_parquet_path(tmp.path().join("bad.parquet")).unwrap_err();
    assert!(matches!(&err, DataError::Parquet { file, .. } if file.ends_with("bad.parquet")), "{err:?}");
    assert!(matches!(Table::from_parquet_path(tmp.path().join("none.parquet")), Err(DataError::Io { .. })));
}
