//! The int8 fully connected layer (chapter section 2.1, in integers): TFLite's int8
//! `FULLY_CONNECTED` with per-channel (or per-tensor) weight scales.

use crate::kernels::quantized::{self, Requantize};
use crate::module::int8_import::{Int8Import, Int8ImportError, Int8OpKind, Int8Ops};
use crate::module::quantize::{
    FieldError, FieldReader, FieldWriter, write_source_array, write_source_params,
    write_source_rounding,
};
use crate::quantization::{Multiplier, QuantParams, QuantizeError, Range, Rounding};
use crate::{Calibrated, Int8Module, Int8Persist, Int8Source, Linear, Module, Quantize, Scalar};

/// A fully connected layer in int8: `y = clamp(zp_out + M * (bias + W (x - zp_in)))`, the
/// int8 form of [`Linear<IN, OUT>`](crate::Linear).
///
/// Weights are symmetric int8 in `[-127, 127]`, stored `OUT x IN` as TFLite stores them, with
/// one scale per output unit; sums are int32 and are rescaled to the output by a Q0.31
/// multiplier and a shift per unit. A ReLU after the layer is fused into its clamp.
///
/// The float fields (`input`, `output`, `weight_scales`) say what the integers mean; the
/// forward pass reads only the integer ones.
///
/// ```
/// use constnet::prelude::*;
/// let float = <(Linear<3, 2>,)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let (layer,): (Int8Linear<3, 2>,) = float.quantize(&[[1.0f32, -1.0, 0.5], [0.0, 2.0, -0.5]])?;
/// assert_eq!(layer.weights.len(), 2); // per output unit, in TFLite's OUT x IN layout
/// # Ok::<(), constnet::quantization::QuantizeError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Int8Linear<const IN: usize, const OUT: usize> {
    /// Weights, `OUT x IN`: `weights[j][i]` connects input `i` to unit `j`.
    pub weights: [[i8; IN]; OUT],
    /// The int32 bias with the input's zero point folded in:
    /// `bias[j] - input.zero_point * sum_i weights[j][i]` (see [`Int8Linear::bias`]).
    pub folded_bias: [i32; OUT],
    /// Each unit's rescaling multiplier, `input.scale * weight_scales[j] / output.scale` as a
    /// Q0.31 fraction ...
    pub multiplier: [i32; OUT],
    /// ... and its power of two.
    pub shift: [i8; OUT],
    /// The smallest output value: `output.zero_point` with a fused ReLU, else -128.
    pub output_min: i8,
    /// How sums are rescaled (TFLite's two builds differ).
    pub rounding: Rounding,
    /// What the input's int8 values mean.
    pub input: QuantParams,
    /// What the output's int8 values mean.
    pub output: QuantParams,
    /// Each unit's weight scale (all equal for a per-tensor layer).
    pub weight_scales: [f32; OUT],
}

impl<const IN: usize, const OUT: usize> Int8Linear<IN, OUT> {
    /// A layer from quantized parts as a `.tflite` file holds them: int8 weights `OUT x IN`,
    /// int32 biases at scale `input.scale * weight_scales[j]`, the input's and output's
    /// parameters, whether a ReLU is fused, and which of TFLite's roundings to compute with.
    /// The multipliers are derived as TFLite derives them.
    ///
    /// Errors: a rescaling factor that is not finite and positive, or outside what a Q0.31
    /// multiplier with a shift holds.
    pub fn from_parts(
        weights: [[i8; IN]; OUT],
        bias: [i32; OUT],
        weight_scales: [f32; OUT],
        input: QuantParams,
        output: QuantParams,
        fused_relu: bool,
        rounding: Rounding,
    ) -> Result<Self, QuantizeError> {
        let mut multiplier = [0i32; OUT];
        let mut shift = [0i8; OUT];
        for j in 0..OUT {
            let real = input.scale as f64 * weight_scales[j] as f64 / output.scale as f64;
            let m = Multiplier::from_real(real, rounding)
                .filter(|m| (-31..=31).contains(&m.shift))
                .ok_or(QuantizeError::ScaleOutOfRange { layer: 0 })?;
            multiplier[j] = m.multiplier;
            shift[j] = m.shift as i8;
        }
        let mut folded_bias = bias;
        for (b, row) in folded_bias.iter_mut().zip(&weights) {
            *b = b.wrapping_sub(input.zero_point.wrapping_mul(quantized::sum(row)));
        }
        let output_min = if fused_relu {
            output.zero_point.clamp(-128, 127) as i8
        } else {
            i8::MIN
        };
        Ok(Self {
            weights,
            folded_bias,
            multiplier,
            shift,
            output_min,
            rounding,
            input,
            output,
            weight_scales,
        })
    }

