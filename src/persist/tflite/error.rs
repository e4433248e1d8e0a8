//! What can go wrong in a `.tflite` import, each with the operator or tensor it concerns.

use core::fmt;

use super::super::chain::Mismatch;
use crate::module::Int8ImportError;
use crate::persist::Shape;

/// The `.tflite` name of an operator given in the ONNX vocabulary the float import matches in.
fn tflite_name(op: &str) -> &'static str {
    match op {
        "Gemm" => "FULLY_CONNECTED",
        "Relu" => "RELU",
        "Tanh" => "TANH",
        "Sigmoid" => "LOGISTIC",
        "Softmax" => "SOFTMAX",
        _ => "another operator",
    }
}

impl From<Mismatch<'_, usize, TfliteError>> for TfliteError {
    fn from(m: Mismatch<'_, usize, TfliteError>) -> Self {
        match m {
            Mismatch::Source(e) => e,
            Mismatch::NoForm { layer, kind } => Self::NoFloatForm { layer, kind },
            Mismatch::WrongOp {
                layer,
                kind,
                at,
                found,
                ..
            } => Self::FloatMismatch {
                layer,
                kind,
                op: at,
                found: tflite_name(found),
            },
            Mismatch::MissingLayer { layer, kind } => Self::MissingOp { layer, kind },
            Mismatch::ExtraLayer { at, found } => Self::ExtraOp {
                op: at,
                found: tflite_name(found),
            },
            Mismatch::WrongShape {
                at,
                layer,
                field,
                expected,
                found,
            } => Self::WrongShape {
                op: at,
                layer,
                field,
                expected,
                found,
            },
            Mismatch::NotFinite {
                at,
                layer,
                field,
                index,
            } => Self::NotFinite {
                op: at,
                layer,
                field,
                index,
            },
            // Every weight of a float file is a float, and the float layers a graph has take
            // any value: these cannot happen for the crate's layers.
            Mismatch::WrongDtype { at, .. } | Mismatch::InvalidValue { at, .. } => {
                Self::UnsupportedOptions {
                    op: at,
                    what: "a weight its layer cannot take",
                }
            }
        }
    }
}

