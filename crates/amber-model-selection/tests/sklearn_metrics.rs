//! Metrics and grid search against scikit-learn 1.9.1.
//! Reference: tests/fixtures/sklearn_metrics.json, written by tools/sklearn_metrics.py.

use amber_data::datasets;
use amber_estimators::{DecisionTreeClassifier, RandomForestClassifier};
use amber_model_selection::metrics::{self, Average, MetricError};
use amber_model_selection::*;
use amber_pipeline::Pipeline;
use ndarray::Array2;
use serde_json::{json, Value};

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/sklearn_metrics.json")).unwrap()
}

fn labels(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    Array2::from_shape_vec((rows.len(), rows[0].len()), rows.concat()).unwrap()
}

fn close(name: &str, ours: f64, theirs: &Value) {
    let b = theirs.as_f64().unwrap();
    assert!((ours - b).abs() <= 1e-12 * b.abs().max(1.0), "{name}: amber {ours} vs scikit-learn {b}");
}

#[test]
fn metrics_match_sklearn() {
    let fx = fixture();
    let cases = fx["cases"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let (t, p, k) =
            (labels(&c["y_true"]), labels(&c["y_pred"]), c["n_classes"].as_u64().unwrap() as usize);
        let proba = matrix(&c["proba"]);
        close(&format!("{name} accuracy"), metrics::accuracy(&t, &p).unwrap(), &c["accuracy"]);
        let cm: Vec<Vec<usize>> = serde_json::from_value(c["confusion_matrix"].clone()).unwrap();
        assert_eq!(metrics::confusion_matrix(&t, &p, k).unwrap(), cm, "{name}");
        close(&format!("{name} log_loss"), metrics::log_loss(&t, proba.view()).unwrap(), &c["log_loss"]);
        let mut averages = vec![("macro", Average::Macro), ("weighted", Average::Weighted)];
        if k == 2 {
            averages.push(("binary", Average::Binary { positive: 1 }));
        }
        for (avg_name, avg) in averages {
            close(
                &format!("{name} precision_{avg_name}"),
                metrics::precision(&t, &p, k, avg).unwrap(),
                &c[format!("precision_{avg_name}")],
            );
            close(
                &format!("{name} recall_{avg_name}"),
                metrics::recall(&t, &p, k, avg).unwrap(),
                &c[format!("recall_{avg_name}")],
            );
            close(
                &format!("{name} f1_{avg_name}"),
                metrics::f1(&t, &p, k, avg).unwrap(),
                &c[format!("f1_{avg_name}")],
            );
        }
        match c.get("roc_auc") {
            Some(auc) => close(&format!("{name} roc_auc"), metrics::roc_auc(&t, proba.view()).unwrap(), auc),
            None => assert!(
                matches!(metrics::roc_auc(&t, proba.view()), Err(MetricError::Undefined { .. })),
                "{name}"
            ),
        }
    }
}

#[test]
fn undefined_and_bad_inputs_are_named() {
    let one_class = Array2::from_shape_vec((3, 2), vec![0.2, 0.8, 0.4, 0.6, 0.9, 0.1]).unwrap();
    assert!(matches!(
        metrics::roc_auc(&[1, 1, 1], one_class.view()),
        Err(MetricError::Undefined { metric: "ROC-AUC", .. })
    ));
    assert_eq!(metrics::accuracy(&[0, 1], &[0]), Err(MetricError::LengthMismatch { y_true: 2, y_pred: 1 }));
    assert_eq!(metrics::accuracy(&[], &[]), Err(MetricError::Empty));
    assert_eq!(
        metrics::f1(&[0, 3], &[0, 1], 2, Average::Macro),
        Err(MetricError::UnknownLabel { label: 3, position: 1, n_classes: 2 })
    );
    // In y_pred, the position is still the row's (found after all of y_true).
    assert_eq!(
        metrics::f1(&[0, 1, 0], &[0, 1, 5], 2, Average::Macro),
        Err(MetricError::UnknownLabel { label: 5, position: 2, n_classes: 2 })
    );
    // A certain, correct prediction still costs -ln(1 - ε): probabilities are clipped to
    // [ε, 1 - ε] (scikit-learn ≥ 1.5).
    let certain = Array2::from_shape_vec((1, 2), vec![1.0, 0.0]).unwrap();
    assert_eq!(metrics::log_loss(&[0], certain.view()), Ok(-(1.0 - f64::EPSILON).ln()));
    let nan = Array2::from_shape_vec((2, 2), vec![f64::NAN, 1.0, 0.5, 0.5]).unwrap();
    assert!(matches!(metrics::log_loss(&[0, 1], nan.view()), Err(MetricError::BadScores { .. })));
    // A class never predicted: precision 0 by scikit-learn's zero_division=0, not NaN.
    let p = metrics::precision(&[0, 1, 2], &[0, 1, 1], 3, Average::Macro).unwrap();
    assert!((p - 0.5).abs() < 1e-15, "{p}");
}

