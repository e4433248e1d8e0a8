//! Negative log likelihood, multi-class (chapter section 6.2).

use super::{FusedLoss, Loss};
use crate::{Scalar, kernels, math};

/// `Loss(a, y) = -sum_k y_k log a_k` with a one-hot target `y` and `a = softmax(z)`: the
/// chapter's NLLM.
///
/// Fused with [`Softmax`](crate::Softmax): from the logits it is `sum_k y_k (logsumexp(z) - z_k)` and
/// `dL/dz_j = a_j sum_k y_k - y_j` (`a - y` for a one-hot `y`), exact and finite for any finite
/// `z`. A guess is right when the largest output is the target's class.
///
/// ```
/// use constnet::loss::{Loss, Nllm};
/// let (a, y) = ([0.7f64, 0.2, 0.1], [1.0, 0.0, 0.0]);
/// assert!((Nllm.value(&a, &y) - -(0.7f64).ln()).abs() < 1e-12);
/// assert_eq!(Nllm.correct(&a, &y), Some(true));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Nllm;

impl<T: Scalar, const N: usize> Loss<T, N> for Nllm {
    const CLASSIFIES: bool = true;

    /// From probabilities, each clamped below by the smallest positive normal value, so an output
    /// that underflowed to 0 gives a large finite loss rather than infinity.
    fn value(&self, a: &[T; N], y: &[T; N]) -> T {
        let tiny = T::min_positive_value();
        let terms = kernels::zip_map(a, y, |ai, yi| -yi * math::ln(kernels::at_least(ai, tiny)));
        kernels::sum(&terms)
    }

    /// `dL/da = -y / a`, exact while every output is at least the smallest positive normal
    /// value: in f32, while no logit is more than about 87 below the largest. An output below
    /// that is clamped to it, so the gradient is large but finite; training uses
    /// [`FusedLoss::grad_logits`], exact for every finite logit.
    fn grad(&self, a: &[T; N], y: &[T; N]) -> [T; N] {
        let tiny = T::min_positive_value();
        kernels::zip_map(a, y, |ai, yi| -yi / kernels::at_least(ai, tiny))
    }

    fn correct(&self, a: &[T; N], y: &[T; N]) -> Option<bool> {
        Some(kernels::all_finite(a) && kernels::argmax(a) == kernels::argmax(y))
    }
}

impl<T: Scalar, const N: usize> FusedLoss<T, N> for Nllm {
    fn value_from_logits(&self, z: &[T; N], y: &[T; N]) -> T {
        let shift = kernels::max(z);
        let shifted = kernels::map(z, |zi| math::exp(zi - shift));
        let log_sum_exp = shift + math::ln(kernels::sum(&shifted));
        let terms = kernels::zip_map(z, y, |zi, yi| yi * (log_sum_exp - zi));
        kernels::sum(&terms)
    }

    fn grad_logits(&self, _z: &[T; N], a: &[T; N], y: &[T; N]) -> [T; N] {
        let mass = kernels::sum(y);
        kernels::zip_map(a, y, |ai, yi| ai * mass - yi)
    }
}
