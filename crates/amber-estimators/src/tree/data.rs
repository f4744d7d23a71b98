//! [`Tree`]: a fitted decision tree as flat arrays.

use ndarray::{Array2, ArrayView1};
use serde::{Deserialize, Serialize};

use crate::check::invalid;
use crate::error::EstimatorError;
use crate::le_bytes;

/// A fitted binary decision tree as flat arrays: split nodes, and a table of leaf class
/// distributions (the layout of LightGBM's model text, close to ONNX's `TreeEnsembleClassifier`).
///
/// Split node `i` sends a row to `left[i]` when `x[feature[i]] <= threshold[i]`, else to
/// `right[i]`. A child `c >= 0` is split node `c`, always after its parent (`c > i`), which makes
/// every path finite; a child `c < 0` is leaf `!c` (that is `-c - 1`), whose class distribution is
/// row `!c` of `value`. The root is split node 0 — or, for a tree without splits, leaf 0.
///
/// Features are compared as **float32**, as scikit-learn's and ONNX's trees do: a row's value is
/// rounded to `f32` before `<= threshold`, and thresholds are midpoints of `f32` values. This is
/// what makes amber's trees scikit-learn's, split for split.
///
/// Serialized, each array is one little-endian byte string, so large forests load fast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Split feature of each split node.
    #[serde(with = "le_bytes::vec")]
    pub feature: Vec<u32>,
    /// Threshold of each split node.
    #[serde(with = "le_bytes::vec")]
    pub threshold: Vec<f64>,
    /// Left child of each split node (`< 0`: a leaf).
    #[serde(with = "le_bytes::vec")]
    pub left: Vec<i32>,
    /// Right child of each split node (`< 0`: a leaf).
    #[serde(with = "le_bytes::vec")]
    pub right: Vec<i32>,
    /// Class distribution of each leaf: `n_leaves × n_classes`, rows summing to 1.
    #[serde(with = "le_bytes::matrix")]
    pub value: Array2<f64>,
}

/// The largest float32 `t32` with `t32 <= t`: for every float32 `x`, `x <= t32` exactly when
/// `x as f64 <= t` (a float32 above `t32` is above `t`, since `t32` is the last one not above it).
/// A split of threshold `t` therefore sends a row the same way when compared in float32 against
/// `threshold_f32(t)`: how amber's fast tree walk and its ONNX export (whose thresholds are
/// float32) keep every split exact.
///
/// ```
/// use amber_estimators::tree::threshold_f32;
///
/// let t = 0.1_f64; // not a float32
/// let t32 = threshold_f32(t);
/// assert!(f64::from(t32) <= t && f64::from(t32.next_up()) > t);
/// assert_eq!(threshold_f32(2.5), 2.5);
/// ```
pub fn threshold_f32(t: f64) -> f32 {
    let r = t as f32;
    if f64::from(r) > t {
        r.next_down()
    } else {
        r
    }
}

/// Where a child index points.
enum Child {
    Split(usize),
    Leaf(usize),
}

fn child(c: i32) -> Child {
    if c >= 0 {
        Child::Split(c as usize)
    } else {
        Child::Leaf(!c as usize)
    }
}

impl Tree {
    /// Number of split nodes.
    pub fn n_splits(&self) -> usize {
        self.feature.len()
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.value.nrows()
    }

    /// Number of nodes, splits and leaves.
    pub fn n_nodes(&self) -> usize {
        self.n_splits() + self.n_leaves()
    }

    /// Depth: the number of splits on the longest root-to-leaf path.
    pub fn depth(&self) -> usize {
        // Split nodes come after their parents, so one pass in index order sees parents first.
        let mut depth = vec![0usize; self.n_splits()];
        let mut max = 0;
        for i in 0..self.n_splits() {
            let d = depth.get(i).copied().unwrap_or(0) + 1;
            max = max.max(d);
            for c in [self.left.get(i), self.right.get(i)].into_iter().flatten() {
                if let Child::Split(j) = child(*c) {
                    if let Some(slot) = depth.get_mut(j) {
                        *slot = d;
                    }
                }
            }
        }
        max
    }

