//! Real processes: saves killed half-way never leave a partial file under the final name, and
//! processes registering at once get distinct versions and lose nothing.
//!
//! The test binary re-runs itself as the child (`child` below does nothing unless
//! `AMBER_TEST_CHILD` is set).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use amber_estimators::{ClassifierParams, LogisticRegression};
use amber_persistence::*;
use common::*;

const ROLE: &str = "AMBER_TEST_CHILD";
const DIR: &str = "AMBER_TEST_DIR";

fn models() -> [LogisticRegression; 2] {
    let (x, y) = iris_xy();
    [1.0, 0.05].map(|c| LogisticRegression::params().c(c).max_iter(300).fit(x.view(), &y).unwrap())
}

fn spawn(role: &str, dir: &Path, index: usize) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env(DIR, dir)
        .env("AMBER_TEST_INDEX", index.to_string())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The child side, run only by `spawn` (ignored in a normal run, where it would have nothing to
/// do); without its environment it fails rather than pass.
#[test]
#[ignore = "the child process of the tests here; they run it"]
fn child() {
    let (Ok(role), Ok(dir)) = (std::env::var(ROLE), std::env::var(DIR)) else {
        panic!("run by the tests that spawn it, with {ROLE} and {DIR} set")
    };
    let dir = PathBuf::from(dir);
    match role.as_str() {
        "save-loop" => {
            let models = models();
            let options = SaveOptions { sidecar: false, verify_after_save: false, ..SaveOptions::default() };
            std::fs::write(dir.join("ready"), b"").unwrap();
            for i in 0.. {
                save(&models[i % 2], dir.join("model.amber"), &options).unwrap();
            }
        }
        "register" => {
            // Five distinct models per child (identical ones would be one version).
            let registry = Registry::open(&dir).unwrap();
            let child: u32 = std::env::var("AMBER_TEST_INDEX").unwrap().parse().unwrap();
            let (x, y) = iris_xy();
            for i in 0..5 {
                let c = 1.0 / f64::from(1 + i + 5 * child);
                let model = LogisticRegression::params().c(c).max_iter(300).fit(x.view(), &y).unwrap();
                registry
                    .register("iris", &model, &SaveOptions { sidecar: false, ..SaveOptions::default() })
                    .unwrap();
            }
        }
        "save-from-a-deleted-cwd" => {
            // The working directory is gone: a save elsewhere must not touch it.
            let cwd = dir.join("cwd");
            std::fs::create_dir(&cwd).unwrap();
            std::env::set_current_dir(&cwd).unwrap();
            std::fs::remove_dir(&cwd).unwrap();
            save(&models()[0], dir.join("out").join("model.amber"), &SaveOptions::default()).unwrap();
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn killed_saves_leave_the_old_or_the_new_file() {
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let path = dir.join("model.amber");
    let models = models();
    save(&models[0], &path, &SaveOptions::default()).unwrap();
    // Kill times spread over 1–40 ms by a fixed sequence (a save takes well under a millisecond
    // to a few milliseconds, so kills land at every stage: writing, flushing, renaming).
    let mut state: u32 = 12345;
    let mut seen = [0; 2];
    for round in 0..30 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let wait = (state >> 16) % 20_000;
        let ready = dir.join("ready");
        let _ = std::fs::remove_file(&ready);
        let mut child = spawn("save-loop", &dir, 0);
        while !ready.exists() {
            std::thread::sleep(Duration::from_micros(200));
        }
        std::thread::sleep(Duration::from_micros(u64::from(wait)));
        child.kill().unwrap();
        child.wait().unwrap();
        let loaded: LogisticRegression = load(&path).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let which = models.iter().position(|m| *m == loaded);
        seen[which.unwrap_or_else(|| panic!("round {round}: an unknown model"))] += 1;
    }
    assert!(seen[0] > 0 && seen[1] > 0, "kills landed between saves of both models: {seen:?}");
    // Nothing else carries the final name; interrupted temporaries are hidden dot-files.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let expected = ["model.amber", "model.amber.json", "ready"];
        assert!(expected.contains(&name.as_str()) || name.starts_with(".model.amber.tmp."), "{name}");
    }
}

#[test]
fn concurrent_registrations_get_distinct_versions() {
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let children: Vec<Child> = (0..4).map(|i| spawn("register", &dir, i)).collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let registry = Registry::open(&dir).unwrap();
    let versions = registry.versions("iris").unwrap();
    let numbers: Vec<u32> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, (1..=20).collect::<Vec<u32>>(), "4 processes × 5 registrations, none lost");
    for v in &versions {
        load::<LogisticRegression>(&v.path).unwrap();
    }
}

/// A save writes its temporary file beside the target, never in the working directory (here
/// one that no longer exists, where nothing can be created).
#[test]
fn saves_write_their_temporary_file_beside_the_target() {
    let tmp = scratch();
    let status = spawn("save-from-a-deleted-cwd", tmp.path(), 0).wait().unwrap();
    assert!(status.success(), "{status}");
    load::<LogisticRegression>(tmp.path().join("out/model.amber")).unwrap();
}
