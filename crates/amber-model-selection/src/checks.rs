//! Leakage and sanity checks on a train/test split, run before a score is reported (what
//! Deepchecks' train-test validation suite reports, built into training).
//!
//! - [`FindingKind::TrainTestOverlap`]: test rows equal to a training row on every feature;
//! - [`FindingKind::TrainDuplicates`]: training rows that repeat an earlier one whole (target too);
//! - [`FindingKind::IdentifierColumn`]: a text column whose values are nearly all distinct, or an
//!   integer column whose distinct values fill a range about as long as the table (a row number);
//! - [`FindingKind::TargetLeakage`]: a feature that alone predicts the target on held-out folds;
//! - [`FindingKind::ClassImbalance`]: a class so rare that accuracy says little.
//!
//! Every check is bounded: rows are compared by hashing them once (equal hashes are then
//! compared cell by cell), never pair by pair, and the one-feature models are lookups fitted in
//! one pass per fold. Messages quote at most [`amber_data::MAX_EXCERPT_CHARS`] characters of a
//! name. Findings never change a result; the caller decides what to do with them.
//!
//! ```
//! use amber_data::{Column, Table};
//! use amber_model_selection::checks::{DataChecks, FindingKind};
//!
//! let n = 200;
//! let id = Column::Categorical((0..n).map(|i| Some(format!("c{i}"))).collect());
//! let x = Column::Numeric((0..n).map(|i| ((i * 7) % 13) as f64).collect());
//! let y = Column::Categorical((0..n).map(|i| Some(if i % 3 == 0 { "a" } else { "b" }.to_string())).collect());
//! let table = Table::new(vec![("id".into(), id), ("x".into(), x), ("y".into(), y)])?;
//! let train = table.take_rows(&(0..150).collect::<Vec<_>>())?;
//! let test = table.take_rows(&(150..200).collect::<Vec<_>>())?;
//! let findings = DataChecks::default().run(&train, &test, "y")?;
//! assert_eq!(findings[0].kind, FindingKind::IdentifierColumn);
//! assert_eq!(findings[0].columns, ["id"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use amber_data::{excerpt, Column, DataError, Table, Target};
use serde::Serialize;

use crate::baseline::MostFrequent;
use crate::split::{CrossValidator, KFold, SplitError, StratifiedKFold};

/// What a check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Test rows equal to a training row on every feature.
    TrainTestOverlap,
    /// Training rows that repeat an earlier training row on every column, the target included.
    TrainDuplicates,
    /// A column that looks like an identifier.
    IdentifierColumn,
    /// A feature that alone predicts the target far above the majority baseline.
    TargetLeakage,
    /// The smallest class is rare.
    ClassImbalance,
}

impl FindingKind {
    /// The kind's name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::TrainTestOverlap => "train_test_overlap",
            FindingKind::TrainDuplicates => "train_duplicates",
            FindingKind::IdentifierColumn => "identifier_column",
            FindingKind::TargetLeakage => "target_leakage",
            FindingKind::ClassImbalance => "class_imbalance",
        }
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something is there but under its threshold (a few repeated rows): reported, not alarming.
    Note,
    /// Over its threshold: the score may not mean what it seems to.
    Warning,
}

impl Severity {
    /// The severity's name, as in JSON (`note`, `warning`).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// How much it matters.
    pub severity: Severity,
    /// The columns involved (features, or the target for class balance).
    pub columns: Vec<String>,
    /// The first rows involved (at most [`DataChecks::max_rows`]), 0-based positions in the test
    /// table for an overlap and in the training table for duplicates; empty for the other kinds.
    pub rows: Vec<usize>,
    /// How many rows (overlap, duplicates) or distinct values (identifier) are involved; for
    /// leakage and imbalance, the number of rows checked.
    pub count: usize,
    /// The share that crossed (or stayed under) the threshold: of test rows, of training rows,
    /// distinct values per row, the feature's held-out accuracy, the smallest class's share.
    pub share: f64,
    /// One sentence for a person.
    pub message: String,
}

