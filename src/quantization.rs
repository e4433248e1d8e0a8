//! The int8 quantization scheme: how real numbers map to int8 and back, and the constants an
//! int8 network derives from it (the chapter's forward pass, section 2, run in integers).
//!
//! This is TFLite's int8 scheme, so models and numbers carry over:
//! - a real value `r` is stored as `q = round(r / scale) + zero_point`, clamped to int8;
//! - activations are asymmetric (a scale and a zero point per tensor, from the range seen on
//!   calibration data, widened to contain 0 so that 0 is exact);
//! - weights are symmetric (zero point 0) in `[-127, 127]`, one scale per output unit (or one
//!   for the whole tensor), biases int32 at `scale_in * scale_w[j]`;
//! - rescaling a layer's int32 sums to its int8 output uses a Q0.31 multiplier and a power of
//!   two, [`Multiplier`], applied with TFLite's exact rounding
//!   ([`kernels::quantized`](crate::kernels)).
//!
//! The functions here run when a network is quantized, on the host: they use floating point.
//! The int8 inference they prepare uses none.

pub use crate::kernels::quantized::{Rounding, SoftmaxConstants};

use crate::kernels::quantized::SOFTMAX_DIFF_INTEGER_BITS;
use crate::math;

/// Why a network has no int8 form.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::quantization::QuantizeError;
/// let net = <(Linear<2, 2>,)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let none: [[f32; 2]; 0] = [];
/// assert!(matches!(net.quantize(&none), Err(QuantizeError::EmptyCalibration)));
/// assert!(matches!(net.quantize(&[[f32::NAN, 0.0]]), Err(QuantizeError::NonFinite { .. })));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum QuantizeError {
    /// The calibration set has no samples, so no activation range is known.
    EmptyCalibration,
    /// A weight, an offset, a calibration input or an activation seen on it is NaN or
    /// infinite: layer `layer` (0-based, in forward order; the input is `None`).
    NonFinite {
        /// The layer whose tensor holds the value; `None` for the calibration input.
        layer: Option<usize>,
    },
    /// A rescaling factor is outside what a Q0.31 multiplier with a shift can hold (a layer's
    /// weights, or an activation range, are too far from the rest), at layer `layer`.
    ScaleOutOfRange {
        /// The layer, 0-based in forward order.
        layer: usize,
    },
}

impl core::fmt::Display for QuantizeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::EmptyCalibration => {
                write!(
                    f,
                    "the calibration set is empty: quantization needs real inputs"
                )
            }
            Self::NonFinite { layer: None } => {
                write!(f, "a calibration input is NaN or infinite")
            }
            Self::NonFinite { layer: Some(layer) } => write!(
                f,
                "layer {layer} holds or produces a NaN or infinite value on the calibration set"
            ),
            Self::ScaleOutOfRange { layer } => write!(
                f,
                "layer {layer}: a rescaling factor does not fit a Q0.31 multiplier and shift"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for QuantizeError {}

/// The smallest and largest value seen in a tensor (calibration keeps one per activation).
///
/// ```
/// use constnet::quantization::Range;
/// let mut range = Range::EMPTY;
/// range.observe_all(&[0.5, -2.0, 3.0]);
/// assert_eq!((range.min, range.max), (-2.0, 3.0));
/// range.observe(f32::NAN);
/// assert!(!range.is_finite()); // a NaN in calibration is never lost
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// The smallest value seen (`+inf` before any).
    pub min: f32,
    /// The largest value seen (`-inf` before any).
    pub max: f32,
}

impl Default for Range {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl Range {
    /// No value seen yet.
    pub const EMPTY: Self = Self {
        min: f32::INFINITY,
        max: f32::NEG_INFINITY,
    };

    /// Widens the range to hold `x`. A NaN makes the range non-finite, so it is never lost.
    #[inline]
    pub fn observe(&mut self, x: f32) {
        // `f32::min` drops a NaN operand, so a NaN seen once is kept by hand.
        if x.is_nan() || self.min.is_nan() {
            self.min = f32::NAN;
            self.max = f32::NAN;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
    }

    /// Widens the range to hold every value of `xs`.
    pub fn observe_all(&mut self, xs: &[f32]) {
        for &x in xs {
            self.observe(x);
        }
    }

    /// Whether both ends are finite numbers (a range that saw a value, and no NaN or infinity).
    pub fn is_finite(&self) -> bool {
        self.min.is_finite() && self.max.is_finite()
    }
}

/// How a tensor's int8 values map to real ones: `real = scale * (q - zero_point)`.
///
/// ```
/// use constnet::quantization::{QuantParams, Range};
/// let params = QuantParams::from_range(Range { min: -1.0, max: 3.0 }).unwrap();
/// let q = params.quantize(1.0).unwrap();
/// assert!((params.dequantize(q) - 1.0).abs() <= params.scale / 2.0);
/// assert_eq!(params.quantize(0.0), Some(params.zero_point as i8)); // real 0 is exact
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuantParams {
    /// The real step between two consecutive int8 values.
    pub scale: f32,
    /// The int8 value that stands for real 0.
    pub zero_point: i32,
}

impl QuantParams {
    /// The output of an int8 logistic sigmoid or softmax, fixed by TFLite: `[0, 1)` in steps
    /// of 1/256.
    pub const UNIT_INTERVAL: Self = Self {
        scale: 1.0 / 256.0,
        zero_point: -128,
    };
    /// The output of an int8 tanh, fixed by TFLite: `[-1, 1)` in steps of 1/128.
    pub const SYMMETRIC_UNIT: Self = Self {
        scale: 1.0 / 128.0,
        zero_point: 0,
    };

