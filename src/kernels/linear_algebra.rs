//! Matrix kernels for the affine map of a layer and its gradients.
//!
//! Matrices are row-major arrays `[[T; C]; R]`. A weight matrix is `IN x OUT` as the chapter
//! writes `W` (m x n). The single-sample products are compiled for their widths, with the
//! loops of [`blocks`](super::blocks). The batched products, on x86_64 hosts, flatten their
//! arrays and run [`packed`](super::packed)'s loops, compiled once in this crate per scalar type
//! and instruction set ([`host_products`](super::host_products)); elsewhere (the Cortex-M) they
//! run the portable blocks, compiled for their widths.

use super::blocks::{
    BLOCK, ROWS, accumulate_blocks, accumulate_columns, accumulate_rows, outer_block,
    transpose_times_from,
};
use super::elementwise::axpy;
#[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
use super::{
    host_products::{Build, Product},
    packed::Dims,
};
use crate::Scalar;

/// `true` when this build, on this CPU, computes the layers' products with fused
/// multiply-adds (`a + x * w` rounded once).
///
/// That is the case with `std` on x86_64 CPUs with AVX-512F, or with AVX2 and FMA (run-time
/// detection), or in builds for such CPUs, unless the `libm` feature is on. Fused results differ from unfused
/// ones in the last bits; with `libm`, or on any other target, every product is rounded as
/// the chapter writes it, and host and microcontroller compute the same bits.
pub fn fused_multiply_add() -> bool {
    #[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
    return super::host_products::Build::host().fused();
    #[allow(unreachable_code)]
    false
}

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

/// `Z_k = W^T x_k + b` for every row `x_k` of a batch: [`affine`] on blocks of 4 rows, so each
/// block of 8 weights read from memory serves 4 samples. Every output is summed in the same
/// order as [`affine`] sums it, so the two agree to the bit.
///
/// On x86_64 hosts this flattens the arrays and calls the products compiled once in this crate
/// (see `host_products`); elsewhere the portable loops are compiled for these widths.
#[inline(always)]
pub fn affine_rows<T: Scalar, const K: usize, const IN: usize, const OUT: usize>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    #[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
    {
        // The product compiled once in this crate.
        let compiled_once = || {
            let mut out = [*b; K];
            host_product(Product::AffineRows, &mut out, x, w, (K, IN, OUT));
            out
        };
        if K < 4 && IN * OUT <= SMALL_LAYER {
            return dispatch!(
                fma: affine_rows_small_fma(x, w, b),
                avx2: affine_rows_small_avx2(x, w, b),
                wide: affine_rows_small::<T, FUSED_BUILD, K, IN, OUT>(x, w, b),
                // Without AVX2 (or with it but without FMA and `libm`), the product compiled
                // once: the same sums in the same order, so the same bits, and no third copy
                // of the loops for every small shape in the user's crate.
                portable: compiled_once()
            );
        }
        compiled_once()
    }
    #[cfg(not(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2"))))]
    affine_rows_portable::<T, BLOCK, K, IN, OUT>(x, w, b)
}

/// Weights (inputs x outputs) up to which a layer's products for one to three samples are
/// compiled for its widths: for such layers a call with run-time widths cost more than the
/// product (measured: 4-16-16-3 took 118 ns instead of 60).
#[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
const SMALL_LAYER: usize = 4096;

/// Whether builds for AVX2 fuse: when they are also built for FMA and not asked for `libm`'s
/// same-bits guarantee.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
const FUSED_BUILD: bool = cfg!(all(target_feature = "fma", not(feature = "libm")));

/// [`affine_rows`] on x86_64 hosts for a few samples of a small layer, compiled for its
/// widths: blocks of 32 outputs, then 8 (4 AVX registers of independent sums, or 1), each over
/// all inputs. (Blocks of 64 and 16 as well were no faster on these layers, and each block size
/// is compiled again for every small shape in the user's crate.)
#[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
#[inline(always)]
fn affine_rows_small<
    T: Scalar,
    const FUSED: bool,
    const K: usize,
    const IN: usize,
    const OUT: usize,
