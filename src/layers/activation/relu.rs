//! The rectified linear unit (chapter section 3).

use super::Elementwise;
use crate::Scalar;

/// `ReLU(z) = max(0, z)`.
///
/// Its derivative is `1` for `z > 0` and `0` for `z < 0`; at `z = 0` this crate uses `0`, as
/// PyTorch does. `ReLU(NaN)` is NaN, as in PyTorch.
///
/// ```
/// use constnet::prelude::*;
/// assert_eq!(ReLU.forward(&[-2.0, 0.0, 3.0]), [0.0, 0.0, 3.0]);
/// // In a network, an activation is a layer of its own:
/// let net = <(Linear<2, 4>, ReLU, Linear<4, 1>)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let _ = net.forward(&[0.5, 0.5]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ReLU;

impl Elementwise for ReLU {
    #[inline(always)]
    fn activate<T: Scalar>(z: T) -> T {
        // One comparison, false for NaN, so NaN stays NaN as in PyTorch: a clamp must not turn
        // a broken value into a number. In this operand order it is x86's `maxps(0, z)`, one
        // instruction (`-0.0` stays `-0.0`, equal to 0).
        if T::zero() > z { T::zero() } else { z }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(z: T, _a: T) -> T {
        if z > T::zero() { T::one() } else { T::zero() }
    }
}

crate::elementwise_module!(ReLU, "constnet::ReLU", onnx: crate::schema::OnnxOp::Node("Relu"));
