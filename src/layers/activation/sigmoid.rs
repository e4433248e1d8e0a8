//! The sigmoid (logistic) activation (chapter section 3).

use super::Elementwise;
use crate::{Scalar, math};

/// `sigma(z) = 1 / (1 + e^-z)`, in `(0, 1)`: a probability. The last layer's activation for the
/// NLL loss (chapter section 6.1); derivative `sigma(z) (1 - sigma(z))`.
///
/// Computed without overflow for any finite `z`.
///
/// ```
/// use constnet::prelude::*;
/// let a = Sigmoid.forward(&[0.0f32, 1000.0, -1000.0]);
/// assert_eq!(a, [0.5, 1.0, 0.0]); // no overflow at either end
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sigmoid;

impl Elementwise for Sigmoid {
    #[inline(always)]
    fn activate<T: Scalar>(z: T) -> T {
        math::sigmoid(z)
    }
    #[inline(always)]
    fn derivative<T: Scalar>(_z: T, a: T) -> T {
        a * (T::one() - a)
    }
}

crate::elementwise_module!(Sigmoid, "constnet::Sigmoid", onnx: crate::schema::OnnxOp::Node("Sigmoid"));
crate::ends_with_itself!(Sigmoid);
