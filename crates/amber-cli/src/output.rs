//! Shared pieces of the subcommands: load options from `--key`, aligned text tables, JSON.

use std::path::PathBuf;

use amber_persistence::{LoadOptions, Promotion, PublicKey};

use crate::error::CliError;

/// `--key PUB.pem` (repeatable): trust these signers and require a signature when any is given.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArgs {
    /// Public key (PEM) of a trusted signer; repeat for several. With any key given, an unsigned
    /// file or one signed by another key is refused (exit status 2).
    #[arg(long = "key", value_name = "PUB.pem")]
    pub keys: Vec<PathBuf>,
}

impl KeyArgs {
    /// The load options these flags ask for.
    pub fn load_options(&self) -> Result<LoadOptions, CliError> {
        let mut options = LoadOptions::default().require_signature(!self.keys.is_empty());
        for path in &self.keys {
            options = options.trust(PublicKey::read(path)?);
        }
        Ok(options)
    }
}

/// Prints rows as left-aligned columns separated by two spaces; the first row is the heading.
pub fn print_table(rows: &[Vec<String>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    for row in rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, &w)| format!("{cell:<w$}")).collect();
        println!("{}", cells.join("  ").trim_end());
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &serde_json::Value) -> Result<(), CliError> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A metric value as shown in tables.
pub fn metric(value: f64) -> String {
    format!("{value:.4}")
}

/// What promoting `version` to `champion` did, in one line.
///
/// ```
/// use amber_persistence::Promotion;
///
/// let line = amber_cli::promotion_line(&Promotion::Promoted { previous: Some(1) }, 2, "cv_accuracy_mean");
/// assert_eq!(line, "champion: v2 (was v1)");
/// ```
pub fn promotion_line(promotion: &Promotion, version: u32, metric_name: &str) -> String {
    match promotion {
        Promotion::Promoted { previous: None } => format!("champion: v{version} (first champion)"),
        Promotion::Promoted { previous: Some(p) } => format!("champion: v{version} (was v{p})"),
        Promotion::Unchanged => format!("champion: v{version} (unchanged)"),
        Promotion::Refused { current, current_metric, candidate_metric } => format!(
            "champion stays v{current}: its {metric_name} {} beats this model's {}",
            metric(*current_metric),
            metric(*candidate_metric)
        ),
        Promotion::Incomparable { current, reason } => {
            format!("champion stays v{current}: not comparable with this model: {reason}")
        }
    }
}
