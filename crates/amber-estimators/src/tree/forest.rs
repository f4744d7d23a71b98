//! `RandomForestClassifier`: bootstrap-aggregated trees with per-split feature sampling.

use amber_data::random::RandomState;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::{fit_tree, tree_setters, trees_proba, MaxFeatures, Tree, TreeParams};
use crate::check::{self, invalid};
use crate::contract::{Classifier, ClassifierParams};
use crate::error::EstimatorError;
use crate::weights::{self, ClassWeight};

const RF: &str = "RandomForestClassifier";
/// The most trees a forest may have (checked before anything is allocated).
pub const MAX_ESTIMATORS: usize = 100_000;

/// Hyperparameters of [`RandomForestClassifier`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomForestClassifierParams {
    /// Number of trees (default 100, at most [`MAX_ESTIMATORS`]).
    pub n_estimators: usize,
    /// How each tree grows (default `max_features = Sqrt`, sampled at every split).
    #[serde(flatten)]
    pub tree: TreeParams,
    /// Fit each tree on a bootstrap sample of the rows (default `true`).
    pub bootstrap: bool,
    /// Seed of everything random: per-tree seeds, bootstrap samples, feature sampling.
    pub random_state: u32,
    /// Class weights (default none): balanced, balanced per bootstrap sample, or explicit. Not
    /// written when absent, so files without class weights are unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_weight: Option<ClassWeight>,
}

impl Default for RandomForestClassifierParams {
    fn default() -> Self {
        RandomForestClassifierParams {
            n_estimators: 100,
            tree: TreeParams::new(MaxFeatures::Sqrt),
            bootstrap: true,
            random_state: 0,
            class_weight: None,
        }
    }
}

impl RandomForestClassifierParams {
    tree_setters!();
    /// Sets the number of trees.
    pub fn n_estimators(mut self, n: usize) -> Self {
        self.n_estimators = n;
        self
    }
    /// Sets `bootstrap`.
    pub fn bootstrap(mut self, on: bool) -> Self {
        self.bootstrap = on;
        self
    }
    /// Sets the class weights.
    pub fn class_weight(mut self, class_weight: Option<ClassWeight>) -> Self {
        self.class_weight = class_weight;
        self
    }
}

/// A fitted random forest: the mean of its trees' class distributions.
///
/// Trees are fitted in parallel (rayon), each from its own seed drawn up front, so the forest is
/// bit-identical whatever the number of threads. Per-tree seeds, bootstrap rows and split feature
/// orders are drawn as scikit-learn draws them, so with the same `random_state` the trees are
/// scikit-learn's.
///
/// ```
/// use amber_estimators::{Classifier, ClassifierParams, RandomForestClassifier};
/// use ndarray::array;
///
/// let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0]];
/// let forest = RandomForestClassifier::params().n_estimators(10).random_state(7).fit(x.view(), &[0, 0, 1, 1])?;
/// assert_eq!(forest.trees.len(), 10);
/// let p = forest.predict_proba(x.view())?;
/// assert!((p.row(0).sum() - 1.0).abs() < 1e-12);
/// # Ok::<(), amber_estimators::EstimatorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomForestClassifier {
    /// Sorted class indices seen in training.
    pub classes: Vec<usize>,
    /// Number of input columns.
    pub n_features: usize,
    /// The trees.
    pub trees: Vec<Tree>,
    /// Mean decrease in impurity of each input column: the mean of the importances of the trees
    /// that split at least once, normalized to sum to 1 (all 0 when no tree splits), as
    /// scikit-learn's `feature_importances_`. Empty in files written before format 1.2.
    #[serde(default)]
    pub feature_importances: Vec<f64>,
}

impl RandomForestClassifier {
    /// Default hyperparameters.
    pub fn params() -> RandomForestClassifierParams {
        RandomForestClassifierParams::default()
    }
}

impl ClassifierParams for RandomForestClassifierParams {
    type Model = RandomForestClassifier;

    fn validate(&self) -> Result<(), EstimatorError> {
        check::count(RF, "n_estimators", self.n_estimators, 1, MAX_ESTIMATORS, "must be from 1 to 100,000")?;
        self.tree.validate(RF)?;
        ClassWeight::validate(self.class_weight.as_ref(), RF, true)
    }

