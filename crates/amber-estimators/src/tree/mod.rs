//! Decision trees and random forests, grown by amber's own CART builder (linfa-trees has neither
//! per-split feature sampling nor seeds nor leaf class distributions).

mod builder;
mod data;
mod forest;
mod walk;

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

pub use builder::{Criterion, MaxFeatures};
pub use data::{threshold_f32, Tree};
pub use forest::{RandomForestClassifier, RandomForestClassifierParams, MAX_ESTIMATORS};

use crate::check::{self, param};
use crate::contract::{Classifier, ClassifierParams};
use crate::error::EstimatorError;
use crate::weights::{self, ClassWeight};
use builder::Growth;

/// How a tree grows: shared by [`DecisionTreeClassifierParams`] and [`RandomForestClassifierParams`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeParams {
    /// Impurity measure (default Gini).
    pub criterion: Criterion,
    /// Maximum depth (root = depth 0); `None` grows until leaves are pure or too small.
    pub max_depth: Option<usize>,
    /// A node with fewer rows is a leaf (default 2, at least 2).
    pub min_samples_split: usize,
    /// Every leaf keeps at least this many rows (default 1, at least 1).
    pub min_samples_leaf: usize,
    /// Features tried at each split.
    pub max_features: MaxFeatures,
}

impl TreeParams {
    fn new(max_features: MaxFeatures) -> Self {
        TreeParams {
            criterion: Criterion::Gini,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features,
        }
    }

    fn validate(&self, estimator: &'static str) -> Result<(), EstimatorError> {
        if let Some(d) = self.max_depth {
            param(estimator, "max_depth", d, d >= 1, "must be at least 1 (or None)")?;
        }
        param(
            estimator,
            "min_samples_split",
            self.min_samples_split,
            self.min_samples_split >= 2,
            "must be at least 2",
        )?;
        param(
            estimator,
            "min_samples_leaf",
            self.min_samples_leaf,
            self.min_samples_leaf >= 1,
            "must be at least 1",
        )?;
        let ok = match self.max_features {
            MaxFeatures::Count(n) => n >= 1,
            MaxFeatures::Fraction(f) => f > 0.0 && f <= 1.0,
            _ => true,
        };
        param(
            estimator,
            "max_features",
            format!("{:?}", self.max_features),
            ok,
            "must be ≥ 1 features or a fraction in (0, 1]",
        )
    }

    fn growth(&self, estimator: &'static str, n_features: usize) -> Result<Growth, EstimatorError> {
        self.validate(estimator)?;
        let max_features =
            self.max_features.resolve(n_features).ok_or_else(|| EstimatorError::InvalidParameter {
                estimator,
                name: "max_features",
                value: format!("{:?}", self.max_features),
                reason: "must not exceed the number of features",
            })?;
        Ok(Growth {
            criterion: self.criterion,
            max_depth: self.max_depth,
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            max_features,
        })
    }
}

/// Builder setters for the tree parameters, written once for both tree-based estimators.
macro_rules! tree_setters {
    () => {
        /// Sets the impurity criterion.
        pub fn criterion(mut self, c: $crate::tree::Criterion) -> Self {
            self.tree.criterion = c;
            self
        }
        /// Sets the maximum depth (`None`: unlimited).
        pub fn max_depth(mut self, d: Option<usize>) -> Self {
            self.tree.max_depth = d;
            self
        }
        /// Sets `min_samples_split`.
        pub fn min_samples_split(mut self, n: usize) -> Self {
            self.tree.min_samples_split = n;
            self
        }
        /// Sets `min_samples_leaf`.
        pub fn min_samples_leaf(mut self, n: usize) -> Self {
            self.tree.min_samples_leaf = n;
            self
        }
        /// Sets the number of features tried per split.
        pub fn max_features(mut self, m: $crate::tree::MaxFeatures) -> Self {
            self.tree.max_features = m;
            self
        }
        /// Sets the seed.
        pub fn random_state(mut self, seed: u32) -> Self {
            self.random_state = seed;
            self
        }
    };
}
pub(crate) use tree_setters;

/// Rows per block of [`trees_proba`]: one block's inputs and outputs stay in cache while every
/// tree walks them.
const BLOCK_ROWS: usize = 256;

