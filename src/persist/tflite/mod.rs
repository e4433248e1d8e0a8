//! Import from TensorFlow Lite: an int8 `.tflite` file, as TensorFlow's converter writes it
//! with full integer quantization, into an int8 network of a type the user wrote; and a float
//! `.tflite` file into a float network ([`Tflite::load_float`]). Chapter section 2's layers
//! and activations (section 3), in TFLite's integer scheme for the int8 ones.
//!
//! A `.tflite` file is a FlatBuffer (schema `tflite/schema.fbs`, identifier `TFL3`) holding
//! operator codes, one graph of tensors and operators, and the buffers with the weights. It is
//! read in place with every offset checked (`flatbuffer`), so the import needs no heap and
//! works under `no_std` on `include_bytes!` of the file itself.
//!
//! The graph must be one chain from its input to its output. Its operators, in order, are the
//! network's int8 layers (nested tuples flattened), each built by the layer's
//! [`Int8Import`](crate::Int8Import):
//!
//! | `.tflite` | layer |
//! |---|---|
//! | `FULLY_CONNECTED` (int8 weights `[OUT, IN]`, per-tensor or per-channel scales, int32 bias; fused `NONE` or `RELU`) | [`Int8Linear<IN, OUT>`](crate::Int8Linear) |
//! | the ReLU fused into the operator before, or `RELU` without rescaling | [`Int8ReLU`](crate::Int8ReLU) |
//! | `TANH`, `LOGISTIC` | [`Int8Tanh`](crate::Int8Tanh), [`Int8Sigmoid`](crate::Int8Sigmoid) |
//! | `SOFTMAX` (`beta` 1) | [`Int8Softmax`](crate::Int8Softmax) |
//! | `QUANTIZE` first, `DEQUANTIZE` last (a float interface) | nothing: the network takes and gives int8; [`Tflite::input_params`] and [`Tflite::output_params`] say how to convert |
//!
//! TFLite's two builds round differently (see [`Rounding`]); the layers compute with the one
//! chosen by [`Tflite::rounding`] (by default [`Rounding::Single`], as TFLite 2.20 and later
//! and LiteRT; [`Rounding::Double`] for TFLite Micro and CMSIS-NN's outputs).

// Errors carry the failing layer's details inline, as there is no heap to box them in; an
// import runs once, so returning them by value costs nothing that matters.
#![allow(clippy::result_large_err)]

mod error;
mod flatbuffer;

pub use error::TfliteError;

use flatbuffer::{Broken, Table, Vector};

use super::chain::{self, Constant, GraphLayer, MAX_CONSTANTS};
use super::{NonFinite, Shape};
use crate::Scalar;
use crate::module::{Int8Import, Int8Op, Int8OpKind, Int8Ops};
use crate::network::LinesUp;
use crate::quantization::{QuantParams, Rounding};
use crate::schema::Persist;

impl From<Broken> for TfliteError {
    fn from(b: Broken) -> Self {
        Self::Malformed { offset: b.offset }
    }
}

/// Builtin operator codes (`BuiltinOperator` in the schema).
mod code {
    pub(super) const DEQUANTIZE: i32 = 6;
    pub(super) const FULLY_CONNECTED: i32 = 9;
    pub(super) const LOGISTIC: i32 = 14;
    pub(super) const RELU: i32 = 19;
    pub(super) const SOFTMAX: i32 = 25;
    pub(super) const TANH: i32 = 28;
    pub(super) const QUANTIZE: i32 = 114;
}

/// Tensor types (`TensorType` in the schema).
const FLOAT32: i8 = 0;
const INT32: i8 = 2;
const INT8: i8 = 9;

/// Fused activations (`ActivationFunctionType`).
const FUSED_NONE: i8 = 0;
const FUSED_RELU: i8 = 1;

