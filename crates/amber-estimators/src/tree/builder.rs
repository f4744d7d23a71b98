//! Growing a CART classification tree exactly as scikit-learn's `BestSplitter`, `DensePartitioner`,
//! `ClassificationCriterion` and `DepthFirstTreeBuilder` do, operation for operation: the same
//! random feature order at every node (its `rand_r` generator and Fisher–Yates draw, constant
//! features remembered for descendants); the node's rows sorted in place by each feature tried with
//! scikit-learn's introsort (so rows equal on a feature end in its order); class sums moved left
//! from whichever end is nearer and the right side taken as total − left; children's impurities
//! computed at the parent's split and handed down; the final partition's swaps; the
//! impurity-improvement test. Sums of non-integer weights therefore round as scikit-learn's do,
//! and near-ties break the same way. Given the same seed, amber grows the tree scikit-learn grows.
//!
//! When every row weight is an integer (unweighted fits, bootstrap counts) and they sum to at most
//! 2⁵³, every sum is exact in any order, so the order of rows equal on a feature cannot change the
//! tree: those rows are then sorted by a faster sort of packed (value, row) keys instead.

use amber_data::random::RandomState;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::data::Tree;

/// Values closer than this are the same for splitting (scikit-learn's `FEATURE_THRESHOLD`, a
/// float32: `a <= b + FEATURE_THRESHOLD` is float32 arithmetic, where adding it to values near 1
/// rounds up to the next float32).
const FEATURE_THRESHOLD: f32 = 1e-7;
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

/// The input as float32 columns (scikit-learn's trees split float32 data), column after column.
pub(crate) struct Columns32 {
    rows: usize,
    values: Vec<f32>,
}

impl Columns32 {
    /// `x` rounded to float32 (its values must be within float32's range).
    pub(crate) fn new(x: ArrayView2<f64>) -> Self {
        let values = x.columns().into_iter().flat_map(|c| c.into_iter().map(|&v| v as f32)).collect();
        Columns32 { rows: x.nrows(), values }
    }

    fn column(&self, feature: usize) -> &[f32] {
        self.values.get(feature * self.rows..(feature + 1) * self.rows).unwrap_or(&[])
    }

    fn n_features(&self) -> usize {
        self.values.len().checked_div(self.rows).unwrap_or(0)
    }
}

/// A node waiting to be grown: its rows `samples[start..end]`, its depth, its parent split with
/// whether it is that split's left child, its impurity as the parent's split computed it, and how
/// many features its ancestors found constant.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
    impurity: f64,
    constants: usize,
}

/// The best split of a node (scikit-learn's `SplitRecord`).
struct Split {
    feature: usize,
    pos: usize,
    threshold: f64,
    impurity_left: f64,
    impurity_right: f64,
    improvement: f64,
}

/// A split node's weighted impurity and its children's, for the feature importances.
struct Decrease {
    feature: usize,
    node: f64,
    left: f64,
    right: f64,
}

/// Class sums of a node and of its left and right parts at `pos` (scikit-learn's
/// `ClassificationCriterion`).
struct Sums {
    criterion: Criterion,
    start: usize,
    end: usize,
    pos: usize,
    total: Vec<f64>,
    left: Vec<f64>,
    right: Vec<f64>,
    w_node: f64,
    w_left: f64,
    w_right: f64,
}

impl Sums {
    /// Sums the node's rows in their current order (`init`), then [`Sums::reset`].
    fn init(&mut self, samples: &[usize], start: usize, end: usize, y: &[usize], w: &[f64]) {
        (self.start, self.end) = (start, end);
        self.total.iter_mut().for_each(|t| *t = 0.0);
        self.w_node = 0.0;
        for &i in samples.get(start..end).unwrap_or(&[]) {
            let wt = w.get(i).copied().unwrap_or(0.0);
            if let Some(t) = y.get(i).and_then(|&c| self.total.get_mut(c)) {
                *t += wt;
            }
            self.w_node += wt;
        }
        self.reset();
    }

