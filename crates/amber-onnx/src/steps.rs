//! Transformer steps as graph nodes. The graph carries every column by name, as amber's
//! transformers find theirs: numeric columns as columns of **double** tensors (so that scaling
//! and imputation compute exactly amber's f64 numbers), text columns as string tensors `[N, 1]`
//! whose empty cells are missing values.

use std::collections::HashMap;

use amber_estimators::{FillValue, MinMaxScaler, OneHotEncoder, SimpleImputer, StandardScaler};
use amber_pipeline::{FittedColumnTransformer, FittedStep, FittedTransformer};

use crate::error::{unsupported, OnnxError};
use crate::graph::{self, Graph, ML};
use crate::proto::data_type;

/// A column as the graph carries it.
#[derive(Debug, Clone)]
pub(crate) enum Col {
    /// Column `index` of the double tensor `block` (`[N, width]`).
    Num { block: String, index: usize },
    /// The string tensor `value` (`[N, 1]`). Its empty cells are missing; once an imputer has
    /// filled them they read as `fill`.
    Text { value: String, fill: Option<String> },
}

/// Named columns, in order: what a step produces. Found by hash, so that a wide table costs no
/// quadratic work.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    cols: Vec<(String, Col)>,
    at: HashMap<String, usize>,
}

impl Env {
    /// Appends a column (a later one of the same name shadows an earlier one).
    pub(crate) fn push(&mut self, name: String, col: Col) {
        self.at.insert(name.clone(), self.cols.len());
        self.cols.push((name, col));
    }

    /// The column `name`, which `step` reads.
    pub(crate) fn get(&self, step: &str, name: &str) -> Result<&Col, OnnxError> {
        self.at.get(name).and_then(|&i| self.cols.get(i)).map(|(_, c)| c).ok_or_else(|| {
            unsupported(step, format!("reads column {name:?}, which the step before does not produce"))
        })
    }

    fn extend(&mut self, other: Env) {
        other.cols.into_iter().for_each(|(n, c)| self.push(n, c));
    }
}

impl FromIterator<(String, Col)> for Env {
    fn from_iter<I: IntoIterator<Item = (String, Col)>>(iter: I) -> Self {
        let mut env = Env::default();
        iter.into_iter().for_each(|(n, c)| env.push(n, c));
        env
    }
}

/// A graph and the width of each double block in it.
#[derive(Default)]
pub(crate) struct Builder {
    pub(crate) g: Graph,
    widths: HashMap<String, usize>,
}

impl Builder {
    /// Records `value` as a double block of `width` columns and names them.
    pub(crate) fn block(&mut self, value: String, names: &[String]) -> Env {
        self.widths.insert(value.clone(), names.len());
        names
            .iter()
            .enumerate()
            .map(|(index, n)| (n.clone(), Col::Num { block: value.clone(), index }))
            .collect()
    }

    /// Declares the float input [`crate::NUMERIC_INPUT`] `[N, width]`; returns it cast to double.
    pub(crate) fn numeric_input(&mut self, width: usize) -> String {
        self.g.input(crate::NUMERIC_INPUT, data_type::FLOAT, width);
        self.g.cast(crate::NUMERIC_INPUT, data_type::DOUBLE)
    }

