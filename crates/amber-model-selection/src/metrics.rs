//! Classification metrics, equal to scikit-learn's on the same labels and scores.
//!
//! Labels are class indices `0..n_classes`. Where a ratio is undefined (no predictions of a class
//! for precision, no members for recall), the value is 0, scikit-learn's documented
//! `zero_division=0` — never NaN. Where a metric is undefined for the data as a whole (ROC-AUC with
//! one class present), it is [`MetricError::Undefined`].

use std::fmt;

use ndarray::ArrayView2;

/// A bad metric input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricError {
    /// `y_true` and the predictions differ in length.
    #[error("y_true has {y_true} labels but the predictions have {y_pred}")]
    LengthMismatch {
        /// Length of `y_true`.
        y_true: usize,
        /// Length of the predictions.
        y_pred: usize,
    },
    /// No labels at all.
    #[error("no labels to score")]
    Empty,
    /// A label is not below the number of classes.
    #[error("label {label} at position {position} is not a class index below {n_classes}")]
    UnknownLabel {
        /// The label.
        label: usize,
        /// Its position.
        position: usize,
        /// The number of classes.
        n_classes: usize,
    },
    /// The metric is not defined for this data.
    #[error("{metric} is undefined: {reason}")]
    Undefined {
        /// The metric.
        metric: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The score matrix has the wrong shape or non-finite values.
    #[error("scores: {reason}")]
    BadScores {
        /// What is wrong.
        reason: String,
    },
}

/// How per-class precision, recall and F1 are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// Only the class `positive` (scikit-learn's `average="binary"`, `pos_label`).
    Binary {
        /// The positive class.
        positive: usize,
    },
    /// Unweighted mean over classes.
    Macro,
    /// Mean weighted by each class's support in `y_true`.
    Weighted,
}

fn check(y_true: &[usize], y_pred: &[usize], n_classes: usize) -> Result<(), MetricError> {
    if y_true.len() != y_pred.len() {
        return Err(MetricError::LengthMismatch { y_true: y_true.len(), y_pred: y_pred.len() });
    }
    if y_true.is_empty() {
        return Err(MetricError::Empty);
    }
    let bad = y_true.iter().chain(y_pred).enumerate().find(|(_, &l)| l >= n_classes);
    match bad {
        Some((i, &label)) => Err(MetricError::UnknownLabel { label, position: i % y_true.len(), n_classes }),
        None => Ok(()),
    }
}

/// Fraction of equal labels.
///
/// ```
/// assert_eq!(amber_model_selection::metrics::accuracy(&[0, 1, 1, 0], &[0, 1, 0, 0]).unwrap(), 0.75);
/// ```
pub fn accuracy(y_true: &[usize], y_pred: &[usize]) -> Result<f64, MetricError> {
    let n = y_true.iter().chain(y_pred).max().map_or(0, |m| m + 1);
    check(y_true, y_pred, n)?;
    Ok(y_true.iter().zip(y_pred).filter(|(a, b)| a == b).count() as f64 / y_true.len() as f64)
}

/// `n_classes × n_classes` counts: row = true class, column = predicted class.
pub fn confusion_matrix(
    y_true: &[usize],
    y_pred: &[usize],
    n_classes: usize,
) -> Result<Vec<Vec<usize>>, MetricError> {
    check(y_true, y_pred, n_classes)?;
    let mut m = vec![vec![0usize; n_classes]; n_classes];
    for (&t, &p) in y_true.iter().zip(y_pred) {
        m[t][p] += 1;
    }
    Ok(m)
}

/// Per-class precision, recall, F1 and support.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassScores {
    /// Precision of each class.
    pub precision: Vec<f64>,
    /// Recall of each class.
    pub recall: Vec<f64>,
    /// F1 of each class.
    pub f1: Vec<f64>,
    /// Members of each class in `y_true`.
    pub support: Vec<usize>,
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Precision, recall and F1 of every class (undefined ratios are 0).
pub fn class_scores(
    y_true: &[usize],
    y_pred: &[usize],
    n_classes: usize,
) -> Result<ClassScores, MetricError> {
    let cm = confusion_matrix(y_true, y_pred, n_classes)?;
    let mut s = ClassScores { precision: vec![], recall: vec![], f1: vec![], support: vec![] };
    for k in 0..n_classes {
        let tp = cm[k][k];
        let predicted: usize = cm.iter().map(|row| row[k]).sum();
        let actual: usize = cm[k].iter().sum();
        // scikit-learn: F1 = 2·tp / (2·tp + fp + fn), 0 when undefined.
        s.precision.push(ratio(tp, predicted));
        s.recall.push(ratio(tp, actual));
        s.f1.push(ratio(2 * tp, predicted + actual));
        s.support.push(actual);
    }
    Ok(s)
}

