//! `ColumnTransformer`: a chain of transformers per group of columns, outputs side by side.

use std::sync::Arc;

use amber_data::{Column, ColumnKind, Table};
use amber_estimators::{HandleUnknown, ImputeStrategy, OneHotEncoder, SimpleImputer, StandardScaler};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chain::{self, path, FittedStep, Flow, Step};
use crate::error::PipelineError;
use crate::spec::TransformerSpec;

/// Which columns a group takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Columns {
    /// These columns, by name (each must exist).
    Names(Vec<String>),
    /// Every column of this kind (after [`ColumnTransformer::drop`]), in table order.
    Kind(ColumnKind),
}

/// What happens to columns no group takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// Left out of the output (the default).
    #[default]
    Drop,
    /// Appended to the output unchanged.
    Passthrough,
}

/// A named group: its columns and the steps applied to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnGroup {
    /// Unique name of the group.
    pub name: String,
    /// The columns it takes.
    pub columns: Columns,
    /// The steps applied to them, in order.
    pub steps: Vec<Step>,
}

/// Different transformers for different columns, outputs side by side (scikit-learn's
/// `ColumnTransformer` with `verbose_feature_names_out=False`: output columns keep their names,
/// `contract=Two year` for one-hot columns).
///
/// ```
/// use amber_data::ColumnKind;
/// use amber_estimators::{ImputeStrategy, OneHotEncoder, SimpleImputer, StandardScaler};
/// use amber_pipeline::{ColumnTransformer, Columns};
///
/// // The tutorial lab's shape: numeric → median + scale, categorical → most frequent + one-hot, id dropped.
/// let pre = ColumnTransformer::new()
///     .group("numeric", Columns::Kind(ColumnKind::Numeric))
///     .step("imputer", SimpleImputer::params().strategy(ImputeStrategy::Median))
///     .step("scaler", StandardScaler::params())
///     .group("categorical", Columns::Kind(ColumnKind::Categorical))
///     .step("imputer", SimpleImputer::params().strategy(ImputeStrategy::MostFrequent))
///     .step("onehot", OneHotEncoder::params())
///     .drop(["customerid"]);
/// assert_eq!(pre.groups.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnTransformer {
    /// The groups, in output order.
    pub groups: Vec<ColumnGroup>,
    /// Columns no group may take, whatever the selector (for example an id).
    pub drop: Vec<String>,
    /// Columns no group takes.
    pub remainder: Remainder,
}

impl ColumnTransformer {
    /// No groups, remainder dropped.
    pub fn new() -> Self {
        Self::default()
    }