/// Mean of the trees' leaf distributions for each row (scikit-learn sums, then divides). Rows go
/// in blocks, in parallel; within a block each tree walks every row (more than one block: trees
/// packed for walking, see [`walk`]). Each row still adds the trees in order 0, 1, …, so the
/// result is bit-identical whatever the number of threads.
fn trees_proba(
    estimator: &'static str,
    trees: &[Tree],
    n_features: usize,
    n_classes: usize,
    x: ArrayView2<f64>,
) -> Result<Array2<f64>, EstimatorError> {
    check::predict_input(estimator, x, n_features)?;
    check_f32_range(estimator, x)?;
    let k = n_classes.max(1);
    let mut out = vec![0.0; x.nrows() * k];
    let add = |sums: &mut [f64], tree: &Tree, leaf: usize| {
        if leaf < tree.value.nrows() {
            sums.iter_mut().zip(tree.value.row(leaf)).for_each(|(s, v)| *s += v);
        }
    };
    let n = trees.len() as f64;
    if x.nrows() <= BLOCK_ROWS {
        // Few rows: packing every tree would cost more than the walks.
        let mut xs = Vec::with_capacity(n_features);
        for (row, sums) in x.rows().into_iter().zip(out.chunks_exact_mut(k)) {
            xs.clear();
            xs.extend(row.iter().map(|&v| f64::from(v as f32)));
            for tree in trees {
                add(sums, tree, tree.leaf_rounded(&xs));
            }
            sums.iter_mut().for_each(|s| *s /= n);
        }
    } else {
        let walkers = crate::par::map(trees.iter().collect(), walk::Walker::new);
        crate::par::for_each_chunk(&mut out, BLOCK_ROWS * k, |(b, chunk)| {
            let rows = chunk.len() / k;
            // The block's inputs rounded to float32 once (trees compare in float32), row-major.
            let mut xs = Vec::with_capacity(rows * n_features);
            for row in x.rows().into_iter().skip(b * BLOCK_ROWS).take(rows) {
                xs.extend(row.iter().map(|&v| v as f32));
            }
            let mut leaves = vec![0; rows];
            for (tree, walker) in trees.iter().zip(&walkers) {
                walker.leaves(&xs, n_features, &mut leaves);
                for (sums, &leaf) in chunk.chunks_exact_mut(k).zip(&leaves) {
                    add(sums, tree, leaf);
                }
            }
            chunk.iter_mut().for_each(|s| *s /= n);
        });
    }
    Array2::from_shape_vec((x.nrows(), n_classes), out)
        .map_err(|e| crate::check::invalid(estimator, format!("probability matrix: {e}")))
}

/// Fits one tree on class codes `codes` with row weights (rows of weight 0 are left out), as a
/// scikit-learn tree with `random_state = seed`. `x32` is the input rounded to float32.
fn fit_tree(
    x32: &builder::Columns32,
    codes: &[usize],
    weights: &[f64],
    n_classes: usize,
    growth: Growth,
    seed: u32,
) -> (Tree, Vec<f64>) {
    let samples = (0..weights.len()).filter(|&i| weights.get(i).is_some_and(|w| *w > 0.0)).collect();
    builder::grow(x32, codes, weights, samples, n_classes, growth, builder::splitter_seed(seed))
}

/// `x` rounded to float32 (trees split and compare in float32, as scikit-learn's); a finite value
/// beyond the float32 range is [`EstimatorError::OutOfFloat32Range`].
fn to_f32(estimator: &'static str, x: ArrayView2<f64>) -> Result<builder::Columns32, EstimatorError> {
    check_f32_range(estimator, x)?;
    Ok(builder::Columns32::new(x))
}

fn check_f32_range(estimator: &'static str, x: ArrayView2<f64>) -> Result<(), EstimatorError> {
    match x.indexed_iter().find(|(_, v)| v.abs() > f64::from(f32::MAX)) {
        Some(((row, column), &value)) => {
            Err(EstimatorError::OutOfFloat32Range { estimator, row, column, value })
        }
        None => Ok(()),
    }
}

const DT: &str = "DecisionTreeClassifier";

/// Stored feature importances are absent (older files) or one per feature, each in `[0, 1]`,
/// summing to 1 or all 0.
fn check_importances(
    estimator: &'static str,
    importances: &[f64],
    n_features: usize,
) -> Result<(), EstimatorError> {
    if importances.is_empty() {
        return Ok(());
    }
    if importances.len() != n_features {
        return Err(crate::check::invalid(
            estimator,
            format!("{} feature importances for {n_features} features", importances.len()),
        ));
    }
    let sum: f64 = importances.iter().sum();
    if importances.iter().any(|v| !(0.0..=1.0).contains(v)) || !(sum == 0.0 || (sum - 1.0).abs() < 1e-9) {
        return Err(crate::check::invalid(
            estimator,
            "feature importances must be in [0, 1] and sum to 1 (or all be 0)",
        ));
    }
    Ok(())
}

