//! Batch tree walking: a [`Tree`] repacked for prediction over many rows.
//!
//! [`Tree`] keeps four parallel arrays, the layout it is stored in; a walk through it touches
//! four cache lines per node. [`Walker`] packs each node into 16 bytes (feature, float32
//! threshold, both children), puts leaves in the same array as nodes that lead to themselves, and
//! walks [`LANES`] rows at once, step for step until all are in leaves, so their independent
//! memory loads overlap. The leaves reached are those of [`Tree::leaf`], exactly (see [`threshold_f32`](super::threshold_f32)).

use super::data::Tree;

/// Rows walked together through one tree.
const LANES: usize = 8;

/// One packed node: a split, or a leaf whose children are itself.
#[derive(Clone, Copy)]
struct Node {
    feature: u32,
    threshold: f32,
    left: u32,
    right: u32,
}

/// A tree packed for walking many rows. Every child index is in range by construction.
pub(crate) struct Walker {
    nodes: Vec<Node>,
    /// Index of the first leaf in `nodes`: leaf `l` is node `n_splits + l`.
    n_splits: usize,
    /// Steps that bring every row from the root to its leaf (the depth).
    depth: usize,
}

impl Walker {
    /// Packs `tree`. A child index out of range (a tree that failed [`Tree::validate`]) becomes
    /// leaf 0, so a walk always ends.
    pub(crate) fn new(tree: &Tree) -> Self {
        let n_splits = tree.n_splits();
        let n_nodes = n_splits + tree.n_leaves().max(1);
        let to_node = |c: i32| -> u32 {
            let i = if c >= 0 { c as usize } else { n_splits + (!c) as usize };
            u32::try_from(i).ok().filter(|&i| (i as usize) < n_nodes).unwrap_or(n_splits as u32)
        };
        let mut nodes = Vec::with_capacity(n_nodes);
        for (i, &feature) in tree.feature.iter().enumerate() {
            nodes.push(Node {
                feature,
                threshold: super::threshold_f32(tree.threshold.get(i).copied().unwrap_or(0.0)),
                left: to_node(tree.left.get(i).copied().unwrap_or(-1)),
                right: to_node(tree.right.get(i).copied().unwrap_or(-1)),
            });
        }
        for l in n_splits..n_nodes {
            let me = l as u32;
            nodes.push(Node { feature: 0, threshold: f32::INFINITY, left: me, right: me });
        }
        Walker { nodes, n_splits, depth: tree.depth() }
    }

    /// The leaf of each row of `xs` (float32 rows of `n_features` values, row-major), written to
    /// `leaves` (one per row).
    pub(crate) fn leaves(&self, xs: &[f32], n_features: usize, leaves: &mut [usize]) {
        let root = Node { feature: 0, threshold: 0.0, left: 0, right: 0 };
        for (g, out) in leaves.chunks_mut(LANES).enumerate() {
            let first = g * LANES;
            let mut at = [0u32; LANES];
            let mut row_start = [0usize; LANES];
            for (l, start) in row_start.iter_mut().enumerate().take(out.len()) {
                *start = (first + l) * n_features;
            }
            for _ in 0..self.depth {
                for l in 0..LANES {
                    let node = self.nodes.get(at[l] as usize).unwrap_or(&root);
                    let x = xs.get(row_start[l] + node.feature as usize).copied().unwrap_or(f32::NAN);
                    at[l] = if x <= node.threshold { node.left } else { node.right };
                }
                if at.iter().all(|&a| a as usize >= self.n_splits) {
                    break;
                }
            }
            for (o, &a) in out.iter_mut().zip(&at) {
                *o = (a as usize).saturating_sub(self.n_splits);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::threshold_f32 as threshold32;

    #[test]
    fn a_float32_is_at_most_the_packed_threshold_exactly_when_at_most_the_f64_one() {
        let values = [0.1f64, -0.1, 1.0, 0.5 + 1e-12, -3.3e38, 3.3e38, 1e-45, 0.0, -0.0, 16777217.0];
        for &t in &values {
            let t32 = threshold32(t);
            for x in [t as f32, (t as f32).next_up(), (t as f32).next_down(), t32, t32.next_up()] {
                assert_eq!(x <= t32, f64::from(x) <= t, "x = {x:e}, t = {t:e}");
            }
        }
    }
}
