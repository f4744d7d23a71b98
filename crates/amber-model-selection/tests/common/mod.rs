#![allow(dead_code)]

pub mod telco_drift;

/// `got` equals SciPy's `want` to 1e-9 (relative above 1).
#[track_caller]
pub fn close(got: f64, want: f64, what: &str) {
    let tolerance = 1e-9 * want.abs().max(1.0);
    assert!((got - want).abs() <= tolerance, "{what}: {got} vs SciPy's {want}");
}
