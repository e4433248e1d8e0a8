//! int8 networks: the forward pass (chapter section 2) in integers, and post-training
//! quantization of a trained float network into one.
//!
//! A float layer with an int8 form implements [`Quantize`], naming that form as
//! [`Quantize::Int8`]: [`Linear<I, O>`](crate::Linear) becomes
//! [`Int8Linear<I, O>`](crate::Int8Linear), and a tuple becomes the tuple of its layers' int8
//! forms. So a quantized network's type follows from the float network's, and it is
//! shape-checked the same way: [`Int8Module`] is implemented for a tuple only when each layer
//! takes the previous layer's output.
//!
//! Quantization runs the float network over calibration inputs, records each activation's
//! range (its minimum and maximum, as TFLite's converter does; a percentile clip or a
//! mean-squared-error search over the range would trade outliers for resolution, and could be
//! offered later), and derives every scale, zero point and multiplier from those ranges. A
//! ReLU after a layer is fused into it, as TFLite fuses it: the layer's output takes the
//! ReLU's range and its clamp.

use super::api::Module;
use crate::Scalar;
use crate::quantization::{QuantParams, QuantizeError, Range, Rounding};

/// A network or layer computing on int8 values: `forward` on `[i8; IN] -> [i8; OUT]`.
///
/// Its input and output mean `scale * (q - zero_point)`, as [`input_params`] and
/// [`output_params`] say. [`Int8Net`] adds float-in, float-out helpers for hosts.
///
/// [`input_params`]: Int8Module::input_params
/// [`output_params`]: Int8Module::output_params
///
/// ```
/// use constnet::prelude::*;
/// let net = <(Linear<2, 3>, ReLU, Linear<3, 2>)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let q = net.quantize(&[[0.0f32, 1.0], [1.0, -1.0]])?;
/// // int8 in, int8 out, with the scales and zero points of both ends:
/// let x = q.input_params().quantize_all(&[0.5, 0.5]).unwrap();
/// let y: [i8; 2] = q.forward(&x);
/// let real = q.output_params().dequantize_all(&y);
/// assert!((real[0] - net.forward(&[0.5, 0.5])[0]).abs() < 0.1);
/// # Ok::<(), constnet::quantization::QuantizeError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "the layer widths do not line up: `{Self}` cannot take `{U}` as its input",
    label = "a layer of this network gets an input of the wrong width",
    note = "each layer's input width must equal the output width of the layer before it: the layer before `{Self}` gives `{U}`"
)]
pub trait Int8Module<U> {
    /// What the module gives: `[i8; OUT]`.
    type Output;
    /// Bytes of intermediate values one forward pass holds at most (its outputs, summed over
    /// the layers of a network): the stack cost beside the weights.
    const ACTIVATION_BYTES: usize;

    /// The forward pass, in integer arithmetic only.
    fn forward(&self, u: &U) -> Self::Output;
    /// How the input's int8 values map to real ones.
    fn input_params(&self) -> QuantParams;
    /// How the output's int8 values map to real ones.
    fn output_params(&self) -> QuantParams;
}

/// Float arrays that calibration can observe: `[T; N]` for every scalar type.
///
/// ```
/// use constnet::Calibrated;
/// use constnet::quantization::Range;
/// let mut range = Range::EMPTY;
/// [0.5f32, -1.5, 2.0].observe(&mut range);
/// assert_eq!((range.min, range.max), (-1.5, 2.0));
/// ```
pub trait Calibrated {
    /// The same width in int8: `[i8; N]`.
    type Int8;
    /// Widens `range` to hold every value.
    fn observe(&self, range: &mut Range);
}

impl<T: Scalar, const N: usize> Calibrated for [T; N] {
    type Int8 = [i8; N];
    #[inline]
    fn observe(&self, range: &mut Range) {
        for &x in self {
            range.observe(x.as_f64() as f32);
        }
    }
}

