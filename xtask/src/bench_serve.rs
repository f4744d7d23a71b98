//! `cargo xtask bench serve`: the prediction service under load, on loopback. The telco churn
//! pipeline is served by `amber-serve` on an ephemeral port; 16 and 64 keep-alive connections
//! each send their share of a fixed number of requests, one after another, of 1 and of 100 rows.
//! The server and the load generator run in two tokio runtimes of one process, on the same cores.
//! `AMBER_BENCH_NO_DRIFT=1` serves without the drift window, to measure what it costs.

use std::error::Error;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use amber_estimators::LogisticRegression;
use amber_persistence::{Registry, SaveOptions};
use amber_pipeline::{ColumnTransformer, Pipeline};
use amber_serve::client::Client;
use amber_serve::{ServeOptions, Service};
use serde_json::{json, Value};

/// Requests per run, by rows per request: about five seconds each.
const REQUESTS: [(usize, usize); 2] = [(1, 40_000), (100, 2_000)];
const CONNECTIONS: [usize; 2] = [16, 64];

/// `count` request bodies of `rows` rows each, cycling through the telco table.
fn bodies(table: &amber_data::Table, rows: usize, count: usize) -> Result<Vec<bytes::Bytes>, Box<dyn Error>> {
    let names: Vec<&str> =
        table.column_names().iter().map(String::as_str).filter(|n| *n != "churn").collect();
    let n = table.n_rows();
    (0..count)
        .map(|b| {
            let rows: Vec<Value> = (0..rows)
                .map(|r| {
                    let i = (b * rows + r) % n;
                    let cells: serde_json::Map<String, Value> = names
                        .iter()
                        .map(|name| {
                            let cell = match table.column(name)? {
                                amber_data::Column::Numeric(v) => {
                                    v.get(i).filter(|v| !v.is_nan()).map_or(Value::Null, |v| json!(v))
                                }
                                amber_data::Column::Categorical(v) => {
                                    v.get(i).cloned().flatten().map_or(Value::Null, Value::from)
                                }
                            };
                            Ok((name.to_string(), cell))
                        })
                        .collect::<Result<_, amber_data::DataError>>()?;
                    Ok(Value::Object(cells))
                })
                .collect::<Result<_, amber_data::DataError>>()?;
            Ok(bytes::Bytes::from(json!({ "rows": rows }).to_string()))
        })
        .collect()
}

struct Run {
    latencies: Vec<Duration>,
    errors: usize,
    wall: Duration,
}

/// `connections` connections share `total` requests, cycling through `bodies`.
async fn drive(
    addr: SocketAddr,
    connections: usize,
    total: usize,
    bodies: &[bytes::Bytes],
) -> Result<Run, Box<dyn Error>> {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..connections {
        let share = total / connections + usize::from(c < total % connections);
        let bodies = bodies.to_vec();
        let mut client = Client::connect(addr).await?;
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut errors) = (Vec::with_capacity(share), 0usize);
            for i in 0..share {
                let body = bodies[(c + i * connections) % bodies.len()].clone();
                let sent = Instant::now();
                match client.request("POST", "/v1/models/churn/predict", Some("application/json"), body).await
                {
                    Ok((200, _)) => latencies.push(sent.elapsed()),
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut run = Run { latencies: Vec::with_capacity(total), errors: 0, wall: Duration::ZERO };
    for task in tasks {
        let (latencies, errors) = task.await?;
        run.latencies.extend(latencies);
        run.errors += errors;
    }
    run.wall = start.elapsed();
    run.latencies.sort_unstable();
    Ok(run)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1);
    sorted.get(i.min(sorted.len().saturating_sub(1))).copied().unwrap_or_default()
}

pub fn run() -> Result<(), Box<dyn Error>> {
    let telco = amber_data::datasets::telco_churn()?.table;
    eprintln!("fitting the telco churn pipeline…");
    let model = Pipeline::new()
        .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
        .classifier("classifier", LogisticRegression::params().max_iter(1000))
        .fit(&telco, "churn")?;
    let dir = tempfile::tempdir()?;
    let registry = Registry::open(dir.path())?;
    let v = registry.register("churn", &model, &SaveOptions::default())?;
    registry.set_alias("churn", "champion", v.version)?;

    let window = if std::env::var_os("AMBER_BENCH_NO_DRIFT").is_some() { 0 } else { 5_000 };
    let server = tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("server").build()?;
    let service = Service::load(registry, ServeOptions::default().drift_window(window))?;
    let listener = server.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = server.spawn(service.run(listener, async move {
        let _ = stopped.await;
    }));

    let load = tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("load").build()?;
    println!(
        "amber serve, telco churn pipeline (logistic regression), loopback, {} cores, server and load in one process, drift window {window} rows\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("| rows/request | connections | requests | requests/s | rows/s | p50 | p99 | errors |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (rows, total) in REQUESTS {
        let bodies = bodies(&telco, rows, 256)?;
        load.block_on(drive(addr, 16, total / 10, &bodies))?; // warm-up
        for connections in CONNECTIONS {
            let run = load.block_on(drive(addr, connections, total, &bodies))?;
            let per_second = run.latencies.len() as f64 / run.wall.as_secs_f64();
            println!(
                "| {rows} | {connections} | {total} | {per_second:.0} | {:.0} | {:.2} ms | {:.2} ms | {} |",
                per_second * rows as f64,
                percentile(&run.latencies, 0.50).as_secs_f64() * 1e3,
                percentile(&run.latencies, 0.99).as_secs_f64() * 1e3,
                run.errors
            );
        }
    }
    let _ = stop.send(());
    server.block_on(serving)??;
    Ok(())
}
