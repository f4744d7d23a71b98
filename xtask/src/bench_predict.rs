//! `cargo xtask bench predict`: the peak memory of `amber predict` on 10,000 and on 1,000,000 rows.
//! Input is streamed in chunks, so the two peaks should be within a few MB of each other.

use std::error::Error;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use amber_estimators::RandomForestClassifier;
use amber_persistence::{save, SaveOptions};
use amber_pipeline::{ColumnTransformer, Pipeline};

use crate::bench::root;

/// Peak resident memory (KiB) and exit status of a child, from `wait4`'s resource usage: the
/// child's own, not that of any other process.
pub(crate) fn run_measured(cmd: &mut Command) -> Result<(bool, u64), Box<dyn Error>> {
    let child = cmd.spawn()?;
    let pid = i32::try_from(child.id())?;
    let mut status = 0;
    // SAFETY: plain libc call on a zeroed, owned rusage and an owned status.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        return Err(std::io::Error::last_os_error().into());
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Ok((ok, u64::try_from(usage.ru_maxrss)?))
}

/// Builds the `amber` command in release mode and returns its path.
pub(crate) fn amber_cli() -> Result<std::path::PathBuf, Box<dyn Error>> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--package", "amber-cli", "--manifest-path"])
        .arg(root().join("Cargo.toml"))
        .status()?;
    if !status.success() {
        return Err("building amber failed".into());
    }
    Ok(root().join("target/release/amber"))
}

/// `rows` rows of penguins, repeated, as CSV.
fn write_rows(path: &Path, rows: usize) -> Result<(), Box<dyn Error>> {
    let text = std::fs::read_to_string(root().join("datasets/penguins.csv"))?;
    let (header, body) = text.split_once('\n').ok_or("no header")?;
    let lines: Vec<&str> = body.lines().collect();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{header}")?;
    for i in 0..rows {
        writeln!(out, "{}", lines.get(i % lines.len()).ok_or("empty dataset")?)?;
    }
    Ok(out.flush()?)
}

pub fn run() -> Result<(), Box<dyn Error>> {
    let dir = root().join("target/bench/predict");
    std::fs::create_dir_all(&dir)?;
    let amber = amber_cli()?;
    let penguins = amber_data::datasets::penguins()?.table;
    let model = Pipeline::new()
        .transformer("pre", ColumnTransformer::standard())
        .classifier("classifier", RandomForestClassifier::params().n_estimators(100).random_state(0))
        .fit(&penguins, "species")?;
    let model_path = dir.join("penguins_rf.amber");
    save(&model, &model_path, &SaveOptions::default())?;
    println!("amber predict --proba, penguins pipeline (100-tree forest), input streamed in chunks");
    println!("{:>10} {:>10} {:>14} {:>10}", "rows", "input MB", "peak RSS MB", "time");
    let mut peaks = Vec::new();
    for rows in [10_000usize, 1_000_000] {
        let input = dir.join(format!("rows_{rows}.csv"));
        write_rows(&input, rows)?;
        let started = Instant::now();
        let (ok, peak_kib) = run_measured(
            Command::new(&amber)
                .arg("predict")
                .arg(&model_path)
                .arg(&input)
                .arg("--proba")
                .arg("-o")
                .arg(dir.join("out.csv")),
        )?;
        let elapsed = started.elapsed();
        if !ok {
            return Err(format!("amber predict failed on {rows} rows").into());
        }
        let input_mb = std::fs::metadata(&input)?.len() as f64 / 1e6;
        println!("{rows:>10} {input_mb:>10.1} {:>14.1} {elapsed:>10.2?}", peak_kib as f64 / 1024.0);
        peaks.push(peak_kib);
    }
    if let [small, large] = peaks[..] {
        println!("difference: {:.1} MB", (large as f64 - small as f64) / 1024.0);
    }
    Ok(())
}

/// `cargo xtask bench forest`: batch prediction of a 100-tree forest on 20,000 × 20 synthetic rows
/// (3 classes), on 1 and 2 threads, median of 5.
pub fn forest() -> Result<(), Box<dyn Error>> {
    use amber_estimators::{Classifier, ClassifierParams};
    let data = amber_data::datasets::synthetic(20_000, 20, 3, 0)?;
    let (x, y) = data.features_and_target()?;
    let x = x.to_array2()?;
    let forest =
        RandomForestClassifier::params().n_estimators(100).random_state(0).fit(x.view(), &y.indices)?;
    let mut reference = None;
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let p = pool.install(|| forest.predict_proba(x.view()))?;
            times.push(started.elapsed());
            match &reference {
                None => reference = Some(p),
                Some(r) if *r != p => return Err("predictions depend on the thread count".into()),
                Some(_) => {}
            }
        }
        times.sort();
        println!("RF(100) predict_proba, 20,000 rows, {threads} thread(s): median {:.1?}", times[2]);
    }
    let one = forest.predict_proba(x.slice(ndarray::s![0..1, ..]))?;
    let started = Instant::now();
    for _ in 0..1000 {
        forest.predict_proba(x.slice(ndarray::s![0..1, ..]))?;
    }
    println!("RF(100) single row: {:.1?} per call ({} classes)", started.elapsed() / 1000, one.ncols());
    Ok(())
}
