//! Drift on the telco churn data: each deliberate drift is flagged on its own column, another
//! split of the same file is not, and every statistic equals SciPy's on the reference amber
//! stored in the model (fixture: `tools/scipy_drift.py`, inputs from `examples/drift_inputs.rs`).

mod common;

use amber_model_selection::drift::{drift, stats, target_drift, Test};
use amber_pipeline::ReferenceValues;
use common::{close, telco_drift};
use serde_json::Value;

#[test]
fn every_statistic_equals_scipys_on_the_stored_reference() {
    let fixture: Value = serde_json::from_str(include_str!("fixtures/scipy_drift.json")).expect("fixture");
    let expected = fixture["telco"]["expected"].as_array().expect("telco cases");
    let model = telco_drift::model();
    let reference = model.reference.as_ref().expect("a reference");
    let cases = telco_drift::cases();
    assert_eq!(cases.len(), expected.len());
    let mut compared = std::collections::BTreeMap::new();
    for ((name, rows, _), want) in cases.iter().zip(expected) {
        assert_eq!(want["name"].as_str(), Some(*name));
        let report = drift(&model, rows).expect("drift");
        let input = model.conformed(rows).expect("conform");
        for ((got, want), (r, (_, current))) in report
            .columns
            .iter()
            .zip(want["columns"].as_array().expect("columns"))
            .zip(reference.columns.iter().zip(input.columns()))
        {
            assert_eq!(want["column"].as_str(), Some(got.column.as_str()));
            let key = match got.test {
                Test::KolmogorovSmirnov => "ks_pvalue",
                Test::ChiSquare => "chi_square_pvalue",
                Test::ZTest => "z_test_pvalue",
                Test::Wasserstein => "wasserstein_normed",
                Test::JensenShannon => "jensen_shannon",
            };
            let what = format!("{name}: {} ({key})", got.column);
            close(got.value, want[key].as_f64().unwrap_or(f64::NAN), &what);
            *compared.entry(key).or_insert(0) += 1;
            // The exact Kolmogorov–Smirnov p-value on every numeric column's stored sample too,
            // though the 3,500 training rows call for Wasserstein.
            if let (ReferenceValues::Numeric { sample, .. }, Some(present)) =
                (&r.values, current.as_numeric())
            {
                let present: Vec<f64> = present.iter().copied().filter(|x| !x.is_nan()).collect();
                close(
                    stats::ks_2samp(sample, &present).1,
                    want["ks_pvalue"].as_f64().unwrap_or(f64::NAN),
                    &format!("{what}, KS"),
                );
                *compared.entry("ks_pvalue").or_insert(0) += 1;
            }
        }
    }
    // 3,500 training rows: the distances decide; the p-value tests are covered by samples.rs's
    // fixtures and by the KS check above.
    assert!(compared.get("wasserstein_normed").is_some_and(|&n| n >= 12), "{compared:?}");
    assert!(compared.get("jensen_shannon").is_some_and(|&n| n >= 50), "{compared:?}");
    assert!(compared.get("ks_pvalue").is_some_and(|&n| n >= 12), "{compared:?}");
}

#[test]
fn each_deliberate_drift_is_flagged_on_its_own_column_and_another_split_is_not() {
    let model = telco_drift::model();
    for (name, rows, column) in telco_drift::cases() {
        let report = drift(&model, &rows).expect("drift");
        let target =
            target_drift(&model, &rows, "churn").expect("target drift").expect("a classifier reference");
        let drifted: Vec<&str> = report
            .columns
            .iter()
            .chain(std::iter::once(&target))
            .filter(|c| c.drifted)
            .map(|c| c.column.as_str())
            .collect();
        match column {
            None => {
                assert!(!report.dataset_drift, "{name}: {drifted:?}");
                assert!(drifted.is_empty(), "{name}: {drifted:?}");
                assert!(!report.prediction.iter().any(|c| c.drifted), "{name}: {:?}", report.prediction);
            }
            Some("target(churn)") => {
                assert!(drifted.contains(&"target(churn)"), "{name}: {drifted:?}");
                // The predicted labels move less than the target (JS 0.094), the probabilities more.
                assert!(
                    report.prediction.iter().any(|c| c.column == "probability(Yes)" && c.drifted),
                    "{name}: {:?}",
                    report.prediction
                );
            }
            Some(column) => assert_eq!(drifted, [column], "{name}"),
        }
    }
}

#[test]
fn the_reference_is_bounded_deterministic_and_validated() {
    let model = telco_drift::model();
    let reference = model.reference.as_ref().expect("reference");
    assert_eq!((reference.rows, reference.sample_rows), (telco_drift::TRAIN, amber_pipeline::REFERENCE_ROWS));
    assert_eq!(model.reference, telco_drift::model().reference, "same data, same reference");
    for c in &reference.columns {
        if let ReferenceValues::Numeric { sample, distinct } = &c.values {
            assert!(
                sample.len() <= amber_pipeline::REFERENCE_ROWS && sample.windows(2).all(|w| w[0] <= w[1])
            );
            // seniorcitizen is 0/1: exact counts over every row.
            if c.name == "seniorcitizen" {
                let d = distinct.as_ref().expect("exact counts");
                assert_eq!(d.iter().map(|(v, _)| *v).collect::<Vec<_>>(), [0.0, 1.0]);
                assert_eq!(d.iter().map(|(_, n)| n).sum::<usize>() + c.missing, telco_drift::TRAIN);
            }
        }
    }
    model.validate().expect("valid");
    // A damaged reference is refused by name.
    let mut bad = model.clone();
    if let Some(r) = bad.reference.as_mut() {
        r.sample_rows += 1;
    }
    assert!(
        matches!(bad.validate(), Err(amber_pipeline::PipelineError::InvalidPipeline { reason }) if reason.starts_with("reference"))
    );
    let mut bad = model.clone();
    if let Some(ReferenceValues::Numeric { sample, .. }) = bad
        .reference
        .as_mut()
        .and_then(|r| r.columns.iter_mut().find(|c| c.name == "tenure"))
        .map(|c| &mut c.values)
    {
        sample.reverse();
    }
    assert!(
        matches!(bad.validate(), Err(amber_pipeline::PipelineError::InvalidPipeline { reason }) if reason.contains("tenure"))
    );
    let mut bad = model;
    if let Some(p) = bad.reference.as_mut().and_then(|r| r.prediction.as_mut()) {
        p.target_counts[0] += 1;
    }
    assert!(
        matches!(bad.validate(), Err(amber_pipeline::PipelineError::InvalidPipeline { reason }) if reason.contains("prediction"))
    );
}