/// The checks could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// A column or the target is unusable (missing in the test table, a missing target cell…).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The folds of the leakage check could not be made.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// A threshold is out of its range.
    #[error("checks: {name} = {value} is out of range ({range})")]
    Parameter {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
        /// Its range.
        range: &'static str,
    },
}

/// The checks and their thresholds (the defaults are documented on each setter).
#[derive(Debug, Clone, PartialEq)]
pub struct DataChecks {
    overlap_share: f64,
    duplicate_share: f64,
    identifier_share: f64,
    leakage_accuracy: f64,
    imbalance_share: f64,
    n_splits: usize,
    max_rows: usize,
    regression: bool,
}

impl Default for DataChecks {
    fn default() -> Self {
        DataChecks {
            overlap_share: 0.05,
            duplicate_share: 0.05,
            identifier_share: 0.95,
            leakage_accuracy: 0.99,
            imbalance_share: 0.1,
            n_splits: 5,
            max_rows: 10,
            regression: false,
        }
    }
}

/// At least this many present values before a column is judged an identifier.
const MIN_IDENTIFIER_ROWS: usize = 20;
/// A numeric feature with more distinct values than this is cut into this many quantile bins
/// for the one-feature model.
const LEAKAGE_BINS: usize = 16;

impl DataChecks {
    /// Overlap (test rows equal to a training row) above this share of the test rows is a
    /// warning, at or under it a note (default 0.05, Deepchecks' default condition).
    pub fn overlap_share(mut self, share: f64) -> Self {
        self.overlap_share = share;
        self
    }

    /// Repeated training rows above this share of the training rows are a warning (default 0.05).
    pub fn duplicate_share(mut self, share: f64) -> Self {
        self.duplicate_share = share;
        self
    }

    /// A column is identifier-like at this many distinct values per present value or more
    /// (default 0.95).
    pub fn identifier_share(mut self, share: f64) -> Self {
        self.identifier_share = share;
        self
    }

    /// A feature whose one-feature model reaches this held-out accuracy (and removes at least
    /// half of the majority baseline's errors) is a possible leak (default 0.99).
    pub fn leakage_accuracy(mut self, accuracy: f64) -> Self {
        self.leakage_accuracy = accuracy;
        self
    }

    /// The smallest class under `min(share, 1 / (2 · classes))` of the training rows is a warning
    /// (default 0.1: under 10 % with two classes, under 5 % with ten).
    pub fn imbalance_share(mut self, share: f64) -> Self {
        self.imbalance_share = share;
        self
    }

    /// Folds of the leakage check (default 5, stratified as `amber train`'s).
    pub fn n_splits(mut self, n: usize) -> Self {
        self.n_splits = n;
        self
    }

    /// The target is a number to predict, not a class: the leakage check scores a feature's
    /// one-feature model by held-out R² (on unshuffled `KFold` folds, as `cross_validate` of a
    /// regressor) and there is no class balance to check. Default: classification.
    pub fn regression(mut self, regression: bool) -> Self {
        self.regression = regression;
        self
    }

    /// How many rows a finding lists at most (default 10).
    pub fn max_rows(mut self, n: usize) -> Self {
        self.max_rows = n;
        self
    }

    fn check_parameters(&self) -> Result<(), CheckError> {
        let unit = [
            ("overlap_share", self.overlap_share),
            ("duplicate_share", self.duplicate_share),
            ("identifier_share", self.identifier_share),
            ("leakage_accuracy", self.leakage_accuracy),
            ("imbalance_share", self.imbalance_share),
        ];
        for (name, value) in unit {
            if !(0.0..=1.0).contains(&value) {
                return Err(CheckError::Parameter { name, value, range: "0 to 1" });
            }
        }
        if self.n_splits < 2 {
            return Err(CheckError::Parameter {
                name: "n_splits",
                value: self.n_splits as f64,
                range: "2 or more",
            });
        }
        Ok(())
    }

