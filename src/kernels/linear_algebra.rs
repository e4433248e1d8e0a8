//! Matrix kernels for the affine map of a layer and its gradients.
//!
//! Matrices are row-major arrays `[[T; C]; R]`. A weight matrix is `IN x OUT` as the chapter
//! writes `W` (m x n).

use super::{axpy, axpy_slice};
use crate::Scalar;

/// Picks the kernel for this machine:
/// - in builds for AVX2, `$wide`, the host kernels of [`super::packed`] (fused multiply-adds
///   too when the build has FMA and not the `libm` feature);
/// - with `std` on x86_64, `$fma` or `$avx2`, the same kernels compiled for those features,
///   when the CPU running the program has them ([`fused_multiply_add`] tells which);
/// - `$portable` everywhere else, the Cortex-M included.
///
/// Without fused multiply-adds every path rounds every operation the same way (Rust does not
/// contract `a + x * w`), so they give the same bits.
macro_rules! on_host {
    ($fma:expr, $avx2:expr, $wide:expr, $portable:expr) => {{
        #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
        return $wide;
        #[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
        match $crate::kernels::host() {
            // SAFETY: the FMA build needs AVX2 and FMA, which this CPU has, as `host` checked.
            #[allow(unsafe_code)]
            $crate::kernels::Host::Fma => return unsafe { $fma },
            // SAFETY: the AVX2 build only needs AVX2, which this CPU has, as `host` checked.
            #[allow(unsafe_code)]
            $crate::kernels::Host::Avx2 => return unsafe { $avx2 },
            $crate::kernels::Host::Portable => {}
        }
        #[allow(unreachable_code)]
        $portable
    }};
}

/// `true` when this build, on this CPU, computes the layers' products with fused
/// multiply-adds (`a + x * w` rounded once).
///
/// That is the case with `std` on x86_64 CPUs with AVX2 and FMA (run-time detection), or in
/// builds for such CPUs, unless the `libm` feature is on. Fused results differ from unfused
/// ones in the last bits; with `libm`, or on any other target, every product is rounded as
/// the chapter writes it, and host and microcontroller compute the same bits.
pub fn fused_multiply_add() -> bool {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    return FUSED_BUILD;
    #[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
    return matches!(super::host(), super::Host::Fma);
    #[allow(unreachable_code)]
    false
}

/// Whether builds for AVX2 fuse: when they are also built for FMA and not asked for `libm`'s
/// same-bits guarantee.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
const FUSED_BUILD: bool = cfg!(all(target_feature = "fma", not(feature = "libm")));

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

/// `y += a * x` over slices, with [`madd`].
#[inline(always)]
fn axpy_tail<T: Scalar, const FUSED: bool>(y: &mut [T], a: T, x: &[T]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = madd::<T, FUSED>(*yi, a, xi);
    }
}

/// Outputs computed together by [`affine`]: 8 accumulators fit in registers on every target
/// (one AVX register, 8 of the Cortex-M4F's 32 single-precision registers).
const BLOCK: usize = 8;

/// `z = W^T x + b`: the chapter's pre-activation `Z = W^T A + W0`.
///
/// Each block of 16 (then 8) outputs is accumulated in registers over all inputs, reading
/// consecutive weights of a row at a time, and stored once; outputs past the last full block
/// are swept with `axpy`. Every output is summed in the same order, `b_j + x_0 w_0j + x_1 w_1j + ...`,
/// whatever the blocking, so the result does not depend on it.
#[inline(always)]
pub fn affine<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    let mut z = *b;
    // Blocks of 16 outputs first (a whole 64-byte cache line of f32 weights per row), then of 8.
    let done = accumulate_blocks::<T, false, 16, IN, OUT>(&mut z, 0, w, x);
    accumulate_columns::<T, false, BLOCK, IN, OUT>(&mut z, done, w, x);
    z
}

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
        axpy_tail::<T, FUSED>(&mut z[done..], xi, &row[done..]);
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
const ROWS: usize = 4;

