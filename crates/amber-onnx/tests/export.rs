//! The export's edges, each run in tract: thresholds between adjacent float32 values, every
//! transformer setting, SVC without probabilities, a pipeline without a classifier, unseen and
//! missing categories, the metadata, and the named errors for what cannot be exported.

mod common;

use amber_data::{datasets, Column, ColumnKind, Table};
use amber_estimators::{
    Classifier, ClassifierParams, DecisionTreeClassifier, Drop, HandleUnknown, ImputeStrategy, Kernel,
    LogisticRegression, MinMaxScaler, OneHotEncoder, SimpleImputer, StandardScaler, SVC,
};
use amber_onnx::{Export, OnnxError};
use amber_pipeline::{ColumnTransformer, Columns, FittedClassifier, Pipeline};
use common::{compare, run, run_raw, split};
use prost::Message;

/// A tree split between two adjacent float32 values `a` and `b = a.next_up()`: its threshold, the
/// f64 midpoint, is no float32, and rounding it to the nearest float32 gives `b` (the even one),
/// which would send `b` left. The export rounds down, so both rows go where amber sends them.
#[test]
fn thresholds_between_adjacent_float32_values_split_as_in_amber() {
    let a = 1024.0f32.next_up(); // odd last bit; its ulp far above scikit-learn's 1e-7 tie rule
    let b = a.next_up();
    let midpoint = (f64::from(a) + f64::from(b)) / 2.0;
    assert_eq!(midpoint as f32, b, "the midpoint rounds up");
    let x = ndarray::array![[f64::from(a)], [f64::from(b)], [f64::from(a)], [f64::from(b)]];
    let model = DecisionTreeClassifier::params().fit(x.view(), &[0, 1, 0, 1]).expect("fit");
    assert_eq!(model.tree.threshold, [midpoint]);
    let labels = vec!["low".to_string(), "high".to_string()];
    let onnx = Export::new().classifier(&FittedClassifier::from(model.clone()), &labels).expect("export");
    let table =
        Table::new(vec![("x".into(), Column::Numeric(vec![f64::from(a), f64::from(b)]))]).expect("table");
    let ran = run(&onnx, &table, &["x".to_string()], &[]);
    assert_eq!(ran.labels, ["low", "high"]);
    let proba = model.predict_proba(ndarray::array![[f64::from(a)], [f64::from(b)]].view()).expect("proba");
    compare("adjacent thresholds", &ran, &["low".into(), "high".into()], Some(&proba));
}

/// Min-max scaling, constant fills (numeric and text), one-hot with `drop = first` and
/// `if_binary`, an unknown category and missing cells: amber's answers, in tract.
#[test]
fn every_transformer_setting_runs_as_in_amber() {
    let penguins = datasets::penguins().expect("penguins");
    let (train, test) = split(&penguins, &[]);
    let pre = ColumnTransformer::new()
        .group("numeric", Columns::Kind(ColumnKind::Numeric))
        .step("imputer", SimpleImputer::params().fill_number(-1.0))
        .step("scaler", MinMaxScaler::params())
        .group("island", Columns::Names(vec!["island".into()]))
        .step("imputer", SimpleImputer::params().fill_text("nowhere"))
        .step("onehot", OneHotEncoder::params().drop(Drop::First).handle_unknown(HandleUnknown::Ignore))
        .group("sex", Columns::Names(vec!["sex".into()]))
        .step("imputer", SimpleImputer::params().strategy(ImputeStrategy::MostFrequent))
        .step("onehot", OneHotEncoder::params().drop(Drop::IfBinary));
    let fitted = Pipeline::new()
        .transformer("pre", pre)
        .classifier("lr", LogisticRegression::params().max_iter(1000))
        .fit(&train, "species")
        .expect("fit");
    // A row from an island the model never saw: one-hot with `ignore` encodes it as zeros.
    let mut columns = test.clone().into_columns();
    for (name, column) in &mut columns {
        if let (true, Column::Categorical(cells)) = (name == "island", column) {
            cells[0] = Some("Atlantis".into());
        }
    }
    let test = Table::new(columns).expect("table");
    let signature = amber_onnx::signature(&fitted).expect("signature");
    assert_eq!(signature.categorical, ["island", "sex"]);
    let onnx = Export::new().pipeline(&fitted).expect("export");
    let ran = run(&onnx, &test, &signature.numeric, &signature.categorical);
    let proba = fitted.predict_proba(&test).expect("proba");
    compare("every transformer setting", &ran, &fitted.predict(&test).expect("predict"), Some(&proba));
}

