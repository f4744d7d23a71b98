//! Helpers of the CLI tests: the real `amber` binary, run in a fresh temporary directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A scratch directory of this test alone.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The repository's `datasets/NAME.csv`.
pub fn dataset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets").join(format!("{name}.csv"))
}

/// `amber ARGS…` run in `dir`, with backtraces asked for (they must still not appear).
pub fn amber(dir: &Path, args: &[&str]) -> Output {
    amber_with_env(dir, &[], args)
}

/// [`amber`] with environment variables added.
pub fn amber_with_env(dir: &Path, env: &[(String, String)], args: &[&str]) -> Output {
    Command::cargo_bin("amber")
        .unwrap()
        .current_dir(dir)
        .env("RUST_BACKTRACE", "1")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and requires exit status 0, returning stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let o = amber(dir, args);
    assert_eq!(o.status.code(), Some(0), "amber {args:?}\nstdout: {}\nstderr: {}", stdout(&o), stderr(&o));
    stdout(&o)
}

/// Runs and requires exit status `code` and an error of one to three lines, starting `error:`,
/// without a panic message or backtrace; returns stderr.
pub fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let o = amber(dir, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "amber {args:?}\nstdout: {}\nstderr: {err}", stdout(&o));
    assert_clean_error(&err);
    err
}

/// One to three lines, the first `error: …`; never a panic or a backtrace.
pub fn assert_clean_error(err: &str) {
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty() && lines.len() <= 3, "one to three lines: {err:?}");
    assert!(lines[0].starts_with("error:"), "{err:?}");
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "internal error"] {
        assert!(!err.contains(bad), "{bad:?} in {err:?}");
    }
}

/// `amber train … --json -q`'s summary.
pub fn train(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["train", "--json", "-q"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &all)).unwrap()
}
