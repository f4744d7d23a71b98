//! [`Graph`]: an ONNX graph under construction: nodes in the order they are added (which is
//! topological, since a node can only take values that exist), constants, inputs and outputs,
//! and value names that never collide with the graph's inputs.

use std::collections::{HashMap, HashSet};

use crate::proto::{
    attribute_type, data_type, AttributeProto, Dimension, DimensionValue, GraphProto, NodeProto, TensorProto,
    TensorShapeProto, TensorTypeProto, TypeProto, ValueInfoProto,
};

/// The domain of the ONNX-ML operators (`TreeEnsembleClassifier`, `LinearClassifier`, …).
pub(crate) const ML: &str = "ai.onnx.ml";

/// The symbolic batch dimension of every input and output.
const BATCH: &str = "N";

#[derive(Default)]
pub(crate) struct Graph {
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    inputs: Vec<ValueInfoProto>,
    outputs: Vec<ValueInfoProto>,
    /// Every value name in use, so that a new one never equals an input's.
    taken: HashSet<String>,
    counter: usize,
    /// Small constants already in the graph, by type, shape and bytes: asked for again, the same
    /// one is returned (the SVC coupling asks for the same scalars and slice bounds hundreds of
    /// times).
    small_constants: HashMap<(i32, Vec<usize>, Vec<u8>), String>,
}

/// Constants up to this many bytes are shared (see `Graph::small_constants`).
const SMALL_CONSTANT: usize = 64;

impl Graph {
    /// A new value name: `hint`, numbered.
    pub(crate) fn fresh(&mut self, hint: &str) -> String {
        loop {
            self.counter += 1;
            let name = format!("{hint}_{}", self.counter);
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }

    /// Declares an input `[N, width]` of element type `elem`.
    pub(crate) fn input(&mut self, name: &str, elem: i32, width: usize) {
        self.taken.insert(name.to_string());
        self.inputs.push(value_info(name, elem, &[None, Some(width)]));
    }

    /// Declares `value` an output called `name` (`[N]`, or `[N, width]`), through an `Identity`.
    pub(crate) fn output(&mut self, name: &str, value: &str, elem: i32, width: Option<usize>) {
        self.taken.insert(name.to_string());
        self.nodes.push(NodeProto {
            input: vec![value.to_string()],
            output: vec![name.to_string()],
            name: format!("output_{name}"),
            op_type: "Identity".into(),
            ..NodeProto::default()
        });
        let dims: Vec<Option<usize>> = std::iter::once(None).chain(width.map(Some)).collect();
        self.outputs.push(value_info(name, elem, &dims));
    }

    /// Adds a node of the default domain with one output; returns the output's name.
    pub(crate) fn op(&mut self, op: &str, inputs: &[&str], attributes: Vec<AttributeProto>) -> String {
        self.node("", op, inputs, attributes, 1).pop().unwrap_or_default()
    }

    /// Adds a node of `domain` with `n_outputs` outputs; returns their names.
    pub(crate) fn node(
        &mut self,
        domain: &str,
        op: &str,
        inputs: &[&str],
        attributes: Vec<AttributeProto>,
        n_outputs: usize,
    ) -> Vec<String> {
        let outputs: Vec<String> = (0..n_outputs).map(|_| self.fresh(&op.to_lowercase())).collect();
        let name = outputs.first().cloned().unwrap_or_default();
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: outputs.clone(),
            name,
            op_type: op.to_string(),
            domain: domain.to_string(),
            attribute: attributes,
        });
        outputs
    }

    /// `Cast` of `x` to the element type `to` (`data_type::FLOAT`, `DOUBLE`).
    pub(crate) fn cast(&mut self, x: &str, to: i32) -> String {
        self.op("Cast", &[x], vec![int("to", i64::from(to))])
    }

    /// The position of each row's largest value (`[N, k]` → int64 `[N]`), the first one on ties
    /// as amber's `argmax_rows`.
    pub(crate) fn argmax_rows(&mut self, x: &str) -> String {
        self.op("ArgMax", &[x], vec![int("axis", 1), int("keepdims", 0), int("select_last_index", 0)])
    }

    fn constant(&mut self, hint: &str, dims: &[usize], data_type: i32, raw: Vec<u8>) -> String {
        let key = (raw.len() <= SMALL_CONSTANT).then(|| (data_type, dims.to_vec(), raw.clone()));
        if let Some(name) = key.as_ref().and_then(|k| self.small_constants.get(k)) {
            return name.clone();
        }
        let name = self.fresh(hint);
        self.initializers.push(TensorProto {
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type,
            name: name.clone(),
            raw_data: raw,
        });
        if let Some(key) = key {
            self.small_constants.insert(key, name.clone());
        }
        name
    }

    /// A double constant of shape `dims` (row-major `data`).
    pub(crate) fn f64s(&mut self, hint: &str, dims: &[usize], data: &[f64]) -> String {
        let raw = data.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.constant(hint, dims, data_type::DOUBLE, raw)
    }

    /// A double scalar broadcast as `[1, 1]`.
    pub(crate) fn scalar(&mut self, hint: &str, value: f64) -> String {
        self.f64s(hint, &[1, 1], &[value])
    }

    /// An int64 constant of shape `dims`.
    pub(crate) fn i64s(&mut self, hint: &str, dims: &[usize], data: &[i64]) -> String {
        let raw = data.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.constant(hint, dims, data_type::INT64, raw)
    }

    /// The graph, named `name`.
    pub(crate) fn finish(self, name: &str) -> GraphProto {
        GraphProto {
            node: self.nodes,
            name: name.to_string(),
            initializer: self.initializers,
            doc_string: String::new(),
            input: self.inputs,
            output: self.outputs,
        }
    }
}

fn value_info(name: &str, elem: i32, dims: &[Option<usize>]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|d| Dimension {
            value: Some(match d {
                Some(n) => DimensionValue::DimValue(*n as i64),
                None => DimensionValue::DimParam(BATCH.to_string()),
            }),
        })
        .collect();
    ValueInfoProto {
        name: name.to_string(),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorTypeProto { elem_type: elem, shape: Some(TensorShapeProto { dim }) }),
        }),
        doc_string: String::new(),
    }
}

/// An `int` attribute.
pub(crate) fn int(name: &str, i: i64) -> AttributeProto {
    AttributeProto { name: name.into(), r#type: attribute_type::INT, i, ..AttributeProto::default() }
}

/// A `string` attribute.
pub(crate) fn string(name: &str, s: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: attribute_type::STRING,
        s: s.as_bytes().to_vec(),
        ..AttributeProto::default()
    }
}

/// A `floats` attribute.
pub(crate) fn floats(name: &str, floats: Vec<f32>) -> AttributeProto {
    AttributeProto { name: name.into(), r#type: attribute_type::FLOATS, floats, ..AttributeProto::default() }
}

/// An `ints` attribute.
pub(crate) fn ints(name: &str, ints: Vec<i64>) -> AttributeProto {
    AttributeProto { name: name.into(), r#type: attribute_type::INTS, ints, ..AttributeProto::default() }
}

/// A `strings` attribute.
pub(crate) fn strings<'a>(name: &str, strings: impl IntoIterator<Item = &'a str>) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: attribute_type::STRINGS,
        strings: strings.into_iter().map(|s| s.as_bytes().to_vec()).collect(),
        ..AttributeProto::default()
    }
}