    /// Everything on the right.
    fn reset(&mut self) {
        self.pos = self.start;
        self.left.iter_mut().for_each(|l| *l = 0.0);
        self.right.copy_from_slice(&self.total);
        (self.w_left, self.w_right) = (0.0, self.w_node);
    }

    /// Rows `samples[start..new_pos]` on the left: added from `pos` forward, or, when `end` is
    /// nearer, everything moved left and rows removed from `end` backward; the right side is
    /// total − left.
    fn update(&mut self, samples: &[usize], new_pos: usize, y: &[usize], w: &[f64]) {
        let move_row = |p: usize, sign: f64, left: &mut Vec<f64>, w_left: &mut f64| {
            let i = samples.get(p).copied().unwrap_or(0);
            let wt = w.get(i).copied().unwrap_or(0.0);
            if let Some(l) = y.get(i).and_then(|&c| left.get_mut(c)) {
                *l += sign * wt;
            }
            *w_left += sign * wt;
        };
        if new_pos - self.pos <= self.end - new_pos {
            for p in self.pos..new_pos {
                move_row(p, 1.0, &mut self.left, &mut self.w_left);
            }
        } else {
            // reverse_reset: everything on the left.
            self.left.copy_from_slice(&self.total);
            self.w_left = self.w_node;
            for p in (new_pos..self.end).rev() {
                move_row(p, -1.0, &mut self.left, &mut self.w_left);
            }
        }
        self.w_right = self.w_node - self.w_left;
        for ((r, t), l) in self.right.iter_mut().zip(&self.total).zip(&self.left) {
            *r = t - l;
        }
        self.pos = new_pos;
    }

    fn node_impurity(&self) -> f64 {
        impurity(self.criterion, &self.total, self.w_node)
    }

    fn children_impurity(&self) -> (f64, f64) {
        (
            impurity(self.criterion, &self.left, self.w_left),
            impurity(self.criterion, &self.right, self.w_right),
        )
    }

    /// scikit-learn's `proxy_impurity_improvement`.
    fn proxy(&self) -> f64 {
        let (left, right) = self.children_impurity();
        -self.w_right * right - self.w_left * left
    }

    /// scikit-learn's `impurity_improvement`, for a tree whose rows weigh `w_samples` in all.
    fn improvement(&self, w_samples: f64, parent: f64, left: f64, right: f64) -> f64 {
        (self.w_node / w_samples)
            * (parent - (self.w_right / self.w_node * right) - (self.w_left / self.w_node * left))
    }
}

struct Builder<'a> {
    x: &'a Columns32,
    y: &'a [usize],
    w: &'a [f64],
    g: Growth,
    /// The `rand_r` state.
    rng: u32,
    /// Feature order, permuted in place from node to node (scikit-learn's `features`).
    features: Vec<usize>,
    /// Features known to be constant, as found by ancestors (scikit-learn's `constant_features`).
    constant: Vec<usize>,
    /// The rows, permuted in place as nodes are sorted and partitioned.
    samples: Vec<usize>,
    /// The current feature's values of `samples`, sorted with them.
    values: Vec<f32>,
    /// Sort rows equal on a feature in scikit-learn's order (needed when weights are not
    /// integers); else `keys` holds packed (value, row) keys for the faster sort.
    exact_order: bool,
    keys: Vec<u64>,
    criterion: Sums,
    tree: TreeArrays,
    decrease: Vec<Decrease>,
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

/// Impurity of a node with weighted class `counts` summing to `total`, with scikit-learn's
/// operations in its order.
fn impurity(criterion: Criterion, counts: &[f64], total: f64) -> f64 {
    match criterion {
        Criterion::Gini => {
            let sq = counts.iter().fold(0.0, |sq, c| sq + c * c);
            1.0 - sq / (total * total)
        }
        // `entropy -= p * log(p)` from 0, with `log(x) = ln(x) / ln(2)` (last-place differences
        // from `log2` flip exact ties).
        Criterion::Entropy => counts.iter().filter(|&&c| c > 0.0).fold(0.0, |entropy, c| {
            let p = c / total;
            entropy - p * (p.ln() / std::f64::consts::LN_2)
        }),
    }
}

