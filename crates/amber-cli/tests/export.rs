//! `amber export onnx`: the file it writes runs in tract (an ONNX runtime amber did not write) with
//! amber's labels, carries the model file's identity, and is refused like `verify` when keys are
//! given and the file is not signed by one.

mod common;

use amber_data::{Column, Table};
use amber_persistence::{inspect, load};
use amber_pipeline::FittedPipeline;
use common::*;
use prost::Message;
use tract_onnx::prelude::*;

/// The `label` output of the ONNX file `bytes` run in tract on the float32 rounding of `x`.
fn tract_labels(bytes: &[u8], x: &ndarray::Array2<f64>) -> Vec<String> {
    let rows = tract_ndarray::Array2::from_shape_fn(x.dim(), |(i, j)| x[[i, j]] as f32);
    let plan = tract_onnx::onnx()
        .model_for_read(&mut &bytes[..])
        .unwrap()
        .with_input_fact(0, f32::fact([rows.nrows(), rows.ncols()]).into())
        .unwrap()
        .into_optimized()
        .unwrap()
        .into_runnable()
        .unwrap();
    let out = plan.run(tvec!(Tensor::from(rows).into())).unwrap();
    out[0].to_plain_array_view::<String>().unwrap().iter().cloned().collect()
}

#[test]
fn export_onnx_writes_a_graph_that_predicts_as_amber() {
    let tmp = scratch();
    let dir = tmp.path();
    let data = dataset("iris");
    let trained = train(dir, &["--data", data.to_str().unwrap(), "--target", "species", "--model", "lr"]);
    let model = trained["path"].as_str().unwrap();
    let text = ok(dir, &["export", "onnx", model, "-o", "iris.onnx"]);
    assert!(text.contains("inputs float_input [N, 4]; outputs label, probabilities"), "{text}");

    // The same rows, rounded to float32 (the graph's input type), through amber and through tract.
    let table = Table::from_csv_path(&data).unwrap().drop_columns(&["species"]).unwrap();
    let rounded: Vec<(String, Column)> = table
        .columns()
        .map(|(n, c)| {
            (
                n.to_string(),
                Column::Numeric(c.as_numeric().unwrap().iter().map(|&v| f64::from(v as f32)).collect()),
            )
        })
        .collect();
    let rounded = Table::new(rounded).unwrap();
    let expected = load::<FittedPipeline>(dir.join(model)).unwrap().predict(&rounded).unwrap();
    let bytes = std::fs::read(dir.join("iris.onnx")).unwrap();
    assert_eq!(tract_labels(&bytes, &rounded.to_array2().unwrap()), expected);

    // The model file's identity is in the ONNX metadata.
    let header = inspect(dir.join(model)).unwrap();
    let onnx = tract_onnx::pb::ModelProto::decode(&bytes[..]).unwrap();
    let meta = |key: &str| onnx.metadata_props.iter().find(|p| p.key == key).map(|p| p.value.clone());
    assert_eq!(meta("dataset_fingerprint"), header.dataset.map(|d| d.fingerprint));
    assert_eq!(meta("model_name"), header.model_name);
    assert_eq!(meta("amber_kind").as_deref(), Some("pipeline"));
}

#[test]
fn export_onnx_with_keys_refuses_unsigned_files_and_names_bad_input() {
    let tmp = scratch();
    let dir = tmp.path();
    let data = dataset("iris");
    ok(dir, &["keygen", "--out", "release.pem"]);
    let args = ["--data", data.to_str().unwrap(), "--target", "species", "--model", "dt"];
    let unsigned = train(dir, &args)["path"].as_str().unwrap().to_string();
    let err = fails(dir, &["export", "onnx", &unsigned, "-o", "out.onnx", "--key", "release.pub.pem"], 2);
    assert!(err.contains("sign"), "{err}");
    assert!(!dir.join("out.onnx").exists(), "nothing written");

    let mut signed_args = args.to_vec();
    signed_args.extend(["--sign", "release.pem", "--registry", "signed"]);
    let signed = train(dir, &signed_args)["path"].as_str().unwrap().to_string();
    ok(dir, &["export", "onnx", &signed, "-o", "out.onnx", "--key", "release.pub.pem"]);
    assert!(dir.join("out.onnx").is_file());

    fails(dir, &["export", "onnx", "missing.amber", "-o", "x.onnx"], 3);
    assert_eq!(amber(dir, &["export", "onnx", &unsigned]).status.code(), Some(1), "no -o: a usage error");
    std::fs::write(dir.join("damaged.amber"), b"AMBER not really").unwrap();
    fails(dir, &["export", "onnx", "damaged.amber", "-o", "x.onnx"], 2);
}

/// A classifier saved alone exports with its class indices as labels (the file has no label map);
/// a transformer alone is refused by name.
#[test]
fn export_onnx_of_a_classifier_alone_and_of_a_transformer() {
    use amber_estimators::{
        Classifier, ClassifierParams, DecisionTreeClassifier, StandardScaler, TransformerParams,
    };
    use amber_persistence::{save, SaveOptions};

    let tmp = scratch();
    let dir = tmp.path();
    let iris = Table::from_csv_path(dataset("iris")).unwrap();
    let (x, y) = iris.split_target("species").unwrap();
    let matrix = x.to_array2().unwrap();
    let tree = DecisionTreeClassifier::params().fit(matrix.view(), &y.indices).unwrap();
    save(&tree, dir.join("tree.amber"), &SaveOptions::default()).unwrap();
    let text = ok(dir, &["export", "onnx", "tree.amber", "-o", "tree.onnx"]);
    assert!(text.contains("(decision_tree_classifier)") && text.contains("float_input [N, 4]"), "{text}");

    let bytes = std::fs::read(dir.join("tree.onnx")).unwrap();
    let expected: Vec<String> =
        tree.predict(matrix.view()).unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(tract_labels(&bytes, &matrix), expected);

    let scaler = StandardScaler::params().fit(&x).unwrap();
    save(&scaler, dir.join("scaler.amber"), &SaveOptions::default()).unwrap();
    let err = fails(dir, &["export", "onnx", "scaler.amber", "-o", "scaler.onnx"], 1);
    assert!(err.contains("standard_scaler alone cannot be exported"), "{err}");
}
