//! Growing a CART classification tree, following scikit-learn's `BestSplitter` and
//! `DepthFirstTreeBuilder`: best split over a random subset of features **at every node**, thresholds
//! halfway between consecutive distinct values, scikit-learn's impurity proxies and stopping rules.

use amber_data::random::RandomState;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::data::Tree;

/// Values closer than this are the same for splitting (scikit-learn's `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;
/// scikit-learn's `EPSILON` for "pure" nodes.
const EPSILON: f64 = f64::EPSILON;

/// The impurity measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Gini impurity `1 - Σ p²` (the default).
    #[default]
    Gini,
    /// Shannon entropy `-Σ p log₂ p`.
    Entropy,
}

/// How many features to try at each split.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxFeatures {
    /// Every feature.
    All,
    /// `max(1, floor(√n_features))`.
    Sqrt,
    /// `max(1, floor(log₂ n_features))`.
    Log2,
    /// This many (at most `n_features`).
    Count(usize),
    /// `max(1, floor(fraction · n_features))`, fraction in (0, 1].
    Fraction(f64),
}

impl MaxFeatures {
    /// The number of features for `n_features` inputs, or `None` when out of range.
    pub(crate) fn resolve(self, n_features: usize) -> Option<usize> {
        let p = n_features as f64;
        let n = match self {
            MaxFeatures::All => n_features,
            MaxFeatures::Sqrt => (p.sqrt() as usize).max(1),
            MaxFeatures::Log2 => (p.log2() as usize).max(1),
            MaxFeatures::Count(n) if n >= 1 && n <= n_features => n,
            MaxFeatures::Fraction(f) if f > 0.0 && f <= 1.0 => ((f * p) as usize).max(1),
            _ => return None,
        };
        Some(n.min(n_features))
    }
}

/// The tree-growing hyperparameters shared by the decision tree and the forest.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Growth {
    pub criterion: Criterion,
    pub max_depth: Option<usize>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub max_features: usize,
}

/// A node waiting to be grown: its rows `samples[start..end]`, its depth, and its parent split
/// with whether it is that split's left child.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
}

/// A candidate split.
struct Split {
    feature: usize,
    threshold: f64,
    proxy: f64,
}

struct Builder<'a, 'x> {
    x: ArrayView2<'x, f64>,
    y: &'a [usize],
    w: &'a [f64],
    n_classes: usize,
    g: Growth,
    rng: &'a mut RandomState,
    tree: TreeArrays,
}

#[derive(Default)]
struct TreeArrays {
    feature: Vec<u32>,
    threshold: Vec<f64>,
    left: Vec<i32>,
    right: Vec<i32>,
    /// Leaf distributions, row after row.
    value: Vec<f64>,
}

/// Impurity of a node with weighted class `counts` summing to `total`.
fn impurity(criterion: Criterion, counts: &[f64], total: f64) -> f64 {
    match criterion {
        Criterion::Gini => 1.0 - counts.iter().map(|c| c * c).sum::<f64>() / (total * total),
        Criterion::Entropy => -counts
            .iter()
            .filter(|&&c| c > 0.0)
            .map(|c| {
                let p = c / total;
                p * p.log2()
            })
            .sum::<f64>(),
    }
}

/// Grows a tree on the rows `samples` of `x` (finite), with class codes `y` (`< n_classes`) and
/// row weights `w` (rows of weight 0 must already be left out of `samples`).
pub(crate) fn grow(
    x: ArrayView2<f64>,
    y: &[usize],
    w: &[f64],
    samples: Vec<usize>,
    n_classes: usize,
    g: Growth,
    rng: &mut RandomState,
) -> Tree {
    let mut b = Builder { x, y, w, n_classes, g, rng, tree: TreeArrays::default() };
    b.build(samples);
    let t = b.tree;
    let k = n_classes.max(1);
    let value = Array2::from_shape_fn((t.value.len() / k, n_classes), |(i, j)| t.value[i * k + j]);
    Tree { feature: t.feature, threshold: t.threshold, left: t.left, right: t.right, value }
}

impl Builder<'_, '_> {
    fn counts(&self, samples: &[usize]) -> (Vec<f64>, f64) {
        let mut counts = vec![0.0; self.n_classes];
        let mut total = 0.0;
        for &s in samples {
            let (c, wt) = (self.y[s], self.w[s]);
            counts[c] += wt;
            total += wt;
        }
        (counts, total)
    }

