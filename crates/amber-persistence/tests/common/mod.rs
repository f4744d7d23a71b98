//! Models of every kind, small and fast to fit, and scratch directories.
#![allow(dead_code)]

use amber_data::{datasets, Table};
use amber_estimators::*;
use amber_pipeline::{ColumnTransformer, FittedPipeline, Pipeline};
use ndarray::Array2;

/// A fresh empty directory of this test's own (unique whatever runs beside it), removed on drop.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

pub fn iris_xy() -> (Array2<f64>, Vec<usize>) {
    let (x, y) = datasets::iris().unwrap().features_and_target().unwrap();
    (x.to_array2().unwrap(), y.indices)
}

pub fn iris_features() -> Table {
    datasets::iris().unwrap().table.drop_columns(&["species"]).unwrap()
}

pub fn logistic() -> LogisticRegression {
    let (x, y) = iris_xy();
    LogisticRegression::params().max_iter(300).fit(x.view(), &y).unwrap()
}

pub fn tree() -> DecisionTreeClassifier {
    let (x, y) = iris_xy();
    DecisionTreeClassifier::params().max_depth(Some(4)).fit(x.view(), &y).unwrap()
}

pub fn forest(n: usize) -> RandomForestClassifier {
    let (x, y) = iris_xy();
    RandomForestClassifier::params().n_estimators(n).random_state(1).fit(x.view(), &y).unwrap()
}

pub fn svc() -> SVC {
    let (x, y) = iris_xy();
    SVC::params().probability(true).fit(x.view(), &y).unwrap()
}

/// The tutorial lab's shape on penguins: imputers, scaler, one-hot, logistic regression.
pub fn penguins_pipeline() -> FittedPipeline {
    let penguins = datasets::penguins().unwrap().table;
    Pipeline::new()
        .transformer("pre", ColumnTransformer::standard())
        .classifier("classifier", LogisticRegression::params().max_iter(500))
        .fit(&penguins, "species")
        .unwrap()
}
