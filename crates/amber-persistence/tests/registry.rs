//! The registry: exact names, versions that cannot collide or overflow, damaged entries that hurt
//! no one else, like-for-like promotion, identical models deduplicated, signatures required.

mod common;

use amber_estimators::{ClassifierParams, DecisionTreeClassifier, LogisticRegression};
use amber_persistence::*;
use common::*;

fn fingerprinted(metric: f64) -> SaveOptions {
    SaveOptions::default()
        .dataset("iris", &iris_features())
        .evaluation("KFold(5)")
        .metric("cv_accuracy", metric)
}

#[test]
fn versioned_names_never_overwrite() {
    let tmp = scratch();
    let dir = tmp.path().join("models"); // does not exist yet
    let tree = tree();
    let a = save_versioned(&dir, "iris", &tree, &SaveOptions::default()).unwrap();
    let c = save_versioned(&dir, "iris", &logistic(), &SaveOptions::default()).unwrap();
    let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name(&a).starts_with("iris_decision_tree_classifier_v1_"), "{}", name(&a));
    assert!(name(&c).starts_with("iris_logistic_regression_v2_"));
    // A pipeline is named after its classifier.
    let p = save_versioned(&dir, "penguins", &penguins_pipeline(), &SaveOptions::default()).unwrap();
    assert!(name(&p).starts_with("penguins_logistic_regression_v1_"), "{}", name(&p));
    // <name>_<algorithm>_v<N>_<YYYYmmddTHHMMSSZ>.amber
    let stamp = name(&a).rsplit_once('_').unwrap().1.trim_end_matches(".amber").to_string();
    assert_eq!(stamp.len(), 16, "{stamp}");
    assert!(stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T', "{stamp}");
    assert_eq!(inspect(&a).unwrap().model_name.as_deref(), Some("iris"));
    for bad in ["", "a b", "../x", "x.y", "_x", &"x".repeat(65)] {
        assert!(matches!(
            save_versioned(&dir, bad, &tree, &SaveOptions::default()),
            Err(PersistError::Registry { .. })
        ));
    }
}

#[test]
fn a_version_belongs_to_a_name_only_by_exact_match() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    let (x, y) = iris_xy();
    let eu = LogisticRegression::params().c(0.05).max_iter(300).fit(x.view(), &y).unwrap();
    // churn_eu's file name starts with "churn_": it must never be listed as a version of churn.
    registry.register("churn_eu", &eu, &fingerprinted(0.99)).unwrap();
    let v = registry.register("churn", &logistic(), &fingerprinted(0.90)).unwrap();
    registry.register("churn_eu", &tree(), &fingerprinted(0.99)).unwrap();
    assert_eq!(v.version, 1);
    assert_eq!(registry.models().unwrap(), ["churn", "churn_eu"]);
    assert_eq!(registry.versions("churn").unwrap().len(), 1);
    assert_eq!(registry.versions("churn_eu").unwrap().len(), 2);
    registry.promote_if_better("churn", "champion", 1, "cv_accuracy").unwrap();
    let champion = registry.alias("churn", "champion").unwrap().unwrap();
    let loaded: LogisticRegression = registry.load("churn", champion.version).unwrap();
    assert_eq!(loaded, logistic());
}

#[test]
fn damaged_and_foreign_entries_are_skipped_and_reported() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    registry.register("iris", &tree(), &fingerprinted(0.95)).unwrap();
    let v2 = registry.register("iris", &logistic(), &fingerprinted(0.97)).unwrap();
    // Junk that looks like a version by its file name, a record of garbage, a truncated file.
    std::fs::write(tmp.path().join("iris_junk_v5_20260101T000000Z.amber"), b"junk").unwrap();
    std::fs::write(tmp.path().join(".registry/iris/v7.json"), b"{not json").unwrap();
    std::fs::write(tmp.path().join(".registry/iris/notes.txt"), b"hello").unwrap();
    let bytes = std::fs::read(&v2.path).unwrap();
    std::fs::write(&v2.path, &bytes[..bytes.len() / 2]).unwrap();

    let listing = registry.listing("iris").unwrap();
    assert_eq!(listing.versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1]);
    let reasons: Vec<String> =
        listing.skipped.iter().map(|s| format!("{}: {}", s.path.display(), s.reason)).collect();
    assert_eq!(listing.skipped.len(), 3, "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("v2.json") && r.contains("truncated")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("v7.json") && r.contains("damaged record")), "{reasons:?}");
    // Everything still works for the intact versions.
    assert_eq!(
        registry.promote_if_better("iris", "champion", 1, "cv_accuracy").unwrap(),
        Promotion::Promoted { previous: None }
    );
    assert_eq!(registry.alias("iris", "champion").unwrap().unwrap().version, 1);
    assert!(matches!(registry.get("iris", 2), Err(PersistError::Registry { .. })));
    // The next version skips every number ever claimed, damaged or not.
    let (x, y) = iris_xy();
    let other = DecisionTreeClassifier::params().max_depth(Some(2)).fit(x.view(), &y).unwrap();
    assert_eq!(registry.register("iris", &other, &fingerprinted(0.9)).unwrap().version, 8);
}

