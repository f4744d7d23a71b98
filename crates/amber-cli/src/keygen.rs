//! `amber keygen`: an Ed25519 key pair for signing model files.

use std::io::Write;
use std::path::PathBuf;

use amber_persistence::SecretKey;

use crate::error::{io_context, CliError};
use crate::output::print_json;

/// Arguments of `amber keygen`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  amber keygen --out keys/release.pem   # writes release.pem (secret) and release.pub.pem\n  \
                        amber train --data churn.csv --target Churn --sign keys/release.pem\n  \
                        amber verify models/churn_*.amber --key keys/release.pub.pem"
)]
pub struct Args {
    /// Where to write the secret key (PEM, PKCS#8); the public key goes beside it as `<stem>.pub.pem`.
    /// Existing files are never overwritten.
    #[arg(long, value_name = "KEY.pem")]
    out: PathBuf,
    /// Print the key id and paths as JSON.
    #[arg(long)]
    json: bool,
}

fn create_new(path: &std::path::Path, text: &str, secret: bool) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(path).map_err(io_context(format!("create {}", path.display())))?;
    file.write_all(text.as_bytes()).map_err(io_context(format!("write {}", path.display())))
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let stem = args.out.file_stem().and_then(|s| s.to_str()).unwrap_or("key");
    let public_path = args.out.with_file_name(format!("{stem}.pub.pem"));
    if public_path == args.out {
        return Err(CliError::input("--out must not end in .pub.pem (that name is the public key's)"));
    }
    for path in [&args.out, &public_path] {
        if path.exists() {
            return Err(CliError::input(format!("{} exists; keygen never overwrites a key", path.display())));
        }
    }
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_context(format!("create {}", dir.display())))?;
    }
    let key = SecretKey::generate()?;
    let public = key.public_key();
    create_new(&args.out, &key.to_pem()?, true)?;
    create_new(&public_path, &public.to_pem()?, false)?;
    if args.json {
        print_json(&serde_json::json!({
            "key_id": public.key_id(),
            "secret_key": args.out,
            "public_key": public_path,
        }))
    } else {
        println!("secret key: {} (keep it private; it signs models)", args.out.display());
        println!("public key: {} (give it to whoever loads your models)", public_path.display());
        println!("key id:     {}", public.key_id());
        Ok(())
    }
}