/// Hyperparameters of [`DecisionTreeClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTreeClassifierParams {
    /// How the tree grows (default `max_features = All`).
    #[serde(flatten)]
    pub tree: TreeParams,
    /// Seed of the feature order at each split (matters for ties and when `max_features` < all);
    /// scikit-learn's `random_state`, with the same effect.
    pub random_state: u32,
    /// Class weights (default none): [`ClassWeight::Balanced`] or explicit. Not written when
    /// absent, so files without class weights are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_weight: Option<ClassWeight>,
}

impl Default for DecisionTreeClassifierParams {
    fn default() -> Self {
        DecisionTreeClassifierParams {
            tree: TreeParams::new(MaxFeatures::All),
            random_state: 0,
            class_weight: None,
        }
    }
}

impl DecisionTreeClassifierParams {
    tree_setters!();
    /// Sets the class weights.
    pub fn class_weight(mut self, class_weight: Option<ClassWeight>) -> Self {
        self.class_weight = class_weight;
        self
    }
}

/// A fitted decision tree classifier.
///
/// ```
/// use amber_estimators::{Classifier, ClassifierParams, DecisionTreeClassifier};
/// use ndarray::array;
///
/// let x = array![[1.0], [2.0], [3.0], [4.0]];
/// let model = DecisionTreeClassifier::params().max_depth(Some(1)).fit(x.view(), &[0, 0, 1, 1])?;
/// assert_eq!(model.tree.threshold[0], 2.5); // halfway between 2 and 3
/// assert_eq!(model.predict(x.view())?, [0, 0, 1, 1]);
/// # Ok::<(), amber_estimators::EstimatorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTreeClassifier {
    /// Sorted class indices seen in training; columns of the tree's `value`.
    pub classes: Vec<usize>,
    /// Number of input columns.
    pub n_features: usize,
    /// The tree.
    pub tree: Tree,
    /// Mean decrease in impurity of each input column, summing to 1 (all 0 when the tree has no
    /// split): scikit-learn's `feature_importances_`. Empty in files written before format 1.2.
    #[serde(default)]
    pub feature_importances: Vec<f64>,
}

impl DecisionTreeClassifier {
    /// Default hyperparameters.
    pub fn params() -> DecisionTreeClassifierParams {
        DecisionTreeClassifierParams::default()
    }
}

impl ClassifierParams for DecisionTreeClassifierParams {
    type Model = DecisionTreeClassifier;

    fn validate(&self) -> Result<(), EstimatorError> {
        self.tree.validate(DT)?;
        ClassWeight::validate(self.class_weight.as_ref(), DT, false)
    }

    fn fit_weighted(
        &self,
        x: ArrayView2<f64>,
        y: &[usize],
        sample_weight: Option<&[f64]>,
    ) -> Result<DecisionTreeClassifier, EstimatorError> {
        self.validate()?;
        let classes = check::classification_data(DT, x, y)?;
        let growth = self.tree.growth(DT, x.ncols())?;
        let codes = check::encode(&classes, y);
        let weights =
            weights::row_weights(DT, self.class_weight.as_ref(), sample_weight, &classes, &codes, false)?
                .unwrap_or_else(|| vec![1.0; x.nrows()]);
        let x32 = to_f32(DT, x)?;
        let (tree, feature_importances) =
            fit_tree(&x32, &codes, &weights, classes.len(), growth, self.random_state);
        Ok(DecisionTreeClassifier { classes, n_features: x.ncols(), tree, feature_importances })
    }
}

impl Classifier for DecisionTreeClassifier {
    fn classes(&self) -> &[usize] {
        &self.classes
    }
    fn n_features(&self) -> usize {
        self.n_features
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
        trees_proba(DT, std::slice::from_ref(&self.tree), self.n_features, self.classes.len(), x)
    }
    fn validate(&self) -> Result<(), EstimatorError> {
        check::fitted_classes(DT, &self.classes, self.n_features)?;
        check_importances(DT, &self.feature_importances, self.n_features)?;
        self.tree.validate(DT, self.n_features, self.classes.len())
    }
}
