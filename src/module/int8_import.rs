//! int8 networks from a quantized graph file (a `.tflite` file; chapter section 2's layers, with
//! the integers of TFLite's scheme): the operators of the file, in a form that names no file
//! format, and [`Int8Import`], by which each int8 layer builds itself from its operator.
//!
//! The reader of the file ([`Tflite`](crate::persist::Tflite)) checks the file and gives its
//! operators in order as [`Int8Op`]s; a network's [`Int8Import`] takes them layer by layer,
//! tuples in order, and each layer checks the operator is its own, with its widths.

use core::fmt;

use crate::quantization::{QuantParams, QuantizeError, Rounding};

/// What an operator of a quantized graph computes.
///
/// ```
/// use constnet::persist::{Int8OpKind, Tflite};
/// let file = Tflite::parse(include_bytes!("../../tests/fixtures/tflite/sine_int8.tflite"))?;
/// assert!(file.ops().all(|op| op.kind == Int8OpKind::FullyConnected));
/// # Ok::<(), constnet::persist::TfliteError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Int8OpKind {
    /// `TFLite`'s `FULLY_CONNECTED`: an int8 product, an int32 bias, a rescale (and perhaps a
    /// fused ReLU).
    FullyConnected,
    /// `RELU`.
    Relu,
    /// `TANH`.
    Tanh,
    /// `LOGISTIC` (the sigmoid).
    Logistic,
    /// `SOFTMAX` with `beta = 1`.
    Softmax,
}

impl Int8OpKind {
    /// The operator's name in the file.
    pub fn name(self) -> &'static str {
        match self {
            Self::FullyConnected => "FULLY_CONNECTED",
            Self::Relu => "RELU",
            Self::Tanh => "TANH",
            Self::Logistic => "LOGISTIC",
            Self::Softmax => "SOFTMAX",
        }
    }
}

/// One operator of a quantized graph, its tensors checked by the file's reader: int8 values
/// with one scale and zero point each, weights with zero zero points.
///
/// ```
/// use constnet::persist::{Int8OpKind, Tflite};
/// let file = Tflite::parse(include_bytes!("../../tests/fixtures/tflite/sine_int8.tflite"))?;
/// let first = file.ops().next().unwrap();
/// assert_eq!((first.kind, first.fused_relu, first.weight_shape), (Int8OpKind::FullyConnected, true, [16, 1]));
/// # Ok::<(), constnet::persist::TfliteError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Int8Op<'a> {
    /// The operator's index in the file's graph.
    pub index: usize,
    /// What it computes.
    pub kind: Int8OpKind,
    /// What its input's int8 values mean.
    pub input: QuantParams,
    /// What its output's int8 values mean.
    pub output: QuantParams,
    /// A ReLU fused into it (`FULLY_CONNECTED` with `fused_activation_function = RELU`).
    pub fused_relu: bool,
    /// For `FULLY_CONNECTED`: `[OUT, IN]`.
    pub weight_shape: [usize; 2],
    /// The int8 weights, `OUT x IN`, row by row, as bytes.
    pub weights: &'a [u8],
    /// The weights' scales, little-endian `f32`: one for the tensor or one per output.
    pub weight_scales: &'a [u8],
    /// The int32 biases, little-endian, one per output; empty when the operator has none.
    pub bias: &'a [u8],
}

impl Int8Op<'_> {
    /// Weight `(row, column)`: row `j` is output `j` (0 outside the matrix).
    pub fn weight(&self, row: usize, column: usize) -> i8 {
        row.checked_mul(self.weight_shape[1])
            .and_then(|at| at.checked_add(column))
            .and_then(|at| self.weights.get(at))
            .map_or(0, |&b| b as i8)
    }

    /// The scale of row `row`'s weights (0 outside the matrix).
    pub fn weight_scale(&self, row: usize) -> f32 {
        let count = self.weight_scales.len() / 4;
        let at = if count == 1 { 0 } else { row };
        read_le(self.weight_scales, at).map_or(0.0, f32::from_le_bytes)
    }

    /// The bias of output `row` (0 when the operator has none).
    pub fn bias(&self, row: usize) -> i32 {
        read_le(self.bias, row).map_or(0, i32::from_le_bytes)
    }
}