/// A float layer or network with an int8 form, and how to get it from calibration data.
///
/// Layers without an int8 form (batch norm, dropout) do not implement it, so quantizing a
/// network that holds one is a compile error naming the layer, not a failure at run time.
///
/// ```
/// use constnet::prelude::*;
/// type Net = (Linear<2, 3>, ReLU, Linear<3, 2>, Softmax);
/// use constnet::rng::SeedableRng;
/// let net = Net::init(&mut constnet::rng::Pcg64Mcg::seed_from_u64(1));
/// let calibration = [[0.0f32, 1.0], [1.0, -1.0], [0.5, 0.5]];
/// let q = net.quantize(&calibration)?;
/// // The int8 form's type follows from the float one's.
/// let _: &(Int8Linear<2, 3>, Int8ReLU, Int8Linear<3, 2>, Int8Softmax) = &q;
/// let probabilities: [f32; 2] = q.forward_f32(&[0.5, 0.5])?;
/// assert!((probabilities.iter().sum::<f32>() - 1.0).abs() < 0.02);
/// # Ok::<(), constnet::quantization::QuantizeError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no int8 form",
    label = "this layer cannot be quantized",
    note = "int8 forms exist for Linear, ReLU, Tanh, Sigmoid, Softmax and tuples of them; fold batch norm into the layer before it and drop dropout before quantizing"
)]
pub trait Quantize<U: Calibrated>: Module<U> {
    /// The int8 form.
    type Int8;
    /// The activation ranges calibration records (one per layer that has a range of its own).
    type Ranges: Copy + Default;
    /// How many layers the module counts in errors (a tuple: the sum of its elements').
    const LAYERS: usize;

    /// One calibration sample through the float forward pass, widening the ranges of every
    /// output it produces.
    fn observe(&self, u: &U, ranges: &mut Self::Ranges) -> Self::Output;

    /// The range this module's output takes when it is fused into the module before it (a
    /// ReLU); `None` when it is not fused.
    fn fused_range(_ranges: &Self::Ranges) -> Option<Range> {
        None
    }

    /// The int8 form, given its input's parameters, its recorded ranges, when the next module
    /// fuses into it that module's range, and the rounding to compute with. Gives the output's
    /// parameters too. Errors count layers from this module's first.
    fn quantize_from(
        &self,
        input: QuantParams,
        ranges: &Self::Ranges,
        fused: Option<Range>,
        rounding: Rounding,
    ) -> Result<(Self::Int8, QuantParams), QuantizeError>;

    /// Post-training quantization: runs `calibration` through the network, records the range
    /// of its input and of every activation, and builds the int8 network.
    ///
    /// The network computes as TFLite 2.20 and later (and LiteRT) do,
    /// [`Rounding::Single`]; [`quantize_with`](Quantize::quantize_with) picks the other.
    ///
    /// Errors: an empty calibration set; a NaN or infinite weight, input or activation; a
    /// rescaling factor outside what int8 arithmetic can hold. The float network is unchanged.
    fn quantize(&self, calibration: &[U]) -> Result<Self::Int8, QuantizeError> {
        self.quantize_with(calibration, Rounding::Single)
    }

    /// [`quantize`](Quantize::quantize), computing with `rounding`:
    /// [`Rounding::Double`] gives the bytes of TFLite before 2.20 and of the default builds of
    /// TFLite Micro and CMSIS-NN.
    fn quantize_with(
        &self,
        calibration: &[U],
        rounding: Rounding,
    ) -> Result<Self::Int8, QuantizeError> {
        if calibration.is_empty() {
            return Err(QuantizeError::EmptyCalibration);
        }
        let mut input = Range::EMPTY;
        let mut ranges = Self::Ranges::default();
        for u in calibration {
            u.observe(&mut input);
            self.observe(u, &mut ranges);
        }
        let input =
            QuantParams::from_range(input).ok_or(QuantizeError::NonFinite { layer: None })?;
        Ok(self.quantize_from(input, &ranges, None, rounding)?.0)
    }
}

