//! Elementwise kernels: maps, zips, `axpy`, running averages, softmax and dropout masks.

use crate::Scalar;

/// `acc + x * w`, rounded once (a fused multiply-add) when `FUSED`, after each operation
/// otherwise.
#[inline(always)]
pub(super) fn madd<T: Scalar, const FUSED: bool>(acc: T, x: T, w: T) -> T {
    if FUSED {
        x.mul_add(w, acc)
    } else {
        acc + x * w
    }
}

/// `y += a * x` over slices, each term added with [`madd`]; extra elements of the longer slice
/// are left alone.
#[inline(always)]
pub(super) fn axpy_with<T: Scalar, const FUSED: bool>(y: &mut [T], a: T, x: &[T]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = madd::<T, FUSED>(*yi, a, xi);
    }
}

/// `y += a * x`.
#[inline(always)]
pub fn axpy<T: Scalar, const N: usize>(y: &mut [T; N], a: T, x: &[T; N]) {
    axpy_with::<T, false>(y, a, x);
}

/// `y += a * x` over slices of equal length (the parameter visitor's flat view).
///
/// Extra elements of the longer slice are left alone.
#[inline(always)]
pub fn axpy_slice<T: Scalar>(y: &mut [T], a: T, x: &[T]) {
    axpy_with::<T, false>(y, a, x);
}

/// `y += x`.
#[inline(always)]
pub fn add_assign<T: Scalar, const N: usize>(y: &mut [T; N], x: &[T; N]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = *yi + xi;
    }
}

/// `max(x, floor)` that keeps a NaN `x` (`f32::max` and `f64::max` return the other operand,
/// which would hide it): a clamp that never turns a NaN into a number.
#[inline(always)]
pub fn at_least<T: Scalar>(x: T, floor: T) -> T {
    // `x < floor` is false for NaN.
    if x < floor { floor } else { x }
}

/// Applies `f` to every element.
#[inline(always)]
pub fn map<T: Scalar, const N: usize>(x: &[T; N], f: impl Fn(T) -> T) -> [T; N] {
    let mut out = *x;
    for o in out.iter_mut() {
        *o = f(*o);
    }
    out
}

/// Combines two arrays element by element.
#[inline(always)]
pub fn zip_map<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N], f: impl Fn(T, T) -> T) -> [T; N] {
    let mut out = *a;
    for (o, &bi) in out.iter_mut().zip(b) {
        *o = f(*o, bi);
    }
    out
}

/// Combines three arrays element by element.
#[inline(always)]
pub fn zip3_map<T: Scalar, const N: usize>(
    a: &[T; N],
    b: &[T; N],
    c: &[T; N],
    f: impl Fn(T, T, T) -> T,
) -> [T; N] {
    let mut out = *a;
    for ((o, &bi), &ci) in out.iter_mut().zip(b).zip(c) {
        *o = f(*o, bi, ci);
    }
    out
}

/// Updates every element of `y` from itself and the matching element of `x`.
#[inline(always)]
pub fn update_slice<T: Scalar>(y: &mut [T], x: &[T], f: impl Fn(T, T) -> T) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = f(*yi, xi);
    }
}

/// `softmax(z)_i = exp(z_i - max z) / sum_j exp(z_j - max z)`: shifting by the maximum keeps
/// every exponent `<= 0`, so nothing overflows and the largest term is exactly 1.
#[inline(always)]
pub fn softmax<T: Scalar, const N: usize>(z: &[T; N]) -> [T; N] {
    let shift = super::max(z);
    let mut out = map(z, |zi| crate::math::exp(zi - shift));
    let total = super::sum(&out);
    let inv = T::one() / total;
    for o in out.iter_mut() {
        *o = *o * inv;
    }
    out
}

/// The product of softmax's Jacobian at output `a` with `d`: `a_i (d_i - sum_j d_j a_j)`.
#[inline(always)]
pub fn softmax_backward<T: Scalar, const N: usize>(a: &[T; N], d: &[T; N]) -> [T; N] {
    let centre = super::dot(d, a);
    zip_map(a, d, |ai, di| ai * (di - centre))
}

/// `x_i * scale` where `keep_i`, else 0: applying a dropout mask.
#[inline(always)]
pub fn masked_scale<T: Scalar, const N: usize>(x: &[T; N], keep: &[bool; N], scale: T) -> [T; N] {
    let mut out = *x;
    for (o, &k) in out.iter_mut().zip(keep) {
        *o = if k { *o * scale } else { T::zero() };
    }
    out
}

/// One step of a running average (chapter section 7.2.1): `gamma A + (1 - gamma) a`. With a
/// constant `gamma` this is a moving average that weighs recent values more; with
/// `gamma_t = (t - 1) / t` it is the plain mean of all values so far.
#[inline(always)]
pub fn running_average_step<T: Scalar>(average: T, value: T, gamma: T) -> T {
    gamma * average + (T::one() - gamma) * value
}

/// Updates the running averages `average` with `values`, element by element:
/// `A_t = gamma A_(t-1) + (1 - gamma) a_t`.
#[inline]
pub fn running_average<T: Scalar>(average: &mut [T], values: &[T], gamma: T) {
    update_slice(average, values, |a, x| running_average_step(a, x, gamma));
}
