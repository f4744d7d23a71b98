//! Every golden file ever committed (tests/fixtures/format-v*/, written by `cargo xtask golden`)
//! still loads, validates and reproduces its verification sample.

use amber_persistence::{verify, verify_with, LoadOptions, PersistError, PublicKey, SecretKey, FORMAT_MAJOR};
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
    assert!(versions >= 6 && files >= 73, "{versions} versions, {files} files");
}

/// The signed golden files (format 1.1 on) verify with the published key beside them, and fail by
/// name with another key or when a signature is required but the file is unsigned.
#[test]
fn signed_golden_files_verify_with_their_key_only() {
    for version in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] {
        check_signed(&repo_root().join(format!("tests/fixtures/format-v{version}")));
    }
}

fn check_signed(dir: &std::path::Path) {
    let key = PublicKey::read(dir.join("signing-key.pub.pem")).unwrap();
    let trusted = LoadOptions::default().trust(key).require_signature(true);
    let stranger = LoadOptions::default().trust(SecretKey::from_seed([9; 32]).public_key());
    let mut signed = 0;
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_none_or(|e| e != "amber") {
            continue;
        }
        let is_signed = path.to_string_lossy().ends_with(".signed.amber");
        match (is_signed, verify_with(&path, &trusted)) {
            (true, Ok(header)) => {
                assert!(header.signature.is_some());
                signed += 1;
                assert!(matches!(verify_with(&path, &stranger), Err(PersistError::UntrustedSigner { .. })));
            }
            (false, Err(PersistError::SignatureRequired { .. })) => {}
            (s, other) => panic!("{} (signed: {s}): {other:?}", path.display()),
        }
    }
    assert_eq!(signed, 2);
}

