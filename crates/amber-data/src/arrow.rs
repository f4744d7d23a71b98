//! Tables from Arrow record batches and Parquet files (features `arrow` and `parquet`).
//!
//! Arrow integers, floats and decimals become numeric columns, booleans numeric 0/1, strings and
//! string dictionaries categorical; nulls are missing (and `NaN` floats too). Any other type is
//! [`DataError::UnsupportedArrowType`], naming the column.

use arrow_array::cast::AsArray;
use arrow_array::types::*;
#[cfg(feature = "parquet")]
use arrow_array::RecordBatchReader;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;

use crate::error::DataError;
use crate::table::{Column, Table};

/// `f64` values of a primitive array, `NaN` where null.
fn numbers<T: ArrowPrimitiveType>(array: &dyn Array, to_f64: impl Fn(T::Native) -> f64) -> Vec<f64> {
    let values = array.as_primitive::<T>();
    (0..values.len()).map(|i| if values.is_null(i) { f64::NAN } else { to_f64(values.value(i)) }).collect()
}

/// Text of a string dictionary, `None` where null.
fn dictionary<K: ArrowDictionaryKeyType>(
    array: &dyn Array,
    name: &str,
) -> Result<Vec<Option<String>>, DataError> {
    let dict = array.as_dictionary::<K>();
    let Some(typed) = dict.downcast_dict::<arrow_array::StringArray>() else {
        return Err(DataError::UnsupportedArrowType {
            column: name.to_string(),
            data_type: array.data_type().to_string(),
        });
    };
    Ok(typed.into_iter().map(|v| v.map(str::to_string)).collect())
}

fn column(name: &str, array: &ArrayRef) -> Result<Column, DataError> {
    let a = array.as_ref();
    let text = |values: Vec<Option<&str>>| {
        Column::Categorical(values.into_iter().map(|v| v.map(str::to_string)).collect())
    };
    Ok(match a.data_type() {
        DataType::Float64 => Column::Numeric(numbers::<Float64Type>(a, |v| v)),
        DataType::Float32 => Column::Numeric(numbers::<Float32Type>(a, f64::from)),
        DataType::Float16 => Column::Numeric(numbers::<Float16Type>(a, f64::from)),
        DataType::Int8 => Column::Numeric(numbers::<Int8Type>(a, f64::from)),
        DataType::Int16 => Column::Numeric(numbers::<Int16Type>(a, f64::from)),
        DataType::Int32 => Column::Numeric(numbers::<Int32Type>(a, f64::from)),
        DataType::Int64 => Column::Numeric(numbers::<Int64Type>(a, |v| v as f64)),
        DataType::UInt8 => Column::Numeric(numbers::<UInt8Type>(a, f64::from)),
        DataType::UInt16 => Column::Numeric(numbers::<UInt16Type>(a, f64::from)),
        DataType::UInt32 => Column::Numeric(numbers::<UInt32Type>(a, f64::from)),
        DataType::UInt64 => Column::Numeric(numbers::<UInt64Type>(a, |v| v as f64)),
        DataType::Decimal128(_, scale) => {
            let divisor = 10f64.powi(i32::from(*scale));
            Column::Numeric(numbers::<Decimal128Type>(a, |v| v as f64 / divisor))
        }
        DataType::Boolean => {
            let b = a.as_boolean();
            Column::Numeric(
                (0..b.len())
                    .map(|i| if b.is_null(i) { f64::NAN } else { f64::from(u8::from(b.value(i))) })
                    .collect(),
            )
        }
        DataType::Utf8 => text(a.as_string::<i32>().iter().collect()),
        DataType::LargeUtf8 => text(a.as_string::<i64>().iter().collect()),
        DataType::Utf8View => text(a.as_string_view().iter().collect()),
        DataType::Dictionary(key, _) => Column::Categorical(match key.as_ref() {
            DataType::Int8 => dictionary::<Int8Type>(a, name)?,
            DataType::Int16 => dictionary::<Int16Type>(a, name)?,
            DataType::Int32 => dictionary::<Int32Type>(a, name)?,
            DataType::Int64 => dictionary::<Int64Type>(a, name)?,
            DataType::UInt8 => dictionary::<UInt8Type>(a, name)?,
            DataType::UInt16 => dictionary::<UInt16Type>(a, name)?,
            DataType::UInt32 => dictionary::<UInt32Type>(a, name)?,
            DataType::UInt64 => dictionary::<UInt64Type>(a, name)?,
            _ => {
                return Err(DataError::UnsupportedArrowType {
                    column: name.to_string(),
                    data_type: a.data_type().to_string(),
                })
            }
        }),
        other => {
            return Err(DataError::UnsupportedArrowType {
                column: name.to_string(),
                data_type: other.to_string(),
            })
        }
    })
}

