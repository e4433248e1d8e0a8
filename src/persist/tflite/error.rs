//! What can go wrong in a `.tflite` import, each with the operator or tensor it concerns.

use core::fmt;

use crate::module::Int8ImportError;

/// Why a `.tflite` file could not be imported. The network is unchanged.
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
    /// The operators do not make the network's layers.
    Layer(Int8ImportError),
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
