//! Classifiers as graph nodes: logistic regression as `LinearClassifier`, trees and forests as
//! `TreeEnsembleClassifier` (ONNX-ML), SVC from standard operators (see `svc`). Each takes the
//! features as a double tensor `[N, n_features]` and declares the graph's outputs.

use amber_estimators::tree::{threshold_f32, Tree};
use amber_estimators::{Classifier, LogisticRegression};
use amber_pipeline::FittedClassifier;

use crate::graph::{self, ML};
use crate::proto::data_type;
use crate::steps::Builder;

/// The label output: `[N]` strings, the original class labels.
pub(crate) const LABEL: &str = "label";
/// The probability output: `[N, n_classes]` float, columns in the order of the labels.
pub(crate) const PROBABILITIES: &str = "probabilities";

impl Builder {
    /// `features` (double `[N, d]`) through `model`; `labels` names its classes in order.
    pub(crate) fn classifier(&mut self, model: &FittedClassifier, features: &str, labels: &[String]) {
        let n_classes = model.classes().len();
        let trees: &[Tree] = match model {
            FittedClassifier::Svc(m) => return self.svc(m, features, labels),
            FittedClassifier::LogisticRegression(_) => &[],
            FittedClassifier::DecisionTreeClassifier(m) => std::slice::from_ref(&m.tree),
            FittedClassifier::RandomForestClassifier(m) => &m.trees,
        };
        let x = self.g.cast(features, data_type::FLOAT);
        let proba = match model {
            FittedClassifier::LogisticRegression(m) => linear(self, m, &x, n_classes),
            _ => ensemble(self, trees, n_classes, &x),
        };
        // The label is the first most probable class, computed here rather than taken from the
        // ML operator: runtimes disagree on how a two-class ensemble labels its rows.
        let position = self.g.argmax_rows(&proba);
        let label = self.label_strings(&position, labels);
        self.g.output(LABEL, &label, data_type::STRING, None);
        self.g.output(PROBABILITIES, &proba, data_type::FLOAT, Some(n_classes));
    }

    /// Class positions (int64 `[N]`) as their labels (`CategoryMapper`). The ML operators could
    /// name the labels themselves (`classlabels_strings`), but tract cannot run them so; the
    /// output is the same.
    pub(crate) fn label_strings(&mut self, positions: &str, labels: &[String]) -> String {
        let mapped = self.g.node(
            ML,
            "CategoryMapper",
            &[positions],
            vec![
                graph::ints("cats_int64s", (0..labels.len() as i64).collect()),
                graph::strings("cats_strings", labels.iter().map(String::as_str)),
                graph::string("default_string", ""),
            ],
            1,
        );
        mapped.into_iter().next().unwrap_or_default()
    }
}

/// `0, 1, …, n − 1`: the class labels the ML operators see.
fn positions(n: usize) -> Vec<i64> {
    (0..n as i64).collect()
}

/// `LinearClassifier`: multinomial with `SOFTMAX`; binary as two models `[-w, w]`, `[-b, b]`
/// with `LOGISTIC`, whose scores are `[1 - p, p]` (scikit-learn's own export, skl2onnx, does
/// the same).
fn linear(b: &mut Builder, m: &LogisticRegression, x: &str, n_classes: usize) -> String {
    let binary = m.coef.nrows() == 1;
    let (coefficients, intercepts): (Vec<f32>, Vec<f32>) = if binary {
        let w = m.coef.iter().map(|&v| (-v) as f32).chain(m.coef.iter().map(|&v| v as f32)).collect();
        let b0 = m.intercept.first().copied().unwrap_or(0.0);
        (w, vec![(-b0) as f32, b0 as f32])
    } else {
        (m.coef.iter().map(|&v| v as f32).collect(), m.intercept.iter().map(|&v| v as f32).collect())
    };
    let outputs = b.g.node(
        ML,
        "LinearClassifier",
        &[x],
        vec![
            graph::ints("classlabels_ints", positions(n_classes)),
            graph::floats("coefficients", coefficients),
            graph::floats("intercepts", intercepts),
            graph::int("multi_class", 0),
            graph::string("post_transform", if binary { "LOGISTIC" } else { "SOFTMAX" }),
        ],
        2,
    );
    scores(outputs)
}