/// The classification report prints scikit-learn's `classification_report` text, character for
/// character (tools/sklearn_classification_report.py).
#[test]
fn classification_report_is_sklearns_text() {
    #[derive(serde::Deserialize)]
    struct Case {
        y_true: Vec<usize>,
        y_pred: Vec<usize>,
        labels: Vec<String>,
        text: String,
    }
    #[derive(serde::Deserialize)]
    struct Fx {
        cases: Vec<Case>,
    }
    let fx: Fx = serde_json::from_str(include_str!("fixtures/sklearn_classification_report.json")).unwrap();
    assert_eq!(fx.cases.len(), 3);
    for case in &fx.cases {
        let report = metrics::ClassificationReport::new(&case.y_true, &case.y_pred, &case.labels).unwrap();
        assert_eq!(report.to_string(), case.text, "labels {:?}", case.labels);
    }
}

#[test]
fn grid_search_over_max_depth_matches_sklearn_on_breast_cancer() {
    let fx = fixture();
    let g = &fx["grid_search"];
    let table = datasets::breast_cancer().unwrap().table;
    let depths: Vec<Value> = g["params"].as_array().unwrap().clone();
    assert_eq!(depths, [json!(1), json!(2), json!(3), json!(4), json!(5), json!(6), json!(8), Value::Null]);
    let search = GridSearch::new(Pipeline::new().classifier("classifier", DecisionTreeClassifier::params()))
        .param("classifier.max_depth", depths);
    let result = search.fit(&table, "diagnosis", &KFold::new(5), Scoring::Accuracy, None).unwrap();
    let theirs: Vec<f64> = serde_json::from_value(g["mean_test_score"].clone()).unwrap();
    for (c, t) in result.candidates.iter().zip(&theirs) {
        println!(
            "max_depth {}: amber {:.4}, scikit-learn {:.4}",
            c.params["classifier.max_depth"], c.cv.mean, t
        );
    }
    println!(
        "best: amber {} ({:.4}), scikit-learn {} ({:.4})",
        result.best_params["classifier.max_depth"],
        result.best_score,
        g["best_max_depth"],
        g["best_score"].as_f64().unwrap()
    );
    // amber's trees draw features as scikit-learn's do, so every fold's score is the same.
    let folds: Vec<Vec<f64>> = serde_json::from_value(g["fold_scores"].clone()).unwrap();
    for (i, c) in result.candidates.iter().enumerate() {
        for (f, fold) in folds.iter().enumerate() {
            assert!(
                (c.cv.scores[f] - fold[i]).abs() < 1e-12,
                "max_depth {}: fold {f}",
                c.params["classifier.max_depth"]
            );
        }
        assert!((c.cv.mean - theirs[i]).abs() < 1e-12);
    }
    assert_eq!(result.best_params["classifier.max_depth"], g["best_max_depth"]);
    assert!((result.best_score - g["best_score"].as_f64().unwrap()).abs() < 1e-12);
}

fn scoring_named(name: &str) -> Scoring {
    [Scoring::Accuracy, Scoring::F1Macro, Scoring::F1Weighted, Scoring::RocAuc, Scoring::NegLogLoss]
        .into_iter()
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("no scoring {name}"))
}

