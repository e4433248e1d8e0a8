//! The number types a net computes with (chapter section 1: the neuron's weights and values
//! are real numbers).
//!
//! [`Scalar`] is one bound over [`num_traits::Float`], implemented for `f32` and `f64`. The
//! transcendental functions the activations and losses need (`exp`, `ln`, `ln_1p`, `tanh`,
//! `sqrt`) go through [`math`](crate::math): through the `libm` crate when the `libm` feature is
//! on (so a host and a microcontroller compute the same bits), through `std` otherwise.

use core::fmt::{Debug, Display};
use num_traits::Float;

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point number type a network can be built from: `f32` or `f64`.
///
/// Sealed: the kernels and the weight format rely on the two IEEE-754 binary formats.
///
/// ```
/// use constnet::Scalar;
/// /// Written once, for f32 and f64 nets alike.
/// fn mean<T: Scalar>(values: &[T]) -> T {
///     values.iter().fold(T::zero(), |sum, &v| sum + v) / T::from_usize(values.len())
/// }
/// assert_eq!(mean(&[1.0f32, 2.0, 3.0]), 2.0);
/// assert_eq!(mean(&[0.5f64, 1.5]), 1.0);
/// assert_eq!(<f32 as Scalar>::NAME, "f32");
/// ```
pub trait Scalar:
    Float + Default + Debug + Display + Send + Sync + 'static + sealed::Sealed
{
    /// Size of one value in bytes (4 or 8).
    const BYTES: usize;
    /// Short name of the type, `"f32"` or `"f64"`.
    const NAME: &'static str;

    /// Converts from `f64`, rounding to nearest for `f32`.
    fn from_f64(x: f64) -> Self;
    /// Converts to `f64` exactly.
    fn as_f64(self) -> f64;
    /// Converts a count (a batch size, a sample count) to this type.
    fn from_usize(n: usize) -> Self;

    /// Writes the value's little-endian IEEE-754 bytes into `out`, which must be
    /// [`Scalar::BYTES`] long.
    #[doc(hidden)]
    fn write_le(self, out: &mut [u8]);
    /// Reads a value from little-endian IEEE-754 bytes; `bytes` must be [`Scalar::BYTES`]
    /// long.
    #[doc(hidden)]
    fn read_le(bytes: &[u8]) -> Self;

    #[doc(hidden)]
    fn math_exp(self) -> Self;
    #[doc(hidden)]
    fn math_ln(self) -> Self;
    #[doc(hidden)]
    fn math_ln_1p(self) -> Self;
    #[doc(hidden)]
    fn math_tanh(self) -> Self;
    #[doc(hidden)]
    fn math_sqrt(self) -> Self;

    /// The slices as their concrete type, for the kernels compiled once per type.
    #[doc(hidden)]
    fn concrete<'a>(out: &'a mut [Self], inputs: [&'a [Self]; 2]) -> Concrete<'a>;
}

/// Slices of a [`Scalar`] as the type they are: how generic code reaches the kernels that are
/// compiled once for `f32` and once for `f64` (the batched products), without a cast.
#[doc(hidden)]
pub enum Concrete<'a> {
    /// `f32` slices: an output and two inputs.
    F32(&'a mut [f32], [&'a [f32]; 2]),
    /// `f64` slices: an output and two inputs.
    F64(&'a mut [f64], [&'a [f64]; 2]),
}

#[cfg(not(any(feature = "std", feature = "libm")))]
compile_error!(
    "constnet needs `exp`, `ln`, `tanh` and `sqrt`: enable the `std` feature or the `libm` feature"
);

