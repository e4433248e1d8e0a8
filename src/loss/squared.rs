//! Squared loss (chapter section 6; the regression loss of earlier chapters).

use super::Loss;
use crate::{Scalar, kernels};

/// `Loss(a, y) = sum_i (a_i - y_i)^2`, gradient `2 (a - y)`. Goes with a linear last layer
/// ([`Identity`](crate::Identity)), though any last module works.
///
/// ```
/// use constnet::loss::{Loss, Squared};
/// assert_eq!(Squared.value(&[3.0f32], &[1.0]), 4.0);
/// assert_eq!(Squared.grad(&[3.0f32], &[1.0]), [4.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Squared;

impl<T: Scalar, const N: usize> Loss<T, N> for Squared {
    fn value(&self, a: &[T; N], y: &[T; N]) -> T {
        let diff = kernels::zip_map(a, y, |ai, yi| ai - yi);
        kernels::dot(&diff, &diff)
    }

    fn grad(&self, a: &[T; N], y: &[T; N]) -> [T; N] {
        let two = T::one() + T::one();
        kernels::zip_map(a, y, |ai, yi| two * (ai - yi))
    }

    fn correct(&self, _a: &[T; N], _y: &[T; N]) -> Option<bool> {
        None
    }
}
