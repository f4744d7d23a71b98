//! [`Pipeline`] (hyperparameters) and [`FittedPipeline`] (plain fitted data).

use std::collections::BTreeMap;

use amber_data::{ColumnKind, LabelMap, Table};
use amber_estimators::Classifier;
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chain::{self, FittedStep, Step};
use crate::error::{at, PipelineError};
use crate::reference::{PredictionReference, Reference};
use crate::schema::{InputReport, InputSchema};
use crate::spec::{ClassifierSpec, FittedClassifier, FittedTransformer, TransformerSpec};

/// The named final classifier of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierStep {
    /// The step's name.
    pub name: String,
    /// Its hyperparameters.
    pub spec: ClassifierSpec,
}

/// Named steps: zero or more transformers, then optionally a classifier. Fitting it gives a
/// [`FittedPipeline`] that goes from a raw table to labelled predictions.
///
/// ```
/// use amber_data::datasets;
/// use amber_estimators::{LogisticRegression, StandardScaler};
/// use amber_pipeline::Pipeline;
///
/// let iris = datasets::iris()?.table;
/// let pipeline = Pipeline::new()
///     .transformer("scaler", StandardScaler::params())
///     .classifier("classifier", LogisticRegression::params());
/// let fitted = pipeline.fit(&iris, "species")?;
/// assert_eq!(fitted.predict(&iris.take_rows(&[0, 149])?)?, ["setosa", "virginica"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// The transformer steps, in order.
    pub steps: Vec<Step>,
    /// The final classifier, if any.
    pub classifier: Option<ClassifierStep>,
    /// Accept numbers in a column that was categorical in training (written as text, `1` for 1.0).
    pub accept_numbers_as_categories: bool,
}

