//! What the data checks cost on the churn split `amber train` makes (BENCHMARKS.md):
//! `cargo run --release -p amber-model-selection --example checks_cost`.

use std::time::Instant;

use amber_model_selection::checks::DataChecks;
use amber_model_selection::train_test_split;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let churn = amber_data::datasets::telco_churn()?.table.drop_columns(&["customerid"])?;
    let split = train_test_split(churn.n_rows(), 0.2, 42)?;
    let (train, test) = (churn.take_rows(&split.train)?, churn.take_rows(&split.test)?);
    let mut times = Vec::new();
    let mut findings = Vec::new();
    for _ in 0..21 {
        let t = Instant::now();
        findings = DataChecks::default().run(&train, &test, "churn")?;
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "data checks on the churn split ({} train / {} test rows): median {:.1} ms, min {:.1} ms",
        train.n_rows(),
        test.n_rows(),
        times[10] * 1e3,
        times[0] * 1e3
    );
    for f in findings {
        println!("  {:?} {}: {}", f.severity, f.kind.name(), f.message);
    }
    Ok(())
}
