//! The score to beat: scikit-learn's `DummyClassifier(strategy="most_frequent")`, which always
//! answers the most frequent class of its training rows (the first in class order on ties) with
//! probability 1. A leaderboard reads "0.80 accuracy" against the 0.73 that always saying "No"
//! gets on the same folds.

use amber_data::{Table, Target};
use ndarray::Array2;

use crate::metrics::MetricError;
use crate::search::{CrossValidatorSync, CvResult, Scoring, SearchError};

/// A fitted most-frequent predictor: plain data, the class it answers and how many classes there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MostFrequent {
    /// The class index it always predicts.
    pub class: usize,
    /// The number of classes (probability columns).
    pub n_classes: usize,
}

impl MostFrequent {
    /// The most frequent of the class indices `y` (each below `n_classes`), the lowest index on
    /// ties, as `DummyClassifier`'s `argmax` over its class priors. No rows: class 0.
    pub fn fit(y: &[usize], n_classes: usize) -> Self {
        let mut counts = vec![0usize; n_classes.max(1)];
        for &c in y {
            if let Some(n) = counts.get_mut(c) {
                *n += 1;
            }
        }
        MostFrequent { class: MostFrequent::fit_counts(&counts), n_classes: counts.len() }
    }

    /// The class with the largest count, the lowest on ties (0 for no counts).
    pub(crate) fn fit_counts(counts: &[usize]) -> usize {
        counts.iter().enumerate().fold((0, 0), |best, (c, &n)| if n > best.1 { (c, n) } else { best }).0
    }

    /// Its predictions for `n_rows` rows.
    pub fn predict(&self, n_rows: usize) -> Vec<usize> {
        vec![self.class; n_rows]
    }

    /// Its probabilities for `n_rows` rows: 1 for its class, 0 for the others.
    pub fn predict_proba(&self, n_rows: usize) -> Array2<f64> {
        let mut proba = Array2::zeros((n_rows, self.n_classes));
        if self.class < self.n_classes {
            proba.column_mut(self.class).fill(1.0);
        }
        proba
    }

    /// Its score on rows of classes `y_true`.
    pub fn score(&self, y_true: &[usize], scoring: Scoring) -> Result<f64, MetricError> {
        if scoring.needs_proba() {
            scoring.of_proba(y_true, self.predict_proba(y_true.len()).view())
        } else {
            scoring.of_labels(y_true, &self.predict(y_true.len()), self.n_classes)
        }
    }
}

/// `cross_validate(DummyClassifier(strategy="most_frequent"), X, y, cv=cv, scoring=scoring)`:
/// the baseline scored on the very folds `cv` gives every candidate for this `target`.
///
/// ```
/// use amber_model_selection::{baseline, Scoring, StratifiedKFold};
///
/// let iris = amber_data::datasets::iris()?.table;
/// let cv = baseline(&iris, "species", &StratifiedKFold::new(5), Scoring::Accuracy)?;
/// assert!(cv.scores.iter().all(|&s| (s - 1.0 / 3.0).abs() < 1e-12)); // 10 of each 30-row fold
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn baseline(
    table: &Table,
    target: &str,
    cv: &dyn CrossValidatorSync,
    scoring: Scoring,
) -> Result<CvResult, SearchError> {
    let t = Target::from_column(target, table.column(target)?)?;
    let k = t.labels.len();
    let folds = cv.folds(&t.indices)?;
    let pick =
        |rows: &[usize]| -> Vec<usize> { rows.iter().filter_map(|&r| t.indices.get(r).copied()).collect() };
    let scores = folds
        .iter()
        .enumerate()
        .map(|(fold, f)| {
            let dummy = MostFrequent::fit(&pick(&f.train), k);
            dummy.score(&pick(&f.test), scoring).map_err(|source| SearchError::Score {
                candidate: "baseline".to_string(),
                fold,
                source,
            })
        })
        .collect::<Result<Vec<f64>, _>>()?;
    Ok(CvResult::from_scores(scores))
}