#[test]
fn version_numbers_cannot_overflow_and_claims_are_exclusive() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    let claims = tmp.path().join(".registry/iris");
    std::fs::create_dir_all(&claims).unwrap();
    // A claim left by another process (empty: its save is in progress): the next save takes v2.
    std::fs::write(claims.join("v1.json"), b"").unwrap();
    assert_eq!(registry.register("iris", &tree(), &SaveOptions::default()).unwrap().version, 2);
    let skipped = registry.listing("iris").unwrap().skipped;
    assert!(skipped.len() == 1 && skipped[0].reason.contains("incomplete"), "{skipped:?}");
    // The largest version number is usable once; after it, a named error, not a wrap to 0.
    std::fs::write(claims.join(format!("v{}.json", u32::MAX - 1)), b"").unwrap();
    let last = registry.register("iris", &logistic(), &SaveOptions::default()).unwrap();
    assert_eq!(last.version, u32::MAX);
    let err = registry.register("iris", &forest(2), &SaveOptions::default()).unwrap_err();
    assert!(
        matches!(&err, PersistError::Registry { reason, .. } if reason.contains("no version numbers left")),
        "{err}"
    );
    // A lock file left behind by a crashed process does not block anyone (the OS lock died with it).
    assert!(claims.join("lock").exists());
    registry.set_alias("iris", "champion", 2).unwrap();
}

#[test]
fn identical_models_are_one_version() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    let a = registry.register("iris", &tree(), &fingerprinted(0.95)).unwrap();
    let b = registry.register("iris", &tree(), &fingerprinted(0.95).tag("run", "2")).unwrap();
    assert_eq!((a.version, b.version), (1, 1));
    assert_eq!(a.path, b.path);
    assert_eq!(registry.register("iris", &logistic(), &fingerprinted(0.95)).unwrap().version, 2);
}

#[test]
fn promotion_compares_only_like_with_like() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    let (x, y) = iris_xy();
    let shallow = DecisionTreeClassifier::params().max_depth(Some(1)).fit(x.view(), &y).unwrap();
    registry.register("iris", &tree(), &fingerprinted(0.95)).unwrap();
    registry.register("iris", &shallow, &fingerprinted(0.66)).unwrap();
    registry.register("iris", &logistic(), &fingerprinted(0.97)).unwrap();
    let other_data = SaveOptions::default()
        .dataset("iris-half", &iris_features().take_rows(&(0..75).collect::<Vec<_>>()).unwrap())
        .evaluation("KFold(5)")
        .metric("cv_accuracy", 0.99);
    registry.register("iris", &forest(3), &other_data).unwrap();
    let other_protocol = SaveOptions::default()
        .dataset("iris", &iris_features())
        .evaluation("train accuracy")
        .metric("cv_accuracy", 1.0);
    registry.register("iris", &forest(4), &other_protocol).unwrap();
    registry.register("iris", &forest(5), &SaveOptions::default().metric("cv_accuracy", 1.0)).unwrap();

    let promote = |v| registry.promote_if_better("iris", "champion", v, "cv_accuracy").unwrap();
    assert_eq!(promote(1), Promotion::Promoted { previous: None });
    assert_eq!(promote(2), Promotion::Refused { current: 1, current_metric: 0.95, candidate_metric: 0.66 });
    assert_eq!(registry.alias("iris", "champion").unwrap().unwrap().version, 1);
    assert_eq!(promote(3), Promotion::Promoted { previous: Some(1) });
    assert_eq!(promote(3), Promotion::Unchanged);
    for (v, why) in [(4, "different data"), (5, "evaluated differently"), (6, "fingerprint is missing")] {
        match promote(v) {
            Promotion::Incomparable { current: 3, reason } => assert!(reason.contains(why), "v{v}: {reason}"),
            other => panic!("v{v}: {other:?}"),
        }
    }
    assert_eq!(registry.alias("iris", "champion").unwrap().unwrap().version, 3);

    // set_alias moves unconditionally (for example a rollback).
    registry.set_alias("iris", "champion", 2).unwrap();
    assert_eq!(registry.alias("iris", "champion").unwrap().unwrap().version, 2);
    assert!(matches!(registry.set_alias("iris", "champion", 9), Err(PersistError::Registry { .. })));
    // "At least the current one's": an equal metric promotes.
    let (x, y) = iris_xy();
    let depth2 = DecisionTreeClassifier::params().max_depth(Some(2)).fit(x.view(), &y).unwrap();
    let tie = registry.register("iris", &depth2, &fingerprinted(0.66)).unwrap().version;
    assert_eq!(promote(tie), Promotion::Promoted { previous: Some(2) });
    assert!(matches!(
        registry.promote_if_better("iris", "champion", 1, "f1"),
        Err(PersistError::Registry { .. })
    ));
}