/// Grows a tree on the rows `samples` of `x`, with class codes `y` (`< n_classes`) and row
/// weights `w` (rows of weight 0 must already be left out of `samples`, which are in increasing
/// order); `seed` is the splitter's `rand_r` seed (see [`splitter_seed`]). Returns the tree and
/// its feature importances: scikit-learn's `feature_importances_` (mean decrease in impurity,
/// summing to 1, or all 0 for a tree without a split).
pub(crate) fn grow(
    x: &Columns32,
    y: &[usize],
    w: &[f64],
    samples: Vec<usize>,
    n_classes: usize,
    g: Growth,
    seed: u32,
) -> (Tree, Vec<f64>) {
    let p = x.n_features();
    let w_samples = samples.iter().filter_map(|&s| w.get(s)).fold(0.0, |a, b| a + b);
    let n = samples.len();
    let integer_weights = w.iter().all(|v| v.fract() == 0.0) && w_samples <= 2f64.powi(53);
    let exact_order = !integer_weights || n > u32::MAX as usize;
    let criterion = Sums {
        criterion: g.criterion,
        start: 0,
        end: 0,
        pos: 0,
        total: vec![0.0; n_classes],
        left: vec![0.0; n_classes],
        right: vec![0.0; n_classes],
        w_node: 0.0,
        w_left: 0.0,
        w_right: 0.0,
    };
    let mut b = Builder {
        x,
        y,
        w,
        g,
        rng: seed,
        features: (0..p).collect(),
        constant: vec![0; p],
        samples,
        values: vec![0.0; n],
        exact_order,
        keys: Vec::new(),
        criterion,
        tree: TreeArrays::default(),
        decrease: Vec::new(),
    };
    b.build(w_samples);
    // scikit-learn's compute_feature_importances: split nodes in order.
    let mut importances = vec![0.0; p];
    for d in &b.decrease {
        if let Some(v) = importances.get_mut(d.feature) {
            *v += d.node - d.left - d.right;
        }
    }
    if w_samples > 0.0 {
        importances.iter_mut().for_each(|v| *v /= w_samples);
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

impl Builder<'_> {
    /// Depth-first, left child first. A split node's index is assigned when it is taken from the
    /// stack, after its parent's, so split children always come after their parent; a leaf gets
    /// the next row of the value table and is pointed at as `!row`.
    fn build(&mut self, w_samples: f64) {
        let root = Pending {
            start: 0,
            end: self.samples.len(),
            depth: 0,
            parent: None,
            impurity: 0.0,
            constants: 0,
        };
        let mut stack = vec![root];
        while let Some(Pending { start, end, depth, parent, impurity, constants }) = stack.pop() {
            self.criterion.init(&self.samples, start, end, self.y, self.w);
            let n = end - start;
            let w_node = self.criterion.w_node;
            let impurity = if parent.is_none() { self.criterion.node_impurity() } else { impurity };
            let mut leaf = self.g.max_depth.is_some_and(|d| depth >= d)
                || n < self.g.min_samples_split
                || n < 2 * self.g.min_samples_leaf
                || impurity <= EPSILON;
            let mut split = None;
            let mut child_constants = constants;
            if !leaf {
                let (found, total_constants) = self.node_split(start, end, impurity, constants, w_samples);
                child_constants = total_constants;
                leaf = found.as_ref().is_none_or(|s| s.improvement + EPSILON < 0.0);
                split = found;
            }
            if let Some((p, is_left)) = parent {
                // The parent's decrease takes this child's weight and the impurity it computed.
                let weighted = w_node * impurity;
                if let Some(d) = self.decrease.get_mut(p) {
                    if is_left {
                        d.left = weighted;
                    } else {
                        d.right = weighted;
                    }
                }
            }
            let split = split.filter(|_| !leaf);
            let pointer = match &split {
                None => {
                    let row = self.tree.value.len() / self.criterion.total.len().max(1);
                    // The node's class sums (a split search moves only the left/right sums).
                    self.tree.value.extend(self.criterion.total.iter().map(|c| c / w_node));
                    !(row as i32)
                }
                Some(s) => {
                    self.tree.feature.push(s.feature as u32);
                    self.tree.threshold.push(s.threshold);
                    self.tree.left.push(0);
                    self.tree.right.push(0);
                    self.decrease.push(Decrease {
                        feature: s.feature,
                        node: w_node * impurity,
                        left: 0.0,
                        right: 0.0,
                    });
                    (self.tree.feature.len() - 1) as i32
                }
            };
            if let Some((p, is_left)) = parent {
                let slots = if is_left { &mut self.tree.left } else { &mut self.tree.right };
                if let Some(slot) = slots.get_mut(p) {
                    *slot = pointer;
                }
            }
            let Some(s) = split else { continue };
            let node = pointer as usize;
            let depth = depth + 1;
            let constants = child_constants;
            stack.push(Pending {
                start: s.pos,
                end,
                depth,
                parent: Some((node, false)),
                impurity: s.impurity_right,
                constants,
            });
            stack.push(Pending {
                start,
                end: s.pos,
                depth,
                parent: Some((node, true)),
                impurity: s.impurity_left,
                constants,
            });
        }
    }

    /// scikit-learn's `node_split_best` on `samples[start..end]`: the best split, if any, with its
    /// children's impurities and its improvement, and how many features are now known constant.
    /// Features are drawn as scikit-learn draws them: a Fisher–Yates over `features` that skips
    /// known constants, stops after `max_features` features but continues until one non-constant
    /// feature was seen; on equal proxies the feature drawn first wins.
    fn node_split(
        &mut self,
        start: usize,
        end: usize,
        impurity: f64,
        known: usize,
        w_samples: f64,
    ) -> (Option<Split>, usize) {
        let min_leaf = self.g.min_samples_leaf;
        let mut f_i = self.features.len();
        let (mut visited, mut found, mut drawn) = (0, 0, 0);
        let mut total_constants = known;
        let mut best: Option<(usize, usize, f64)> = None; // (feature, pos, threshold)
        let mut best_proxy = f64::NEG_INFINITY;
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
            let x = self.x;
            let column = x.column(f);
            let (samples, values) = (&mut self.samples[start..end], &mut self.values[start..end]);
            if self.exact_order {
                for (v, &s) in values.iter_mut().zip(samples.iter()) {
                    *v = column.get(s).copied().unwrap_or(0.0);
                }
                sort::introsort(values, samples);
            } else {
                sort::by_packed_keys(column, values, samples, &mut self.keys);
            }
            let (lo, hi) = (values.first().copied().unwrap_or(0.0), values.last().copied().unwrap_or(0.0));
            if hi <= lo + FEATURE_THRESHOLD {
                self.features.swap(f_j, total_constants);
                found += 1;
                total_constants += 1;
                continue;
            }
            f_i -= 1;
            self.features.swap(f_i, f_j);
            self.criterion.reset();
            let mut p = start;
            while p < end {
                // next_p: past every value within FEATURE_THRESHOLD of the one before.
                p += 1;
                while p < end && self.values[p] <= self.values[p - 1] + FEATURE_THRESHOLD {
                    p += 1;
                }
                if p == end || p - start < min_leaf || end - p < min_leaf {
                    continue;
                }
                self.criterion.update(&self.samples, p, self.y, self.w);
                let proxy = self.criterion.proxy();
                if proxy > best_proxy {
                    best_proxy = proxy;
                    let threshold = f64::from(self.values[p - 1]) / 2.0 + f64::from(self.values[p]) / 2.0;
                    best = Some((f, p, threshold));
                }
            }
        }
        // Keep the constant features ancestors found first, in their order, for the siblings;
        // record the newly found ones for the descendants.
        self.features[..known].copy_from_slice(&self.constant[..known]);
        self.constant[known..known + found].copy_from_slice(&self.features[known..known + found]);
        let Some((feature, pos, threshold)) = best else { return (None, total_constants) };
        // partition_samples_final: left rows stay, a right row swaps with the last unexamined.
        let x = self.x;
        let column = x.column(feature);
        let (mut a, mut b) = (start, end);
        while a < b {
            let v = self.samples.get(a).and_then(|&s| column.get(s)).copied().unwrap_or(0.0);
            if f64::from(v) <= threshold {
                a += 1;
            } else {
                b -= 1;
                self.samples.swap(a, b);
            }
        }
        self.criterion.reset();
        self.criterion.update(&self.samples, pos, self.y, self.w);
        let (impurity_left, impurity_right) = self.criterion.children_impurity();
        let improvement = self.criterion.improvement(w_samples, impurity, impurity_left, impurity_right);
        (Some(Split { feature, pos, threshold, impurity_left, impurity_right, improvement }), total_constants)
    }
}