/// Float-in, float-out helpers for an int8 network of fixed widths, for hosts (they use
/// floating point; the int8 [`Int8Module::forward`] does not).
///
/// ```
/// use constnet::prelude::*;
/// /// Any int8 classifier of 4 features into 3 classes.
/// fn classify<N: Int8Net<4, 3>>(net: &N, x: &[f32; 4]) -> usize {
///     net.forward_f32(x).map_or(usize::MAX, |p| constnet::tensor::argmax(&p))
/// }
/// let float = <(Linear<4, 3>, Softmax)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let q = float.quantize(&[[5.1f32, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]])?;
/// assert!(classify(&q, &[5.1, 3.5, 1.4, 0.2]) < 3);
/// # Ok::<(), constnet::quantization::QuantizeError>(())
/// ```
pub trait Int8Net<const IN: usize, const OUT: usize>:
    Int8Module<[i8; IN], Output = [i8; OUT]>
{
    /// The input quantized with the network's input parameters; `None` if a value is NaN or
    /// infinite.
    fn quantize_input(&self, x: &[f32; IN]) -> Option<[i8; IN]> {
        self.input_params().quantize_all(x)
    }

    /// The output's real values.
    fn dequantize_output(&self, y: &[i8; OUT]) -> [f32; OUT] {
        self.output_params().dequantize_all(y)
    }

    /// Quantize, run in int8, dequantize. A NaN or infinite input is an error, never a number.
    fn forward_f32(&self, x: &[f32; IN]) -> Result<[f32; OUT], QuantizeError> {
        let q = self
            .quantize_input(x)
            .ok_or(QuantizeError::NonFinite { layer: None })?;
        Ok(self.dequantize_output(&self.forward(&q)))
    }
}

impl<N: Int8Module<[i8; IN], Output = [i8; OUT]>, const IN: usize, const OUT: usize>
    Int8Net<IN, OUT> for N
{
}

/// Shifts the layer named by an error from a tuple element's count to the tuple's.
fn offset(error: QuantizeError, by: usize) -> QuantizeError {
    match error {
        QuantizeError::NonFinite { layer: Some(layer) } => QuantizeError::NonFinite {
            layer: Some(layer + by),
        },
        QuantizeError::ScaleOutOfRange { layer } => {
            QuantizeError::ScaleOutOfRange { layer: layer + by }
        }
        other => other,
    }
}

impl<U, A: Int8Module<U>> Int8Module<U> for (A,) {
    type Output = A::Output;
    const ACTIVATION_BYTES: usize = A::ACTIVATION_BYTES;
    #[inline]
    fn forward(&self, u: &U) -> A::Output {
        self.0.forward(u)
    }
    fn input_params(&self) -> QuantParams {
        self.0.input_params()
    }
    fn output_params(&self) -> QuantParams {
        self.0.output_params()
    }
}

impl<U: Calibrated, A: Quantize<U>> Quantize<U> for (A,)
where
    (A,): Module<U, Output = A::Output>,
{
    type Int8 = (A::Int8,);
    type Ranges = A::Ranges;
    const LAYERS: usize = A::LAYERS;
    fn observe(&self, u: &U, ranges: &mut A::Ranges) -> A::Output {
        self.0.observe(u, ranges)
    }
    fn fused_range(ranges: &A::Ranges) -> Option<Range> {
        A::fused_range(ranges)
    }
    fn quantize_from(
        &self,
        input: QuantParams,
        ranges: &A::Ranges,
        fused: Option<Range>,
        rounding: Rounding,
    ) -> Result<(Self::Int8, QuantParams), QuantizeError> {
        let (a, params) = self.0.quantize_from(input, ranges, fused, rounding)?;
        Ok(((a,), params))
    }
}

