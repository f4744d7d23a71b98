//! ARCHITECTURE.md: "the library prints nothing" (progress goes through callbacks; the CLI and
//! xtask draw). `library_quiet` drives every main path of the library in its own process, rayon
//! threads included; it must succeed and write nothing to stdout or stderr.

#[test]
fn the_library_prints_nothing() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_library_quiet")).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "library_quiet failed: {stderr}");
    assert_eq!(stdout, "", "the library wrote to stdout");
    assert_eq!(stderr, "", "the library wrote to stderr");
}
