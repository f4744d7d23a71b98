//! The models served: each one's current version behind an `Arc`, swapped when its alias moves.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use amber_data::{Column, Table};
use amber_model_selection::drift::{drift, DriftError, DriftReport};
use amber_persistence::{ModelVersion, Registry};
use amber_pipeline::FittedPipeline;
use serde_json::{json, Value};

use crate::error::ServeError;
use crate::metrics::{Metrics, Outcome};
use crate::Event;

/// One loaded, verified version of a model.
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(crate) version: u32,
    pub(crate) pipeline: FittedPipeline,
    /// The labels of the probability columns, in order.
    pub(crate) proba_labels: Vec<String>,
    pub(crate) entry: ModelVersion,
    /// The rows of the latest requests this version answered, for drift.
    window: Mutex<Window>,
    /// Requests answered, and whether the window is full (read without the lock).
    observed: AtomicU64,
    /// `observed` when the drift gauges were last computed.
    gauged: AtomicU64,
    full: AtomicBool,
}

/// Once the drift window is full, one request in this many replaces its oldest rows.
pub const FULL_WINDOW_STRIDE: u64 = 10;

/// The latest requests' rows: whole requests, the oldest dropped beyond the window's size
/// ([`ServeOptions::drift_window`](crate::ServeOptions::drift_window)).
#[derive(Debug, Default)]
struct Window {
    tables: VecDeque<Table>,
    rows: usize,
}

/// The columns of `tables` (conformed to one schema) end to end.
fn concat(tables: &[Table]) -> Option<Table> {
    let first = tables.first()?;
    // Each table's columns, listed once (indexed below, not searched per column).
    let listed: Vec<Vec<&Column>> = tables.iter().map(|t| t.columns().map(|(_, c)| c).collect()).collect();
    let nth = |i: usize| listed.iter().filter_map(move |cols| cols.get(i).copied());
    let columns = first
        .columns()
        .enumerate()
        .map(|(i, (name, c))| {
            let column = match c {
                Column::Numeric(_) => Column::Numeric(
                    nth(i).flat_map(|c| c.as_numeric().unwrap_or_default().iter().copied()).collect(),
                ),
                Column::Categorical(_) => Column::Categorical(
                    nth(i).flat_map(|c| c.as_categorical().unwrap_or_default().iter().cloned()).collect(),
                ),
            };
            (name.to_string(), column)
        })
        .collect();
    Table::new(columns).ok()
}

impl Loaded {
    /// Loads and fully verifies version `version` (checksum, signature when keys are trusted,
    /// validation, the stored sample re-run): what [`Registry::load_version`] does.
    pub(crate) fn load(registry: &Registry, name: &str, version: u32) -> Result<Loaded, ServeError> {
        let (pipeline, entry) = registry.load_version::<FittedPipeline>(name, version)?;
        let proba_labels = pipeline.proba_labels().unwrap_or_default();
        Ok(Loaded {
            version,
            pipeline,
            proba_labels,
            entry,
            window: Mutex::new(Window::default()),
            observed: AtomicU64::new(0),
            gauged: AtomicU64::new(0),
            full: AtomicBool::new(false),
        })
    }

    /// Keeps the rows of an answered request for drift: moved in as they are (no copy on the
    /// request path); the drift computation converts them to the model's columns.
    pub(crate) fn observe(&self, rows: Table, limit: usize) {
        if limit == 0 {
            return;
        }
        // Once the window is full, one request in [`FULL_WINDOW_STRIDE`] replaces the oldest: a
        // systematic sample of the traffic, at a tenth of the cost on the request path.
        let seen = self.observed.fetch_add(1, Ordering::Relaxed);
        if self.full.load(Ordering::Relaxed) && !seen.is_multiple_of(FULL_WINDOW_STRIDE) {
            return;
        }
        let mut window = locked(&self.window);
        window.rows += rows.n_rows();
        window.tables.push_back(rows);
        while window.rows > limit && window.tables.len() > 1 {
            if let Some(old) = window.tables.pop_front() {
                window.rows -= old.n_rows();
            }
        }
        self.full.store(window.rows >= limit, Ordering::Relaxed);
    }

    /// The drift of the window against the training reference; `None` before any request.
    pub(crate) fn drift(&self) -> Result<Option<(usize, DriftReport)>, DriftError> {
        if self.pipeline.reference.is_none() {
            return Err(DriftError::NoReference);
        }
        let tables: Vec<Table> = locked(&self.window).tables.iter().cloned().collect();
        // Each was checked when it was answered, so each conforms.
        let tables: Vec<Table> = tables.iter().filter_map(|t| self.pipeline.conformed(t).ok()).collect();
        let Some(rows) = concat(&tables) else { return Ok(None) };
        Ok(Some((rows.n_rows(), drift(&self.pipeline, &rows)?)))
    }