macro_rules! impl_scalar {
    ($t:ty, $variant:ident, $bytes:expr, $exp:ident, $ln:ident, $ln1p:ident, $tanh:ident, $sqrt:ident) => {
        impl Scalar for $t {
            const BYTES: usize = $bytes;
            const NAME: &'static str = stringify!($t);

            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn as_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_usize(n: usize) -> Self {
                n as $t
            }

            #[inline(always)]
            fn write_le(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
            #[inline(always)]
            fn read_le(bytes: &[u8]) -> Self {
                let mut raw = [0u8; $bytes];
                raw.copy_from_slice(bytes);
                <$t>::from_le_bytes(raw)
            }

            #[inline(always)]
            fn math_exp(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$exp(self);
                #[cfg(not(feature = "libm"))]
                return <$t as Float>::exp(self);
            }
            #[inline(always)]
            fn math_ln(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$ln(self);
                #[cfg(not(feature = "libm"))]
                return <$t as Float>::ln(self);
            }
            #[inline(always)]
            fn math_ln_1p(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$ln1p(self);
                #[cfg(not(feature = "libm"))]
                return <$t as Float>::ln_1p(self);
            }
            #[inline(always)]
            fn math_tanh(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$tanh(self);
                #[cfg(not(feature = "libm"))]
                return <$t as Float>::tanh(self);
            }
            #[inline(always)]
            fn math_sqrt(self) -> Self {
                #[cfg(feature = "libm")]
                return libm::$sqrt(self);
                #[cfg(not(feature = "libm"))]
                return <$t as Float>::sqrt(self);
            }

            #[inline(always)]
            fn concrete<'a>(out: &'a mut [Self], inputs: [&'a [Self]; 2]) -> Concrete<'a> {
                Concrete::$variant(out, inputs)
            }
        }
    };
}

impl_scalar!(f32, F32, 4, expf, logf, log1pf, tanhf, sqrtf);
impl_scalar!(f64, F64, 8, exp, log, log1p, tanh, sqrt);

/// Elementary functions used by activations and losses, routed as the crate features say:
/// through the platform's math library with `std`, through the pure-Rust `libm` crate with the
/// `libm` feature (the same bits on every target). Generic over [`Scalar`], for custom layers
/// and losses:
///
/// ```
/// use constnet::{Scalar, math};
///
/// /// The swish activation `x sigmoid(x)`, for f32 or f64.
/// fn swish<T: Scalar>(x: T) -> T {
///     x * math::sigmoid(x)
/// }
/// assert_eq!(swish(0.0f32), 0.0);
/// assert!((swish(1.0f64) - 1.0 / (1.0 + (-1.0f64).exp())).abs() < 1e-15);
/// assert_eq!(math::exp(0.0f32), 1.0);
/// assert_eq!(math::ln(1.0f64), 0.0);
/// assert!((math::ln_1p(1e-12f64) / 1e-12 - 1.0).abs() < 1e-12); // ln(1 + x) = x - x^2/2 ...
/// assert_eq!(math::tanh(0.0f32), 0.0);
/// assert_eq!(math::sqrt(9.0f32), 3.0);
/// assert!(math::softplus(1000.0f32).is_finite());
/// ```
pub mod math {
    use super::Scalar;

    /// `e^x`.
    ///
    /// ```
    /// assert_eq!(constnet::math::exp(0.0f64), 1.0);
    /// ```
    #[inline(always)]
    pub fn exp<T: Scalar>(x: T) -> T {
        x.math_exp()
    }
    /// Natural logarithm.
    ///
    /// ```
    /// assert_eq!(constnet::math::ln(1.0f32), 0.0);
    /// ```
    #[inline(always)]
    pub fn ln<T: Scalar>(x: T) -> T {
        x.math_ln()
    }
    /// `ln(1 + x)`, accurate for small `x`.
    ///
    /// ```
    /// let x = 1e-12f64;
    /// assert!((constnet::math::ln_1p(x) / x - 1.0).abs() < 1e-12);
    /// assert!(((1.0 + x).ln() / x - 1.0).abs() > 1e-6); // the naive form loses digits
    /// ```
    #[inline(always)]
    pub fn ln_1p<T: Scalar>(x: T) -> T {
        x.math_ln_1p()
    }
    /// Hyperbolic tangent.
    ///
    /// ```
    /// assert_eq!(constnet::math::tanh(0.0f32), 0.0);
    /// ```
    #[inline(always)]
    pub fn tanh<T: Scalar>(x: T) -> T {
        x.math_tanh()
    }
    /// Square root.
    ///
    /// ```
    /// assert_eq!(constnet::math::sqrt(2.25f64), 1.5);
    /// ```
    #[inline(always)]
    pub fn sqrt<T: Scalar>(x: T) -> T {
        x.math_sqrt()
    }
    /// The logistic sigmoid `1 / (1 + e^-x)`, computed without overflow for any finite `x`.
    ///
    /// ```
    /// assert_eq!(constnet::math::sigmoid(-1000.0f32), 0.0);
    /// ```
    #[inline(always)]
    pub fn sigmoid<T: Scalar>(x: T) -> T {
        if x >= T::zero() {
            T::one() / (T::one() + exp(-x))
        } else {
            let e = exp(x);
            e / (T::one() + e)
        }
    }
    /// `ln(1 + e^x)` (softplus), without overflow for large `x`.
    ///
    /// ```
    /// assert_eq!(constnet::math::softplus(1000.0f32), 1000.0);
    /// ```
    #[inline(always)]
    pub fn softplus<T: Scalar>(x: T) -> T {
        x.max(T::zero()) + ln_1p(exp(-x.abs()))
    }
}