fn averaged(per_class: &[f64], support: &[usize], average: Average) -> Result<f64, MetricError> {
    match average {
        Average::Binary { positive } => per_class.get(positive).copied().ok_or(MetricError::UnknownLabel {
            label: positive,
            position: 0,
            n_classes: per_class.len(),
        }),
        Average::Macro => Ok(per_class.iter().sum::<f64>() / per_class.len() as f64),
        Average::Weighted => {
            let total: usize = support.iter().sum();
            Ok(per_class.iter().zip(support).map(|(v, &s)| v * s as f64).sum::<f64>() / total as f64)
        }
    }
}

/// Precision, averaged as asked.
pub fn precision(
    y_true: &[usize],
    y_pred: &[usize],
    n_classes: usize,
    average: Average,
) -> Result<f64, MetricError> {
    let s = class_scores(y_true, y_pred, n_classes)?;
    averaged(&s.precision, &s.support, average)
}

/// Recall, averaged as asked.
pub fn recall(
    y_true: &[usize],
    y_pred: &[usize],
    n_classes: usize,
    average: Average,
) -> Result<f64, MetricError> {
    let s = class_scores(y_true, y_pred, n_classes)?;
    averaged(&s.recall, &s.support, average)
}

/// F1, averaged as asked.
///
/// ```
/// use amber_model_selection::metrics::{f1, Average};
/// let f = f1(&[0, 0, 1, 1], &[0, 1, 1, 1], 2, Average::Binary { positive: 1 }).unwrap();
/// assert!((f - 0.8).abs() < 1e-15);
/// ```
pub fn f1(
    y_true: &[usize],
    y_pred: &[usize],
    n_classes: usize,
    average: Average,
) -> Result<f64, MetricError> {
    let s = class_scores(y_true, y_pred, n_classes)?;
    averaged(&s.f1, &s.support, average)
}

fn check_scores(y_true: &[usize], scores: ArrayView2<f64>) -> Result<(), MetricError> {
    if scores.nrows() != y_true.len() {
        return Err(MetricError::LengthMismatch { y_true: y_true.len(), y_pred: scores.nrows() });
    }
    if y_true.is_empty() {
        return Err(MetricError::Empty);
    }
    if let Some(((r, c), v)) = scores.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(MetricError::BadScores { reason: format!("row {r}, column {c} is {v}") });
    }
    check(y_true, y_true, scores.ncols())
}