/// The int8 and quantization impls of a tuple of 2 or more modules: each element takes the
/// previous one's output, and each element's fused range goes to the element before it.
/// Called as `int8_tuple!([A 0 a > B 1] [B 1 b > C 2]; [C 2 c])`: each element with its
/// successor, the last without.
macro_rules! int8_tuple {
    ([$F:ident $fi:tt $fr:ident > $FN:ident $fni:tt]
     $([$M:ident $mi:tt $mr:ident > $MN:ident $mni:tt])*
     ; [$L:ident $li:tt $lr:ident]) => {
        impl<U, $F: Int8Module<U>, $($M,)* $L> Int8Module<U> for ($F, $($M,)* $L,)
        where
            $FN: Int8Module<$F::Output>,
            $($MN: Int8Module<$M::Output>,)*
        {
            type Output = $L::Output;
            const ACTIVATION_BYTES: usize =
                $F::ACTIVATION_BYTES $(+ $M::ACTIVATION_BYTES)* + $L::ACTIVATION_BYTES;
            #[inline]
            fn forward(&self, u: &U) -> $L::Output {
                let x = self.$fi.forward(u);
                $(let x = self.$mi.forward(&x);)*
                self.$li.forward(&x)
            }
            fn input_params(&self) -> QuantParams {
                self.$fi.input_params()
            }
            fn output_params(&self) -> QuantParams {
                self.$li.output_params()
            }
        }

        impl<U: Calibrated, $F: Quantize<U>, $($M,)* $L> Quantize<U> for ($F, $($M,)* $L,)
        where
            $F::Output: Calibrated,
            $FN: Quantize<$F::Output>,
            $($M::Output: Calibrated, $MN: Quantize<$M::Output>,)*
            ($F, $($M,)* $L,): Module<U, Output = $L::Output>,
        {
            type Int8 = ($F::Int8, $($M::Int8,)* $L::Int8,);
            type Ranges = ($F::Ranges, $($M::Ranges,)* $L::Ranges,);
            const LAYERS: usize = $F::LAYERS $(+ $M::LAYERS)* + $L::LAYERS;

            fn observe(&self, u: &U, ranges: &mut Self::Ranges) -> $L::Output {
                let x = self.$fi.observe(u, &mut ranges.$fi);
                $(let x = self.$mi.observe(&x, &mut ranges.$mi);)*
                self.$li.observe(&x, &mut ranges.$li)
            }

            fn fused_range(ranges: &Self::Ranges) -> Option<Range> {
                $F::fused_range(&ranges.$fi)
            }

            fn quantize_from(
                &self,
                input: QuantParams,
                ranges: &Self::Ranges,
                fused: Option<Range>,
                rounding: Rounding,
            ) -> Result<(Self::Int8, QuantParams), QuantizeError> {
                let layers = 0;
                let ($fr, params) = self
                    .$fi
                    .quantize_from(input, &ranges.$fi, $FN::fused_range(&ranges.$fni), rounding)
                    .map_err(|e| offset(e, layers))?;
                let layers = layers + $F::LAYERS;
                $(
                    let ($mr, params) = self
                        .$mi
                        .quantize_from(
                            params,
                            &ranges.$mi,
                            $MN::fused_range(&ranges.$mni),
                            rounding,
                        )
                        .map_err(|e| offset(e, layers))?;
                    let layers = layers + $M::LAYERS;
                )*
                let ($lr, params) = self
                    .$li
                    .quantize_from(params, &ranges.$li, fused, rounding)
                    .map_err(|e| offset(e, layers))?;
                Ok((($fr, $($mr,)* $lr,), params))
            }
        }
    };
}

int8_tuple!([A 0 a > B 1]; [B 1 b]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2]; [C 2 c]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3]; [D 3 d]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3] [D 3 d > E 4]; [E 4 e]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3] [D 3 d > E 4] [E 4 e > F 5]; [F 5 f]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3] [D 3 d > E 4] [E 4 e > F 5] [F 5 f > G 6]; [G 6 g]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3] [D 3 d > E 4] [E 4 e > F 5] [F 5 f > G 6] [G 6 g > H 7]; [H 7 h]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3] [D 3 d > E 4] [E 4 e > F 5] [F 5 f > G 6] [G 6 g > H 7] [H 7 h > I 8]; [I 8 i]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3] [D 3 d > E 4] [E 4 e > F 5] [F 5 f > G 6] [G 6 g > H 7] [H 7 h > I 8] [I 8 i > J 9]; [J 9 j]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3] [D 3 d > E 4] [E 4 e > F 5] [F 5 f > G 6] [G 6 g > H 7] [H 7 h > I 8] [I 8 i > J 9] [J 9 j > K 10]; [K 10 k]);
int8_tuple!([A 0 a > B 1] [B 1 b > C 2] [C 2 c > D 3] [D 3 d > E 4] [E 4 e > F 5] [F 5 f > G 6] [G 6 g > H 7] [H 7 h > I 8] [I 8 i > J 9] [J 9 j > K 10] [K 10 k > L 11]; [L 11 l]);

