//! Hinge loss (chapter section 6.1).

use super::Loss;
use crate::{Scalar, kernels};

/// `Loss(a, y) = sum_i max(1 - a_i y_i, 0)` with targets `y_i` in `{-1, +1}`; gradient `-y_i`
/// where the margin `a_i y_i` is below 1, `0` elsewhere. Goes with a linear last layer
/// ([`Identity`](crate::Identity)). A guess is right when every output has the target's sign.
///
/// ```
/// use constnet::loss::{Hinge, Loss};
/// // Right side with margin: no loss. Wrong side: linear loss.
/// assert_eq!(Hinge.value(&[2.0f32], &[1.0]), 0.0);
/// assert_eq!(Hinge.value(&[-0.5f32], &[1.0]), 1.5);
/// assert_eq!(Hinge.correct(&[-0.5f32], &[1.0]), Some(false));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Hinge;

impl<T: Scalar, const N: usize> Loss<T, N> for Hinge {
    const CLASSIFIES: bool = true;

    fn value(&self, a: &[T; N], y: &[T; N]) -> T {
        let margins = kernels::zip_map(a, y, |ai, yi| {
            kernels::at_least(T::one() - ai * yi, T::zero())
        });
        kernels::sum(&margins)
    }

    fn grad(&self, a: &[T; N], y: &[T; N]) -> [T; N] {
        kernels::zip_map(a, y, |ai, yi| {
            let margin = T::one() - ai * yi;
            if margin > T::zero() {
                -yi
            } else if margin.is_nan() {
                margin
            } else {
                T::zero()
            }
        })
    }

    fn correct(&self, a: &[T; N], y: &[T; N]) -> Option<bool> {
        Some(a.iter().zip(y).all(|(&ai, &yi)| ai * yi > T::zero()))
    }
}