/// scikit-learn's `simultaneous_sort` with three-way partitioning (introsort: median-of-3
/// quicksort, heapsort past `2·⌊log₂ n⌋` levels, insertion sort below 16 elements), which decides
/// the order of equal values.
mod sort {
    /// Sorts `samples` by their values in `column` (rows equal on it by row index), writing the
    /// sorted values to `values`; rows must be below 2³².
    pub(super) fn by_packed_keys(
        column: &[f32],
        values: &mut [f32],
        samples: &mut [usize],
        keys: &mut Vec<u64>,
    ) {
        // A float's bits made to order as unsigned integers: flip every bit of negatives, the
        // sign bit of the rest.
        let ordered = |v: f32| {
            let b = v.to_bits();
            if b >> 31 == 1 {
                !b
            } else {
                b | 0x8000_0000
            }
        };
        let unordered = |o: u32| f32::from_bits(if o >> 31 == 1 { o & 0x7FFF_FFFF } else { !o });
        keys.clear();
        keys.extend(
            samples
                .iter()
                .map(|&s| (u64::from(ordered(column.get(s).copied().unwrap_or(0.0))) << 32) | s as u64),
        );
        keys.sort_unstable();
        for ((k, v), s) in keys.iter().zip(values.iter_mut()).zip(samples.iter_mut()) {
            *v = unordered((k >> 32) as u32);
            *s = (k & 0xFFFF_FFFF) as usize;
        }
    }

