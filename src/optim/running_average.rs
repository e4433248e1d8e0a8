//! Running averages (chapter section 7.2.1): `A_t = gamma A_(t-1) + (1 - gamma) a_t`.

use crate::{Scalar, kernels};

/// One step of a running average: `gamma A + (1 - gamma) a`. With a constant `gamma` this is a
/// moving average that weighs recent values more; with `gamma_t = (t - 1) / t` it is the plain
/// mean of all values so far.
#[inline(always)]
pub fn running_average_step<T: Scalar>(average: T, value: T, gamma: T) -> T {
    gamma * average + (T::one() - gamma) * value
}

/// Updates the running averages `average` with `values`, element by element.
#[inline]
pub fn running_average<T: Scalar>(average: &mut [T], values: &[T], gamma: T) {
    kernels::update_slice(average, values, |a, x| running_average_step(a, x, gamma));
}
