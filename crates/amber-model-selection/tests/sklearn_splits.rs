//! The splitters select exactly the rows scikit-learn selects.
//! Reference: tests/fixtures/splits.json, written by tools/sklearn_splits.py (scikit-learn 1.9.1).

use amber_model_selection::{train_test_split, CrossValidator, Fold, KFold, SplitError, StratifiedKFold};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    train_test_split: Vec<TtsCase>,
    kfold: Vec<KFoldCase>,
    stratified_kfold: Vec<StratifiedCase>,
}

#[derive(Deserialize)]
struct TtsCase {
    n: usize,
    test_size: f64,
    seed: u32,
    train: Vec<usize>,
    test: Vec<usize>,
}

#[derive(Deserialize)]
struct FoldRef {
    train: Vec<usize>,
    test: Vec<usize>,
}

#[derive(Deserialize)]
struct KFoldCase {
    n: usize,
    k: usize,
    shuffle: bool,
    seed: u32,
    folds: Vec<FoldRef>,
}

#[derive(Deserialize)]
struct StratifiedCase {
    name: String,
    y: Vec<usize>,
    k: usize,
    shuffle: bool,
    seed: u32,
    folds: Vec<FoldRef>,
}

fn fixture() -> Fixture {
    let text = include_str!("fixtures/splits.json");
    serde_json::from_str(text).expect("fixture parses")
}

fn assert_folds(ours: &[Fold], reference: &[FoldRef], case: &str) {
    assert_eq!(ours.len(), reference.len(), "{case}: number of folds");
    for (i, (a, b)) in ours.iter().zip(reference).enumerate() {
        assert_eq!(a.test, b.test, "{case}: fold {i} test rows");
        assert_eq!(a.train, b.train, "{case}: fold {i} train rows");
    }
}

#[test]
fn train_test_split_matches_sklearn() {
    let cases = fixture().train_test_split;
    // The required cases are present in the fixture.
    for (n, size, seed) in [(150, 0.2, 42), (569, 0.25, 0), (7043, 0.2, 7)] {
        assert!(cases.iter().any(|c| c.n == n && c.test_size == size && c.seed == seed));
    }
    for c in &cases {
        let split = train_test_split(c.n, c.test_size, c.seed).unwrap();
        let case = format!("n={} test_size={} seed={}", c.n, c.test_size, c.seed);
        assert_eq!(split.test, c.test, "{case}: test rows");
        assert_eq!(split.train, c.train, "{case}: train rows");
    }
}

#[test]
fn kfold_matches_sklearn() {
    let cases = fixture().kfold;
    for n in [150, 569] {
        assert!(cases.iter().any(|c| c.n == n && c.k == 5 && c.shuffle && c.seed == 0));
    }
    for c in &cases {
        let mut cv = KFold::new(c.k);
        if c.shuffle {
            cv = cv.shuffled(c.seed);
        }
        let case = format!("KFold n={} k={} shuffle={} seed={}", c.n, c.k, c.shuffle, c.seed);
        assert_folds(&cv.split(c.n).unwrap(), &c.folds, &case);
    }
}

#[test]
fn stratified_kfold_matches_sklearn() {
    for c in &fixture().stratified_kfold {
        let mut cv = StratifiedKFold::new(c.k);
        if c.shuffle {
            cv = cv.shuffled(c.seed);
        }
        let case = format!("StratifiedKFold {} k={} shuffle={} seed={}", c.name, c.k, c.shuffle, c.seed);
        assert_folds(&cv.split(&c.y).unwrap(), &c.folds, &case);
    }
}

#[test]
fn bad_test_size_is_an_error() {
    for bad in [0.0, 1.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
        match train_test_split(10, bad, 0) {
            Err(SplitError::InvalidTestSize { value }) => {
                assert!(value.to_bits() == bad.to_bits());
            }
            other => panic!("test_size={bad}: expected InvalidTestSize, got {other:?}"),
        }
    }
    assert_eq!(train_test_split(0, 0.2, 0), Err(SplitError::NoRows));
    // ceil(0.9 * 1) = 1 test row, floor(0.1 * 1) = 0 train rows: sklearn refuses too.
    assert!(matches!(train_test_split(1, 0.9, 0), Err(SplitError::EmptyTrainSet { n_rows: 1, .. })));
    let msg = train_test_split(10, 1.5, 0).unwrap_err().to_string();
    assert!(msg.contains("test_size") && msg.contains("1.5"), "{msg}");
}

#[test]
fn bad_n_splits_is_an_error() {
    assert_eq!(KFold::new(1).split(10), Err(SplitError::TooFewSplits { n_splits: 1 }));
    assert_eq!(KFold::new(0).split(10), Err(SplitError::TooFewSplits { n_splits: 0 }));
    assert_eq!(KFold::new(11).split(10), Err(SplitError::MoreSplitsThanRows { n_splits: 11, n_rows: 10 }));
    assert_eq!(
        StratifiedKFold::new(4).split(&[0, 0, 0, 1, 1, 1]),
        Err(SplitError::ClassesTooSmall { n_splits: 4, largest_class: 3 })
    );
    assert_eq!(StratifiedKFold::new(1).split(&[0, 1]), Err(SplitError::TooFewSplits { n_splits: 1 }));
    // The largest class may have exactly n_splits rows (scikit-learn refuses only fewer).
    assert_eq!(StratifiedKFold::new(3).split(&[0, 0, 0, 1, 1, 1]).map(|f| f.len()), Ok(3));
    assert_eq!(CrossValidator::n_splits(&KFold::new(7)), 7);
    assert_eq!(CrossValidator::n_splits(&StratifiedKFold::new(4)), 4);
    let msg = KFold::new(11).split(10).unwrap_err().to_string();
    assert!(msg.contains("n_splits = 11") && msg.contains("10"), "{msg}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every row lands in exactly one test fold, and train is the complement of test.
        #[test]
        fn folds_partition_the_rows(y in prop::collection::vec(0usize..4, 2..200), k in 2usize..8, seed: u32, shuffle: bool) {
            let n = y.len();
            let results = [
                KFold { n_splits: k, shuffle, seed }.split(n),
                StratifiedKFold { n_splits: k, shuffle, seed }.split(&y),
            ];
            for folds in results.into_iter().flatten() {
                let mut seen = vec![0; n];
                for f in &folds {
                    prop_assert_eq!(f.train.len() + f.test.len(), n);
                    for &r in &f.test { seen[r] += 1; prop_assert!(!f.train.contains(&r)); }
                }
                prop_assert!(seen.iter().all(|&c| c == 1));
            }
        }

        /// A split is a partition of a prefix of a permutation: no row twice, sizes as sklearn's.
        #[test]
        fn split_sizes(n in 2usize..500, test_size in 0.01f64..0.99, seed: u32) {
            if let Ok(s) = train_test_split(n, test_size, seed) {
                prop_assert_eq!(s.test.len(), (test_size * n as f64).ceil() as usize);
                prop_assert_eq!(s.train.len() + s.test.len(), n);
                let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
                all.sort_unstable();
                all.dedup();
                prop_assert_eq!(all.len(), s.train.len() + s.test.len());
            }
        }
    }
}