/// A `.tflite` file, checked and ready to load into int8 networks.
///
/// ```
/// use constnet::persist::Tflite;
/// use constnet::prelude::*;
///
/// // TFLite Micro's "hello world" model shape, converted by TensorFlow's converter with full
/// // int8 quantization (tests/fixtures/tflite/make_sine.py).
/// let bytes = include_bytes!("../../../tests/fixtures/tflite/sine_int8.tflite");
/// type Sine = (Int8Linear<1, 16>, Int8ReLU, Int8Linear<16, 16>, Int8ReLU, Int8Linear<16, 1>);
/// let tflite = Tflite::parse(bytes)?;
/// let net: Sine = tflite.load()?;
///
/// // The file's own quantization of its float input and output.
/// let x = tflite.input_params().quantize(1.5707964).expect("a finite input");
/// let y = tflite.output_params().dequantize(net.forward(&[x])[0]);
/// assert!((y - 1.0).abs() < 0.15, "sin(pi / 2) = {y}");
///
/// // A network of another shape is refused, naming the operator and the layer.
/// let wrong = tflite.load::<(Int8Linear<1, 8>, Int8ReLU, Int8Linear<8, 16>, Int8ReLU, Int8Linear<16, 1>)>();
/// assert_eq!(
///     wrong.unwrap_err().to_string(),
///     "operator 0 has weights [16, 1] ([OUT, IN]), layer 0 needs [8, 1]"
/// );
/// # Ok::<(), constnet::persist::TfliteError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Tflite<'a> {
    tensors: Vector<'a>,
    operators: Vector<'a>,
    codes: Vector<'a>,
    buffers: Vector<'a>,
    /// Operators `first..end` are the layers (a leading `QUANTIZE` and a trailing
    /// `DEQUANTIZE` left out).
    first: usize,
    end: usize,
    input: QuantParams,
    output: QuantParams,
    rounding: Rounding,
    /// An int8 model (else a float one).
    quantized: bool,
    non_finite: NonFinite,
}

