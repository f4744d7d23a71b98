//! A chain of named transformer steps, fitted and applied in order: the body of a pipeline and of
//! each column-transformer group.

use amber_data::{ColumnKind, Table};
use serde::{Deserialize, Serialize};

use crate::error::PipelineError;
use crate::spec::{FittedTransformer, TransformerSpec};

/// A named transformer step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The step's name, unique in its chain.
    pub name: String,
    /// Its hyperparameters.
    pub spec: TransformerSpec,
}

/// A named fitted transformer step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedStep {
    /// The step's name.
    pub name: String,
    /// The fitted transformer.
    pub model: FittedTransformer,
}

/// `prefix.name`, or `name` at the top.
pub(crate) fn path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Names must be unique and non-empty, and may not contain the path separator.
pub(crate) fn check_names<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), PipelineError> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if name.is_empty() || name.contains('.') || !seen.insert(name) {
            return Err(PipelineError::DuplicateName { name: name.to_string() });
        }
    }
    Ok(())
}

/// Checks every step's hyperparameters.
pub(crate) fn validate(steps: &[Step], prefix: &str) -> Result<(), PipelineError> {
    check_names(steps.iter().map(|s| s.name.as_str()))?;
    steps.iter().try_for_each(|s| s.spec.validate(&path(prefix, &s.name)))
}

/// Fits the steps one after the other, each on the previous one's output; returns the fitted
/// steps and the last output.
pub(crate) fn fit(
    steps: &[Step],
    prefix: &str,
    x: &Table,
) -> Result<(Vec<FittedStep>, Table), PipelineError> {
    validate(steps, prefix)?;
    let mut fitted = Vec::with_capacity(steps.len());
    // Each step reads the one before's output (the input itself for the first: no copy).
    let mut current: Option<Table> = None;
    for step in steps {
        let at = path(prefix, &step.name);
        let (model, out) = step.spec.fit_transform(&at, current.as_ref().unwrap_or(x))?;
        current = Some(out);
        fitted.push(FittedStep { name: step.name.clone(), model });
    }
    Ok((fitted, current.unwrap_or_else(|| x.clone())))
}

/// Applies fitted steps in order.
pub(crate) fn transform(steps: &[FittedStep], prefix: &str, x: &Table) -> Result<Table, PipelineError> {
    let mut current: Option<Table> = None;
    for step in steps {
        current = Some(step.model.transform(&path(prefix, &step.name), current.as_ref().unwrap_or(x))?);
    }
    Ok(current.unwrap_or_else(|| x.clone()))
}

/// A column as it flows between steps: its name and kind.
pub(crate) type Flow = Vec<(String, ColumnKind)>;

/// Checks each fitted step, and that the steps chain: each one reads only columns the one before
/// produces (`input` for the first), of the kinds it needs. Returns the last step's columns.
pub(crate) fn validate_fitted(
    steps: &[FittedStep],
    prefix: &str,
    input: &[(String, ColumnKind)],
) -> Result<Flow, PipelineError> {
    check_names(steps.iter().map(|s| s.name.as_str()))?;
    let mut available = input.to_vec();
    for step in steps {
        let at = path(prefix, &step.name);
        step.model.validate(&at)?;
        available = step.model.chain(&at, &available)?;
    }
    Ok(available)
}

/// The columns some imputer in the steps fills.
pub(crate) fn imputed_columns(steps: &[FittedStep]) -> Vec<String> {
    steps.iter().flat_map(|s| s.model.imputed_columns()).collect()
}

/// Every step's path and kind, depth first (a column transformer, then each group's steps).
pub(crate) fn step_kinds(steps: &[FittedStep], prefix: &str, out: &mut Vec<(String, &'static str)>) {
    for step in steps {
        let at = path(prefix, &step.name);
        out.push((at.clone(), step.model.kind()));
        if let crate::spec::FittedTransformer::ColumnTransformer(c) = &step.model {
            for g in &c.groups {
                step_kinds(&g.steps, &path(&at, &g.name), out);
            }
        }
    }
}
