//! `cargo xtask bench persistence`: amber's model file against scikit-learn + joblib.
//!
//! Always measured in a release build (a debug xtask re-runs itself with `--release`).

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use amber_data::datasets;
use amber_estimators::{ClassifierParams, DecisionTreeClassifier, RandomForestClassifier};
use amber_model_selection::{GridSearch, KFold, Scoring, StratifiedKFold};
use amber_persistence::{load, save, SaveOptions};
use amber_pipeline::Pipeline;
use serde_json::json;

use crate::alloc;

/// Arguments of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct Args {
    /// What to measure: `all` (every case beside scikit-learn, one table; see BENCHMARKS.md),
    /// or one family: `persistence`, `search`, `predict` (`amber predict`'s peak memory),
    /// `forest` (forest batch and single-row prediction), `svc` (SVC fit time and memory) or
    /// `serve` (the HTTP service under 16 and 64 connections).
    #[arg(default_value = "all")]
    pub(crate) what: String,
    /// Repetitions per timing.
    #[arg(long, default_value_t = 3)]
    pub(crate) repeat: usize,
    /// The Python with scikit-learn and joblib (default: ./venv/bin/python, then python3).
    #[arg(long)]
    python: Option<PathBuf>,
    /// `all` without the largest cases (forests above 20,000 rows, SVC above 5,000): a few minutes.
    #[arg(long)]
    pub(crate) quick: bool,
    /// `all` with only the cases whose name starts with this (`telco`, `rf_fit`, `svc`…).
    #[arg(long, value_name = "PREFIX")]
    pub(crate) only: Option<String>,
    /// Internal: run one case of `all` once in this process (its peak memory is measured).
    #[arg(long, hide = true)]
    once: Option<String>,
}

pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    if cfg!(debug_assertions) || !cfg!(feature = "bench") {
        // Benchmarks mean nothing in a debug build: run again, optimized, with the benchmarks'
        // dependencies (which the main job does not build).
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["run", "--release", "--quiet", "--package", "xtask", "--features", "bench", "--", "bench"]);
        cmd.arg(&args.what);
        cmd.args(["--repeat", &args.repeat.to_string()]);
        if let Some(p) = &args.python {
            cmd.arg("--python").arg(p);
        }
        if args.quick {
            cmd.arg("--quick");
        }
        if let Some(case) = &args.once {
            cmd.args(["--once", case]);
        }
        if let Some(only) = &args.only {
            cmd.args(["--only", only]);
        }
        let status = cmd.status()?;
        return if status.success() { Ok(()) } else { Err("benchmark failed".into()) };
    }
    if let Some(case) = &args.once {
        return crate::bench_all::once(case);
    }
    match args.what.as_str() {
        "all" => crate::bench_all::run(args),
        "persistence" => persistence(args),
        "search" => search(args),
        "predict" => crate::bench_predict::run(),
        "forest" => crate::bench_predict::forest(),
        "svc" => crate::bench_svc::run(args),
        #[cfg(feature = "bench")]
        "serve" => crate::bench_serve::run(),
        other => Err(format!(
            "unknown benchmark {other:?} (known: all, persistence, search, predict, forest, svc, serve)"
        )
        .into()),
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn timed<T>(
    repeat: usize,
    mut f: impl FnMut() -> Result<T, Box<dyn Error>>,
) -> Result<Duration, Box<dyn Error>> {
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    Ok(median(times))
}

/// A Python with scikit-learn and joblib, if there is one.
pub(crate) fn python(args: &Args) -> Option<PathBuf> {
    let candidates =
        args.python.iter().cloned().chain([root().join("venv/bin/python"), PathBuf::from("python3")]);
    candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import sklearn, joblib, pandas"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

struct Measured {
    bytes: u64,
    save: Duration,
    load: Duration,
    peak: u64,
}

fn measure(
    path: &Path,
    forest: &RandomForestClassifier,
    options: &SaveOptions,
    repeat: usize,
) -> Result<Measured, Box<dyn Error>> {
    let save_time = timed(repeat, || Ok(save(forest, path, options)?))?;
    let load_time = timed(repeat, || Ok(load::<RandomForestClassifier>(path)?))?;
    let before = alloc::reset_peak();
    let loaded: RandomForestClassifier = load(path)?;
    let peak = alloc::peak().saturating_sub(before) as u64;
    drop(loaded);
    Ok(Measured { bytes: std::fs::metadata(path)?.len(), save: save_time, load: load_time, peak })
}

fn persistence(args: &Args) -> Result<(), Box<dyn Error>> {
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let data = datasets::synthetic(20_000, 20, 3, 0)?;
    let (x, y) = data.features_and_target()?;
    let t = Instant::now();
    let forest = RandomForestClassifier::params()
        .n_estimators(100)
        .random_state(0)
        .fit(x.to_array2()?.view(), &y.indices)?;
    let fit = t.elapsed();
    let nodes: usize = forest.trees.iter().map(|t| t.n_nodes()).sum();
    println!("random forest: 100 trees, {nodes} nodes, on 20,000 × 20 synthetic rows (3 classes); fit {fit:.2?} on {} threads", rayon_threads());

    // Save options as a service would use them: no sidecar, verification on (the default).
    let plain_opts = SaveOptions { sidecar: false, ..SaveOptions::default() };
    let plain = measure(&dir.join("rf.amber"), &forest, &plain_opts, args.repeat)?;
    let packed = measure(&dir.join("rf_zstd3.amber"), &forest, &plain_opts.clone().compress(3), args.repeat)?;

    let py = python(args).and_then(|p| {
        let csv = dir.join("synthetic.csv");
        write_csv(&data.table, &csv).ok()?;
        let out = Command::new(&p)
            .arg(root().join("tools/bench_persistence.py"))
            .arg(&csv)
            .arg(args.repeat.to_string())
            .output()
            .ok()?;
        serde_json_value(&String::from_utf8_lossy(&out.stdout))
    });

    let mb = |b: u64| format!("{:.2} MB", b as f64 / 1e6);
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1e3);
    let j = |level: u32, key: &str| py.as_ref().and_then(|v| v[format!("compress{level}")][key].as_f64());
    let jb = |level, key| j(level, key).map_or("–".into(), |b| mb(b as u64));
    let js = |level, key| j(level, key).map_or("–".into(), |s| ms(Duration::from_secs_f64(s)));
    println!("\n{:<30} {:>12} {:>14}", "", "amber", "sklearn+joblib");
    let rows = [
        ("file size, plain / compress=0", mb(plain.bytes), jb(0, "bytes")),
        ("file size, zstd 3 / compress=3", mb(packed.bytes), jb(3, "bytes")),
        ("save, plain", ms(plain.save), js(0, "save_s")),
        ("save, zstd 3", ms(packed.save), js(3, "save_s")),
        ("load, plain", ms(plain.load), js(0, "load_s")),
        ("load, zstd 3", ms(packed.load), js(3, "load_s")),
        ("peak memory in load, plain", mb(plain.peak), jb(0, "load_peak_bytes")),
        ("peak memory in load, zstd 3", mb(packed.peak), jb(3, "load_peak_bytes")),
    ];
    for (name, a, b) in rows {
        println!("{name:<30} {a:>12} {b:>14}");
    }
    println!(
        "(amber's save and load include the verification run; load times are medians of {})",
        args.repeat
    );
    match &py {
        None => println!(
            "\nscikit-learn/joblib not found: targets not checked (pass --python, or create ./venv)."
        ),
        Some(v) => {
            println!(
                "\nscikit-learn {} (fit {:.1} s), joblib {}",
                v["sklearn"],
                v["fit_s"].as_f64().unwrap_or(0.0),
                v["joblib"]
            );
            let check = |name: &str, ours: f64, limit: Option<f64>| {
                if let Some(limit) = limit {
                    let ok = ours <= limit;
                    println!(
                        "target {name:<48} {}  ({ours:.3e} vs {limit:.3e})",
                        if ok { "met" } else { "MISSED" }
                    );
                }
            };
            check(
                "uncompressed size ≤ 0.5 × joblib compress=0",
                plain.bytes as f64,
                j(0, "bytes").map(|b| 0.5 * b),
            );
            check("zstd 3 size ≤ joblib compress=3", packed.bytes as f64, j(3, "bytes"));
            check(
                "load (plain) ≤ joblib.load (compress=0), seconds",
                plain.load.as_secs_f64(),
                j(0, "load_s"),
            );
            check(
                "load (zstd 3) ≤ joblib.load (compress=3), seconds",
                packed.load.as_secs_f64(),
                j(3, "load_s"),
            );
        }
    }
    Ok(())
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn write_csv(table: &amber_data::Table, path: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{}", table.column_names().join(","))?;
    let columns: Vec<&amber_data::Column> = table.columns().map(|(_, c)| c).collect();
    for r in 0..table.n_rows() {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match c {
                amber_data::Column::Numeric(v) => format!("{:?}", v[r]),
                amber_data::Column::Categorical(v) => v[r].clone().unwrap_or_default(),
            })
            .collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    out.flush()
}

fn serde_json_value(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text.lines().last()?).ok()
}

/// Runs `f` on a rayon pool of `threads` threads and times it.
fn on_threads<T>(threads: usize, f: impl FnOnce() -> T + Send) -> Result<(T, Duration), Box<dyn Error>>
where
    T: Send,
{
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let t = Instant::now();
    let out = pool.install(f);
    Ok((out, t.elapsed()))
}

fn search(args: &Args) -> Result<(), Box<dyn Error>> {
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let cancer = datasets::breast_cancer()?.table;
    let synthetic = datasets::synthetic(5_000, 20, 3, 1)?;
    let tree_grid = GridSearch::new(Pipeline::new().classifier("c", DecisionTreeClassifier::params())).param(
        "c.max_depth",
        vec![json!(1), json!(2), json!(3), json!(4), json!(5), json!(6), json!(8), json!(null)],
    );
    let forest_grid = GridSearch::new(Pipeline::new().classifier("c", RandomForestClassifier::params()))
        .param("c.n_estimators", vec![json!(10), json!(30), json!(100)])
        .param("c.max_depth", vec![json!(2), json!(4), json!(6), json!(8), json!(null)]);

    let mut rows = Vec::new();
    for threads in [1, 2] {
        let (tree, t1) = on_threads(threads, || {
            tree_grid.fit(&cancer, "diagnosis", &KFold::new(5), Scoring::Accuracy, None)
        })?;
        let tree = tree?;
        let (forest, t2) = on_threads(threads, || {
            forest_grid.fit(&synthetic.table, "label", &StratifiedKFold::new(5), Scoring::Accuracy, None)
        })?;
        let forest = forest?;
        rows.push((
            threads,
            t1,
            amber_model_selection::describe(&tree.best_params),
            tree.best_score,
            t2,
            amber_model_selection::describe(&forest.best_params),
            forest.best_score,
        ));
    }
    let py = python(args).and_then(|p| {
        let (syn, bc) = (dir.join("synthetic5000.csv"), dir.join("breast_cancer.csv"));
        write_csv(&synthetic.table, &syn).ok()?;
        write_csv(&cancer, &bc).ok()?;
        let out =
            Command::new(&p).arg(root().join("tools/bench_search.py")).arg(&syn).arg(&bc).output().ok()?;
        serde_json_value(&String::from_utf8_lossy(&out.stdout))
    });
    println!("grid searches, wall clock (5 folds each; refit of the best included)\n");
    println!("{:<44} {:>10} {:>10}", "", "1 thread", "2 threads");
    let secs = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    println!(
        "{:<44} {:>10} {:>10}",
        "amber: tree max_depth × 8, breast_cancer",
        secs(rows[0].1),
        secs(rows[1].1)
    );
    println!(
        "{:<44} {:>10} {:>10}",
        "amber: forest 3 × 5 grid, 5,000 × 20 rows",
        secs(rows[0].4),
        secs(rows[1].4)
    );
    if let Some(v) = &py {
        let s = |k: &str| v[k]["seconds"].as_f64().map_or("–".into(), |x| format!("{x:.2} s"));
        println!(
            "{:<44} {:>10} {:>10}",
            "scikit-learn GridSearchCV: tree",
            s("tree_grid_jobs1"),
            s("tree_grid_jobs2")
        );
        println!(
            "{:<44} {:>10} {:>10}",
            "scikit-learn GridSearchCV: forest",
            s("forest_grid_jobs1"),
            s("forest_grid_jobs2")
        );
    } else {
        println!("(scikit-learn not found: pass --python, or create ./venv)");
    }
    println!("\nbest, amber: tree {} ({:.4}); forest {} ({:.4})", rows[0].2, rows[0].3, rows[0].5, rows[0].6);
    if let Some(v) = &py {
        println!(
            "best, scikit-learn: tree {} ({:.4}); forest {} ({:.4})",
            v["tree_grid_jobs1"]["best"],
            v["tree_grid_jobs1"]["score"].as_f64().unwrap_or(0.0),
            v["forest_grid_jobs1"]["best"],
            v["forest_grid_jobs1"]["score"].as_f64().unwrap_or(0.0)
        );
    }
    Ok(())
}