/// Why a `.tflite` file could not be imported. The network is unchanged.
///
/// ```
/// use constnet::persist::{Tflite, TfliteError};
/// assert!(matches!(Tflite::parse(b"definitely not a flatbuffer"), Err(_)));
/// let file = include_bytes!("../../../tests/fixtures/tflite/sine_int8.tflite");
/// assert!(Tflite::parse(file)?.is_quantized());
/// # Ok::<(), TfliteError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum TfliteError {
    /// The bytes are not a valid FlatBuffer (truncated, or an offset out of the file):
    /// `offset` is where the broken table, field or vector is.
    Malformed {
        /// Byte offset in the file.
        offset: usize,
    },
    /// The file does not carry TFLite's identifier `TFL3`.
    NotTflite,
    /// The model is well formed but not one this import reads (more than one subgraph, more
    /// than one input or output, data kept outside the FlatBuffer).
    BadModel(&'static str),
    /// An operator this import does not know (the supported ones are in
    /// [`Tflite`](super::Tflite)'s documentation), by its builtin code.
    UnsupportedOperator {
        /// The operator's index in the graph.
        op: usize,
        /// Its builtin code (`FULLY_CONNECTED` is 9).
        code: i32,
    },
    /// An operator's options change what it computes in a way no layer does (a fused `RELU6`,
    /// shuffled weights, a softmax `beta` other than 1).
    UnsupportedOptions {
        /// The operator's index.
        op: usize,
        /// What is not supported.
        what: &'static str,
    },
    /// The graph is not one chain: this operator does not take the previous one's output (or
    /// the graph's output is not the last one's).
    NotAChain {
        /// The operator's index (the number of operators for the graph's output).
        op: usize,
    },
    /// A tensor is not what its operator needs: its type, its quantization (one scale and an
    /// int8 zero point for values; zero zero points for weights) or its data's size.
    BadTensor {
        /// The tensor's index in the graph.
        tensor: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// The operators do not make the int8 network's layers.
    Layer(Int8ImportError),
    /// An int8 file given to [`Tflite::load_float`](super::Tflite::load_float), or a float
    /// one to [`Tflite::load`](super::Tflite::load).
    Precision {
        /// Whether the file is int8.
        int8_file: bool,
    },
    /// The float network's layer has no counterpart in a graph (a custom layer declared
    /// without `onnx:`, batch normalization).
    NoFloatForm {
        /// Index of the layer in the network (nested tuples flattened).
        layer: usize,
        /// Its kind.
        kind: &'static str,
    },
    /// The operator where the float network has this layer is another one.
    FloatMismatch {
        /// Index of the layer.
        layer: usize,
        /// Its kind (`"Linear"`).
        kind: &'static str,
        /// The operator's index.
        op: usize,
        /// What the operator is (`"TANH"`, or `"RELU"` for one fused into the operator).
        found: &'static str,
    },
    /// The graph ends before the float network's layers do.
    MissingOp {
        /// Index of the first layer with no operator.
        layer: usize,
        /// Its kind.
        kind: &'static str,
    },
    /// The graph goes on after the float network's last layer.
    ExtraOp {
        /// The first operator with no layer.
        op: usize,
        /// What it is.
        found: &'static str,
    },
    /// A float weight's shape is not the one the layer needs (`[OUT, IN]` for the weights).
    WrongShape {
        /// The operator's index.
        op: usize,
        /// Index of the layer.
        layer: usize,
        /// The tensor (`weight`, `bias`).
        field: &'static str,
        /// The shape the layer needs.
        expected: Shape,
        /// The file's.
        found: Shape,
    },
    /// A float weight is NaN or infinite (reported only with
    /// [`NonFinite::Reject`](crate::persist::NonFinite::Reject)).
    NotFinite {
        /// The operator's index.
        op: usize,
        /// Index of the layer.
        layer: usize,
        /// The tensor (`weight`, `bias`).
        field: &'static str,
        /// Index of the value, in the file's layout.
        index: usize,
    },
}

impl From<Int8ImportError> for TfliteError {
    fn from(e: Int8ImportError) -> Self {
        Self::Layer(e)
    }
}

impl fmt::Display for TfliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Malformed { offset } => write!(
                f,
                "not a valid .tflite file: the FlatBuffer breaks at byte {offset}"
            ),
            Self::NotTflite => f.write_str("not a .tflite file: no `TFL3` identifier"),
            Self::BadModel(what) => write!(f, ".tflite model not supported: {what}"),
            Self::UnsupportedOperator { op, code } => write!(
                f,
                ".tflite operator {op} (builtin code {code}) is not supported"
            ),
            Self::UnsupportedOptions { op, what } => {
                write!(f, ".tflite operator {op}: {what} is not supported")
            }
            Self::NotAChain { op } => write!(
                f,
                ".tflite graph is not a single chain of layers at operator {op}"
            ),
            Self::BadTensor { tensor, what } => write!(f, ".tflite tensor {tensor}: {what}"),
            Self::Layer(e) => write!(f, "{e}"),
            Self::Precision { int8_file: true } => {
                f.write_str("an int8 .tflite file: load it into an int8 network with `load`")
            }
            Self::Precision { int8_file: false } => {
                f.write_str("a float .tflite file: load it into a float network with `load_float`")
            }
            Self::NoFloatForm { layer, kind } => {
                write!(f, "layer {layer} ({kind}) has no .tflite operator")
            }
            Self::FloatMismatch {
                layer,
                kind,
                op,
                found,
            } => write!(
                f,
                "layer {layer} ({kind}) does not compute operator {op} ({found})"
            ),
            Self::MissingOp { layer, kind } => {
                write!(f, "the graph ends before layer {layer} ({kind})")
            }
            Self::ExtraOp { op, found } => write!(
                f,
                "the graph goes on after the network's last layer, with operator {op} ({found})"
            ),
            Self::WrongShape {
                op,
                layer,
                field,
                expected,
                found,
            } => write!(
                f,
                "operator {op}: its {field} has shape {found}, layer {layer} needs {expected}"
            ),
            Self::NotFinite {
                op,
                layer,
                field,
                index,
            } => write!(
                f,
                "operator {op}: its {field} (layer {layer}) holds a NaN or infinity at index {index}"
            ),
        }
    }
}

impl core::error::Error for TfliteError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Layer(e) => Some(e),
            _ => None,
        }
    }
}
