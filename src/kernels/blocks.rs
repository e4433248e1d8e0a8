//! Register blocks of the portable products: the loops every build of the layer products
//! shares. [`linear_algebra`](super::linear_algebra) runs them directly on every target;
//! [`packed`](super::packed) runs them on packed panels in its AVX2 and FMA builds. Each
//! output adds its terms in one fixed order whatever the blocking, so every path gives the same
//! bits (the FMA build rounds each term once, in the same order).

use super::elementwise::{axpy_with, madd};
use crate::Scalar;

/// Outputs computed together by `affine`: 8 accumulators fit in registers on every target
/// (one AVX register, 8 of the Cortex-M4F's 32 single-precision registers).
pub(super) const BLOCK: usize = 8;

/// `z[j] += sum_i x_i w_ij` for the outputs from `start` on: blocks of `B`, then `axpy` sweeps
/// over the last outputs.
#[inline(always)]
pub(super) fn accumulate_columns<
    T: Scalar,
    const FUSED: bool,
    const B: usize,
    const IN: usize,
    const OUT: usize,
>(
    z: &mut [T; OUT],
    start: usize,
    w: &[[T; OUT]; IN],
    x: &[T; IN],
) {
    let done = accumulate_blocks::<T, FUSED, B, IN, OUT>(z, start, w, x);
    for (row, &xi) in w.iter().zip(x) {
        axpy_with::<T, FUSED>(&mut z[done..], xi, &row[done..]);
    }
}

/// `z[j] += sum_i x_i w_ij` for the outputs from `start` on, in whole blocks of `B` held in
/// registers over all inputs; returns where the blocks end.
#[inline(always)]
pub(super) fn accumulate_blocks<
    T: Scalar,
    const FUSED: bool,
    const B: usize,
    const IN: usize,
    const OUT: usize,
>(
    z: &mut [T; OUT],
    start: usize,
    w: &[[T; OUT]; IN],
    x: &[T; IN],
) -> usize {
    let (blocks, _) = z[start..].as_chunks_mut::<B>();
    for (c, block) in blocks.iter_mut().enumerate() {
        let mut acc = *block;
        for (row, &xi) in w.iter().zip(x) {
            let weights = &row[start..].as_chunks::<B>().0[c];
            for (a, &wj) in acc.iter_mut().zip(weights) {
                *a = madd::<T, FUSED>(*a, xi, wj);
            }
        }
        *block = acc;
    }
    start + blocks.len() * B
}

/// Rows of a batch the batched kernels process together: with 8 outputs each, 32 accumulators,
/// which fit the 16 SSE or AVX registers of x86_64 (as 8 or 4 vectors) and the Cortex-M4F's 32.
#[cfg_attr(
    all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")),
    allow(dead_code)
)] // x86_64 hosts run `packed`
pub(super) const ROWS: usize = 4;

/// `z_k[j] += sum_i x_k[i] w_ij` for every row of the batch and the outputs from `start` on:
/// blocks of 4 rows x `W` outputs, then `axpy` sweeps.
#[cfg_attr(
    all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")),
    allow(dead_code)
)] // x86_64 hosts run `packed`
#[inline(always)]
pub(super) fn accumulate_rows<
    T: Scalar,
    const FUSED: bool,
    const W: usize,
    const K: usize,
    const IN: usize,
    const OUT: usize,
>(
    z: &mut [[T; OUT]; K],
    start: usize,
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
) {
    let (z_blocks, z_rest) = z.as_chunks_mut::<ROWS>();
    let (x_blocks, x_rest) = x.as_chunks::<ROWS>();
    for (z, rows) in z_blocks.iter_mut().zip(x_blocks) {
        affine_block::<T, FUSED, W, IN, OUT>(w, rows, z, start);
    }
    for (z, row) in z_rest.iter_mut().zip(x_rest) {
        accumulate_columns::<T, FUSED, W, IN, OUT>(z, start, w, row);
    }
}

/// `z_r += W^T x_r` for 4 rows at once and the outputs from `start` on, `W` outputs at a time.
#[cfg_attr(
    all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")),
    allow(dead_code)
)] // x86_64 hosts run `packed`
#[inline(always)]
pub(super) fn affine_block<
    T: Scalar,
    const FUSED: bool,
    const W: usize,
    const IN: usize,
    const OUT: usize,
