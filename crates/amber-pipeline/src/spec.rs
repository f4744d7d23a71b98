//! The closed sets of estimators a pipeline can hold, as enums: the hyperparameters (`…Spec`) and the
//! fitted models (`Fitted…`). Plain serde data; one macro writes each set so the variants, the
//! `From` conversions and the dispatch cannot drift apart.

use std::collections::BTreeMap;
use std::collections::HashMap;

use amber_data::{ColumnKind, Table};
use amber_estimators::*;
use ndarray::{Array2, ArrayView2};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;

use crate::chain::Flow;
use crate::column_transformer::{ColumnTransformer, FittedColumnTransformer};
use crate::error::{at, PipelineError};

/// Sets the field `field` of a serde struct from a JSON value; `path` is for errors.
pub(crate) fn set_field<P: Serialize + DeserializeOwned>(
    params: &mut P,
    path: &str,
    field: &str,
    value: Value,
) -> Result<(), PipelineError> {
    let unknown = |hint: String| PipelineError::UnknownParameter { path: path.to_string(), hint };
    let mut object = serde_json::to_value(&*params).map_err(|e| unknown(format!(" ({e})")))?;
    let map = object.as_object_mut().ok_or_else(|| unknown(String::new()))?;
    if !map.contains_key(field) {
        let known: Vec<&str> = map.keys().map(String::as_str).collect();
        return Err(unknown(format!(" (known here: {})", known.join(", "))));
    }
    map.insert(field.to_string(), value.clone());
    *params = serde_json::from_value(object).map_err(|e| PipelineError::WrongParameterType {
        path: path.to_string(),
        value,
        message: e.to_string(),
    })?;
    Ok(())
}

/// `prefix.field → value` for each field of a hyperparameter struct (as [`set_field`] sees them).
pub(crate) fn fields_into<P: Serialize>(params: &P, prefix: &str, out: &mut BTreeMap<String, Value>) {
    if let Ok(Value::Object(map)) = serde_json::to_value(params) {
        out.extend(map.into_iter().map(|(k, v)| (format!("{prefix}.{k}"), v)));
    }
}

macro_rules! classifier_set {
    ($($variant:ident($params:ty => $model:ty, $kind:literal)),* $(,)?) => {
        /// The hyperparameters of a pipeline's classifier.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum ClassifierSpec {
            $(
                #[doc = concat!("`", $kind, "`")]
                $variant($params),
            )*
        }

        /// A fitted classifier of a pipeline.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FittedClassifier {
            $(
                #[doc = concat!("`", $kind, "`")]
                $variant($model),
            )*
        }

        $(impl From<$params> for ClassifierSpec {
            fn from(p: $params) -> Self {
                ClassifierSpec::$variant(p)
            }
        }

        impl From<$model> for FittedClassifier {
            fn from(m: $model) -> Self {
                FittedClassifier::$variant(m)
            }
        })*

        impl ClassifierSpec {
            /// Checks the hyperparameters.
            pub fn validate(&self) -> Result<(), EstimatorError> {
                match self { $(ClassifierSpec::$variant(p) => p.validate(),)* }
            }
            /// Fits on `x` and class indices `y`.
            pub fn fit(&self, x: ArrayView2<f64>, y: &[usize]) -> Result<FittedClassifier, EstimatorError> {
                self.fit_weighted(x, y, None)
            }
            /// Fits on `x` and class indices `y` with a weight per row
            /// ([`ClassifierParams::fit_weighted`]).
            pub fn fit_weighted(
                &self,
                x: ArrayView2<f64>,
                y: &[usize],
                sample_weight: Option<&[f64]>,
            ) -> Result<FittedClassifier, EstimatorError> {
                match self {
                    $(ClassifierSpec::$variant(p) => p.fit_weighted(x, y, sample_weight).map(FittedClassifier::$variant),)*
                }
            }
            pub(crate) fn set_param(&mut self, path: &str, field: &str, value: Value) -> Result<(), PipelineError> {
                match self { $(ClassifierSpec::$variant(p) => set_field(p, path, field, value),)* }
            }
            /// Adds `prefix.field → value` for each hyperparameter.
            pub(crate) fn params_into(&self, prefix: &str, out: &mut BTreeMap<String, Value>) {
                match self { $(ClassifierSpec::$variant(p) => fields_into(p, prefix, out),)* }
            }
            /// The kind of model it fits, in snake case (`random_forest_classifier`).
            pub fn kind(&self) -> &'static str {
                match self { $(ClassifierSpec::$variant(_) => $kind,)* }
            }
        }

        impl FittedClassifier {
            /// The model's kind, in snake case (`random_forest_classifier`).
            pub fn kind(&self) -> &'static str {
                match self { $(FittedClassifier::$variant(_) => $kind,)* }
            }
            /// The model as the [`Classifier`] trait.
            pub fn as_classifier(&self) -> &dyn Classifier {
                match self { $(FittedClassifier::$variant(m) => m,)* }
            }
        }
    };
}