fn read_le(bytes: &[u8], at: usize) -> Option<[u8; 4]> {
    let start = at.checked_mul(4)?;
    let chunk = bytes.get(start..start.checked_add(4)?)?;
    let mut out = [0; 4];
    out.copy_from_slice(chunk);
    Some(out)
}

/// Why an int8 network could not be built from a file's operators.
///
/// ```
/// use constnet::persist::{Int8ImportError, Tflite, TfliteError};
/// use constnet::prelude::*;
/// let file = Tflite::parse(include_bytes!("../../tests/fixtures/tflite/sine_int8.tflite"))?;
/// // The file is 1-16-16-1 with ReLUs fused into the first two layers.
/// let error = file.load::<(Int8Linear<1, 16>, Int8ReLU, Int8Linear<16, 1>)>().unwrap_err();
/// assert!(matches!(error, TfliteError::Layer(Int8ImportError::WrongShape { layer: 2, .. })), "{error:?}");
/// # Ok::<(), TfliteError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Int8ImportError {
    /// The operator where the network has this layer is another one.
    Mismatch {
        /// Index of the layer in the network (nested tuples flattened).
        layer: usize,
        /// The layer's type (`"Int8Linear"`).
        kind: &'static str,
        /// The operator's index in the file.
        op: usize,
        /// What the operator is.
        found: Int8OpKind,
    },
    /// The file's graph ends before the network's layers do.
    MissingOp {
        /// Index of the first layer with no operator.
        layer: usize,
        /// Its type.
        kind: &'static str,
    },
    /// The file's graph goes on after the network's last layer.
    ExtraOp {
        /// The first operator with no layer.
        op: usize,
        /// What it is.
        found: Int8OpKind,
    },
    /// The operator's weights are not the layer's `[OUT, IN]`.
    WrongShape {
        /// Index of the layer.
        layer: usize,
        /// The operator's index.
        op: usize,
        /// `[OUT, IN]` of the layer.
        expected: [usize; 2],
        /// The operator's.
        found: [usize; 2],
    },
    /// The operator's quantization is one the layer does not compute: a `RELU` whose output
    /// is rescaled, a `TANH` or `LOGISTIC` whose output is not TFLite's fixed `1/128` or
    /// `1/256` scale, a `SOFTMAX` whose output is not `1/256` with zero point -128.
    UnsupportedParams {
        /// Index of the layer.
        layer: usize,
        /// The operator's index.
        op: usize,
    },
    /// A rescaling factor of the operator is out of range (see
    /// [`Int8Linear::from_parts`](crate::Int8Linear::from_parts)).
    Quantize {
        /// Index of the layer.
        layer: usize,
        /// The operator's index.
        op: usize,
        /// The problem.
        error: QuantizeError,
    },
}

impl fmt::Display for Int8ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Mismatch {
                layer,
                kind,
                op,
                found,
            } => write!(
                f,
                "layer {layer} ({kind}) does not compute operator {op} ({})",
                found.name()
            ),
            Self::MissingOp { layer, kind } => {
                write!(f, "the graph ends before layer {layer} ({kind})")
            }
            Self::ExtraOp { op, found } => write!(
                f,
                "the graph goes on after the network's last layer, with operator {op} ({})",
                found.name()
            ),
            Self::WrongShape {
                layer,
                op,
                expected,
                found,
            } => write!(
                f,
                "operator {op} has weights {found:?} ([OUT, IN]), layer {layer} needs {expected:?}"
            ),
            Self::UnsupportedParams { layer, op } => write!(
                f,
                "operator {op}'s quantization is not one layer {layer} computes"
            ),
            Self::Quantize { layer, op, error } => {
                write!(f, "operator {op} (layer {layer}): {error}")
            }
        }
    }
}

impl core::error::Error for Int8ImportError {}

/// The operators of a file, handed to the layers one by one.
pub struct Int8Ops<'s, 'a> {
    source: &'s mut dyn Iterator<Item = Int8Op<'a>>,
    rounding: Rounding,
    layer: usize,
    /// The output parameters of the last operator, when a ReLU was fused into it and no
    /// layer has claimed that ReLU yet.
    fused_relu: Option<QuantParams>,
}