/// Area under the ROC curve of `positive` members scored by `score`: the probability that a
/// random positive outranks a random negative, ties counting one half (equal to the trapezoidal
/// area scikit-learn computes).
fn binary_auc(is_positive: &[bool], score: &[f64]) -> Result<f64, MetricError> {
    let n_pos = is_positive.iter().filter(|&&p| p).count();
    let n_neg = is_positive.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return Err(MetricError::Undefined { metric: "ROC-AUC", reason: "y_true holds only one class" });
    }
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    // Sum of the (tie-averaged, 1-based) ranks of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && score[order[j + 1]] == score[order[i]] {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += mean_rank * order[i..=j].iter().filter(|&&k| is_positive[k]).count() as f64;
        i = j + 1;
    }
    let (p, n) = (n_pos as f64, n_neg as f64);
    Ok((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// ROC-AUC. With two columns of scores, the binary AUC of class 1 (scored by column 1); with more,
/// the unweighted mean of one-vs-rest AUCs (scikit-learn's `multi_class="ovr", average="macro"`).
/// A class with no member in `y_true` makes it [`MetricError::Undefined`].
pub fn roc_auc(y_true: &[usize], scores: ArrayView2<f64>) -> Result<f64, MetricError> {
    check_scores(y_true, scores)?;
    let k = scores.ncols();
    let aucs = (if k == 2 { 1..2 } else { 0..k })
        .map(|c| {
            let is_positive: Vec<bool> = y_true.iter().map(|&t| t == c).collect();
            binary_auc(&is_positive, &scores.column(c).to_vec())
        })
        .collect::<Result<Vec<f64>, _>>()?;
    Ok(aucs.iter().sum::<f64>() / aucs.len() as f64)
}

/// Mean negative log-likelihood of the true classes, probabilities clipped to
/// `[ε, 1 - ε]` with ε the f64 machine epsilon (as scikit-learn ≥ 1.5).
pub fn log_loss(y_true: &[usize], proba: ArrayView2<f64>) -> Result<f64, MetricError> {
    check_scores(y_true, proba)?;
    let eps = f64::EPSILON;
    let total: f64 =
        y_true.iter().zip(proba.rows()).map(|(&t, row)| -row[t].clamp(eps, 1.0 - eps).ln()).sum();
    Ok(total / y_true.len() as f64)
}

/// Per-class precision, recall, F1 and support, with accuracy and macro / weighted averages;
/// `Display` prints scikit-learn's text layout.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassificationReport {
    /// Class names, in class-index order.
    pub labels: Vec<String>,
    /// The per-class scores.
    pub scores: ClassScores,
    /// Accuracy.
    pub accuracy: f64,
}

impl ClassificationReport {
    /// The report for these labels; `labels` names each class index.
    pub fn new(y_true: &[usize], y_pred: &[usize], labels: &[String]) -> Result<Self, MetricError> {
        let scores = class_scores(y_true, y_pred, labels.len())?;
        Ok(ClassificationReport { labels: labels.to_vec(), accuracy: accuracy(y_true, y_pred)?, scores })
    }
}

impl fmt::Display for ClassificationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.scores;
        let width = self.labels.iter().map(String::len).max().unwrap_or(0).max(12);
        // scikit-learn's formats: "{:>{width}s} " then " {:>9…}" per column.
        writeln!(f, "{:>width$}  {:>9} {:>9} {:>9} {:>9}", "", "precision", "recall", "f1-score", "support")?;
        writeln!(f)?;
        for (k, label) in self.labels.iter().enumerate() {
            writeln!(
                f,
                "{label:>width$}  {:>9.2} {:>9.2} {:>9.2} {:>9}",
                s.precision[k], s.recall[k], s.f1[k], s.support[k]
            )?;
        }
        let n: usize = s.support.iter().sum();
        writeln!(f)?;
        writeln!(f, "{:>width$}  {:>9} {:>9} {:>9.2} {n:>9}", "accuracy", "", "", self.accuracy)?;
        for (name, avg) in [("macro avg", Average::Macro), ("weighted avg", Average::Weighted)] {
            let p = averaged(&s.precision, &s.support, avg).unwrap_or(0.0);
            let r = averaged(&s.recall, &s.support, avg).unwrap_or(0.0);
            let f1 = averaged(&s.f1, &s.support, avg).unwrap_or(0.0);
            writeln!(f, "{name:>width$}  {p:>9.2} {r:>9.2} {f1:>9.2} {n:>9}")?;
        }
        Ok(())
    }
}

/// Points of a ROC curve, as scikit-learn's `roc_curve(drop_intermediate=True)` returns them:
/// `thresholds[0]` is `+∞` (nothing predicted positive), then each distinct score in decreasing
/// order, keeping only the corners of the curve.
#[derive(Debug, Clone, PartialEq)]
pub struct RocCurve {
    /// False positive rate at each threshold.
    pub fpr: Vec<f64>,
    /// True positive rate at each threshold.
    pub tpr: Vec<f64>,
    /// Score thresholds, decreasing.
    pub thresholds: Vec<f64>,
}

/// Points of a precision-recall curve, as scikit-learn's `precision_recall_curve` returns them:
/// thresholds increasing, and a last point (precision 1, recall 0) without a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecisionRecallCurve {
    /// Precision at each threshold, then 1.
    pub precision: Vec<f64>,
    /// Recall at each threshold, then 0.
    pub recall: Vec<f64>,
    /// Score thresholds, increasing.
    pub thresholds: Vec<f64>,
}

/// False and true positive counts and the threshold at each distinct score.
type Counts = (Vec<f64>, Vec<f64>, Vec<f64>);

/// True and false positive counts at each distinct score, highest score first (scikit-learn's
/// `_binary_clf_curve`): `(fps, tps, thresholds)`.
fn binary_clf_curve(y_true: &[usize], positive: usize, scores: &[f64]) -> Result<Counts, MetricError> {
    if y_true.len() != scores.len() {
        return Err(MetricError::LengthMismatch { y_true: y_true.len(), y_pred: scores.len() });
    }
    if y_true.is_empty() {
        return Err(MetricError::Empty);
    }
    if let Some((i, v)) = scores.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(MetricError::BadScores { reason: format!("score {i} is {v}") });
    }
    // numpy: argsort(score, kind="mergesort")[::-1], a stable sort reversed.
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    order.reverse();
    let (mut fps, mut tps, mut thresholds) = (Vec::new(), Vec::new(), Vec::new());
    let mut tp = 0.0;
    for (i, &row) in order.iter().enumerate() {
        if y_true[row] == positive {
            tp += 1.0;
        }
        let last_of_value = order.get(i + 1).is_none_or(|&next| scores[next] != scores[row]);
        if last_of_value {
            tps.push(tp);
            fps.push((i + 1) as f64 - tp);
            thresholds.push(scores[row]);
        }
    }
    Ok((fps, tps, thresholds))
}

