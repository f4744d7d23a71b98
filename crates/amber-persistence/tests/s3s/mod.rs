//! A real S3-compatible server for tests: `s3s-fs` (`cargo install s3s-fs@0.14.1 --features binary
//! --locked`), started on an ephemeral loopback port over a fresh temporary directory, and killed
//! when dropped. Shared by amber-persistence's tests and amber-cli's (through `#[path]`).
//!
//! Without the binary the tests that need it say so on stderr and pass as skipped, unless
//! `AMBER_REQUIRE_S3S=1` (set by `.ci/run`, which installs it), when they fail.

#![allow(dead_code)]

use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The access key and secret the server is started with.
pub const ACCESS_KEY: &str = "amber-test";
pub const SECRET_KEY: &str = "amber-test-secret";

/// A running `s3s-fs` with one bucket.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The bucket created for the test.
    pub bucket: String,
    /// The server's data: `root/<bucket>/<key>` is each object.
    pub root: tempfile::TempDir,
}

/// The binary: `$AMBER_S3S_FS`, else `s3s-fs` on the `PATH`, else in `~/.cargo/bin`.
fn binary() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("AMBER_S3S_FS") {
        return Some(path.into());
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("s3s-fs"))
        .find(|p| p.is_file());
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))
        .map(|c| c.join("bin/s3s-fs"))
        .filter(|p| p.is_file());
    on_path.or(home)
}

impl S3Server {
    /// Starts a server with the bucket `bucket`; `Ok(None)` (after saying so) when `s3s-fs` is
    /// not installed and not required.
    pub fn start(test: &str, bucket: &str) -> Result<Option<S3Server>, Box<dyn std::error::Error>> {
        let Some(binary) = binary() else {
            if std::env::var_os("AMBER_REQUIRE_S3S").is_some_and(|v| v == "1") {
                return Err("AMBER_REQUIRE_S3S=1 but s3s-fs is not installed".into());
            }
            // Straight to stderr, past the test harness's capture: a skip is always said.
            let _ = writeln!(
                std::io::stderr(),
                "skipped {test}: s3s-fs is not installed (cargo install s3s-fs@0.14.1 --features binary --locked)"
            );
            return Ok(None);
        };
        let root = tempfile::tempdir()?;
        std::fs::create_dir(root.path().join(bucket))?;
        let mut child = Command::new(binary)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--access-key",
                ACCESS_KEY,
                "--secret-key",
                SECRET_KEY,
            ])
            .arg(root.path())
            .env("RUST_LOG", "s3s_fs=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        // Reads the address from the start-up line, then drains the log so the server never blocks.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("server is running at http://") {
                    let _ = tx.send(line[at + "server is running at ".len()..].trim().to_string());
                }
            }
        });
        let mut server = S3Server { child, endpoint: String::new(), bucket: bucket.to_string(), root };
        server.endpoint =
            rx.recv_timeout(Duration::from_secs(30)).map_err(|_| "s3s-fs did not start within 30 s")?;
        Ok(Some(server))
    }

    /// `s3://bucket/prefix`.
    pub fn url(&self, prefix: &str) -> String {
        format!("s3://{}/{prefix}", self.bucket)
    }

    /// The registry options that reach this server (object_store's keys).
    pub fn config(&self) -> Vec<(&str, &str)> {
        vec![
            ("aws_endpoint", self.endpoint.as_str()),
            ("aws_allow_http", "true"),
            ("aws_region", "us-east-1"),
            ("aws_access_key_id", ACCESS_KEY),
            ("aws_secret_access_key", SECRET_KEY),
        ]
    }

    /// The same, as the `AWS_*` environment variables a CLI reads.
    pub fn env(&self) -> Vec<(String, String)> {
        self.config().into_iter().map(|(k, v)| (k.to_ascii_uppercase(), v.to_string())).collect()
    }

    /// The file that holds object `key` of the bucket.
    pub fn object_path(&self, key: &str) -> std::path::PathBuf {
        self.root.path().join(&self.bucket).join(key)
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
