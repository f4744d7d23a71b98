//! `amber models`: the registry's models, versions and aliases.

use std::path::PathBuf;

use amber_persistence::{ModelVersion, Registry};
use clap::Subcommand;
use serde_json::json;

use crate::error::CliError;
use crate::output::{metric, print_json, print_table};

/// Arguments of `amber models`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  amber models list                       # every model, its versions and champion\n  \
                        amber models list iris                  # the versions of iris, champion marked *\n  \
                        amber models show iris@champion\n  \
                        amber models promote iris 3             # champion → v3\n  \
                        amber models alias iris staging 4\n  \
                        amber models rm iris 2"
)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    /// The registry: a directory, or s3://BUCKET[/PREFIX] (configured by the AWS_* variables).
    #[arg(long, global = true, default_value = "models")]
    registry: PathBuf,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// The models (or, given NAME, the versions of one), with their aliases.
    List {
        /// A model name.
        name: Option<String>,
    },
    /// One version's metadata: NAME (latest), NAME@VERSION or NAME@ALIAS.
    Show {
        /// `NAME`, `NAME@3` or `NAME@champion`.
        model: String,
    },
    /// Point the `champion` alias (or --alias) at VERSION, whatever its metrics.
    Promote {
        /// Model name.
        name: String,
        /// Version number.
        version: u32,
        /// The alias to move.
        #[arg(long, default_value = "champion")]
        alias: String,
    },
    /// Point ALIAS at VERSION.
    Alias {
        /// Model name.
        name: String,
        /// Alias name.
        alias: String,
        /// Version number.
        version: u32,
    },
    /// Delete VERSION (refused while an alias points at it).
    Rm {
        /// Model name.
        name: String,
        /// Version number.
        version: u32,
    },
}

/// Which version `NAME`, `NAME@N` or `NAME@ALIAS` means.
fn resolve(registry: &Registry, spec: &str) -> Result<ModelVersion, CliError> {
    let (name, which) = spec.split_once('@').unwrap_or((spec, ""));
    if which.is_empty() {
        return registry.versions(name)?.pop().ok_or_else(|| {
            CliError::input(format!("no versions of {name:?} in {}", registry.dir().display()))
        });
    }
    match which.parse::<u32>() {
        Ok(version) => Ok(registry.get(name, version)?),
        Err(_) => registry
            .alias(name, which)?
            .ok_or_else(|| CliError::input(format!("{name:?} has no alias {which:?}"))),
    }
}

fn version_json(v: &ModelVersion, aliases: &[String]) -> serde_json::Value {
    json!({
        "name": v.name,
        "version": v.version,
        "algorithm": v.algorithm,
        "path": v.path,
        "created": v.header.created,
        "metrics": v.header.metrics,
        "aliases": aliases,
        "signed_by": v.header.signature.as_ref().map(|s| &s.key_id),
    })
}

fn list(registry: &Registry, name: Option<&str>, as_json: bool) -> Result<(), CliError> {
    let names = match name {
        Some(n) => vec![n.to_string()],
        None => registry.models()?,
    };
    let mut out = Vec::new();
    let mut rows =
        vec![["model", "version", "algorithm", "created", "metrics", "aliases"].map(String::from).to_vec()];
    let mut skipped = Vec::new();
    for name in &names {
        let listing = registry.listing(name)?;
        let aliases = registry.aliases(name)?;
        for v in &listing.versions {
            let mine: Vec<String> =
                aliases.iter().filter(|(_, n)| *n == v.version).map(|(a, _)| a.clone()).collect();
            let champion = if mine.iter().any(|a| a == "champion") { "*" } else { " " };
            let metrics: Vec<String> =
                v.header.metrics.iter().map(|(k, m)| format!("{k}={}", metric(*m))).collect();
            rows.push(vec![
                format!("{champion}{name}"),
                format!("v{}", v.version),
                v.algorithm.clone(),
                v.header.created.clone(),
                metrics.join(" "),
                mine.join(","),
            ]);
            out.push(version_json(v, &mine));
        }
        skipped.extend(listing.skipped.into_iter().map(|s| (s.path, s.reason)));
    }
    if as_json {
        let skipped: Vec<_> = skipped.iter().map(|(p, r)| json!({"path": p, "reason": r})).collect();
        return print_json(&json!({ "registry": registry.dir(), "versions": out, "skipped": skipped }));
    }
    if out.is_empty() {
        println!("no models in {}", registry.dir().display());
    } else {
        print_table(&rows);
        println!("(* = champion)");
    }
    for (path, reason) in skipped {
        eprintln!("warning: skipped {}: {reason}", path.display());
    }
    Ok(())
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let registry = crate::open_registry(&args.registry, false)?;
    match &args.action {
        Action::List { name } => list(&registry, name.as_deref(), args.json),
        Action::Show { model } => {
            let v = resolve(&registry, model)?;
            let aliases: Vec<String> = registry
                .aliases(&v.name)?
                .into_iter()
                .filter(|(_, n)| *n == v.version)
                .map(|(a, _)| a)
                .collect();
            if args.json {
                let mut value = version_json(&v, &aliases);
                if let Some(map) = value.as_object_mut() {
                    map.insert("header".into(), serde_json::to_value(&v.header)?);
                }
                return print_json(&value);
            }
            println!(
                "{} v{} ({}){}",
                v.name,
                v.version,
                v.algorithm,
                if aliases.is_empty() {
                    String::new()
                } else {
                    format!(" — aliases: {}", aliases.join(", "))
                }
            );
            if v.path.is_file() {
                return crate::run(crate::Command::Inspect(crate::inspect::InspectArgs::of(v.path)));
            }
            // An object store's file: its header, as the registry read it.
            crate::inspect::print_header(&v.path, &v.header, None);
            Ok(())
        }
        Action::Promote { name, version, alias } | Action::Alias { name, alias, version } => {
            let before = registry.alias(name, alias)?.map(|v| v.version);
            registry.set_alias(name, alias, *version)?;
            if args.json {
                return print_json(
                    &json!({ "name": name, "alias": alias, "version": version, "previous": before }),
                );
            }
            match before {
                Some(b) if b == *version => println!("{name}@{alias}: v{version} (unchanged)"),
                Some(b) => println!("{name}@{alias}: v{version} (was v{b})"),
                None => println!("{name}@{alias}: v{version}"),
            }
            Ok(())
        }
        Action::Rm { name, version } => {
            registry.remove(name, *version)?;
            if args.json {
                return print_json(&json!({ "name": name, "removed": version }));
            }
            println!("removed {name} v{version}");
            Ok(())
        }
    }
}
