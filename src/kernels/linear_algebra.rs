//! Matrix kernels for the affine map of a layer and its gradients.
//!
//! Matrices are row-major arrays `[[T; C]; R]`. A weight matrix is `IN x OUT` as the chapter
//! writes `W` (m x n).

use super::{axpy, axpy_slice, dot};
use crate::Scalar;

/// Outputs computed together by [`affine`]: 8 accumulators fit in registers on every target
/// (one AVX register, 8 of the Cortex-M4F's 32 single-precision registers).
const BLOCK: usize = 8;

/// `z = W^T x + b`: the chapter's pre-activation `Z = W^T A + W0`.
///
/// Each block of 8 outputs is accumulated in registers over all inputs, reading 8 consecutive
/// weights of a row at a time, and stored once; outputs past the last full block are swept
/// with `axpy`. Every output is summed in the same order, `b_j + x_0 w_0j + x_1 w_1j + ...`,
/// whatever the blocking, so the result does not depend on it.
#[inline(always)]
pub fn affine<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    let mut z = *b;
    let (blocks, rest) = z.as_chunks_mut::<BLOCK>();
    for (c, block) in blocks.iter_mut().enumerate() {
        let mut acc = *block;
        for (row, &xi) in w.iter().zip(x) {
            let weights = &row.as_chunks::<BLOCK>().0[c];
            for (a, &wj) in acc.iter_mut().zip(weights) {
                *a = *a + xi * wj;
            }
        }
        *block = acc;
    }
    let done = OUT - rest.len();
    for (row, &xi) in w.iter().zip(x) {
        axpy_slice(rest, xi, &row[done..]);
    }
    z
}

/// `x^T W` for a row vector `x` of length `R` and `W` of `R x C` (no bias).
#[inline(always)]
pub fn vec_mat<T: Scalar, const R: usize, const C: usize>(x: &[T; R], w: &[[T; C]; R]) -> [T; C] {
    let mut out = [T::zero(); C];
    for (row, &xi) in w.iter().zip(x) {
        axpy(&mut out, xi, row);
    }
    out
}

/// `W d` for `W` of `R x C` and a column vector `d` of length `C`: the chapter's
/// `dL/dA^(l-1) = W^l dL/dZ^l`.
#[inline(always)]
pub fn mat_vec<T: Scalar, const R: usize, const C: usize>(w: &[[T; C]; R], d: &[T; C]) -> [T; R] {
    let mut out = [T::zero(); R];
    for (o, row) in out.iter_mut().zip(w) {
        *o = dot(row, d);
    }
    out
}

/// `G += u d^T` (outer product accumulation): the chapter's `dL/dW = A^(l-1) (dL/dZ^l)^T`.
#[inline(always)]
pub fn outer_acc<T: Scalar, const R: usize, const C: usize>(
    g: &mut [[T; C]; R],
    u: &[T; R],
    d: &[T; C],
) {
    for (row, &ui) in g.iter_mut().zip(u) {
        axpy(row, ui, d);
    }
}

/// `A B` for `A` of `R x K` and `B` of `K x C`.
#[inline(always)]
pub fn mat_mat<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
) -> [[T; C]; R] {
    let mut out = [[T::zero(); C]; R];
    for (o, a_row) in out.iter_mut().zip(a) {
        *o = vec_mat(a_row, b);
    }
    out
}

/// `A^T` for `A` of `R x C`.
#[inline(always)]
pub fn transpose<T: Scalar, const R: usize, const C: usize>(a: &[[T; C]; R]) -> [[T; R]; C] {
    let mut out = [[T::zero(); R]; C];
    for (r, row) in a.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            out[c][r] = v;
        }
    }
    out
}