    /// The columns `names` of `env` as one double tensor `[N, names.len()]`: a block as it is when
    /// it is exactly those columns, else `Gather`s of the blocks joined by a `Concat`.
    pub(crate) fn numeric(&mut self, env: &Env, step: &str, names: &[String]) -> Result<String, OnnxError> {
        let mut runs: Vec<(String, Vec<i64>)> = Vec::new();
        for name in names {
            let Col::Num { block, index } = env.get(step, name)? else {
                return Err(unsupported(step, format!("column {name:?} is text where numbers are needed")));
            };
            match runs.last_mut() {
                Some((b, indices)) if b == block => indices.push(*index as i64),
                _ => runs.push((block.clone(), vec![*index as i64])),
            }
        }
        let mut pieces = Vec::with_capacity(runs.len());
        for (block, indices) in runs {
            let whole = self.widths.get(&block).is_some_and(|&w| w == indices.len())
                && indices.iter().enumerate().all(|(i, &j)| i as i64 == j);
            if whole {
                pieces.push(block);
            } else {
                let at = self.g.i64s("columns", &[indices.len()], &indices);
                pieces.push(self.g.op("Gather", &[&block, &at], vec![graph::int("axis", 1)]));
            }
        }
        match pieces.len() {
            0 => Err(unsupported(step, "takes no column")),
            1 => Ok(pieces.pop().unwrap_or_default()),
            _ => {
                let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
                Ok(self.g.op("Concat", &refs, vec![graph::int("axis", 1)]))
            }
        }
    }

    /// Applies the steps one after the other.
    pub(crate) fn chain(
        &mut self,
        steps: &[FittedStep],
        prefix: &str,
        mut env: Env,
    ) -> Result<Env, OnnxError> {
        for step in steps {
            let path = if prefix.is_empty() { step.name.clone() } else { format!("{prefix}.{}", step.name) };
            env = self.transformer(&path, &step.model, &env)?;
        }
        Ok(env)
    }

    fn transformer(&mut self, path: &str, model: &FittedTransformer, env: &Env) -> Result<Env, OnnxError> {
        match model {
            FittedTransformer::StandardScaler(m) => self.standard_scaler(path, m, env),
            FittedTransformer::MinMaxScaler(m) => self.min_max_scaler(path, m, env),
            FittedTransformer::SimpleImputer(m) => self.imputer(path, m, env),
            FittedTransformer::OneHotEncoder(m) => self.one_hot(path, m, env),
            FittedTransformer::ColumnTransformer(c) => self.column_transformer(path, c, env),
        }
    }

    /// `(x - mean) / scale` (or `x / scale`), as amber computes it.
    fn standard_scaler(&mut self, path: &str, m: &StandardScaler, env: &Env) -> Result<Env, OnnxError> {
        let k = m.columns.len();
        let mut x = self.numeric(env, path, &m.columns)?;
        if m.with_mean {
            let mean = self.g.f64s("mean", &[1, k], &m.mean);
            x = self.g.op("Sub", &[&x, &mean], vec![]);
        }
        let scale = self.g.f64s("scale", &[1, k], &m.scale);
        let out = self.g.op("Div", &[&x, &scale], vec![]);
        Ok(self.block(out, &m.columns))
    }

    /// `x * scale + min`, as amber computes it.
    fn min_max_scaler(&mut self, path: &str, m: &MinMaxScaler, env: &Env) -> Result<Env, OnnxError> {
        let k = m.columns.len();
        let x = self.numeric(env, path, &m.columns)?;
        let scale = self.g.f64s("scale", &[1, k], &m.scale);
        let min = self.g.f64s("min", &[1, k], &m.min);
        let scaled = self.g.op("Mul", &[&x, &scale], vec![]);
        let out = self.g.op("Add", &[&scaled, &min], vec![]);
        Ok(self.block(out, &m.columns))
    }

