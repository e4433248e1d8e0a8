//! The int8 ReLU (chapter section 3, in integers).

use crate::module::int8_import::{Int8Import, Int8ImportError, Int8OpKind, Int8Ops};
use crate::module::quantize::{FieldError, FieldReader, FieldWriter, write_source_params};
use crate::quantization::{QuantParams, QuantizeError, Range, Rounding};
use crate::{Calibrated, Int8Module, Int8Persist, Int8Source, Module, Quantize, ReLU, Scalar};

/// ReLU on int8 values: `max(q, zero_point)`, with the same parameters in and out.
///
/// After a layer it is fused into (an [`Int8Linear`](crate::Int8Linear)), that layer's clamp
/// has already done the work and the layer's output parameters are the ReLU's range, as in a
/// `.tflite` file with a fused activation; this clamp then changes nothing.
///
/// ```
/// use constnet::prelude::*;
/// let float = <(Linear<2, 2>, ReLU)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let q: (Int8Linear<2, 2>, Int8ReLU) = float.quantize(&[[1.0f32, -1.0], [-1.0, 1.0]])?;
/// let out = q.forward_f32(&[1.0, -1.0])?;
/// assert!(out.iter().all(|&v| v >= 0.0));
/// # Ok::<(), constnet::quantization::QuantizeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Int8ReLU {
    /// The parameters of the input and the output.
    pub params: QuantParams,
}

impl<const N: usize> Int8Module<[i8; N]> for Int8ReLU {
    type Output = [i8; N];
    const ACTIVATION_BYTES: usize = N;

    #[inline]
    fn forward(&self, u: &[i8; N]) -> [i8; N] {
        let floor = self.params.zero_point.clamp(-128, 127) as i8;
        crate::kernels::quantized::clamp_below(u, floor)
    }
    fn input_params(&self) -> QuantParams {
        self.params
    }
    fn output_params(&self) -> QuantParams {
        self.params
    }
}

impl<T: Scalar, const N: usize> Quantize<[T; N]> for ReLU {
    type Int8 = Int8ReLU;
    type Ranges = Range;
    const LAYERS: usize = 1;

    fn observe(&self, u: &[T; N], range: &mut Range) -> [T; N] {
        let v = self.forward(u);
        v.observe(range);
        v
    }

    fn fused_range(range: &Range) -> Option<Range> {
        Some(*range)
    }

    fn quantize_from(
        &self,
        input: QuantParams,
        _range: &Range,
        _fused: Option<Range>,
        _rounding: Rounding,
    ) -> Result<(Int8ReLU, QuantParams), QuantizeError> {
        Ok((Int8ReLU { params: input }, input))
    }
}

impl Int8Import for Int8ReLU {
    /// The ReLU fused into the operator before it, or a `RELU` operator that does not rescale.
    fn import(ops: &mut Int8Ops<'_, '_>) -> Result<Self, Int8ImportError> {
        let layer = ops.begin_layer();
        if let Some(params) = ops.take_fused_relu() {
            return Ok(Self { params });
        }
        let op = ops.next(layer, "Int8ReLU", Int8OpKind::Relu)?;
        if op.input != op.output {
            return Err(Int8ImportError::UnsupportedParams {
                layer,
                op: op.index,
            });
        }
        Ok(Self { params: op.input })
    }
}

impl Int8Source for Int8ReLU {
    fn write_type(out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        out.write_str("constnet::Int8ReLU")
    }
    fn write_value(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        out.write_str("constnet::Int8ReLU { params: ")?;
        write_source_params(out, &self.params)?;
        out.write_str(" }")
    }
}

impl Int8Persist for Int8ReLU {
    fn blank() -> Self {
        Self {
            params: QuantParams {
                scale: 1.0,
                zero_point: 0,
            },
        }
    }
    fn write_fields(&self, out: &mut FieldWriter<'_>) {
        out.params(&self.params);
    }
    fn read_fields(&mut self, input: &mut FieldReader<'_>) -> Result<(), FieldError> {
        self.params = input.params("params")?;
        Ok(())
    }
}
