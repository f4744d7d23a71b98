//! Class and sample weights, computed as scikit-learn's `compute_class_weight` and
//! `compute_sample_weight` compute them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::EstimatorError;

/// How classes are weighted when fitting (scikit-learn's `class_weight`).
///
/// ```
/// use amber_estimators::{ClassWeight, Classifier, ClassifierParams, DecisionTreeClassifier};
/// use ndarray::array;
///
/// // Three rows of class 0, one of class 1: "balanced" weighs them 2/3 and 2.
/// let x = array![[0.0], [1.0], [2.0], [3.0]];
/// let tree = DecisionTreeClassifier::params().max_depth(Some(1)).class_weight(Some(ClassWeight::Balanced));
/// let model = tree.fit(x.view(), &[0, 0, 0, 1])?;
/// assert_eq!(model.predict(x.view())?, [0, 0, 0, 1]);
/// # Ok::<(), amber_estimators::EstimatorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// Each class weighs `n_rows / (n_classes · rows of the class)`.
    Balanced,
    /// Forests with bootstrap only: [`ClassWeight::Balanced`] computed on each tree's bootstrap
    /// sample (without bootstrap, the same as `Balanced`).
    BalancedSubsample,
    /// A weight per class index (the class's position among the sorted labels); classes not
    /// listed weigh 1.
    Explicit(BTreeMap<usize, f64>),
}

impl ClassWeight {
    /// Checks an estimator's class weights, if any: explicit ones positive and finite;
    /// `BalancedSubsample` only where there are bootstrap samples (`subsamples`).
    pub(crate) fn validate(
        class_weight: Option<&Self>,
        estimator: &'static str,
        subsamples: bool,
    ) -> Result<(), EstimatorError> {
        let Some(class_weight) = class_weight else { return Ok(()) };
        match class_weight {
            ClassWeight::BalancedSubsample if !subsamples => Err(EstimatorError::InvalidParameter {
                estimator,
                name: "class_weight",
                value: "balanced_subsample".into(),
                reason: "is for forests; this estimator takes balanced or explicit weights",
            }),
            ClassWeight::Explicit(map) => match map.iter().find(|(_, w)| !(w.is_finite() && **w > 0.0)) {
                Some((class, w)) => Err(EstimatorError::InvalidParameter {
                    estimator,
                    name: "class_weight",
                    value: format!("{w} for class {class}"),
                    reason: "every class weight must be positive and finite",
                }),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// The weight of each class code (`codes` index `classes`), over the rows whose `counts` are
    /// given (1 per row for the whole data; a bootstrap's draw counts for a subsample). A class
    /// with no row weighs 0, as in scikit-learn's subsample weights.
    pub(crate) fn per_class(
        &self,
        estimator: &'static str,
        classes: &[usize],
        codes: &[usize],
        counts: &[f64],
    ) -> Result<Vec<f64>, EstimatorError> {
        match self {
            ClassWeight::Balanced | ClassWeight::BalancedSubsample => {
                let mut per_class = vec![0.0; classes.len()];
                for (&code, &count) in codes.iter().zip(counts) {
                    if let Some(c) = per_class.get_mut(code) {
                        *c += count;
                    }
                }
                let n: f64 = per_class.iter().sum();
                let present = per_class.iter().filter(|&&c| c > 0.0).count() as f64;
                Ok(per_class.iter().map(|&c| if c > 0.0 { n / (present * c) } else { 0.0 }).collect())
            }
            ClassWeight::Explicit(map) => {
                if let Some(unknown) = map.keys().find(|k| !classes.contains(k)) {
                    return Err(EstimatorError::InvalidParameter {
                        estimator,
                        name: "class_weight",
                        value: format!("class {unknown}"),
                        reason: "names a class that is not in the training data",
                    });
                }
                Ok(classes.iter().map(|c| map.get(c).copied().unwrap_or(1.0)).collect())
            }
        }
    }
}

/// Checks `sample_weight` (one per row, finite, non-negative, not all zero) and returns it, or 1
/// per row when there is none.
pub(crate) fn sample_weights(
    estimator: &'static str,
    sample_weight: Option<&[f64]>,
    n_rows: usize,
) -> Result<Vec<f64>, EstimatorError> {
    let Some(w) = sample_weight else { return Ok(vec![1.0; n_rows]) };
    let bad = |value: String| EstimatorError::InvalidParameter {
        estimator,
        name: "sample_weight",
        value,
        reason: "must hold one finite, non-negative weight per row, not all zero",
    };
    if w.len() != n_rows {
        return Err(bad(format!("{} weights for {n_rows} rows", w.len())));
    }
    if let Some((row, v)) = w.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0)) {
        return Err(bad(format!("{v} at row {row}")));
    }
    if w.iter().all(|&v| v == 0.0) {
        return Err(bad("all zero".into()));
    }
    Ok(w.to_vec())
}

/// Multiplies each row's weight by its class's.
pub(crate) fn scale_by_class(weights: &mut [f64], per_class: &[f64], codes: &[usize]) {
    for (w, &code) in weights.iter_mut().zip(codes) {
        *w *= per_class.get(code).copied().unwrap_or(0.0);
    }
}

/// scikit-learn's row weights: `sample_weight × class weight`, or `None` when there are neither.
/// Balanced class weights count the rows one each (`compute_sample_weight`, as trees do), or by
/// their sample weights with `balance_by_sample_weight` (as scikit-learn 1.9's forests do:
/// `Σw / (n_classes · Σw of the class)`).
pub(crate) fn row_weights(
    estimator: &'static str,
    class_weight: Option<&ClassWeight>,
    sample_weight: Option<&[f64]>,
    classes: &[usize],
    codes: &[usize],
    balance_by_sample_weight: bool,
) -> Result<Option<Vec<f64>>, EstimatorError> {
    if class_weight.is_none() && sample_weight.is_none() {
        return Ok(None);
    }
    let mut w = sample_weights(estimator, sample_weight, codes.len())?;
    if let Some(cw) = class_weight {
        let counts = if balance_by_sample_weight { w.clone() } else { vec![1.0; codes.len()] };
        scale_by_class(&mut w, &cw.per_class(estimator, classes, codes, &counts)?, codes);
    }
    Ok(Some(w))
}
