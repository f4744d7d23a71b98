//! The telco churn drift cases, shared by `tests/drift.rs` and `examples/drift_inputs.rs` (which
//! writes the SciPy fixture's inputs): the tutorial pipeline fitted on the first 3,500 customers,
//! and the others, as they are and drifted on purpose.

#![allow(dead_code)]

use amber_data::{Column, Table};
use amber_estimators::LogisticRegression;
use amber_pipeline::{ColumnTransformer, FittedPipeline, Pipeline};

/// Rows of the training split.
pub const TRAIN: usize = 3_500;

fn telco() -> Table {
    amber_data::datasets::telco_churn().expect("telco_churn").table
}

/// The tutorial's churn pipeline, fitted on the training split.
pub fn model() -> FittedPipeline {
    let train = telco().take_rows(&(0..TRAIN).collect::<Vec<_>>()).expect("rows");
    Pipeline::new()
        .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
        .classifier("classifier", LogisticRegression::params().max_iter(1000))
        .fit(&train, "churn")
        .expect("fit")
}

/// The customers after the training split.
pub fn later() -> Table {
    let t = telco();
    t.take_rows(&(TRAIN..t.n_rows()).collect::<Vec<_>>()).expect("rows")
}

/// `table` with column `name` changed by `f`.
fn with_column(table: Table, name: &str, f: impl Fn(Column) -> Column) -> Table {
    let columns =
        table.into_columns().into_iter().map(|(n, c)| if n == name { (n, f(c)) } else { (n, c) }).collect();
    Table::new(columns).expect("table")
}

/// Each case: its name, the rows, and the column that must drift (`None`: nothing may drift as a
/// dataset).
pub fn cases() -> Vec<(&'static str, Table, Option<&'static str>)> {
    let shifted = with_column(later(), "monthlycharges", |c| match c {
        Column::Numeric(v) => Column::Numeric(v.into_iter().map(|x| x + 30.0).collect()),
        other => other,
    });
    // Every third customer on a contract the training data never had.
    let new_category = with_column(later(), "contract", |c| match c {
        Column::Categorical(v) => Column::Categorical(
            v.into_iter()
                .enumerate()
                .map(|(i, x)| if i % 3 == 0 { Some("Three year".into()) } else { x })
                .collect(),
        ),
        other => other,
    });
    // Half churners, where the training data has about a quarter.
    let rows = later();
    let churn = rows.column("churn").expect("churn").as_categorical().expect("text").to_vec();
    let yes: Vec<usize> = (0..churn.len()).filter(|&i| churn[i].as_deref() == Some("Yes")).collect();
    let no: Vec<usize> =
        (0..churn.len()).filter(|&i| churn[i].as_deref() == Some("No")).take(yes.len()).collect();
    let balanced = rows.take_rows(&[yes, no].concat()).expect("rows");
    vec![
        ("another split", later(), None),
        ("monthlycharges shifted by 30", shifted, Some("monthlycharges")),
        ("a new contract category", new_category, Some("contract")),
        ("half churners", balanced, Some("target(churn)")),
    ]
}
