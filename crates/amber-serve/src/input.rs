//! Request bodies to tables: JSON `{"rows": [{column: value, …}, …]}` or CSV with a header, read
//! with the kinds of the model's input schema.

use std::path::Path;

use amber_data::{Column, ColumnKind, DataError, Table};
use amber_estimators::EstimatorError;
use amber_pipeline::{ColumnSchema, InputSchema, PipelineError};
use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::error::{shown, ApiError};

/// The body formats a prediction accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Csv,
}

/// The format named by a `Content-Type` header (JSON when there is none).
pub(crate) fn format_of(content_type: Option<&str>) -> Result<Format, ApiError> {
    let Some(value) = content_type else { return Ok(Format::Json) };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(Format::Json),
        "text/csv" => Ok(Format::Csv),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("content type {} is neither application/json nor text/csv", shown(value)),
        )),
    }
}

/// The rows of a body, as a table of the schema's columns in its kinds.
pub(crate) fn parse(
    body: &[u8],
    format: Format,
    schema: &InputSchema,
    max_rows: usize,
) -> Result<Table, ApiError> {
    let table = match format {
        Format::Json => from_json(body, schema, max_rows)?,
        Format::Csv => from_csv(body, schema)?,
    };
    check_rows(table.n_rows(), max_rows)?;
    Ok(table)
}

fn check_rows(rows: usize, max_rows: usize) -> Result<(), ApiError> {
    if rows > max_rows {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_rows",
            format!("{rows} rows in one request; the limit is {max_rows}"),
        ));
    }
    Ok(())
}

fn from_csv(body: &[u8], schema: &InputSchema) -> Result<Table, ApiError> {
    Table::from_csv_reader(body, Path::new("<request body>"), &schema.csv_options()).map_err(|e| match e {
        DataError::UnknownDeclaredColumn { name, .. } => ApiError::invalid(
            "missing_column",
            format!("the CSV header has no column {}, which the model needs", shown(&name)),
        ),
        other => ApiError::invalid("invalid_csv", other.to_string()),
    })
}

/// A JSON value's type, for messages (never the value itself).
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn from_json(body: &[u8], schema: &InputSchema, max_rows: usize) -> Result<Table, ApiError> {
    // Parsed to a `Value` first: serde_json's syntax errors name a line and column and never
    // quote the input, unlike its type errors.
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("the body is not JSON: {e}"))
    })?;
    let shape = || {
        ApiError::invalid("bad_body", "the body must be a JSON object {\"rows\": [{column: value, …}, …]}")
    };
    let Value::Object(mut top) = value else { return Err(shape()) };
    let Some(Value::Array(rows)) = top.remove("rows") else { return Err(shape()) };
    check_rows(rows.len(), max_rows)?;
    let mut rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| match row {
            Value::Object(cells) => Ok(cells),
            other => {
                Err(ApiError::invalid("bad_row", format!("row {i} is {}, not an object", type_name(&other))))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let columns = schema
        .columns
        .iter()
        .map(|c| Ok((c.name.clone(), json_column(c, &mut rows)?)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    Table::new(columns).map_err(|e| ApiError::invalid("bad_body", e.to_string()))
}

/// Takes column `c` out of every row. Numbers and nulls make a numeric column; anything with
/// text is read as text, which the pipeline's schema check then converts or reports with its row.
fn json_column(c: &ColumnSchema, rows: &mut [Map<String, Value>]) -> Result<Column, ApiError> {
    let cells = rows
        .iter_mut()
        .enumerate()
        .map(|(i, row)| {
            row.remove(&c.name).ok_or_else(|| {
                ApiError::invalid(
                    "missing_column",
                    format!(
                        "row {i} has no column {}, which the model needs (send null for a missing value)",
                        shown(&c.name)
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if c.kind == ColumnKind::Numeric && cells.iter().all(|v| v.is_number() || v.is_null()) {
        return Ok(Column::Numeric(cells.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect()));
    }
    let text = cells
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            Value::Number(n) => Ok(Some(n.to_string())),
            other => Err(ApiError::invalid(
                "invalid_value",
                format!(
                    "row {i}, column {}: {} is neither a number, a string nor null",
                    shown(&c.name),
                    type_name(&other)
                ),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Column::Categorical(text))
}

/// A pipeline's refusal of the rows, as a 422 with the error's own name.
pub(crate) fn pipeline_error(e: PipelineError) -> ApiError {
    let kind = match &e {
        PipelineError::MissingColumn { .. } => "missing_column",
        PipelineError::TextInNumericColumn { .. } => "text_in_numeric_column",
        PipelineError::NumbersInCategoricalColumn { .. } => "numbers_in_categorical_column",
        PipelineError::MissingValue { .. } => "missing_value",
        PipelineError::NonFinite { .. } => "non_finite",
        PipelineError::Step { source: EstimatorError::UnknownCategory { .. }, .. } => "unknown_category",
        _ => "invalid_input",
    };
    ApiError::invalid(kind, e.to_string())
}