    /// The leaf (row of `value`) that `row` falls into. The tree must be valid
    /// (see [`Tree::validate`]); an invalid one yields some in-range-or-not index, never a hang.
    pub fn leaf(&self, row: ArrayView1<f64>) -> usize {
        if self.feature.is_empty() {
            return 0;
        }
        let mut node = 0usize;
        // Children come after parents, so at most n_splits steps.
        for _ in 0..self.n_splits() {
            let f = self.feature.get(node).copied().unwrap_or(0) as usize;
            let t = self.threshold.get(node).copied().unwrap_or(0.0);
            let x = f64::from(row.get(f).copied().unwrap_or(f64::NAN) as f32);
            let next = if x <= t { self.left.get(node) } else { self.right.get(node) };
            match child(next.copied().unwrap_or(-1)) {
                Child::Leaf(l) => return l,
                Child::Split(j) => node = j,
            }
        }
        0
    }

    /// [`Tree::leaf`] for a row already rounded to float32 (as `f64`s), so that a row walked by
    /// many trees is rounded once.
    pub(crate) fn leaf_rounded(&self, row: &[f64]) -> usize {
        let mut node = 0usize;
        for _ in 0..self.n_splits() {
            let f = self.feature.get(node).copied().unwrap_or(0) as usize;
            let t = self.threshold.get(node).copied().unwrap_or(0.0);
            let x = row.get(f).copied().unwrap_or(f64::NAN);
            let next = if x <= t { self.left.get(node) } else { self.right.get(node) };
            match child(next.copied().unwrap_or(-1)) {
                Child::Leaf(l) => return l,
                Child::Split(j) => node = j,
            }
        }
        0
    }

    /// Checks that the arrays describe a tree over `n_features` inputs and `n_classes` classes:
    /// equal lengths, children in range and split children after their parent, every node but the
    /// root the child of exactly one split, features in range, thresholds finite, distributions
    /// finite, non-negative and summing to 1.
    pub fn validate(
        &self,
        estimator: &'static str,
        n_features: usize,
        n_classes: usize,
    ) -> Result<(), EstimatorError> {
        let n = self.n_splits();
        if self.threshold.len() != n || self.left.len() != n || self.right.len() != n {
            return Err(invalid(estimator, "tree split arrays have different lengths"));
        }
        let leaves = self.n_leaves();
        if self.value.ncols() != n_classes || leaves != n + 1 {
            return Err(invalid(
                estimator,
                format!("tree value has shape {:?}, expected ({}, {n_classes})", self.value.dim(), n + 1),
            ));
        }
        let mut split_parents = vec![0u32; n];
        let mut leaf_parents = vec![0u32; leaves];
        for i in 0..n {
            for c in [self.left[i], self.right[i]] {
                match child(c) {
                    Child::Split(j) if j > i && j < n => split_parents[j] += 1,
                    Child::Leaf(l) if l < leaves => leaf_parents[l] += 1,
                    _ => {
                        return Err(invalid(
                            estimator,
                            format!("split {i} has child {c}, out of range or not after it"),
                        ))
                    }
                }
            }
            if self.feature[i] as usize >= n_features {
                return Err(invalid(
                    estimator,
                    format!("split {i} uses feature {} of {n_features}", self.feature[i]),
                ));
            }
            if !self.threshold[i].is_finite() {
                return Err(invalid(estimator, format!("split {i} has a non-finite threshold")));
            }
        }
        if let Some(j) = (1..n).find(|&j| split_parents[j] != 1) {
            return Err(invalid(
                estimator,
                format!("split {j} has {} parents, expected 1", split_parents[j]),
            ));
        }
        if n > 0 {
            if let Some(l) = (0..leaves).find(|&l| leaf_parents[l] != 1) {
                return Err(invalid(
                    estimator,
                    format!("leaf {l} has {} parents, expected 1", leaf_parents[l]),
                ));
            }
        }
        for (i, row) in self.value.rows().into_iter().enumerate() {
            let sum: f64 = row.sum();
            if row.iter().any(|v| !v.is_finite() || *v < 0.0) || (sum - 1.0).abs() > 1e-9 {
                return Err(invalid(estimator, format!("leaf {i} has an invalid class distribution")));
            }
        }
        Ok(())
    }
}
