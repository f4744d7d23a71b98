//! Records, for the file header, the compiler that built amber and the linfa version it links.

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

    // The linfa version is read from the workspace lock file when there is one.
    let lock = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default())
        .join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let linfa = std::fs::read_to_string(&lock)
        .ok()
        .and_then(|text| {
            let mut lines = text.lines();
            while let Some(line) = lines.next() {
                if line == "name = \"linfa\"" {
                    return lines
                        .next()
                        .and_then(|v| v.strip_prefix("version = \""))
                        .map(|v| v.trim_end_matches('"').to_string());
                }
            }
            None
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=AMBER_LINFA_VERSION={linfa}");
}
