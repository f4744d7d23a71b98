//! `cargo xtask bench` (no argument): every case beside scikit-learn in one run, in one table.
//!
//! Both sides work on the same CSV files (written under `target/bench/all/`): synthetic
//! 20-feature, 3-class rows (`train-N.csv` for each training size, 20,000 held-out rows in
//! `test.csv`) and the telco churn rows (the first 5,634 to train, the other 1,409 held out).
//! scikit-learn runs in one long-lived worker (`tools/bench_worker.py`), so each case is timed
//! amber, scikit-learn, amber, scikit-learn, … (`--repeat` times each), data already loaded on both
//! sides. Accuracy is measured on held-out rows. Peak memory is the peak RSS of a fresh process
//! that loads the case's data (and model) and runs the case once, from `wait4`, for both sides.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::error::Error;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use amber_data::{datasets, Table};
use amber_estimators::{
    Classifier, ClassifierParams, DecisionTreeClassifier, LogisticRegression, RandomForestClassifier, SVC,
};
use amber_persistence::{load, save, SaveOptions};
use amber_pipeline::{ColumnTransformer, FittedPipeline, Pipeline};
use ndarray::{s, Array2};
use serde_json::{json, Value};

use crate::bench::{python, root, Args};
use crate::bench_predict::run_measured;

/// Training sizes of the forest-fit scaling cases.
const FOREST_ROWS: [usize; 5] = [5_000, 20_000, 40_000, 80_000, 160_000];
/// Training sizes of the SVC cases.
const SVC_ROWS: [usize; 4] = [2_000, 5_000, 10_000, 20_000];
/// Held-out synthetic rows (predicted in full by the forest-prediction case).
const TEST_ROWS: usize = 20_000;
/// Held-out rows scored after each fit.
const ACCURACY_ROWS: usize = 2_000;
/// Telco rows used for training; the rest are held out.
const TELCO_TRAIN: usize = 5_634;
/// Single-row predictions per timed run.
const SINGLE_CALLS: usize = 1_000;

/// What a case does.
#[derive(Clone, Copy, PartialEq)]
enum Work {
    RfFit,
    DtFit,
    LrFit,
    SvcFit,
    RfPredict,
    RfSingle,
    TelcoFit,
    TelcoPredict,
    Load,
    ColdStart,
}

const WORKS: [(&str, Work); 10] = [
    ("rf_fit", Work::RfFit),
    ("dt_fit", Work::DtFit),
    ("lr_fit", Work::LrFit),
    ("svc_fit", Work::SvcFit),
    ("rf_predict", Work::RfPredict),
    ("rf_single", Work::RfSingle),
    ("telco_fit", Work::TelcoFit),
    ("telco_predict", Work::TelcoPredict),
    ("load", Work::Load),
    ("cold_start", Work::ColdStart),
];

/// One row of the table.
#[derive(Clone, Copy)]
struct Case {
    work: Work,
    /// Training rows (synthetic cases).
    n: usize,
    /// amber's rayon threads; scikit-learn's `n_jobs` where it has one.
    threads: usize,
    /// The target for amber's speed ratio (scikit-learn's time / amber's).
    target: f64,
}

