//! Negative log likelihood for two classes (chapter sections 6 and 6.1).

use super::{FusedLoss, Loss};
use crate::{Scalar, kernels, math};

/// `Loss(a, y) = -sum_i (y_i log a_i + (1 - y_i) log(1 - a_i))`, targets `y_i` in `{0, 1}`, with
/// `a = sigmoid(z)`: one or more independent yes/no outputs.
///
/// Fused with [`Sigmoid`](crate::Sigmoid): from the logits it is `softplus(z) - y z` and
/// `dL/dZ = sigmoid(z) - y`, exact and finite for any finite `z`. A guess is right when every
/// output is on the target's side of 1/2.
///
/// ```
/// use constnet::loss::{Loss, Nll};
/// let loss = Nll.value(&[0.9f64], &[1.0]); // -ln 0.9
/// assert!((loss - -(0.9f64).ln()).abs() < 1e-12);
/// assert_eq!(Nll.correct(&[0.9f64], &[1.0]), Some(true));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Nll;

impl<T: Scalar, const N: usize> Loss<T, N> for Nll {
    const CLASSIFIES: bool = true;

    /// From probabilities, clamped away from 0 and 1 by the smallest positive normal value so a
    /// saturated output gives a large finite loss rather than infinity.
    fn value(&self, a: &[T; N], y: &[T; N]) -> T {
        let tiny = T::min_positive_value();
        let terms = kernels::zip_map(a, y, |ai, yi| {
            -(yi * math::ln(kernels::at_least(ai, tiny))
                + (T::one() - yi) * math::ln(kernels::at_least(T::one() - ai, tiny)))
        });
        kernels::sum(&terms)
    }

    /// `dL/da = (a - y) / (a (1 - a))`, exact while `a` and `1 - a` are at least the smallest
    /// positive normal value: in f32, for logits `|z| < 16.6`, where `sigmoid` has not rounded
    /// to 1. Beyond that both are clamped to that value, so the gradient is large but finite;
    /// training uses [`FusedLoss::grad_logits`], exact for every finite `z`.
    fn grad(&self, a: &[T; N], y: &[T; N]) -> [T; N] {
        let tiny = T::min_positive_value();
        kernels::zip_map(a, y, |ai, yi| {
            (ai - yi) / (kernels::at_least(ai, tiny) * kernels::at_least(T::one() - ai, tiny))
        })
    }

    fn correct(&self, a: &[T; N], y: &[T; N]) -> Option<bool> {
        let half = T::from_f64(0.5);
        Some(
            a.iter()
                .zip(y)
                .all(|(&ai, &yi)| !ai.is_nan() && (ai >= half) == (yi >= half)),
        )
    }
}

impl<T: Scalar, const N: usize> FusedLoss<T, N> for Nll {
    fn value_from_logits(&self, z: &[T; N], y: &[T; N]) -> T {
        let terms = kernels::zip_map(z, y, |zi, yi| math::softplus(zi) - yi * zi);
        kernels::sum(&terms)
    }

    fn grad_logits(&self, _z: &[T; N], a: &[T; N], y: &[T; N]) -> [T; N] {
        kernels::zip_map(a, y, |ai, yi| ai - yi)
    }
}
