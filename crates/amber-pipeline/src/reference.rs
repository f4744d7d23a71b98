//! What the training data looked like, recorded at fit for drift monitoring (format 1.6): each
//! input column's distribution and the distribution of the model's predictions.
//!
//! What is stored, and why: drift tests compare new data with the training data. Categorical
//! columns, and numeric columns with at most [`MAX_EXACT_VALUES`] distinct values, keep their exact
//! counts over every training row (a few numbers). Other numeric columns keep the exact values of
//! a sample of at most [`REFERENCE_ROWS`] rows, sorted: the two-sample tests (Kolmogorov–Smirnov,
//! Wasserstein) need the values themselves, and an exact sample makes every statistic reproducible
//! by SciPy on the stored reference. Training sets of up to [`REFERENCE_ROWS`] rows are stored
//! whole, so the small-data tests (which apply up to 1,000 rows) always see the exact data.

use amber_data::random::RandomState;
use amber_data::{Column, ColumnKind, Table};
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::schema::InputSchema;

/// The most rows sampled from the training data.
pub const REFERENCE_ROWS: usize = 2_000;
/// Numeric columns with at most this many distinct values keep exact counts (the drift tests then
/// treat them as discrete).
pub const MAX_EXACT_VALUES: usize = 5;
/// The seed of the sample of rows: the same data always gives the same reference.
const SEED: u32 = 0;

/// The training data's distributions; see the module documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// Training rows.
    pub rows: usize,
    /// Rows in the sample: all of them up to [`REFERENCE_ROWS`].
    pub sample_rows: usize,
    /// One per input column, in the schema's order.
    pub columns: Vec<ColumnReference>,
    /// The model's predictions on the sampled rows (pipelines with a classifier).
    pub prediction: Option<PredictionReference>,
}

/// One input column's training distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnReference {
    /// The column.
    pub name: String,
    /// Missing cells, over every training row.
    pub missing: usize,
    /// Its values.
    pub values: ReferenceValues,
}

/// A column's values, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceValues {
    /// A numeric column.
    Numeric {
        /// The present values of the sampled rows, sorted.
        sample: Vec<f64>,
        /// Every distinct value with its count over every row, ascending, when there are at most
        /// [`MAX_EXACT_VALUES`].
        distinct: Option<Vec<(f64, usize)>>,
    },
    /// A categorical column: each category's count over every row, by category.
    Categorical {
        /// `(category, count)`, sorted by category.
        counts: Vec<(String, usize)>,
    },
}

/// The model's predictions on the sampled training rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictionReference {
    /// The class labels, in the order of the probability columns.
    pub labels: Vec<String>,
    /// How many sampled rows were predicted as each label.
    pub counts: Vec<usize>,
    /// Per label, the sampled rows' probabilities of it, sorted; empty for a model without
    /// probabilities (an SVC fitted without them).
    pub probabilities: Vec<Vec<f64>>,
    /// How many training rows have each label as their target, over every row.
    pub target_counts: Vec<usize>,
}

impl PredictionReference {
    /// From the predicted class positions and the probabilities (`proba`, one column per label;
    /// no columns for a model without probabilities) of the sampled rows, and the training
    /// target's count per label.
    pub(crate) fn record(
        labels: Vec<String>,
        predicted: &[usize],
        proba: &Array2<f64>,
        target_counts: Vec<usize>,
    ) -> PredictionReference {
        let mut counts = vec![0; labels.len()];
        for &p in predicted {
            if let Some(c) = counts.get_mut(p) {
                *c += 1;
            }
        }
        let probabilities = proba.columns().into_iter().map(|c| sorted(c.to_vec())).collect();
        PredictionReference { labels, counts, probabilities, target_counts }
    }
}

