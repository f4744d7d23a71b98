//! `cargo xtask bench svc`: SVC (RBF, scikit-learn's defaults) fit time and peak memory as rows
//! grow, beside scikit-learn's when a Python with it is present, and the largest difference
//! between the two models' decision values.

use std::error::Error;
use std::process::Command;
use std::time::Instant;

use amber_data::datasets;
use amber_estimators::{ClassifierParams, SVC};

use crate::alloc;
use crate::bench::{python, Args};

const SIZES: [usize; 4] = [2_000, 5_000, 10_000, 15_000];

const SKLEARN: &str = r#"
import json, resource, sys, time
import numpy as np, pandas as pd
from sklearn.svm import SVC
df = pd.read_csv(sys.argv[1])
X, y = df.drop(columns="label").to_numpy(float), df["label"].to_numpy()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); m = SVC(decision_function_shape="ovo").fit(X, y); times.append(time.perf_counter() - t)
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) * 1024
print(json.dumps({"fit_s": min(times), "grown_bytes": grown, "decision": m.decision_function(X[:200]).tolist()}))
"#;

pub fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let py = python(args);
    let dir = tempfile::tempdir()?;
    println!("SVC(rbf, C=1, gamma=scale) fit, 20 features, 3 classes (synthetic), best of {}:", args.repeat);
    for n in SIZES {
        let data = datasets::synthetic(n, 20, 3, 0)?;
        let (x, y) = data.features_and_target()?;
        let x = x.to_array2()?;
        let mut best = f64::INFINITY;
        let mut model = None;
        let before = alloc::reset_peak();
        for _ in 0..args.repeat.max(1) {
            let started = Instant::now();
            model = Some(SVC::params().fit(x.view(), &y.indices)?);
            best = best.min(started.elapsed().as_secs_f64());
        }
        let peak = alloc::peak().saturating_sub(before);
        let model = model.ok_or("no fit")?;
        let mut line = format!(
            "  {n:>6} rows: amber {best:>7.3} s, peak heap {:>6.1} MB, {} support vectors",
            peak as f64 / 1e6,
            model.support_vectors.nrows()
        );
        if let Some(py) = &py {
            let csv = dir.path().join(format!("svc-{n}.csv"));
            data.table.write_csv_path(&csv)?;
            let out =
                Command::new(py).args(["-c", SKLEARN]).arg(&csv).arg(args.repeat.to_string()).output()?;
            let v: serde_json::Value = serde_json::from_slice(out.stdout.trim_ascii_end())
                .map_err(|e| format!("scikit-learn side: {e}: {}", String::from_utf8_lossy(&out.stderr)))?;
            let theirs = v["decision"].as_array().ok_or("no decision values")?;
            let ours = model.decision_function(x.slice(ndarray::s![..theirs.len(), ..]))?;
            let mut worst = 0.0f64;
            for (row, values) in ours.rows().into_iter().zip(theirs) {
                for (a, b) in row.iter().zip(values.as_array().ok_or("bad row")?) {
                    worst = worst.max((a - b.as_f64().unwrap_or(f64::NAN)).abs());
                }
            }
            line += &format!(
                "; scikit-learn {:>7.3} s, max RSS growth {:>6.1} MB; decision values within {worst:.1e}",
                v["fit_s"].as_f64().unwrap_or(f64::NAN),
                v["grown_bytes"].as_f64().unwrap_or(f64::NAN) / 1e6
            );
        }
        println!("{line}");
    }
    Ok(())
}
