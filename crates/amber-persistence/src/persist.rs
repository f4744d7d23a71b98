//! [`Persist`]: what a type needs to be saved — its kind name, its validation, and what its
//! verification sample compares. Implemented here for every fitted amber type, so that the
//! estimator and pipeline crates stay free of I/O.

use amber_data::{Column, LabelMap, Table};
use amber_estimators::*;
use amber_pipeline::{FittedClassifier, FittedPipeline, InputSchema};
use ndarray::{Array2, ArrayView2};
use serde::{de::DeserializeOwned, Serialize};

use crate::header::{Cell, StepInfo};
use crate::load::{MAX_SAMPLE_CELLS, MAX_SAMPLE_ROWS};

/// A type that can be saved to and loaded from a `.amber` file.
pub trait Persist: Serialize + DeserializeOwned {
    /// The kind written in the header and checked on load (`random_forest_classifier`).
    const KIND: &'static str;
    /// Checks the decoded object before it is returned.
    fn check(&self) -> Result<(), String>;
    /// The outputs compared by verification, one row per row of `input`.
    fn outputs(&self, input: &Table) -> Result<Vec<Vec<Cell>>, String>;
    /// Input rows to verify with when the caller gives none.
    fn default_sample(&self) -> Option<Table>;
    /// The algorithm, for versioned file names (`random_forest_classifier`); by default the kind.
    fn algorithm(&self) -> String {
        Self::KIND.to_string()
    }
    /// The input schema, if the type has one.
    fn schema(&self) -> Option<InputSchema> {
        None
    }
    /// Class labels, if the type has them.
    fn labels(&self) -> Option<Vec<String>> {
        None
    }
    /// How many input columns it reads.
    fn n_features(&self) -> Option<usize> {
        None
    }
    /// A pipeline's steps (path and kind).
    fn steps(&self) -> Option<Vec<StepInfo>> {
        None
    }
    /// The hyperparameters the object records itself (a fitted pipeline's, by path), which the
    /// header then carries and `load` checks.
    fn hyperparameters(&self) -> Option<serde_json::Value> {
        None
    }
}

/// Rows for a default sample of `n_cols` columns: `want`, fewer if the cell limit needs it.
fn rows_for(n_cols: usize, want: usize) -> usize {
    want.min(MAX_SAMPLE_ROWS).min(MAX_SAMPLE_CELLS / n_cols.max(1)).max(1)
}

fn numbers(m: &Array2<f64>) -> Vec<Vec<Cell>> {
    m.rows().into_iter().map(|r| r.iter().map(|&v| Cell::Number(v)).collect()).collect()
}

fn table_rows(t: &Table) -> Vec<Vec<Cell>> {
    (0..t.n_rows())
        .map(|r| {
            t.columns()
                .map(|(_, c)| match c {
                    Column::Numeric(v) => Cell::Number(v.get(r).copied().unwrap_or(f64::NAN)),
                    Column::Categorical(v) => Cell::Text(v.get(r).cloned().flatten()),
                })
                .collect()
        })
        .collect()
}

/// A synthetic numeric sample: `rows` rows over `n` columns named `x0…`, spread around 0.
fn numeric_sample(names: &[String], rows: usize) -> Option<Table> {
    let columns = names
        .iter()
        .enumerate()
        .map(|(j, n)| {
            (
                n.clone(),
                Column::Numeric((0..rows).map(|r| (r as f64 - 1.5) * (1.0 + 0.25 * j as f64)).collect()),
            )
        })
        .collect();
    Table::new(columns).ok()
}

fn feature_names(n: usize) -> Vec<String> {
    (0..n).map(|j| format!("x{j}")).collect()
}