/// `Z_k = W^T x_k + b` for every row `x_k` of a batch: [`affine`] on blocks of 4 rows, so each
/// block of 8 weights read from memory serves 4 samples. Every output is summed in the same
/// order as [`affine`] sums it, so the two agree to the bit.
#[inline(always)]
pub fn affine_rows<T: Scalar, const K: usize, const IN: usize, const OUT: usize>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    on_host!(
        affine_rows_fma(x, w, b),
        affine_rows_avx2(x, w, b),
        super::packed::affine_rows_packed::<FUSED_BUILD, _, _, _, _>(x, w, b),
        affine_rows_portable::<T, BLOCK, K, IN, OUT>(x, w, b)
    )
}

/// [`affine_rows`] compiled for AVX2.
#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2")]
fn affine_rows_avx2<T: Scalar, const K: usize, const IN: usize, const OUT: usize>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    super::packed::affine_rows_packed::<false, _, _, _, _>(x, w, b)
}

/// [`affine_rows`] compiled for AVX2 and FMA, with fused multiply-adds.
#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2,fma")]
fn affine_rows_fma<T: Scalar, const K: usize, const IN: usize, const OUT: usize>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    super::packed::affine_rows_packed::<true, _, _, _, _>(x, w, b)
}

/// [`affine_rows`] in portable code, with register blocks of `W` outputs.
#[inline(always)]
pub(crate) fn affine_rows_portable<
    T: Scalar,
    const W: usize,
    const K: usize,
    const IN: usize,
    const OUT: usize,
>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    let mut out = [*b; K];
    accumulate_rows::<T, false, W, K, IN, OUT>(&mut out, 0, x, w);
    out
}

/// `z_k[j] += sum_i x_k[i] w_ij` for every row of the batch and the outputs from `start` on:
/// blocks of 4 rows x `W` outputs, then `axpy` sweeps.
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
#[inline(always)]
fn affine_block<T: Scalar, const FUSED: bool, const W: usize, const IN: usize, const OUT: usize>(
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
            axpy_tail::<T, FUSED>(&mut z_r[done..], x_r[i], &row[done..]);
        }
    }
}

/// `D W^T`: `W d_k` for every row `d_k` of `D` (`K x C`, `W` is `R x C`), the chapter's
/// `dL/dA^(l-1) = W^l dL/dZ^l` for a batch. Every output is summed in column order from zero,
/// `0 + d_0 w_i0 + d_1 w_i1 + ...`, on every path.
#[inline(always)]
pub fn rows_times_transpose<T: Scalar, const K: usize, const R: usize, const C: usize>(
    d: &[[T; C]; K],
    w: &[[T; C]; R],
) -> [[T; R]; K] {
    on_host!(
        rows_times_transpose_fma(d, w),
        rows_times_transpose_avx2(d, w),
        super::packed::rows_times_transpose_packed::<FUSED_BUILD, _, _, _, _>(d, w),
        rows_times_transpose_portable(d, w)
    )
}

/// [`rows_times_transpose`] compiled for AVX2.
#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2")]
fn rows_times_transpose_avx2<T: Scalar, const K: usize, const R: usize, const C: usize>(
    d: &[[T; C]; K],
    w: &[[T; C]; R],
) -> [[T; R]; K] {
    super::packed::rows_times_transpose_packed::<false, _, _, _, _>(d, w)
}

/// [`rows_times_transpose`] compiled for AVX2 and FMA, with fused multiply-adds.
#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2,fma")]
fn rows_times_transpose_fma<T: Scalar, const K: usize, const R: usize, const C: usize>(
    d: &[[T; C]; K],
    w: &[[T; C]; R],
) -> [[T; R]; K] {
    super::packed::rows_times_transpose_packed::<true, _, _, _, _>(d, w)
}