/// A step of an unfitted pipeline, as returned by [`Pipeline::step`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepSpec<'a> {
    /// A transformer step.
    Transformer(&'a TransformerSpec),
    /// The classifier.
    Classifier(&'a ClassifierSpec),
}

impl Pipeline {
    /// An empty pipeline.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a transformer step.
    pub fn transformer(mut self, name: &str, spec: impl Into<TransformerSpec>) -> Self {
        self.steps.push(Step { name: name.to_string(), spec: spec.into() });
        self
    }

    /// Sets the final classifier.
    pub fn classifier(mut self, name: &str, spec: impl Into<ClassifierSpec>) -> Self {
        self.classifier = Some(ClassifierStep { name: name.to_string(), spec: spec.into() });
        self
    }

    /// Sets [`Pipeline::accept_numbers_as_categories`].
    pub fn accept_numbers_as_categories(mut self, on: bool) -> Self {
        self.accept_numbers_as_categories = on;
        self
    }

    /// The step called `name`.
    pub fn step(&self, name: &str) -> Option<StepSpec<'_>> {
        self.steps.iter().find(|s| s.name == name).map(|s| StepSpec::Transformer(&s.spec)).or_else(|| {
            self.classifier.as_ref().filter(|c| c.name == name).map(|c| StepSpec::Classifier(&c.spec))
        })
    }

    /// Sets the hyperparameter at `path` (`"classifier.max_depth"`, `"pre.numeric.scaler.with_mean"`)
    /// to `value`, written as JSON (`3`, `null`, `"entropy"`, `{"count": 2}`). An unknown path or a
    /// value of the wrong type is a named error, and the pipeline is then unchanged.
    ///
    /// ```
    /// use amber_estimators::DecisionTreeClassifier;
    /// use amber_pipeline::{Pipeline, PipelineError};
    /// use serde_json::json;
    ///
    /// let mut p = Pipeline::new().classifier("classifier", DecisionTreeClassifier::params());
    /// p.set_param("classifier.max_depth", json!(3))?;
    /// assert!(matches!(p.set_param("classifier.depth", json!(3)), Err(PipelineError::UnknownParameter { .. })));
    /// assert!(matches!(p.set_param("classifier.max_depth", json!("deep")), Err(PipelineError::WrongParameterType { .. })));
    /// # Ok::<(), PipelineError>(())
    /// ```
    pub fn set_param(&mut self, path: &str, value: Value) -> Result<(), PipelineError> {
        let parts: Vec<&str> = path.split('.').collect();
        let unknown = || PipelineError::UnknownParameter { path: path.to_string(), hint: String::new() };
        let (first, rest) = parts.split_first().ok_or_else(unknown)?;
        if let Some(step) = self.steps.iter_mut().find(|s| s.name == *first) {
            return step.spec.set_param(path, rest, value);
        }
        match (self.classifier.as_mut().filter(|c| c.name == *first), rest) {
            (Some(c), [field]) => c.spec.set_param(path, field, value),
            _ => Err(unknown()),
        }
    }

    /// Every hyperparameter by the path [`Pipeline::set_param`] takes, as scikit-learn's
    /// `get_params(deep=True)` lists them (leaf values only), sorted by path.
    ///
    /// ```
    /// use amber_estimators::{DecisionTreeClassifier, StandardScaler};
    /// use amber_pipeline::Pipeline;
    /// use serde_json::json;
    ///
    /// let p = Pipeline::new()
    ///     .transformer("scaler", StandardScaler::params())
    ///     .classifier("classifier", DecisionTreeClassifier::params().max_depth(Some(3)));
    /// let params = p.params();
    /// assert_eq!(params["classifier.max_depth"], json!(3));
    /// assert_eq!(params["scaler.with_mean"], json!(true));
    /// ```
    pub fn params(&self) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for step in &self.steps {
            step.spec.params_into(&step.name, &mut out);
        }
        if let Some(c) = &self.classifier {
            c.spec.params_into(&c.name, &mut out);
        }
        out
    }

    /// Checks names and every hyperparameter.
    pub fn validate(&self) -> Result<(), PipelineError> {
        chain::validate(&self.steps, "")?;
        chain::check_names(
            self.steps
                .iter()
                .map(|s| s.name.as_str())
                .chain(self.classifier.as_ref().map(|c| c.name.as_str())),
        )?;
        match &self.classifier {
            Some(c) => c.spec.validate().map_err(at(&c.name)),
            None => Ok(()),
        }
    }

    /// Fits on `x`, predicting the column `target` (every other column is a feature).
    pub fn fit(&self, x: &Table, target: &str) -> Result<FittedPipeline, PipelineError> {
        self.fit_weighted(x, target, None)
    }

    /// [`Pipeline::fit`] with a weight per row for the classifier (scikit-learn's
    /// `pipeline.fit(X, y, classifier__sample_weight=w)`; the transformers are fitted unweighted,
    /// as there). Bad weights are the classifier step's `InvalidParameter { name: "sample_weight" }`.
    ///
    /// ```
    /// use amber_estimators::LogisticRegression;
    /// use amber_pipeline::Pipeline;
    ///
    /// let iris = amber_data::datasets::iris()?.table;
    /// let lr = Pipeline::new().classifier("classifier", LogisticRegression::params().max_iter(500));
    /// // Weights of 2 everywhere are C = 2 (scikit-learn's objective is C·Σ wᵢ·lossᵢ + ½‖W‖²).
    /// let weighted = lr.fit_weighted(&iris, "species", Some(&[2.0; 150]))?;
    /// let doubled_c = Pipeline::new().classifier("classifier", LogisticRegression::params().max_iter(500).c(2.0));
    /// assert_eq!(weighted.classifier, doubled_c.fit(&iris, "species")?.classifier);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fit_weighted(
        &self,
        x: &Table,
        target: &str,
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedPipeline, PipelineError> {
        let (features, y) = x.split_target(target)?;
        self.fit_parts(&features, Some((target, y.indices, y.labels)), sample_weight)
    }

    /// Fits a pipeline without a classifier (transform only) on every column of `x`.
    pub fn fit_transformers(&self, x: &Table) -> Result<FittedPipeline, PipelineError> {
        self.fit_parts(x, None, None)
    }

    fn fit_parts(
        &self,
        features: &Table,
        target: Option<(&str, Vec<usize>, LabelMap)>,
        sample_weight: Option<&[f64]>,
    ) -> Result<FittedPipeline, PipelineError> {
        self.validate()?;
        let (steps, out) = chain::fit(&self.steps, "", features)?;
        let input = match steps.first() {
            Some(s) => s.model.feature_names_in(),
            None => features.column_names().to_vec(),
        };
        let schema = InputSchema::record(features, &input, &chain::imputed_columns(&steps))?;
        let target_indices = target.as_ref().map(|(_, y, _)| y.clone());
        let (classifier, labels, target) = match (&self.classifier, target) {
            (Some(c), Some((target, y, labels))) => {
                let model =
                    c.spec.fit_weighted(matrix(&out)?.view(), &y, sample_weight).map_err(at(&c.name))?;
                (
                    Some(FittedClassifierStep { name: c.name.clone(), model }),
                    Some(labels),
                    Some(target.to_string()),
                )
            }
            (Some(_), None) => return Err(PipelineError::TargetRequired),
            (None, _) => (None, None, None),
        };
        let mut fitted = FittedPipeline {
            schema,
            steps,
            feature_names_out: out.column_names().to_vec(),
            classifier,
            labels,
            target,
            accept_numbers_as_categories: self.accept_numbers_as_categories,
            spec: Some(self.clone()),
            reference: None,
        };
        fitted.reference = Some(fitted.record_reference(features, target_indices.as_deref())?);
        Ok(fitted)
    }
}