/// Every scoring, fold by fold, equals scikit-learn's `cross_val_score` with that scoring. The
/// forest and the folds are scikit-learn's exactly (tools/sklearn_scorings.py), so the predictions
/// are the same and only the scoring is tested: a scoring without its sign, or weighted as macro,
/// fails here.
#[test]
fn every_scoring_equals_sklearns_fold_by_fold() {
    let fx: Value = serde_json::from_str(include_str!("fixtures/sklearn_scorings.json")).unwrap();
    let cv = StratifiedKFold::new(5).shuffled(1);
    let forest = Pipeline::new().classifier(
        "c",
        RandomForestClassifier::params().n_estimators(10).max_depth(Some(3)).random_state(0),
    );
    let mut checked = 0;
    for case in fx["cases"].as_array().unwrap() {
        let table = datasets::load(case["dataset"].as_str().unwrap()).unwrap().table;
        let target = case["target"].as_str().unwrap();
        for (name, expected) in case["scores"].as_object().unwrap() {
            let ours = cross_validate(&forest, &table, target, &cv, scoring_named(name), None).unwrap();
            let theirs: Vec<f64> = expected.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            assert_eq!(ours.scores.len(), theirs.len());
            for (fold, (a, b)) in ours.scores.iter().zip(&theirs).enumerate() {
                // Measured: equal, but for log loss 1 ulp apart (summation order); 10× that.
                assert!(
                    (a - b).abs() <= 1e-15,
                    "{name} on {} fold {fold}: {a} vs scikit-learn {b}",
                    case["dataset"]
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 10, "5 scorings × 2 datasets");
}

/// A grid search ranked by `neg_log_loss` picks scikit-learn's best depth, with its mean scores.
#[test]
fn grid_search_by_log_loss_picks_sklearns_best() {
    let fx: Value = serde_json::from_str(include_str!("fixtures/sklearn_scorings.json")).unwrap();
    let cv = StratifiedKFold::new(5).shuffled(1);
    for case in fx["grid"].as_array().unwrap() {
        let table = datasets::load(case["dataset"].as_str().unwrap()).unwrap().table;
        let search = GridSearch::new(
            Pipeline::new()
                .classifier("c", RandomForestClassifier::params().n_estimators(10).random_state(0)),
        )
        .param("c.max_depth", case["max_depth"].as_array().unwrap().clone())
        .fit(&table, case["target"].as_str().unwrap(), &cv, Scoring::NegLogLoss, None)
        .unwrap();
        let best = case["best_index"].as_u64().unwrap() as usize;
        assert_eq!(search.best_index, best, "{}", case["dataset"]);
        for (c, theirs) in search.candidates.iter().zip(case["mean_test_score"].as_array().unwrap()) {
            let theirs = theirs.as_f64().unwrap();
            // Measured: 1 ulp apart at most.
            assert!(
                (c.cv.mean - theirs).abs() <= 1e-15,
                "{}: mean {} vs {theirs}",
                case["dataset"],
                c.cv.mean
            );
        }
    }
}

/// Grid searches with sample weights (tools/sklearn_weighted_search.py): scikit-learn's
/// `GridSearchCV(pipeline).fit(X, y, classifier__sample_weight=w)`. The weights are sliced per
/// fold, so every fold's fit is scikit-learn's (logistic regression to its iterations, the tree
/// node for node), hence every fold's score, the winner, and the winner refitted with all weights.
#[test]
fn weighted_grid_search_is_sklearns_fold_by_fold() {
    use amber_estimators::LogisticRegression;
    use amber_pipeline::{ColumnTransformer, FittedClassifier};
    let fx: Value = serde_json::from_str(include_str!("fixtures/sklearn_weighted_search.json")).unwrap();
    let cv = StratifiedKFold::new(5).shuffled(1);
    let cases = fx["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    for case in cases {
        let table = datasets::load(case["dataset"].as_str().unwrap()).unwrap().table;
        let zeros = case["sample_weight"] == "with_zeros";
        let weights: Vec<f64> = (0..table.n_rows())
            .map(|i| if zeros && i % 7 == 0 { 0.0 } else { 0.5 + (i % 4) as f64 / 2.0 })
            .collect();
        let (grid_path, pipeline) = if case["estimator"] == "decision_tree" {
            (
                "classifier.max_depth",
                Pipeline::new().classifier("classifier", DecisionTreeClassifier::params()),
            )
        } else {
            let scaled = Pipeline::new().transformer("scaler", ColumnTransformer::standard());
            ("classifier.C", scaled.classifier("classifier", LogisticRegression::params()))
        };
        let grid = case["grid"].as_object().unwrap().values().next().unwrap().as_array().unwrap().clone();
        let search = GridSearch::new(pipeline).param(grid_path, grid).sample_weight(weights.clone());
        let result =
            search.fit(&table, case["target"].as_str().unwrap(), &cv, Scoring::Accuracy, None).unwrap();
        let name = case["estimator"].as_str().unwrap();
        for (candidate, theirs) in result.candidates.iter().zip(case["fold_scores"].as_array().unwrap()) {
            let theirs: Vec<f64> = theirs.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            assert_eq!(candidate.cv.scores, theirs, "{name} {:?}", candidate.params);
        }
        assert_eq!(result.best_index, case["best_index"].as_u64().unwrap() as usize, "{name}");
        // cross_validate_weighted of the winner gives its fold scores again.
        let best = cross_validate_weighted(
            &result.best_pipeline,
            &table,
            case["target"].as_str().unwrap(),
            &weights,
            &cv,
            Scoring::Accuracy,
            None,
        )
        .unwrap();
        assert_eq!(best.scores, result.candidates[result.best_index].cv.scores, "{name}");
        match result.best.classifier.as_ref().map(|c| &c.model) {
            Some(FittedClassifier::DecisionTreeClassifier(t)) => {
                assert_eq!(t.tree.n_nodes() as u64, case["best_n_nodes"].as_u64().unwrap(), "{name}")
            }
            Some(FittedClassifier::LogisticRegression(m)) => {
                let theirs: Vec<f64> =
                    case["best_coef"][0].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
                let scale = theirs.iter().fold(0.0f64, |s, v| s.max(v.abs()));
                for (a, b) in m.coef.iter().zip(&theirs) {
                    // Measured ≤ 1e-14 of the largest coefficient (as in the estimator's tests).
                    assert!((a - b).abs() <= 1e-12 * scale, "{name}: coefficient {a} vs {b}");
                }
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    // Weights that do not match the table are a named error before any fit.
    let iris = datasets::iris().unwrap().table;
    let search = GridSearch::new(Pipeline::new().classifier("c", DecisionTreeClassifier::params()))
        .sample_weight(vec![1.0; 3]);
    assert!(matches!(
        search.fit(&iris, "species", &cv, Scoring::Accuracy, None),
        Err(SearchError::SampleWeightLength { weights: 3, rows: 150 })
    ));
}