    /// Runs every check on `train` and `test` (the same columns; `test` may be empty), whose
    /// column `target` is the labelled target. Findings come warnings first, in the order of
    /// [`FindingKind`] and then of the columns.
    pub fn run(&self, train: &Table, test: &Table, target: &str) -> Result<Vec<Finding>, CheckError> {
        self.check_parameters()?;
        let y = Labels::of(target, train.column(target)?, self.regression)?;
        let features: Vec<&str> =
            train.column_names().iter().map(String::as_str).filter(|n| *n != target).collect();
        let train_features: Vec<&Column> =
            features.iter().map(|n| train.column(n)).collect::<Result<_, _>>()?;
        let test_features: Vec<&Column> =
            features.iter().map(|n| test.column(n)).collect::<Result<_, _>>()?;
        let train_all: Vec<&Column> = train.columns().map(|(_, c)| c).collect();

        let mut findings = Vec::new();
        findings.extend(self.overlap(&train_features, train.n_rows(), &test_features, test.n_rows()));
        findings.extend(self.duplicates(&train_all, train.n_rows()));
        for (name, (a, b)) in features.iter().zip(train_features.iter().zip(&test_features)) {
            findings.extend(self.identifier(name, a, b));
        }
        findings.extend(self.leakage(&features, &train_features, &y)?);
        if let Labels::Classes(y) = &y {
            findings.extend(self.imbalance(target, y));
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        Ok(findings)
    }

    fn overlap(&self, train: &[&Column], n_train: usize, test: &[&Column], n_test: usize) -> Option<Finding> {
        if train.is_empty() {
            return None; // no feature to compare on
        }
        let mut index = RowIndex::new(train);
        for row in 0..n_train {
            index.insert(row);
        }
        let hits: Vec<usize> = (0..n_test).filter(|&r| index.contains(test, r)).collect();
        if hits.is_empty() {
            return None;
        }
        let share = hits.len() as f64 / n_test as f64;
        let severity = if share > self.overlap_share { Severity::Warning } else { Severity::Note };
        let message = format!(
            "{} of {n_test} test rows ({}) equal a training row on every feature{}",
            hits.len(),
            percent(share),
            if severity == Severity::Warning {
                ": the test score partly measures memory (is the file a resampled copy?)"
            } else {
                ""
            }
        );
        Some(self.rows_finding(FindingKind::TrainTestOverlap, severity, hits, share, message))
    }

    fn duplicates(&self, columns: &[&Column], n_rows: usize) -> Option<Finding> {
        let mut index = RowIndex::new(columns);
        let repeats: Vec<usize> = (0..n_rows).filter(|&r| !index.insert(r)).collect();
        if repeats.is_empty() {
            return None;
        }
        let share = repeats.len() as f64 / n_rows as f64;
        let severity = if share > self.duplicate_share { Severity::Warning } else { Severity::Note };
        let message = format!(
            "{} of {n_rows} training rows ({}) repeat an earlier training row on every column{}",
            repeats.len(),
            percent(share),
            if severity == Severity::Warning { ": cross-validation folds share rows" } else { "" }
        );
        Some(self.rows_finding(FindingKind::TrainDuplicates, severity, repeats, share, message))
    }

    fn identifier(&self, name: &str, train: &Column, test: &Column) -> Option<Finding> {
        let (present, distinct, why) = match (train, test) {
            (Column::Categorical(a), Column::Categorical(b)) => {
                let values: Vec<&str> = a.iter().chain(b).filter_map(|v| v.as_deref()).collect();
                let distinct = values.iter().collect::<std::collections::HashSet<_>>().len();
                (values.len(), distinct, "nearly every value is distinct")
            }
            (Column::Numeric(a), Column::Numeric(b)) => {
                let values: Vec<f64> = a.iter().chain(b).copied().filter(|x| !x.is_nan()).collect();
                if values.is_empty() || values.iter().any(|x| x.fract() != 0.0 || x.abs() > 2f64.powi(53)) {
                    return None;
                }
                let distinct = values
                    .iter()
                    .map(|x| (x + 0.0).to_bits())
                    .collect::<std::collections::HashSet<_>>()
                    .len();
                let (lo, hi) =
                    values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
                // A row number: its distinct integers fill a range little longer than the table.
                if hi - lo + 1.0 > 1.5 * values.len() as f64 {
                    return None;
                }
                (values.len(), distinct, "its distinct integers count the rows")
            }
            _ => return None,
        };
        if present < MIN_IDENTIFIER_ROWS {
            return None;
        }
        let share = distinct as f64 / present as f64;
        if share < self.identifier_share {
            return None;
        }
        let shown = excerpt(name);
        let message = format!(
            "`{shown}` looks like an identifier ({distinct} distinct values in {present} rows: {why}): drop it (`--drop {shown}`)"
        );
        Some(column_warning(FindingKind::IdentifierColumn, name, distinct, share, message))
    }

    /// For each feature, the held-out score of a one-feature model (the majority class, or the
    /// mean target, of each category, or of each of up to [`LEAKAGE_BINS`] quantile bins of a
    /// numeric feature; missing values their own group; a group without training rows gets the
    /// fold's majority or mean) against that of the majority (or mean) baseline, on the same folds.
    fn leakage(&self, names: &[&str], columns: &[&Column], y: &Labels) -> Result<Vec<Finding>, CheckError> {
        let n = y.len();
        if n < self.n_splits.max(MIN_IDENTIFIER_ROWS) {
            return Ok(Vec::new());
        }
        let folds = match y {
            Labels::Classes(t) if t.labels.len() < 2 => return Ok(Vec::new()),
            Labels::Classes(t) => StratifiedKFold::new(self.n_splits).folds(&t.indices)?,
            Labels::Values(_) => KFold::new(self.n_splits).split(n)?,
        };
        let everyone = Groups { of_row: vec![0; n], n_groups: 1 };
        let baseline = y.held_out_score(&everyone, &folds);
        let (score_name, baseline_name) = match y {
            Labels::Classes(_) => ("accuracy", "always answering the most frequent class"),
            Labels::Values(_) => ("R²", "always answering the mean"),
        };
        let mut out = Vec::new();
        for (name, column) in names.iter().zip(columns) {
            let score = y.held_out_score(&Groups::of(column), &folds);
            if score >= self.leakage_accuracy && 1.0 - score <= 0.5 * (1.0 - baseline) {
                let shown = excerpt(name);
                let message = format!(
                    "`{shown}` alone predicts the target with held-out {score_name} {score:.4} ({baseline_name}: {baseline:.4}): possible target leakage; if it is known only after the outcome, drop it (`--drop {shown}`)"
                );
                out.push(column_warning(FindingKind::TargetLeakage, name, n, score, message));
            }
        }
        Ok(out)
    }

    fn imbalance(&self, target: &str, y: &Target) -> Option<Finding> {
        let n = y.indices.len();
        let k = y.labels.len();
        if n == 0 || k < 2 {
            return None;
        }
        let mut counts = vec![0usize; k];
        for &c in &y.indices {
            if let Some(count) = counts.get_mut(c) {
                *count += 1;
            }
        }
        let (smallest, &count) = counts.iter().enumerate().min_by_key(|(_, &c)| c)?;
        let largest = counts.iter().copied().max().unwrap_or(0);
        let share = count as f64 / n as f64;
        let threshold = self.imbalance_share.min(0.5 / k as f64);
        if share >= threshold {
            return None;
        }
        let label = excerpt(y.labels.label(smallest).unwrap_or("?"));
        let scoring = if k == 2 { "roc_auc or f1_macro" } else { "f1_macro" };
        let message = format!(
            "the smallest class, {label:?}, is {} of the training rows (under {}): accuracy is misleading (always answering the most frequent class scores {:.4}); rank by {scoring}",
            percent(share),
            percent(threshold),
            largest as f64 / n as f64
        );
        Some(column_warning(FindingKind::ClassImbalance, target, n, share, message))
    }

    /// A finding about rows: `rows` all of them, of which the first `max_rows` are kept.
    fn rows_finding(
        &self,
        kind: FindingKind,
        severity: Severity,
        mut rows: Vec<usize>,
        share: f64,
        message: String,
    ) -> Finding {
        let count = rows.len();
        rows.truncate(self.max_rows);
        Finding { kind, severity, columns: Vec::new(), rows, count, share, message }
    }
}

/// A warning about one column.
fn column_warning(kind: FindingKind, column: &str, count: usize, share: f64, message: String) -> Finding {
    Finding {
        kind,
        severity: Severity::Warning,
        columns: vec![column.to_string()],
        rows: Vec::new(),
        count,
        share,
        message,
    }
}

fn percent(share: f64) -> String {
    format!("{:.1} %", 100.0 * share)
}

/// The hash of one row over `columns`: numbers by their bits (every NaN alike, -0 as 0), text by
/// its bytes, missing text apart from every string.
fn row_hash(columns: &[&Column], row: usize) -> u64 {
    let mut h = DefaultHasher::new();
    for column in columns {
        match column {
            Column::Numeric(v) => match v.get(row) {
                Some(x) if x.is_nan() => 0u8.hash(&mut h),
                Some(x) => (1u8, (x + 0.0).to_bits()).hash(&mut h),
                None => 2u8.hash(&mut h),
            },
            Column::Categorical(v) => match v.get(row) {
                Some(Some(s)) => (3u8, s).hash(&mut h),
                Some(None) => 4u8.hash(&mut h),
                None => 5u8.hash(&mut h),
            },
        }
    }
    h.finish()
}

/// Whether row `a` of `left` equals row `b` of `right` on every column (NaN equal to NaN).
fn rows_equal(left: &[&Column], a: usize, right: &[&Column], b: usize) -> bool {
    left.len() == right.len()
        && left.iter().zip(right).all(|(l, r)| match (l, r) {
            (Column::Numeric(x), Column::Numeric(y)) => match (x.get(a), y.get(b)) {
                (Some(p), Some(q)) => p == q || (p.is_nan() && q.is_nan()),
                _ => false,
            },
            (Column::Categorical(x), Column::Categorical(y)) => {
                matches!((x.get(a), y.get(b)), (Some(p), Some(q)) if p == q)
            }
            _ => false,
        })
}

/// Distinct rows of one table's `columns` by hash: each hash keeps the distinct rows that have it.
struct RowIndex<'a> {
    columns: &'a [&'a Column],
    buckets: HashMap<u64, Vec<usize>>,
}