impl<'a> Tflite<'a> {
    /// Reads the file `bytes` and checks it: a sound FlatBuffer with TFLite's identifier, one
    /// graph that is a chain of supported int8 operators, and tensors whose types,
    /// quantization and data sizes are what those operators need.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, TfliteError> {
        if bytes.get(4..8) != Some(b"TFL3") {
            return Err(TfliteError::NotTflite);
        }
        let model = Table::root(bytes)?;
        let need = |v: Option<Vector<'a>>, what| v.ok_or(TfliteError::BadModel(what));
        let codes = need(model.vector(1, 4)?, "no operator codes")?;
        let subgraphs = need(model.vector(2, 4)?, "no graph")?;
        let buffers = need(model.vector(4, 4)?, "no buffers")?;
        if subgraphs.len() != 1 {
            return Err(TfliteError::BadModel("more than one graph"));
        }
        let graph = subgraphs.table(0)?;
        let tensors = need(graph.vector(0, 4)?, "no tensors")?;
        let inputs = need(graph.vector(1, 4)?, "no graph input")?;
        let outputs = need(graph.vector(2, 4)?, "no graph output")?;
        let operators = need(graph.vector(3, 4)?, "no operators")?;
        if inputs.len() != 1 || outputs.len() != 1 {
            return Err(TfliteError::BadModel(
                "the graph must have exactly one input and one output",
            ));
        }
        let mut file = Self {
            tensors,
            operators,
            codes,
            buffers,
            first: 0,
            end: operators.len(),
            input: QuantParams::UNIT_INTERVAL,
            output: QuantParams::UNIT_INTERVAL,
            rounding: Rounding::default(),
            quantized: true,
            non_finite: NonFinite::Accept,
        };
        // The chain, and the float interface at its ends.
        let mut current = inputs.i32(0)?;
        for op in 0..operators.len() {
            let operator = operators.table(op)?;
            let (input, output) = file.ends_of(op, &operator)?;
            if input != current {
                return Err(TfliteError::NotAChain { op });
            }
            current = output;
            let code = file.code(&operator)?;
            let last = op + 1 == operators.len();
            match code {
                code::QUANTIZE if op == 0 => file.first = 1,
                code::DEQUANTIZE if last => file.end = op,
                code::QUANTIZE | code::DEQUANTIZE => {
                    return Err(TfliteError::UnsupportedOptions {
                        op,
                        what: "a QUANTIZE or DEQUANTIZE between layers",
                    });
                }
                _ => {}
            }
        }
        if current != outputs.i32(0)? {
            return Err(TfliteError::NotAChain {
                op: operators.len(),
            });
        }
        if file.first >= file.end {
            return Err(TfliteError::BadModel("no layers"));
        }
        // A float model: every layer converts, and there are no quantization parameters.
        let first = file.operators.table(file.first)?;
        let (first_input, _) = file.ends_of(file.first, &first)?;
        if file.tensor(first_input)?.i8(1, FLOAT32)? == FLOAT32 {
            file.quantized = false;
            for layer in file.float_layers() {
                layer?;
            }
            return Ok(file);
        }
        // An int8 model: every layer's operator converts; the int8 ends' parameters.
        let mut ops = file.ops();
        for op in ops.by_ref() {
            if op.index == file.first {
                file.input = op.input;
            }
            if op.index + 1 == file.end {
                file.output = op.output;
            }
        }
        ops.error.map_or(Ok(file), Err)
    }

    /// Computes with `rounding` (by default [`Rounding::Single`], TFLite 2.20 and later).
    pub fn rounding(mut self, rounding: Rounding) -> Self {
        self.rounding = rounding;
        self
    }

    /// What the network's int8 input means: quantize a float input with it.
    pub fn input_params(&self) -> QuantParams {
        self.input
    }

    /// What the network's int8 output means: dequantize with it.
    pub fn output_params(&self) -> QuantParams {
        self.output
    }

    /// The file's layers' operators, in order, as the int8 layers read them (the `inspect`
    /// example prints the constnet type of a file from them).
    pub fn ops(&self) -> Ops<'a> {
        Ops {
            file: *self,
            next: self.first,
            error: None,
        }
    }

    /// For a float model: what to do with NaN or infinite weights, load them as they are
    /// ([`NonFinite::Accept`], the default) or refuse the file with
    /// [`TfliteError::NotFinite`]. (An int8 model's weights are integers; its scales are
    /// checked finite and positive.)
    pub fn non_finite(mut self, policy: NonFinite) -> Self {
        self.non_finite = policy;
        self
    }

    /// `true` for an int8 model (load it with [`Tflite::load`]), `false` for a float one
    /// ([`Tflite::load_float`]).
    pub fn is_quantized(&self) -> bool {
        self.quantized
    }

    /// A float network of type `N` with the weights of a float model (converted without
    /// quantization). Its operators are matched to the layers as in the ONNX import (each
    /// layer's [`OnnxOp`](crate::schema::OnnxOp)): `FULLY_CONNECTED` is a
    /// [`Linear`](crate::Linear) (and its fused `RELU` a [`ReLU`](crate::ReLU) after it),
    /// `RELU`, `TANH`, `LOGISTIC` and `SOFTMAX` the activations.
    pub fn load_float<T: Scalar, N>(&self) -> Result<N, TfliteError>
    where
        N: Persist<T> + LinesUp + Default,
    {
        let mut net = N::default();
        self.load_float_into(&mut net)?;
        Ok(net)
    }

    /// Replaces the weights of `net` with those of a float model; on an error `net` is
    /// unchanged.
    pub fn load_float_into<T: Scalar, N>(&self, net: &mut N) -> Result<(), TfliteError>
    where
        N: Persist<T> + LinesUp,
    {
        if self.quantized {
            return Err(TfliteError::Precision { int8_file: true });
        }
        chain::load_into::<T, N, _, _, _, _>(net, || self.float_layers(), self.non_finite)
            .map_err(TfliteError::from)
    }

    /// The layers of a float model, in the ONNX import's vocabulary.
    fn float_layers(&self) -> FloatLayers<'a> {
        FloatLayers {
            file: *self,
            next: self.first,
            fused_relu: None,
            failed: false,
        }
    }

    /// Operator `op` of a float model as a graph layer, and whether a ReLU is fused into it.
    fn float_layer(
        &self,
        op: usize,
    ) -> Result<(GraphLayer<'a, FloatConstant<'a>, usize>, bool), TfliteError> {
        let operator = self.operators.table(op)?;
        let code = self.code(&operator)?;
        let inputs = operator
            .vector(1, 4)?
            .ok_or(TfliteError::NotAChain { op })?;
        let (input, output) = self.ends_of(op, &operator)?;
        for value in [input, output] {
            if self.tensor(value)?.i8(1, FLOAT32)? != FLOAT32 {
                return Err(TfliteError::BadTensor {
                    tensor: value as usize,
                    what: "a float value is needed in a float model",
                });
            }
        }
        let mut layer = GraphLayer {
            op: "",
            at: op,
            constants: [None; MAX_CONSTANTS],
            rows_are_outputs: true,
            epsilon: 0.0,
        };
        let options = operator.table(4)?;
        let mut fused_relu = false;
        layer.op = match code {
            code::FULLY_CONNECTED => {
                let (fused, weights, [rows, columns], bias) =
                    self.fully_connected(op, &inputs, options)?;
                fused_relu = fused;
                let data = self.constant(weights, FLOAT32, rows * columns, 4)?;
                layer.constants[0] = Some(FloatConstant {
                    data,
                    shape: Shape::of(&[rows, columns]),
                });
                if bias >= 0 {
                    let [len] = self.shape::<1>(bias)?;
                    let data = self.constant(bias, FLOAT32, len, 4)?;
                    layer.constants[1] = Some(FloatConstant {
                        data,
                        shape: Shape::of(&[len]),
                    });
                }
                "Gemm"
            }
            code::RELU => "Relu",
            code::TANH => "Tanh",
            code::LOGISTIC => "Sigmoid",
            code::SOFTMAX => {
                softmax_beta_is_one(op, options)?;
                "Softmax"
            }
            code => return Err(TfliteError::UnsupportedOperator { op, code }),
        };
        Ok((layer, fused_relu))
    }

    /// An int8 network of type `N` built from the file's operators.
    pub fn load<N: Int8Import>(&self) -> Result<N, TfliteError> {
        if !self.quantized {
            return Err(TfliteError::Precision { int8_file: false });
        }
        let mut source = self.ops();
        let mut ops = Int8Ops::new(&mut source, self.rounding);
        let net = N::import(&mut ops)?;
        ops.finish()?;
        // `parse` converted every operator once already, so no error is left here.
        source.error.map_or(Ok(net), Err)
    }

    fn code(&self, operator: &Table<'a>) -> Result<i32, TfliteError> {
        let index = operator.u32(0, 0)? as usize;
        if index >= self.codes.len() {
            return Err(TfliteError::BadModel("an operator code index out of range"));
        }
        let code = self.codes.table(index)?;
        // Codes up to 127 are in the old byte field; newer ones only in the int32 field.
        Ok(i32::from(code.i8(0, 0)?).max(code.i32(3, 0)?))
    }

    /// The first input and the output tensor of an operator.
    fn ends_of(&self, op: usize, operator: &Table<'a>) -> Result<(i32, i32), TfliteError> {
        let inputs = operator.vector(1, 4)?;
        let outputs = operator.vector(2, 4)?;
        match (inputs, outputs) {
            (Some(i), Some(o)) if i.len() >= 1 && o.len() == 1 => Ok((i.i32(0)?, o.i32(0)?)),
            _ => Err(TfliteError::NotAChain { op }),
        }
    }

    fn tensor(&self, index: i32) -> Result<Table<'a>, TfliteError> {
        let at = usize::try_from(index)
            .ok()
            .filter(|&i| i < self.tensors.len())
            .ok_or(TfliteError::BadModel("a tensor index out of range"))?;
        Ok(self.tensors.table(at)?)
    }

    /// The scales and zero points of tensor `index`.
    fn quantization(&self, index: i32) -> Result<(Vector<'a>, Vector<'a>), TfliteError> {
        let bad = |what| TfliteError::BadTensor {
            tensor: index as usize,
            what,
        };
        let q = self.tensor(index)?.table(4)?.ok_or(bad("not quantized"))?;
        let scales = q.vector(2, 4)?.ok_or(bad("no scale"))?;
        let zero_points = q.vector(3, 8)?.ok_or(bad("no zero point"))?;
        if scales.len() == 0 || zero_points.len() != scales.len() {
            return Err(bad("as many zero points as scales needed"));
        }
        Ok((scales, zero_points))
    }

    /// The parameters of an int8 value tensor (an operator's input or output).
    fn value_params(&self, index: i32) -> Result<QuantParams, TfliteError> {
        let bad = |what| TfliteError::BadTensor {
            tensor: index as usize,
            what,
        };
        if self.tensor(index)?.i8(1, FLOAT32)? != INT8 {
            return Err(bad("an int8 value is needed"));
        }
        let (scales, zero_points) = self.quantization(index)?;
        let scale = scales.f32(0)?;
        let zero_point = zero_points.i64(0)?;
        if scales.len() != 1 || !(scale.is_finite() && scale > 0.0) {
            return Err(bad("one finite, positive scale is needed"));
        }
        if !(-128..=127).contains(&zero_point) {
            return Err(bad("its zero point is outside int8"));
        }
        Ok(QuantParams {
            scale,
            zero_point: zero_point as i32,
        })
    }

    /// The data of a constant tensor of `dtype`, which must hold `count` elements of `width`
    /// bytes.
    fn constant(
        &self,
        index: i32,
        dtype: i8,
        count: usize,
        width: usize,
    ) -> Result<&'a [u8], TfliteError> {
        let bad = |what| TfliteError::BadTensor {
            tensor: index as usize,
            what,
        };
        let tensor = self.tensor(index)?;
        if tensor.i8(1, FLOAT32)? != dtype {
            return Err(bad("a weight of the wrong type"));
        }
        let buffer = tensor.u32(2, 0)? as usize;
        if buffer >= self.buffers.len() {
            return Err(bad("its buffer index is out of range"));
        }
        let buffer = self.buffers.table(buffer)?;
        if buffer.u64(1, 0)? > 1 {
            return Err(TfliteError::BadModel(
                "weights kept outside the FlatBuffer (models over 2 GB)",
            ));
        }
        let data = buffer.vector(0, 1)?.map_or(&[][..], |v| v.bytes());
        if Some(data.len()) != count.checked_mul(width) {
            return Err(bad("its data does not match its shape"));
        }
        Ok(data)
    }

    /// The shape of tensor `index`, which must have rank `N`.
    fn shape<const N: usize>(&self, index: i32) -> Result<[usize; N], TfliteError> {
        let bad = TfliteError::BadTensor {
            tensor: index as usize,
            what: "a shape of another rank is needed",
        };
        let shape = self.tensor(index)?.vector(0, 4)?.ok_or(bad)?;
        if shape.len() != N {
            return Err(bad);
        }
        let mut dims = [0usize; N];
        for (i, d) in dims.iter_mut().enumerate() {
            *d = usize::try_from(shape.i32(i)?).map_err(|_| bad)?;
        }
        Ok(dims)
    }

    /// A `FULLY_CONNECTED`'s options and tensors: whether a ReLU is fused, the weights'
    /// tensor and shape `[OUT, IN]`, and the bias tensor (-1 for none).
    #[allow(clippy::type_complexity)]
    fn fully_connected(
        &self,
        op: usize,
        inputs: &Vector<'a>,
        options: Option<Table<'a>>,
    ) -> Result<(bool, i32, [usize; 2], i32), TfliteError> {
        let unsupported = |what| TfliteError::UnsupportedOptions { op, what };
        let mut fused_relu = false;
        if let Some(options) = options {
            fused_relu = match options.i8(0, FUSED_NONE)? {
                FUSED_NONE => false,
                FUSED_RELU => true,
                _ => return Err(unsupported("a fused activation other than RELU")),
            };
            if options.i8(1, 0)? != 0 {
                return Err(unsupported("a weights format other than DEFAULT"));
            }
        }
        if inputs.len() < 2 {
            return Err(TfliteError::NotAChain { op });
        }
        let weights = inputs.i32(1)?;
        let shape = self.shape::<2>(weights)?;
        // The element count must fit a `usize` on every target (16 bits of address on none,
        // but 32 on a Cortex-M, where two 31-bit dimensions overflow).
        if shape[0].checked_mul(shape[1]).is_none() {
            return Err(TfliteError::BadTensor {
                tensor: weights as usize,
                what: "its shape has more elements than memory holds",
            });
        }
        let bias = if inputs.len() > 2 { inputs.i32(2)? } else { -1 };
        Ok((fused_relu, weights, shape, bias))
    }

    /// Operator `op` as an int8 layer reads it.
    fn op(&self, op: usize) -> Result<Int8Op<'a>, TfliteError> {
        let operator = self.operators.table(op)?;
        let code = self.code(&operator)?;
        let inputs = operator
            .vector(1, 4)?
            .ok_or(TfliteError::NotAChain { op })?;
        let (input, output) = self.ends_of(op, &operator)?;
        let kind = match code {
            code::FULLY_CONNECTED => Int8OpKind::FullyConnected,
            code::RELU => Int8OpKind::Relu,
            code::TANH => Int8OpKind::Tanh,
            code::LOGISTIC => Int8OpKind::Logistic,
            code::SOFTMAX => Int8OpKind::Softmax,
            code => return Err(TfliteError::UnsupportedOperator { op, code }),
        };
        let mut int8 = Int8Op {
            index: op,
            kind,
            input: self.value_params(input)?,
            output: self.value_params(output)?,
            fused_relu: false,
            weight_shape: [0, 0],
            weights: &[],
            weight_scales: &[],
            bias: &[],
        };
        let options = operator.table(4)?;
        match kind {
            Int8OpKind::FullyConnected => {
                let (fused, weights, [rows, columns], bias) =
                    self.fully_connected(op, &inputs, options)?;
                int8.fused_relu = fused;
                int8.weight_shape = [rows, columns];
                int8.weights = self.constant(weights, INT8, rows * columns, 1)?;
                let (scales, zero_points) = self.quantization(weights)?;
                let bad = |what| TfliteError::BadTensor {
                    tensor: weights as usize,
                    what,
                };
                if scales.len() != 1 && scales.len() != rows {
                    return Err(bad("one scale, or one per output, is needed"));
                }
                for i in 0..scales.len() {
                    let s = scales.f32(i)?;
                    if !(s.is_finite() && s > 0.0) {
                        return Err(bad("its scales must be finite and positive"));
                    }
                    if zero_points.i64(i)? != 0 {
                        return Err(bad("int8 weights are symmetric: zero points must be 0"));
                    }
                }
                int8.weight_scales = scales.bytes();
                if bias >= 0 {
                    let [len] = self.shape::<1>(bias)?;
                    if len != rows {
                        return Err(TfliteError::BadTensor {
                            tensor: bias as usize,
                            what: "one bias per output is needed",
                        });
                    }
                    int8.bias = self.constant(bias, INT32, rows, 4)?;
                }
            }
            Int8OpKind::Softmax => softmax_beta_is_one(op, options)?,
            _ => {}
        }
        Ok(int8)
    }
}

