//! Data drift: new rows against the training data's [`Reference`], stored in the model file since
//! format 1.6. Each column gets the verdict of Evidently's default drift algorithm, which users of
//! drift reports already know:
//!
//! | training rows (present values) | column | test | drift when |
//! |---|---|---|---|
//! | ≤ 1,000 | numeric, > 5 distinct values | two-sample Kolmogorov–Smirnov | p < 0.05 |
//! | ≤ 1,000 | categorical, or numeric with ≤ 5 values | χ² (3 or more values), proportion z-test (2) | p < 0.05 |
//! | > 1,000 | numeric, > 5 distinct values | Wasserstein distance / reference std | ≥ 0.1 |
//! | > 1,000 | categorical, or numeric with ≤ 5 values | Jensen–Shannon distance | ≥ 0.1 |
//!
//! Distinct values are counted over the training and the new values together. Beside each verdict:
//! the population stability index (PSI; bands 0.1 and 0.25, credit risk's figure), the share of
//! missing values on both sides, and the new rows' categories never seen in training. The dataset
//! drifts when at least [`DRIFT_SHARE`] of its columns do. The model's predictions are compared the
//! same way: the predicted labels as a categorical column, each label's probability as a numeric
//! one.
//!
//! Above [`REFERENCE_ROWS`](amber_pipeline::REFERENCE_ROWS) training rows, numeric columns are
//! compared with a sample of the training values; the rule above still follows the training set's
//! real size, and each verdict names its test. The statistics equal SciPy's (`ks_2samp`,
//! `chisquare`, `wasserstein_distance`, `jensenshannon`) on the stored reference: see [`stats`].

use std::collections::BTreeMap;

use amber_data::{Column, Table};
use amber_pipeline::{ColumnReference, FittedPipeline, PipelineError, Reference, ReferenceValues};
use serde::Serialize;

/// The p-value below which a statistical test says drift.
pub const P_VALUE_THRESHOLD: f64 = 0.05;
/// The distance at or above which Wasserstein or Jensen–Shannon says drift.
pub const DISTANCE_THRESHOLD: f64 = 0.1;
/// Up to this many present training values, the statistical tests apply.
pub const SMALL_REFERENCE: usize = 1_000;
/// The dataset drifts when at least this share of its columns drift.
pub const DRIFT_SHARE: f64 = 0.5;
/// The PSI bands: below 0.1 stable, up to 0.25 moderate, above significant.
pub const PSI_BANDS: (f64, f64) = (0.1, 0.25);
/// New values beyond this many are compared by Kolmogorov–Smirnov through a seeded sample of them,
/// so that its p-value is always SciPy's exact one (SciPy's `auto` switches to an approximation
/// above 10,000).
pub const KS_MAX_VALUES: usize = 10_000;

/// Why a drift report could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriftError {
    /// The model file was written before format 1.6, or the pipeline was built by hand.
    #[error("this model has no training reference (it was saved before format 1.6); retrain and save it to monitor drift")]
    NoReference,
    /// The new rows do not fit the model.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// The new rows are empty.
    #[error("no rows to compare")]
    Empty,
}

/// Which test gave a column's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// Two-sample Kolmogorov–Smirnov, p-value.
    KolmogorovSmirnov,
    /// Pearson's χ² on the training shares, p-value.
    ChiSquare,
    /// Two-proportion z-test, p-value.
    ZTest,
    /// Wasserstein distance over the training values' standard deviation.
    Wasserstein,
    /// Jensen–Shannon distance (natural logarithm).
    JensenShannon,
}

impl Test {
    /// Whether `value` is drift for this test.
    pub fn drifted(self, value: f64) -> bool {
        match self {
            Test::KolmogorovSmirnov | Test::ChiSquare | Test::ZTest => value < P_VALUE_THRESHOLD,
            Test::Wasserstein | Test::JensenShannon => value >= DISTANCE_THRESHOLD,
        }
    }
}