/// Format 1.2 added the feature importances of trees and forests (a payload field with a serde
/// default): 1.2 files carry them, older files load with none.
#[test]
fn feature_importances_arrived_in_format_1_2() {
    use amber_estimators::{DecisionTreeClassifier, RandomForestClassifier};
    use amber_persistence::load;
    for (version, expect) in [
        ("1.0", false),
        ("1.1", false),
        ("1.2", true),
        ("1.3", true),
        ("1.4", true),
        ("1.5", true),
        ("1.6", true),
    ] {
        let dir = repo_root().join(format!("tests/fixtures/format-v{version}"));
        let tree: DecisionTreeClassifier = load(dir.join("decision_tree_classifier.amber")).unwrap();
        let forest: RandomForestClassifier = load(dir.join("random_forest_classifier.amber")).unwrap();
        for (what, importances) in
            [("tree", &tree.feature_importances), ("forest", &forest.feature_importances)]
        {
            assert_eq!(!importances.is_empty(), expect, "format {version} {what}: {importances:?}");
            if expect {
                assert_eq!(importances.len(), 4);
                assert!((importances.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            }
        }
    }
}

/// Format 1.3 added a fitted pipeline's own hyperparameters (a payload field with a serde
/// default), carried by path in the header: 1.3 pipelines have them, older ones load without.
#[test]
fn pipeline_hyperparameters_arrived_in_format_1_3() {
    use amber_persistence::load_with_header;
    use amber_pipeline::FittedPipeline;
    for (version, expect) in [
        ("1.0", false),
        ("1.1", false),
        ("1.2", false),
        ("1.3", true),
        ("1.4", true),
        ("1.5", true),
        ("1.6", true),
    ] {
        let path = repo_root().join(format!("tests/fixtures/format-v{version}/pipeline.amber"));
        let (p, header): (FittedPipeline, _) = load_with_header(&path).unwrap();
        assert_eq!(!p.params().is_empty(), expect, "format {version}");
        if expect {
            assert_eq!(header.hyperparameters, Some(serde_json::to_value(p.params()).unwrap()));
            assert!(p.params().contains_key("classifier.C"), "{:?}", p.params());
        }
    }
}

/// Format 1.4 added class weights to the hyperparameters of trees, forests and SVC (a payload
/// field with a serde default, left out when absent): the 1.4 golden pipeline's forest has them,
/// by path in the header too, and every older pipeline loads without.
#[test]
fn class_weights_arrived_in_format_1_4() {
    use amber_estimators::ClassWeight;
    use amber_persistence::load_with_header;
    use amber_pipeline::{ClassifierSpec, FittedPipeline};
    let path = repo_root().join("tests/fixtures/format-v1.4/class_weighted_pipeline.amber");
    let (p, header): (FittedPipeline, _) = load_with_header(&path).unwrap();
    assert_eq!(p.params()["classifier.class_weight"], serde_json::json!("balanced"));
    assert_eq!(header.hyperparameters, Some(serde_json::to_value(p.params()).unwrap()));
    let spec = p.spec.as_ref().and_then(|s| s.classifier.as_ref()).map(|c| &c.spec);
    assert!(
        matches!(spec, Some(ClassifierSpec::RandomForestClassifier(f)) if f.class_weight == Some(ClassWeight::Balanced)),
        "{spec:?}"
    );
    for version in ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] {
        let path = repo_root().join(format!("tests/fixtures/format-v{version}/pipeline.amber"));
        let (p, _): (FittedPipeline, _) = load_with_header(&path).unwrap();
        assert!(!p.params().contains_key("classifier.class_weight"), "format {version}");
    }
}

/// Format 1.5 added logistic regression's convergence report (a payload field with a serde
/// default) and its class weights (in the spec, left out when absent): 1.5 files carry both, and
/// every older logistic regression loads with no report.
#[test]
fn logistic_convergence_and_class_weights_arrived_in_format_1_5() {
    use amber_estimators::{ClassWeight, LogisticRegression};
    use amber_persistence::{load, load_with_header};
    use amber_pipeline::{ClassifierSpec, FittedPipeline};
    for version in ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] {
        let path = repo_root().join(format!("tests/fixtures/format-v{version}/logistic_regression.amber"));
        let lr: LogisticRegression = load(&path).unwrap();
        match (version, lr.convergence) {
            ("1.5" | "1.6", Some(c)) => assert!(c.converged && c.n_iter > 0 && c.n_iter < 300, "{c:?}"),
            ("1.5" | "1.6", None) => {
                panic!("format {version} logistic regression without a convergence report")
            }
            (_, c) => assert_eq!(c, None, "format {version}"),
        }
    }
    let path = repo_root().join("tests/fixtures/format-v1.5/class_weighted_logistic_pipeline.amber");
    let (p, header): (FittedPipeline, _) = load_with_header(&path).unwrap();
    let expected = ClassWeight::Explicit([(0, 2.0), (2, 0.5)].into());
    assert_eq!(p.params()["classifier.class_weight"], serde_json::to_value(&expected).unwrap());
    assert_eq!(header.hyperparameters, Some(serde_json::to_value(p.params()).unwrap()));
    let spec = p.spec.as_ref().and_then(|s| s.classifier.as_ref()).map(|c| &c.spec);
    assert!(
        matches!(spec, Some(ClassifierSpec::LogisticRegression(lr)) if lr.class_weight == Some(expected.clone())),
        "{spec:?}"
    );
}

/// Format 1.6 added a fitted pipeline's training reference (drift monitoring; a payload field left
/// out when absent): the 1.6 golden pipeline has one that fits its schema, and every older
/// pipeline loads without.
#[test]
fn drift_references_arrived_in_format_1_6() {
    use amber_persistence::load;
    use amber_pipeline::{FittedPipeline, ReferenceValues};
    for version in ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6"] {
        let path = repo_root().join(format!("tests/fixtures/format-v{version}/pipeline.amber"));
        let p: FittedPipeline = load(&path).unwrap();
        match (version, &p.reference) {
            ("1.6", Some(r)) => {
                assert_eq!(r.columns.len(), p.schema.columns.len());
                assert!(r.rows > 0 && r.sample_rows == r.rows.min(amber_pipeline::REFERENCE_ROWS));
                assert!(r.columns.iter().any(|c| matches!(c.values, ReferenceValues::Numeric { .. })));
                let prediction = r.prediction.as_ref().expect("a classifier's predictions");
                assert_eq!(prediction.labels, p.proba_labels().unwrap());
            }
            ("1.6", None) => panic!("format 1.6 pipeline without a reference"),
            (_, r) => assert!(r.is_none(), "format {version}"),
        }
    }
}