/// The table as the classifier's matrix: every column must be numeric.
fn matrix(x: &Table) -> Result<Array2<f64>, PipelineError> {
    if let Some((name, _)) = x.columns().find(|(_, c)| c.as_numeric().is_none()) {
        return Err(PipelineError::CategoricalAtClassifier { name: name.to_string() });
    }
    Ok(x.to_array2()?)
}

/// The named fitted classifier of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedClassifierStep {
    /// The step's name.
    pub name: String,
    /// The fitted model.
    pub model: FittedClassifier,
}

/// What [`FittedPipeline::predict_full`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The predicted label of each row.
    pub labels: Vec<String>,
    /// One row per input row, one column per label of [`FittedPipeline::proba_labels`], when
    /// asked for.
    pub probabilities: Option<Array2<f64>>,
    /// What the input check noticed without failing (ignored columns, unseen categories).
    pub report: InputReport,
}

/// A fitted pipeline: plain data from raw table to labelled prediction.
///
/// Every prediction first checks the input against [`FittedPipeline::schema`] (columns found by
/// name, kinds, missing and infinite values), so a wrong input is a named error, never a silently
/// wrong answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedPipeline {
    /// The input columns, kinds, categories and training statistics.
    pub schema: InputSchema,
    /// The fitted transformer steps.
    pub steps: Vec<FittedStep>,
    /// The columns the transformers produce (the classifier's features).
    pub feature_names_out: Vec<String>,
    /// The fitted classifier, if any.
    pub classifier: Option<FittedClassifierStep>,
    /// Class index ↔ label, when there is a classifier.
    pub labels: Option<LabelMap>,
    /// The target column's name, when there is a classifier.
    pub target: Option<String>,
    /// Accept numbers in a categorical column.
    pub accept_numbers_as_categories: bool,
    /// The pipeline it was fitted from: every hyperparameter ([`FittedPipeline::params`]). `None`
    /// in files written before format 1.3.
    #[serde(default)]
    pub spec: Option<Pipeline>,
    /// The training data's distributions and the predictions on them, for drift monitoring
    /// ([`Reference`]). `None` in files written before format 1.6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
}

