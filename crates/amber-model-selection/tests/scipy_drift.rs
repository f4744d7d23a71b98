//! The drift statistics against SciPy's (`tools/scipy_drift.py`): Kolmogorov–Smirnov (exact),
//! Wasserstein, χ², Jensen–Shannon, and Evidently's numpy formulas for PSI, the z-test and the
//! binning, to 1e-9.

mod common;

use amber_model_selection::drift::stats;
use common::close;
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/scipy_drift.json")).expect("fixture")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number")).collect()
}

#[test]
fn numeric_statistics_equal_scipys() {
    for case in fixture()["numeric"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or_default();
        let (a, b) = (floats(&case["a"]), floats(&case["b"]));
        let (d, p) = stats::ks_2samp(&a, &b);
        close(d, case["ks_statistic"].as_f64().expect("d"), &format!("{name}: KS statistic"));
        close(p, case["ks_pvalue"].as_f64().expect("p"), &format!("{name}: KS p-value"));
        close(
            stats::wasserstein(&a, &b),
            case["wasserstein"].as_f64().expect("w"),
            &format!("{name}: Wasserstein"),
        );
        close(stats::population_std(&a), case["std_a"].as_f64().expect("std"), &format!("{name}: std"));
        let (ha, hb) = stats::histograms(&a, &b, 30);
        assert_eq!(
            (ha.clone(), hb.clone()),
            (floats(&case["histogram_a"]), floats(&case["histogram_b"])),
            "{name}: histograms"
        );
        close(stats::psi(&ha, &hb), case["psi_histogram"].as_f64().expect("psi"), &format!("{name}: PSI"));
    }
}

#[test]
fn count_statistics_equal_scipys_and_evidentlys() {
    for case in fixture()["counts"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or_default();
        let (r, c) = (floats(&case["reference"]), floats(&case["current"]));
        close(
            stats::chi_square_p(&r, &c),
            case["chi_square_pvalue"].as_f64().expect("chi"),
            &format!("{name}: χ²"),
        );
        let js = stats::jensen_shannon(&stats::binned(&r), &stats::binned(&c));
        close(js, case["jensen_shannon"].as_f64().expect("js"), &format!("{name}: Jensen–Shannon"));
        close(stats::psi(&r, &c), case["psi"].as_f64().expect("psi"), &format!("{name}: PSI"));
        if let Some(z) = case.get("z_test_pvalue").and_then(Value::as_f64) {
            close(stats::z_test_p(&r, &c), z, &format!("{name}: z-test"));
        }
    }
}