impl Table {
    /// A table from an Arrow record batch: one column per field, in order (see the module
    /// documentation for the type mapping).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use amber_data::Table;
    /// use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    ///
    /// let batch = RecordBatch::try_from_iter([
    ///     ("tenure", Arc::new(Float64Array::from(vec![Some(3.0), None])) as ArrayRef),
    ///     ("contract", Arc::new(StringArray::from(vec![Some("Two year"), None])) as ArrayRef),
    /// ]).unwrap();
    /// let t = Table::from_record_batch(&batch)?;
    /// assert_eq!((t.column("tenure")?.n_missing(), t.column("contract")?.n_missing()), (1, 1));
    /// # Ok::<(), amber_data::DataError>(())
    /// ```
    pub fn from_record_batch(batch: &RecordBatch) -> Result<Table, DataError> {
        let schema = batch.schema();
        let columns = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(field, array)| Ok((field.name().clone(), column(field.name(), array)?)))
            .collect::<Result<Vec<_>, DataError>>()?;
        Table::new(columns)
    }

    /// The table as an Arrow record batch: numeric columns as nullable `Float64`, categorical ones
    /// as nullable `Utf8`, missing cells null. [`Table::from_record_batch`] reads it back equal.
    ///
    /// ```
    /// let iris = amber_data::datasets::iris()?.table;
    /// let batch = iris.to_record_batch()?;
    /// assert_eq!((batch.num_rows(), batch.num_columns()), (150, 5));
    /// assert_eq!(amber_data::Table::from_record_batch(&batch)?, iris);
    /// # Ok::<(), amber_data::DataError>(())
    /// ```
    pub fn to_record_batch(&self) -> Result<RecordBatch, DataError> {
        use std::sync::Arc;
        let columns: Vec<(&str, ArrayRef)> = self
            .columns()
            .map(|(name, c)| {
                let array: ArrayRef = match c {
                    Column::Numeric(v) => Arc::new(arrow_array::Float64Array::from(
                        v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect::<Vec<_>>(),
                    )),
                    Column::Categorical(v) => Arc::new(arrow_array::StringArray::from(v.clone())),
                };
                (name, array)
            })
            .collect();
        RecordBatch::try_from_iter(columns).map_err(|e| DataError::InvalidTable { reason: e.to_string() })
    }

    /// Reads a Parquet file (every row group) into a table; nulls are missing.
    #[cfg(feature = "parquet")]
    pub fn from_parquet_path(path: impl AsRef<std::path::Path>) -> Result<Table, DataError> {
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        let path = path.as_ref();
        let fail = |message: String| DataError::Parquet { file: path.to_path_buf(), message };
        let file =
            std::fs::File::open(path).map_err(|source| DataError::Io { file: path.to_path_buf(), source })?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| fail(e.to_string()))?
            .build()
            .map_err(|e| fail(e.to_string()))?;
        // Columns of the file's schema (and kinds, even with no rows), then every batch appended.
        let empty = Table::from_record_batch(&RecordBatch::new_empty(reader.schema()))?;
        let mut parts: Vec<(String, Column)> =
            empty.columns().map(|(n, c)| (n.to_string(), c.clone())).collect();
        for batch in reader {
            let batch = batch.map_err(|e| fail(e.to_string()))?;
            let table = Table::from_record_batch(&batch)?;
            for ((_, into), (_, from)) in parts.iter_mut().zip(table.columns()) {
                match (into, from) {
                    (Column::Numeric(a), Column::Numeric(b)) => a.extend_from_slice(b),
                    (Column::Categorical(a), Column::Categorical(b)) => a.extend_from_slice(b),
                    _ => return Err(fail("a column changes kind between row groups".into())),
                }
            }
        }
        Table::new(parts)
    }
}