    /// The int32 biases as TFLite stores them (the zero point unfolded).
    pub fn bias(&self) -> [i32; OUT] {
        let mut bias = self.folded_bias;
        for (b, row) in bias.iter_mut().zip(&self.weights) {
            *b = b.wrapping_add(self.input.zero_point.wrapping_mul(quantized::sum(row)));
        }
        bias
    }
}

impl<const IN: usize, const OUT: usize> Int8Import for Int8Linear<IN, OUT> {
    fn import(ops: &mut Int8Ops<'_, '_>) -> Result<Self, Int8ImportError> {
        let layer = ops.begin_layer();
        let op = ops.next(layer, "Int8Linear", Int8OpKind::FullyConnected)?;
        if op.weight_shape != [OUT, IN] {
            return Err(Int8ImportError::WrongShape {
                layer,
                op: op.index,
                expected: [OUT, IN],
                found: op.weight_shape,
            });
        }
        Self::from_parts(
            core::array::from_fn(|j| core::array::from_fn(|i| op.weight(j, i))),
            core::array::from_fn(|j| op.bias(j)),
            core::array::from_fn(|j| op.weight_scale(j)),
            op.input,
            op.output,
            op.fused_relu,
            ops.rounding(),
        )
        .map_err(|error| Int8ImportError::Quantize {
            layer,
            op: op.index,
            error: match error {
                QuantizeError::ScaleOutOfRange { .. } => QuantizeError::ScaleOutOfRange { layer },
                other => other,
            },
        })
    }
}

impl<const IN: usize, const OUT: usize> Int8Module<[i8; IN]> for Int8Linear<IN, OUT> {
    type Output = [i8; OUT];
    const ACTIVATION_BYTES: usize = OUT;

    #[inline]
    fn forward(&self, u: &[i8; IN]) -> [i8; OUT] {
        quantized::fully_connected(
            u,
            &self.weights,
            &Requantize {
                folded_bias: &self.folded_bias,
                multiplier: &self.multiplier,
                shift: &self.shift,
                output_zero_point: self.output.zero_point,
                output_min: self.output_min,
                rounding: self.rounding,
            },
        )
    }
    fn input_params(&self) -> QuantParams {
        self.input
    }
    fn output_params(&self) -> QuantParams {
        self.output
    }
}

impl<const IN: usize, const OUT: usize, T: Scalar> Quantize<[T; IN]> for Linear<IN, OUT, T> {
    type Int8 = Int8Linear<IN, OUT>;
    type Ranges = Range;
    const LAYERS: usize = 1;

    fn observe(&self, u: &[T; IN], range: &mut Range) -> [T; OUT] {
        let v = self.forward(u);
        v.observe(range);
        v
    }