    pub(super) fn introsort(values: &mut [f32], samples: &mut [usize]) {
        let n = values.len().min(samples.len());
        if n == 0 {
            return;
        }
        let maxd = 2 * (n as f64).log2() as usize;
        three_way(&mut values[..n], &mut samples[..n], maxd as isize);
    }

    fn swap(values: &mut [f32], samples: &mut [usize], i: usize, j: usize) {
        values.swap(i, j);
        samples.swap(i, j);
    }

    fn median3(values: &[f32]) -> f32 {
        let n = values.len();
        let (a, b, c) = (values[0], values[n / 2], values[n - 1]);
        if a < b {
            if b < c {
                b
            } else if a < c {
                c
            } else {
                a
            }
        } else if b < c {
            if a < c {
                a
            } else {
                c
            }
        } else {
            b
        }
    }

    fn three_way(mut values: &mut [f32], mut samples: &mut [usize], mut maxd: isize) {
        while values.len() > 15 {
            if maxd <= 0 {
                heapsort(values, samples);
                return;
            }
            maxd -= 1;
            let pivot = median3(values);
            let (mut i, mut l, mut r) = (0, 0, values.len());
            while i < r {
                if values[i] < pivot {
                    swap(values, samples, i, l);
                    i += 1;
                    l += 1;
                } else if values[i] > pivot {
                    r -= 1;
                    swap(values, samples, i, r);
                } else {
                    i += 1;
                }
            }
            let (low_v, rest_v) = std::mem::take(&mut values).split_at_mut(r);
            let (low_s, rest_s) = std::mem::take(&mut samples).split_at_mut(r);
            three_way(&mut low_v[..l], &mut low_s[..l], maxd);
            values = rest_v;
            samples = rest_s;
        }
        insertion_sort(values, samples);
    }

