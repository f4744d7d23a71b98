//! The CLI's one error type: what went wrong, and which exit status it gives.

use std::error::Error;
use std::fmt;

use amber_data::DataError;
use amber_model_selection::metrics::MetricError;
use amber_model_selection::SearchError;
use amber_persistence::PersistError;
use amber_pipeline::PipelineError;

/// Exit statuses, as documented in `amber --help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 1: a usage or input error (bad flag, bad CSV, a column the model needs is missing).
    Input = 1,
    /// 2: the model file is invalid, damaged, or not signed by a trusted key.
    Model = 2,
    /// 3: a file could not be read or written.
    Io = 3,
    /// 4: `amber drift` found drift or a metric drop (a finding, not a failure).
    Drift = 4,
}

/// An error and its exit status.
#[derive(Debug)]
pub struct CliError {
    /// The exit status it gives.
    pub status: Status,
    /// What went wrong.
    pub error: Box<dyn Error + Send + Sync>,
}

impl CliError {
    /// A usage or input error with this message.
    pub fn input(message: impl Into<String>) -> Self {
        CliError { status: Status::Input, error: message.into().into() }
    }

    /// The error's message and its causes, one to three lines, each at most 400 characters: a
    /// cause is left out when the line above already says it.
    pub fn lines(&self) -> Vec<String> {
        let one_line = |s: String| {
            let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if flat.chars().count() > 400 {
                format!("{}…", flat.chars().take(400).collect::<String>())
            } else {
                flat
            }
        };
        let mut lines = vec![format!("error: {}", one_line(self.error.to_string()))];
        let mut source = self.error.source();
        while let Some(cause) = source {
            let text = one_line(cause.to_string());
            if lines.len() < 3 && !lines.iter().any(|l| l.contains(&text)) {
                lines.push(format!("  caused by: {text}"));
            }
            source = cause.source();
        }
        lines
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl Error for CliError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.error.source()
    }
}

fn with<E: Error + Send + Sync + 'static>(status: Status, e: E) -> CliError {
    CliError { status, error: Box::new(e) }
}

impl From<DataError> for CliError {
    fn from(e: DataError) -> Self {
        let status = if matches!(e, DataError::Io { .. }) { Status::Io } else { Status::Input };
        with(status, e)
    }
}

impl From<PipelineError> for CliError {
    fn from(e: PipelineError) -> Self {
        let status = match &e {
            PipelineError::Data(DataError::Io { .. }) => Status::Io,
            PipelineError::InvalidPipeline { .. } => Status::Model,
            _ => Status::Input,
        };
        with(status, e)
    }
}

impl From<PersistError> for CliError {
    fn from(e: PersistError) -> Self {
        let status = match &e {
            PersistError::Io { .. } | PersistError::Store { .. } => Status::Io,
            PersistError::Registry { .. }
            | PersistError::InvalidOption { .. }
            | PersistError::Key { .. }
            | PersistError::NotAFile { .. } => Status::Input,
            _ => Status::Model,
        };
        with(status, e)
    }
}

impl From<SearchError> for CliError {
    fn from(e: SearchError) -> Self {
        let status =
            if matches!(e, SearchError::Data(DataError::Io { .. })) { Status::Io } else { Status::Input };
        with(status, e)
    }
}

impl From<amber_model_selection::SplitError> for CliError {
    fn from(e: amber_model_selection::SplitError) -> Self {
        with(Status::Input, e)
    }
}

impl From<amber_model_selection::checks::CheckError> for CliError {
    fn from(e: amber_model_selection::checks::CheckError) -> Self {
        with(Status::Input, e)
    }
}

impl From<MetricError> for CliError {
    fn from(e: MetricError) -> Self {
        with(Status::Input, e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        with(Status::Io, e)
    }
}

impl From<csv::Error> for CliError {
    fn from(e: csv::Error) -> Self {
        let status = if e.is_io_error() { Status::Io } else { Status::Input };
        with(status, e)
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        with(Status::Io, e)
    }
}

/// Adds what was being done to an I/O error: `write report.html: permission denied`.
pub fn io_context(what: String) -> impl FnOnce(std::io::Error) -> CliError {
    move |e| CliError { status: Status::Io, error: format!("{what}: {e}").into() }
}
