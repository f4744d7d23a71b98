//! Trees on tie-heavy data are scikit-learn's split for split: features rounded (many exact ties
//! between candidate splits), gini and entropy, all features and `sqrt`, eight seeds each. The
//! fixture (fixtures/sklearn_exact_trees.json, from tools/sklearn_exact_trees.py) holds each
//! tree's split features and thresholds in node order.

use amber_data::datasets;
use amber_estimators::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    dataset: String,
    decimals: i32,
    criterion: String,
    max_features: Option<String>,
    random_state: u32,
    n_nodes: usize,
    feature: Vec<u32>,
    threshold: Vec<f64>,
}

#[derive(Deserialize, Debug)]
struct Limits {
    max_depth: Option<usize>,
    min_samples_split: Option<usize>,
    min_samples_leaf: Option<usize>,
    max_features: Option<String>,
}

#[derive(Deserialize)]
struct LimitedCase {
    dataset: String,
    criterion: String,
    params: Limits,
    weighted: bool,
    random_state: u32,
    n_nodes: usize,
    feature: Vec<u32>,
    threshold: Vec<f64>,
}

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
    limited_cases: Vec<LimitedCase>,
}

/// numpy's `round(x, decimals)`: scale, round half to even, unscale.
fn np_round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round_ties_even() / scale
}

/// Records how `tree` differs from scikit-learn's (`n_nodes` nodes, split `feature`s and
/// `threshold`s in node order), if it does.
fn compare(
    tree: &DecisionTreeClassifier,
    expected: (usize, &[u32], &[f64]),
    what: String,
    differing: &mut Vec<String>,
) {
    let (n_nodes, feature, threshold) = expected;
    let t = &tree.tree;
    if t.n_nodes() == n_nodes && t.feature == feature && t.threshold == threshold {
        return;
    }
    let first = t
        .feature
        .iter()
        .zip(&t.threshold)
        .zip(feature.iter().zip(threshold))
        .enumerate()
        .find(|(_, (a, b))| a.0 != b.0 || a.1 != b.1);
    differing.push(format!("{what}: {} nodes vs {n_nodes}; first split difference: {first:?}", t.n_nodes()));
}

fn criterion(name: &str) -> Criterion {
    if name == "entropy" {
        Criterion::Entropy
    } else {
        Criterion::Gini
    }
}

#[test]
fn tie_heavy_trees_equal_sklearns() {
    let fx: Fixture = serde_json::from_str(include_str!("fixtures/sklearn_exact_trees.json")).unwrap();
    assert_eq!(fx.cases.len(), 400);
    let mut differing = Vec::new();
    for c in &fx.cases {
        let (x, y) = datasets::load(&c.dataset).unwrap().features_and_target().unwrap();
        let x = x.to_array2().unwrap().mapv(|v| np_round(v, c.decimals));
        let max_features = if c.max_features.is_some() { MaxFeatures::Sqrt } else { MaxFeatures::All };
        let tree = DecisionTreeClassifier::params()
            .criterion(criterion(&c.criterion))
            .max_features(max_features)
            .random_state(c.random_state)
            .fit(x.view(), &y.indices)
            .unwrap();
        let what = format!(
            "{} rounded to {} decimals, {}, {:?}, random_state {}",
            c.dataset, c.decimals, c.criterion, c.max_features, c.random_state
        );
        compare(&tree, (c.n_nodes, &c.feature, &c.threshold), what, &mut differing);
    }
    assert!(differing.is_empty(), "{} of 400 trees differ:\n{}", differing.len(), differing.join("\n"));
}

