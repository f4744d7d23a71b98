//! Shared pieces of the subcommands: load options from `--key`, aligned text tables, JSON.

use std::path::PathBuf;

use amber_persistence::{LoadOptions, PublicKey};

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
