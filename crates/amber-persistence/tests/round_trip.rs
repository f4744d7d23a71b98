//! Every kind saves and loads exactly as it was, plain and compressed, with its sidecar.

mod common;

use amber_data::datasets;
use amber_estimators::*;
use amber_persistence::*;
use amber_pipeline::{FittedClassifier, FittedPipeline};
use common::*;
use serde::Serialize;

fn cbor<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).unwrap();
    out
}

/// Saves `obj` plain and at zstd 3, loads both, and checks bytes, header and sidecar.
fn round_trip<T: Persist + PartialEq + std::fmt::Debug>(dir: &std::path::Path, obj: &T) -> Header {
    let mut last = None;
    for level in [None, Some(3)] {
        let path = dir.join(format!("{}-{level:?}.amber", T::KIND));
        let options =
            SaveOptions { compression: level, ..SaveOptions::default() }.metric("m", 0.5).tag("k", "v");
        let written = save(obj, &path, &options).unwrap();
        let (back, header): (T, Header) = load_with_header(&path).unwrap();
        assert_eq!(&back, obj, "{}: loaded object equals the saved one", T::KIND);
        assert_eq!(cbor(&back), cbor(obj), "{}: bit-identical", T::KIND);
        assert_eq!(header, written);
        assert_eq!(header.kind, T::KIND);
        assert_eq!(header.compression, level.map_or_else(Compression::none, Compression::zstd));
        assert!(
            header.verification.as_ref().is_some_and(|v| !v.output.is_empty()),
            "{}: has a sample",
            T::KIND
        );
        assert_eq!(verify(&path).unwrap(), header, "{}: verify by kind", T::KIND);
        assert_eq!(inspect(&path).unwrap(), header);
        // The sidecar is the header in JSON.
        let sidecar: serde_json::Value =
            serde_json::from_slice(&std::fs::read(sidecar_path(&path)).unwrap()).unwrap();
        assert_eq!(sidecar["kind"], T::KIND);
        assert_eq!(sidecar["metrics"]["m"], 0.5);
        last = Some(header);
    }
    last.unwrap()
}

#[test]
fn every_kind_round_trips() {
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    round_trip(&dir, &logistic());
    round_trip(&dir, &tree());
    round_trip(&dir, &forest(10));
    round_trip(&dir, &svc());
    round_trip(&dir, &FittedClassifier::RandomForestClassifier(forest(3)));
    let iris = iris_features();
    round_trip(&dir, &StandardScaler::params().fit(&iris).unwrap());
    round_trip(&dir, &MinMaxScaler::params().fit(&iris).unwrap());
    let penguins = datasets::penguins().unwrap().table;
    round_trip(&dir, &SimpleImputer::params().strategy(ImputeStrategy::MostFrequent).fit(&penguins).unwrap());
    round_trip(
        &dir,
        &OneHotEncoder::params().fit(&penguins.select(&["island", "species"]).unwrap()).unwrap(),
    );
    let header = round_trip(&dir, &penguins_pipeline());
    assert_eq!(header.labels.as_deref().unwrap(), ["Adelie", "Chinstrap", "Gentoo"]);
    assert!(header.schema.is_some_and(|s| s.columns.iter().any(|c| c.name == "island")));
}

#[test]
fn header_carries_the_metadata() {
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let penguins = datasets::penguins().unwrap().table;
    let path = dir.join("p.amber");
    let options = SaveOptions::default()
        .dataset("penguins", &penguins)
        .metric("test_accuracy", 0.99)
        .description("lab pipeline")
        .sample(penguins.take_rows(&[0, 3, 100]).unwrap());
    let h = save(&penguins_pipeline(), &path, &options).unwrap();
    let d = h.dataset.as_ref().unwrap();
    assert_eq!((d.name.as_str(), d.rows), ("penguins", 344));
    assert_eq!(d.fingerprint, penguins.fingerprint().to_hex());
    assert_eq!(h.versions.amber, env!("CARGO_PKG_VERSION"));
    assert!(h.versions.rustc.starts_with("rustc "), "{}", h.versions.rustc);
    assert!(h.versions.linfa.starts_with("0.8"), "{}", h.versions.linfa);
    assert!(h.created.ends_with('Z') && h.created.len() == 20, "{}", h.created);
    assert_eq!(h.format_version, format!("{FORMAT_MAJOR}.{FORMAT_MINOR}"));
    assert_eq!(h.verification.as_ref().unwrap().input.n_rows(), 3, "the caller's sample is used");
    // A fitted pipeline records its own hyperparameters; the header carries them by path.
    assert_eq!(h.hyperparameters.as_ref().unwrap()["classifier.C"], 1.0);
    // Row 3 of penguins is all NA but species: the pipeline's imputers answer it.
    let out = &h.verification.as_ref().unwrap().output;
    assert_eq!(out[0][0], Cell::Text(Some("Adelie".into())));
}