>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    let mut out = [*b; K];
    for (z, x_k) in out.iter_mut().zip(x) {
        let done = accumulate_blocks::<T, FUSED, 32, IN, OUT>(z, 0, w, x_k);
        accumulate_columns::<T, FUSED, 8, IN, OUT>(z, done, w, x_k);
    }
    out
}

/// [`affine_rows_small`] compiled for AVX2 (run with `libm`, which never fuses).
#[cfg(all(
    feature = "std",
    feature = "libm",
    target_arch = "x86_64",
    not(target_feature = "avx2")
))]
#[target_feature(enable = "avx2")]
fn affine_rows_small_avx2<T: Scalar, const K: usize, const IN: usize, const OUT: usize>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    affine_rows_small::<T, false, K, IN, OUT>(x, w, b)
}

/// [`affine_rows_small`] compiled for AVX2 and FMA, with fused multiply-adds (not with
/// `libm`).
#[cfg(all(
    feature = "std",
    not(feature = "libm"),
    target_arch = "x86_64",
    not(target_feature = "avx2")
))]
#[target_feature(enable = "avx2,fma")]
fn affine_rows_small_fma<T: Scalar, const K: usize, const IN: usize, const OUT: usize>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    affine_rows_small::<T, true, K, IN, OUT>(x, w, b)
}

/// Runs a product of `host_products` on the flattened arrays, in the build this CPU runs.
#[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
#[inline(always)]
fn host_product<T: Scalar, const R: usize, const C: usize, const A: usize, const B: usize>(
    product: Product,
    out: &mut [[T; C]; R],
    a: &[[T; A]],
    b: &[[T; B]],
    (rows, inner, cols): (usize, usize, usize),
) {
    super::host_products::run(
        product,
        Build::host(),
        out.as_flattened_mut(),
        a.as_flattened(),
        b.as_flattened(),
        Dims::new(rows, inner, cols),
    );
}

/// [`affine_rows`] in portable code, with register blocks of `W` outputs.
#[cfg_attr(
    all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")),
    allow(dead_code)
)] // x86_64 hosts run `packed`
#[inline(always)]
pub(super) fn affine_rows_portable<
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

/// `D W^T`: `W d_k` for every row `d_k` of `D` (`K x C`, `W` is `R x C`), the chapter's
/// `dL/dA^(l-1) = W^l dL/dZ^l` for a batch. Every output is summed in column order from zero,
/// `0 + d_0 w_i0 + d_1 w_i1 + ...`, on every path.
#[inline(always)]
pub fn rows_times_transpose<T: Scalar, const K: usize, const R: usize, const C: usize>(
    d: &[[T; C]; K],
    w: &[[T; C]; R],
) -> [[T; R]; K] {
    #[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
    {
        let mut out = [[T::zero(); R]; K];
        host_product(Product::RowsTimesTranspose, &mut out, d, w, (K, C, R));
        out
    }
    #[cfg(not(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2"))))]
    rows_times_transpose_portable(d, w)
}

/// [`rows_times_transpose`] in portable code.
#[cfg_attr(
    all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")),
    allow(dead_code)
)] // x86_64 hosts run `packed`
#[inline(always)]
pub(super) fn rows_times_transpose_portable<
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
    #[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
    host_product(Product::AddTransposeTimes, g, u, d, (K, R, C));
    #[cfg(not(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2"))))]
    add_transpose_times_portable::<T, BLOCK, K, R, C>(g, u, d)
}

/// [`add_transpose_times`] in portable code, with register blocks of `W` columns.
#[cfg_attr(
    all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")),
    allow(dead_code)
)] // x86_64 hosts run `packed`
#[inline(always)]
pub(super) fn add_transpose_times_portable<
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
