//! Cross-validation, grid search and comparison: thread-count independence, progress, ordering.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use amber_data::datasets;
use amber_estimators::*;
use amber_model_selection::*;
use amber_pipeline::{FittedPipeline, Pipeline};
use serde_json::json;

fn cbor(p: &FittedPipeline) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(p, &mut out).unwrap();
    out
}

fn candidates() -> Vec<(String, Pipeline)> {
    vec![
        (
            "logistic".into(),
            Pipeline::new()
                .transformer("scaler", StandardScaler::params())
                .classifier("c", LogisticRegression::params()),
        ),
        (
            "forest".into(),
            Pipeline::new()
                .classifier("c", RandomForestClassifier::params().n_estimators(20).random_state(3)),
        ),
        ("tree".into(), Pipeline::new().classifier("c", DecisionTreeClassifier::params().max_depth(Some(2)))),
    ]
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let iris = datasets::iris().unwrap().table;
    let cv = StratifiedKFold::new(5).shuffled(1);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let board = compare(&candidates(), &iris, "species", &cv, Scoring::Accuracy, None).unwrap();
            let grid = GridSearch::new(
                Pipeline::new().classifier("c", RandomForestClassifier::params().n_estimators(10)),
            )
            .param("c.max_depth", vec![json!(1), json!(2), json!(null)])
            .param("c.random_state", vec![json!(0), json!(1)])
            .fit(&iris, "species", &cv, Scoring::F1Macro, None)
            .unwrap();
            let scores: Vec<Vec<f64>> = board.entries.iter().map(|e| e.cv.scores.clone()).collect();
            let grid_scores: Vec<Vec<f64>> = grid.candidates.iter().map(|c| c.cv.scores.clone()).collect();
            (
                board.entries[0].name.clone(),
                scores,
                cbor(&board.best),
                grid.best_index,
                grid_scores,
                cbor(&grid.best),
            )
        })
    };
    let one = run(1);
    assert_eq!(one, run(4), "same scores, same winner, same fitted model bytes");
    assert_eq!(one, run(2));
}