#[test]
fn a_registry_can_require_signatures() {
    let tmp = scratch();
    let key = SecretKey::from_seed([3; 32]);
    let strict = LoadOptions::default().trust(key.public_key()).require_signature(true);
    let open = Registry::open(tmp.path()).unwrap();
    let unsigned = open.register("iris", &tree(), &SaveOptions::default()).unwrap();
    let registry = Registry::open(tmp.path()).unwrap().with_load_options(strict);
    // Saving unsigned into it is refused; loading an unsigned version is refused by name.
    let err = registry.register("iris", &logistic(), &SaveOptions::default()).unwrap_err();
    assert!(matches!(&err, PersistError::Registry { reason, .. } if reason.contains("signed")), "{err}");
    assert!(matches!(
        registry.load::<DecisionTreeClassifier>("iris", unsigned.version),
        Err(PersistError::SignatureRequired { .. })
    ));
    let signed = registry.register("iris", &logistic(), &SaveOptions::default().sign(key)).unwrap();
    assert_eq!(registry.load::<LogisticRegression>("iris", signed.version).unwrap(), logistic());
}

#[test]
fn aliases_are_listed_and_protect_their_version_from_removal() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    let v1 = registry.register("iris", &tree(), &fingerprinted(0.95)).unwrap();
    let v2 = registry.register("iris", &logistic(), &fingerprinted(0.97)).unwrap();
    registry.set_alias("iris", "champion", 2).unwrap();
    registry.set_alias("iris", "baseline", 1).unwrap();
    // Another model's alias and a stray file are not this model's aliases.
    registry.register("iris-2", &tree(), &fingerprinted(0.9)).unwrap();
    registry.set_alias("iris-2", "champion", 1).unwrap();
    std::fs::write(tmp.path().join("aliases/iris.json"), b"{}").unwrap();
    assert_eq!(registry.aliases("iris").unwrap(), [("baseline".to_string(), 1), ("champion".to_string(), 2)]);

    let refused = registry.remove("iris", 2).unwrap_err();
    assert!(
        matches!(&refused, PersistError::Registry { reason, .. } if reason.contains("champion")),
        "{refused}"
    );
    assert!(v2.path.exists());
    registry.set_alias("iris", "baseline", 2).unwrap();
    registry.remove("iris", 1).unwrap();
    assert!(!v1.path.exists() && !sidecar_path(&v1.path).exists());
    assert_eq!(registry.versions("iris").unwrap().iter().map(|v| v.version).collect::<Vec<_>>(), [2]);
    assert!(registry.listing("iris").unwrap().skipped.is_empty());
    assert!(matches!(registry.remove("iris", 1), Err(PersistError::Registry { .. })));
    // The next version is 3, not 1 again: versions are never reused while a later one exists.
    assert_eq!(registry.register("iris", &tree(), &fingerprinted(0.95)).unwrap().version, 3);
}

