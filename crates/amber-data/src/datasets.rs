//! The built-in datasets, embedded in the binary so they load from any working directory.
//!
//! Each is a real public dataset; `datasets/README.md` in this crate gives provenance,
//! licence and SHA-256 of every file.

use std::path::Path;

use crate::csv::CsvOptions;
use crate::error::DataError;
use crate::random::RandomState;
use crate::table::Column;
use crate::table::{ColumnKind, Table};
use crate::target::Target;

/// The text of `datasets/iris.csv`.
pub const IRIS_CSV: &str = include_str!("../datasets/iris.csv");
/// The text of `datasets/breast_cancer.csv`.
pub const BREAST_CANCER_CSV: &str = include_str!("../datasets/breast_cancer.csv");
/// The text of `datasets/penguins.csv`.
pub const PENGUINS_CSV: &str = include_str!("../datasets/penguins.csv");
/// The text of `datasets/telco_churn.csv`.
pub const TELCO_CHURN_CSV: &str = include_str!("../datasets/telco_churn.csv");
/// The text of `datasets/california_housing.csv` (a regression dataset: numeric target
/// `median_house_value`; shipped for the regression work, not yet a [`load`]able dataset).
pub const CALIFORNIA_HOUSING_CSV: &str = include_str!("../datasets/california_housing.csv");

/// Names of the built-in datasets, for [`load`].
pub const NAMES: [&str; 4] = ["iris", "breast_cancer", "penguins", "telco_churn"];

/// A built-in dataset: its table (features and target) and the name of its target column.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Short name, as in [`NAMES`].
    pub name: &'static str,
    /// The target column.
    pub target: &'static str,
    /// Every column, the target included, in the file's order.
    pub table: Table,
}

impl Dataset {
    /// Features (every column but the target) and the target's class indices.
    pub fn features_and_target(&self) -> Result<(Table, Target), DataError> {
        self.table.split_target(self.target)
    }
}

fn parse(
    name: &'static str,
    target: &'static str,
    text: &str,
    options: CsvOptions,
) -> Result<Dataset, DataError> {
    let file = format!("datasets/{name}.csv");
    let table = Table::from_csv_reader(text.as_bytes(), Path::new(&file), &options)?;
    Ok(Dataset { name, target, table })
}

/// Fisher's iris: 150 rows, 4 numeric features, target `species` (3 classes).
///
/// ```
/// let iris = amber_data::datasets::iris()?;
/// assert_eq!((iris.table.n_rows(), iris.table.n_cols()), (150, 5));
/// # Ok::<(), amber_data::DataError>(())
/// ```
pub fn iris() -> Result<Dataset, DataError> {
    parse("iris", "species", IRIS_CSV, CsvOptions::default())
}

/// Breast Cancer Wisconsin (Diagnostic): 569 rows, 30 numeric features, target `diagnosis`.
pub fn breast_cancer() -> Result<Dataset, DataError> {
    parse("breast_cancer", "diagnosis", BREAST_CANCER_CSV, CsvOptions::default())
}

/// Palmer penguins: 344 rows, numeric and categorical features with `NA`s, target `species`.
pub fn penguins() -> Result<Dataset, DataError> {
    parse("penguins", "species", PENGUINS_CSV, CsvOptions::default())
}

/// IBM Telco customer churn: 7043 distinct customers, mixed features, 11 blank `totalcharges`,
/// target `churn` (5174 No, 1869 Yes).
/// `seniorcitizen` (0/1) is read as numeric, `customerid` as categorical.
pub fn telco_churn() -> Result<Dataset, DataError> {
    let options = CsvOptions::default().column_kind("customerid", ColumnKind::Categorical);
    parse("telco_churn", "churn", TELCO_CHURN_CSV, options)
}

/// A built-in dataset by name.
pub fn load(name: &str) -> Result<Dataset, DataError> {
    match name {
        "iris" => iris(),
        "breast_cancer" => breast_cancer(),
        "penguins" => penguins(),
        "telco_churn" => telco_churn(),
        _ => Err(DataError::UnknownDataset { name: name.to_string() }),
    }
}

/// A seeded synthetic classification table for benchmarks: `n_classes` overlapping Gaussian
/// classes in `n_features` dimensions (class centres uniform in [-1, 1], unit noise), columns `x0…`
/// and target `label` (`class0`, `class1`, …). The same arguments always give the same table.
///
/// ```
/// let t = amber_data::datasets::synthetic(1000, 20, 3, 7)?;
/// assert_eq!((t.table.n_rows(), t.table.n_cols()), (1000, 21));
/// assert_eq!(t.table, amber_data::datasets::synthetic(1000, 20, 3, 7)?.table);
/// # Ok::<(), amber_data::DataError>(())
/// ```
pub fn synthetic(
    n_rows: usize,
    n_features: usize,
    n_classes: usize,
    seed: u32,
) -> Result<Dataset, DataError> {
    let mut rng = RandomState::new(seed);
    let n_classes = n_classes.max(1);
    let centres: Vec<Vec<f64>> =
        (0..n_classes).map(|_| (0..n_features).map(|_| 2.0 * rng.random_sample() - 1.0).collect()).collect();
    let labels: Vec<usize> = (0..n_rows).map(|_| rng.interval(n_classes as u64 - 1) as usize).collect();
    let mut columns: Vec<Vec<f64>> = vec![Vec::with_capacity(n_rows); n_features];
    for &label in &labels {
        for (j, column) in columns.iter_mut().enumerate() {
            let centre = centres.get(label).and_then(|c| c.get(j)).copied().unwrap_or(0.0);
            column.push(centre + rng.normal());
        }
    }
    let mut cols: Vec<(String, Column)> =
        columns.into_iter().enumerate().map(|(j, v)| (format!("x{j}"), Column::Numeric(v))).collect();
    cols.push((
        "label".into(),
        Column::Categorical(labels.iter().map(|l| Some(format!("class{l}"))).collect()),
    ));
    Ok(Dataset { name: "synthetic", target: "label", table: Table::new(cols)? })
}