#[test]
fn progress_is_reported_for_every_fit() {
    let iris = datasets::iris().unwrap().table;
    let seen = Mutex::new(Vec::new());
    let calls = AtomicUsize::new(0);
    let report = |p: Progress| {
        calls.fetch_add(1, Ordering::Relaxed);
        seen.lock().unwrap().push(p);
    };
    let grid = GridSearch::new(Pipeline::new().classifier("c", DecisionTreeClassifier::params()))
        .param("c.max_depth", vec![json!(1), json!(2)])
        .param("c.criterion", vec![json!("gini"), json!("entropy")]);
    grid.fit(&iris, "species", &KFold::new(3), Scoring::Accuracy, Some(&report)).unwrap();
    let mut seen = seen.into_inner().unwrap();
    assert_eq!(calls.load(Ordering::Relaxed), 12, "4 combinations × 3 folds");
    seen.sort_by_key(|p| p.done);
    assert_eq!(seen.iter().map(|p| p.done).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
    assert!(seen.iter().all(|p| p.total == 12));
}

#[test]
fn grid_order_ranks_and_randomized_search() {
    let iris = datasets::iris().unwrap().table;
    let search = GridSearch::new(Pipeline::new().classifier("c", DecisionTreeClassifier::params()))
        .param("c.max_depth", vec![json!(1), json!(3)])
        .param("c.criterion", vec![json!("gini"), json!("entropy")]);
    // scikit-learn's ParameterGrid order: paths sorted, the last varying fastest.
    let combos: Vec<String> = search.combinations().unwrap().iter().map(describe).collect();
    assert_eq!(
        combos,
        [
            "c.criterion=\"gini\", c.max_depth=1",
            "c.criterion=\"gini\", c.max_depth=3",
            "c.criterion=\"entropy\", c.max_depth=1",
            "c.criterion=\"entropy\", c.max_depth=3"
        ]
    );
    let result = search.fit(&iris, "species", &StratifiedKFold::new(5), Scoring::Accuracy, None).unwrap();
    let best = &result.candidates[result.best_index];
    assert_eq!(best.rank, 1);
    assert!(result.candidates.iter().all(|c| c.cv.mean <= result.best_score));
    // Ties share the lower rank; the best is the first of the best.
    let first_best = result.candidates.iter().position(|c| c.cv.mean == result.best_score).unwrap();
    assert_eq!(result.best_index, first_best);
    assert!(result.candidates.iter().all(|c| c.cv.fit_times.len() == 5 && c.cv.score_times.len() == 5));
    assert_eq!(result.best.predict(&iris).unwrap().len(), 150, "refitted on all rows");

    let sampled = search.clone().randomized(2, 7);
    assert_eq!(sampled.combinations().unwrap().len(), 2);
    assert_eq!(
        sampled.combinations().unwrap(),
        search.clone().randomized(2, 7).combinations().unwrap(),
        "seeded"
    );
    let r = sampled.fit(&iris, "species", &StratifiedKFold::new(5), Scoring::Accuracy, None).unwrap();
    assert_eq!(r.candidates.len(), 2);
    // A sample is drawn, not the grid's first combinations: over 20 seeds, several samples differ.
    let all = search.combinations().unwrap();
    let samples: std::collections::BTreeSet<String> = (0..20)
        .map(|seed| format!("{:?}", search.clone().randomized(2, seed).combinations().unwrap()))
        .collect();
    assert!(samples.len() > 5, "{} distinct samples", samples.len());
    // Asking for the whole grid or more gives the whole grid, in order.
    assert_eq!(search.clone().randomized(all.len(), 3).combinations().unwrap(), all);
    assert_eq!(search.clone().randomized(all.len() + 5, 3).combinations().unwrap(), all);
}

/// A grid of exactly MAX_CANDIDATES combinations is allowed; one more value is refused.
#[test]
fn the_candidate_bound_is_exact() {
    let grid = |n: usize| {
        GridSearch::new(Pipeline::new().classifier("c", DecisionTreeClassifier::params()))
            .param("c.min_samples_split", (0..100).map(|v| json!(v + 2)).collect::<Vec<_>>())
            .param("c.max_depth", (0..n).map(|v| json!(v + 1)).collect::<Vec<_>>())
    };
    assert_eq!(grid(MAX_CANDIDATES / 100).combinations().map(|c| c.len()).ok(), Some(MAX_CANDIDATES));
    assert!(matches!(
        grid(MAX_CANDIDATES / 100 + 1).combinations(),
        Err(SearchError::TooManyCandidates { count, max: MAX_CANDIDATES }) if count == MAX_CANDIDATES + 100
    ));
}

#[test]
fn a_huge_grid_is_sampled_without_being_enumerated_and_bounded() {
    // 35^6 ≈ 1.8e9 combinations (enumerating them once took minutes and gigabytes).
    let values: Vec<serde_json::Value> = (1..=35).map(|d| json!(d)).collect();
    let mut search = GridSearch::new(Pipeline::new().classifier("c", DecisionTreeClassifier::params()));
    for p in ["max_depth", "min_samples_split", "min_samples_leaf", "a", "b", "c"] {
        search = search.param(&format!("c.{p}"), values.clone());
    }
    assert_eq!(search.grid_size(), Some(35usize.pow(6)));
    let sampled = search.clone().randomized(3, 1).combinations().unwrap();
    assert_eq!(sampled.len(), 3);
    assert!(sampled.windows(2).all(|w| w[0] != w[1]), "drawn without replacement");
    assert_eq!(sampled, search.clone().randomized(3, 1).combinations().unwrap(), "seeded");
    assert!(sampled.iter().all(|c| c.len() == 6 && c.values().all(|v| values.contains(v))));
    // The whole grid, or a sample larger than the bound, is refused by name before it is built.
    for too_many in [search.clone(), search.clone().randomized(MAX_CANDIDATES + 1, 0)] {
        match too_many.combinations() {
            Err(SearchError::TooManyCandidates { max: MAX_CANDIDATES, .. }) => {}
            other => panic!("{:?}", other.map(|c| c.len())),
        }
    }
    // A grid whose size overflows usize is refused the same way.
    let mut overflow = search.clone();
    for p in 0..10 {
        overflow = overflow.param(&format!("c.x{p}"), values.clone());
    }
    assert_eq!(overflow.grid_size(), None);
    assert!(matches!(overflow.combinations(), Err(SearchError::TooManyCandidates { count: usize::MAX, .. })));
    assert_eq!(overflow.randomized(2, 3).combinations().unwrap().len(), 2);
}

#[test]
fn leaderboard_is_sorted_with_a_stated_tie_break() {
    let iris = datasets::iris().unwrap().table;
    // Two identical candidates tie exactly: the one given first ranks first.
    let mut cands = candidates();
    cands.push(("tree again".into(), cands[2].1.clone()));
    let board = compare(&cands, &iris, "species", &StratifiedKFold::new(5), Scoring::Accuracy, None).unwrap();
    let means: Vec<f64> = board.entries.iter().map(|e| e.cv.mean).collect();
    assert!(means.windows(2).all(|w| w[0] >= w[1]), "{means:?}");
    let tree = board.entries.iter().position(|e| e.name == "tree").unwrap();
    let again = board.entries.iter().position(|e| e.name == "tree again").unwrap();
    assert!(tree < again);
    let cv = cross_validate(&cands[0].1, &iris, "species", &StratifiedKFold::new(5), Scoring::Accuracy, None)
        .unwrap();
    let entry = board.entries.iter().find(|e| e.name == "logistic").unwrap();
    assert_eq!(entry.cv.scores, cv.scores);
    let n = cv.scores.len() as f64;
    let mean = cv.scores.iter().sum::<f64>() / n;
    assert_eq!(cv.mean, mean);
    assert!((cv.std - (cv.scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n).sqrt()).abs() < 1e-15);
}

#[test]
fn scorings_and_errors() {
    let cancer = datasets::breast_cancer().unwrap().table;
    let lr = Pipeline::new()
        .transformer("s", StandardScaler::params())
        .classifier("c", LogisticRegression::params());
    for scoring in [Scoring::RocAuc, Scoring::NegLogLoss, Scoring::F1Weighted] {
        let cv = cross_validate(&lr, &cancer, "diagnosis", &StratifiedKFold::new(3), scoring, None).unwrap();
        assert!(cv.scores.iter().all(|s| s.is_finite()), "{}", scoring.name());
    }
    let err = cross_validate(&lr, &cancer, "nope", &KFold::new(3), Scoring::Accuracy, None).unwrap_err();
    assert!(matches!(err, SearchError::Data(_)), "{err:?}");
    let err = cross_validate(&lr, &cancer, "diagnosis", &KFold::new(1), Scoring::Accuracy, None).unwrap_err();
    assert!(matches!(err, SearchError::Split(SplitError::TooFewSplits { .. })), "{err:?}");
    let bad = GridSearch::new(lr.clone()).param("c.depth", vec![json!(1)]);
    assert!(matches!(
        bad.fit(&cancer, "diagnosis", &KFold::new(3), Scoring::Accuracy, None),
        Err(SearchError::Grid(_))
    ));
    // A candidate that cannot fit: the error names it and the fold.
    let broken = Pipeline::new().classifier("c", LogisticRegression::params().c(-1.0));
    let err =
        compare(&[("broken".into(), broken)], &cancer, "diagnosis", &KFold::new(3), Scoring::Accuracy, None)
            .unwrap_err();
    assert!(matches!(&err, SearchError::Fit { candidate, .. } if candidate == "broken"), "{err:?}");
    assert!(matches!(
        compare(&[], &cancer, "diagnosis", &KFold::new(3), Scoring::Accuracy, None),
        Err(SearchError::NoCandidates)
    ));
}

/// A randomized search draws the combinations scikit-learn's `ParameterSampler` draws with the
/// same seed (a permutation of the grid, numpy's, cut to `n`), for small grids and for grids
/// between `MAX_CANDIDATES` and twice that (fixture: `tools/sklearn_parameter_sampler.py`).
#[test]
fn randomized_search_draws_sklearns_parameter_sample() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/sklearn_parameter_sampler.json")).unwrap();
    for case in fixture["cases"].as_array().unwrap() {
        let keys: Vec<&str> = case["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        let mut search = GridSearch::new(Pipeline::new().classifier("c", DecisionTreeClassifier::params()));
        for k in &keys {
            let n = case["sizes"][*k].as_u64().unwrap();
            search = search.param(k, (0..n).map(|v| json!(v)));
        }
        let n_iter = case["n_iter"].as_u64().unwrap() as usize;
        let search = search.randomized(n_iter, case["seed"].as_u64().unwrap() as u32);
        let drawn: Vec<Vec<u64>> = search
            .combinations()
            .unwrap()
            .iter()
            .map(|c| keys.iter().map(|k| c[*k].as_u64().unwrap()).collect())
            .collect();
        let expected: Vec<Vec<u64>> = serde_json::from_value(case["drawn"].clone()).unwrap();
        assert_eq!(drawn, expected, "grid {}, n_iter {n_iter}, seed {}", case["sizes"], case["seed"]);
    }
}

/// A sample from a grid above `2 × MAX_CANDIDATES` (tracking selection) holds distinct
/// combinations of the grid, in grid order, for several seeds: no draw lands past the grid's last
/// index (which would wrap around to the first combination, out of order).
#[test]
fn large_grid_samples_are_distinct_combinations_in_grid_order() {
    let search = GridSearch::new(Pipeline::new().classifier("c", DecisionTreeClassifier::params()))
        .param("a", (0..401).map(|v| json!(v)))
        .param("b", (0..500).map(|v| json!(v)));
    assert!(search.grid_size().unwrap() > 2 * MAX_CANDIDATES);
    for seed in 0..6 {
        let combos = search.clone().randomized(MAX_CANDIDATES, seed).combinations().unwrap();
        let drawn: Vec<(u64, u64)> =
            combos.iter().map(|c| (c["a"].as_u64().unwrap(), c["b"].as_u64().unwrap())).collect();
        assert_eq!(drawn.len(), MAX_CANDIDATES);
        assert!(drawn.windows(2).all(|w| w[0] < w[1]), "seed {seed}: not distinct and in grid order");
    }
}
