//! `cargo xtask bench fit`: random forest fit time as rows grow (1 thread against `n_jobs=1`, and
//! 2 threads against `n_jobs=2`), and the telco pipeline's fit (preprocessing + logistic
//! regression), beside scikit-learn on the same rows when a Python with it is present: best of
//! `--repeat` runs each, amber and scikit-learn interleaved case by case, with the ratio.

use std::error::Error;
use std::process::Command;
use std::time::Instant;

use amber_data::datasets;
use amber_estimators::{ClassifierParams, LogisticRegression, RandomForestClassifier};
use amber_pipeline::{ColumnTransformer, Pipeline};

use crate::bench::{python, Args};

const SKLEARN: &str = r#"
import json, sys, time
import pandas as pd
case, path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
if case == "telco":
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    df = pd.read_csv(path, keep_default_na=False, na_values=["", "NA", " "], dtype={"customerid": str})
    X, y = df.drop(columns=["churn", "customerid"]), df["churn"]
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    def fit():
        pre = ColumnTransformer([
            ("numeric", Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]), num),
            ("categorical", Pipeline([("imputer", SimpleImputer(strategy="most_frequent")),
                                      ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat)])
        return Pipeline([("pre", pre), ("classifier", LogisticRegression(max_iter=1000))]).fit(X, y)
else:
    from sklearn.ensemble import RandomForestClassifier
    df = pd.read_csv(path)
    X, y = df.drop(columns="label").to_numpy(float), df["label"].to_numpy()
    jobs = int(case.split(":")[1])
    fit = lambda: RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=jobs).fit(X, y)
times = []
for _ in range(repeat):
    t = time.perf_counter(); fit(); times.append(time.perf_counter() - t)
print(json.dumps({"fit_s": min(times)}))
"#;

/// Best of `repeat` runs of `f`, in seconds.
fn best_of(repeat: usize, mut f: impl FnMut() -> Result<(), Box<dyn Error>>) -> Result<f64, Box<dyn Error>> {
    let mut best = f64::INFINITY;
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        f()?;
        best = best.min(started.elapsed().as_secs_f64());
    }
    Ok(best)
}

pub fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let py = python(args);
    let dir = tempfile::tempdir()?;
    let sklearn = |case: &str, csv: &std::path::Path| -> Result<Option<f64>, Box<dyn Error>> {
        let Some(py) = &py else { return Ok(None) };
        let out =
            Command::new(py).args(["-c", SKLEARN, case]).arg(csv).arg(args.repeat.to_string()).output()?;
        let v: serde_json::Value = serde_json::from_slice(out.stdout.trim_ascii_end())
            .map_err(|e| format!("scikit-learn side: {e}: {}", String::from_utf8_lossy(&out.stderr)))?;
        Ok(v["fit_s"].as_f64())
    };
    let mut rows: Vec<(String, f64, Option<f64>)> = Vec::new();
    for (n, threads) in [(5_000, 1), (20_000, 1), (20_000, 2), (80_000, 1)] {
        let data = datasets::synthetic(n, 20, 3, 0)?;
        let (x, y) = data.features_and_target()?;
        let x = x.to_array2()?;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
        let forest = RandomForestClassifier::params().n_estimators(100).random_state(0);
        let ours = best_of(args.repeat, || {
            pool.install(|| forest.fit(x.view(), &y.indices).map(drop)).map_err(Into::into)
        })?;
        let csv = dir.path().join(format!("forest-{n}.csv"));
        data.table.write_csv_path(&csv)?;
        let theirs = sklearn(&format!("forest:{threads}"), &csv)?;
        rows.push((format!("RF(100) fit, {n} × 20, {threads} thread(s)"), ours, theirs));
    }
    let telco = datasets::telco_churn()?.table;
    let pipeline = Pipeline::new()
        .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
        .classifier("classifier", LogisticRegression::params().max_iter(1000));
    let ours = best_of(args.repeat.max(5), || pipeline.fit(&telco, "churn").map(drop).map_err(Into::into))?;
    let csv = dir.path().join("telco.csv");
    telco.write_csv_path(&csv)?;
    rows.push(("telco pipeline fit (7,043 rows, LR)".into(), ours, sklearn("telco", &csv)?));

    println!("{:<44} {:>10} {:>13} {:>7}", "case (best of runs)", "amber", "scikit-learn", "ratio");
    for (case, ours, theirs) in rows {
        let (t, ratio) = match theirs {
            Some(t) => (format!("{t:.3} s"), format!("{:.2}×", t / ours)),
            None => ("skipped".into(), "-".into()),
        };
        println!("{case:<44} {:>8.3} s {t:>13} {ratio:>7}", ours);
    }
    if py.is_none() {
        println!("(scikit-learn side skipped: no Python with scikit-learn found)");
    }
    Ok(())
}