impl Case {
    fn name(&self) -> &'static str {
        WORKS.iter().find(|(_, w)| *w == self.work).map_or("?", |(n, _)| n)
    }

    /// `name:n:threads`, as `--once` takes it.
    fn id(&self) -> String {
        format!("{}:{}:{}", self.name(), self.n, self.threads)
    }

    fn parse(id: &str) -> Result<Case, Box<dyn Error>> {
        let mut parts = id.split(':');
        let (Some(name), Some(n), Some(threads)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!("bad case {id:?} (want name:rows:threads)").into());
        };
        let work = WORKS.iter().find(|(n, _)| *n == name).ok_or_else(|| format!("unknown case {name:?}"))?.1;
        Ok(Case { work, n: n.parse()?, threads: threads.parse()?, target: 1.0 })
    }

    fn label(&self) -> String {
        let t = if self.threads == 1 { "1 thread".to_string() } else { format!("{} threads", self.threads) };
        let rows = thousands(self.n);
        match self.work {
            Work::RfFit => format!("RF(100) fit, {rows} rows, {t}"),
            Work::DtFit => format!("DT fit, {rows} rows"),
            Work::LrFit => format!("LR fit, {rows} rows"),
            Work::SvcFit => format!("SVC fit, {rows} rows, {t} (sklearn: 1)"),
            Work::RfPredict => format!("RF(100) predict_proba, 20,000 rows, {t}"),
            Work::RfSingle => "RF(100) predict_proba, one row".into(),
            Work::TelcoFit => "telco pipeline fit (5,634 rows)".into(),
            Work::TelcoPredict => "telco pipeline predict_proba (1,409)".into(),
            Work::Load => "load RF(100) file (20,000-row fit)".into(),
            Work::ColdStart => "cold start: load + predict 1 row".into(),
        }
    }

    fn request(&self) -> Value {
        json!({"case": self.name(), "n": self.n, "threads": self.threads})
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cases(quick: bool) -> Vec<Case> {
    let c = |work, n, threads, target| Case { work, n, threads, target };
    let mut v = vec![c(Work::RfFit, 20_000, 2, 3.0)];
    for n in FOREST_ROWS.into_iter().filter(|&n| !quick || n <= 20_000) {
        v.push(c(Work::RfFit, n, 1, 3.0));
    }
    v.push(c(Work::DtFit, 20_000, 1, 1.0));
    v.push(c(Work::LrFit, 20_000, 1, 1.0));
    for n in SVC_ROWS.into_iter().filter(|&n| !quick || n <= 5_000) {
        v.push(c(Work::SvcFit, n, 2, 1.0));
    }
    v.extend([
        c(Work::RfPredict, 20_000, 2, 2.0),
        c(Work::RfPredict, 20_000, 1, 1.0),
        c(Work::RfSingle, 20_000, 1, 1.0),
        c(Work::TelcoFit, 0, 1, 1.5),
        c(Work::TelcoPredict, 0, 1, 1.0),
        c(Work::Load, 20_000, 1, 1.0),
        c(Work::ColdStart, 0, 1, 1.0),
    ]);
    v
}

/// Features and class indices.
struct Xy {
    x: Array2<f64>,
    y: Vec<usize>,
}

/// The data and models of the cases, read from `dir` when first needed.
struct Data {
    dir: PathBuf,
    train: std::cell::RefCell<BTreeMap<usize, std::rc::Rc<Xy>>>,
    test: OnceCell<Xy>,
    telco_train: OnceCell<Table>,
    telco_test: OnceCell<Table>,
    forest: OnceCell<RandomForestClassifier>,
    telco: OnceCell<FittedPipeline>,
}

fn read_xy(path: &Path) -> Result<Xy, Box<dyn Error>> {
    let table = Table::from_csv_path(path)?;
    let (x, y) = table.split_target("label")?;
    Ok(Xy { x: x.to_array2()?, y: y.indices })
}

fn telco_pipeline() -> Pipeline {
    Pipeline::new()
        .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
        .classifier("classifier", LogisticRegression::params().max_iter(1000))
}

fn telco_options() -> amber_data::CsvOptions {
    amber_data::CsvOptions::default().column_kind("customerid", amber_data::ColumnKind::Categorical)
}

impl Data {
    fn new(dir: PathBuf) -> Data {
        Data {
            dir,
            train: Default::default(),
            test: OnceCell::new(),
            telco_train: OnceCell::new(),
            telco_test: OnceCell::new(),
            forest: OnceCell::new(),
            telco: OnceCell::new(),
        }
    }

    fn train(&self, n: usize) -> Result<std::rc::Rc<Xy>, Box<dyn Error>> {
        if let Some(xy) = self.train.borrow().get(&n) {
            return Ok(xy.clone());
        }
        let xy = std::rc::Rc::new(read_xy(&self.dir.join(format!("train-{n}.csv")))?);
        self.train.borrow_mut().insert(n, xy.clone());
        Ok(xy)
    }

    fn test(&self) -> Result<&Xy, Box<dyn Error>> {
        get_or_try(&self.test, || read_xy(&self.dir.join("test.csv")))
    }

    fn telco_train(&self) -> Result<&Table, Box<dyn Error>> {
        get_or_try(&self.telco_train, || {
            Ok(Table::from_csv_path_with(self.dir.join("telco-train.csv"), &telco_options())?)
        })
    }

    fn telco_test(&self) -> Result<&Table, Box<dyn Error>> {
        get_or_try(&self.telco_test, || {
            Ok(Table::from_csv_path_with(self.dir.join("telco-test.csv"), &telco_options())?)
        })
    }

    fn forest(&self) -> Result<&RandomForestClassifier, Box<dyn Error>> {
        get_or_try(&self.forest, || Ok(load(self.dir.join("forest.amber"))?))
    }

    fn telco(&self) -> Result<&FittedPipeline, Box<dyn Error>> {
        get_or_try(&self.telco, || Ok(load(self.dir.join("telco.amber"))?))
    }
}

fn get_or_try<T>(
    cell: &OnceCell<T>,
    f: impl FnOnce() -> Result<T, Box<dyn Error>>,
) -> Result<&T, Box<dyn Error>> {
    if cell.get().is_none() {
        let value = f()?;
        let _ = cell.set(value);
    }
    cell.get().ok_or_else(|| "value not stored".into())
}

fn share(hits: usize, total: usize) -> Option<f64> {
    (total > 0).then(|| hits as f64 / total as f64)
}

fn accuracy(predicted: &[usize], truth: &[usize]) -> Option<f64> {
    share(predicted.iter().zip(truth).filter(|(a, b)| a == b).count(), truth.len().min(predicted.len()))
}

/// One timed run: seconds and held-out accuracy.
type Outcome = (f64, Option<f64>);

fn timed<T>(f: impl FnOnce() -> Result<T, Box<dyn Error>>) -> Result<(T, f64), Box<dyn Error>> {
    let started = Instant::now();
    let out = f()?;
    Ok((out, started.elapsed().as_secs_f64()))
}

fn held_out(model: &(dyn Classifier + Send), test: &Xy) -> Result<Option<f64>, Box<dyn Error>> {
    let rows = ACCURACY_ROWS.min(test.y.len());
    Ok(accuracy(&model.predict(test.x.slice(s![..rows, ..]))?, test.y.get(..rows).unwrap_or_default()))
}

/// One run of `case` by amber; the timed work runs on a pool of `case.threads` threads.
fn amber_once(case: &Case, data: &Data) -> Result<Outcome, Box<dyn Error>> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(case.threads).build()?;
    let on_pool = |f: &(dyn Fn() -> Result<Box<dyn Classifier + Send>, amber_estimators::EstimatorError>
                         + Sync)| { timed(|| Ok(pool.install(f)?)) };
    match case.work {
        Work::RfFit | Work::DtFit | Work::LrFit | Work::SvcFit => {
            let (train, test) = (data.train(case.n)?, data.test()?);
            let (x, y) = (train.x.view(), &train.y);
            let (model, seconds) = match case.work {
                Work::RfFit => on_pool(&|| {
                    Ok(Box::new(
                        RandomForestClassifier::params().n_estimators(100).random_state(0).fit(x, y)?,
                    ))
                })?,
                Work::DtFit => {
                    on_pool(&|| Ok(Box::new(DecisionTreeClassifier::params().random_state(0).fit(x, y)?)))?
                }
                Work::LrFit => {
                    on_pool(&|| Ok(Box::new(LogisticRegression::params().max_iter(1000).fit(x, y)?)))?
                }
                _ => on_pool(&|| Ok(Box::new(SVC::params().fit(x, y)?)))?,
            };
            Ok((seconds, held_out(model.as_ref(), test)?))
        }
        Work::RfPredict => {
            let (forest, test) = (data.forest()?, data.test()?);
            let (p, seconds) = timed(|| Ok(pool.install(|| forest.predict_proba(test.x.view()))?))?;
            let labels = amber_estimators::argmax_rows(&p, forest.classes());
            Ok((seconds, accuracy(&labels, &test.y)))
        }
        Work::RfSingle => {
            let (forest, test) = (data.forest()?, data.test()?);
            let ((), seconds) = timed(|| {
                for i in 0..SINGLE_CALLS.min(test.y.len()) {
                    forest.predict_proba(test.x.slice(s![i..i + 1, ..]))?;
                }
                Ok(())
            })?;
            Ok((seconds / SINGLE_CALLS as f64, None))
        }
        Work::TelcoFit => {
            let (train, test) = (data.telco_train()?, data.telco_test()?);
            let (model, seconds) = timed(|| Ok(pool.install(|| telco_pipeline().fit(train, "churn"))?))?;
            Ok((seconds, telco_accuracy(&model, test)?))
        }
        Work::TelcoPredict => {
            let (model, test) = (data.telco()?, data.telco_test()?);
            let (_, seconds) = timed(|| Ok(pool.install(|| model.predict_proba(test))?))?;
            Ok((seconds, telco_accuracy(model, test)?))
        }
        Work::Load => {
            let path = data.dir.join("forest.amber");
            let (_, seconds) = timed(|| Ok(load::<RandomForestClassifier>(&path)?))?;
            Ok((seconds, None))
        }
        Work::ColdStart => Err("a cold start is a process of its own".into()),
    }
}