    /// The window's drift if requests arrived since the last call (the gauges' update on each
    /// poll); `None` when none did, or there is nothing to compare.
    pub(crate) fn drift_if_new(&self) -> Option<DriftReport> {
        let seen = self.observed.load(Ordering::Relaxed);
        if self.gauged.swap(seen, Ordering::Relaxed) == seen {
            return None;
        }
        self.drift().ok().flatten().map(|(_, report)| report)
    }

    /// What `GET /v1/models/{name}` says about this version.
    pub(crate) fn describe(&self) -> Value {
        let h = &self.entry.header;
        json!({
            "version": self.version,
            "algorithm": self.entry.algorithm,
            "kind": h.kind,
            "format_version": h.format_version,
            "created": h.created,
            "amber_version": h.versions.amber,
            "payload_sha256": h.payload_sha256,
            "signed_by": h.signature.as_ref().map(|s| s.key_id.clone()),
            "dataset": h.dataset,
            "evaluation": h.evaluation,
            "metrics": h.metrics,
            "hyperparameters": h.hyperparameters,
            "labels": self.proba_labels,
            "target": self.pipeline.target,
            "schema": self.pipeline.schema,
            "steps": self.pipeline.step_kinds().into_iter().map(|(path, kind)| json!({"path": path, "kind": kind})).collect::<Vec<_>>(),
        })
    }
}

/// A version the alias pointed at that failed to load or verify.
#[derive(Debug, Clone)]
pub(crate) struct Rejected {
    pub(crate) version: u32,
    pub(crate) error: String,
}

/// A model being served under one alias.
#[derive(Debug)]
pub(crate) struct Served {
    pub(crate) name: String,
    pub(crate) alias: String,
    current: RwLock<Arc<Loaded>>,
    rejected: Mutex<Option<Rejected>>,
    /// Why the alias could not be read at the last poll, if it could not.
    alias_error: Mutex<Option<String>>,
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Served {
    /// Loads the version `alias` points at.
    pub(crate) fn start(registry: &Registry, name: &str, alias: &str) -> Result<Served, ServeError> {
        let entry = registry
            .alias(name, alias)?
            .ok_or_else(|| ServeError::NoAlias { name: name.to_string(), alias: alias.to_string() })?;
        let loaded = Loaded::load(registry, name, entry.version)?;
        Ok(Served {
            name: name.to_string(),
            alias: alias.to_string(),
            current: RwLock::new(Arc::new(loaded)),
            rejected: Mutex::new(None),
            alias_error: Mutex::new(None),
        })
    }

    /// The version serving now. A request holds it to the end, whatever is swapped meanwhile.
    pub(crate) fn current(&self) -> Arc<Loaded> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn rejected(&self) -> Option<Rejected> {
        locked(&self.rejected).clone()
    }

    pub(crate) fn alias_error(&self) -> Option<String> {
        locked(&self.alias_error).clone()
    }

    /// Reads the alias; when it names another version, loads and verifies that version here (off
    /// the request path) and swaps it in. A version that fails is recorded and not tried again
    /// until the alias moves to another one; the serving version stays.
    pub(crate) fn poll(&self, registry: &Registry, metrics: &Metrics) -> Option<Event> {
        let target = match registry.alias(&self.name, &self.alias) {
            Ok(Some(entry)) => entry.version,
            Ok(None) => {
                let error = format!("the alias {:?} is gone; still serving the last version", self.alias);
                return self.alias_unavailable(error);
            }
            Err(e) => return self.alias_unavailable(e.to_string()),
        };
        *locked(&self.alias_error) = None;
        let from = self.current().version;
        if target == from || self.rejected().is_some_and(|r| r.version == target) {
            return None;
        }
        match Loaded::load(registry, &self.name, target) {
            Ok(loaded) => {
                *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(loaded);
                *locked(&self.rejected) = None;
                metrics.swap(&self.name, Outcome::Swapped);
                metrics.serving(&self.name, target);
                Some(Event::Swapped { model: self.name.clone(), from, to: target })
            }
            Err(e) => {
                let error = e.to_string();
                *locked(&self.rejected) = Some(Rejected { version: target, error: error.clone() });
                metrics.swap(&self.name, Outcome::Rejected);
                Some(Event::Rejected { model: self.name.clone(), version: target, serving: from, error })
            }
        }
    }

    /// Records that the alias cannot be read; reported once per change of the reason.
    fn alias_unavailable(&self, error: String) -> Option<Event> {
        let mut last = locked(&self.alias_error);
        if last.as_deref() == Some(error.as_str()) {
            return None;
        }
        *last = Some(error.clone());
        Some(Event::AliasUnavailable { model: self.name.clone(), alias: self.alias.clone(), error })
    }
}

/// Every model served, found by name.
#[derive(Debug)]
pub(crate) struct Models(pub(crate) Vec<Served>);

impl Models {
    pub(crate) fn get(&self, name: &str) -> Option<&Served> {
        self.0.iter().find(|s| s.name == name)
    }
}