/// An int8 network or layer written as Rust source: its type and a constant expression of its
/// value, so a quantized network can be a `const` in flash with nothing to load
/// ([`to_rust_source_int8`](crate::persist::to_rust_source_int8) writes the whole file).
///
/// Each int8 layer implements it beside its fields; tuples write their elements in order.
///
/// ```
/// use constnet::Int8Source;
/// use constnet::prelude::*;
/// let mut ty = String::new();
/// <(Int8Linear<2, 3>, Int8ReLU)>::write_type(&mut ty)?;
/// assert_eq!(ty, "(constnet::Int8Linear<2, 3>, constnet::Int8ReLU, )");
/// # Ok::<(), core::fmt::Error>(())
/// ```
pub trait Int8Source {
    /// The type, with full paths (`constnet::Int8Linear<64, 32>`).
    fn write_type(out: &mut dyn core::fmt::Write) -> core::fmt::Result;
    /// A constant expression of the value, every number reading back to the same bits.
    fn write_value(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result;
}

/// Writes `[a, b, ...]`: each value by `Debug`, which for integers is the number and for
/// floats the shortest literal that reads back to the same bits.
pub fn write_source_array<T: core::fmt::Debug>(
    out: &mut dyn core::fmt::Write,
    values: &[T],
) -> core::fmt::Result {
    out.write_char('[')?;
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write!(out, "{v:?}")?;
    }
    out.write_char(']')
}

/// Writes a [`QuantParams`] as a struct literal.
pub fn write_source_params(
    out: &mut dyn core::fmt::Write,
    params: &QuantParams,
) -> core::fmt::Result {
    write!(
        out,
        "constnet::quantization::QuantParams {{ scale: {:?}, zero_point: {} }}",
        params.scale, params.zero_point
    )
}

/// Writes a [`Rounding`] as its path.
pub fn write_source_rounding(
    out: &mut dyn core::fmt::Write,
    rounding: Rounding,
) -> core::fmt::Result {
    write!(out, "constnet::quantization::Rounding::{rounding:?}")
}

impl<A: Int8Source> Int8Source for (A,) {
    fn write_type(out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        out.write_char('(')?;
        A::write_type(out)?;
        out.write_str(",)")
    }
    fn write_value(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
        out.write_str("(\n")?;
        self.0.write_value(out)?;
        out.write_str(",\n)")
    }
}

/// [`Int8Source`] for a tuple of 2 or more: `int8_source_tuple!(A 0, B 1, ...)`.
macro_rules! int8_source_tuple {
    ($($T:ident $i:tt),+) => {
        impl<$($T: Int8Source),+> Int8Source for ($($T,)+) {
            fn write_type(out: &mut dyn core::fmt::Write) -> core::fmt::Result {
                out.write_char('(')?;
                $(
                    $T::write_type(out)?;
                    out.write_str(", ")?;
                )+
                out.write_char(')')
            }
            fn write_value(&self, out: &mut dyn core::fmt::Write) -> core::fmt::Result {
                out.write_str("(\n")?;
                $(
                    self.$i.write_value(out)?;
                    out.write_str(",\n")?;
                )+
                out.write_char(')')
            }
        }
    };
}

int8_source_tuple!(A 0, B 1);
int8_source_tuple!(A 0, B 1, C 2);
int8_source_tuple!(A 0, B 1, C 2, D 3);
int8_source_tuple!(A 0, B 1, C 2, D 3, E 4);
int8_source_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
int8_source_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
int8_source_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
int8_source_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
int8_source_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
int8_source_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
int8_source_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