/// One column's (or one prediction output's) comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnDrift {
    /// The column (`prediction`, or `probability(<label>)` for the model's outputs).
    pub column: String,
    /// The test that gave the verdict.
    pub test: Test,
    /// Its p-value or distance.
    pub value: f64,
    /// The verdict.
    pub drifted: bool,
    /// Population stability index.
    pub psi: f64,
    /// Share of missing values in training.
    pub reference_missing: f64,
    /// Share of missing values in the new rows.
    pub current_missing: f64,
    /// New rows whose category was never seen in training.
    pub unseen: usize,
    /// Present training values the test compared (a sample above the sample size).
    pub reference_values: usize,
    /// Present new values the test compared.
    pub current_values: usize,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// Training rows.
    pub reference_rows: usize,
    /// Whether numeric columns were compared with a sample of the training values.
    pub reference_sampled: bool,
    /// New rows.
    pub current_rows: usize,
    /// Each input column.
    pub columns: Vec<ColumnDrift>,
    /// The model's outputs: predicted labels, then each label's probability.
    pub prediction: Vec<ColumnDrift>,
    /// Input columns that drifted.
    pub drifted_columns: usize,
    /// Whether at least [`DRIFT_SHARE`] of the input columns drifted.
    pub dataset_drift: bool,
}

impl DriftReport {
    /// Whether anything drifted: the dataset, a column, or the predictions.
    pub fn any_drift(&self) -> bool {
        self.dataset_drift || self.drifted_columns > 0 || self.prediction.iter().any(|c| c.drifted)
    }
}

/// A value of a column, as a key of counts: numbers by their bits, categories by text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Number(u64),
    Text(String),
}

fn number_key(v: f64) -> Key {
    // -0.0 and 0.0 are one value, as in pandas.
    Key::Number(if v == 0.0 { 0 } else { v.to_bits() })
}

/// Counts over the union of both sides' values, `(reference, current)` per value.
fn joint(reference: &BTreeMap<Key, usize>, current: &BTreeMap<Key, usize>) -> (Vec<f64>, Vec<f64>) {
    let keys: std::collections::BTreeSet<&Key> = reference.keys().chain(current.keys()).collect();
    keys.into_iter()
        .map(|k| (reference.get(k).copied().unwrap_or(0) as f64, current.get(k).copied().unwrap_or(0) as f64))
        .unzip()
}

fn count_numbers(values: &[f64]) -> BTreeMap<Key, usize> {
    let mut counts = BTreeMap::new();
    for &v in values {
        *counts.entry(number_key(v)).or_default() += 1;
    }
    counts
}

/// The two sides of one comparison.
enum Sides<'a> {
    /// Numeric values: the training sample (sorted), its exact counts when few, the new values.
    Numeric { sample: &'a [f64], exact: Option<BTreeMap<Key, usize>>, current: Vec<f64> },
    /// Counts by value.
    Discrete { reference: BTreeMap<Key, usize>, current: BTreeMap<Key, usize> },
}

