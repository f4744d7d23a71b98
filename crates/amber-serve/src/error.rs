//! Errors: [`ServeError`] when the service cannot start, [`ApiError`] for one request.

use amber_persistence::PersistError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why the service could not start (or stopped).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The registry could not be read, or a model failed to load or verify.
    #[error(transparent)]
    Persist(#[from] PersistError),
    /// A model asked for has no such alias in the registry.
    #[error("model {name:?} has no alias {alias:?} in the registry")]
    NoAlias {
        /// The model.
        name: String,
        /// The alias.
        alias: String,
    },
    /// No model was asked for, and no model in the registry has the default alias.
    #[error("no model in the registry has the alias {alias:?}; name models to serve, or promote one")]
    NothingToServe {
        /// The alias looked for.
        alias: String,
    },
    /// The same model was asked for twice.
    #[error("model {name:?} is asked for twice")]
    DuplicateModel {
        /// The model.
        name: String,
    },
    /// A `NAME[@ALIAS]` reference that is not one.
    #[error("invalid model reference {text:?}: expected NAME or NAME@ALIAS")]
    BadModelRef {
        /// The reference, at most 80 characters of it.
        text: String,
    },
    /// An option out of its range.
    #[error("invalid option {name}: {reason}")]
    InvalidOption {
        /// The option.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// The socket failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// The longest error message sent, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// A request that could not be answered: an HTTP status, a stable `kind` for programs and a
/// message for people that names what was wrong and where (row, column). Sent as
/// `{"error": {"kind": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable snake_case name of the error (`missing_column`, `too_many_rows`, …).
    pub kind: &'static str,
    /// What was wrong and where.
    pub message: String,
}

impl ApiError {
    /// Messages are cut at [`MAX_MESSAGE_CHARS`]: some quote a cell the client sent.
    pub(crate) fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, kind, message: amber_data::cut_at(&message.into(), MAX_MESSAGE_CHARS) }
    }

    /// 422: the request is well formed but its rows do not fit the model.
    pub(crate) fn invalid(kind: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, kind, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "kind": self.kind, "message": self.message } });
        (self.status, axum::Json(body)).into_response()
    }
}

/// Text from a client or a file, shown in a message: at most 80 characters, escaped.
pub(crate) fn shown(text: &str) -> String {
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}
