//! One contract, one suite: every estimator is run through the same checks (like scikit-learn's
//! `check_estimator`). A new estimator is added to the lists at the bottom.

use amber_data::{datasets, Column, Table};
use amber_estimators::*;
use ndarray::{array, s, Array2};
use serde::{de::DeserializeOwned, Serialize};

fn cbor<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).unwrap();
    out
}

fn from_cbor<T: DeserializeOwned>(bytes: &[u8]) -> T {
    ciborium::from_reader(bytes).unwrap()
}

/// Iris features and targets (3 classes), and a binary subset (versicolor vs virginica).
fn iris() -> (Array2<f64>, Vec<usize>) {
    let (x, y) = datasets::iris().unwrap().features_and_target().unwrap();
    (x.to_array2().unwrap(), y.indices)
}

fn assert_probabilities(name: &str, p: &Array2<f64>, rows: usize, classes: usize) {
    assert_eq!(p.dim(), (rows, classes), "{name}: predict_proba shape");
    for (i, row) in p.rows().into_iter().enumerate() {
        assert!(row.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)), "{name}: row {i} {row}");
        assert!((row.sum() - 1.0).abs() < 1e-9, "{name}: row {i} sums to {}", row.sum());
    }
}

/// The classifier contract.
fn check_classifier<P>(name: &str, params: P, bad_params: Vec<P>)
where
    P: ClassifierParams + Clone,
    P::Model: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    // Tiny data, two features, two classes with labels that are not 0..k.
    let tiny = array![[0.0, 1.0], [0.1, 0.9], [0.2, 1.1], [1.0, 0.0], [1.1, 0.1], [0.9, -0.1]];
    let tiny_y = [3, 3, 3, 7, 7, 7];
    let m = params.fit(tiny.view(), &tiny_y).unwrap_or_else(|e| panic!("{name}: tiny fit: {e}"));
    assert_eq!(m.classes(), [3, 7], "{name}: classes are the sorted labels of y");
    assert_eq!(m.n_features(), 2, "{name}");
    assert_eq!(m.predict(tiny.view()).unwrap(), tiny_y, "{name}: separable tiny data");
    m.validate().unwrap();

    // One feature.
    let one = tiny.slice(s![.., 0..1]).to_owned();
    let m1 = params.fit(one.view(), &tiny_y).unwrap_or_else(|e| panic!("{name}: single feature: {e}"));
    assert_eq!(m1.predict(one.view()).unwrap().len(), 6, "{name}");

    // Three classes: shapes, labels, probabilities.
    let (x, y) = iris();
    let m = params.fit(x.view(), &y).unwrap();
    let predicted = m.predict(x.view()).unwrap();
    assert_eq!(predicted.len(), x.nrows(), "{name}");
    assert!(predicted.iter().all(|c| m.classes().contains(c)), "{name}: predictions come from classes()");
    let accuracy = predicted.iter().zip(&y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64;
    assert!(accuracy > 0.9, "{name}: training accuracy on iris {accuracy}");
    let proba = m.predict_proba(x.view()).unwrap();
    assert_probabilities(name, &proba, x.nrows(), 3);

    // Same seed, same data: the same model, to the bit.
    let again = params.fit(x.view(), &y).unwrap();
    assert_eq!(cbor(&m), cbor(&again), "{name}: refit gives different bytes");

    // Serde round trips (CBOR and JSON) give a valid model with bit-identical predictions.
    let back: P::Model = from_cbor(&cbor(&m));
    back.validate().unwrap();
    assert_eq!(back, m, "{name}: CBOR round trip");
    let back_proba = back.predict_proba(x.view()).unwrap();
    assert!(
        back_proba.iter().zip(&proba).all(|(a, b)| a.to_bits() == b.to_bits()),
        "{name}: CBOR predictions"
    );
    let json: P::Model = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(json.predict(x.view()).unwrap(), predicted, "{name}: JSON round trip");

    // Zero rows at predict time: an empty result.
    assert!(m.predict(x.slice(s![0..0, ..])).unwrap().is_empty(), "{name}: zero rows");

    // Named errors, never panics.
    let empty = Array2::<f64>::zeros((0, 2));
    assert!(
        matches!(params.fit(empty.view(), &[]), Err(EstimatorError::EmptyInput { rows: 0, .. })),
        "{name}"
    );
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut xb = tiny.clone();
        xb[[4, 1]] = bad;
        match params.fit(xb.view(), &tiny_y) {
            Err(e @ EstimatorError::NonFinite { row: 4, .. }) => {
                assert!(e.to_string().contains("row 4"), "{e}")
            }
            other => panic!("{name}: {bad} in x: {other:?}"),
        }
        assert!(matches!(
            m.predict(xb.slice(s![.., ..]).view()),
            Err(EstimatorError::FeatureCountMismatch { .. })
        ));
        let mut xp = x.slice(s![0..3, ..]).to_owned();
        xp[[1, 2]] = bad;
        assert!(
            matches!(m.predict(xp.view()), Err(EstimatorError::NonFinite { row: 1, .. })),
            "{name}: {bad} at predict"
        );
    }
    assert!(matches!(
        params.fit(tiny.view(), &tiny_y[..5]),
        Err(EstimatorError::LengthMismatch { x_rows: 6, y_len: 5, .. })
    ));
    assert!(matches!(params.fit(tiny.view(), &[1; 6]), Err(EstimatorError::SingleClass { class: 1, .. })));
    let err = m.predict(tiny.view()).unwrap_err();
    assert!(
        matches!(err, EstimatorError::FeatureCountMismatch { expected: 4, found: 2, .. }),
        "{name}: {err:?}"
    );
    assert!(!bad_params.is_empty(), "{name}: list at least one bad hyperparameter");
    for bad in bad_params {
        let err = bad.fit(tiny.view(), &tiny_y).unwrap_err();
        assert!(matches!(err, EstimatorError::InvalidParameter { .. }), "{name}: {err:?}");
        assert!(matches!(bad.validate(), Err(EstimatorError::InvalidParameter { .. })));
    }
}

