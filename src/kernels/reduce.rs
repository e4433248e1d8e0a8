//! Reductions: dot products, sums, maxima and argmax.

use crate::Scalar;

/// Independent accumulators per reduction: enough to hide the latency of a floating-point add.
const LANES: usize = 4;

/// `sum_i a_i b_i`, with four independent partial sums.
#[inline(always)]
pub fn dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T {
    let mut acc = [T::zero(); LANES];
    let (a_chunks, a_rest) = a.as_chunks::<LANES>();
    let (b_chunks, b_rest) = b.as_chunks::<LANES>();
    for (ca, cb) in a_chunks.iter().zip(b_chunks) {
        for l in 0..LANES {
            acc[l] = acc[l] + ca[l] * cb[l];
        }
    }
    let mut tail = T::zero();
    for (&x, &y) in a_rest.iter().zip(b_rest) {
        tail = tail + x * y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `sum_i x_i`, with four independent partial sums.
#[inline(always)]
pub fn sum<T: Scalar>(x: &[T]) -> T {
    let mut acc = [T::zero(); LANES];
    let (chunks, rest) = x.as_chunks::<LANES>();
    for c in chunks {
        for l in 0..LANES {
            acc[l] = acc[l] + c[l];
        }
    }
    let mut tail = T::zero();
    for &v in rest {
        tail = tail + v;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// The largest element (`-inf` for an empty array; NaN elements are skipped).
#[inline(always)]
pub fn max<T: Scalar>(x: &[T]) -> T {
    x.iter().fold(T::neg_infinity(), |m, &v| m.max(v))
}

/// Index of the first largest element; `0` for an empty array. A NaN counts as larger than
/// every number, as in PyTorch's `argmax`, so a NaN output names its own position instead of
/// hiding behind the largest number.
#[inline(always)]
pub fn argmax<T: Scalar>(x: &[T]) -> usize {
    let mut best = 0;
    let mut best_value = T::neg_infinity();
    for (i, &v) in x.iter().enumerate() {
        if v > best_value || (v.is_nan() && !best_value.is_nan()) {
            best = i;
            best_value = v;
        }
    }
    best
}

/// `true` when no value is NaN or infinite.
///
/// `0 * v` is zero for every finite `v` and NaN otherwise, so summing it over 16 independent lanes
/// finds any non-finite value without a branch per value; that keeps the check over a whole
/// network's weights and gradient (every training step does two) vectorized.
#[inline(always)]
pub fn all_finite<T: Scalar>(values: &[T]) -> bool {
    const WIDTH: usize = 16;
    let mut acc = [T::zero(); WIDTH];
    let (chunks, rest) = values.as_chunks::<WIDTH>();
    for chunk in chunks {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a = *a + T::zero() * v;
        }
    }
    acc.iter().all(|a| a.is_finite()) && rest.iter().all(|v| v.is_finite())
}

/// `y *= a`, returning `true` when every scaled value is finite: the scaling and the check of
/// [`all_finite`] in one pass over `y` (the trainer's mean of a gradient, which must be finite
/// before it reaches the optimizer).
#[inline(always)]
pub fn scale_all_finite<T: Scalar>(y: &mut [T], a: T) -> bool {
    const WIDTH: usize = 16;
    let mut acc = [T::zero(); WIDTH];
    let (chunks, rest) = y.as_chunks_mut::<WIDTH>();
    for chunk in chunks {
        for (s, v) in acc.iter_mut().zip(chunk) {
            *v = *v * a;
            *s = *s + T::zero() * *v;
        }
    }
    for v in rest.iter_mut() {
        *v = *v * a;
    }
    acc.iter().all(|s| s.is_finite()) && rest.iter().all(|v| v.is_finite())
}