impl<'a> RowIndex<'a> {
    fn new(columns: &'a [&'a Column]) -> Self {
        RowIndex { columns, buckets: HashMap::new() }
    }

    /// Adds row `row` of the index's columns; `false` when an equal row is already there.
    fn insert(&mut self, row: usize) -> bool {
        let bucket = self.buckets.entry(row_hash(self.columns, row)).or_default();
        if bucket.iter().any(|&r| rows_equal(self.columns, r, self.columns, row)) {
            return false;
        }
        bucket.push(row);
        true
    }

    /// Whether row `row` of `columns` (another table's, in the same order) equals a row of the index.
    fn contains(&self, columns: &[&Column], row: usize) -> bool {
        self.buckets
            .get(&row_hash(columns, row))
            .is_some_and(|bucket| bucket.iter().any(|&r| rows_equal(self.columns, r, columns, row)))
    }
}

/// A feature's rows as group numbers: a category (or, for a numeric feature, a value or a
/// quantile bin of the whole column), missing values the last group.
struct Groups {
    of_row: Vec<usize>,
    n_groups: usize,
}

impl Groups {
    fn of(column: &Column) -> Self {
        match column {
            Column::Categorical(v) => {
                let mut ids: HashMap<&str, usize> = HashMap::new();
                let raw: Vec<Option<usize>> = v
                    .iter()
                    .map(|s| {
                        s.as_deref().map(|s| {
                            let next = ids.len();
                            *ids.entry(s).or_insert(next)
                        })
                    })
                    .collect();
                Groups::with_missing(raw, ids.len())
            }
            Column::Numeric(v) => {
                let mut sorted: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                sorted.sort_by(f64::total_cmp);
                sorted.dedup();
                // Few values: each its own group; many: LEAKAGE_BINS bins of equal numbers of values.
                let edges: Vec<f64> = if sorted.len() <= LEAKAGE_BINS {
                    sorted
                } else {
                    (1..LEAKAGE_BINS)
                        .filter_map(|b| sorted.get(b * sorted.len() / LEAKAGE_BINS).copied())
                        .collect()
                };
                let raw: Vec<Option<usize>> =
                    v.iter().map(|x| (!x.is_nan()).then(|| edges.partition_point(|e| e <= x))).collect();
                Groups::with_missing(raw, edges.len() + 1)
            }
        }
    }