/// Growth limits end branches early, and scikit-learn's splitter then draws fewer features, so
/// the random stream of every later node depends on where they stop. Weights `0.1 · (1 + i % 7)`
/// are inexact in binary: rows equal on a feature must be summed in scikit-learn's order (its
/// introsort's) to get the same float sums, and so the same choice among tied splits.
#[test]
fn limited_and_weighted_tie_heavy_trees_equal_sklearns() {
    let fx: Fixture = serde_json::from_str(include_str!("fixtures/sklearn_exact_trees.json")).unwrap();
    assert_eq!(fx.limited_cases.len(), 160);
    let mut differing = Vec::new();
    for c in &fx.limited_cases {
        let (x, y) = datasets::load(&c.dataset).unwrap().features_and_target().unwrap();
        let x = x.to_array2().unwrap().mapv(|v| np_round(v, 1));
        let p = &c.params;
        let max_features = if p.max_features.is_some() { MaxFeatures::Sqrt } else { MaxFeatures::All };
        let w: Vec<f64> = (0..y.indices.len()).map(|i| 0.1 * (1 + i % 7) as f64).collect();
        let tree = DecisionTreeClassifier::params()
            .criterion(criterion(&c.criterion))
            .max_features(max_features)
            .max_depth(p.max_depth)
            .min_samples_split(p.min_samples_split.unwrap_or(2))
            .min_samples_leaf(p.min_samples_leaf.unwrap_or(1))
            .random_state(c.random_state)
            .fit_weighted(x.view(), &y.indices, c.weighted.then_some(w.as_slice()))
            .unwrap();
        let what = format!(
            "{} rounded to 1 decimal, {}, {:?}, weighted {}, random_state {}",
            c.dataset, c.criterion, c.params, c.weighted, c.random_state
        );
        compare(&tree, (c.n_nodes, &c.feature, &c.threshold), what, &mut differing);
    }
    assert!(differing.is_empty(), "{} of 160 trees differ:\n{}", differing.len(), differing.join("\n"));
}

/// A 100-tree gini forest at 80,000 rows (tools/sklearn_forest_digest.py): every tree equals
/// scikit-learn's, compared by a SHA-256 digest of its nodes in preorder (split features,
/// thresholds and leaf probabilities, to the bit).
#[test]
fn a_forest_at_80k_rows_is_sklearns_tree_for_tree() {
    use amber_data::random::RandomState;
    use sha2::{Digest, Sha256};
    #[derive(Deserialize)]
    struct Fx {
        n_rows: usize,
        n_features: usize,
        data_seed: u32,
        class_counts: Vec<usize>,
        n_estimators: usize,
        random_state: u32,
        n_nodes: Vec<usize>,
        digests: Vec<String>,
    }
    let fx: Fx = serde_json::from_str(include_str!("fixtures/sklearn_forest_digest.json")).unwrap();
    let (n, p) = (fx.n_rows, fx.n_features);
    let mut rs = RandomState::new(fx.data_seed);
    let x = ndarray::Array2::from_shape_simple_fn((n, p), || rs.random_sample());
    let y: Vec<usize> = (0..n)
        .map(|i| {
            let s = x[[i, 0]] + 0.5 * x[[i, 1]] - 0.8 * x[[i, 2]] + 0.6 * rs.random_sample();
            usize::from(s > 0.4) + usize::from(s > 0.9)
        })
        .collect();
    let counts: Vec<usize> = (0..3).map(|c| y.iter().filter(|&&k| k == c).count()).collect();
    assert_eq!(counts, fx.class_counts, "the data is scikit-learn's");
    let forest = RandomForestClassifier::params()
        .n_estimators(fx.n_estimators)
        .random_state(fx.random_state)
        .fit(x.view(), &y)
        .unwrap();
    let bits = |v: f64| v.to_bits().to_string();
    for (t, tree) in forest.trees.iter().enumerate() {
        // Preorder, left child first: a stack of child pointers (≥ 0 split, < 0 leaf).
        let mut lines = Vec::with_capacity(tree.n_nodes());
        let mut stack = vec![if tree.n_splits() > 0 { 0i32 } else { -1 }];
        while let Some(c) = stack.pop() {
            if c >= 0 {
                let i = c as usize;
                lines.push(format!("S {} {}", tree.feature[i], bits(tree.threshold[i])));
                stack.push(tree.right[i]);
                stack.push(tree.left[i]);
            } else {
                let row = tree.value.row(!c as usize);
                lines.push(format!("L {}", row.iter().map(|&v| bits(v)).collect::<Vec<_>>().join(" ")));
            }
        }
        assert_eq!(tree.n_nodes(), fx.n_nodes[t], "tree {t}: nodes");
        let digest: String = Sha256::digest(lines.join("\n")).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest, fx.digests[t], "tree {t}: its nodes differ from scikit-learn's");
    }
}
