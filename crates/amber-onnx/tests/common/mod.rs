//! Shared by the tests: tract runs an exported graph on a table; amber's answers are compared.
#![allow(dead_code)]

use amber_data::{datasets, Column, Table};
use amber_model_selection::train_test_split;
use tract_onnx::prelude::*;

/// What tract computed: labels, and probabilities (or decision values) as f64.
pub struct Ran {
    pub labels: Vec<String>,
    pub scores: Vec<Vec<f64>>,
}

/// The numeric columns of `table` rounded to float32.
pub fn round_to_f32(table: &Table) -> Table {
    let columns = table
        .columns()
        .map(|(name, column)| {
            let column = match column {
                Column::Numeric(v) => Column::Numeric(v.iter().map(|&x| f64::from(x as f32)).collect()),
                other => other.clone(),
            };
            (name.to_string(), column)
        })
        .collect();
    Table::new(columns).expect("same shape")
}

/// Runs `onnx` on `table`: the numeric columns `numeric` as one float tensor, each categorical
/// column `categorical` as a string tensor (missing: empty string).
pub fn run(onnx: &[u8], table: &Table, numeric: &[String], categorical: &[String]) -> Ran {
    let out = run_raw(onnx, table, numeric, categorical);
    let labels = out[0].to_plain_array_view::<String>().expect("string labels").iter().cloned().collect();
    let scores = out[1].to_plain_array_view::<f32>().expect("float scores");
    let scores = scores.outer_iter().map(|row| row.iter().map(|&v| f64::from(v)).collect()).collect();
    Ran { labels, scores }
}

/// Runs `onnx` on `table` (as [`run`]) and returns every output as tract gives it.
pub fn run_raw(onnx: &[u8], table: &Table, numeric: &[String], categorical: &[String]) -> TVec<TValue> {
    let n = table.n_rows();
    let mut model = tract_onnx::onnx().model_for_read(&mut &onnx[..]).expect("tract reads the file");
    let mut inputs: TVec<TValue> = tvec![];
    let mut slot = 0;
    if !numeric.is_empty() {
        let x = table.numeric_matrix(numeric).expect("numeric columns");
        let x = tract_ndarray::Array2::from_shape_fn((n, numeric.len()), |(i, j)| x[[i, j]] as f32);
        model = model.with_input_fact(slot, f32::fact([n, numeric.len()]).into()).expect("fact");
        inputs.push(Tensor::from(x).into());
        slot += 1;
    }
    for name in categorical {
        let cells = table.column(name).expect("column").as_categorical().expect("categorical");
        let x = tract_ndarray::Array2::from_shape_fn((n, 1), |(i, _)| cells[i].clone().unwrap_or_default());
        model = model
            .with_input_fact(slot, InferenceFact::dt_shape(String::datum_type(), tvec![n, 1]))
            .expect("fact");
        inputs.push(Tensor::from(x).into());
        slot += 1;
    }
    let plan = model.into_optimized().expect("tract optimizes the graph").into_runnable().expect("runnable");
    plan.run(inputs).expect("tract runs the graph")
}

/// Checks tract's answer against amber's on `test`.
pub fn compare(what: &str, ran: &Ran, labels: &[String], proba: Option<&ndarray::Array2<f64>>) {
    assert_eq!(ran.labels.len(), labels.len(), "{what}: rows");
    let differing = ran.labels.iter().zip(labels).filter(|(a, b)| a != b).count();
    assert_eq!(differing, 0, "{what}: {differing} labels differ");
    if let Some(proba) = proba {
        let mut worst = 0.0f64;
        for (row, expected) in ran.scores.iter().zip(proba.outer_iter()) {
            assert_eq!(row.len(), expected.len(), "{what}: probability columns");
            for (a, b) in row.iter().zip(expected) {
                worst = worst.max((a - b).abs());
            }
        }
        assert!(worst <= 1e-5, "{what}: probabilities differ by {worst:e}");
    }
}

/// The test rows of `dataset` (scikit-learn's 25 % split, seed 42), and the training rows.
pub fn split(dataset: &datasets::Dataset, drop: &[&str]) -> (Table, Table) {
    let table = round_to_f32(&dataset.table.drop_columns(drop).expect("drop"));
    let split = train_test_split(table.n_rows(), 0.25, 42).expect("split");
    (table.take_rows(&split.train).expect("train"), table.take_rows(&split.test).expect("test"))
}