/// Without Platt scaling the graph outputs decision values, amber's to 1e-9 relative; with a
/// linear kernel too.
#[test]
fn svc_without_probabilities_outputs_amber_decision_values() {
    let iris = datasets::iris().expect("iris");
    let (train, test) = split(&iris, &[]);
    for kernel in [Kernel::Linear, Kernel::Rbf { gamma: amber_estimators::Gamma::Scale }] {
        let fitted = Pipeline::new()
            .transformer("scale", StandardScaler::params())
            .classifier("svc", SVC::params().kernel(kernel))
            .fit(&train, "species")
            .expect("fit");
        let signature = amber_onnx::signature(&fitted).expect("signature");
        assert_eq!(signature.outputs, ["label", "decision_function"]);
        let onnx = Export::new().pipeline(&fitted).expect("export");
        let ran = run(&onnx, &test, &signature.numeric, &signature.categorical);
        let Some(amber_pipeline::FittedClassifierStep { model: FittedClassifier::Svc(svc), .. }) =
            &fitted.classifier
        else {
            panic!("an SVC")
        };
        let features = fitted.transform(&test).expect("transform").to_array2().expect("matrix");
        let decision = svc.decision_function(features.view()).expect("decision values");
        compare(&format!("{kernel:?}"), &ran, &fitted.predict(&test).expect("predict"), None);
        for (row, expected) in ran.scores.iter().zip(decision.outer_iter()) {
            for (a, b) in row.iter().zip(expected) {
                // The output is float32: within its rounding of amber's f64 value.
                assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{kernel:?}: {a} vs {b}");
            }
        }
    }
}

/// A pipeline without a classifier outputs its features, amber's rounded to float32.
#[test]
fn a_pipeline_without_classifier_outputs_its_features() {
    let penguins = datasets::penguins().expect("penguins");
    let (train, test) = split(&penguins, &[]);
    let fitted = Pipeline::new().transformer("pre", ColumnTransformer::standard()).fit_transformers(&train);
    let fitted = fitted.expect("fit");
    let signature = amber_onnx::signature(&fitted).expect("signature");
    assert_eq!(signature.outputs, ["features"]);
    let onnx = Export::new().pipeline(&fitted).expect("export");
    let out = run_raw(&onnx, &test, &signature.numeric, &signature.categorical);
    let features = out[0].to_plain_array_view::<f32>().expect("float features");
    let expected = fitted.transform(&test).expect("transform").to_array2().expect("matrix");
    assert_eq!(features.shape(), expected.shape());
    for (a, b) in features.iter().zip(expected.iter()) {
        assert_eq!(*a, *b as f32, "features are amber's, rounded to float32");
    }
}

/// The file names amber, the labels and the schema, plus what the caller adds.
#[test]
fn metadata_names_version_labels_schema_and_caller_entries() {
    let iris = datasets::iris().expect("iris");
    let fitted = Pipeline::new()
        .classifier("tree", DecisionTreeClassifier::params())
        .fit(&iris.table, "species")
        .expect("fit");
    let onnx = Export::new().metadata("dataset_fingerprint", "abc123").pipeline(&fitted).expect("export");
    let model = tract_onnx::pb::ModelProto::decode(&onnx[..]).expect("a ModelProto");
    let meta: std::collections::HashMap<_, _> =
        model.metadata_props.iter().map(|p| (p.key.as_str(), p.value.as_str())).collect();
    assert_eq!(meta["amber_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(meta["labels"], r#"["setosa","versicolor","virginica"]"#);
    assert_eq!(meta["dataset_fingerprint"], "abc123");
    let schema: amber_pipeline::InputSchema = serde_json::from_str(meta["schema"]).expect("schema JSON");
    assert_eq!(schema, fitted.schema);
    let opsets: Vec<(String, i64)> =
        model.opset_import.iter().map(|o| (o.domain.clone(), o.version)).collect();
    assert_eq!(opsets, [(String::new(), 15), ("ai.onnx.ml".to_string(), 3)]);
    assert_eq!(model.ir_version, 8);
}

/// What the graph cannot express is a named error, never a different graph.
#[test]
fn what_cannot_be_exported_is_a_named_error() {
    // One categorical column `name` with three cells, one-hot encoded into a logistic regression.
    let fit = |name: &str, cells: [&str; 3]| {
        let table = Table::new(vec![
            (name.into(), Column::Categorical(cells.iter().map(|c| Some(c.to_string())).collect())),
            ("y".into(), Column::Categorical(vec![Some("a".into()), Some("b".into()), Some("a".into())])),
        ])
        .expect("table");
        Pipeline::new()
            .transformer("onehot", OneHotEncoder::params())
            .classifier("lr", LogisticRegression::params())
            .fit(&table, "y")
            .expect("fit")
    };
    // The empty string is how the graph encodes a missing category.
    match Export::new().pipeline(&fit("colour", ["", "red", "red"])) {
        Err(OnnxError::Unsupported { step, reason }) => {
            assert_eq!(step, "input");
            assert!(reason.contains("\"colour\"") && reason.contains("empty category"), "{reason}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    // A categorical column named like an output.
    match Export::new().pipeline(&fit("label", ["x", "z", "x"])) {
        Err(OnnxError::Unsupported { reason, .. }) => assert!(reason.contains("\"label\""), "{reason}"),
        other => panic!("expected Unsupported, got {other:?}"),
    }
    // Labels that do not match the classes.
    let x = ndarray::array![[0.0], [1.0]];
    let model: FittedClassifier = LogisticRegression::params().fit(x.view(), &[0, 1]).expect("fit").into();
    assert!(matches!(
        Export::new().classifier(&model, &["only one".to_string()]),
        Err(OnnxError::Labels { classes: 2, labels: 1 })
    ));
    // An invalid model is refused before anything is written.
    let FittedClassifier::LogisticRegression(mut broken) = model else { panic!("lr") };
    broken.intercept.clear();
    assert!(matches!(
        Export::new().classifier(&broken.into(), &["a".to_string(), "b".to_string()]),
        Err(OnnxError::Estimator(_))
    ));
}