/// `a / total` for each, NaN when `total` is 0 (as numpy, which scikit-learn warns about).
fn rates(counts: &[f64]) -> Vec<f64> {
    let total = counts.last().copied().unwrap_or(0.0);
    counts.iter().map(|c| if total > 0.0 { c / total } else { f64::NAN }).collect()
}

/// The ROC curve of class `positive` scored by `scores` (higher: more likely positive), equal to
/// scikit-learn's `roc_curve(y_true, scores, pos_label=positive)`. When `y_true` has no positive
/// (or no negative), the true (false) positive rates are NaN, as scikit-learn's.
///
/// ```
/// use amber_model_selection::metrics::roc_curve;
///
/// let roc = roc_curve(&[0, 0, 1, 1], 1, &[0.1, 0.4, 0.35, 0.8])?;
/// assert_eq!(roc.fpr, [0.0, 0.0, 0.5, 0.5, 1.0]);
/// assert_eq!(roc.tpr, [0.0, 0.5, 0.5, 1.0, 1.0]);
/// assert_eq!(roc.thresholds, [f64::INFINITY, 0.8, 0.4, 0.35, 0.1]);
/// # Ok::<(), amber_model_selection::metrics::MetricError>(())
/// ```
pub fn roc_curve(y_true: &[usize], positive: usize, scores: &[f64]) -> Result<RocCurve, MetricError> {
    let (fps, tps, thresholds) = binary_clf_curve(y_true, positive, scores)?;
    // drop_intermediate: keep the ends and every point where the curve bends.
    let n = fps.len();
    let keep: Vec<usize> = (0..n)
        .filter(|&i| {
            if i == 0 || i + 1 == n {
                return true;
            }
            let bend = |v: &[f64]| v[i + 1] - 2.0 * v[i] + v[i - 1] != 0.0;
            bend(&fps) || bend(&tps)
        })
        .collect();
    let pick =
        |v: &[f64], first: f64| std::iter::once(first).chain(keep.iter().map(|&i| v[i])).collect::<Vec<_>>();
    Ok(RocCurve {
        fpr: rates(&pick(&fps, 0.0)),
        tpr: rates(&pick(&tps, 0.0)),
        thresholds: pick(&thresholds, f64::INFINITY),
    })
}

/// The precision-recall curve of class `positive`, equal to scikit-learn's
/// `precision_recall_curve(y_true, scores, pos_label=positive)`: precision is 0 where nothing is
/// predicted positive, recall is 1 everywhere when `y_true` has no positive.
///
/// ```
/// use amber_model_selection::metrics::precision_recall_curve;
///
/// let pr = precision_recall_curve(&[0, 0, 1, 1], 1, &[0.1, 0.4, 0.35, 0.8])?;
/// assert_eq!(pr.precision, [0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
/// assert_eq!(pr.recall, [1.0, 1.0, 0.5, 0.5, 0.0]);
/// assert_eq!(pr.thresholds, [0.1, 0.35, 0.4, 0.8]);
/// # Ok::<(), amber_model_selection::metrics::MetricError>(())
/// ```
pub fn precision_recall_curve(
    y_true: &[usize],
    positive: usize,
    scores: &[f64],
) -> Result<PrecisionRecallCurve, MetricError> {
    let (fps, tps, thresholds) = binary_clf_curve(y_true, positive, scores)?;
    let total = tps.last().copied().unwrap_or(0.0);
    let mut precision: Vec<f64> =
        tps.iter().zip(&fps).map(|(t, f)| if t + f != 0.0 { t / (t + f) } else { 0.0 }).rev().collect();
    let mut recall: Vec<f64> = tps.iter().map(|t| if total > 0.0 { t / total } else { 1.0 }).rev().collect();
    precision.push(1.0);
    recall.push(0.0);
    Ok(PrecisionRecallCurve { precision, recall, thresholds: thresholds.into_iter().rev().collect() })
}
