//! What can go wrong in an ONNX import, each with the node and the layer it concerns.

use core::fmt;

use crate::persist::{InlineName, Shape};

/// Operator names, node names and tensor names, as errors report them (up to 32 bytes, so
/// that an error stays small enough to return by value cheaply).
pub type OnnxName = InlineName<32>;

/// Why an ONNX model could not be imported. The network is unchanged.
///
/// ```
/// use constnet::persist::{Onnx, OnnxError};
/// use constnet::prelude::*;
/// let model = Onnx::parse(include_bytes!("../../../tests/fixtures/onnx/mlp.onnx"))?;
/// // The file is 64-32-10; a 64-16-10 type is refused with the node and the layer named.
/// let error = model.load::<f32, (Linear<64, 16>, ReLU, Linear<16, 10>, Softmax)>().unwrap_err();
/// assert!(matches!(error, OnnxError::WrongShape { .. }), "{error:?}");
/// assert!(matches!(Onnx::parse(b"not a model"), Err(_)));
/// # Ok::<(), OnnxError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OnnxError {
    /// The bytes are not a protocol buffers message (truncated, or not an ONNX file):
    /// `offset` is where the broken field starts.
    Malformed {
        /// Byte offset in the file.
        offset: usize,
    },
    /// The model is well formed but not one this import reads: no graph, no standard operator
    /// set, more than one input or output.
    BadModel(&'static str),
    /// A tensor keeps its values in a separate file (models over 2 GB): not for small nets.
    ExternalData {
        /// The tensor.
        tensor: OnnxName,
    },
    /// A tensor's values do not match its type and shape.
    BadTensor {
        /// The tensor.
        tensor: OnnxName,
    },
    /// A node's operator is not one the import knows (the supported ones are in
    /// [`Onnx`](super::Onnx)'s documentation), or is in a domain other than the standard one.
    UnsupportedOperator {
        /// The node (its name, or its first output's).
        node: OnnxName,
        /// Its operator type.
        op_type: OnnxName,
    },
    /// A node has an attribute, or an attribute value, that would change what it computes in
    /// a way the network cannot (`Gemm` with `transA`, `Softmax` over another axis).
    UnsupportedAttribute {
        /// The node.
        node: OnnxName,
        /// The attribute.
        attribute: OnnxName,
    },
    /// The graph is not one chain from its input to its output: this node takes a value other
    /// than the previous node's output (or more than one computed value), or the output is
    /// not the end of the chain.
    NotAChain {
        /// The node (or the graph's output).
        node: OnnxName,
    },
    /// A node needs a constant input (a weight) that is neither an initializer nor a
    /// `Constant` node's output.
    MissingConstant {
        /// The node.
        node: OnnxName,
        /// The input's name.
        input: OnnxName,
    },
    /// The network's layer has no ONNX form (a custom layer declared without `onnx:`).
    NoOnnxForm {
        /// Index of the layer in the network (nested tuples flattened).
        layer: usize,
        /// The layer's kind.
        kind: &'static str,
    },
    /// The node found where the network has this layer is another operator.
    LayerMismatch {
        /// Index of the layer.
        layer: usize,
        /// The layer's kind (`"Linear"`).
        kind: &'static str,
        /// The operator the layer is (`"Gemm"`).
        expected: &'static str,
        /// The node.
        node: OnnxName,
        /// Its operator type.
        found: OnnxName,
    },
    /// The graph ends before the network's layers do.
    MissingNode {
        /// Index of the first layer with no node.
        layer: usize,
        /// Its kind.
        kind: &'static str,
    },
    /// The graph goes on after the network's last layer.
    ExtraNode {
        /// The first node with no layer.
        node: OnnxName,
        /// Its operator type.
        op_type: OnnxName,
    },
    /// A weight's shape is not the one the layer needs.
    WrongShape {
        /// The node.
        node: OnnxName,
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name in PyTorch's terms (`weight`, `bias`, `running_var`).
        field: &'static str,
        /// The shape the layer needs, in the graph's layout.
        expected: Shape,
        /// The graph's.
        found: Shape,
    },
    /// A weight's data type does not convert exactly to the network's scalar type.
    WrongDtype {
        /// The node.
        node: OnnxName,
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// The network's scalar type.
        expected: &'static str,
        /// The graph's (`"double"`, `"float16"`, ...).
        found: &'static str,
    },
    /// A weight holds NaN or an infinity (reported only with
    /// [`NonFinite::Reject`](crate::persist::NonFinite::Reject)).
    NotFinite {
        /// The node.
        node: OnnxName,
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// Index of the value, in the graph's layout.
        index: usize,
    },
    /// A weight holds a value its layer cannot take (a negative variance).
    InvalidValue {
        /// The node.
        node: OnnxName,
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// Index of the value.
        index: usize,
    },
}

impl fmt::Display for OnnxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { offset } => write!(
                f,
                "not a valid ONNX file: the protocol buffer breaks at byte {offset}"
            ),
            Self::BadModel(what) => write!(f, "ONNX model not supported: {what}"),
            Self::ExternalData { tensor } => write!(
                f,
                "ONNX tensor {tensor} keeps its data in an external file, which is not supported"
            ),
            Self::BadTensor { tensor } => write!(
                f,
                "ONNX tensor {tensor}: its values do not match its type and shape"
            ),
            Self::UnsupportedOperator { node, op_type } => {
                write!(f, "ONNX node {node}: operator {op_type} is not supported")
            }
            Self::UnsupportedAttribute { node, attribute } => write!(
                f,
                "ONNX node {node}: attribute {attribute} (or its value) is not supported"
            ),
            Self::NotAChain { node } => {
                write!(f, "ONNX graph is not a single chain of layers at {node}")
            }
            Self::MissingConstant { node, input } => write!(
                f,
                "ONNX node {node}: input {input} must be an initializer or a constant"
            ),
            Self::NoOnnxForm { layer, kind } => {
                write!(f, "layer {layer} ({kind}) has no ONNX form")
            }
            Self::LayerMismatch {
                layer,
                kind,
                expected,
                node,
                found,
            } => write!(
                f,
                "layer {layer} ({kind}) is a `{expected}` node, but the graph has {node} ({found})"
            ),
            Self::MissingNode { layer, kind } => {
                write!(f, "the ONNX graph ends before layer {layer} ({kind})")
            }
            Self::ExtraNode { node, op_type } => write!(
                f,
                "the ONNX graph goes on after the network's last layer, with {node} ({op_type})"
            ),
            Self::WrongShape {
                node,
                layer,
                field,
                expected,
                found,
            } => write!(
                f,
                "ONNX node {node}: its {field} has shape {found}, layer {layer} needs {expected}"
            ),
            Self::WrongDtype {
                node,
                layer,
                field,
                expected,
                found,
            } => write!(
                f,
                "ONNX node {node}: its {field} is {found}, which layer {layer} cannot take as {expected}"
            ),
            Self::NotFinite {
                node,
                layer,
                field,
                index,
            } => write!(
                f,
                "ONNX node {node}: its {field} (layer {layer}) holds a NaN or infinity at index {index}"
            ),
            Self::InvalidValue {
                node,
                layer,
                field,
                index,
            } => write!(
                f,
                "ONNX node {node}: its {field} (layer {layer}) holds an invalid value at index {index}"
            ),
        }
    }
}

impl core::error::Error for OnnxError {}