fn telco_accuracy(model: &FittedPipeline, test: &Table) -> Result<Option<f64>, Box<dyn Error>> {
    let predicted = model.predict(test)?;
    let truth = test.column("churn")?.as_categorical().ok_or("churn is not categorical")?;
    let hits = predicted.iter().zip(truth).filter(|(p, t)| t.as_deref() == Some(p.as_str())).count();
    Ok(share(hits, truth.len()))
}

/// Writes the CSV files and the two amber models the cases use.
fn prepare(dir: &Path, quick: bool) -> Result<(), Box<dyn Error>> {
    // Nothing from an earlier run (a `--quick` one draws other rows): the worker reuses the
    // models it finds.
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let largest = if quick { 20_000 } else { FOREST_ROWS.into_iter().chain(SVC_ROWS).max().unwrap_or(0) };
    let pool = datasets::synthetic(largest + TEST_ROWS, 20, 3, 0)?.table;
    let sizes: std::collections::BTreeSet<usize> =
        FOREST_ROWS.into_iter().chain(SVC_ROWS).filter(|&n| n <= largest).collect();
    for n in sizes {
        pool.take_rows(&(0..n).collect::<Vec<_>>())?.write_csv_path(dir.join(format!("train-{n}.csv")))?;
    }
    pool.take_rows(&(largest..largest + TEST_ROWS).collect::<Vec<_>>())?
        .write_csv_path(dir.join("test.csv"))?;
    let telco = datasets::telco_churn()?.table;
    let (train, test): (Vec<usize>, Vec<usize>) = (0..telco.n_rows()).partition(|&r| r < TELCO_TRAIN);
    telco.take_rows(&train)?.write_csv_path(dir.join("telco-train.csv"))?;
    let test = telco.take_rows(&test)?;
    test.write_csv_path(dir.join("telco-test.csv"))?;
    test.take_rows(&[0])?.write_csv_path(dir.join("telco-row.csv"))?;

    let data = Data::new(dir.to_path_buf());
    let options = SaveOptions { sidecar: false, ..SaveOptions::default() };
    let xy = data.train(20_000)?;
    let forest =
        RandomForestClassifier::params().n_estimators(100).random_state(0).fit(xy.x.view(), &xy.y)?;
    save(&forest, dir.join("forest.amber"), &options)?;
    save(&telco_pipeline().fit(data.telco_train()?, "churn")?, dir.join("telco.amber"), &options)?;
    Ok(())
}

