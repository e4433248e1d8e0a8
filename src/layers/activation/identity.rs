//! The identity activation `f(z) = z` (chapter section 3): a linear unit.

use super::Elementwise;
use crate::Scalar;

/// `f(z) = z`. The last layer's activation for squared and hinge losses (chapter section 6).
///
/// ```
/// use constnet::prelude::*;
/// // A regressor: linear output, squared loss.
/// type Regressor = (Linear<3, 8>, Tanh, Linear<8, 1>, Identity);
/// let net = Regressor::init(&mut Pcg64Mcg::seed_from_u64(1));
/// assert_eq!(Identity.forward(&[-7.5f32]), [-7.5]);
/// let _ = net.forward(&[1.0, 2.0, 3.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Identity;

impl Elementwise for Identity {
    #[inline(always)]
    fn activate<T: Scalar>(z: T) -> T {
        z
    }
    #[inline(always)]
    fn derivative<T: Scalar>(_z: T, _a: T) -> T {
        T::one()
    }
}

crate::elementwise_module!(Identity, "constnet::Identity", onnx: crate::schema::OnnxOp::Dropped);
crate::ends_with_itself!(Identity);
