//! Tutorial `churn` (TUTORIALS.md C): the telecom churn pipeline. Preprocessing and model are one
//! pipeline, saved with its schema, label map and metadata; a "service" loads it, checks new raw
//! rows against the schema, and returns churn probabilities — and the input errors a user meets
//! are named errors, not wrong answers.
//!
//! Run: `cargo run -p amber-tests --example churn [DIR]`.

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

use amber_data::{datasets, Table};
use amber_estimators::LogisticRegression;
use amber_model_selection::metrics::{accuracy, f1, roc_auc, Average};
use amber_model_selection::train_test_split;
use amber_persistence::{inspect, load, save, SaveOptions};
use amber_pipeline::{ColumnTransformer, FittedPipeline, Pipeline, PipelineError};

/// Two new customers, as raw CSV: a month-to-month fiber customer of 2 months, and a two-year
/// customer of 70 months.
pub const NEW_CUSTOMERS: &str = "\
customerid,gender,seniorcitizen,partner,dependents,tenure,phoneservice,multiplelines,internetservice,onlinesecurity,onlinebackup,deviceprotection,techsupport,streamingtv,streamingmovies,contract,paperlessbilling,paymentmethod,monthlycharges,totalcharges
NEW-0001,Female,0,No,No,2,Yes,No,Fiber optic,No,No,No,No,Yes,Yes,Month-to-month,Yes,Electronic check,95.5,191.0
NEW-0002,Male,0,Yes,Yes,70,Yes,Yes,DSL,Yes,Yes,Yes,Yes,No,No,Two year,No,Bank transfer (automatic),65.2,4564.0
";

/// What the tutorial found.
pub struct Findings {
    /// The label map, in class order.
    pub labels: Vec<String>,
    /// Input columns in the saved schema.
    pub schema_columns: usize,
    /// Held-out accuracy, F1 of "Yes", ROC-AUC.
    pub test_metrics: [f64; 3],
    /// P(churn = "Yes") of the two new customers.
    pub new_churn_probability: Vec<f64>,
    /// The errors met on bad input: a missing column, text in a numeric column.
    pub errors: Vec<PipelineError>,
    /// Rows of an unseen contract type (a warning, not an error).
    pub unseen_rows: Vec<usize>,
}

pub fn run(dir: &Path, out: &mut dyn Write) -> Result<Findings, Box<dyn Error>> {
    let telco = datasets::telco_churn()?.table;
    let split = train_test_split(telco.n_rows(), 0.2, 42)?;
    let train = telco.take_rows(&split.train)?;
    let test = telco.take_rows(&split.test)?;

    // Train: preprocessing + model, one object; the id column is not a feature.
    let model = Pipeline::new()
        .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
        .classifier("classifier", LogisticRegression::params().max_iter(1000))
        .fit(&train, "churn")?;
    let labels = model.labels.clone().ok_or("no labels")?;
    let yes = labels.index_of("Yes").ok_or("no Yes class")?;
    let y = test.encode_target("churn", &labels)?;
    let predicted = model.predict_indices(&test)?;
    let proba = model.predict_proba(&test)?;
    let test_metrics = [
        accuracy(&y, &predicted)?,
        f1(&y, &predicted, labels.len(), Average::Binary { positive: yes })?,
        roc_auc(&y, proba.view())?,
    ];
    writeln!(out, "label map: {:?}", labels.labels())?;
    writeln!(
        out,
        "test: accuracy {:.4}, F1(Yes) {:.4}, ROC-AUC {:.4}",
        test_metrics[0], test_metrics[1], test_metrics[2]
    )?;

    // Save with its metadata; the header alone shows schema, labels and metrics.
    let path = dir.join("models/churn.amber");
    let options = SaveOptions::default()
        .dataset("telco_churn train split", &train)
        .metric("test_accuracy", test_metrics[0])
        .metric("test_f1_yes", test_metrics[1])
        .metric("test_roc_auc", test_metrics[2])
        .description("telecom churn: ColumnTransformer::standard + LogisticRegression");
    save(&model, &path, &options)?;
    let header = inspect(&path)?;
    let schema = header.schema.ok_or("no schema")?;
    writeln!(out, "saved {}: {} input columns, e.g.", path.display(), schema.columns.len())?;
    for c in schema.columns.iter().filter(|c| ["tenure", "contract"].contains(&c.name.as_str())) {
        writeln!(out, "  {:<10} {:?}, categories {:?}", c.name, c.kind, c.categories)?;
    }

    // The service: load, validate the input, predict.
    let service: FittedPipeline = load(&path)?;
    let rows = Table::from_csv_str(NEW_CUSTOMERS, &service.schema.csv_options())?;
    service.check_input(&rows)?;
    let p = service.predict_proba(&rows)?;
    let new_churn_probability: Vec<f64> = p.column(yes).to_vec();
    for (id, prob) in ["NEW-0001", "NEW-0002"].iter().zip(&new_churn_probability) {
        writeln!(out, "{id}: P(churn) = {prob:.3}")?;
    }

    // What users get wrong, and what they get back.
    let mut errors = Vec::new();
    let without_tenure = rows.drop_columns(&["tenure"])?;
    errors.extend(service.predict(&without_tenure).err());
    let text = NEW_CUSTOMERS.replace(",2,Yes,No,Fiber", ",two,Yes,No,Fiber");
    let typo = Table::from_csv_str(&text, &amber_data::CsvOptions::default())?;
    errors.extend(service.predict(&typo).err());
    for e in &errors {
        writeln!(out, "input error: {e}")?;
    }
    let odd =
        Table::from_csv_str(&NEW_CUSTOMERS.replace("Two year", "Three year"), &service.schema.csv_options())?;
    let report = service.check_input(&odd)?;
    let unseen_rows: Vec<usize> = report.unseen_categories.iter().flat_map(|u| u.rows.clone()).collect();
    for u in &report.unseen_categories {
        writeln!(
            out,
            "warning: column {:?} has {} unseen value(s) (rows {:?}); they encode as all zeros",
            u.column, u.count, u.rows
        )?;
    }
    Ok(Findings {
        labels: labels.labels().to_vec(),
        schema_columns: schema.columns.len(),
        test_metrics,
        new_churn_probability,
        errors,
        unseen_rows,
    })
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(|| PathBuf::from("tutorial-output"), PathBuf::from);
    run(&dir, &mut std::io::stdout())?;
    Ok(())
}