/// The scikit-learn worker: a long-lived Python process answering one request per line.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn start(python: &Path, dir: &Path) -> Result<Worker, Box<dyn Error>> {
        let mut child = Command::new(python)
            .arg(root().join("tools/bench_worker.py"))
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut worker = Worker { child, stdin, stdout };
        worker.answer()?;
        Ok(worker)
    }

    fn answer(&mut self) -> Result<Value, Box<dyn Error>> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            return Err("the scikit-learn worker exited".into());
        }
        let v: Value = serde_json::from_str(&line)?;
        match v.get("error") {
            Some(e) => Err(format!("scikit-learn worker: {e}").into()),
            None => Ok(v),
        }
    }

    fn run(&mut self, request: &Value) -> Result<Outcome, Box<dyn Error>> {
        writeln!(self.stdin, "{request}")?;
        self.stdin.flush()?;
        let v = self.answer()?;
        Ok((v["seconds"].as_f64().ok_or("no seconds")?, v["accuracy"].as_f64()))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `cargo xtask rss CMD…`: runs `CMD` and prints `ok peak_rss_kib seconds`.
pub fn rss(command: &[String]) -> Result<(), Box<dyn Error>> {
    let (program, args) = command.split_first().ok_or("no command")?;
    let started = Instant::now();
    let (ok, kib) = run_measured(Command::new(program).args(args).stdout(Stdio::null()))?;
    println!("{ok} {kib} {}", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs `program args…` through `cargo xtask rss` (a small process, so that the peak RSS is the
/// command's own, not this process's inherited at spawn): its peak RSS (KiB) and wall seconds.
fn measured(program: &Path, args: &[&std::ffi::OsStr]) -> Result<(u64, f64), Box<dyn Error>> {
    let out = Command::new(std::env::current_exe()?).arg("rss").arg(program).args(args).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("true"), Some(kib), Some(secs)) => Ok((kib.parse()?, secs.parse()?)),
        _ => Err(format!("{} failed: {}", program.display(), String::from_utf8_lossy(&out.stderr)).into()),
    }
}

const PYTHON_COLD: &str = "import sys, joblib, pandas as pd
m = joblib.load(sys.argv[1])
x = pd.read_csv(sys.argv[2], keep_default_na=False, na_values=['', 'NA', ' '], dtype={'customerid': str})
print(m.predict_proba(x.drop(columns=['churn', 'customerid'])))";

#[derive(Default)]
struct Side {
    seconds: Vec<f64>,
    accuracy: Option<f64>,
    rss_kib: Option<u64>,
}

impl Side {
    fn min(&self) -> Option<f64> {
        self.seconds.iter().copied().reduce(f64::min)
    }
    fn median(&self) -> Option<f64> {
        let mut v = self.seconds.clone();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    }
}

/// `cargo xtask bench --once CASE`: one run of a case in this fresh process (for its peak RSS).
pub fn once(id: &str) -> Result<(), Box<dyn Error>> {
    let case = Case::parse(id)?;
    amber_once(&case, &Data::new(root().join("target/bench/all"))).map(drop)
}

fn secs(s: Option<f64>) -> String {
    match s {
        None => "–".into(),
        Some(s) if s >= 1.0 => format!("{s:.2} s"),
        Some(s) if s >= 1e-3 => format!("{:.1} ms", s * 1e3),
        Some(s) => format!("{:.1} µs", s * 1e6),
    }
}

pub fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let dir = root().join("target/bench/all");
    let amber_cli = crate::bench_predict::amber_cli()?;
    eprintln!("preparing data and models in {} …", dir.display());
    prepare(&dir, args.quick)?;
    let py = python(args);
    let mut worker = match &py {
        Some(p) => {
            let mut w = Worker::start(p, &dir)?;
            w.run(&json!({"case": "prepare"}))?;
            Some(w)
        }
        None => None,
    };
    let data = Data::new(dir.clone());
    let mut cases = cases(args.quick);
    if let Some(only) = &args.only {
        cases.retain(|c| c.name().starts_with(only.as_str()));
    }
    let mut results: Vec<(Side, Side)> = Vec::new();
    for case in &cases {
        eprintln!("{} …", case.label());
        let (mut ours, mut theirs) = (Side::default(), Side::default());
        for _ in 0..args.repeat.max(1) {
            if case.work == Work::ColdStart {
                let (row, model) = (dir.join("telco-row.csv"), dir.join("telco.amber"));
                let (rss, s) = measured(
                    &amber_cli,
                    &["predict".as_ref(), model.as_os_str(), row.as_os_str(), "--proba".as_ref()],
                )?;
                ours.seconds.push(s);
                ours.rss_kib = Some(rss);
                if let Some(p) = &py {
                    let model = dir.join("telco.joblib");
                    let (rss, s) = measured(
                        p,
                        &["-c".as_ref(), PYTHON_COLD.as_ref(), model.as_os_str(), row.as_os_str()],
                    )?;
                    theirs.seconds.push(s);
                    theirs.rss_kib = Some(rss);
                }
                continue;
            }
            let (s, acc) = amber_once(case, &data)?;
            ours.seconds.push(s);
            ours.accuracy = acc;
            if let Some(w) = worker.as_mut() {
                let (s, acc) = w.run(&case.request())?;
                theirs.seconds.push(s);
                theirs.accuracy = acc;
            }
        }
        if case.work != Work::ColdStart {
            // Peak memory: a fresh process each, running the case once.
            let (id, request) = (case.id(), case.request().to_string());
            let exe = std::env::current_exe()?;
            ours.rss_kib = Some(measured(&exe, &["bench".as_ref(), "--once".as_ref(), id.as_ref()])?.0);
            if let Some(p) = &py {
                let script = root().join("tools/bench_worker.py");
                let args = [script.as_os_str(), dir.as_os_str(), "--once".as_ref(), request.as_ref()];
                theirs.rss_kib = Some(measured(p, &args)?.0);
            }
        }
        results.push((ours, theirs));
    }
    drop(worker);
    print_table(&cases, &results, args.repeat, py.is_some());
    Ok(())
}

fn print_table(cases: &[Case], results: &[(Side, Side)], repeat: usize, with_python: bool) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "\ncargo xtask bench: min / median of {repeat} interleaved runs; ratio = scikit-learn's min / amber's min \
         (> 1: amber faster); accuracy on held-out rows; peak RSS of a fresh process running the case once \
         ({threads} cores)\n"
    );
    println!(
        "| case | amber min / median | scikit-learn min / median | ratio | target | accuracy amber / sklearn | peak RSS amber / sklearn |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|");
    let mb = |k: Option<u64>| k.map_or("–".to_string(), |k| format!("{:.0}", k as f64 / 1024.0));
    let acc = |a: Option<f64>| a.map_or("–".to_string(), |a| format!("{a:.4}"));
    let mut missed = 0;
    for (case, (ours, theirs)) in cases.iter().zip(results) {
        let ratio = theirs.min().zip(ours.min()).map(|(t, a)| t / a);
        let verdict = match ratio {
            Some(r) if r >= case.target => format!("≥ {}× met", case.target),
            Some(_) => {
                missed += 1;
                format!("≥ {}× MISSED", case.target)
            }
            None => format!("≥ {}×", case.target),
        };
        println!(
            "| {} | {} / {} | {} / {} | {} | {verdict} | {} / {} | {} / {} MB |",
            case.label(),
            secs(ours.min()),
            secs(ours.median()),
            secs(theirs.min()),
            secs(theirs.median()),
            ratio.map_or("–".into(), |r| format!("{r:.2}×")),
            acc(ours.accuracy),
            acc(theirs.accuracy),
            mb(ours.rss_kib),
            mb(theirs.rss_kib),
        );
    }
    if with_python {
        println!("\n{missed} target(s) missed.");
    } else {
        println!(
            "\nscikit-learn side skipped: no Python with scikit-learn, joblib and pandas (pass --python)."
        );
    }
}
