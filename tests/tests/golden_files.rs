//! Every golden file ever committed (tests/fixtures/format-v*/, written by `cargo xtask golden`)
//! still loads, validates and reproduces its verification sample.

use amber_persistence::{verify, FORMAT_MAJOR};
use amber_tests::repo_root;

#[test]
fn every_golden_file_loads_and_verifies() {
    let fixtures = repo_root().join("tests/fixtures");
    let mut versions = 0;
    let mut files = 0;
    for dir in std::fs::read_dir(&fixtures).unwrap() {
        let dir = dir.unwrap().path();
        let Some(version) = dir.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_prefix("format-v"))
        else {
            continue;
        };
        let major: u16 = version.split('.').next().unwrap().parse().unwrap();
        assert!(major <= FORMAT_MAJOR, "{} is from a newer format", dir.display());
        versions += 1;
        let mut kinds = Vec::new();
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "amber") {
                let header = verify(&path).unwrap_or_else(|e| panic!("{e}"));
                assert!(header.verification.is_some(), "{}: has a verification sample", path.display());
                assert_eq!(header.format_version, version, "{}", path.display());
                kinds.push(header.kind);
                files += 1;
            }
        }
        kinds.sort();
        for kind in
            ["decision_tree_classifier", "logistic_regression", "pipeline", "random_forest_classifier", "svc"]
        {
            assert!(kinds.iter().any(|k| k == kind), "format-v{version} lacks a {kind} golden file");
        }
    }
    assert!(versions >= 1 && files >= 10, "{versions} versions, {files} files");
}