/// Writes an int8 network's fields as little-endian bytes, in order. Past the end of its
/// buffer it only counts, so a first pass with an empty buffer gives the length.
///
/// ```
/// use constnet::schema::{FieldReader, FieldWriter};
/// use constnet::quantization::{QuantParams, Rounding};
/// let mut bytes = [0u8; 16];
/// let mut out = FieldWriter::new(&mut bytes);
/// out.i8s(&[-3, 7]);
/// out.params(&QuantParams { scale: 0.5, zero_point: -1 });
/// out.rounding(Rounding::Double);
/// let written = out.len();
/// let mut input = FieldReader::new(&bytes[..written]);
/// let mut values = [0i8; 2];
/// input.i8s(&mut values, i8::MIN, i8::MAX, "values")?;
/// assert_eq!(values, [-3, 7]);
/// assert_eq!(input.params("params")?, QuantParams { scale: 0.5, zero_point: -1 });
/// assert_eq!(input.rounding("rounding")?, Rounding::Double);
/// # Ok::<(), constnet::schema::FieldError>(())
/// ```
pub struct FieldWriter<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl<'a> FieldWriter<'a> {
    /// A writer into `out`.
    pub fn new(out: &'a mut [u8]) -> Self {
        Self { out, len: 0 }
    }
    /// Bytes written (or, past the buffer's end, that would have been).
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    fn bytes(&mut self, bytes: &[u8]) {
        if let Some(dest) = self.out.get_mut(self.len..self.len + bytes.len()) {
            dest.copy_from_slice(bytes);
        }
        self.len += bytes.len();
    }
    /// int8 values.
    pub fn i8s(&mut self, values: &[i8]) {
        for &v in values {
            self.bytes(&[v as u8]);
        }
    }
    /// int32 values.
    pub fn i32s(&mut self, values: &[i32]) {
        for &v in values {
            self.bytes(&v.to_le_bytes());
        }
    }
    /// f32 values.
    pub fn f32s(&mut self, values: &[f32]) {
        for &v in values {
            self.bytes(&v.to_le_bytes());
        }
    }
    /// A tensor's parameters: the scale, then the zero point.
    pub fn params(&mut self, params: &QuantParams) {
        self.f32s(&[params.scale]);
        self.i32s(&[params.zero_point]);
    }
    /// A rounding, as one byte (0 single, 1 double).
    pub fn rounding(&mut self, rounding: Rounding) {
        self.bytes(&[match rounding {
            Rounding::Single => 0,
            Rounding::Double => 1,
        }]);
    }
}

/// Why an int8 network's fields could not be read.
///
/// ```
/// use constnet::schema::{FieldError, FieldReader};
/// let mut out = [0i8; 2];
/// // One byte where two are needed:
/// assert_eq!(FieldReader::new(&[1]).i8s(&mut out, -128, 127, "w"), Err(FieldError::Truncated));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldError {
    /// The bytes end before the fields do.
    Truncated,
    /// A field holds a value no int8 network has (a scale that is not finite and positive, a
    /// zero point outside int8, a shift outside `[-31, 31]`, an unknown rounding): `field`
    /// names it, `offset` is its first byte.
    Invalid {
        /// The field's name.
        field: &'static str,
        /// Its first byte among the fields.
        offset: usize,
    },
}

/// Reads what [`FieldWriter`] wrote, checking each value.
///
/// ```
/// use constnet::schema::{FieldError, FieldReader};
/// // A scale must be finite and positive: the reader refuses anything else, naming the field.
/// let bytes = (-1.0f32).to_le_bytes();
/// let mut scales = [0f32; 1];
/// let error = FieldReader::new(&bytes).scales(&mut scales, "weight_scales").unwrap_err();
/// assert_eq!(error, FieldError::Invalid { field: "weight_scales", offset: 0 });
/// assert_eq!(FieldReader::new(&[]).scales(&mut scales, "weight_scales"), Err(FieldError::Truncated));
/// ```
pub struct FieldReader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> FieldReader<'a> {
    /// A reader of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Self { input, pos: 0 }
    }
    /// Bytes read.
    pub fn position(&self) -> usize {
        self.pos
    }
    fn take<const N: usize>(&mut self) -> Result<[u8; N], FieldError> {
        let bytes = self
            .input
            .get(self.pos..self.pos + N)
            .ok_or(FieldError::Truncated)?;
        self.pos += N;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }
    /// int8 values, each in `[min, max]` (`field` names them in an error).
    pub fn i8s(
        &mut self,
        out: &mut [i8],
        min: i8,
        max: i8,
        field: &'static str,
    ) -> Result<(), FieldError> {
        for v in out {
            let offset = self.pos;
            let [b] = self.take::<1>()?;
            *v = b as i8;
            if !(min..=max).contains(v) {
                return Err(FieldError::Invalid { field, offset });
            }
        }
        Ok(())
    }
    /// int32 values.
    pub fn i32s(&mut self, out: &mut [i32]) -> Result<(), FieldError> {
        for v in out {
            *v = i32::from_le_bytes(self.take()?);
        }
        Ok(())
    }
    /// f32 values, each finite and positive (scales).
    pub fn scales(&mut self, out: &mut [f32], field: &'static str) -> Result<(), FieldError> {
        for v in out {
            let offset = self.pos;
            *v = f32::from_le_bytes(self.take()?);
            if !(v.is_finite() && *v > 0.0) {
                return Err(FieldError::Invalid { field, offset });
            }
        }
        Ok(())
    }
    /// A tensor's parameters: a finite positive scale and an int8 zero point.
    pub fn params(&mut self, field: &'static str) -> Result<QuantParams, FieldError> {
        let mut scale = [0f32];
        self.scales(&mut scale, field)?;
        let offset = self.pos;
        let zero_point = i32::from_le_bytes(self.take()?);
        if !(-128..=127).contains(&zero_point) {
            return Err(FieldError::Invalid { field, offset });
        }
        Ok(QuantParams {
            scale: scale[0],
            zero_point,
        })
    }
    /// A rounding byte.
    pub fn rounding(&mut self, field: &'static str) -> Result<Rounding, FieldError> {
        let offset = self.pos;
        match self.take::<1>()? {
            [0] => Ok(Rounding::Single),
            [1] => Ok(Rounding::Double),
            _ => Err(FieldError::Invalid { field, offset }),
        }
    }
}