    /// The usual tabular preprocessing (the tutorials' lab): numeric columns → median imputer +
    /// standard scaler (group `numeric`); categorical columns → most-frequent imputer + one-hot
    /// encoder that ignores unknown categories (group `categorical`); remainder dropped. Add
    /// `.drop([...])` for id columns.
    ///
    /// Ignoring unknown categories is scikit-learn's usual choice for serving: a new category
    /// is encoded as all zeros rather than failing the request. It is never silent:
    /// [`FittedPipeline::check_input`](crate::FittedPipeline::check_input) counts such cells per
    /// column in [`InputReport::unseen_categories`](crate::InputReport::unseen_categories).
    ///
    /// ```
    /// use amber_pipeline::{ColumnTransformer, Pipeline};
    /// use amber_estimators::LogisticRegression;
    ///
    /// let churn = amber_data::datasets::telco_churn()?.table;
    /// let model = Pipeline::new()
    ///     .transformer("pre", ColumnTransformer::standard().drop(["customerid"]))
    ///     .classifier("classifier", LogisticRegression::params().max_iter(1000))
    ///     .fit(&churn, "churn")?;
    /// assert_eq!(model.proba_labels()?, ["No", "Yes"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn standard() -> Self {
        ColumnTransformer::new()
            .group("numeric", Columns::Kind(ColumnKind::Numeric))
            .step("imputer", SimpleImputer::params().strategy(ImputeStrategy::Median))
            .step("scaler", StandardScaler::params())
            .group("categorical", Columns::Kind(ColumnKind::Categorical))
            .step("imputer", SimpleImputer::params().strategy(ImputeStrategy::MostFrequent))
            .step("onehot", OneHotEncoder::params().handle_unknown(HandleUnknown::Ignore))
    }

    /// Starts a new group; following [`ColumnTransformer::step`] calls add to it.
    pub fn group(mut self, name: &str, columns: Columns) -> Self {
        self.groups.push(ColumnGroup { name: name.to_string(), columns, steps: Vec::new() });
        self
    }

    /// Adds a step to the last group (starting an empty-named group if there is none, which
    /// `validate` then rejects).
    pub fn step(mut self, name: &str, spec: impl Into<TransformerSpec>) -> Self {
        if self.groups.is_empty() {
            self = self.group("", Columns::Names(Vec::new()));
        }
        if let Some(g) = self.groups.last_mut() {
            g.steps.push(Step { name: name.to_string(), spec: spec.into() });
        }
        self
    }

    /// Columns left out whatever the selectors say.
    pub fn drop<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.drop.extend(names.into_iter().map(Into::into));
        self
    }

    /// Sets what happens to the columns no group takes.
    pub fn remainder(mut self, remainder: Remainder) -> Self {
        self.remainder = remainder;
        self
    }

    pub(crate) fn validate(&self, prefix: &str) -> Result<(), PipelineError> {
        chain::check_names(self.groups.iter().map(|g| g.name.as_str()))?;
        self.groups.iter().try_for_each(|g| chain::validate(&g.steps, &path(prefix, &g.name)))
    }

    /// `rest` is `[group, step, parameter…]`.
    pub(crate) fn params_into(&self, prefix: &str, out: &mut std::collections::BTreeMap<String, Value>) {
        for g in &self.groups {
            for s in &g.steps {
                s.spec.params_into(&format!("{prefix}.{}.{}", g.name, s.name), out);
            }
        }
    }

    pub(crate) fn set_param(&mut self, full: &str, rest: &[&str], value: Value) -> Result<(), PipelineError> {
        let unknown = || PipelineError::UnknownParameter { path: full.to_string(), hint: String::new() };
        let [group, step, tail @ ..] = rest else { return Err(unknown()) };
        let g = self.groups.iter_mut().find(|g| g.name == *group).ok_or_else(unknown)?;
        let s = g.steps.iter_mut().find(|s| s.name == *step).ok_or_else(unknown)?;
        s.spec.set_param(full, tail, value)
    }

    pub(crate) fn fit(&self, prefix: &str, x: &Table) -> Result<FittedColumnTransformer, PipelineError> {
        self.fit_transform(prefix, x).map(|(fitted, _)| fitted)
    }

    /// Fits every group and returns the transformed table too (each group's output is made
    /// while it is fitted).
    pub(crate) fn fit_transform(
        &self,
        prefix: &str,
        x: &Table,
    ) -> Result<(FittedColumnTransformer, Table), PipelineError> {
        self.validate(prefix)?;
        for name in &self.drop {
            if x.column_index(name).is_none() {
                return Err(PipelineError::MissingColumn { name: name.clone() });
            }
        }
        let candidates: Vec<(&str, &Column)> =
            x.columns().filter(|(n, _)| !self.drop.iter().any(|d| d == n)).collect();
        let mut groups = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        let mut out: Vec<(String, Arc<Column>)> = Vec::new();
        for g in &self.groups {
            let columns: Vec<String> = match &g.columns {
                Columns::Names(names) => {
                    if let Some(missing) = names.iter().find(|n| x.column_index(n).is_none()) {
                        return Err(PipelineError::MissingColumn { name: missing.clone() });
                    }
                    names.clone()
                }
                Columns::Kind(kind) => {
                    candidates.iter().filter(|(_, c)| c.kind() == *kind).map(|(n, _)| n.to_string()).collect()
                }
            };
            if columns.is_empty() {
                continue; // as scikit-learn: a selector that matches nothing contributes nothing
            }
            let (steps, part) = chain::fit(&g.steps, &path(prefix, &g.name), &x.select(&columns)?)?;
            out.extend(part.into_shared_columns());
            taken.extend(columns.iter().cloned());
            groups.push(FittedColumnGroup { name: g.name.clone(), columns, steps });
        }
        let passthrough: Vec<String> = match self.remainder {
            Remainder::Drop => Vec::new(),
            Remainder::Passthrough => {
                candidates.iter().map(|(n, _)| n.to_string()).filter(|n| !taken.contains(n)).collect()
            }
        };
        let input = x
            .column_names()
            .iter()
            .filter(|n| taken.contains(n) || passthrough.contains(n))
            .cloned()
            .collect();
        for name in &passthrough {
            out.push((name.clone(), x.shared_column(name)?));
        }
        let fitted = FittedColumnTransformer { input, groups, passthrough };
        fitted.check_outputs()?;
        Ok((fitted, Table::from_shared(out)?))
    }
}