/// A small mixed table: two numeric columns with a missing cell, one categorical.
fn mixed() -> Table {
    Table::new(vec![
        ("a".into(), Column::Numeric(vec![1.0, 2.0, f64::NAN, 4.0, 10.0])),
        ("b".into(), Column::Numeric(vec![0.5, 0.5, 1.5, 2.5, 0.5])),
        (
            "c".into(),
            Column::Categorical(vec![
                Some("x".into()),
                Some("y".into()),
                Some("x".into()),
                None,
                Some("z".into()),
            ]),
        ),
    ])
    .unwrap()
}

/// The transformer contract, on `input` (the columns it accepts).
fn check_transformer<P>(name: &str, params: P, input: Table)
where
    P: TransformerParams,
    P::Model: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let m = params.fit(&input).unwrap_or_else(|e| panic!("{name}: fit: {e}"));
    m.validate().unwrap();
    assert_eq!(m.feature_names_in(), input.column_names(), "{name}");
    let out = m.transform(&input).unwrap();
    assert_eq!(out.n_rows(), input.n_rows(), "{name}: rows kept");
    assert_eq!(out.column_names(), m.feature_names_out(), "{name}: output names");

    // Deterministic, and serde round trips give identical output.
    assert_eq!(params.fit(&input).unwrap(), m, "{name}: refit");
    let back: P::Model = from_cbor(&cbor(&m));
    back.validate().unwrap();
    assert_eq!(back.transform(&input).unwrap(), out, "{name}: CBOR round trip");

    // Single column.
    let first = &input.column_names()[..1];
    let single = input.select(first).unwrap();
    params.fit(&single).unwrap_or_else(|e| panic!("{name}: single column: {e}"));

    // Columns found by name: reordered and extra columns give the same output.
    let mut names: Vec<String> = input.column_names().to_vec();
    names.reverse();
    let mut reordered: Vec<(String, Column)> =
        names.iter().map(|n| (n.clone(), input.column(n).unwrap().clone())).collect();
    reordered.push(("extra".into(), Column::Numeric(vec![0.0; input.n_rows()])));
    assert_eq!(m.transform(&Table::new(reordered).unwrap()).unwrap(), out, "{name}: by name");

    // Zero rows: an empty result; empty fit input: named error.
    let none = input.take_rows(&[]).unwrap();
    assert_eq!(m.transform(&none).unwrap().n_rows(), 0, "{name}");
    assert!(matches!(params.fit(&none), Err(EstimatorError::EmptyInput { rows: 0, .. })), "{name}");

    // A missing column at transform time.
    let dropped = input.drop_columns(first).unwrap();
    match m.transform(&dropped) {
        Err(EstimatorError::MissingColumn { name: col, .. }) => assert_eq!(col, first[0]),
        other => panic!("{name}: missing column: {other:?}"),
    }
}