/// Compares one column; `reference_present` is the training set's count of present values.
fn compare(
    column: String,
    sides: Sides<'_>,
    reference_present: usize,
    missing: (f64, f64),
    unseen: usize,
) -> ColumnDrift {
    let small = reference_present <= SMALL_REFERENCE;
    let (test, value, psi, reference_values, current_values) = match sides {
        Sides::Numeric { sample, exact, current } => {
            let current_counts = count_numbers(&current);
            let reference_counts = exact.clone().unwrap_or_else(|| count_numbers(sample));
            let distinct = reference_counts
                .keys()
                .chain(current_counts.keys())
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let psi = stats::psi_numeric(sample, exact.as_ref(), &current);
            if distinct <= amber_pipeline::MAX_EXACT_VALUES {
                let (r, c) = joint(&reference_counts, &current_counts);
                let (test, value) = discrete_test(small, distinct, &r, &c);
                (test, value, psi, r.iter().sum::<f64>() as usize, current.len())
            } else if small {
                let current = stats::seeded_sample(current, KS_MAX_VALUES);
                (
                    Test::KolmogorovSmirnov,
                    stats::ks_2samp(sample, &current).1,
                    psi,
                    sample.len(),
                    current.len(),
                )
            } else {
                let norm = stats::population_std(sample).max(0.001);
                (
                    Test::Wasserstein,
                    stats::wasserstein(sample, &current) / norm,
                    psi,
                    sample.len(),
                    current.len(),
                )
            }
        }
        Sides::Discrete { reference, current } => {
            let (r, c) = joint(&reference, &current);
            let (test, value) = discrete_test(small, r.len(), &r, &c);
            (test, value, stats::psi(&r, &c), r.iter().sum::<f64>() as usize, c.iter().sum::<f64>() as usize)
        }
    };
    ColumnDrift {
        column,
        test,
        value,
        drifted: test.drifted(value),
        psi,
        reference_missing: missing.0,
        current_missing: missing.1,
        unseen,
        reference_values,
        current_values,
    }
}