/// `TreeEnsembleClassifier` summing each tree's leaf distribution divided by the number of trees.
/// Split node `i` of a tree is ONNX node `i`, leaf `l` node `n_splits + l`; thresholds are the
/// largest float32 not above amber's, so that every float32 feature takes amber's branch.
fn ensemble(b: &mut Builder, trees: &[Tree], n_classes: usize, x: &str) -> String {
    let weight = 1.0 / trees.len() as f64;
    let mut n = Nodes::default();
    for (t, tree) in trees.iter().enumerate() {
        let splits = tree.n_splits() as i64;
        let id = |c: i32| if c >= 0 { i64::from(c) } else { splits + i64::from(!c) };
        for i in 0..tree.n_splits() {
            let (Some(&f), Some(&th), Some(&l), Some(&r)) =
                (tree.feature.get(i), tree.threshold.get(i), tree.left.get(i), tree.right.get(i))
            else {
                continue;
            };
            n.node(t, i as i64, "BRANCH_LEQ", i64::from(f), threshold_f32(th), id(l), id(r));
        }
        for (l, dist) in tree.value.outer_iter().enumerate() {
            let node = splits + l as i64;
            n.node(t, node, "LEAF", 0, 0.0, 0, 0);
            for (class, &p) in dist.iter().enumerate().take(n_classes) {
                // Zero weights are left out (a smaller file, and tract, which scans leaf entries,
                // runs faster), except the second class's of two: onnxruntime reads a two-class
                // row that reached no second-class entry as a one-score model and writes
                // `[-s, s]`.
                if p == 0.0 && !(n_classes == 2 && class == 1) {
                    continue;
                }
                n.class_treeids.push(t as i64);
                n.class_nodeids.push(node);
                n.class_ids.push(class as i64);
                n.class_weights.push((p * weight) as f32);
            }
        }
    }
    let outputs = b.g.node(
        ML,
        "TreeEnsembleClassifier",
        &[x],
        vec![
            graph::ints("classlabels_int64s", positions(n_classes)),
            graph::ints("nodes_treeids", n.treeids),
            graph::ints("nodes_nodeids", n.nodeids),
            graph::ints("nodes_featureids", n.featureids),
            graph::strings("nodes_modes", n.modes.iter().copied()),
            graph::floats("nodes_values", n.values),
            graph::ints("nodes_truenodeids", n.trueids),
            graph::ints("nodes_falsenodeids", n.falseids),
            graph::ints("class_treeids", n.class_treeids),
            graph::ints("class_nodeids", n.class_nodeids),
            graph::ints("class_ids", n.class_ids),
            graph::floats("class_weights", n.class_weights),
            graph::string("post_transform", "NONE"),
        ],
        2,
    );
    scores(outputs)
}

/// The parallel attribute arrays of a `TreeEnsembleClassifier`.
#[derive(Default)]
struct Nodes {
    treeids: Vec<i64>,
    nodeids: Vec<i64>,
    featureids: Vec<i64>,
    modes: Vec<&'static str>,
    values: Vec<f32>,
    trueids: Vec<i64>,
    falseids: Vec<i64>,
    class_treeids: Vec<i64>,
    class_nodeids: Vec<i64>,
    class_ids: Vec<i64>,
    class_weights: Vec<f32>,
}

impl Nodes {
    #[allow(clippy::too_many_arguments)]
    fn node(
        &mut self,
        tree: usize,
        id: i64,
        mode: &'static str,
        feature: i64,
        value: f32,
        yes: i64,
        no: i64,
    ) {
        self.treeids.push(tree as i64);
        self.nodeids.push(id);
        self.featureids.push(feature);
        self.modes.push(mode);
        self.values.push(value);
        self.trueids.push(yes);
        self.falseids.push(no);
    }
}

/// The scores of an ML classifier's `[label, scores]` outputs.
fn scores(mut outputs: Vec<String>) -> String {
    outputs.pop().unwrap_or_default()
}
