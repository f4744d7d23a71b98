//! `roc_curve` and `precision_recall_curve` equal scikit-learn's, point for point, on stored
//! scores (fixtures/sklearn_curves.json, written by tools/sklearn_report.py): continuous
//! probabilities, rounded ones full of ties, one-vs-rest on iris, integer scores, one positive.

use amber_model_selection::metrics::{precision_recall_curve, roc_curve, MetricError};
use serde::Deserialize;

#[derive(Deserialize)]
struct Curve {
    #[serde(flatten)]
    points: std::collections::BTreeMap<String, Vec<Option<f64>>>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    y_true: Vec<usize>,
    positive: usize,
    scores: Vec<f64>,
    roc: Curve,
    pr: Curve,
}

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

/// JSON has no infinity: `null` stands for scikit-learn's `inf` threshold.
fn expected(curve: &Curve, key: &str) -> Vec<f64> {
    curve.points[key].iter().map(|v| v.unwrap_or(f64::INFINITY)).collect()
}

fn assert_close(case: &str, what: &str, ours: &[f64], theirs: &[f64]) {
    assert_eq!(ours.len(), theirs.len(), "{case}: {what}: {ours:?} vs {theirs:?}");
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        // Rates are one division each, like numpy's: equal to the last bit.
        assert!(a == b || (a - b).abs() <= 1e-15, "{case}: {what}[{i}]: amber {a}, scikit-learn {b}");
    }
}

#[test]
fn curves_equal_sklearns() {
    let fx: Fixture = serde_json::from_str(include_str!("fixtures/sklearn_curves.json")).unwrap();
    assert_eq!(fx.cases.len(), 7);
    for c in &fx.cases {
        let roc = roc_curve(&c.y_true, c.positive, &c.scores).unwrap();
        assert_close(&c.name, "fpr", &roc.fpr, &expected(&c.roc, "fpr"));
        assert_close(&c.name, "tpr", &roc.tpr, &expected(&c.roc, "tpr"));
        assert_close(&c.name, "roc thresholds", &roc.thresholds, &expected(&c.roc, "thresholds"));
        let pr = precision_recall_curve(&c.y_true, c.positive, &c.scores).unwrap();
        assert_close(&c.name, "precision", &pr.precision, &expected(&c.pr, "precision"));
        assert_close(&c.name, "recall", &pr.recall, &expected(&c.pr, "recall"));
        assert_close(&c.name, "pr thresholds", &pr.thresholds, &expected(&c.pr, "thresholds"));
    }
}

#[test]
fn bad_curve_inputs_are_named_errors() {
    assert!(matches!(
        roc_curve(&[0, 1], 1, &[0.5]),
        Err(MetricError::LengthMismatch { y_true: 2, y_pred: 1 })
    ));
    assert!(matches!(roc_curve(&[], 1, &[]), Err(MetricError::Empty)));
    assert!(matches!(
        precision_recall_curve(&[0, 1], 1, &[0.5, f64::NAN]),
        Err(MetricError::BadScores { .. })
    ));
    // No positive at all: recall is 1 everywhere (scikit-learn's convention), the TPR undefined.
    let pr = precision_recall_curve(&[0, 0], 1, &[0.1, 0.2]).unwrap();
    assert_eq!(pr.recall, [1.0, 1.0, 0.0]);
    assert!(roc_curve(&[0, 0], 1, &[0.1, 0.2]).unwrap().tpr.iter().all(|v| v.is_nan()));
}
