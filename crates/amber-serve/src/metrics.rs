//! The Prometheus metrics of `GET /metrics`. Every label takes values from a bounded set: route
//! templates (not request paths), status codes, and the names of the models served.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModelLabels {
    model: String,
}

/// What became of a new version the alias pointed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Swapped,
    Rejected,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ColumnLabels {
    model: String,
    column: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SwapLabels {
    model: String,
    /// `swapped` or `rejected`.
    outcome: &'static str,
}

/// 100 µs to about 3.3 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

/// The service's metrics and the registry that encodes them.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    rows: Family<ModelLabels, Counter>,
    version: Family<ModelLabels, Gauge>,
    swaps: Family<SwapLabels, Counter>,
    in_flight: Gauge,
    drift_value: Family<ColumnLabels, Gauge<f64, AtomicU64>>,
    drifted: Family<ColumnLabels, Gauge>,
    dataset_drift: Family<ModelLabels, Gauge>,
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("amber");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let rows = Family::<ModelLabels, Counter>::default();
        let version = Family::<ModelLabels, Gauge>::default();
        let swaps = Family::<SwapLabels, Counter>::default();
        let in_flight = Gauge::default();
        let drift_value = Family::<ColumnLabels, Gauge<f64, AtomicU64>>::default();
        let drifted = Family::<ColumnLabels, Gauge>::default();
        let dataset_drift = Family::<ModelLabels, Gauge>::default();
        registry.register("http_requests", "HTTP requests answered, by route and status", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        registry.register("rows_predicted", "Rows predicted, by model", rows.clone());
        registry.register("model_version", "The version each model is serving", version.clone());
        registry.register("model_swaps", "New versions swapped in or rejected, by model", swaps.clone());
        registry.register("http_requests_in_flight", "Requests being answered", in_flight.clone());
        registry.register(
            "drift_value",
            "Each column's drift statistic over the latest requests (p-value or distance; see the test in GET /v1/models/{name}/drift)",
            drift_value.clone(),
        );
        registry.register(
            "column_drift",
            "1 when the column drifted over the latest requests",
            drifted.clone(),
        );
        registry.register("dataset_drift", "1 when at least half the columns drifted", dataset_drift.clone());
        Metrics {
            registry,
            requests,
            latency,
            rows,
            version,
            swaps,
            in_flight,
            drift_value,
            drifted,
            dataset_drift,
        }
    }

    pub(crate) fn request(&self, route: &str, status: u16, elapsed: Duration) {
        self.requests.get_or_create(&RequestLabels { route: route.to_string(), status }).inc();
        self.latency.get_or_create(&RouteLabels { route: route.to_string() }).observe(elapsed.as_secs_f64());
    }

    pub(crate) fn rows(&self, model: &str, rows: usize) {
        let rows = u64::try_from(rows).unwrap_or(u64::MAX);
        self.rows.get_or_create(&ModelLabels { model: model.to_string() }).inc_by(rows);
    }

    pub(crate) fn serving(&self, model: &str, version: u32) {
        self.version.get_or_create(&ModelLabels { model: model.to_string() }).set(i64::from(version));
    }

    pub(crate) fn swap(&self, model: &str, outcome: Outcome) {
        let outcome = match outcome {
            Outcome::Swapped => "swapped",
            Outcome::Rejected => "rejected",
        };
        self.swaps.get_or_create(&SwapLabels { model: model.to_string(), outcome }).inc();
    }

    /// Sets the drift gauges of `model` from a report.
    pub(crate) fn drift(&self, model: &str, report: &amber_model_selection::drift::DriftReport) {
        for c in report.columns.iter().chain(&report.prediction) {
            let labels = ColumnLabels { model: model.to_string(), column: c.column.clone() };
            self.drift_value.get_or_create(&labels).set(c.value);
            self.drifted.get_or_create(&labels).set(i64::from(c.drifted));
        }
        self.dataset_drift
            .get_or_create(&ModelLabels { model: model.to_string() })
            .set(i64::from(report.dataset_drift));
    }

    /// Counts a request in flight until the guard is dropped (also when the client goes away).
    pub(crate) fn in_flight(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// The Prometheus text exposition.
    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// See [`Metrics::in_flight`].
pub(crate) struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}