/// A `SOFTMAX`'s options must leave `beta` at 1: the layers compute `exp(x)`, not
/// `exp(beta x)`.
fn softmax_beta_is_one(op: usize, options: Option<Table<'_>>) -> Result<(), TfliteError> {
    if options.map_or(Ok(1.0), |o| o.f32(0, 0.0))? == 1.0 {
        Ok(())
    } else {
        Err(TfliteError::UnsupportedOptions {
            op,
            what: "a softmax beta other than 1",
        })
    }
}

/// A float model's constant: `f32` values, little-endian.
#[derive(Clone, Copy, Debug)]
struct FloatConstant<'a> {
    data: &'a [u8],
    shape: Shape,
}

impl Constant for FloatConstant<'_> {
    type Error = TfliteError;
    fn dtype(&self) -> &'static str {
        "float"
    }
    fn shape(&self) -> Shape {
        self.shape
    }
    fn each_value(&self, mut f: impl FnMut(usize, f64)) -> Result<(), TfliteError> {
        for (i, bytes) in self.data.chunks_exact(4).enumerate() {
            let mut raw = [0; 4];
            raw.copy_from_slice(bytes);
            f(i, f64::from(f32::from_le_bytes(raw)));
        }
        Ok(())
    }
}

/// The layers of a float model: each operator, and a ReLU after one it is fused into.
struct FloatLayers<'a> {
    file: Tflite<'a>,
    next: usize,
    /// The operator a ReLU is fused into, still to be given as its own layer.
    fused_relu: Option<usize>,
    failed: bool,
}