    fn fit_weighted(
        &self,
        x: ArrayView2<f64>,
        y: &[usize],
        sample_weight: Option<&[f64]>,
    ) -> Result<RandomForestClassifier, EstimatorError> {
        self.validate()?;
        let classes = check::classification_data(RF, x, y)?;
        let growth = self.tree.growth(RF, x.ncols())?;
        let codes = check::encode(&classes, y);
        let n = x.nrows();
        let x32 = super::to_f32(RF, x)?;
        // scikit-learn (1.9): class weights (balanced ones weighted by the sample weights) times
        // the sample weights give one weight per row, except balanced_subsample with bootstrap,
        // computed on each tree's sample instead.
        let per_tree = self.bootstrap && self.class_weight == Some(ClassWeight::BalancedSubsample);
        let expanded = if per_tree { None } else { self.class_weight.as_ref() };
        let row_weights = weights::row_weights(RF, expanded, sample_weight, &classes, &codes, true)?;
        // Without weights, bootstrap rows are drawn uniformly; trees without bootstrap weigh each row 1.
        let uniform = row_weights.is_none();
        let row_weights = row_weights.unwrap_or_else(|| vec![1.0; n]);
        // scikit-learn: one randint(2**31 - 1) per tree from the forest's RandomState.
        let mut forest_rng = RandomState::new(self.random_state);
        let seeds: Vec<u32> =
            (0..self.n_estimators).map(|_| forest_rng.interval(i32::MAX as u64 - 1) as u32).collect();
        let grown: Vec<(Tree, Vec<f64>)> = crate::par::map(seeds, |seed| {
            if !self.bootstrap {
                return Ok(fit_tree(&x32, &codes, &row_weights, classes.len(), growth, seed));
            }
            // scikit-learn: n rows drawn with replacement on RandomState(tree seed), uniformly
            // (randint) or, with row weights, in proportion to them (choice); the draw counts
            // are the tree's row weights (times the sample's balanced class weights).
            let mut rng = RandomState::new(seed);
            let drawn: Vec<usize> = if uniform {
                (0..n).map(|_| rng.interval(n as u64 - 1) as usize).collect()
            } else {
                rng.choice_weighted(&row_weights, n)
            };
            let mut weights = vec![0.0; n];
            for i in drawn {
                if let Some(c) = weights.get_mut(i) {
                    *c += 1.0;
                }
            }
            if per_tree {
                let balanced = ClassWeight::Balanced.per_class(RF, &classes, &codes, &weights)?;
                weights::scale_by_class(&mut weights, &balanced, &codes);
            }
            Ok(fit_tree(&x32, &codes, &weights, classes.len(), growth, seed))
        })
        .into_iter()
        .collect::<Result<_, EstimatorError>>()?;
        let p = x.ncols();
        let split: Vec<&Vec<f64>> = grown.iter().filter(|(t, _)| t.n_splits() > 0).map(|(_, i)| i).collect();
        let mut feature_importances = vec![0.0; p];
        for importances in &split {
            feature_importances.iter_mut().zip(importances.iter()).for_each(|(m, v)| *m += v);
        }
        if !split.is_empty() {
            feature_importances.iter_mut().for_each(|m| *m /= split.len() as f64);
        }
        let sum: f64 = feature_importances.iter().sum();
        if sum > 0.0 {
            feature_importances.iter_mut().for_each(|m| *m /= sum);
        }
        let trees = grown.into_iter().map(|(t, _)| t).collect();
        Ok(RandomForestClassifier { classes, n_features: p, trees, feature_importances })
    }
}

impl Classifier for RandomForestClassifier {
    fn classes(&self) -> &[usize] {
        &self.classes
    }
    fn n_features(&self) -> usize {
        self.n_features
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
        trees_proba(RF, &self.trees, self.n_features, self.classes.len(), x)
    }
    fn validate(&self) -> Result<(), EstimatorError> {
        check::fitted_classes(RF, &self.classes, self.n_features)?;
        if self.trees.is_empty() {
            return Err(invalid(RF, "a forest has no trees"));
        }
        super::check_importances(RF, &self.feature_importances, self.n_features)?;
        self.trees.iter().try_for_each(|t| t.validate(RF, self.n_features, self.classes.len()))
    }
}
