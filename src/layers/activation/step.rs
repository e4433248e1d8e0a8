//! The step activation (chapter section 3).

use super::Elementwise;
use crate::Scalar;

/// `step(z) = 0` if `z < 0`, `1` otherwise.
///
/// Its derivative is zero wherever it exists, so **no gradient flows through a step**: it is
/// fine in forward passes (inference of a hand-built or converted net) but a net trained by
/// gradient descent will not learn the weights before it. This is why the chapter replaces it by
/// sigmoid, ReLU and tanh. The backward pass returns zeros.
///
/// ```
/// use constnet::prelude::*;
/// assert_eq!(Step.forward(&[-0.5f32, 0.0, 2.0]), [0.0, 1.0, 1.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Step;

impl Elementwise for Step {
    #[inline(always)]
    fn activate<T: Scalar>(z: T) -> T {
        if z < T::zero() { T::zero() } else { T::one() }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(_z: T, _a: T) -> T {
        T::zero()
    }
}

crate::elementwise_module!(Step, "constnet::Step");
