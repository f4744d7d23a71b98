//! `amber inspect` (the header alone) and `amber verify` (everything).

use std::path::PathBuf;

use amber_data::ColumnKind;
use amber_persistence::{inspect as read_header, verify_with, Header};
use serde_json::{json, Value};

use crate::error::CliError;
use crate::output::{metric, print_json, print_table, KeyArgs};

/// Arguments of `amber inspect`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  amber inspect models/iris_random_forest_classifier_v1_20261201T120000Z.amber\n  \
                        amber inspect model.amber --json | jq .metrics"
)]
pub struct InspectArgs {
    /// The model file.
    model: PathBuf,
    /// Also load and verify the model fully (as `amber verify`).
    #[arg(long)]
    verify: bool,
    #[command(flatten)]
    keys: KeyArgs,
    /// Print the header as JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `amber verify`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  amber verify model.amber && echo deployable\n  \
                        amber verify model.amber --key keys/release.pub.pem   # also require a trusted signature")]
pub struct VerifyArgs {
    /// The model file.
    model: PathBuf,
    #[command(flatten)]
    keys: KeyArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// `a.b=1` lines of a JSON object's leaves.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&path, v, out);
            }
        }
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

fn kind_name(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Numeric => "numeric",
        ColumnKind::Categorical => "categorical",
    }
}

/// Prints the header as a two-column table, then the schema.
pub(crate) fn print_header(path: &std::path::Path, h: &Header, file_size: Option<u64>) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |k: &str, v: String| rows.push(vec![k.to_string(), v]);
    match file_size {
        Some(size) => row("file", format!("{} ({size} bytes)", path.display())),
        None => row("file", path.display().to_string()),
    }
    row("kind", h.kind.clone());
    if let Some(name) = &h.model_name {
        row("model name", name.clone());
    }
    row("format", h.format_version.clone());
    row("created", h.created.clone());
    row(
        "versions",
        format!(
            "amber {}, linfa {}, {} ({})",
            h.versions.amber, h.versions.linfa, h.versions.rustc, h.versions.target
        ),
    );
    let compression = if h.compression.method == "none" {
        "none".to_string()
    } else {
        format!("{} level {}", h.compression.method, h.compression.level)
    };
    row("payload", format!("{} bytes, compression {compression}", h.payload_size));
    if let Some(d) = &h.dataset {
        row("dataset", format!("{} ({} rows, fingerprint {})", d.name, d.rows, d.fingerprint));
    }
    if let Some(steps) = &h.steps {
        row("steps", steps.iter().map(|s| format!("{} ({})", s.path, s.kind)).collect::<Vec<_>>().join(", "));
    }
    if let Some(n) = h.n_features {
        row("features", n.to_string());
    }
    if let Some(labels) = &h.labels {
        row("labels", labels.join(", "));
    }
    if let Some(e) = &h.evaluation {
        row("evaluation", e.clone());
    }
    for (i, (name, value)) in h.metrics.iter().enumerate() {
        row(if i == 0 { "metrics" } else { "" }, format!("{name} = {}", metric(*value)));
    }
    if let Some(params) = &h.hyperparameters {
        let mut leaves = Vec::new();
        flatten("", params, &mut leaves);
        for (i, (name, value)) in leaves.iter().enumerate() {
            row(if i == 0 { "hyperparameters" } else { "" }, format!("{name} = {value}"));
        }
    }
    for (i, (k, v)) in h.tags.iter().enumerate() {
        row(if i == 0 { "tags" } else { "" }, format!("{k} = {v}"));
    }
    if !h.description.is_empty() {
        row("description", h.description.clone());
    }
    if let Some(v) = &h.verification {
        row("sample", format!("{} rows with their expected outputs", v.input.n_rows()));
    }
    row(
        "signature",
        match &h.signature {
            Some(s) => format!("{} by key {} (checked only by verify --key)", s.algorithm, s.key_id),
            None => "unsigned".to_string(),
        },
    );
    print_table(&rows);
    if let Some(schema) = &h.schema {
        println!("\ninput schema ({} columns)", schema.columns.len());
        let mut rows =
            vec![vec!["column".into(), "kind".into(), "missing ok".into(), "training values".into()]];
        for c in &schema.columns {
            let values = match (&c.categories, &c.stats) {
                (Some(cats), _) => {
                    let shown: Vec<&str> = cats.iter().take(8).map(String::as_str).collect();
                    let more =
                        if cats.len() > 8 { format!(" … ({} in all)", cats.len()) } else { String::new() };
                    format!("{}{more}", shown.join(", "))
                }
                (None, Some(s)) => format!("mean {:.4} ± {:.4}, range [{}, {}]", s.mean, s.std, s.min, s.max),
                (None, None) => String::new(),
            };
            let missing = if c.allows_missing { "yes" } else { "no" };
            rows.push(vec![format!("  {}", c.name), kind_name(c.kind).into(), missing.into(), values]);
        }
        print_table(&rows);
    }
}

fn file_size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

pub fn inspect(args: &InspectArgs) -> Result<(), CliError> {
    let header = if args.verify {
        verify_with(&args.model, &args.keys.load_options()?)?
    } else {
        read_header(&args.model)?
    };
    if args.json {
        let mut value = serde_json::to_value(&header)?;
        if let Some(map) = value.as_object_mut() {
            map.insert("file_size".into(), json!(file_size(&args.model)));
            map.insert("verified".into(), json!(args.verify));
        }
        return print_json(&value);
    }
    print_header(&args.model, &header, Some(file_size(&args.model)));
    if args.verify {
        println!("\n{}", verified_line(&args.model, &header, &args.keys));
    }
    Ok(())
}

fn verified_line(path: &std::path::Path, h: &Header, keys: &KeyArgs) -> String {
    let sample = h.verification.as_ref().map_or(0, |v| v.input.n_rows());
    let signature = match (&h.signature, keys.keys.is_empty()) {
        (Some(s), false) => format!("signed by trusted key {}", s.key_id),
        (Some(s), true) => format!("signature by key {} intact (no --key given, so not trusted)", s.key_id),
        (None, _) => "unsigned".to_string(),
    };
    format!(
        "verified {}: {} decoded, validated and equal to its header; {sample} sample rows re-run identically; {signature}",
        path.display(),
        h.kind
    )
}

pub fn verify(args: &VerifyArgs) -> Result<(), CliError> {
    let header = verify_with(&args.model, &args.keys.load_options()?)?;
    if args.json {
        return print_json(&json!({
            "file": args.model,
            "verified": true,
            "kind": header.kind,
            "model_name": header.model_name,
            "sample_rows": header.verification.as_ref().map_or(0, |v| v.input.n_rows()),
            "signed_by": header.signature.as_ref().map(|s| &s.key_id),
            "trusted": !args.keys.keys.is_empty() && header.signature.is_some(),
        }));
    }
    println!("{}", verified_line(&args.model, &header, &args.keys));
    Ok(())
}

impl InspectArgs {
    /// `amber inspect PATH` with no flags.
    pub(crate) fn of(model: PathBuf) -> Self {
        InspectArgs { model, verify: false, keys: KeyArgs { keys: Vec::new() }, json: false }
    }
}
