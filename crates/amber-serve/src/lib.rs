//! Serve amber pipelines over HTTP: predictions from JSON or CSV rows, checked against each
//! model's input schema; the models' metadata; health, readiness and Prometheus metrics; and hot
//! swap, so that moving a registry alias (`amber models promote`) changes the serving version
//! without a restart and without a failed request. Each version is loaded and fully verified
//! (checksum, signature when keys are trusted, the stored sample re-run) off the request path
//! before it is swapped in; a version that fails never replaces the serving one.
//!
//! | route | answers |
//! |---|---|
//! | `POST /v1/models/{name}/predict[?proba=true]` | `{"model", "version", "predictions", "probabilities"?, "warnings"?}` |
//! | `GET /v1/models` | the models served, their versions, any rejected version |
//! | `GET /v1/models/{name}` | metadata, schema, labels, metrics of the serving version |
//! | `GET /v1/models/{name}/drift` | the latest rows' drift (5,000 by default) against the training data ([`amber_model_selection::drift`]) |
//! | `GET /healthz`, `GET /readyz` | liveness; readiness with the versions served |
//! | `GET /metrics` | Prometheus text: requests by route and status, latency, rows, versions, swaps, drift |
//!
//! Client errors are JSON `{"error": {"kind", "message"}}` with 400 (malformed JSON, bad query),
//! 404 (unknown model or route), 413 (body or row count over the limits), 415 (neither JSON nor
//! CSV) or 422 (rows that do not fit the model, naming the row and column); never a 500.
//!
//! ```no_run
//! use amber_persistence::Registry;
//! use amber_serve::{ServeOptions, Service};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let service = Service::load(Registry::open("models")?, ServeOptions::default().model("churn@champion".parse()?))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! service.run(listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

pub mod client;
mod error;
mod input;
mod metrics;
mod models;
mod routes;

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use amber_persistence::Registry;

pub use error::{ApiError, ServeError, MAX_MESSAGE_CHARS};
use metrics::Metrics;
use models::{Models, Served};

/// The alias served when a model reference names none.
pub const DEFAULT_ALIAS: &str = "champion";

/// A model to serve: `NAME` (its [`DEFAULT_ALIAS`]) or `NAME@ALIAS`.
///
/// ```
/// let r: amber_serve::ModelRef = "churn@staging".parse()?;
/// assert_eq!((r.name.as_str(), r.alias.as_deref()), ("churn", Some("staging")));
/// assert!("churn@".parse::<amber_serve::ModelRef>().is_err());
/// # Ok::<(), amber_serve::ServeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelRef {
    /// The model's name in the registry.
    pub name: String,
    /// The alias whose version is served; [`ServeOptions::alias`] when `None`.
    pub alias: Option<String>,
}

impl FromStr for ModelRef {
    type Err = ServeError;

    fn from_str(text: &str) -> Result<ModelRef, ServeError> {
        let bad = || ServeError::BadModelRef { text: text.chars().take(80).collect() };
        let (name, alias) = match text.split_once('@') {
            Some((name, alias)) => (name, Some(alias)),
            None => (text, None),
        };
        if name.is_empty() || alias.is_some_and(|a| a.is_empty() || a.contains('@')) {
            return Err(bad());
        }
        Ok(ModelRef { name: name.to_string(), alias: alias.map(str::to_string) })
    }
}

/// How the service runs: which models, how often aliases are polled, request limits.
///
/// ```
/// use std::time::Duration;
/// let options = amber_serve::ServeOptions::default().max_rows(1_000).poll_interval(Duration::from_secs(1));
/// assert_eq!((options.max_rows, options.max_body_bytes), (1_000, 8 << 20));
/// ```
#[derive(Clone)]
pub struct ServeOptions {
    /// The models to serve; empty means every model in the registry that has [`ServeOptions::alias`].
    pub models: Vec<ModelRef>,
    /// The alias served when a reference names none (default [`DEFAULT_ALIAS`]).
    pub alias: String,
    /// How often each alias is read for a new version (default 5 s).
    pub poll_interval: Duration,
    /// The largest request body, in bytes (default 8 MiB); 413 beyond it.
    pub max_body_bytes: usize,
    /// The most rows in one request (default 10,000); 413 beyond it.
    pub max_rows: usize,
    /// How many of the latest request rows each model keeps for `GET /v1/models/{name}/drift`
    /// and the drift gauges (default 5,000; 0 keeps none and turns drift monitoring off).
    pub drift_window: usize,
    /// Called for each swap, rejected version and unreadable alias: the library prints nothing.
    pub on_event: Option<EventHook>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            models: Vec::new(),
            alias: DEFAULT_ALIAS.to_string(),
            poll_interval: Duration::from_secs(5),
            max_body_bytes: 8 << 20,
            max_rows: 10_000,
            drift_window: 5_000,
            on_event: None,
        }
    }
}

impl std::fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeOptions")
            .field("models", &self.models)
            .field("alias", &self.alias)
            .field("poll_interval", &self.poll_interval)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_rows", &self.max_rows)
            .field("drift_window", &self.drift_window)
            .field("on_event", &self.on_event.is_some())
            .finish()
    }
}

