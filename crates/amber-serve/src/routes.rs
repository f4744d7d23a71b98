//! The HTTP routes.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{json, Map, Value};

use crate::error::{shown, ApiError};
use crate::input::{self, Format};
use crate::models::{Loaded, Served};
use crate::{App, Limits};

/// Requests with a body up to this size are parsed and predicted on the async executor; larger
/// ones go to tokio's blocking pool, so a big batch never stalls the other connections.
const INLINE_BODY_BYTES: usize = 16 << 10;

pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/v1/models", get(list))
        .route("/v1/models/{name}", get(show))
        .route("/v1/models/{name}/predict", post(predict))
        .route("/v1/models/{name}/drift", get(drift))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .layer(axum::middleware::from_fn_with_state(app.clone(), track))
        .with_state(app)
}

/// Counts every request by route template and status, and times it.
async fn track(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |m| m.as_str()).to_string();
    let _in_flight = app.metrics.in_flight();
    let start = Instant::now();
    let response = next.run(request).await;
    app.metrics.request(&route, response.status().as_u16(), start.elapsed());
    response
}

fn model<'a>(app: &'a App, name: &str) -> Result<&'a Served, ApiError> {
    app.models.get(name).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_model",
            format!("no model {} is served here", shown(name)),
        )
    })
}

async fn readyz(State(app): State<Arc<App>>) -> Response {
    let models: Vec<Value> =
        app.models.0.iter().map(|s| json!({"name": s.name, "version": s.current().version})).collect();
    Json(json!({ "ready": true, "models": models })).into_response()
}

/// The body is OpenMetrics 1.0 text (counter families named without `_total`, their samples
/// with it, `# EOF`), and says so: Prometheus then parses it with the OpenMetrics parser.
pub(crate) const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

async fn metrics(State(app): State<Arc<App>>) -> Response {
    ([(header::CONTENT_TYPE, METRICS_CONTENT_TYPE)], app.metrics.encode()).into_response()
}

fn summary(s: &Served) -> Value {
    let current = s.current();
    json!({
        "name": s.name,
        "alias": s.alias,
        "version": current.version,
        "algorithm": current.entry.algorithm,
        "rejected": s.rejected().map(|r| json!({"version": r.version, "error": r.error})),
        "alias_error": s.alias_error(),
    })
}

async fn list(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({ "models": app.models.0.iter().map(summary).collect::<Vec<_>>() }))
}

async fn show(State(app): State<Arc<App>>, Path(name): Path<String>) -> Result<Json<Value>, ApiError> {
    let served = model(&app, &name)?;
    let mut out = summary(served);
    if let Value::Object(map) = &mut out {
        map.insert("model".into(), served.current().describe());
    }
    Ok(Json(out))
}

/// The drift of the latest requests' rows against the training reference.
async fn drift(State(app): State<Arc<App>>, Path(name): Path<String>) -> Result<Json<Value>, ApiError> {
    let served = model(&app, &name)?;
    if app.limits.drift_window == 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "drift_disabled",
            "this server keeps no rows for drift (drift window 0)",
        ));
    }
    let loaded = served.current();
    let computed = tokio::task::spawn_blocking({
        let loaded = loaded.clone();
        move || loaded.drift()
    })
    .await
    .map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("drift stopped: {e}"))
    })?;
    let (rows, report) = match computed {
        Ok(Some((rows, report))) => (rows, Some(report)),
        Ok(None) => (0, None),
        Err(amber_model_selection::drift::DriftError::NoReference) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "no_reference",
                "this model was saved before format 1.6 and has no training reference; retrain it to monitor drift",
            ))
        }
        Err(e) => return Err(ApiError::invalid("invalid_input", e.to_string())),
    };
    if let Some(report) = &report {
        app.metrics.drift(&served.name, report);
    }
    Ok(Json(json!({
        "model": served.name,
        "version": loaded.version,
        "window_rows": rows,
        "window_limit": app.limits.drift_window,
        "report": report,
    })))
}

#[derive(Debug, serde::Deserialize)]
struct PredictQuery {
    #[serde(default)]
    proba: bool,
}

/// Reads the body, refusing more than `limit` bytes (413) before reading them when the client
/// declares its length.
async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<bytes::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the body is larger than the limit of {limit} bytes"),
        )
    };
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unreadable_body",
            format!("the body could not be read: {e}"),
        )),
    }
}

async fn predict(
    State(app): State<Arc<App>>,
    Path(name): Path<String>,
    query: Result<Query<PredictQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let served = model(&app, &name)?;
    let Query(query) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))?;
    let content_type = headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("(not text)"));
    let format = input::format_of(content_type)?;
    let body = read_body(&headers, body, app.limits.max_body_bytes).await?;
    // The version is fixed here: this request finishes on it whatever is swapped in meanwhile.
    let loaded = served.current();
    let limits = app.limits;
    // Small bodies are answered inline (see [`INLINE_BODY_BYTES`]), larger ones off the executor.
    let small = body.len() <= INLINE_BODY_BYTES;
    let work = move || answer(&loaded, &body, format, limits, query.proba);
    let (answer, rows) = if small {
        work()?
    } else {
        tokio::task::spawn_blocking(work).await.map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("prediction stopped: {e}"))
        })??
    };
    app.metrics.rows(&served.name, rows);
    Ok(Json(answer))
}

/// Parses, checks and predicts: the answer and its number of rows.
fn answer(
    loaded: &Loaded,
    body: &[u8],
    format: Format,
    limits: Limits,
    proba: bool,
) -> Result<(Value, usize), ApiError> {
    let model = &loaded.pipeline;
    let table = input::parse(body, format, &model.schema, limits.max_rows)?;
    let prediction = model.predict_full(&table, proba).map_err(input::pipeline_error)?;
    let report = prediction.report;
    let mut out = Map::new();
    out.insert("model".into(), loaded.entry.name.clone().into());
    out.insert("version".into(), loaded.version.into());
    out.insert("predictions".into(), prediction.labels.into());
    if let Some(p) = prediction.probabilities {
        let rows: Vec<Value> = p
            .rows()
            .into_iter()
            .map(|row| {
                let by_label: Map<String, Value> =
                    loaded.proba_labels.iter().cloned().zip(row.iter().map(|v| Value::from(*v))).collect();
                Value::Object(by_label)
            })
            .collect();
        out.insert("probabilities".into(), rows.into());
    }
    if !report.unseen_categories.is_empty() {
        let warnings: Vec<Value> = report
            .unseen_categories
            .iter()
            .map(|u| json!({"column": u.column, "unseen_category_rows": u.rows.iter().take(10).collect::<Vec<_>>(), "count": u.count}))
            .collect();
        out.insert("warnings".into(), warnings.into());
    }
    let rows = table.n_rows();
    loaded.observe(table, limits.drift_window);
    Ok((Value::Object(out), rows))
}