/// Predictions and probabilities (or decision values) of a classifier, per row: the class index
/// first, then the scores.
fn classifier_outputs(
    model: &dyn Classifier,
    scores: Result<Array2<f64>, EstimatorError>,
    input: &Table,
) -> Result<Vec<Vec<Cell>>, String> {
    let x = input.to_array2().map_err(|e| e.to_string())?;
    let predicted = model.predict(x.view()).map_err(|e| e.to_string())?;
    let scores = scores.map_err(|e| e.to_string())?;
    Ok(predicted
        .iter()
        .zip(numbers(&scores))
        .map(|(&c, row)| std::iter::once(Cell::Number(c as f64)).chain(row).collect())
        .collect())
}

macro_rules! persist_classifier {
    ($($ty:ty => $kind:literal, $scores:path;)*) => {$(
        impl Persist for $ty {
            const KIND: &'static str = $kind;
            fn check(&self) -> Result<(), String> {
                self.validate().map_err(|e| e.to_string())
            }
            fn outputs(&self, input: &Table) -> Result<Vec<Vec<Cell>>, String> {
                let x = input.to_array2().map_err(|e| e.to_string())?;
                let scores = $scores(self, x.view());
                classifier_outputs(self, scores, input)
            }
            fn default_sample(&self) -> Option<Table> {
                let n = Classifier::n_features(self);
                numeric_sample(&feature_names(n), rows_for(n, 4))
            }
            fn n_features(&self) -> Option<usize> {
                Some(Classifier::n_features(self))
            }
        }
    )*};
}

/// The scores a classifier's verification compares: its probabilities.
fn proba(m: &dyn Classifier, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
    m.predict_proba(x)
}

/// An SVC's decision values (available whether or not probabilities were enabled).
fn svc_scores(m: &SVC, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
    m.decision_function(x)
}

fn fitted_scores(m: &FittedClassifier, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
    match m {
        FittedClassifier::Svc(svc) => svc.decision_function(x),
        other => other.predict_proba(x),
    }
}

persist_classifier! {
    LogisticRegression => "logistic_regression", proba;
    DecisionTreeClassifier => "decision_tree_classifier", proba;
    RandomForestClassifier => "random_forest_classifier", proba;
    SVC => "svc", svc_scores;
    FittedClassifier => "classifier", fitted_scores;
}

macro_rules! persist_transformer {
    ($($ty:ty => $kind:literal, $sample:path;)*) => {$(
        impl Persist for $ty {
            const KIND: &'static str = $kind;
            fn check(&self) -> Result<(), String> {
                self.validate().map_err(|e| e.to_string())
            }
            fn outputs(&self, input: &Table) -> Result<Vec<Vec<Cell>>, String> {
                self.transform(input).map(|t| table_rows(&t)).map_err(|e| e.to_string())
            }
            fn default_sample(&self) -> Option<Table> {
                $sample(self)
            }
            fn n_features(&self) -> Option<usize> {
                Some(self.feature_names_in().len())
            }
        }
    )*};
}

/// For the one-hot encoder: one row per category index (cycling), so every category is exercised.
fn category_sample(columns: &[String], categories: &[Vec<String>]) -> Option<Table> {
    let rows = categories.iter().map(Vec::len).max()?.min(rows_for(columns.len(), MAX_SAMPLE_ROWS));
    let cols = columns
        .iter()
        .zip(categories)
        .map(|(n, cats)| {
            (
                n.clone(),
                Column::Categorical((0..rows).map(|r| cats.get(r % cats.len().max(1)).cloned()).collect()),
            )
        })
        .collect();
    Table::new(cols).ok()
}

/// For the imputer: present values and one missing row per column kind.
fn imputer_sample(m: &SimpleImputer) -> Option<Table> {
    let cols = m
        .columns
        .iter()
        .zip(&m.fill)
        .map(|(n, f)| {
            let c = match f {
                FillValue::Number(_) => Column::Numeric(vec![1.0, f64::NAN, -2.5]),
                FillValue::Text(_) => Column::Categorical(vec![Some("a".into()), None, Some("b".into())]),
            };
            (n.clone(), c)
        })
        .collect();
    Table::new(cols).ok()
}