    /// Asymmetric int8 parameters for values in `range`, as TFLite's converter derives them:
    /// the range is widened to contain 0, `scale = (max - min) / 255`, and the zero point is
    /// the nearer-exact of the two ends' estimates, rounded and kept in int8.
    pub fn from_range(range: Range) -> Option<Self> {
        if !range.is_finite() {
            return None;
        }
        let min = (range.min as f64).min(0.0);
        let max = (range.max as f64).max(0.0);
        let (qmin, qmax) = (i8::MIN as f64, i8::MAX as f64);
        if (max - min).abs() < f64::EPSILON {
            // All zero: any scale represents it exactly.
            return Some(Self {
                scale: 1.0,
                zero_point: 0,
            });
        }
        let scale = (max - min) / (qmax - qmin);
        let from_min = qmin - min / scale;
        let from_max = qmax - max / scale;
        let from_min_error = qmin.abs() + (min / scale).abs();
        let from_max_error = qmax.abs() + (max / scale).abs();
        let zero_point = if from_min_error < from_max_error {
            from_min
        } else {
            from_max
        };
        let zero_point = if zero_point < qmin {
            qmin
        } else if zero_point > qmax {
            qmax
        } else {
            round_half_away(zero_point)
        };
        let scale = scale as f32;
        (scale.is_normal()).then_some(Self {
            scale,
            zero_point: zero_point as i32,
        })
    }

    /// `round(x / scale) + zero_point`, clamped to int8; `None` for NaN or an infinity, which
    /// have no int8 value.
    pub fn quantize(&self, x: f32) -> Option<i8> {
        if !x.is_finite() {
            return None;
        }
        let q = round_half_away_f32(x / self.scale) as f64 + self.zero_point as f64;
        Some(q.clamp(i8::MIN as f64, i8::MAX as f64) as i8)
    }

    /// Every value of `xs` quantized; `None` if one is NaN or infinite.
    pub fn quantize_all<const N: usize>(&self, xs: &[f32; N]) -> Option<[i8; N]> {
        let mut out = [0i8; N];
        for (q, &x) in out.iter_mut().zip(xs) {
            *q = self.quantize(x)?;
        }
        Some(out)
    }

    /// The real value `scale * (q - zero_point)`.
    pub fn dequantize(&self, q: i8) -> f32 {
        self.scale * (q as i32 - self.zero_point) as f32
    }