>(
    w: &[[T; OUT]; IN],
    x: &[[T; IN]; ROWS],
    z: &mut [[T; OUT]; ROWS],
    start: usize,
) {
    let blocks = (OUT - start) / W;
    for c in 0..blocks {
        let mut acc: [[T; W]; ROWS] = core::array::from_fn(|r| z[r][start..].as_chunks::<W>().0[c]);
        for (i, row) in w.iter().enumerate() {
            let weights = &row[start..].as_chunks::<W>().0[c];
            for (acc_r, x_r) in acc.iter_mut().zip(x) {
                let xi = x_r[i];
                for (a, &wj) in acc_r.iter_mut().zip(weights) {
                    *a = madd::<T, FUSED>(*a, xi, wj);
                }
            }
        }
        for (z_r, acc_r) in z.iter_mut().zip(&acc) {
            z_r[start..].as_chunks_mut::<W>().0[c] = *acc_r;
        }
    }
    let done = start + blocks * W;
    for (i, row) in w.iter().enumerate() {
        for (z_r, x_r) in z.iter_mut().zip(x) {
            axpy_with::<T, FUSED>(&mut z_r[done..], x_r[i], &row[done..]);
        }
    }
}

/// `o_i = sum_j w_ij d_j` for the outputs `i` from `start` on, 8 at a time: 8 independent sums,
/// each over `j` in order.
#[inline(always)]
pub(super) fn transpose_times_from<T: Scalar, const FUSED: bool, const R: usize, const C: usize>(
    o: &mut [T; R],
    start: usize,
    w: &[[T; C]; R],
    d: &[T; C],
) {
    let (o_blocks, o_rest) = o[start..].as_chunks_mut::<BLOCK>();
    let (w_blocks, w_rest) = w[start..].as_chunks::<BLOCK>();
    for (o_block, w_rows) in o_blocks.iter_mut().zip(w_blocks) {
        let mut acc = [T::zero(); BLOCK];
        for (j, &dj) in d.iter().enumerate() {
            for (a, w_row) in acc.iter_mut().zip(w_rows) {
                *a = madd::<T, FUSED>(*a, dj, w_row[j]);
            }
        }
        *o_block = acc;
    }
    for (oi, w_row) in o_rest.iter_mut().zip(w_rest) {
        *oi = d
            .iter()
            .zip(w_row)
            .fold(T::zero(), |acc, (&dj, &wj)| madd::<T, FUSED>(acc, dj, wj));
    }
}

/// `g_r += sum_k u_k[first + r] d_k` for the `N` rows of `g` (4, or 1 for the last rows): each
/// block of `W` columns of `d_k`, read once, serves all `N` rows.
#[cfg_attr(
    all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")),
    allow(dead_code)
)] // x86_64 hosts run `packed`
#[inline(always)]
pub(super) fn outer_block<
    T: Scalar,
    const W: usize,
    const N: usize,
    const K: usize,
    const R: usize,
    const C: usize,
>(
    g: &mut [[T; C]; N],
    first: usize,
    u: &[[T; R]; K],
    d: &[[T; C]; K],
) {
    let blocks = C / W;
    for c in 0..blocks {
        let mut acc: [[T; W]; N] = core::array::from_fn(|r| g[r].as_chunks::<W>().0[c]);
        for (u_k, d_k) in u.iter().zip(d) {
            let column = &d_k.as_chunks::<W>().0[c];
            for (r, acc_r) in acc.iter_mut().enumerate() {
                let uk = u_k[first + r];
                for (a, &dj) in acc_r.iter_mut().zip(column) {
                    *a = *a + uk * dj;
                }
            }
        }
        for (g_r, acc_r) in g.iter_mut().zip(&acc) {
            g_r.as_chunks_mut::<W>().0[c] = *acc_r;
        }
    }
    let done = blocks * W;
    for (u_k, d_k) in u.iter().zip(d) {
        for (r, g_r) in g.iter_mut().enumerate() {
            axpy_with::<T, false>(&mut g_r[done..], u_k[first + r], &d_k[done..]);
        }
    }
}