/// An int8 network's fields as bytes, for the int8 weight file
/// ([`Int8WeightFile`](crate::persist::Int8WeightFile)). Each int8 layer implements it beside
/// its fields; tuples write and read their elements in order.
///
/// ```
/// use constnet::persist::Int8WeightFile;
/// use constnet::prelude::*;
/// // Every int8 net has it: the int8 weight file is built on it.
/// let float = <(Linear<2, 3>, ReLU, Linear<3, 2>)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let q = float.quantize(&[[0.0f32, 1.0], [1.0, -1.0]])?;
/// let file = q.to_byte_vec();
/// assert_eq!(<(Int8Linear<2, 3>, Int8ReLU, Int8Linear<3, 2>)>::from_bytes(&file)?, q);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Int8Persist: Int8Source + Sized {
    /// A value to read into: every field zero (or what the layer needs to be well formed).
    fn blank() -> Self;
    /// Writes every field.
    fn write_fields(&self, out: &mut FieldWriter<'_>);
    /// Reads every field, checking each; on error `self` may be partly overwritten (the
    /// weight file reads into a blank value and returns it only whole).
    fn read_fields(&mut self, input: &mut FieldReader<'_>) -> Result<(), FieldError>;
}

/// [`Int8Persist`] and [`Int8Import`](super::int8_import::Int8Import) for tuples:
/// `int8_persist_tuple!(A 0, B 1, ...)`. Both read a file's layers in order.
macro_rules! int8_persist_tuple {
    ($($T:ident $i:tt),+) => {
        impl<$($T: super::int8_import::Int8Import),+> super::int8_import::Int8Import for ($($T,)+) {
            fn import(
                ops: &mut super::int8_import::Int8Ops<'_, '_>,
            ) -> Result<Self, super::int8_import::Int8ImportError> {
                Ok(($($T::import(ops)?,)+))
            }
        }

        impl<$($T: Int8Persist),+> Int8Persist for ($($T,)+) {
            fn blank() -> Self {
                ($($T::blank(),)+)
            }
            fn write_fields(&self, out: &mut FieldWriter<'_>) {
                $(self.$i.write_fields(out);)+
            }
            fn read_fields(&mut self, input: &mut FieldReader<'_>) -> Result<(), FieldError> {
                $(self.$i.read_fields(input)?;)+
                Ok(())
            }
        }
    };
}

int8_persist_tuple!(A 0);
int8_persist_tuple!(A 0, B 1);
int8_persist_tuple!(A 0, B 1, C 2);
int8_persist_tuple!(A 0, B 1, C 2, D 3);
int8_persist_tuple!(A 0, B 1, C 2, D 3, E 4);
int8_persist_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
int8_persist_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
int8_persist_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
int8_persist_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
int8_persist_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
int8_persist_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
int8_persist_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
