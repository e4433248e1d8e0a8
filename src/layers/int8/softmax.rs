//! The int8 softmax (chapter section 3, in integers): TFLite's reference int8 `SOFTMAX`.

use crate::kernels::quantized::{self, SoftmaxConstants};
use crate::module::int8_import::{Int8Import, Int8ImportError, Int8OpKind, Int8Ops};
use crate::module::quantize::{
    FieldError, FieldReader, FieldWriter, write_source_array, write_source_params,
    write_source_rounding,
};
use crate::quantization::{QuantParams, QuantizeError, Range, Rounding, softmax_constants};
use crate::{Int8Module, Int8Persist, Int8Source, Module, Quantize, Scalar, Softmax};

/// Softmax on int8 values, in gemmlowp's fixed-point arithmetic as TFLite's reference kernel
/// computes it. The output is a probability in steps of 1/256 (scale 1/256, zero point -128).
///
/// ```
/// use constnet::prelude::*;
/// let float = <(Linear<2, 3>, Softmax)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let q: (Int8Linear<2, 3>, Int8Softmax) = float.quantize(&[[1.0f32, -1.0], [-1.0, 1.0]])?;
/// let p = q.forward_f32(&[1.0, -1.0])?;
/// assert!((p.iter().sum::<f32>() - 1.0).abs() < 0.02); // probabilities in steps of 1/256
/// # Ok::<(), constnet::quantization::QuantizeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Int8Softmax {
    /// The constants derived from the input's scale.
    pub constants: SoftmaxConstants,
    /// The exponential of every difference from the row's maximum, `0, -1, ..., -255`, as
    /// the constants give it ([`kernels::quantized::softmax_exp_table`](crate::kernels)): 1 KiB
    /// of flash that saves a fixed-point `exp` per value.
    pub exp_table: [i32; 256],
    /// What the input's int8 values mean.
    pub input: QuantParams,
}

impl Int8Softmax {
    /// The softmax of an input with parameters `input`, with one of TFLite's roundings; `None`
    /// if its scale is too small for the kernel's fixed-point differences.
    pub fn new(input: QuantParams, rounding: Rounding) -> Option<Self> {
        let constants = softmax_constants(input.scale, rounding)?;
        Some(Self {
            constants,
            exp_table: quantized::softmax_exp_table(&constants),
            input,
        })
    }
}

impl<const N: usize> Int8Module<[i8; N]> for Int8Softmax {
    type Output = [i8; N];
    const ACTIVATION_BYTES: usize = N;

    #[inline]
    fn forward(&self, u: &[i8; N]) -> [i8; N] {
        quantized::softmax_with_table(u, &self.exp_table)
    }
    fn input_params(&self) -> QuantParams {
        self.input
    }
    fn output_params(&self) -> QuantParams {
        QuantParams::UNIT_INTERVAL
    }
}

impl<T: Scalar, const N: usize> Quantize<[T; N]> for Softmax {
    type Int8 = Int8Softmax;
    type Ranges = ();
    const LAYERS: usize = 1;

    fn observe(&self, u: &[T; N], _: &mut ()) -> [T; N] {
        self.forward(u)
    }

    fn quantize_from(
        &self,
        input: QuantParams,
        _: &(),
        _fused: Option<Range>,
        rounding: Rounding,
    ) -> Result<(Int8Softmax, QuantParams), QuantizeError> {
        let layer =
            Int8Softmax::new(input, rounding).ok_or(QuantizeError::ScaleOutOfRange { layer: 0 })?;
        Ok((layer, QuantParams::UNIT_INTERVAL))
    }
}

impl Int8Import for Int8Softmax {
    fn import(ops: &mut Int8Ops<'_, '_>) -> Result<Self, Int8ImportError> {
        let layer = ops.begin_layer();
        let op = ops.next(layer, "Int8Softmax", Int8OpKind::Softmax)?;
        // The kernel writes probabilities in steps of 1/256 from -128, as TFLite requires.
        if op.output != QuantParams::UNIT_INTERVAL {
            return Err(Int8ImportError::UnsupportedParams {
                layer,
                op: op.index,
            });
        }
        Self::new(op.input, ops.rounding()).ok_or(Int8ImportError::Quantize {
            layer,
            op: op.index,
            error: QuantizeError::ScaleOutOfRange { layer },
        })
    }
}

impl Int8Source for Int8Softmax {
    fn write_type(out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        out.write_str("constnet::Int8Softmax")
    }
    fn write_value(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        let c = &self.constants;
        write!(
            out,
            "constnet::Int8Softmax {{\n    constants: constnet::quantization::SoftmaxConstants {{ \
             input_multiplier: {}, input_left_shift: {}, diff_min: {}, rounding: ",
            c.input_multiplier, c.input_left_shift, c.diff_min
        )?;
        write_source_rounding(out, c.rounding)?;
        out.write_str(" },\n    exp_table: ")?;
        write_source_array(out, &self.exp_table)?;
        out.write_str(",\n    input: ")?;
        write_source_params(out, &self.input)?;
        out.write_str(",\n}")
    }
}

/// The file holds the constants; the table of exponentials is computed from them on load, so
/// it always agrees with them.
impl Int8Persist for Int8Softmax {
    fn blank() -> Self {
        let constants = SoftmaxConstants {
            input_multiplier: 0,
            input_left_shift: 0,
            diff_min: 0,
            rounding: Rounding::Single,
        };
        Self {
            constants,
            exp_table: quantized::softmax_exp_table(&constants),
            input: QuantParams {
                scale: 1.0,
                zero_point: 0,
            },
        }
    }
    fn write_fields(&self, out: &mut FieldWriter<'_>) {
        let c = &self.constants;
        out.i32s(&[c.input_multiplier, c.input_left_shift, c.diff_min]);
        out.rounding(c.rounding);
        out.params(&self.input);
    }
    fn read_fields(&mut self, input: &mut FieldReader<'_>) -> Result<(), FieldError> {
        let offset = input.position();
        let mut words = [0i32; 3];
        input.i32s(&mut words)?;
        let [input_multiplier, input_left_shift, diff_min] = words;
        if !(0..=31).contains(&input_left_shift) || diff_min > 0 {
            return Err(FieldError::Invalid {
                field: "constants",
                offset,
            });
        }
        let rounding = input.rounding("rounding")?;
        self.constants = SoftmaxConstants {
            input_multiplier,
            input_left_shift,
            diff_min,
            rounding,
        };
        self.exp_table = quantized::softmax_exp_table(&self.constants);
        self.input = input.params("input")?;
        Ok(())
    }
}
