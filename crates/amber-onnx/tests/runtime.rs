//! Every exported model, run in tract (an ONNX runtime amber did not write) on every test row of
//! iris, breast_cancer, penguins and telco_churn, missing values included: labels identical to
//! amber's, probabilities within 1e-5. Rows are rounded to float32 first and fed identically to
//! both (the graph's input is float32; amber then sees exactly the same numbers).

mod common;

use amber_data::{datasets, Table};
use amber_estimators::{DecisionTreeClassifier, LogisticRegression, RandomForestClassifier, SVC};
use amber_onnx::Export;
use amber_pipeline::{ClassifierSpec, ColumnTransformer, FittedPipeline, Pipeline};
use common::{compare, run, split};

fn classifiers() -> Vec<(&'static str, ClassifierSpec)> {
    vec![
        ("lr", LogisticRegression::params().max_iter(1000).into()),
        ("tree", DecisionTreeClassifier::params().random_state(0).into()),
        ("forest", RandomForestClassifier::params().n_estimators(10).random_state(0).into()),
        ("svc", SVC::params().probability(true).random_state(0).into()),
    ]
}

/// Exports `fitted`, runs it in tract on `test`, compares with amber.
fn check_pipeline(what: &str, fitted: &FittedPipeline, test: &Table) {
    let onnx = Export::new().pipeline(fitted).unwrap_or_else(|e| panic!("{what}: export failed: {e}"));
    let signature = amber_onnx::signature(fitted).expect("signature");
    let ran = run(&onnx, test, &signature.numeric, &signature.categorical);
    let labels = fitted.predict(test).expect("amber predicts");
    let proba = fitted.predict_proba(test).expect("amber's probabilities");
    compare(what, &ran, &labels, Some(&proba));
}

/// The tutorials' pipeline (`ColumnTransformer::standard()`, dropping the id columns `drop`) with
/// each classifier.
fn check_dataset(dataset: datasets::Dataset, drop: &[&str]) {
    let (train, test) = split(&dataset, &[]);
    for (name, spec) in classifiers() {
        let what = format!("{} standard pipeline + {name}", dataset.name);
        let fitted = Pipeline::new()
            .transformer("pre", ColumnTransformer::standard().drop(drop.iter().copied()))
            .classifier(name, spec)
            .fit(&train, dataset.target)
            .expect("fit");
        let signature = amber_onnx::signature(&fitted).expect("signature");
        assert!(
            drop.iter().all(|d| !signature.categorical.iter().any(|c| c == d)),
            "{what}: a dropped column is no input"
        );
        check_pipeline(&what, &fitted, &test);
    }
}

#[test]
fn iris_pipelines_run_in_tract_as_in_amber() {
    check_dataset(datasets::iris().expect("iris"), &[]);
}

#[test]
fn breast_cancer_pipelines_run_in_tract_as_in_amber() {
    check_dataset(datasets::breast_cancer().expect("breast_cancer"), &[]);
}

#[test]
fn penguins_pipelines_with_missing_values_and_categories_run_in_tract_as_in_amber() {
    let penguins = datasets::penguins().expect("penguins");
    let (_, test) = split(&penguins, &[]);
    let missing = test.columns().map(|(_, c)| c.n_missing()).sum::<usize>();
    assert!(missing > 0, "the test rows include missing values");
    check_dataset(penguins, &[]);
}

#[test]
fn telco_churn_pipelines_run_in_tract_as_in_amber() {
    check_dataset(datasets::telco_churn().expect("telco_churn"), &["customerid"]);
}

/// The classifiers alone, on raw features: the float input is the feature matrix.
#[test]
fn bare_classifiers_run_in_tract_as_in_amber() {
    use amber_estimators::Classifier;
    for dataset in [datasets::iris().expect("iris"), datasets::breast_cancer().expect("breast_cancer")] {
        let (train, test) = split(&dataset, &[]);
        let (x, y) = train.split_target(dataset.target).expect("target");
        let x = x.to_array2().expect("matrix");
        let (test_x, _) = test.split_target(dataset.target).expect("target");
        let names = test_x.column_names().to_vec();
        let matrix = test_x.to_array2().expect("matrix");
        for (name, spec) in classifiers() {
            let what = format!("{} bare {name}", dataset.name);
            let model = spec.fit(x.view(), &y.indices).expect("fit");
            let labels = y.labels.decode(model.classes()).expect("labels");
            let onnx = Export::new().classifier(&model, &labels).expect("export");
            let ran = run(&onnx, &test_x, &names, &[]);
            let predicted = y.labels.decode(&model.predict(matrix.view()).expect("predict")).expect("decode");
            let proba = model.predict_proba(matrix.view()).expect("proba");
            compare(&what, &ran, &predicted, Some(&proba));
        }
    }
}
