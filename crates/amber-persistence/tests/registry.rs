//! Versioned names, listing, aliases and promotion.

mod common;

use amber_estimators::{ClassifierParams, DecisionTreeClassifier, LogisticRegression};
use amber_persistence::*;
use common::*;

#[test]
fn versioned_names_never_overwrite() {
    let dir = scratch("versioned").join("models"); // does not exist yet
    let tree = tree();
    let a = save_versioned(&dir, "iris", &tree, &SaveOptions::default()).unwrap();
    let b = save_versioned(&dir, "iris", &tree, &SaveOptions::default()).unwrap();
    let c = save_versioned(&dir, "iris", &logistic(), &SaveOptions::default()).unwrap();
    let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name(&a).starts_with("iris_decision_tree_classifier_v1_"), "{}", name(&a));
    assert!(name(&b).starts_with("iris_decision_tree_classifier_v2_"));
    assert!(name(&c).starts_with("iris_logistic_regression_v3_"));
    // <name>_<algorithm>_v<N>_<YYYYmmddTHHMMSSZ>.amber
    let stamp = name(&a).rsplit_once('_').unwrap().1.trim_end_matches(".amber").to_string();
    assert_eq!(stamp.len(), 16, "{stamp}");
    assert!(stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T', "{stamp}");
    assert!(a.exists() && b.exists() && c.exists());
    for bad in ["", "a b", "../x", "x.y"] {
        assert!(matches!(
            save_versioned(&dir, bad, &tree, &SaveOptions::default()),
            Err(PersistError::Registry { .. })
        ));
    }
}

#[test]
fn registry_lists_versions_and_promotes_only_better_models() {
    let registry = Registry::open(scratch("registry")).unwrap();
    let (x, y) = iris_xy();
    let shallow = DecisionTreeClassifier::params().max_depth(Some(1)).fit(x.view(), &y).unwrap();
    let v1 = registry.register("iris", &tree(), &SaveOptions::default().metric("cv_accuracy", 0.95)).unwrap();
    let v2 =
        registry.register("iris", &shallow, &SaveOptions::default().metric("cv_accuracy", 0.66)).unwrap();
    let v3 =
        registry.register("iris", &logistic(), &SaveOptions::default().metric("cv_accuracy", 0.97)).unwrap();
    assert_eq!((v1.version, v2.version, v3.version), (1, 2, 3));
    assert_eq!(registry.models().unwrap(), ["iris"]);
    let listed = registry.versions("iris").unwrap();
    assert_eq!(listed.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(listed[1].header.metrics["cv_accuracy"], 0.66);
    assert_eq!(listed[2].algorithm, "logistic_regression");
    assert!(!listed[0].header.created.is_empty());

    assert!(registry.alias("iris", "champion").unwrap().is_none());
    let promote = |v| registry.promote_if_better("iris", "champion", v, "cv_accuracy").unwrap();
    assert_eq!(promote(1), Promotion::Promoted { previous: None });
    assert_eq!(promote(2), Promotion::Refused { current: 1, current_metric: 0.95, candidate_metric: 0.66 });
    assert_eq!(
        registry.alias("iris", "champion").unwrap().unwrap().version,
        1,
        "a worse model does not move it"
    );
    assert_eq!(promote(3), Promotion::Promoted { previous: Some(1) });
    assert_eq!(promote(3), Promotion::Unchanged);
    let champion = registry.alias("iris", "champion").unwrap().unwrap();
    assert_eq!(champion.version, 3);
    let loaded: LogisticRegression = load(&champion.path).unwrap();
    assert_eq!(loaded, logistic());

    // set_alias moves unconditionally (for example a rollback).
    registry.set_alias("iris", "champion", 2).unwrap();
    assert_eq!(registry.alias("iris", "champion").unwrap().unwrap().version, 2);
    assert!(matches!(registry.set_alias("iris", "champion", 9), Err(PersistError::Registry { .. })));
    assert!(matches!(
        registry.promote_if_better("iris", "champion", 1, "f1"),
        Err(PersistError::Registry { .. })
    ));
}
