//! linfa users adopt amber's classifiers through linfa's own traits (feature `linfa` of
//! amber-estimators): fit on a linfa `Dataset` (its weights included), predict through
//! `linfa::traits::Predict`, score with linfa's metrics, and save and load with amber.

use amber_data::datasets;
use amber_estimators::{
    Classifier, ClassifierParams, DecisionTreeClassifier, EstimatorError, LogisticRegression,
    RandomForestClassifier, SVC,
};
use amber_model_selection::train_test_split;
use amber_persistence::{load, save, SaveOptions};
use linfa::prelude::{Dataset, ToConfusionMatrix};
use linfa::traits::{Fit, Predict, PredictInplace};
use ndarray::{Array1, Array2, Axis, Ix1};

type Predicted = Result<Array1<usize>, EstimatorError>;

/// iris as linfa datasets: scikit-learn's 70/30 split (random_state 7).
fn iris_split() -> (Dataset<f64, usize, Ix1>, Dataset<f64, usize, Ix1>) {
    let (x, y) = datasets::iris().unwrap().features_and_target().unwrap();
    let (x, y) = (x.to_array2().unwrap(), Array1::from(y.indices));
    let split = train_test_split(x.nrows(), 0.3, 7).unwrap();
    let part = |rows: &[usize]| Dataset::new(x.select(Axis(0), rows), y.select(Axis(0), rows));
    (part(&split.train), part(&split.test))
}

/// Code written for any linfa classifier: fit, predict, linfa's confusion matrix.
fn linfa_predict<P, M>(
    params: &P,
    train: &Dataset<f64, usize, Ix1>,
    valid: &Dataset<f64, usize, Ix1>,
) -> (Array1<usize>, f32)
where
    P: Fit<Array2<f64>, Array1<usize>, EstimatorError, Object = M>,
    M: PredictInplace<Array2<f64>, Predicted>,
{
    let model = params.fit(train).unwrap();
    let predicted: Predicted = model.predict(valid.records());
    let predicted = predicted.unwrap();
    let accuracy = predicted.confusion_matrix(valid).unwrap().accuracy();
    (predicted, accuracy)
}

/// The same through amber's own API.
fn amber_predict<P: ClassifierParams>(
    params: &P,
    train: &Dataset<f64, usize, Ix1>,
    valid: &Dataset<f64, usize, Ix1>,
) -> Vec<usize> {
    let y = train.targets().to_vec();
    params.fit(train.records().view(), &y).unwrap().predict(valid.records().view()).unwrap()
}

#[test]
fn linfa_code_trains_and_scores_every_amber_classifier() {
    let (train, valid) = iris_split();
    macro_rules! check {
        ($($params:expr),*) => {$({
            let params = $params;
            let (linfa, accuracy) = linfa_predict(&params, &train, &valid);
            assert_eq!(linfa.to_vec(), amber_predict(&params, &train, &valid), "{params:?}");
            // Measured on this split: 0.89 (the tree) to 1.0; chance is about 0.33.
            assert!(accuracy >= 0.85, "{params:?}: accuracy {accuracy}");
        })*};
    }
    check!(
        LogisticRegression::params().max_iter(500),
        DecisionTreeClassifier::params(),
        RandomForestClassifier::params().n_estimators(20),
        SVC::params()
    );
}

#[test]
fn a_linfa_fit_is_the_amber_fit_weights_included() {
    let (train, _) = iris_split();
    let x = train.records().view();
    let y = train.targets().to_vec();
    let params = RandomForestClassifier::params().n_estimators(5).random_state(3);
    let through_linfa = Fit::fit(&params, &train).unwrap();
    assert_eq!(through_linfa, ClassifierParams::fit(&params, x, &y).unwrap());
    // linfa's per-row weights (f32) arrive as sample weights.
    let w: Vec<f32> = (0..y.len()).map(|i| 0.5 + (i % 4) as f32 / 2.0).collect();
    let weighted = train.clone().with_weights(Array1::from(w.clone()));
    let sample_weight: Vec<f64> = w.iter().map(|&v| f64::from(v)).collect();
    let lr = LogisticRegression::params();
    let through_linfa = Fit::fit(&lr, &weighted).unwrap();
    assert_eq!(through_linfa, lr.fit_weighted(x, &y, Some(&sample_weight)).unwrap());
    assert_ne!(through_linfa, ClassifierParams::fit(&lr, x, &y).unwrap(), "the weights are used");
}

#[test]
fn linfa_paths_keep_amber_errors() {
    let (train, _) = iris_split();
    // One class only: amber's named error, through linfa's Fit.
    let one_class = Dataset::new(train.records().clone(), Array1::zeros(train.records().nrows()));
    assert!(matches!(
        Fit::fit(&DecisionTreeClassifier::params(), &one_class),
        Err(EstimatorError::SingleClass { class: 0, .. })
    ));
    // Predicting on the wrong width is an error value, not a panic or a silent default.
    let model = Fit::fit(&SVC::params(), &train).unwrap();
    let narrow = Array2::<f64>::zeros((3, 2));
    let predicted: Predicted = Predict::predict(&model, &narrow);
    assert!(matches!(predicted, Err(EstimatorError::FeatureCountMismatch { expected: 4, found: 2, .. })));
}

#[test]
fn a_model_trained_through_linfa_saves_and_loads_with_amber() {
    let (train, valid) = iris_split();
    let model = Fit::fit(&LogisticRegression::params().max_iter(500), &train).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("linfa.amber");
    save(&model, &path, &SaveOptions::default()).unwrap();
    let loaded: LogisticRegression = load(&path).unwrap();
    assert_eq!(loaded, model);
    let x = valid.records().view();
    assert_eq!(Classifier::predict(&loaded, x).unwrap(), Classifier::predict(&model, x).unwrap());
}