    fn with_missing(raw: Vec<Option<usize>>, n_present: usize) -> Self {
        Groups { of_row: raw.into_iter().map(|g| g.unwrap_or(n_present)).collect(), n_groups: n_present + 1 }
    }

    /// The majority class of each group over the rows `train` (the lowest class on ties), and
    /// the majority over all of them for groups without a training row.
    fn majority(&self, train: &[usize], y: &[usize], k: usize) -> Vec<usize> {
        let mut counts = vec![0usize; self.n_groups * k];
        let mut overall = vec![0usize; k];
        for &r in train {
            if let (Some(&g), Some(&c)) = (self.of_row.get(r), y.get(r)) {
                if let Some(n) = counts.get_mut(g * k + c) {
                    *n += 1;
                }
                if let Some(n) = overall.get_mut(c) {
                    *n += 1;
                }
            }
        }
        let fallback = MostFrequent::fit_counts(&overall);
        counts
            .chunks(k.max(1))
            .map(|c| if c.iter().all(|&n| n == 0) { fallback } else { MostFrequent::fit_counts(c) })
            .collect()
    }

    /// The mean target of each group over the rows `train`, and the mean of all of them for
    /// groups without a training row.
    fn means(&self, train: &[usize], y: &[f64]) -> Vec<f64> {
        let mut sums = vec![(0.0, 0usize); self.n_groups];
        let (mut total, mut n) = (0.0, 0usize);
        for &r in train {
            if let (Some(&g), Some(&v)) = (self.of_row.get(r), y.get(r)) {
                if let Some(s) = sums.get_mut(g) {
                    s.0 += v;
                    s.1 += 1;
                }
                total += v;
                n += 1;
            }
        }
        let fallback = if n == 0 { 0.0 } else { total / n as f64 };
        sums.into_iter().map(|(s, c)| if c == 0 { fallback } else { s / c as f64 }).collect()
    }
}