/// A step of a fitted pipeline, as returned by [`FittedPipeline::step`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FittedStepRef<'a> {
    /// A transformer step.
    Transformer(&'a FittedTransformer),
    /// The classifier.
    Classifier(&'a FittedClassifier),
}

impl FittedPipeline {
    /// The step called `name`.
    pub fn step(&self, name: &str) -> Option<FittedStepRef<'_>> {
        self.steps.iter().find(|s| s.name == name).map(|s| FittedStepRef::Transformer(&s.model)).or_else(
            || {
                self.classifier
                    .as_ref()
                    .filter(|c| c.name == name)
                    .map(|c| FittedStepRef::Classifier(&c.model))
            },
        )
    }

    /// Every step's path and kind, depth first, the classifier last:
    /// `[("pre", "column_transformer"), ("pre.numeric.imputer", "simple_imputer"), …,
    /// ("classifier", "logistic_regression")]`.
    pub fn step_kinds(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        chain::step_kinds(&self.steps, "", &mut out);
        if let Some(c) = &self.classifier {
            out.push((c.name.clone(), c.model.kind()));
        }
        out
    }

    /// Checks `x` against the input schema; reports ignored extra columns and reordering.
    pub fn check_input(&self, x: &Table) -> Result<InputReport, PipelineError> {
        self.schema.check(x, self.accept_numbers_as_categories)
    }

    /// The columns of `x` the pipeline reads, checked and converted to the training kinds, in the
    /// training order: what the first step sees.
    pub fn conformed(&self, x: &Table) -> Result<Table, PipelineError> {
        Ok(self.schema.conform(x, self.accept_numbers_as_categories)?.0)
    }

    /// Applies the transformer steps to (the checked needed columns of) `x`.
    pub fn transform(&self, x: &Table) -> Result<Table, PipelineError> {
        let (input, _) = self.schema.conform(x, self.accept_numbers_as_categories)?;
        chain::transform(&self.steps, "", &input)
    }

    fn model(&self) -> Result<(&FittedClassifierStep, &LabelMap), PipelineError> {
        self.classifier.as_ref().zip(self.labels.as_ref()).ok_or(PipelineError::NoClassifier)
    }

    /// The predicted class index of each row.
    pub fn predict_indices(&self, x: &Table) -> Result<Vec<usize>, PipelineError> {
        let (c, _) = self.model()?;
        let features = matrix(&self.transform(x)?)?;
        c.model.predict(features.view()).map_err(at(&c.name))
    }

    /// The predicted label of each row (`"setosa"`, `"Yes"`).
    pub fn predict(&self, x: &Table) -> Result<Vec<String>, PipelineError> {
        let (_, labels) = self.model()?;
        Ok(labels.decode(&self.predict_indices(x)?)?)
    }

    /// Class probabilities: one row per input row, one column per label of
    /// [`FittedPipeline::proba_labels`].
    pub fn predict_proba(&self, x: &Table) -> Result<Array2<f64>, PipelineError> {
        let (c, _) = self.model()?;
        let features = matrix(&self.transform(x)?)?;
        c.model.predict_proba(features.view()).map_err(at(&c.name))
    }

    /// Checks `x` once, transforms it once, and predicts from those features the labels and, if
    /// `proba`, the probabilities: what [`FittedPipeline::check_input`],
    /// [`FittedPipeline::predict`] and [`FittedPipeline::predict_proba`] give, at the cost of one.
    ///
    /// ```
    /// use amber_estimators::LogisticRegression;
    /// use amber_pipeline::Pipeline;
    ///
    /// let iris = amber_data::datasets::iris()?.table;
    /// let fitted = Pipeline::new().classifier("classifier", LogisticRegression::params()).fit(&iris, "species")?;
    /// let prediction = fitted.predict_full(&iris, true)?;
    /// assert_eq!(prediction.labels, fitted.predict(&iris)?);
    /// assert_eq!(prediction.probabilities, Some(fitted.predict_proba(&iris)?));
    /// assert_eq!(prediction.report.extra_columns, ["species"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_full(&self, x: &Table, proba: bool) -> Result<Prediction, PipelineError> {
        let (c, labels) = self.model()?;
        let (input, report) = self.schema.conform(x, self.accept_numbers_as_categories)?;
        let features = matrix(&chain::transform(&self.steps, "", &input)?)?;
        let indices = c.model.predict(features.view()).map_err(at(&c.name))?;
        let probabilities = match proba {
            true => Some(c.model.predict_proba(features.view()).map_err(at(&c.name))?),
            false => None,
        };
        Ok(Prediction { labels: labels.decode(&indices)?, probabilities, report })
    }

    /// Every hyperparameter it was fitted with, by path ([`Pipeline::params`]); empty for a
    /// pipeline loaded from a file written before format 1.3.
    ///
    /// ```
    /// use amber_estimators::RandomForestClassifier;
    /// use amber_pipeline::Pipeline;
    /// use serde_json::json;
    ///
    /// let iris = amber_data::datasets::iris()?.table;
    /// let fitted = Pipeline::new()
    ///     .classifier("classifier", RandomForestClassifier::params().n_estimators(10))
    ///     .fit(&iris, "species")?;
    /// assert_eq!(fitted.params()["classifier.n_estimators"], json!(10));
    /// assert_eq!(fitted.params()["classifier.max_features"], json!("sqrt"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn params(&self) -> BTreeMap<String, Value> {
        self.spec.as_ref().map(Pipeline::params).unwrap_or_default()
    }

    /// The labels of the columns of [`FittedPipeline::predict_proba`].
    pub fn proba_labels(&self) -> Result<Vec<String>, PipelineError> {
        let (c, labels) = self.model()?;
        Ok(labels.decode(c.model.classes())?)
    }

    /// What a user should know about how the fit went, as scikit-learn's warnings would say it:
    /// today, a logistic regression that stopped at `max_iter` without converging. The library
    /// prints nothing; the CLI shows these on stderr.
    ///
    /// ```
    /// use amber_estimators::LogisticRegression;
    /// use amber_pipeline::{ColumnTransformer, Pipeline};
    ///
    /// let iris = amber_data::datasets::iris()?.table;
    /// let short = Pipeline::new().classifier("lr", LogisticRegression::params().max_iter(3));
    /// let warnings = short.fit(&iris, "species")?.warnings();
    /// assert_eq!(warnings, ["lr: LogisticRegression did not converge in 3 iterations; raise max_iter or scale the data"]);
    /// let scaled = Pipeline::new().transformer("pre", ColumnTransformer::standard()).classifier("lr", LogisticRegression::params());
    /// assert!(scaled.fit(&iris, "species")?.warnings().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn warnings(&self) -> Vec<String> {
        let Some(step) = &self.classifier else { return Vec::new() };
        match step.model.convergence() {
            Some(c) if !c.converged => vec![format!(
                "{}: LogisticRegression did not converge in {} iterations; raise max_iter or scale the data",
                step.name, c.n_iter
            )],
            _ => Vec::new(),
        }
    }

    /// The reference of the training features `x`: its columns, and this pipeline's predictions on
    /// the sampled rows.
    fn record_reference(&self, x: &Table, target: Option<&[usize]>) -> Result<Reference, PipelineError> {
        let rows = crate::reference::sample_rows(x.n_rows());
        let prediction = match (&self.classifier, target) {
            (Some(_), Some(target)) => {
                let sample = x.take_rows(&rows)?;
                let predicted = self.predict_indices(&sample)?;
                let (c, _) = self.model()?;
                let positions: Vec<usize> = predicted
                    .iter()
                    .map(|p| c.model.classes().iter().position(|k| k == p).unwrap_or(usize::MAX))
                    .collect();
                let mut target_counts = vec![0; c.model.classes().len()];
                for y in target {
                    if let Some(n) =
                        c.model.classes().iter().position(|k| k == y).and_then(|i| target_counts.get_mut(i))
                    {
                        *n += 1;
                    }
                }
                // An SVC fitted without Platt scaling has no probabilities: none are recorded.
                let proba = match self.predict_proba(&sample) {
                    Err(PipelineError::Step {
                        source: amber_estimators::EstimatorError::ProbabilityNotEnabled,
                        ..
                    }) => Array2::zeros((sample.n_rows(), 0)),
                    other => other?,
                };
                Some(PredictionReference::record(self.proba_labels()?, &positions, &proba, target_counts))
            }
            _ => None,
        };
        Ok(Reference::record(x, &self.schema, &rows, prediction)?)
    }

    /// Checks every step, that each step reads only what the one before produces, that the
    /// classifier's width and classes fit, and the schema.
    pub fn validate(&self) -> Result<(), PipelineError> {
        let invalid = |reason: String| PipelineError::InvalidPipeline { reason };
        let names = self.schema.names();
        chain::check_names(names.iter().map(String::as_str)).map_err(|e| invalid(format!("schema: {e}")))?;
        let input: Vec<(String, ColumnKind)> =
            self.schema.columns.iter().map(|c| (c.name.clone(), c.kind)).collect();
        let flow = chain::validate_fitted(&self.steps, "", &input)?;
        if let Some(spec) = &self.spec {
            spec.validate()?;
            let fitted: Vec<&str> = self.steps.iter().map(|s| s.name.as_str()).collect();
            let specified: Vec<&str> = spec.steps.iter().map(|s| s.name.as_str()).collect();
            let classifier = |c: Option<(&str, &str)>| c.map(|(n, k)| format!("{n} ({k})"));
            if fitted != specified
                || classifier(self.classifier.as_ref().map(|c| (c.name.as_str(), c.model.kind())))
                    != classifier(spec.classifier.as_ref().map(|c| (c.name.as_str(), c.spec.kind())))
            {
                return Err(invalid("the recorded hyperparameters describe other steps".into()));
            }
        }
        let out: Vec<String> = flow.iter().map(|(n, _)| n.clone()).collect();
        if out != self.feature_names_out {
            return Err(invalid("feature_names_out does not match the last step's output".into()));
        }
        if let Some(first) = self.steps.first() {
            if first.model.feature_names_in() != names {
                return Err(invalid("the schema's columns are not the first step's input".into()));
            }
        }
        if let (Some(_), Some((name, _))) =
            (&self.classifier, flow.iter().find(|(_, k)| *k != ColumnKind::Numeric))
        {
            return Err(invalid(format!("column {name:?} reaches the classifier as text")));
        }
        self.validate_classifier(&out)?;
        let Some(reference) = &self.reference else { return Ok(()) };
        let labels = match &self.classifier {
            Some(_) => Some(self.proba_labels()?),
            None => None,
        };
        reference.validate(&self.schema, labels.as_deref()).map_err(|e| invalid(format!("reference: {e}")))
    }

    /// The classifier's own checks, its width against the steps' output `out`, and its labels.
    fn validate_classifier(&self, out: &[String]) -> Result<(), PipelineError> {
        let invalid = |reason: String| PipelineError::InvalidPipeline { reason };
        match (&self.classifier, &self.labels) {
            (None, None) => Ok(()),
            (Some(c), Some(labels)) => {
                c.model.validate().map_err(at(&c.name))?;
                labels.validate()?;
                if c.model.n_features() != out.len() {
                    return Err(invalid(format!(
                        "the classifier takes {} features, the steps produce {}",
                        c.model.n_features(),
                        out.len()
                    )));
                }
                if c.model.classes().iter().any(|&k| k >= labels.len()) {
                    return Err(invalid("a classifier class has no label".into()));
                }
                Ok(())
            }
            _ => Err(invalid("a classifier needs a label map, and a label map a classifier".into())),
        }
    }
}
