//! Growing a CART classification tree exactly as scikit-learn's `BestSplitter` and
//! `DepthFirstTreeBuilder` do: the same random feature order at every node (its `rand_r` generator
//! and Fisher–Yates draw, constant features remembered for descendants), thresholds halfway between
//! consecutive distinct values, the same impurity proxies, tie rules and stopping rules. Given the
//! same seed, amber grows the tree scikit-learn grows.

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

/// A node waiting to be grown: its rows `samples[start..end]`, its depth, its parent split with
/// whether it is that split's left child, and how many features its ancestors found constant.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
    constants: usize,
}

/// scikit-learn's `RAND_R_MAX`.
const RAND_R_MAX: u32 = 0x7FFF_FFFF;

/// The splitter's seed for `random_state = seed`: numpy's `RandomState(seed).randint(0, RAND_R_MAX)`.
pub(crate) fn splitter_seed(seed: u32) -> u32 {
    RandomState::new(seed).interval(u64::from(RAND_R_MAX) - 1) as u32
}

/// scikit-learn's `our_rand_r`: a 32-bit xorshift, reduced to 31 bits.
fn rand_r(state: &mut u32) -> u32 {
    if *state == 0 {
        *state = 1;
    }
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    *state % (RAND_R_MAX + 1)
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
    /// The `rand_r` state.
    rng: u32,
    /// Feature order, permuted in place from node to node (scikit-learn's `features`).
    features: Vec<usize>,
    /// Features known to be constant, as found by ancestors (scikit-learn's `constant_features`).
    constant: Vec<usize>,
    tree: TreeArrays,
    /// Weighted impurity decrease of each feature's splits, summed (scikit-learn's MDI, before
    /// it is divided by the root's weight and normalized).
    decrease: Vec<f64>,
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
        // scikit-learn's operations in its order: `entropy -= p * log(p)` from 0, with
        // `log(x) = ln(x) / ln(2)` (last-place differences from `log2` flip exact ties).
        Criterion::Entropy => counts.iter().filter(|&&c| c > 0.0).fold(0.0, |entropy, c| {
            let p = c / total;
            entropy - p * (p.ln() / std::f64::consts::LN_2)
        }),
    }
}

/// Grows a tree on the rows `samples` of `x` (finite), with class codes `y` (`< n_classes`) and
/// row weights `w` (rows of weight 0 must already be left out of `samples`); `seed` is the
/// splitter's `rand_r` seed (see [`splitter_seed`]). Returns the tree and its feature
/// importances: scikit-learn's `feature_importances_` (mean decrease in impurity, summing to 1, or
/// all 0 for a tree without a split).
pub(crate) fn grow(
    x: ArrayView2<f64>,
    y: &[usize],
    w: &[f64],
    samples: Vec<usize>,
    n_classes: usize,
    g: Growth,
    seed: u32,
) -> (Tree, Vec<f64>) {
    let p = x.ncols();
    let features = (0..p).collect();
    let constant = vec![0; p];
    let root: f64 = samples.iter().filter_map(|&s| w.get(s)).sum();
    let decrease = vec![0.0; p];
    let mut b = Builder {
        x,
        y,
        w,
        n_classes,
        g,
        rng: seed,
        features,
        constant,
        tree: TreeArrays::default(),
        decrease,
    };
    b.build(samples);
    let mut importances = b.decrease;
    if root > 0.0 {
        importances.iter_mut().for_each(|v| *v /= root);
    }
    let sum: f64 = importances.iter().sum();
    if sum > 0.0 {
        importances.iter_mut().for_each(|v| *v /= sum);
    }
    let t = b.tree;
    let k = n_classes.max(1);
    let value = Array2::from_shape_fn((t.value.len() / k, n_classes), |(i, j)| t.value[i * k + j]);
    (Tree { feature: t.feature, threshold: t.threshold, left: t.left, right: t.right, value }, importances)
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
        let mut stack = vec![Pending { start: 0, end: samples.len(), depth: 0, parent: None, constants: 0 }];
        while let Some(Pending { start, end, depth, parent, constants }) = stack.pop() {
            let rows = &samples[start..end];
            let (counts, total) = self.counts(rows);
            let n = rows.len();
            let stop = self.g.max_depth.is_some_and(|d| depth >= d)
                || n < self.g.min_samples_split
                || n < 2 * self.g.min_samples_leaf
                || impurity(self.g.criterion, &counts, total) <= EPSILON;
            let (split, constants) = if stop {
                (None, constants)
            } else {
                self.best_split(&samples[start..end], &counts, total, constants)
            };
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
            let (left_counts, left_total) = self.counts(&samples[start..start + mid]);
            let (right_counts, right_total) = self.counts(&samples[start + mid..end]);
            let criterion = self.g.criterion;
            if let Some(d) = self.decrease.get_mut(split.feature) {
                *d += total * impurity(criterion, &counts, total)
                    - left_total * impurity(criterion, &left_counts, left_total)
                    - right_total * impurity(criterion, &right_counts, right_total);
            }
            let (depth, constants) = (depth + 1, constants);
            stack.push(Pending { start: start + mid, end, depth, parent: Some((node, false)), constants });
            stack.push(Pending { start, end: start + mid, depth, parent: Some((node, true)), constants });
        }
    }

    /// The best split of the node holding `rows`, and how many features are now known constant.
    /// Features are drawn as scikit-learn draws them: a Fisher–Yates over `features` that skips
    /// known constants, stops after `max_features` features but continues until one non-constant
    /// feature was seen; on equal improvements the feature drawn first wins.
    fn best_split(
        &mut self,
        rows: &[usize],
        counts: &[f64],
        total: f64,
        known: usize,
    ) -> (Option<Split>, usize) {
        let mut f_i = self.features.len();
        let (mut visited, mut found, mut drawn) = (0, 0, 0);
        let mut total_constants = known;
        let mut best: Option<Split> = None;
        let mut values: Vec<(f64, usize)> = Vec::with_capacity(rows.len());
        while f_i > total_constants && (visited < self.g.max_features || visited <= found + drawn) {
            visited += 1;
            let (low, high) = (drawn, f_i - found);
            let mut f_j = low + (rand_r(&mut self.rng) as usize) % (high - low);
            if f_j < known {
                // An ancestor's constant feature: skip it.
                self.features.swap(drawn, f_j);
                drawn += 1;
                continue;
            }
            f_j += found;
            let f = self.features[f_j];
            values.clear();
            values.extend(rows.iter().map(|&s| (self.x[[s, f]], s)));
            values.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let (lo, hi) = (values[0].0, values[values.len() - 1].0);
            if hi <= lo + FEATURE_THRESHOLD {
                self.features.swap(f_j, total_constants);
                found += 1;
                total_constants += 1;
                continue;
            }
            f_i -= 1;
            self.features.swap(f_i, f_j);
            if let Some(s) = self.scan(f, &values, counts, total) {
                if best.as_ref().is_none_or(|b| s.proxy > b.proxy) {
                    best = Some(s);
                }
            }
        }
        // Keep the constant features ancestors found first, in their order, for the siblings;
        // record the newly found ones for the descendants.
        self.features[..known].copy_from_slice(&self.constant[..known]);
        self.constant[known..known + found].copy_from_slice(&self.features[known..known + found]);
        (best, total_constants)
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
