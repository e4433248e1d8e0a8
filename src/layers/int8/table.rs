//! int8 tanh and logistic sigmoid (chapter section 3, in integers): TFLite's int8 `TANH` and
//! `LOGISTIC`, a 256-entry table each.

use core::marker::PhantomData;

use crate::module::int8_import::{Int8Import, Int8ImportError, Int8OpKind, Int8Ops};
use crate::module::quantize::{
    FieldError, FieldReader, FieldWriter, write_source_array, write_source_params,
};
use crate::quantization::{self, QuantParams, QuantizeError, Range, Rounding};
use crate::{Int8Module, Int8Persist, Int8Source, Module, Quantize, Scalar, Sigmoid, Tanh};

/// An activation on int8 values by table: entry `q as u8` holds the output for input `q`.
/// `F` names the float activation it stands for: [`Int8Tanh`] and [`Int8Sigmoid`].
///
/// The table is computed when the network is quantized, in f32 as TFLite computes its own;
/// the forward pass is one load per value.
///
/// ```
/// use constnet::prelude::*;
/// let float = <(Linear<2, 2>, Tanh, Linear<2, 1>, Sigmoid)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let q: (Int8Linear<2, 2>, Int8Tanh, Int8Linear<2, 1>, Int8Sigmoid) =
///     float.quantize(&[[1.0f32, -1.0], [-1.0, 1.0], [0.0, 0.0]])?;
/// let [p] = q.forward_f32(&[0.5, 0.5])?;
/// assert!((p - float.forward(&[0.5, 0.5])[0]).abs() < 0.05);
/// # Ok::<(), constnet::quantization::QuantizeError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Int8Table<F> {
    /// The outputs, indexed by the input's byte.
    pub table: [i8; 256],
    /// What the input's int8 values mean.
    pub input: QuantParams,
    /// What the output's int8 values mean.
    pub output: QuantParams,
    /// The float activation the table stands for.
    pub function: PhantomData<F>,
}

/// tanh on int8 values; output scale 1/128, zero point 0.
pub type Int8Tanh = Int8Table<Tanh>;
/// The logistic sigmoid on int8 values; output scale 1/256, zero point -128.
pub type Int8Sigmoid = Int8Table<Sigmoid>;

impl Int8Tanh {
    /// tanh for an input with parameters `input`, as TFLite tabulates it.
    pub fn new(input: QuantParams) -> Self {
        let output = QuantParams::SYMMETRIC_UNIT;
        let table = quantization::lookup_table(input, output, quantization::tanh_f32);
        Self {
            table,
            input,
            output,
            function: PhantomData,
        }
    }
}

impl Int8Sigmoid {
    /// The logistic sigmoid for an input with parameters `input`, as TFLite tabulates it.
    pub fn new(input: QuantParams) -> Self {
        let output = QuantParams::UNIT_INTERVAL;
        let table = quantization::lookup_table(input, output, quantization::logistic_f32);
        Self {
            table,
            input,
            output,
            function: PhantomData,
        }
    }
}

impl<F, const N: usize> Int8Module<[i8; N]> for Int8Table<F> {
    type Output = [i8; N];
    const ACTIVATION_BYTES: usize = N;

    #[inline]
    fn forward(&self, u: &[i8; N]) -> [i8; N] {
        crate::kernels::quantized::lookup(u, &self.table)
    }
    fn input_params(&self) -> QuantParams {
        self.input
    }
    fn output_params(&self) -> QuantParams {
        self.output
    }
}

/// The [`Quantize`] and [`Int8Source`] impls of a tabulated activation: no range of its own
/// (its output's parameters are fixed), a table from its input's.
macro_rules! tabulated {
    ($float:ident, $op:ident) => {
        impl Int8Import for Int8Table<$float> {
            fn import(ops: &mut Int8Ops<'_, '_>) -> Result<Self, Int8ImportError> {
                let layer = ops.begin_layer();
                let op = ops.next(layer, stringify!($float), Int8OpKind::$op)?;
                let built = Self::new(op.input);
                // TFLite fixes the output's parameters; a file with others computes something
                // this table does not.
                if op.output != built.output {
                    return Err(Int8ImportError::UnsupportedParams {
                        layer,
                        op: op.index,
                    });
                }
                Ok(built)
            }
        }

        impl Int8Source for Int8Table<$float> {
            fn write_type(out: &mut dyn core::fmt::Write) -> core::fmt::Result {
                out.write_str(concat!(
                    "constnet::Int8Table<constnet::",
                    stringify!($float),
                    ">"
                ))
            }
            fn write_value(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
                out.write_str("constnet::Int8Table {\n    table: ")?;
                write_source_array(out, &self.table)?;
                out.write_str(",\n    input: ")?;
                write_source_params(out, &self.input)?;
                out.write_str(",\n    output: ")?;
                write_source_params(out, &self.output)?;
                out.write_str(",\n    function: core::marker::PhantomData,\n}")
            }
        }

        impl<T: Scalar, const N: usize> Quantize<[T; N]> for $float {
            type Int8 = Int8Table<$float>;
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
                _rounding: Rounding,
            ) -> Result<(Self::Int8, QuantParams), QuantizeError> {
                let layer = Int8Table::<$float>::new(input);
                let output = layer.output;
                Ok((layer, output))
            }
        }
    };
}

tabulated!(Tanh, Tanh);
tabulated!(Sigmoid, Logistic);

impl<F> Int8Persist for Int8Table<F>
where
    Int8Table<F>: Int8Source,
{
    fn blank() -> Self {
        let unit = QuantParams {
            scale: 1.0,
            zero_point: 0,
        };
        Self {
            table: [0; 256],
            input: unit,
            output: unit,
            function: PhantomData,
        }
    }
    fn write_fields(&self, out: &mut FieldWriter<'_>) {
        out.i8s(&self.table);
        out.params(&self.input);
        out.params(&self.output);
    }
    fn read_fields(&mut self, input: &mut FieldReader<'_>) -> Result<(), FieldError> {
        input.i8s(&mut self.table, i8::MIN, i8::MAX, "table")?;
        self.input = input.params("input")?;
        self.output = input.params("output")?;
        Ok(())
    }
}