/// χ², the z-test or Jensen–Shannon on counts over the same values.
fn discrete_test(small: bool, distinct: usize, reference: &[f64], current: &[f64]) -> (Test, f64) {
    if !small {
        (Test::JensenShannon, stats::jensen_shannon(&stats::binned(reference), &stats::binned(current)))
    } else if distinct > 2 {
        (Test::ChiSquare, stats::chi_square_p(reference, current))
    } else {
        (Test::ZTest, stats::z_test_p(reference, current))
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Compares one input column of the new rows with its reference.
fn column_drift(r: &ColumnReference, rows: usize, current: &Column) -> ColumnDrift {
    let present = rows.saturating_sub(r.missing);
    let missing = (share(r.missing, rows), share(current.n_missing(), current.len()));
    match (&r.values, current) {
        (ReferenceValues::Numeric { sample, distinct }, Column::Numeric(v)) => {
            let exact = distinct.as_ref().map(|d| d.iter().map(|(v, n)| (number_key(*v), *n)).collect());
            let current = v.iter().copied().filter(|x| !x.is_nan()).collect();
            compare(r.name.clone(), Sides::Numeric { sample, exact, current }, present, missing, 0)
        }
        (ReferenceValues::Categorical { counts }, Column::Categorical(v)) => {
            let reference: BTreeMap<Key, usize> =
                counts.iter().map(|(c, n)| (Key::Text(c.clone()), *n)).collect();
            let mut current = BTreeMap::new();
            for c in v.iter().flatten() {
                *current.entry(Key::Text(c.clone())).or_default() += 1;
            }
            let unseen = current.iter().filter(|(k, _)| !reference.contains_key(*k)).map(|(_, n)| *n).sum();
            compare(r.name.clone(), Sides::Discrete { reference, current }, present, missing, unseen)
        }
        // The schema check converts kinds before this is called; a mismatch compares nothing.
        _ => compare(
            r.name.clone(),
            Sides::Discrete { reference: BTreeMap::new(), current: BTreeMap::new() },
            present,
            missing,
            0,
        ),
    }
}

/// Compares the rows `x` with the training data recorded in `model`, column by column and by
/// the model's predictions on them.
///
/// ```
/// use amber_estimators::LogisticRegression;
/// use amber_model_selection::drift::{drift, Test};
/// use amber_pipeline::{ColumnTransformer, Pipeline};
///
/// let iris = amber_data::datasets::iris()?.table;
/// let model = Pipeline::new()
///     .transformer("pre", ColumnTransformer::standard())
///     .classifier("lr", LogisticRegression::params().max_iter(500))
///     .fit(&iris, "species")?;
/// let same = drift(&model, &iris)?;
/// assert!(!same.any_drift());
/// assert_eq!(same.columns[0].test, Test::KolmogorovSmirnov); // 150 training rows: the tests
/// // Only the setosa rows: the petals and the predictions drift.
/// let setosa = iris.take_rows(&(0..50).collect::<Vec<_>>())?;
/// let report = drift(&model, &setosa)?;
/// assert!(report.columns.iter().any(|c| c.column == "petal_length" && c.drifted));
/// assert!(report.prediction[0].drifted && report.dataset_drift);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn drift(model: &FittedPipeline, x: &Table) -> Result<DriftReport, DriftError> {
    let reference = model.reference.as_ref().ok_or(DriftError::NoReference)?;
    if x.n_rows() == 0 {
        return Err(DriftError::Empty);
    }
    let input = model.conformed(x)?;
    let columns: Vec<ColumnDrift> = reference
        .columns
        .iter()
        .zip(input.columns())
        .map(|(r, (_, c))| column_drift(r, reference.rows, c))
        .collect();
    let prediction = match &reference.prediction {
        Some(p) if model.classifier.is_some() => prediction_drift(model, reference, p, x)?,
        _ => Vec::new(),
    };
    let drifted_columns = columns.iter().filter(|c| c.drifted).count();
    Ok(DriftReport {
        reference_rows: reference.rows,
        reference_sampled: reference.sample_rows < reference.rows,
        current_rows: x.n_rows(),
        dataset_drift: !columns.is_empty() && drifted_columns as f64 >= DRIFT_SHARE * columns.len() as f64,
        drifted_columns,
        columns,
        prediction,
    })
}

/// The drift of the target column `target` of labelled new rows against the training target (a
/// changed class balance), as a categorical column named `target(<name>)`; `None` when the model
/// has no classifier reference.
pub fn target_drift(
    model: &FittedPipeline,
    x: &Table,
    target: &str,
) -> Result<Option<ColumnDrift>, DriftError> {
    let Some((reference, p)) = model.reference.as_ref().and_then(|r| Some((r, r.prediction.as_ref()?)))
    else {
        return Ok(None);
    };
    let column = x.column(target).map_err(PipelineError::from)?;
    let text: Vec<Option<String>> = match column {
        Column::Categorical(v) => v.clone(),
        Column::Numeric(v) => v.iter().map(|x| (!x.is_nan()).then(|| x.to_string())).collect(),
    };
    let reference_counts: BTreeMap<Key, usize> =
        p.labels.iter().map(|l| Key::Text(l.clone())).zip(p.target_counts.iter().copied()).collect();
    let mut current = BTreeMap::new();
    for label in text.iter().flatten() {
        *current.entry(Key::Text(label.clone())).or_default() += 1;
    }
    let unseen = current.iter().filter(|(k, _)| !reference_counts.contains_key(*k)).map(|(_, n)| *n).sum();
    let missing = (0.0, share(text.iter().filter(|t| t.is_none()).count(), text.len()));
    let sides = Sides::Discrete { reference: reference_counts, current };
    Ok(Some(compare(format!("target({target})"), sides, reference.rows, missing, unseen)))
}

fn prediction_drift(
    model: &FittedPipeline,
    reference: &Reference,
    p: &amber_pipeline::PredictionReference,
    x: &Table,
) -> Result<Vec<ColumnDrift>, DriftError> {
    let predicted = model.predict(x)?;
    let proba = if p.probabilities.is_empty() { None } else { Some(model.predict_proba(x)?) };
    let key = |label: &str| Key::Text(label.to_string());
    let reference_counts: BTreeMap<Key, usize> =
        p.labels.iter().map(|l| key(l)).zip(p.counts.iter().copied()).collect();
    let mut current = BTreeMap::new();
    for label in &predicted {
        *current.entry(key(label)).or_default() += 1;
    }
    let mut out = vec![compare(
        "prediction".into(),
        Sides::Discrete { reference: reference_counts, current },
        reference.rows,
        (0.0, 0.0),
        0,
    )];
    for ((label, sample), column) in
        p.labels.iter().zip(&p.probabilities).zip(proba.iter().flat_map(|p| p.columns()))
    {
        let sides = Sides::Numeric { sample, exact: None, current: column.to_vec() };
        out.push(compare(format!("probability({label})"), sides, reference.rows, (0.0, 0.0), 0));
    }
    Ok(out)
}

/// The statistics, each equal to SciPy's or to Evidently's numpy formula (tested against fixtures
/// from `tools/drift_fixtures.py`).
pub mod stats {
    use amber_data::random::RandomState;

    /// scipy's `ks_2samp(a, b)` (two-sided, `method="exact"`): the statistic `D` and its p-value.
    /// `a` and `b` need not be sorted. Empty input gives `(0, 1)`.
    ///
    /// ```
    /// let (d, p) = amber_model_selection::drift::stats::ks_2samp(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]);
    /// assert_eq!(d, 1.0);
    /// assert!((p - 0.1).abs() < 1e-12); // 2 of the C(6, 3) = 20 orderings are as extreme
    /// ```
    pub fn ks_2samp(a: &[f64], b: &[f64]) -> (f64, f64) {
        let (mut a, mut b) = (a.to_vec(), b.to_vec());
        a.sort_unstable_by(f64::total_cmp);
        b.sort_unstable_by(f64::total_cmp);
        let (n1, n2) = (a.len(), b.len());
        if n1 == 0 || n2 == 0 {
            return (0.0, 1.0);
        }
        // The largest gap between the two right-continuous empirical CDFs, over every value.
        let (mut i, mut j, mut d) = (0usize, 0usize, 0.0f64);
        while i < n1 || j < n2 {
            let next = match (a.get(i), b.get(j)) {
                (Some(&x), Some(&y)) => x.min(y),
                (Some(&x), None) => x,
                (None, Some(&y)) => y,
                (None, None) => break,
            };
            while a.get(i).is_some_and(|&x| x <= next) {
                i += 1;
            }
            while b.get(j).is_some_and(|&y| y <= next) {
                j += 1;
            }
            d = d.max((i as f64 / n1 as f64 - j as f64 / n2 as f64).abs());
        }
        let g = gcd(n1, n2);
        let lcm = (n1 / g) as f64 * n2 as f64;
        let h = (d * lcm).round();
        let d = h / lcm;
        if h == 0.0 {
            return (d, 1.0);
        }
        let p = if n1 == n2 {
            prob_outside_square(n1, h as usize)
        } else {
            outer_prob_inside(n1, n2, g, h as usize)
        };
        (d, p.clamp(0.0, 1.0))
    }

    fn gcd(mut a: usize, mut b: usize) -> usize {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    }

    /// P(D ≥ h/n) for two samples of `n`: `2·Σ (−1)^(k+1) C(2n, n−kh) / C(2n, n)`, by the
    /// Horner-like product that avoids cancellation.
    fn prob_outside_square(n: usize, h: usize) -> f64 {
        let mut p = 0.0;
        for k in (0..=n / h).rev() {
            let mut term = 1.0;
            for j in 0..h {
                term = (n as f64 - (k * h + j) as f64) * term / (n as f64 + (k * h + j) as f64 + 1.0);
            }
            p = term * (1.0 - p);
        }
        2.0 * p
    }

    /// 1 − the share of lattice paths from (0, 0) to (m, n) that stay strictly inside
    /// |x/m − y/n| < h / lcm(m, n) (Hodges' inside method, computed as 1 − p by Viehmann's
    /// recursion, one sliding column at a time).
    fn outer_prob_inside(m: usize, n: usize, g: usize, h: usize) -> f64 {
        let (m, n) = if m < n { (n, m) } else { (m, n) };
        let (mg, ng) = (m / g, n / g);
        let ceil_div = |a: usize, b: usize| a.div_ceil(b);
        let mut minj = 0usize;
        let mut maxj = ceil_div(h, mg).min(n + 1);
        let mut curlen = maxj - minj;
        let len = (2 * maxj + 2).min(n + 1);
        let mut a = vec![1.0f64; len];
        a.iter_mut().take(maxj).for_each(|v| *v = 0.0);
        for i in 1..=m {
            let (lastminj, lastlen) = (minj, curlen);
            // floor((ng·i − h) / mg) + 1, clamped to [0, n].
            let low = (ng * i).checked_sub(h).map_or(0, |v| v / mg + 1);
            minj = low.min(n);
            maxj = ceil_div(ng * i + h, mg).min(n + 1);
            if maxj <= minj {
                return 1.0;
            }
            let mut val = if minj == 0 { 0.0 } else { 1.0 };
            for jj in 0..maxj - minj {
                let j = jj + minj;
                let prev = a.get(jj + minj - lastminj).copied().unwrap_or(1.0);
                val = (prev * i as f64 + val * j as f64) / (i + j) as f64;
                if let Some(slot) = a.get_mut(jj) {
                    *slot = val;
                }
            }
            curlen = maxj - minj;
            if lastlen > curlen {
                for slot in a.iter_mut().skip(maxj - minj).take(lastlen - curlen) {
                    *slot = 1.0;
                }
            }
        }
        a.get(maxj - minj - 1).copied().unwrap_or(1.0)
    }

    /// scipy's `chisquare(current, reference · Σcurrent / Σreference)` p-value: Pearson's χ² of
    /// the new counts against the training shares, `k − 1` degrees of freedom. A value the
    /// training data never had makes the statistic infinite (p = 0); one value alone, p = 1.
    pub fn chi_square_p(reference: &[f64], current: &[f64]) -> f64 {
        let (total_r, total_c): (f64, f64) = (reference.iter().sum(), current.iter().sum());
        if reference.len() < 2 || total_r == 0.0 {
            return 1.0;
        }
        let scale = total_c / total_r;
        let stat: f64 = reference
            .iter()
            .zip(current)
            .map(|(&r, &o)| {
                let e = r * scale;
                (o - e) * (o - e) / e
            })
            .sum();
        if stat.is_infinite() {
            return 0.0;
        }
        if stat.is_nan() || stat <= 0.0 {
            return 1.0;
        }
        let df = (reference.len() - 1) as f64;
        statrs::function::gamma::checked_gamma_ur(df / 2.0, stat / 2.0).unwrap_or(1.0)
    }

    /// Evidently's two-proportion z-test on counts of (at most) two values: the p-value
    /// `2·(1 − Φ(|z|))`. Both sides holding the same single value give 1.
    pub fn z_test_p(reference: &[f64], current: &[f64]) -> f64 {
        let (n1, n2): (f64, f64) = (reference.iter().sum(), current.iter().sum());
        if reference.len() < 2 || n1 == 0.0 || n2 == 0.0 {
            return 1.0;
        }
        let p1 = reference.get(1).copied().unwrap_or(0.0) / n1;
        let p2 = current.get(1).copied().unwrap_or(0.0) / n2;
        let pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        let z = (p1 - p2) / (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
        if z.is_nan() {
            return 1.0;
        }
        statrs::function::erf::erfc(z.abs() / std::f64::consts::SQRT_2)
    }

    /// scipy's `wasserstein_distance(a, b)`: the area between the two empirical CDFs.
    pub fn wasserstein(a: &[f64], b: &[f64]) -> f64 {
        let (mut a, mut b) = (a.to_vec(), b.to_vec());
        a.sort_unstable_by(f64::total_cmp);
        b.sort_unstable_by(f64::total_cmp);
        let mut all: Vec<f64> = a.iter().chain(&b).copied().collect();
        all.sort_unstable_by(f64::total_cmp);
        let (na, nb) = (a.len() as f64, b.len() as f64);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let (mut i, mut j, mut total) = (0usize, 0usize, 0.0);
        for w in all.windows(2) {
            while a.get(i).is_some_and(|&x| x <= w[0]) {
                i += 1;
            }
            while b.get(j).is_some_and(|&y| y <= w[0]) {
                j += 1;
            }
            total += (i as f64 / na - j as f64 / nb).abs() * (w[1] - w[0]);
        }
        total
    }

    /// numpy's `std` (population, `ddof = 0`).
    pub fn population_std(v: &[f64]) -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt()
    }

    /// Counts as shares, with Evidently's floor: an empty bin counts as 0.0001.
    pub fn binned(counts: &[f64]) -> Vec<f64> {
        let total: f64 = counts.iter().sum();
        counts.iter().map(|&c| if c == 0.0 || total == 0.0 { 0.0001 } else { c / total }).collect()
    }

    /// scipy's `jensenshannon(p, q)` (natural logarithm) of two distributions over the same values.
    pub fn jensen_shannon(p: &[f64], q: &[f64]) -> f64 {
        let (sp, sq): (f64, f64) = (p.iter().sum(), q.iter().sum());
        let rel = |x: f64, m: f64| if x > 0.0 { x * (x / m).ln() } else { 0.0 };
        let js: f64 = p
            .iter()
            .zip(q)
            .map(|(&a, &b)| {
                let (a, b) = (a / sp, b / sq);
                let m = (a + b) / 2.0;
                rel(a, m) + rel(b, m)
            })
            .sum();
        (js / 2.0).max(0.0).sqrt()
    }

    /// Evidently's PSI of two count vectors over the same values: `Σ (r − c)·ln(r / c)` over the
    /// shares, empty bins floored at 0.0001.
    pub fn psi(reference: &[f64], current: &[f64]) -> f64 {
        let (r, c) = (binned(reference), binned(current));
        r.iter().zip(&c).map(|(&r, &c)| (r - c) * (r / c).ln()).sum()
    }

    /// PSI of a numeric column, binned as Evidently does: 30 equal-width bins over both sides'
    /// range when the training values have more than 20 distinct values, else one bin per value.
    pub(super) fn psi_numeric(
        sample: &[f64],
        exact: Option<&std::collections::BTreeMap<super::Key, usize>>,
        current: &[f64],
    ) -> f64 {
        let reference_counts = exact.cloned().unwrap_or_else(|| super::count_numbers(sample));
        if reference_counts.len() <= 20 {
            let (r, c) = super::joint(&reference_counts, &super::count_numbers(current));
            return psi(&r, &c);
        }
        let (r, c) = histograms(sample, current, 30);
        psi(&r, &c)
    }

    /// numpy's `histogram` of each side over `histogram_bin_edges(concat(a, b), bins)`.
    pub fn histograms(a: &[f64], b: &[f64], bins: usize) -> (Vec<f64>, Vec<f64>) {
        let all = a.iter().chain(b);
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let (lo, hi) = if lo == hi { (lo - 0.5, hi + 0.5) } else { (lo, hi) };
        let step = (hi - lo) / bins as f64;
        let mut edges: Vec<f64> = (0..=bins).map(|i| i as f64 * step + lo).collect();
        if let Some(last) = edges.last_mut() {
            *last = hi;
        }
        let count = |v: &[f64]| {
            let mut h = vec![0.0; bins];
            for &x in v {
                // The last edge with edge ≤ x; the last bin is closed.
                let i = edges.partition_point(|&e| e <= x).saturating_sub(1).min(bins - 1);
                if let Some(slot) = h.get_mut(i) {
                    *slot += 1.0;
                }
            }
            h
        };
        (count(a), count(b))
    }

    /// At most `max` of `values`, drawn without replacement by a fixed seed, in their order.
    pub fn seeded_sample(values: Vec<f64>, max: usize) -> Vec<f64> {
        if values.len() <= max {
            return values;
        }
        let mut rows = RandomState::new(0).permutation(values.len());
        rows.truncate(max);
        rows.sort_unstable();
        rows.into_iter().filter_map(|r| values.get(r).copied()).collect()
    }
}