/// A fitted group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedColumnGroup {
    /// The group's name.
    pub name: String,
    /// The columns it took, in order.
    pub columns: Vec<String>,
    /// Its fitted steps.
    pub steps: Vec<FittedStep>,
}

/// A fitted column transformer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedColumnTransformer {
    /// Every column it reads (groups and passthrough), in the training table's order.
    pub input: Vec<String>,
    /// The fitted groups, in output order (groups that matched no column are absent).
    pub groups: Vec<FittedColumnGroup>,
    /// Columns appended unchanged.
    pub passthrough: Vec<String>,
}

impl FittedColumnTransformer {
    fn group_outputs(&self, g: &FittedColumnGroup) -> Vec<String> {
        g.steps.last().map_or_else(|| g.columns.clone(), |s| s.model.feature_names_out())
    }

    /// Output columns: each group's, then the passthrough ones.
    pub fn feature_names_out(&self) -> Vec<String> {
        self.groups
            .iter()
            .flat_map(|g| self.group_outputs(g))
            .chain(self.passthrough.iter().cloned())
            .collect()
    }

    fn check_outputs(&self) -> Result<(), PipelineError> {
        let mut names = self.feature_names_out();
        names.sort();
        match names.windows(2).find(|w| w[0] == w[1]) {
            Some(w) => Err(PipelineError::DuplicateOutput { name: w[0].clone() }),
            None => Ok(()),
        }
    }

    pub(crate) fn transform(&self, prefix: &str, x: &Table) -> Result<Table, PipelineError> {
        let mut out: Vec<(String, Arc<Column>)> = Vec::new();
        for g in &self.groups {
            let part = chain::transform(&g.steps, &path(prefix, &g.name), &x.select(&g.columns)?)?;
            out.extend(part.into_shared_columns());
        }
        for name in &self.passthrough {
            out.push((name.clone(), x.shared_column(name)?));
        }
        Table::from_shared(out).map_err(PipelineError::from)
    }

    /// Checks its own structure (the steps are checked as they chain, see `chain`).
    pub(crate) fn validate(&self) -> Result<(), PipelineError> {
        chain::check_names(self.groups.iter().map(|g| g.name.as_str()))?;
        let read = self.groups.iter().flat_map(|g| &g.columns).chain(&self.passthrough);
        let input: std::collections::HashSet<&String> = self.input.iter().collect();
        if let Some(c) = read.into_iter().find(|c| !input.contains(c)) {
            return Err(PipelineError::InvalidPipeline {
                reason: format!("column transformer reads {c:?}, not in its input"),
            });
        }
        self.check_outputs()
    }

    /// Each group's steps chained from its columns (kinds from `input`, this transformer's
    /// input), then the passthrough columns: the output, with kinds.
    pub(crate) fn chain(&self, prefix: &str, input: &[(String, ColumnKind)]) -> Result<Flow, PipelineError> {
        let kinds: std::collections::HashMap<&str, ColumnKind> =
            input.iter().map(|(n, k)| (n.as_str(), *k)).collect();
        let kind_of = |name: &String| {
            kinds.get(name.as_str()).map(|k| (name.clone(), *k)).ok_or_else(|| {
                PipelineError::InvalidPipeline {
                    reason: format!("column transformer reads {name:?}, not in its input"),
                }
            })
        };
        let mut out = Flow::new();
        for g in &self.groups {
            let columns = g.columns.iter().map(kind_of).collect::<Result<Flow, _>>()?;
            out.extend(chain::validate_fitted(&g.steps, &path(prefix, &g.name), &columns)?);
        }
        for name in &self.passthrough {
            out.push(kind_of(name)?);
        }
        Ok(out)
    }

    pub(crate) fn imputed_columns(&self) -> Vec<String> {
        self.groups.iter().flat_map(|g| chain::imputed_columns(&g.steps)).collect()
    }
}