classifier_set! {
    LogisticRegression(LogisticRegressionParams => LogisticRegression, "logistic_regression"),
    DecisionTreeClassifier(DecisionTreeClassifierParams => DecisionTreeClassifier, "decision_tree_classifier"),
    RandomForestClassifier(RandomForestClassifierParams => RandomForestClassifier, "random_forest_classifier"),
    Svc(SVCParams => SVC, "svc"),
}

impl FittedClassifier {
    /// How its iterative solver ended: logistic regression's report (format 1.5 on); `None` for
    /// the other models.
    pub fn convergence(&self) -> Option<Convergence> {
        match self {
            FittedClassifier::LogisticRegression(m) => m.convergence,
            _ => None,
        }
    }
}

impl Classifier for FittedClassifier {
    fn classes(&self) -> &[usize] {
        self.as_classifier().classes()
    }
    fn n_features(&self) -> usize {
        self.as_classifier().n_features()
    }
    fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>, EstimatorError> {
        self.as_classifier().predict_proba(x)
    }
    fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<usize>, EstimatorError> {
        self.as_classifier().predict(x)
    }
    fn validate(&self) -> Result<(), EstimatorError> {
        self.as_classifier().validate()
    }
}

macro_rules! transformer_set {
    ($($variant:ident($params:ty => $model:ty, $kind:literal)),* $(,)?) => {
        /// The hyperparameters of a transformer step.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum TransformerSpec {
            $(
                #[doc = concat!("`", $kind, "`")]
                $variant($params),
            )*
            /// Different transformers for different groups of columns.
            ColumnTransformer(ColumnTransformer),
        }

        /// A fitted transformer step.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FittedTransformer {
            $(
                #[doc = concat!("`", $kind, "`")]
                $variant($model),
            )*
            /// A fitted column transformer.
            ColumnTransformer(FittedColumnTransformer),
        }

        $(impl From<$params> for TransformerSpec {
            fn from(p: $params) -> Self {
                TransformerSpec::$variant(p)
            }
        })*

        impl TransformerSpec {
            /// Fits on every column of `x`; `path` names the step in errors.
            pub(crate) fn fit(&self, path: &str, x: &Table) -> Result<FittedTransformer, PipelineError> {
                match self {
                    $(TransformerSpec::$variant(p) => p.fit(x).map(FittedTransformer::$variant).map_err(at(path)),)*
                    TransformerSpec::ColumnTransformer(c) => c.fit(path, x).map(FittedTransformer::ColumnTransformer),
                }
            }
            /// Fits on `x` and transforms it: a column transformer's groups produce their output
            /// while fitting, so it is not computed twice.
            pub(crate) fn fit_transform(&self, path: &str, x: &Table) -> Result<(FittedTransformer, Table), PipelineError> {
                match self {
                    TransformerSpec::ColumnTransformer(c) => {
                        c.fit_transform(path, x).map(|(f, out)| (FittedTransformer::ColumnTransformer(f), out))
                    }
                    _ => {
                        let model = self.fit(path, x)?;
                        let out = model.transform(path, x)?;
                        Ok((model, out))
                    }
                }
            }
            pub(crate) fn validate(&self, path: &str) -> Result<(), PipelineError> {
                match self {
                    $(TransformerSpec::$variant(p) => p.validate().map_err(at(path)),)*
                    TransformerSpec::ColumnTransformer(c) => c.validate(path),
                }
            }
            /// Adds `prefix.…field → value` for each hyperparameter, through column-transformer groups.
            pub(crate) fn params_into(&self, prefix: &str, out: &mut BTreeMap<String, Value>) {
                match self {
                    $(TransformerSpec::$variant(p) => fields_into(p, prefix, out),)*
                    TransformerSpec::ColumnTransformer(c) => c.params_into(prefix, out),
                }
            }
            pub(crate) fn set_param(&mut self, path: &str, rest: &[&str], value: Value) -> Result<(), PipelineError> {
                match (self, rest) {
                    $((TransformerSpec::$variant(p), [field]) => set_field(p, path, field, value),)*
                    (TransformerSpec::ColumnTransformer(c), _) => c.set_param(path, rest, value),
                    _ => Err(PipelineError::UnknownParameter { path: path.to_string(), hint: String::new() }),
                }
            }
        }

        impl FittedTransformer {
            /// A leaf transformer as the [`Transformer`] trait, or the column transformer.
            fn parts(&self) -> Result<&dyn Transformer, &FittedColumnTransformer> {
                match self {
                    $(FittedTransformer::$variant(m) => Ok(m),)*
                    FittedTransformer::ColumnTransformer(c) => Err(c),
                }
            }
            /// The model's kind, in snake case.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(FittedTransformer::$variant(_) => $kind,)*
                    FittedTransformer::ColumnTransformer(_) => "column_transformer",
                }
            }
        }
    };
}