impl ServeOptions {
    /// Adds a model to serve.
    pub fn model(mut self, model: ModelRef) -> Self {
        self.models.push(model);
        self
    }
    /// Sets [`ServeOptions::alias`].
    pub fn alias(mut self, alias: &str) -> Self {
        self.alias = alias.to_string();
        self
    }
    /// Sets [`ServeOptions::poll_interval`].
    pub fn poll_interval(mut self, every: Duration) -> Self {
        self.poll_interval = every;
        self
    }
    /// Sets [`ServeOptions::max_body_bytes`].
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }
    /// Sets [`ServeOptions::max_rows`].
    pub fn max_rows(mut self, rows: usize) -> Self {
        self.max_rows = rows;
        self
    }
    /// Sets [`ServeOptions::drift_window`].
    pub fn drift_window(mut self, rows: usize) -> Self {
        self.drift_window = rows;
        self
    }
    /// Sets [`ServeOptions::on_event`].
    pub fn on_event(mut self, f: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.on_event = Some(Arc::new(f));
        self
    }

    fn check(&self) -> Result<(), ServeError> {
        let invalid = |name, reason: &str| Err(ServeError::InvalidOption { name, reason: reason.into() });
        if self.poll_interval.is_zero() {
            return invalid("poll_interval", "must be more than zero");
        }
        if self.max_body_bytes == 0 {
            return invalid("max_body_bytes", "must be at least 1");
        }
        if self.max_rows == 0 {
            return invalid("max_rows", "must be at least 1");
        }
        Ok(())
    }
}

/// The callback of [`ServeOptions::on_event`].
pub type EventHook = Arc<dyn Fn(&Event) + Send + Sync>;

/// What the alias poller did; see [`ServeOptions::on_event`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A new version was verified and now answers requests.
    Swapped {
        /// The model.
        model: String,
        /// The version it replaced.
        from: u32,
        /// The version serving now.
        to: u32,
    },
    /// The alias points at a version that failed to load or verify; `serving` still answers.
    Rejected {
        /// The model.
        model: String,
        /// The version refused.
        version: u32,
        /// The version still serving.
        serving: u32,
        /// Why it was refused.
        error: String,
    },
    /// The alias could not be read (or was removed); the serving version stays.
    AliasUnavailable {
        /// The model.
        model: String,
        /// The alias.
        alias: String,
        /// Why.
        error: String,
    },
}

/// Request limits.
#[derive(Debug, Clone, Copy)]
struct Limits {
    max_body_bytes: usize,
    max_rows: usize,
    drift_window: usize,
}

/// What every request handler shares.
struct App {
    models: Models,
    metrics: Metrics,
    limits: Limits,
}

/// The prediction service: models loaded and verified, ready to answer. Clones share everything
/// (models, metrics), so a clone can poll or build routes while another runs.
#[derive(Clone)]
pub struct Service {
    app: Arc<App>,
    registry: Registry,
    poll_interval: Duration,
    on_event: Option<EventHook>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").field("models", &self.models()).finish_non_exhaustive()
    }
}

impl Service {
    /// Loads and verifies the version each model's alias points at, with the registry's load
    /// options (trusted keys, required signatures). Blocks while it reads the files: call it
    /// before serving, or from `spawn_blocking`.
    pub fn load(registry: Registry, options: ServeOptions) -> Result<Service, ServeError> {
        options.check()?;
        let refs: Vec<ModelRef> = if options.models.is_empty() {
            let mut refs = Vec::new();
            for name in registry.models()? {
                if registry.alias(&name, &options.alias)?.is_some() {
                    refs.push(ModelRef { name, alias: None });
                }
            }
            if refs.is_empty() {
                return Err(ServeError::NothingToServe { alias: options.alias });
            }
            refs
        } else {
            options.models.clone()
        };
        let metrics = Metrics::new();
        let mut served: Vec<Served> = Vec::with_capacity(refs.len());
        for r in &refs {
            if served.iter().any(|s| s.name == r.name) {
                return Err(ServeError::DuplicateModel { name: r.name.clone() });
            }
            let s = Served::start(&registry, &r.name, r.alias.as_deref().unwrap_or(&options.alias))?;
            metrics.serving(&s.name, s.current().version);
            served.push(s);
        }
        let limits = Limits {
            max_body_bytes: options.max_body_bytes,
            max_rows: options.max_rows,
            drift_window: options.drift_window,
        };
        Ok(Service {
            app: Arc::new(App { models: Models(served), metrics, limits }),
            registry,
            poll_interval: options.poll_interval,
            on_event: options.on_event,
        })
    }

    /// The models served, as `(name, alias, version)`.
    pub fn models(&self) -> Vec<(String, String, u32)> {
        self.app.models.0.iter().map(|s| (s.name.clone(), s.alias.clone(), s.current().version)).collect()
    }

    /// The routes, for embedding in a larger axum application.
    pub fn router(&self) -> axum::Router {
        routes::router(self.app.clone())
    }

    /// Reads every alias once and swaps in (or rejects) new versions; what the background poller
    /// of [`Service::run`] does each [`ServeOptions::poll_interval`]. Blocks while it reads.
    pub fn poll(&self) -> Vec<Event> {
        let events: Vec<Event> =
            self.app.models.0.iter().filter_map(|s| s.poll(&self.registry, &self.app.metrics)).collect();
        // The drift gauges follow the latest requests (recomputed only when some arrived).
        for s in &self.app.models.0 {
            if let Some(report) = s.current().drift_if_new() {
                self.app.metrics.drift(&s.name, &report);
            }
        }
        if let Some(f) = &self.on_event {
            events.iter().for_each(|e| f(e));
        }
        events
    }

    /// Serves on `listener` until `shutdown` completes, polling the aliases meanwhile. Then it
    /// stops accepting connections, lets the requests in flight finish, and returns.
    pub async fn run(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let router = self.router();
        let every = self.poll_interval;
        let service = Arc::new(self);
        let poller = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let service = service.clone();
                if tokio::task::spawn_blocking(move || service.poll()).await.is_err() {
                    break;
                }
            }
        });
        let served = axum::serve(listener, router).with_graceful_shutdown(shutdown).await;
        poller.abort();
        served.map_err(|source| ServeError::Io { what: "serve".into(), source })
    }
}
