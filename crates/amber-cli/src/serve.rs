//! `amber serve`: the registry's models over HTTP (the `amber-serve` crate), until SIGTERM or
//! Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use amber_serve::{Event, ServeError, ServeOptions, Service};

use crate::error::{io_context, CliError, Status};
use crate::output::KeyArgs;

/// Arguments of `amber serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Routes:\n  \
    POST /v1/models/NAME/predict[?proba=true]   JSON {\"rows\": [{column: value, …}]} or text/csv\n  \
    GET  /v1/models, /v1/models/NAME            what is served: versions, schema, labels, metrics\n  \
    GET  /healthz, /readyz, /metrics            liveness, readiness, Prometheus text\n\n\
Example:\n  amber serve --registry models --model churn\n  \
curl -s localhost:8080/v1/models/churn/predict?proba=true -H 'content-type: text/csv' --data-binary @new_customers.csv")]
pub struct Args {
    /// The registry (as written by `amber train --registry`): a directory, or s3://BUCKET[/PREFIX]
    /// configured by the AWS_* environment variables (AWS_ENDPOINT, AWS_ACCESS_KEY_ID, …).
    #[arg(long, value_name = "DIR")]
    registry: PathBuf,
    /// A model to serve, `NAME` (its champion) or `NAME@ALIAS`; repeatable. Default: every
    /// model that has a champion.
    #[arg(long = "model", value_name = "NAME[@ALIAS]")]
    models: Vec<String>,
    /// The address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "IP:PORT")]
    addr: SocketAddr,
    #[command(flatten)]
    keys: KeyArgs,
    /// How often each alias is read; a new version is verified, then swapped in.
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    poll: Duration,
    /// The largest request body, in bytes (413 beyond it).
    #[arg(long, default_value_t = 8 << 20, value_name = "BYTES")]
    max_body_bytes: usize,
    /// The most rows in one request (413 beyond it).
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    max_rows: usize,
}

impl From<ServeError> for CliError {
    fn from(e: ServeError) -> Self {
        match e {
            ServeError::Persist(e) => e.into(),
            ServeError::Io { .. } => CliError { status: Status::Io, error: Box::new(e) },
            other => CliError { status: Status::Input, error: Box::new(other) },
        }
    }
}

/// One line on stderr per swap, refused version or unreadable alias.
fn report(event: &Event) {
    match event {
        Event::Swapped { model, from, to } => eprintln!("{model}: now serving v{to} (was v{from})"),
        Event::Rejected { model, version, serving, error } => {
            eprintln!("{model}: refused v{version}, still serving v{serving}: {error}")
        }
        Event::AliasUnavailable { model, alias, error } => {
            eprintln!("{model}: cannot read alias {alias}, serving the last version: {error}")
        }
        other => eprintln!("{other:?}"),
    }
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let registry = crate::open_registry(&args.registry, false)?.with_load_options(args.keys.load_options()?);
    let mut options = ServeOptions::default()
        .poll_interval(args.poll)
        .max_body_bytes(args.max_body_bytes)
        .max_rows(args.max_rows)
        .on_event(report);
    for model in &args.models {
        options = options.model(model.parse()?);
    }
    let service = Service::load(registry, options)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io_context("start the async runtime".into()))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(io_context(format!("listen on {}", args.addr)))?;
        let local = listener.local_addr().map_err(io_context("read the listening address".into()))?;
        for (name, alias, version) in service.models() {
            eprintln!("serving {name}@{alias}: v{version}");
        }
        eprintln!("listening on http://{local}");
        service.run(listener, shutdown_signal()).await?;
        eprintln!("stopped: every request in flight was answered");
        Ok(())
    })
}
