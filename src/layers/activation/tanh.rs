//! The hyperbolic tangent activation (chapter section 3).

use super::Elementwise;
use crate::{Scalar, math};

/// `tanh(z) = (e^z - e^-z) / (e^z + e^-z)`, in `(-1, 1)`; derivative `1 - tanh(z)^2`.
///
/// ```
/// use constnet::prelude::*;
/// let a = Tanh.forward(&[0.0f64, 1.0]);
/// assert_eq!(a[0], 0.0);
/// assert!((a[1] - 1f64.tanh()).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tanh;

impl Elementwise for Tanh {
    #[inline(always)]
    fn activate<T: Scalar>(z: T) -> T {
        math::tanh(z)
    }
    #[inline(always)]
    fn derivative<T: Scalar>(_z: T, a: T) -> T {
        T::one() - a * a
    }
}

crate::elementwise_module!(Tanh, "constnet::Tanh", onnx: crate::schema::OnnxOp::Node("Tanh"));