#[test]
fn every_classifier_conforms() {
    check_classifier(
        "LogisticRegression",
        LogisticRegression::params().max_iter(500),
        vec![
            LogisticRegression::params().c(f64::NAN),
            LogisticRegression::params().c(0.0),
            LogisticRegression::params().tol(f64::INFINITY),
            LogisticRegression::params().max_iter(0),
        ],
    );
    check_classifier(
        "DecisionTreeClassifier",
        DecisionTreeClassifier::params().random_state(3),
        vec![
            DecisionTreeClassifier::params().max_depth(Some(0)),
            DecisionTreeClassifier::params().min_samples_split(1),
            DecisionTreeClassifier::params().min_samples_leaf(0),
            DecisionTreeClassifier::params().max_features(MaxFeatures::Fraction(f64::NAN)),
        ],
    );
    check_classifier(
        "RandomForestClassifier",
        RandomForestClassifier::params().n_estimators(15).random_state(11),
        vec![
            RandomForestClassifier::params().n_estimators(0),
            RandomForestClassifier::params().max_features(MaxFeatures::Fraction(1.5)),
        ],
    );
    check_classifier(
        "SVC",
        SVC::params().probability(true).random_state(5),
        vec![
            SVC::params().c(f64::NEG_INFINITY),
            SVC::params().kernel(Kernel::Rbf { gamma: Gamma::Value(f64::NAN) }),
            SVC::params().tol(-1.0),
        ],
    );
    check_classifier(
        "SVC (linear)",
        SVC::params().kernel(Kernel::Linear).probability(true),
        vec![SVC::params().c(-1.0)],
    );
}

#[test]
fn max_features_beyond_the_data_is_a_fit_error() {
    // Only knowable at fit time: validate() accepts it, fit names it.
    let p = DecisionTreeClassifier::params().max_features(MaxFeatures::Count(3));
    assert!(p.validate().is_ok());
    let x = array![[0.0, 1.0], [1.0, 0.0]];
    let err = p.fit(x.view(), &[0, 1]).unwrap_err();
    assert!(matches!(err, EstimatorError::InvalidParameter { name: "max_features", .. }), "{err:?}");
}

#[test]
fn every_transformer_conforms() {
    let numeric = mixed().select(&["a", "b"]).unwrap();
    let categorical = SimpleImputer::params()
        .strategy(ImputeStrategy::MostFrequent)
        .fit(&mixed().select(&["c"]).unwrap())
        .unwrap()
        .transform(&mixed())
        .unwrap();
    let categorical2 = Table::new(vec![
        ("c".into(), categorical.column("c").unwrap().clone()),
        ("d".into(), Column::Categorical(["p", "q", "p", "p", "q"].map(|s| Some(s.to_string())).to_vec())),
    ])
    .unwrap();
    check_transformer("StandardScaler", StandardScaler::params(), numeric.clone());
    check_transformer("MinMaxScaler", MinMaxScaler::params().feature_range(-1.0, 1.0), numeric.clone());
    check_transformer(
        "SimpleImputer",
        SimpleImputer::params().strategy(ImputeStrategy::Median),
        numeric.clone(),
    );
    check_transformer(
        "SimpleImputer (most frequent)",
        SimpleImputer::params().strategy(ImputeStrategy::MostFrequent),
        mixed(),
    );
    check_transformer("SimpleImputer (constant)", SimpleImputer::params().fill_text("?"), mixed());
    check_transformer("OneHotEncoder", OneHotEncoder::params(), categorical2.clone());
    check_transformer("OneHotEncoder (drop first)", OneHotEncoder::params().drop(Drop::First), categorical2);
}

#[test]
fn numeric_transformers_reject_inf_and_text() {
    let mut cols = vec![("a".to_string(), Column::Numeric(vec![1.0, f64::INFINITY]))];
    let with_inf = Table::new(cols.clone()).unwrap();
    cols[0].1 = Column::Categorical(vec![Some("1".into()), None]);
    let text = Table::new(cols).unwrap();
    let errs = [
        (StandardScaler::params().fit(&with_inf).err(), StandardScaler::params().fit(&text).err()),
        (MinMaxScaler::params().fit(&with_inf).err(), MinMaxScaler::params().fit(&text).err()),
        (SimpleImputer::params().fit(&with_inf).err(), SimpleImputer::params().fit(&text).err()),
    ];
    for (inf, txt) in errs {
        assert!(matches!(inf, Some(EstimatorError::NonFinite { row: 1, .. })), "{inf:?}");
        assert!(matches!(txt, Some(EstimatorError::WrongColumnKind { .. })), "{txt:?}");
    }
    assert!(matches!(OneHotEncoder::params().fit(&with_inf), Err(EstimatorError::WrongColumnKind { .. })));
    let all_missing = Table::new(vec![("a".into(), Column::Numeric(vec![f64::NAN; 3]))]).unwrap();
    assert!(matches!(StandardScaler::params().fit(&all_missing), Err(EstimatorError::AllMissing { .. })));
    assert!(matches!(
        MinMaxScaler::params().feature_range(1.0, 0.0).fit(&all_missing),
        Err(EstimatorError::InvalidParameter { name: "feature_range", .. })
    ));
}