/// The rows sampled from `n`: all of them, or [`REFERENCE_ROWS`] drawn without replacement.
pub(crate) fn sample_rows(n: usize) -> Vec<usize> {
    if n <= REFERENCE_ROWS {
        return (0..n).collect();
    }
    let mut rows = RandomState::new(SEED).permutation(n);
    rows.truncate(REFERENCE_ROWS);
    rows.sort_unstable();
    rows
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// Distinct values and counts, ascending, unless there are more than [`MAX_EXACT_VALUES`].
fn distinct(values: &[f64]) -> Option<Vec<(f64, usize)>> {
    let mut found: Vec<(f64, usize)> = Vec::new();
    for &v in values.iter().filter(|v| !v.is_nan()) {
        match found.iter().position(|(x, _)| *x == v) {
            Some(i) => {
                if let Some((_, count)) = found.get_mut(i) {
                    *count += 1;
                }
            }
            None if found.len() == MAX_EXACT_VALUES => return None,
            None => found.push((v, 1)),
        }
    }
    found.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    Some(found)
}

impl ColumnReference {
    fn record(name: &str, column: &Column, rows: &[usize]) -> ColumnReference {
        let missing = column.n_missing();
        let values = match column {
            Column::Numeric(v) => ReferenceValues::Numeric {
                sample: sorted(
                    rows.iter().filter_map(|&r| v.get(r).copied()).filter(|x| !x.is_nan()).collect(),
                ),
                distinct: distinct(v),
            },
            Column::Categorical(v) => {
                let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
                for c in v.iter().flatten() {
                    *counts.entry(c.as_str()).or_default() += 1;
                }
                ReferenceValues::Categorical {
                    counts: counts.into_iter().map(|(c, n)| (c.to_string(), n)).collect(),
                }
            }
        };
        ColumnReference { name: name.to_string(), missing, values }
    }
}

impl Reference {
    /// The reference of the training table `x` (its schema's columns, the rows sampled), with the
    /// predictions on the sampled rows when the pipeline has a classifier.
    pub(crate) fn record(
        x: &Table,
        schema: &InputSchema,
        rows: &[usize],
        prediction: Option<PredictionReference>,
    ) -> Result<Reference, amber_data::DataError> {
        let columns = schema
            .columns
            .iter()
            .map(|c| Ok(ColumnReference::record(&c.name, x.column(&c.name)?, rows)))
            .collect::<Result<_, amber_data::DataError>>()?;
        Ok(Reference { rows: x.n_rows(), sample_rows: rows.len(), columns, prediction })
    }

    /// Checks that the reference fits the schema and holds together: sizes within their bounds,
    /// counts that add up, finite sorted samples, probabilities in [0, 1].
    pub fn validate(&self, schema: &InputSchema, labels: Option<&[String]>) -> Result<(), String> {
        let bound = self.rows.min(REFERENCE_ROWS);
        if self.sample_rows != bound {
            return Err(format!(
                "the sample has {} rows, not min({}, {REFERENCE_ROWS})",
                self.sample_rows, self.rows
            ));
        }
        if self.columns.len() != schema.columns.len() {
            return Err("its columns are not the schema's".into());
        }
        let sorted_finite = |v: &[f64]| v.iter().all(|x| x.is_finite()) && v.windows(2).all(|w| w[0] <= w[1]);
        for (c, s) in self.columns.iter().zip(&schema.columns) {
            let fail = |what: &str| Err(format!("column {:?}: {what}", s.name));
            if c.name != s.name || c.missing > self.rows {
                return fail("name or missing count does not fit the schema");
            }
            match (&c.values, s.kind) {
                (ReferenceValues::Numeric { sample, distinct }, ColumnKind::Numeric) => {
                    if sample.len() > self.sample_rows || !sorted_finite(sample) {
                        return fail("the sample is too long, unsorted or not finite");
                    }
                    if let Some(d) = distinct {
                        let total = d.iter().try_fold(c.missing, |t, (_, n)| t.checked_add(*n));
                        if d.len() > MAX_EXACT_VALUES
                            || total != Some(self.rows)
                            || !d.windows(2).all(|w| w[0].0 < w[1].0)
                            || d.iter().any(|(v, _)| !v.is_finite())
                        {
                            return fail("the distinct values do not add up");
                        }
                    }
                }
                (ReferenceValues::Categorical { counts }, ColumnKind::Categorical) => {
                    let total = counts.iter().try_fold(c.missing, |t, (_, n)| t.checked_add(*n));
                    if total != Some(self.rows) || !counts.windows(2).all(|w| w[0].0 < w[1].0) {
                        return fail("the category counts do not add up");
                    }
                }
                _ => return fail("its kind is not the schema's"),
            }
        }
        match (&self.prediction, labels) {
            (None, _) => Ok(()),
            (Some(p), Some(labels)) => {
                let k = labels.len();
                if p.labels != labels
                    || p.counts.len() != k
                    || p.counts.iter().try_fold(0usize, |t, n| t.checked_add(*n)) != Some(self.sample_rows)
                    || (p.probabilities.len() != k && !p.probabilities.is_empty())
                    || p.target_counts.len() != k
                    || p.target_counts.iter().try_fold(0usize, |t, n| t.checked_add(*n)) != Some(self.rows)
                    || p.probabilities.iter().any(|v| {
                        v.len() != self.sample_rows
                            || !sorted_finite(v)
                            || v.iter().any(|x| !(0.0..=1.0).contains(x))
                    })
                {
                    return Err("the prediction reference does not fit the classifier".into());
                }
                Ok(())
            }
            (Some(_), None) => Err("a prediction reference without a classifier".into()),
        }
    }
}
