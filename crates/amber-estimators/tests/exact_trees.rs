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

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

/// numpy's `round(x, decimals)`: scale, round half to even, unscale.
fn np_round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round_ties_even() / scale
}

#[test]
fn tie_heavy_trees_equal_sklearns() {
    let fx: Fixture = serde_json::from_str(include_str!("fixtures/sklearn_exact_trees.json")).unwrap();
    assert_eq!(fx.cases.len(), 400);
    let mut differing = Vec::new();
    for c in &fx.cases {
        let (x, y) = datasets::load(&c.dataset).unwrap().features_and_target().unwrap();
        let x = x.to_array2().unwrap().mapv(|v| np_round(v, c.decimals));
        let criterion = if c.criterion == "entropy" { Criterion::Entropy } else { Criterion::Gini };
        let max_features = if c.max_features.is_some() { MaxFeatures::Sqrt } else { MaxFeatures::All };
        let tree = DecisionTreeClassifier::params()
            .criterion(criterion)
            .max_features(max_features)
            .random_state(c.random_state)
            .fit(x.view(), &y.indices)
            .unwrap();
        let same = tree.tree.n_nodes() == c.n_nodes
            && tree.tree.feature == c.feature
            && tree.tree.threshold == c.threshold;
        if !same {
            differing.push(format!(
                "{} rounded to {} decimals, {}, {:?}, random_state {}: {} nodes vs {}; first split difference: {:?}",
                c.dataset,
                c.decimals,
                c.criterion,
                c.max_features,
                c.random_state,
                tree.tree.n_nodes(),
                c.n_nodes,
                tree.tree
                    .feature
                    .iter()
                    .zip(&tree.tree.threshold)
                    .zip(c.feature.iter().zip(&c.threshold))
                    .enumerate()
                    .find(|(_, (a, b))| a.0 != b.0 || a.1 != b.1)
            ));
        }
    }
    assert!(differing.is_empty(), "{} of 400 trees differ:\n{}", differing.len(), differing.join("\n"));
}