/// The target of the checks: class indices, or numbers.
enum Labels {
    Classes(Target),
    Values(Vec<f64>),
}

impl Labels {
    fn of(name: &str, column: &Column, regression: bool) -> Result<Labels, CheckError> {
        if !regression {
            return Ok(Labels::Classes(Target::from_column(name, column)?));
        }
        match column {
            Column::Numeric(v) => match v.iter().position(|x| !x.is_finite()) {
                Some(row) => Err(DataError::MissingTarget { name: name.to_string(), row }.into()),
                None => Ok(Labels::Values(v.clone())),
            },
            Column::Categorical(_) => Err(DataError::NotNumeric { name: excerpt(name) }.into()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Labels::Classes(t) => t.indices.len(),
            Labels::Values(v) => v.len(),
        }
    }

    /// The held-out score of the group model over `folds`: accuracy over all held-out rows, or
    /// R² of all held-out predictions against the targets (as pooled over the folds).
    fn held_out_score(&self, groups: &Groups, folds: &[crate::split::Fold]) -> f64 {
        match self {
            Labels::Classes(t) => {
                let k = t.labels.len();
                let mut hits = 0usize;
                for f in folds {
                    let class = groups.majority(&f.train, &t.indices, k);
                    hits += f
                        .test
                        .iter()
                        .filter(|&&r| {
                            groups
                                .of_row
                                .get(r)
                                .and_then(|&g| class.get(g))
                                .is_some_and(|c| t.indices.get(r) == Some(c))
                        })
                        .count();
                }
                hits as f64 / t.indices.len().max(1) as f64
            }
            Labels::Values(y) => {
                let mean = y.iter().sum::<f64>() / y.len().max(1) as f64;
                let total: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
                let mut residual = 0.0;
                for f in folds {
                    let means = groups.means(&f.train, y);
                    for &r in &f.test {
                        if let (Some(&g), Some(&v)) = (groups.of_row.get(r), y.get(r)) {
                            let p = means.get(g).copied().unwrap_or(mean);
                            residual += (v - p) * (v - p);
                        }
                    }
                }
                if total > 0.0 {
                    1.0 - residual / total
                } else {
                    0.0
                }
            }
        }
    }
}
