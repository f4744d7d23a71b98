//! The README's shell sessions with the `amber` command (its own section and the tutorials') run
//! as written, in a temporary directory holding a copy of `datasets/`, each command exiting 0.

mod common;

use common::*;

/// The `amber …` lines of the first `sh` block after `heading`, without their comments.
fn session(heading: &str) -> Vec<String> {
    let readme = include_str!("../../../README.md");
    let section = readme.split(heading).nth(1).expect("README has the section");
    let block = section.split("```sh").nth(1).and_then(|b| b.split("```").next()).expect("an sh block");
    block
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim().to_string())
        .filter(|l| l.starts_with("amber "))
        .collect()
}

/// A shell-style glob of one `*`-pattern file name in `dir` (the session uses `models/x_*_v1_*.amber`).
fn glob(dir: &std::path::Path, pattern: &str) -> String {
    if !pattern.contains('*') {
        return pattern.to_string();
    }
    let (folder, file) = pattern.rsplit_once('/').unwrap_or((".", pattern));
    let parts: Vec<&str> = file.split('*').collect();
    let mut found: Vec<String> = std::fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            let mut rest = name.as_str();
            parts.iter().enumerate().all(|(i, part)| match rest.find(part) {
                Some(at) if i > 0 || at == 0 => {
                    rest = &rest[at + part.len()..];
                    true
                }
                _ => false,
            }) && parts.last().is_none_or(|last| name.ends_with(last))
        })
        .collect();
    assert_eq!(found.len(), 1, "{pattern} matches {found:?}");
    format!("{folder}/{}", found.remove(0))
}

fn run_session(lines: &[String]) -> tempfile::TempDir {
    let tmp = scratch();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("datasets")).unwrap();
    for name in ["iris", "breast_cancer", "penguins", "telco_churn"] {
        std::fs::copy(dataset(name), dir.join(format!("datasets/{name}.csv"))).unwrap();
    }
    for line in lines {
        let args: Vec<String> = line.split_whitespace().skip(1).map(|a| glob(dir, a)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(dir, &args);
    }
    tmp
}

#[test]
fn readme_session_runs_as_written() {
    let lines = session("## The `amber` command");
    assert!(lines.len() >= 5, "{lines:?}");
    let tmp = run_session(&lines);
    assert!(tmp.path().join("report/report.html").is_file());
    assert!(tmp.path().join("predictions.csv").is_file());
}

#[test]
fn readme_tutorial_session_runs_as_written() {
    let lines = session("## Tutorials");
    assert!(lines.len() >= 7, "{lines:?}");
    let tmp = run_session(&lines);
    assert!(tmp.path().join("churn.csv").is_file());
}