    /// Every value of `qs` dequantized.
    pub fn dequantize_all<const N: usize>(&self, qs: &[i8; N]) -> [f32; N] {
        qs.map(|q| self.dequantize(q))
    }
}

/// A real factor as a Q0.31 fraction and a power of two: `real = multiplier / 2^31 * 2^shift`
/// (TFLite's `QuantizeMultiplier`).
///
/// ```
/// use constnet::quantization::{Multiplier, Rounding};
/// let m = Multiplier::from_real(0.75, Rounding::Single).unwrap();
/// assert_eq!((m.multiplier, m.shift), (1_610_612_736, 0)); // 0.75 * 2^31
/// assert_eq!(Multiplier::from_real(-1.0, Rounding::Single), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Multiplier {
    /// The fraction, in `[2^30, 2^31)` (or 0 for a zero factor).
    pub multiplier: i32,
    /// The power of two: positive shifts left, negative right.
    pub shift: i32,
}

impl Multiplier {
    /// The multiplier for a real factor `real >= 0`, rounded as TFLite rounds it; `None` for a
    /// negative, NaN or infinite factor, or one of `2^31` or more. For [`Rounding::Single`],
    /// shifts above 30 saturate to the largest multiplier at shift 30, as TFLite's build does.
    pub fn from_real(real: f64, rounding: Rounding) -> Option<Self> {
        if !(real.is_finite() && real >= 0.0) {
            return None;
        }
        if real == 0.0 {
            return Some(Self {
                multiplier: 0,
                shift: 0,
            });
        }
        let (fraction, mut shift) = frexp(real);
        let mut fixed = round_half_away(fraction * (1u64 << 31) as f64) as i64;
        if fixed == 1 << 31 {
            fixed /= 2;
            shift += 1;
        }
        if shift < -31 {
            // Below 2^-31 every product rounds to zero: TFLite flushes it to zero too.
            return Some(Self {
                multiplier: 0,
                shift: 0,
            });
        }
        if shift > 31 {
            return None;
        }
        if rounding == Rounding::Single && shift > 30 {
            return Some(Self {
                multiplier: i32::MAX,
                shift: 30,
            });
        }
        Some(Self {
            multiplier: fixed as i32,
            shift,
        })
    }
}

/// The constants of an int8 softmax whose input has scale `input_scale` (TFLite's
/// `PreprocessSoftmaxScaling` and `CalculateInputRadius` for its reference kernel, with
/// `beta = 1`); `None` when the input scale is too small for the kernel's Q5.26 differences.
///
/// ```
/// use constnet::quantization::{Rounding, softmax_constants};
/// let constants = softmax_constants(0.1, Rounding::Single).unwrap();
/// assert!(constants.diff_min < 0);
/// assert_eq!(softmax_constants(1e-12, Rounding::Single), None); // too fine for Q5.26
/// ```
pub fn softmax_constants(input_scale: f32, rounding: Rounding) -> Option<SoftmaxConstants> {
    let beta = 1.0f64;
    let max_real = match rounding {
        Rounding::Single => (1u64 << 30) as f64 - 1.0,
        Rounding::Double => (1u64 << 31) as f64 - 1.0,
    };
    let real = (beta * input_scale as f64 * (1u64 << (31 - SOFTMAX_DIFF_INTEGER_BITS)) as f64)
        .min(max_real);
    if real.is_nan() || real <= 1.0 {
        return None;
    }
    let Multiplier { multiplier, shift } = Multiplier::from_real(real, rounding)?;
    if shift < 0 {
        return None;
    }
    let radius = ((1u64 << SOFTMAX_DIFF_INTEGER_BITS) - 1) as f64
        * (1u64 << (31 - SOFTMAX_DIFF_INTEGER_BITS)) as f64
        / (1u64 << shift) as f64;
    Some(SoftmaxConstants {
        input_multiplier: multiplier,
        input_left_shift: shift,
        diff_min: -(floor(radius) as i32),
        rounding,
    })
}

/// The 256-entry table of an int8 activation: entry `q as u8` holds `f` of the real value of
/// `q`, quantized for the output (TFLite's `PopulateLookupTable`, in its f32 arithmetic).
///
/// ```
/// use constnet::quantization::{QuantParams, lookup_table, tanh_f32};
/// let input = QuantParams { scale: 4.0 / 128.0, zero_point: 0 };
/// let table = lookup_table(input, QuantParams { scale: 1.0 / 128.0, zero_point: 0 }, tanh_f32);
/// assert_eq!(table[0], 0);                    // q = 0: tanh(0) = 0
/// assert_eq!(table[(-128i8) as u8 as usize], -128); // q = -128, real -4: tanh(-4) = -0.9993
/// ```
pub fn lookup_table(input: QuantParams, output: QuantParams, f: impl Fn(f32) -> f32) -> [i8; 256] {
    let inverse_scale = 1.0 / output.scale;
    let mut table = [0i8; 256];
    for q in i8::MIN..=i8::MAX {
        let real = input.scale * (q as i32 - input.zero_point) as f32;
        let rescaled = round_half_away_f32(f(real) * inverse_scale);
        let quantized = (rescaled + output.zero_point as f32) as i32;
        table[q as u8 as usize] = quantized.clamp(i8::MIN as i32, i8::MAX as i32) as i8;
    }
    table
}

/// `tanh` as TFLite's int8 table computes it (f32).
///
/// ```
/// assert_eq!(constnet::quantization::tanh_f32(0.0), 0.0);
/// ```
pub fn tanh_f32(x: f32) -> f32 {
    math::tanh(x)
}

/// The logistic sigmoid as TFLite's int8 table computes it: `1 / (1 + exp(-x))` in f32.
///
/// ```
/// assert_eq!(constnet::quantization::logistic_f32(0.0), 0.5);
/// ```
pub fn logistic_f32(x: f32) -> f32 {
    1.0 / (1.0 + math::exp(-x))
}

/// Round to nearest, ties away from zero (C's `round`), for any finite `x`.
pub(crate) fn round(x: f64) -> f64 {
    round_half_away(x)
}

/// Round to nearest, ties away from zero (C's `round`), for any finite `x`.
fn round_half_away(x: f64) -> f64 {
    // From 2^52 up every f64 is an integer.
    if x.is_nan() || x.abs() >= (1u64 << 52) as f64 {
        return x;
    }
    let truncated = x as i64 as f64;
    let fraction = x - truncated;
    if fraction >= 0.5 {
        truncated + 1.0
    } else if fraction <= -0.5 {
        truncated - 1.0
    } else {
        truncated
    }
}

/// Round to nearest, ties away from zero (C's `roundf`): through f64, which holds every f32
/// and every integer result exactly.
fn round_half_away_f32(x: f32) -> f32 {
    round_half_away(x as f64) as f32
}

/// The largest integer not above `x`, for `|x| < 2^52`.
fn floor(x: f64) -> f64 {
    let truncated = x as i64 as f64;
    if truncated > x {
        truncated - 1.0
    } else {
        truncated
    }
}

/// `x = fraction * 2^exponent` with `fraction` in `[0.5, 1)`, for finite `x > 0` (C's `frexp`).
fn frexp(x: f64) -> (f64, i32) {
    const EXPONENT_MASK: u64 = 0x7ff << 52;
    let bits = x.to_bits();
    let biased = ((bits & EXPONENT_MASK) >> 52) as i32;
    if biased == 0 {
        // Subnormal: scale into the normal range first.
        let (fraction, exponent) = frexp(x * (1u64 << 54) as f64);
        return (fraction, exponent - 54);
    }
    let fraction = f64::from_bits((bits & !EXPONENT_MASK) | (1022 << 52));
    (fraction, biased - 1022)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipliers_are_tflites() {
        assert_eq!(
            Multiplier::from_real(0.5, Rounding::Double),
            Some(Multiplier {
                multiplier: 1 << 30,
                shift: 0
            })
        );
        assert_eq!(
            Multiplier::from_real(1.0, Rounding::Double),
            Some(Multiplier {
                multiplier: 1 << 30,
                shift: 1
            })
        );
        assert_eq!(
            Multiplier::from_real(0.0, Rounding::Double),
            Some(Multiplier {
                multiplier: 0,
                shift: 0
            })
        );
        // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4.
        assert_eq!(
            Multiplier::from_real(0.1, Rounding::Double),
            Some(Multiplier {
                multiplier: 1_717_986_918,
                shift: -3
            })
        );
        // Just under 1: the fraction rounds up to 2^31 and is halved.
        let almost_one = 1.0 - 1e-12;
        assert_eq!(
            Multiplier::from_real(almost_one, Rounding::Double),
            Some(Multiplier {
                multiplier: 1 << 30,
                shift: 1
            })
        );
        assert_eq!(Multiplier::from_real(-1.0, Rounding::Double), None);
        assert_eq!(Multiplier::from_real(f64::NAN, Rounding::Double), None);
        assert_eq!(
            Multiplier::from_real(1e-12, Rounding::Double),
            Some(Multiplier {
                multiplier: 0,
                shift: 0
            })
        );
    }

    #[test]
    fn ranges_widen_to_zero_and_zero_is_exact() {
        let p = QuantParams::from_range(Range {
            min: 0.5,
            max: 2.55,
        })
        .unwrap();
        assert_eq!(p.zero_point, -128);
        assert!((p.scale - 0.01).abs() < 1e-9);
        assert_eq!(p.quantize(0.0), Some(-128));
        let p = QuantParams::from_range(Range {
            min: -1.0,
            max: 1.0,
        })
        .unwrap();
        assert_eq!(p.dequantize(p.quantize(0.0).unwrap()), 0.0);
        assert_eq!(p.quantize(f32::NAN), None);
        assert_eq!(p.quantize(1e9), Some(127));
        assert_eq!(QuantParams::from_range(Range::EMPTY), None);
        let mut nan = Range::EMPTY;
        nan.observe(1.0);
        nan.observe(f32::NAN);
        nan.observe(2.0);
        assert_eq!(QuantParams::from_range(nan), None);
    }

    #[test]
    fn softmax_constants_for_a_power_of_two_scale() {
        // scale 1/16: beta * scale * 2^26 = 2^22 = 0.5 * 2^23.
        let c = softmax_constants(1.0 / 16.0, Rounding::Double).unwrap();
        assert_eq!((c.input_multiplier, c.input_left_shift), (1 << 30, 23));
        // floor(31 * 2^26 / 2^23) = 248.
        assert_eq!(c.diff_min, -248);
    }

    #[test]
    fn rounding_helpers_match_c() {
        assert_eq!(round_half_away(2.5), 3.0);
        assert_eq!(round_half_away(-2.5), -3.0);
        assert_eq!(round_half_away(0.49999999999999994), 0.0);
        assert_eq!(round_half_away_f32(-0.5), -1.0);
        assert_eq!(floor(-1.5), -2.0);
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(frexp(0.75), (0.75, 0));
        assert_eq!(frexp(f64::MIN_POSITIVE / 4.0), (0.5, -1023));
    }
}
