//! Shared by the service's tests: telco churn models, a registry in a temp dir, a server on an
//! ephemeral loopback port.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::OnceLock;

use amber_data::{Column, Table};
use amber_estimators::{DecisionTreeClassifier, LogisticRegression};
use amber_persistence::{Registry, SaveOptions};
use amber_pipeline::{ColumnTransformer, FittedPipeline, Pipeline};
use amber_serve::{ServeError, ServeOptions, Service};
use serde_json::{json, Map, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Telco churn: rows 0..1500 train, rows 1500.. are new customers.
pub fn telco() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| amber_data::datasets::telco_churn().expect("telco_churn").table)
}

pub fn rows(range: std::ops::Range<usize>) -> Table {
    telco().take_rows(&range.collect::<Vec<_>>()).expect("rows")
}

fn fit(classifier: Pipeline) -> FittedPipeline {
    classifier.fit(&rows(0..1500), "churn").expect("fit")
}

/// The tutorial's churn pipeline: scaled, one-hot, logistic regression.
pub fn logistic() -> &'static FittedPipeline {
    static MODEL: OnceLock<FittedPipeline> = OnceLock::new();
    MODEL.get_or_init(|| {
        fit(Pipeline::new()
            .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
            .classifier("classifier", LogisticRegression::params().max_iter(1000)))
    })
}

/// Another churn model, whose answers differ from [`logistic`]'s.
pub fn tree() -> &'static FittedPipeline {
    static MODEL: OnceLock<FittedPipeline> = OnceLock::new();
    MODEL.get_or_init(|| {
        fit(Pipeline::new()
            .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
            .classifier("classifier", DecisionTreeClassifier::params().max_depth(Some(3))))
    })
}

/// A table's rows as the JSON a client sends (the target left out).
pub fn json_rows(table: &Table) -> Value {
    let rows: Vec<Value> = (0..table.n_rows())
        .map(|i| {
            let cells: Map<String, Value> = table
                .columns()
                .filter(|(name, _)| *name != "churn")
                .map(|(name, column)| {
                    let cell = match column {
                        Column::Numeric(v) => {
                            v.get(i).filter(|v| !v.is_nan()).map_or(Value::Null, |v| json!(v))
                        }
                        Column::Categorical(v) => {
                            v.get(i).cloned().flatten().map_or(Value::Null, Value::from)
                        }
                    };
                    (name.to_string(), cell)
                })
                .collect();
            Value::Object(cells)
        })
        .collect();
    json!({ "rows": rows })
}

/// A registry in its own temp dir, with `model` registered as `churn` v1 and promoted to champion.
pub fn registry_with(model: &FittedPipeline) -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().expect("tempdir");
    let registry = Registry::open(dir.path()).expect("registry");
    let v =
        registry.register("churn", model, &SaveOptions::default().metric("accuracy", 0.8)).expect("register");
    registry.set_alias("churn", "champion", v.version).expect("alias");
    (dir, registry)
}

/// A server running in this test's runtime.
pub struct Running {
    pub addr: SocketAddr,
    pub service: Service,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), ServeError>>,
}

impl Running {
    pub async fn start(registry: Registry, options: ServeOptions) -> Running {
        let service = Service::load(registry, options).expect("load");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(service.clone().run(listener, async move {
            let _ = rx.await;
        }));
        Running { addr, service, shutdown: Some(tx), handle }
    }

    pub async fn client(&self) -> amber_serve::client::Client {
        amber_serve::client::Client::connect(self.addr).await.expect("connect")
    }

    /// Asks the server to stop and waits until it has.
    pub async fn stop(mut self) -> Result<(), ServeError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.handle.await.expect("server task")
    }

    pub fn trigger_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    pub async fn finished(self) -> Result<(), ServeError> {
        self.handle.await.expect("server task")
    }
}

/// The JSON of a response body.
pub fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// GETs `path` every 10 ms until `done` holds for its body, for at most 20 s; returns the body.
pub async fn wait_for(
    client: &mut amber_serve::client::Client,
    path: &str,
    done: impl Fn(&str) -> bool,
) -> String {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, body) = client.get(path).await.expect("GET");
        let body = String::from_utf8_lossy(&body).into_owned();
        if done(&body) {
            return body;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting on {path}: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