    /// Weights per output unit, symmetric: `scale_j = max_i |w_ij| / 127`; biases at
    /// `input.scale * scale_j`; the output's parameters from its range (the fused ReLU's, if
    /// one follows).
    fn quantize_from(
        &self,
        input: QuantParams,
        range: &Range,
        fused: Option<Range>,
        rounding: Rounding,
    ) -> Result<(Self::Int8, QuantParams), QuantizeError> {
        let non_finite = QuantizeError::NonFinite { layer: Some(0) };
        let output = QuantParams::from_range(fused.unwrap_or(*range)).ok_or(non_finite)?;
        let mut weights = [[0i8; IN]; OUT];
        let mut bias = [0i32; OUT];
        let mut weight_scales = [0f32; OUT];
        for j in 0..OUT {
            let mut max_abs = 0f64;
            for row in &self.w {
                let w = row[j].as_f64() as f32 as f64;
                if !w.is_finite() {
                    return Err(non_finite);
                }
                max_abs = max_abs.max(w.abs());
            }
            // An all-zero unit: any scale holds it exactly.
            let scale = if max_abs > 0.0 { max_abs / 127.0 } else { 1.0 };
            for (i, row) in self.w.iter().enumerate() {
                let q = crate::quantization::round(row[j].as_f64() as f32 as f64 / scale);
                weights[j][i] = q.clamp(-127.0, 127.0) as i8;
            }
            weight_scales[j] = scale as f32;
            let b = self.w0[j].as_f64() as f32 as f64;
            if !b.is_finite() {
                return Err(non_finite);
            }
            let bias_scale = input.scale as f64 * scale;
            let q = crate::quantization::round(b / bias_scale);
            if q.is_nan() || q.abs() > i32::MAX as f64 {
                return Err(QuantizeError::ScaleOutOfRange { layer: 0 });
            }
            bias[j] = q as i32;
        }
        let layer = Int8Linear::from_parts(
            weights,
            bias,
            weight_scales,
            input,
            output,
            fused.is_some(),
            rounding,
        )?;
        Ok((layer, output))
    }
}

impl<const IN: usize, const OUT: usize> Int8Source for Int8Linear<IN, OUT> {
    fn write_type(out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        write!(out, "constnet::Int8Linear<{IN}, {OUT}>")
    }
    fn write_value(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        out.write_str("constnet::Int8Linear {\n    weights: [\n")?;
        for row in &self.weights {
            out.write_str("        ")?;
            write_source_array(out, row)?;
            out.write_str(",\n")?;
        }
        out.write_str("    ],\n    folded_bias: ")?;
        write_source_array(out, &self.folded_bias)?;
        out.write_str(",\n    multiplier: ")?;
        write_source_array(out, &self.multiplier)?;
        out.write_str(",\n    shift: ")?;
        write_source_array(out, &self.shift)?;
        write!(
            out,
            ",\n    output_min: {},\n    rounding: ",
            self.output_min
        )?;
        write_source_rounding(out, self.rounding)?;
        out.write_str(",\n    input: ")?;
        write_source_params(out, &self.input)?;
        out.write_str(",\n    output: ")?;
        write_source_params(out, &self.output)?;
        out.write_str(",\n    weight_scales: ")?;
        write_source_array(out, &self.weight_scales)?;
        out.write_str(",\n}")
    }
}

impl<const IN: usize, const OUT: usize> Int8Persist for Int8Linear<IN, OUT> {
    fn blank() -> Self {
        let unit = QuantParams {
            scale: 1.0,
            zero_point: 0,
        };
        Self {
            weights: [[0; IN]; OUT],
            folded_bias: [0; OUT],
            multiplier: [0; OUT],
            shift: [0; OUT],
            output_min: i8::MIN,
            rounding: Rounding::Single,
            input: unit,
            output: unit,
            weight_scales: [1.0; OUT],
        }
    }
    fn write_fields(&self, out: &mut FieldWriter<'_>) {
        for row in &self.weights {
            out.i8s(row);
        }
        out.i32s(&self.folded_bias);
        out.i32s(&self.multiplier);
        out.i8s(&self.shift);
        out.i8s(&[self.output_min]);
        out.rounding(self.rounding);
        out.params(&self.input);
        out.params(&self.output);
        out.f32s(&self.weight_scales);
    }
    fn read_fields(&mut self, input: &mut FieldReader<'_>) -> Result<(), FieldError> {
        for row in &mut self.weights {
            input.i8s(row, i8::MIN, i8::MAX, "weights")?;
        }
        input.i32s(&mut self.folded_bias)?;
        input.i32s(&mut self.multiplier)?;
        input.i8s(&mut self.shift, -31, 31, "shift")?;
        let mut output_min = [0i8];
        input.i8s(&mut output_min, i8::MIN, i8::MAX, "output_min")?;
        self.output_min = output_min[0];
        self.rounding = input.rounding("rounding")?;
        self.input = input.params("input")?;
        self.output = input.params("output")?;
        input.scales(&mut self.weight_scales, "weight_scales")
    }
}