impl<'s, 'a> Int8Ops<'s, 'a> {
    /// Operators from `source`, for layers computing with `rounding`.
    pub fn new(source: &'s mut dyn Iterator<Item = Int8Op<'a>>, rounding: Rounding) -> Self {
        Self {
            source,
            rounding,
            layer: 0,
            fused_relu: None,
        }
    }

    /// The rounding the layers compute with.
    pub fn rounding(&self) -> Rounding {
        self.rounding
    }

    /// Starts the next layer and returns its index in the network, for errors.
    pub fn begin_layer(&mut self) -> usize {
        self.layer += 1;
        self.layer - 1
    }

    /// The next operator, for layer `layer` of type `kind` (both for errors), which must be a
    /// `wanted`.
    pub fn next(
        &mut self,
        layer: usize,
        kind: &'static str,
        wanted: Int8OpKind,
    ) -> Result<Int8Op<'a>, Int8ImportError> {
        self.fused_relu = None;
        let op = self
            .source
            .next()
            .ok_or(Int8ImportError::MissingOp { layer, kind })?;
        if op.kind != wanted {
            return Err(Int8ImportError::Mismatch {
                layer,
                kind,
                op: op.index,
                found: op.kind,
            });
        }
        if op.fused_relu {
            self.fused_relu = Some(op.output);
        }
        Ok(op)
    }

    /// The ReLU fused into the operator just taken, if there was one and no layer took it
    /// yet: its parameters (those of that operator's output).
    pub fn take_fused_relu(&mut self) -> Option<QuantParams> {
        self.fused_relu.take()
    }

    /// After the network's last layer: the file must have no operator left.
    pub fn finish(self) -> Result<(), Int8ImportError> {
        match self.source.next() {
            None => Ok(()),
            Some(op) => Err(Int8ImportError::ExtraOp {
                op: op.index,
                found: op.kind,
            }),
        }
    }
}

/// An int8 layer (or a tuple of them) that builds itself from a file's operators.
///
/// Each int8 layer implements it beside its fields; tuples take their elements' operators in
/// order. [`Tflite::load`](crate::persist::Tflite::load) is the way in.
///
/// ```
/// use constnet::persist::Tflite;
/// use constnet::prelude::*;
/// // The converter's sine model: ReLUs fused into the first two layers become `Int8ReLU` layers.
/// type Sine = (Int8Linear<1, 16>, Int8ReLU, Int8Linear<16, 16>, Int8ReLU, Int8Linear<16, 1>);
/// let net: Sine = Tflite::parse(include_bytes!("../../tests/fixtures/tflite/sine_int8.tflite"))?.load()?;
/// let y = net.forward_f32(&[1.5])?;
/// assert!((y[0] - 1.5f32.sin()).abs() < 0.1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Int8Import: Sized {
    /// Takes this layer's operators from `ops` and builds the layer from them.
    fn import(ops: &mut Int8Ops<'_, '_>) -> Result<Self, Int8ImportError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_outside_the_operator_are_zero_not_a_panic() {
        let weights = [1u8, 2, 0xff, 4];
        let scales = 0.5f32.to_le_bytes();
        let bias = [(-3i32).to_le_bytes(), 9i32.to_le_bytes()].concat();
        let op = Int8Op {
            index: 0,
            kind: Int8OpKind::FullyConnected,
            input: QuantParams::UNIT_INTERVAL,
            output: QuantParams::UNIT_INTERVAL,
            fused_relu: false,
            weight_shape: [2, 2],
            weights: &weights,
            weight_scales: &scales,
            bias: &bias,
        };
        assert_eq!((op.weight(1, 0), op.weight(1, 1)), (-1, 4));
        assert_eq!((op.weight_scale(0), op.weight_scale(1)), (0.5, 0.5));
        assert_eq!((op.bias(0), op.bias(1)), (-3, 9));
        assert_eq!(op.weight(usize::MAX, usize::MAX), 0);
        assert_eq!(op.bias(usize::MAX), 0);
        assert_eq!(op.bias(2), 0);
    }
}
