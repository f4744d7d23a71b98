//! Writes the inputs of the telco drift fixture as JSON on stdout: for each case (another split of
//! the data, and the deliberate drifts of `tests/drift.rs`), each column's stored reference and
//! new values, as the drift report compares them. `tools/scipy_drift.py` reads this and computes
//! every statistic with SciPy:
//!
//! ```sh
//! cargo run -p amber-model-selection --example drift_inputs > /tmp/drift_inputs.json
//! python tools/scipy_drift.py /tmp/drift_inputs.json
//! ```

#[path = "../tests/common/telco_drift.rs"]
mod telco_drift;

use amber_data::Column;
use amber_pipeline::ReferenceValues;
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = telco_drift::model();
    let reference = model.reference.as_ref().ok_or("no reference")?;
    let mut cases = Vec::new();
    for (name, rows, _) in telco_drift::cases() {
        let input = model.conformed(&rows)?;
        let mut columns = Vec::new();
        for (r, (_, current)) in reference.columns.iter().zip(input.columns()) {
            let mut entry = json!({ "column": r.name });
            match (&r.values, current) {
                (ReferenceValues::Numeric { sample, distinct }, Column::Numeric(v)) => {
                    let present: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                    entry["sample"] = json!(sample);
                    entry["current"] = json!(present);
                    if let Some(d) = distinct {
                        let mut keys: Vec<f64> =
                            d.iter().map(|(v, _)| *v).chain(present.iter().copied()).collect();
                        keys.sort_by(f64::total_cmp);
                        keys.dedup();
                        let reference_counts: Vec<usize> = keys
                            .iter()
                            .map(|k| d.iter().find(|(v, _)| v == k).map_or(0, |(_, n)| *n))
                            .collect();
                        let current_counts: Vec<usize> =
                            keys.iter().map(|k| present.iter().filter(|x| *x == k).count()).collect();
                        entry["reference_counts"] = json!(reference_counts);
                        entry["current_counts"] = json!(current_counts);
                    }
                }
                (ReferenceValues::Categorical { counts }, Column::Categorical(v)) => {
                    let mut keys: Vec<String> = counts.iter().map(|(c, _)| c.clone()).collect();
                    keys.extend(v.iter().flatten().cloned());
                    keys.sort();
                    keys.dedup();
                    let reference_counts: Vec<usize> = keys
                        .iter()
                        .map(|k| counts.iter().find(|(c, _)| c == k).map_or(0, |(_, n)| *n))
                        .collect();
                    let current_counts: Vec<usize> =
                        keys.iter().map(|k| v.iter().flatten().filter(|c| *c == k).count()).collect();
                    entry["reference_counts"] = json!(reference_counts);
                    entry["current_counts"] = json!(current_counts);
                }
                _ => return Err(format!("column {}: kinds differ", r.name).into()),
            }
            columns.push(entry);
        }
        cases.push(json!({ "name": name, "columns": columns }));
    }
    println!("{}", json!({ "cases": cases }));
    Ok(())
}