/// [`rows_times_transpose`] in portable code.
#[inline(always)]
pub(crate) fn rows_times_transpose_portable<
    T: Scalar,
    const K: usize,
    const R: usize,
    const C: usize,
>(
    d: &[[T; C]; K],
    w: &[[T; C]; R],
) -> [[T; R]; K] {
    let mut out = [[T::zero(); R]; K];
    for (o, d_row) in out.iter_mut().zip(d) {
        transpose_times_from::<T, false, R, C>(o, 0, w, d_row);
    }
    out
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

/// `G += U^T D` for `U` of `K x R` and `D` of `K x C`: the chapter's `dL/dW = A (dL/dZ)^T`
/// summed over a batch. Blocks of 4 rows x 8 entries of `G` are accumulated in registers over
/// the whole batch and stored once; every entry sums its `K` terms in batch order, as adding
/// the samples' outer products one by one would.
#[inline(always)]
pub fn add_transpose_times<T: Scalar, const K: usize, const R: usize, const C: usize>(
    g: &mut [[T; C]; R],
    u: &[[T; R]; K],
    d: &[[T; C]; K],
) {
    on_host!(
        add_transpose_times_fma(g, u, d),
        add_transpose_times_avx2(g, u, d),
        super::packed::add_transpose_times_packed::<FUSED_BUILD, _, _, _, _>(g, u, d),
        add_transpose_times_portable::<T, BLOCK, K, R, C>(g, u, d)
    )
}

/// [`add_transpose_times`] compiled for AVX2.
#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2")]
fn add_transpose_times_avx2<T: Scalar, const K: usize, const R: usize, const C: usize>(
    g: &mut [[T; C]; R],
    u: &[[T; R]; K],
    d: &[[T; C]; K],
) {
    super::packed::add_transpose_times_packed::<false, _, _, _, _>(g, u, d)
}

/// [`add_transpose_times`] compiled for AVX2 and FMA, with fused multiply-adds.
#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2,fma")]
fn add_transpose_times_fma<T: Scalar, const K: usize, const R: usize, const C: usize>(
    g: &mut [[T; C]; R],
    u: &[[T; R]; K],
    d: &[[T; C]; K],
) {
    super::packed::add_transpose_times_packed::<true, _, _, _, _>(g, u, d)
}

/// [`add_transpose_times`] in portable code, with register blocks of `W` columns.
#[inline(always)]
pub(crate) fn add_transpose_times_portable<
    T: Scalar,
    const W: usize,
    const K: usize,
    const R: usize,
    const C: usize,
>(
    g: &mut [[T; C]; R],
    u: &[[T; R]; K],
    d: &[[T; C]; K],
) {
    let (row_blocks, row_rest) = g.as_chunks_mut::<ROWS>();
    for (r, rows) in row_blocks.iter_mut().enumerate() {
        outer_block::<T, W, ROWS, K, R, C>(rows, r * ROWS, u, d);
    }
    let first = R - row_rest.len();
    for (offset, g_row) in row_rest.iter_mut().enumerate() {
        outer_block::<T, W, 1, K, R, C>(core::array::from_mut(g_row), first + offset, u, d);
    }
}

/// `g_r += sum_k u_k[first + r] d_k` for the `N` rows of `g` (4, or 1 for the last rows): each
/// block of `W` columns of `d_k`, read once, serves all `N` rows.
#[inline(always)]
fn outer_block<
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
            axpy_slice(&mut g_r[done..], u_k[first + r], &d_k[done..]);
        }
    }
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
/// `dL/dA^(l-1) = W^l dL/dZ^l`, summed as [`rows_times_transpose`] sums it.
#[inline(always)]
pub fn mat_vec<T: Scalar, const R: usize, const C: usize>(w: &[[T; C]; R], d: &[T; C]) -> [T; R] {
    let mut out = [T::zero(); R];
    transpose_times_from::<T, false, R, C>(&mut out, 0, w, d);
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
