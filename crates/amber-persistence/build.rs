//! Records, for the file header, the compiler that built amber and the target it built for.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=AMBER_RUSTC_VERSION={version}");
    println!("cargo:rustc-env=AMBER_TARGET={}", std::env::var("TARGET").unwrap_or_default());
}