impl<'a> Iterator for FloatLayers<'a> {
    type Item = Result<GraphLayer<'a, FloatConstant<'a>, usize>, TfliteError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(op) = self.fused_relu.take() {
            return Some(Ok(GraphLayer {
                op: "Relu",
                at: op,
                constants: [None; MAX_CONSTANTS],
                rows_are_outputs: true,
                epsilon: 0.0,
            }));
        }
        if self.next >= self.file.end || self.failed {
            return None;
        }
        let op = self.next;
        self.next += 1;
        match self.file.float_layer(op) {
            Ok((layer, fused)) => {
                self.fused_relu = fused.then_some(op);
                Some(Ok(layer))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// The operators of a `.tflite` file's layers, in order ([`Tflite::ops`]). A broken operator
/// ends the iteration (and [`Tflite::parse`] refuses such a file).
///
/// ```
/// use constnet::persist::{Int8OpKind, Tflite};
/// let file = Tflite::parse(include_bytes!("../../../tests/fixtures/tflite/sine_int8.tflite"))?;
/// let kinds: Vec<Int8OpKind> = file.ops().map(|op| op.kind).collect();
/// assert_eq!(kinds, [Int8OpKind::FullyConnected; 3]);
/// # Ok::<(), constnet::persist::TfliteError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Ops<'a> {
    file: Tflite<'a>,
    next: usize,
    error: Option<TfliteError>,
}

impl<'a> Iterator for Ops<'a> {
    type Item = Int8Op<'a>;

    fn next(&mut self) -> Option<Int8Op<'a>> {
        if self.next >= self.file.end || self.error.is_some() {
            return None;
        }
        let op = self.next;
        self.next += 1;
        match self.file.op(op) {
            Ok(op) => Some(op),
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }
}
