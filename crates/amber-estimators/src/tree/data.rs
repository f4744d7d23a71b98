//! [`Tree`]: a fitted decision tree as flat arrays.

use ndarray::{Array2, ArrayView1};
use serde::{Deserialize, Serialize};

use crate::check::invalid;
use crate::error::EstimatorError;

/// A fitted binary decision tree, stored as flat arrays indexed by node (the layout of
/// scikit-learn's `tree_` and of ONNX's `TreeEnsembleClassifier`).
///
/// Node 0 is the root. A node is a **leaf** when `left[i] == 0 && right[i] == 0` (the root is nobody's
/// child, so 0 is free as a marker). An internal node sends a row to `left[i]` when
/// `x[feature[i]] <= threshold[i]`, else to `right[i]`; children always have larger indices than their
/// parent, which makes every path finite. `value` holds each node's class distribution (fractions of
/// the training weight per class, in the classifier's class order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Split feature of each node (0 for leaves).
    pub feature: Vec<u32>,
    /// Split threshold of each node (0 for leaves).
    pub threshold: Vec<f64>,
    /// Left child of each node, 0 for leaves.
    pub left: Vec<u32>,
    /// Right child of each node, 0 for leaves.
    pub right: Vec<u32>,
    /// Class distribution of each node: `n_nodes × n_classes`, rows summing to 1.
    pub value: Array2<f64>,
}

impl Tree {
    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.feature.len()
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.left.iter().zip(&self.right).filter(|(l, r)| **l == 0 && **r == 0).count()
    }

    /// Depth: the number of splits on the longest root-to-leaf path.
    pub fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.n_nodes()];
        let mut max = 0;
        for i in 0..self.n_nodes() {
            let d = depth.get(i).copied().unwrap_or(0);
            max = max.max(d);
            for child in [self.left.get(i), self.right.get(i)].into_iter().flatten() {
                if let Some(slot) = depth.get_mut(*child as usize).filter(|_| *child != 0) {
                    *slot = d + 1;
                }
            }
        }
        max
    }

    /// The leaf that `row` falls into. The tree must be valid (see [`Tree::validate`]).
    pub fn leaf(&self, row: ArrayView1<f64>) -> usize {
        let mut node = 0usize;
        // Children have larger indices than parents, so at most n_nodes steps.
        for _ in 0..self.n_nodes() {
            let (Some(&l), Some(&r)) = (self.left.get(node), self.right.get(node)) else { break };
            if l == 0 && r == 0 {
                break;
            }
            let f = self.feature.get(node).copied().unwrap_or(0) as usize;
            let t = self.threshold.get(node).copied().unwrap_or(0.0);
            let x = row.get(f).copied().unwrap_or(f64::NAN);
            node = if x <= t { l as usize } else { r as usize };
        }
        node
    }

    /// Checks that the arrays describe a tree over `n_features` inputs and `n_classes` classes:
    /// equal lengths, children in range and after their parent, every node but the root the child of
    /// exactly one node, features in range, thresholds finite, distributions finite, non-negative and
    /// summing to 1.
    pub fn validate(
        &self,
        estimator: &'static str,
        n_features: usize,
        n_classes: usize,
    ) -> Result<(), EstimatorError> {
        let n = self.n_nodes();
        if n == 0 {
            return Err(invalid(estimator, "a tree has no nodes"));
        }
        if self.threshold.len() != n || self.left.len() != n || self.right.len() != n {
            return Err(invalid(estimator, "tree arrays have different lengths"));
        }
        if self.value.dim() != (n, n_classes) {
            return Err(invalid(
                estimator,
                format!("tree value has shape {:?}, expected ({n}, {n_classes})", self.value.dim()),
            ));
        }
        let mut parents = vec![0u32; n];
        for i in 0..n {
            let (l, r) = (self.left[i] as usize, self.right[i] as usize);
            if l == 0 && r == 0 {
                continue;
            }
            if l <= i || r <= i || l >= n || r >= n || l == r {
                return Err(invalid(
                    estimator,
                    format!("node {i} has children {l} and {r}, out of range or not after it"),
                ));
            }
            if self.feature[i] as usize >= n_features {
                return Err(invalid(
                    estimator,
                    format!("node {i} splits on feature {} of {n_features}", self.feature[i]),
                ));
            }
            if !self.threshold[i].is_finite() {
                return Err(invalid(estimator, format!("node {i} has a non-finite threshold")));
            }
            parents[l] += 1;
            parents[r] += 1;
        }
        if let Some(i) = (1..n).find(|&i| parents[i] != 1) {
            return Err(invalid(estimator, format!("node {i} has {} parents, expected 1", parents[i])));
        }
        for (i, row) in self.value.rows().into_iter().enumerate() {
            let sum: f64 = row.sum();
            if row.iter().any(|v| !v.is_finite() || *v < 0.0) || (sum - 1.0).abs() > 1e-9 {
                return Err(invalid(estimator, format!("node {i} has an invalid class distribution")));
            }
        }
        Ok(())
    }
}
