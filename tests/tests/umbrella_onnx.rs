//! The umbrella crate's `onnx` feature: `amber::onnx` is amber-onnx, reachable with one dependency.

#[test]
fn the_onnx_feature_exports_through_the_umbrella_crate() {
    let iris = amber::data::datasets::iris().unwrap().table;
    let fitted = amber::pipeline::Pipeline::new()
        .classifier("tree", amber::estimators::DecisionTreeClassifier::params())
        .fit(&iris, "species")
        .unwrap();
    let bytes = amber::onnx::Export::new().pipeline(&fitted).unwrap();
    // A ModelProto starts with field 1, ir_version: key 0x08, then the varint 8.
    assert_eq!(bytes[..2], [0x08, 0x08]);
    assert_eq!(amber::onnx::signature(&fitted).unwrap().outputs, ["label", "probabilities"]);
}