    /// Numeric columns: `Where(IsNaN(x), fill, x)`. Text columns: the fill is remembered and
    /// applied where the column is encoded (an empty cell reads as the fill).
    fn imputer(&mut self, path: &str, m: &SimpleImputer, env: &Env) -> Result<Env, OnnxError> {
        let (mut numeric, mut fills) = (Vec::new(), Vec::new());
        for (name, fill) in m.columns.iter().zip(&m.fill) {
            if let FillValue::Number(f) = fill {
                numeric.push(name.clone());
                fills.push(*f);
            }
        }
        let mut filled = Env::default();
        if !numeric.is_empty() {
            let x = self.numeric(env, path, &numeric)?;
            let fill = self.g.f64s("fill", &[1, fills.len()], &fills);
            // tract's IsNaN takes float32 only; the cast keeps NaN NaN and every number a number.
            let narrow = self.g.cast(&x, data_type::FLOAT);
            let missing = self.g.op("IsNaN", &[&narrow], vec![]);
            let out = self.g.op("Where", &[&missing, &fill, &x], vec![]);
            filled = self.block(out, &numeric);
        }
        let mut out = Env::default();
        for (name, fill) in m.columns.iter().zip(&m.fill) {
            let col = match (fill, env.get(path, name)?) {
                (FillValue::Number(_), _) => filled.get(path, name)?.clone(),
                (FillValue::Text(f), Col::Text { value, fill }) => {
                    Col::Text { value: value.clone(), fill: Some(fill.clone().unwrap_or_else(|| f.clone())) }
                }
                (FillValue::Text(_), Col::Num { .. }) => {
                    return Err(unsupported(path, format!("column {name:?} is numeric but has a text fill")))
                }
            };
            out.push(name.clone(), col);
        }
        Ok(out)
    }

    /// Each column: `CategoryMapper` to the category's position (−1 when unknown; an imputed
    /// empty cell maps to its fill's position), then `Equal` against the kept positions, as
    /// doubles.
    fn one_hot(&mut self, path: &str, m: &OneHotEncoder, env: &Env) -> Result<Env, OnnxError> {
        let names_out = amber_estimators::Transformer::feature_names_out(m);
        let mut names_out = names_out.into_iter();
        let mut out = Env::default();
        for ((name, categories), dropped) in m.columns.iter().zip(&m.categories).zip(&m.dropped) {
            let Col::Text { value, fill } = env.get(path, name)? else {
                return Err(unsupported(path, format!("column {name:?} is numeric where text is needed")));
            };
            if categories.iter().any(String::is_empty) {
                return Err(unsupported(
                    path,
                    format!(
                        "column {name:?} has the empty category, which the graph reads as a missing value"
                    ),
                ));
            }
            let mut from: Vec<&str> = categories.iter().map(String::as_str).collect();
            let mut to: Vec<i64> = (0..categories.len() as i64).collect();
            if let Some(i) = fill.as_ref().and_then(|f| amber_data::category_index(categories, f)) {
                from.push("");
                to.push(i as i64);
            }
            let codes = self.g.node(
                ML,
                "CategoryMapper",
                &[value],
                vec![
                    graph::strings("cats_strings", from),
                    graph::ints("cats_int64s", to),
                    graph::int("default_int64", -1),
                ],
                1,
            );
            let kept: Vec<i64> =
                (0..categories.len()).filter(|c| Some(*c) != *dropped).map(|c| c as i64).collect();
            if kept.is_empty() {
                continue;
            }
            let positions = self.g.i64s("categories", &[1, kept.len()], &kept);
            let codes = codes.first().map_or("", String::as_str);
            let hot = self.g.op("Equal", &[codes, &positions], vec![]);
            let hot = self.g.cast(&hot, data_type::DOUBLE);
            let names: Vec<String> = names_out.by_ref().take(kept.len()).collect();
            out.extend(self.block(hot, &names));
        }
        Ok(out)
    }

    /// Each group's steps on its columns, then the passthrough columns.
    fn column_transformer(
        &mut self,
        path: &str,
        c: &FittedColumnTransformer,
        env: &Env,
    ) -> Result<Env, OnnxError> {
        let mut out = Env::default();
        for group in &c.groups {
            let group_path = format!("{path}.{}", group.name);
            let input = group
                .columns
                .iter()
                .map(|n| Ok((n.clone(), env.get(&group_path, n)?.clone())))
                .collect::<Result<Env, OnnxError>>()?;
            out.extend(self.chain(&group.steps, &group_path, input)?);
        }
        for name in &c.passthrough {
            out.push(name.clone(), env.get(path, name)?.clone());
        }
        Ok(out)
    }
}