    fn heapsort(values: &mut [f32], samples: &mut [usize]) {
        let n = values.len();
        if n < 2 {
            return;
        }
        let mut start = (n - 2) / 2;
        loop {
            sift_down(values, samples, start, n);
            if start == 0 {
                break;
            }
            start -= 1;
        }
        let mut end = n - 1;
        while end > 0 {
            swap(values, samples, 0, end);
            sift_down(values, samples, 0, end);
            end -= 1;
        }
    }

    fn sift_down(values: &mut [f32], samples: &mut [usize], start: usize, end: usize) {
        let mut root = start;
        loop {
            let child = root * 2 + 1;
            let mut maxind = root;
            if child < end && values[maxind] < values[child] {
                maxind = child;
            }
            if child + 1 < end && values[maxind] < values[child + 1] {
                maxind = child + 1;
            }
            if maxind == root {
                break;
            }
            swap(values, samples, root, maxind);
            root = maxind;
        }
    }

    fn insertion_sort(values: &mut [f32], samples: &mut [usize]) {
        for i in 1..values.len() {
            let (v, s) = (values[i], samples[i]);
            let mut j = i;
            while j > 0 && values[j - 1] > v {
                values[j] = values[j - 1];
                samples[j] = samples[j - 1];
                j -= 1;
            }
            values[j] = v;
            samples[j] = s;
        }
    }