#[test]
fn compression_makes_a_forest_smaller_and_bad_levels_are_named() {
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let f = forest(50);
    save(&f, dir.join("plain.amber"), &SaveOptions::default()).unwrap();
    save(&f, dir.join("zstd.amber"), &SaveOptions::default().compress(3)).unwrap();
    let size = |n: &str| std::fs::metadata(dir.join(n)).unwrap().len();
    assert!(size("zstd.amber") < size("plain.amber"), "{} vs {}", size("zstd.amber"), size("plain.amber"));
    for bad in [0, 23, -1] {
        let err = save(&f, dir.join("bad.amber"), &SaveOptions::default().compress(bad)).unwrap_err();
        assert!(matches!(err, PersistError::InvalidOption { name: "compression", .. }), "{err:?}");
    }
}

#[test]
fn wrong_kind_is_named() {
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let path = dir.join("tree.amber");
    save(&tree(), &path, &SaveOptions::default()).unwrap();
    match load::<LogisticRegression>(&path) {
        Err(PersistError::WrongKind { expected, found, .. }) => {
            assert_eq!((expected, found.as_str()), ("logistic_regression", "decision_tree_classifier"))
        }
        other => panic!("expected WrongKind, got {other:?}"),
    }
    assert!(matches!(load::<FittedPipeline>(&path), Err(PersistError::WrongKind { .. })));
}

#[test]
fn save_creates_directories_and_refuses_invalid_models() {
    let tmp = scratch();
    let dir = tmp.path().to_path_buf();
    let path = dir.join("a/b/c/model.amber");
    save(&logistic(), &path, &SaveOptions::default()).unwrap();
    assert!(path.exists());
    let mut bad = logistic();
    bad.intercept.clear();
    assert!(matches!(
        save(&bad, dir.join("bad.amber"), &SaveOptions::default()),
        Err(PersistError::InvalidModel { .. })
    ));
    assert!(!dir.join("bad.amber").exists());
}

/// Scalers fitted on values near ±f64::MAX (once: an infinite scale, or a zero one, then a model
/// that `save` rejected) give models that save, load and predict like the original.
#[test]
fn models_fitted_near_the_limits_of_f64_save_and_load() {
    use amber_data::{Column, Table};
    use amber_pipeline::Pipeline;
    let tmp = scratch();
    let x = Table::new(vec![
        ("huge".into(), Column::Numeric(vec![1e308, -1e308, 5e307, -5e307, 1e308, -1e308])),
        (
            "y".into(),
            Column::Categorical(["a", "b", "a", "b", "a", "b"].map(|s| Some(s.to_string())).to_vec()),
        ),
    ])
    .unwrap();
    for (name, model) in [
        ("standard", Pipeline::new().transformer("s", StandardScaler::params())),
        ("minmax", Pipeline::new().transformer("s", MinMaxScaler::params())),
    ] {
        let fitted = model.classifier("c", LogisticRegression::params()).fit(&x, "y").unwrap();
        let path = tmp.path().join(format!("{name}.amber"));
        save(&fitted, &path, &SaveOptions::default()).unwrap();
        let loaded: FittedPipeline = load(&path).unwrap();
        let features = x.drop_columns(&["y"]).unwrap();
        assert_eq!(loaded.predict(&features).unwrap(), ["a", "b", "a", "b", "a", "b"], "{name}");
    }
}
