//! The verification sample a file carries: what it holds by default, and that it is really what
//! the model computes (so that `load` re-running it means something).

mod common;

use amber_data::{Column, Table};
use amber_estimators::*;
use amber_persistence::*;
use common::*;

fn no_sidecar() -> SaveOptions {
    SaveOptions { sidecar: false, ..SaveOptions::default() }
}

fn saved_header<T: Persist>(obj: &T) -> Header {
    let tmp = scratch();
    save(obj, tmp.path().join("m.amber"), &no_sidecar()).unwrap()
}

/// Cells of a table, row by row, as verification stores them.
fn cells(t: &Table) -> Vec<Vec<Cell>> {
    (0..t.n_rows())
        .map(|r| {
            t.columns()
                .map(|(_, c)| match c {
                    Column::Numeric(v) => Cell::Number(v[r]),
                    Column::Categorical(v) => Cell::Text(v[r].clone()),
                })
                .collect()
        })
        .collect()
}

/// A transformer's stored output is its transform of the stored input, cell for cell (not a
/// vacuous empty table that any model would reproduce).
#[test]
fn a_transformers_stored_output_is_its_transform_of_the_stored_input() {
    let x = iris_features();
    let scaler = StandardScaler::params().fit(&x).unwrap();
    let v = saved_header(&scaler).verification.unwrap();
    assert!(v.input.n_rows() > 0);
    let expected = cells(&scaler.transform(&v.input).unwrap());
    assert_eq!(v.output, expected);
    assert_eq!(v.output[0].len(), 4);
}

/// The default sample of a one-hot encoder holds every category of every column.
#[test]
fn a_one_hot_encoders_default_sample_exercises_every_category() {
    let column = |cats: &[&str], n: usize| {
        Column::Categorical((0..n).map(|i| Some(cats[i % cats.len()].to_string())).collect())
    };
    let x = Table::new(vec![
        ("five".into(), column(&["a", "b", "c", "d", "e"], 20)),
        ("three".into(), column(&["x", "y", "z"], 20)),
        ("two".into(), column(&["p", "q"], 20)),
    ])
    .unwrap();
    let encoder = OneHotEncoder::params().fit(&x).unwrap();
    let input = saved_header(&encoder).verification.unwrap().input;
    for (name, column) in input.columns() {
        let seen = column.categories();
        let all = x.column(name).unwrap().categories();
        assert_eq!(seen, all, "column {name}");
    }
}

/// A default sample that would exceed the cell limit (4 rows of a classifier over 20,000
/// features) takes as many rows as the limit allows, and the file is saved and loads.
#[test]
fn a_wide_default_sample_stays_within_the_cell_limit() {
    let n_features = 20_000;
    let x = ndarray::Array2::from_shape_fn((6, n_features), |(i, j)| ((i + j) % 3) as f64);
    let model =
        DecisionTreeClassifier::params().max_depth(Some(1)).fit(x.view(), &[0, 1, 0, 1, 0, 1]).unwrap();
    let tmp = scratch();
    let path = tmp.path().join("wide.amber");
    let input = save(&model, &path, &no_sidecar()).unwrap().verification.unwrap().input;
    assert_eq!((input.n_rows(), input.n_cols()), (MAX_SAMPLE_CELLS / n_features, n_features));
    load::<DecisionTreeClassifier>(&path).unwrap();
}

/// Class labels and steps belong to pipelines: a bare classifier (class indices only) or a
/// transformer has neither in its header; a pipeline has both (FORMAT.md, header fields).
#[test]
fn only_pipelines_carry_labels_and_steps() {
    for h in
        [saved_header(&forest(3)), saved_header(&StandardScaler::params().fit(&iris_features()).unwrap())]
    {
        assert_eq!((h.labels, h.steps), (None, None), "{}", h.kind);
    }
    let h = saved_header(&penguins_pipeline());
    // A pipeline reads every column of its training table but the target.
    let columns = amber_data::datasets::penguins().unwrap().table.n_cols() - 1;
    assert_eq!(h.n_features, Some(columns));
    assert_eq!(h.labels.unwrap(), ["Adelie", "Chinstrap", "Gentoo"]);
    assert!(h.steps.unwrap().iter().any(|s| s.path == "classifier"));
}

/// A pipeline's default sample comes from its schema: each numeric column at its training min,
/// mean and max, each categorical column cycling through its categories in order.
#[test]
fn a_pipelines_default_sample_is_built_from_its_schema() {
    let pipeline = penguins_pipeline();
    let input = saved_header(&pipeline).verification.unwrap().input;
    assert_eq!(input.n_rows(), 3);
    for c in &pipeline.schema.columns {
        let column = input.column(&c.name).unwrap();
        match (&c.stats, &c.categories) {
            (Some(s), _) => assert_eq!(column.as_numeric().unwrap(), [s.min, s.mean, s.max], "{}", c.name),
            (None, Some(cats)) => {
                let expected: Vec<Option<String>> =
                    (0..3).map(|r| Some(cats[r % cats.len()].clone())).collect();
                assert_eq!(column.as_categorical().unwrap(), expected, "{}", c.name);
            }
            (None, None) => panic!("column {} has neither stats nor categories", c.name),
        }
    }
}

/// A pipeline ending in an SVC without probabilities stores its decision values (one per pair of
/// classes) after the label, and loads.
#[test]
fn an_svc_pipeline_without_probabilities_stores_decision_values() {
    let penguins = amber_data::datasets::penguins().unwrap().table;
    let pipeline = amber_pipeline::Pipeline::new()
        .transformer("pre", amber_pipeline::ColumnTransformer::standard())
        .classifier("classifier", SVC::params())
        .fit(&penguins, "species")
        .unwrap();
    let tmp = scratch();
    let path = tmp.path().join("svc.amber");
    let v = save(&pipeline, &path, &no_sidecar()).unwrap().verification.unwrap();
    for row in &v.output {
        assert!(
            matches!(&row[0], Cell::Text(Some(label)) if ["Adelie", "Chinstrap", "Gentoo"].contains(&label.as_str()))
        );
        assert_eq!(row.len(), 1 + 3, "a label and 3 decision values (3 pairs of 3 classes)");
    }
    load::<amber_pipeline::FittedPipeline>(&path).unwrap();
}