    #[cfg(test)]
    mod tests {
        /// Each sort leaves the values in order and every (value, row) pair together: on sorted,
        /// reversed, all-equal, tie-heavy and scrambled inputs of many lengths, and with a depth
        /// budget of 0, which sends the introsort to its heapsort at once.
        #[test]
        fn every_sort_orders_values_and_keeps_their_rows() {
            let mut rng = crate::testing::Lcg(12345);
            let mut next = move || (rng.next_u64() >> 40) as u32;
            let mut inputs: Vec<Vec<f32>> = Vec::new();
            for n in [0, 1, 2, 3, 15, 16, 17, 40, 1000] {
                inputs.push((0..n).map(|i| i as f32).collect());
                inputs.push((0..n).rev().map(|i| i as f32).collect());
                inputs.push(vec![2.5; n]);
                inputs.push((0..n).map(|_| (next() % 4) as f32 - 1.5).collect());
                inputs.push((0..n).map(|_| next() as f32 / 7.0 - 1e6).collect());
            }
            type Sort = fn(&mut [f32], &mut [usize]);
            let sorts: [(&str, Sort); 4] = [
                ("introsort", super::introsort),
                ("heapsort", super::heapsort),
                ("insertion", super::insertion_sort),
                ("three-way without depth", |v, s| super::three_way(v, s, 0)),
            ];
            for input in &inputs {
                let mut pairs: Vec<(u32, usize)> = input.iter().map(|v| v.to_bits()).zip(100..).collect();
                pairs.sort_unstable();
                for (name, sort) in sorts {
                    let mut values = input.clone();
                    let mut samples: Vec<usize> = (100..100 + input.len()).collect();
                    sort(&mut values, &mut samples);
                    assert!(values.windows(2).all(|w| w[0] <= w[1]), "{name}, {} values", input.len());
                    let mut ours: Vec<(u32, usize)> =
                        values.iter().map(|v| v.to_bits()).zip(samples).collect();
                    ours.sort_unstable();
                    assert_eq!(ours, pairs, "{name}: rows and values kept together");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MaxFeatures;

    /// The packed-key sort orders rows by their float value, then by row index, for negative and
    /// positive values, both zeros, subnormals and infinities, and gives back each value's exact
    /// bits: checked against a sort by `(f32::total_cmp, row)`.
    #[test]
    fn packed_keys_sort_by_value_then_row_with_exact_values() {
        let column = [
            3.5f32,
            -1.0,
            0.0,
            -0.0,
            -1.0,
            f32::MIN_POSITIVE / 4.0,
            -f32::MIN_POSITIVE / 4.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -2.5e30,
            2.5e30,
            3.5,
            -1.0,
            1.0,
            f32::MAX,
            f32::MIN,
        ];
        // Every row, and a subset in increasing order (as a node's rows are).
        for rows in [(0..column.len()).collect::<Vec<_>>(), vec![1, 2, 3, 4, 9, 11, 12, 15]] {
            let mut expected: Vec<(f32, usize)> = rows.iter().map(|&r| (column[r], r)).collect();
            expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut samples = rows.clone();
            let mut values = vec![0.0f32; rows.len()];
            super::sort::by_packed_keys(&column, &mut values, &mut samples, &mut Vec::new());
            let ours: Vec<(u32, usize)> = values.iter().map(|v| v.to_bits()).zip(samples).collect();
            let theirs: Vec<(u32, usize)> = expected.iter().map(|&(v, r)| (v.to_bits(), r)).collect();
            assert_eq!(ours, theirs);
        }
    }

    /// scikit-learn's `BaseDecisionTree.fit`: "sqrt" is `max(1, int(np.sqrt(n)))`, "log2"
    /// `max(1, int(np.log2(n)))`, a float `max(1, int(f * n))` for f in (0, 1], an int itself;
    /// anything else, or a count outside `(0, n]`, is refused.
    #[test]
    fn max_features_resolves_as_sklearn_does() {
        // (n_features, sqrt, log2), by hand: √n and log₂ n rounded down, at least 1.
        let table = [
            (1, 1, 1),
            (2, 1, 1),
            (3, 1, 1),
            (4, 2, 2),
            (7, 2, 2),
            (8, 2, 3),
            (9, 3, 3),
            (15, 3, 3),
            (16, 4, 4),
            (30, 5, 4),
            (64, 8, 6),
            (100, 10, 6),
        ];
        for (n, sqrt, log2) in table {
            assert_eq!(MaxFeatures::Sqrt.resolve(n), Some(sqrt), "sqrt of {n}");
            assert_eq!(MaxFeatures::Log2.resolve(n), Some(log2), "log2 of {n}");
            assert_eq!(MaxFeatures::All.resolve(n), Some(n));
        }
        // Fractions: int(f · n), at least 1; 1.0 is every feature.
        assert_eq!(MaxFeatures::Fraction(0.5).resolve(10), Some(5));
        assert_eq!(MaxFeatures::Fraction(0.25).resolve(10), Some(2));
        assert_eq!(MaxFeatures::Fraction(0.01).resolve(10), Some(1));
        assert_eq!(MaxFeatures::Fraction(1.0).resolve(10), Some(10));
        assert_eq!(MaxFeatures::Fraction(0.999).resolve(3), Some(2));
        for bad in [0.0, -0.5, 1.0 + 1e-12, 2.0, f64::NAN, f64::INFINITY] {
            assert_eq!(MaxFeatures::Fraction(bad).resolve(10), None, "fraction {bad}");
        }
        // Counts: 1..=n.
        assert_eq!(MaxFeatures::Count(1).resolve(4), Some(1));
        assert_eq!(MaxFeatures::Count(4).resolve(4), Some(4));
        assert_eq!(MaxFeatures::Count(0).resolve(4), None);
        assert_eq!(MaxFeatures::Count(5).resolve(4), None);
    }
}