/// Every way a record can be wrong is skipped and reported with its own reason, each condition
/// on its own: a record of another version, file names that are empty, too long or not plain, a
/// record that is not a regular file or is over 64 KiB, a `v0.json`. A record of exactly 64 KiB
/// is read. A name never registered has no versions (not an error); a model directory that is a
/// file is an error.
#[test]
fn each_kind_of_bad_record_is_skipped_with_its_reason() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    assert!(registry.versions("never-saved").unwrap().is_empty());
    let v1 = registry.register("iris", &tree(), &SaveOptions::default()).unwrap();
    let records = tmp.path().join(".registry/iris");
    let good: serde_json::Value =
        serde_json::from_slice(&std::fs::read(records.join("v1.json")).unwrap()).unwrap();
    let with = |version: u64, file: &str| {
        let mut r = good.clone();
        r["version"] = version.into();
        r["file"] = file.into();
        serde_json::to_vec(&r).unwrap()
    };
    let file = v1.path.file_name().unwrap().to_str().unwrap().to_string();
    std::fs::write(records.join("v2.json"), with(1, &file)).unwrap(); // says version 1
    std::fs::write(records.join("v3.json"), with(3, ".amber")).unwrap();
    std::fs::write(records.join("v4.json"), with(4, &format!("{}.amber", "x".repeat(201)))).unwrap();
    std::fs::write(records.join("v5.json"), with(5, "../x.amber")).unwrap();
    std::fs::create_dir(records.join("v6.json")).unwrap();
    let mut big = with(7, &file);
    big.resize(64 * 1024 + 1, b' ');
    std::fs::write(records.join("v7.json"), &big).unwrap();
    std::fs::write(records.join("v0.json"), with(0, &file)).unwrap();
    // Records pointing at another model's file, or at a file whose payload is not the recorded one.
    let other = registry.register("other", &logistic(), &SaveOptions::default()).unwrap();
    std::fs::write(records.join("v10.json"), with(10, other.path.file_name().unwrap().to_str().unwrap()))
        .unwrap();
    let mut r = good.clone();
    r["version"] = 11.into();
    r["payload_sha256"] = "0".repeat(64).into();
    std::fs::write(records.join("v11.json"), serde_json::to_vec(&r).unwrap()).unwrap();
    // A file name of exactly 200 characters is plain (v9's file does not exist: skipped for that).
    std::fs::write(records.join("v9.json"), with(9, &format!("{}.amber", "x".repeat(200)))).unwrap();
    // Exactly 64 KiB, padded with JSON whitespace: read, and a version like any other.
    let mut exact = with(8, &file);
    exact.resize(64 * 1024, b' ');
    std::fs::write(records.join("v8.json"), &exact).unwrap();

    let listing = registry.listing("iris").unwrap();
    let reason = |name: &str| {
        let s = listing.skipped.iter().find(|s| s.path.ends_with(name));
        s.map_or_else(|| "not skipped".to_string(), |s| s.reason.clone())
    };
    assert!(reason("v2.json").contains("names another model or version"), "{}", reason("v2.json"));
    for name in ["v3.json", "v4.json", "v5.json"] {
        assert!(reason(name).contains("not a plain .amber file name"), "{name}: {}", reason(name));
    }
    for name in ["v6.json", "v7.json"] {
        assert!(
            reason(name).contains("not a regular file of at most 65536 bytes"),
            "{name}: {}",
            reason(name)
        );
    }
    assert!(reason("v0.json").contains("not a version record"), "{}", reason("v0.json"));
    assert!(
        reason("v9.json") != "not skipped" && !reason("v9.json").contains("plain"),
        "{}",
        reason("v9.json")
    );
    // v8's record is read, and it is a version (of v1's file, as it says).
    assert_eq!(reason("v8.json"), "not skipped");
    assert_eq!(listing.versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 8]);

    std::fs::write(tmp.path().join(".registry/broken"), b"a file, not a directory").unwrap();
    assert!(matches!(registry.versions("broken"), Err(PersistError::Io { .. })));
}

/// Registry errors quote names escaped and cut to 80 characters.
#[test]
fn registry_errors_show_names_escaped_and_cut() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    let long = format!("bad name\n{}", "y".repeat(200));
    let e = registry.register(&long, &tree(), &SaveOptions::default()).unwrap_err().to_string();
    let shown = format!("{:?}", long.chars().take(80).collect::<String>());
    assert!(e.contains(&shown), "{e}");
    assert!(!e.contains(&"y".repeat(72)), "{e}");
}

/// Removing a version removes its file and its sidecar if there is one (a file saved without a
/// sidecar is removed too); a sidecar that cannot be removed is an error, and the version stays.
#[test]
fn removal_tolerates_a_missing_sidecar_but_not_a_stuck_one() {
    let tmp = scratch();
    let registry = Registry::open(tmp.path()).unwrap();
    let plain = SaveOptions { sidecar: false, ..SaveOptions::default() };
    let v1 = registry.register("iris", &tree(), &plain).unwrap();
    let v2 = registry.register("iris", &logistic(), &plain).unwrap();
    registry.remove("iris", 1).unwrap();
    assert!(!v1.path.exists());
    // A directory where v2's sidecar would be: removing it is an I/O error, not ignored.
    let mut sidecar = v2.path.clone().into_os_string();
    sidecar.push(".json");
    std::fs::create_dir(&sidecar).unwrap();
    assert!(matches!(registry.remove("iris", 2), Err(PersistError::Io { .. })));
    assert_eq!(registry.versions("iris").unwrap().iter().map(|v| v.version).collect::<Vec<_>>(), [2]);
}