transformer_set! {
    StandardScaler(StandardScalerParams => StandardScaler, "standard_scaler"),
    MinMaxScaler(MinMaxScalerParams => MinMaxScaler, "min_max_scaler"),
    SimpleImputer(SimpleImputerParams => SimpleImputer, "simple_imputer"),
    OneHotEncoder(OneHotEncoderParams => OneHotEncoder, "one_hot_encoder"),
}

impl From<ColumnTransformer> for TransformerSpec {
    fn from(c: ColumnTransformer) -> Self {
        TransformerSpec::ColumnTransformer(c)
    }
}

impl FittedTransformer {
    /// The input columns it reads.
    pub fn feature_names_in(&self) -> Vec<String> {
        match self.parts() {
            Ok(t) => t.feature_names_in().to_vec(),
            Err(c) => c.input.clone(),
        }
    }

    /// The output columns it writes, in order.
    pub fn feature_names_out(&self) -> Vec<String> {
        match self.parts() {
            Ok(t) => t.feature_names_out(),
            Err(c) => c.feature_names_out(),
        }
    }

    /// Applies it; `path` names the step in errors.
    pub(crate) fn transform(&self, path: &str, x: &Table) -> Result<Table, PipelineError> {
        match self.parts() {
            Ok(t) => t.transform(x).map_err(at(path)),
            Err(c) => c.transform(path, x),
        }
    }

    /// Checks the fitted data.
    pub(crate) fn validate(&self, path: &str) -> Result<(), PipelineError> {
        match self.parts() {
            Ok(t) => t.validate().map_err(at(path)),
            Err(c) => c.validate(),
        }
    }

    /// Given the columns available before this step, checks that it reads only those, of the
    /// kinds it needs, and returns the columns it produces.
    pub(crate) fn chain(
        &self,
        path: &str,
        available: &[(String, ColumnKind)],
    ) -> Result<Flow, PipelineError> {
        use ColumnKind::{Categorical, Numeric};
        let kinds: HashMap<&str, ColumnKind> = available.iter().map(|(n, k)| (n.as_str(), *k)).collect();
        let needs = |name: &str, kind: Option<ColumnKind>| match kinds.get(name) {
            None => Err(PipelineError::InvalidPipeline {
                reason: format!(
                    "step {path:?} reads column {name:?}, which the step before does not produce"
                ),
            }),
            Some(k) if kind.is_some_and(|kind| kind != *k) => Err(PipelineError::InvalidPipeline {
                reason: format!(
                    "step {path:?} needs column {name:?} to be {:?}, but it is {k:?}",
                    kind.unwrap_or(*k)
                ),
            }),
            Some(k) => Ok((name.to_string(), *k)),
        };
        let all =
            |names: &[String], kind| names.iter().map(|n| needs(n, Some(kind))).collect::<Result<Flow, _>>();
        match self {
            FittedTransformer::StandardScaler(m) => all(&m.columns, Numeric),
            FittedTransformer::MinMaxScaler(m) => all(&m.columns, Numeric),
            FittedTransformer::SimpleImputer(m) => m
                .columns
                .iter()
                .zip(&m.fill)
                .map(|(n, f)| {
                    needs(n, Some(if matches!(f, FillValue::Number(_)) { Numeric } else { Categorical }))
                })
                .collect(),
            FittedTransformer::OneHotEncoder(m) => {
                all(&m.columns, Categorical)?;
                Ok(m.feature_names_out().into_iter().map(|n| (n, Numeric)).collect())
            }
            FittedTransformer::ColumnTransformer(c) => {
                let input = c.input.iter().map(|n| needs(n, None)).collect::<Result<Flow, _>>()?;
                c.chain(path, &input)
            }
        }
    }

    /// The input columns whose missing cells an imputer inside this step fills.
    pub(crate) fn imputed_columns(&self) -> Vec<String> {
        match self {
            FittedTransformer::SimpleImputer(m) => m.columns.clone(),
            FittedTransformer::ColumnTransformer(c) => c.imputed_columns(),
            _ => Vec::new(),
        }
    }
}