    /// Depth-first, left child first. A split node's index is assigned when it is taken from the
    /// stack, after its parent's, so split children always come after their parent; a leaf gets
    /// the next row of the value table and is pointed at as `!row`.
    fn build(&mut self, mut samples: Vec<usize>) {
        let mut stack = vec![Pending { start: 0, end: samples.len(), depth: 0, parent: None }];
        while let Some(Pending { start, end, depth, parent }) = stack.pop() {
            let rows = &samples[start..end];
            let (counts, total) = self.counts(rows);
            let n = rows.len();
            let stop = self.g.max_depth.is_some_and(|d| depth >= d)
                || n < self.g.min_samples_split
                || n < 2 * self.g.min_samples_leaf
                || impurity(self.g.criterion, &counts, total) <= EPSILON;
            let split = if stop { None } else { self.best_split(&samples[start..end], &counts, total) };
            let pointer = match &split {
                None => {
                    let leaf = self.tree.value.len() / self.n_classes;
                    self.tree.value.extend(counts.iter().map(|c| c / total));
                    !(leaf as i32)
                }
                Some(s) => {
                    self.tree.feature.push(s.feature as u32);
                    self.tree.threshold.push(s.threshold);
                    self.tree.left.push(0);
                    self.tree.right.push(0);
                    (self.tree.feature.len() - 1) as i32
                }
            };
            if let Some((p, is_left)) = parent {
                let slot = if is_left { &mut self.tree.left[p] } else { &mut self.tree.right[p] };
                *slot = pointer;
            }
            let Some(split) = split else { continue };
            let node = pointer as usize;
            // Partition the node's rows: left (x <= threshold) first.
            let part = &mut samples[start..end];
            let mut mid = 0;
            for i in 0..part.len() {
                if self.x[[part[i], split.feature]] <= split.threshold {
                    part.swap(i, mid);
                    mid += 1;
                }
            }
            stack.push(Pending { start: start + mid, end, depth: depth + 1, parent: Some((node, false)) });
            stack.push(Pending { start, end: start + mid, depth: depth + 1, parent: Some((node, true)) });
        }
    }

    /// The best split of the node holding `rows`, trying features in a random order until
    /// `max_features` non-constant ones were evaluated.
    fn best_split(&mut self, rows: &[usize], counts: &[f64], total: f64) -> Option<Split> {
        let p = self.x.ncols();
        let mut features: Vec<usize> = (0..p).collect();
        let mut best: Option<Split> = None;
        let mut visited = 0;
        let mut values: Vec<(f64, usize)> = Vec::with_capacity(rows.len());
        for i in 0..p {
            if visited >= self.g.max_features {
                break;
            }
            // Partial Fisher–Yates: draw the next feature among those not yet tried.
            let j = i + self.rng.interval((p - 1 - i) as u64) as usize;
            features.swap(i, j);
            let f = features[i];
            values.clear();
            values.extend(rows.iter().map(|&s| (self.x[[s, f]], s)));
            values.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let (lo, hi) = (values[0].0, values[values.len() - 1].0);
            if hi <= lo + FEATURE_THRESHOLD {
                continue; // constant in this node: does not count
            }
            visited += 1;
            if let Some(s) = self.scan(f, &values, counts, total) {
                if best.as_ref().is_none_or(|b| s.proxy > b.proxy) {
                    best = Some(s);
                }
            }
        }
        best
    }

    /// The best threshold on one feature, given the node's rows sorted by that feature.
    fn scan(&self, feature: usize, sorted: &[(f64, usize)], counts: &[f64], total: f64) -> Option<Split> {
        let min_leaf = self.g.min_samples_leaf;
        let n = sorted.len();
        let mut left = vec![0.0; self.n_classes];
        let mut right = counts.to_vec();
        let mut w_left = 0.0;
        let mut best: Option<Split> = None;
        for i in 0..n - 1 {
            let (v, s) = sorted[i];
            let (c, wt) = (self.y[s], self.w[s]);
            left[c] += wt;
            right[c] -= wt;
            w_left += wt;
            let next = sorted[i + 1].0;
            if next <= v + FEATURE_THRESHOLD || i + 1 < min_leaf || n - i - 1 < min_leaf {
                continue;
            }
            let w_right = total - w_left;
            // scikit-learn's proxy_impurity_improvement.
            let proxy = -w_right * impurity(self.g.criterion, &right, w_right)
                - w_left * impurity(self.g.criterion, &left, w_left);
            if best.as_ref().is_none_or(|b| proxy > b.proxy) {
                let mut threshold = v / 2.0 + next / 2.0;
                if threshold == next || !threshold.is_finite() {
                    threshold = v;
                }
                best = Some(Split { feature, threshold, proxy });
            }
        }
        best
    }
}