fn scaler_sample(m: &dyn Transformer) -> Option<Table> {
    numeric_sample(m.feature_names_in(), rows_for(m.feature_names_in().len(), 4))
}

fn encoder_sample(m: &OneHotEncoder) -> Option<Table> {
    category_sample(&m.columns, &m.categories)
}

persist_transformer! {
    StandardScaler => "standard_scaler", scaler_sample;
    MinMaxScaler => "min_max_scaler", scaler_sample;
    SimpleImputer => "simple_imputer", imputer_sample;
    OneHotEncoder => "one_hot_encoder", encoder_sample;
}

impl Persist for FittedPipeline {
    const KIND: &'static str = "pipeline";

    fn check(&self) -> Result<(), String> {
        self.validate().map_err(|e| e.to_string())
    }

    /// The predicted label, then the probabilities (or decision values for an SVC without
    /// probabilities); the transformed row for a transformer-only pipeline.
    fn outputs(&self, input: &Table) -> Result<Vec<Vec<Cell>>, String> {
        let Some(c) = &self.classifier else {
            return self.transform(input).map(|t| table_rows(&t)).map_err(|e| e.to_string());
        };
        let labels = self.predict(input).map_err(|e| e.to_string())?;
        let scores = match self.predict_proba(input) {
            Ok(p) => p,
            Err(_) => match &c.model {
                FittedClassifier::Svc(svc) => {
                    let x =
                        self.transform(input).and_then(|t| Ok(t.to_array2()?)).map_err(|e| e.to_string())?;
                    svc.decision_function(x.view()).map_err(|e| e.to_string())?
                }
                _ => return Err("predict_proba failed".into()),
            },
        };
        Ok(labels
            .into_iter()
            .zip(numbers(&scores))
            .map(|(l, row)| std::iter::once(Cell::Text(Some(l))).chain(row).collect())
            .collect())
    }

    /// Rows built from the schema: each numeric column at its training min, mean and max (0 if it
    /// had none), each categorical column cycling through its categories.
    fn default_sample(&self) -> Option<Table> {
        let rows = rows_for(self.schema.columns.len(), 3);
        let cols = self
            .schema
            .columns
            .iter()
            .map(|c| {
                let column = match (&c.stats, &c.categories) {
                    (Some(s), _) => Column::Numeric(
                        [s.min, s.mean, s.max]
                            .iter()
                            .take(rows)
                            .map(|v| if v.is_finite() { *v } else { 0.0 })
                            .collect(),
                    ),
                    (None, Some(cats)) => Column::Categorical(
                        (0..rows).map(|r| cats.get(r % cats.len().max(1)).cloned()).collect(),
                    ),
                    (None, None) => Column::Numeric(vec![0.0; rows]),
                };
                (c.name.clone(), column)
            })
            .collect();
        Table::new(cols).ok()
    }

    fn schema(&self) -> Option<InputSchema> {
        Some(self.schema.clone())
    }

    /// The classifier's kind (`logistic_regression`), or `transformers` for a pipeline without one.
    fn algorithm(&self) -> String {
        self.classifier.as_ref().map_or("transformers", |c| c.model.kind()).to_string()
    }

    fn labels(&self) -> Option<Vec<String>> {
        self.labels.as_ref().map(|l: &LabelMap| l.labels().to_vec())
    }

    fn n_features(&self) -> Option<usize> {
        Some(self.schema.columns.len())
    }

    fn hyperparameters(&self) -> Option<serde_json::Value> {
        self.spec.as_ref().and_then(|_| serde_json::to_value(self.params()).ok())
    }

    fn steps(&self) -> Option<Vec<StepInfo>> {
        Some(
            self.step_kinds()
                .into_iter()
                .map(|(path, kind)| StepInfo { path, kind: kind.to_string() })
                .collect(),
        )
    }
}
