//! Cache-blocked batched products for x86_64 hosts: what the AVX2 and FMA builds of
//! [`affine_rows`](super::affine_rows), [`rows_times_transpose`](super::rows_times_transpose)
//! and [`add_transpose_times`](super::add_transpose_times) run.
//!
//! A 16-column block of a weight matrix read in place touches one 64-byte line per row, at a
//! stride of the whole row: with rows of 128 f32 (512 bytes) every such line falls in 8 of
//! the L1 cache's 64 sets, so the block evicts itself before the next rows of the batch come
//! back to it, and each pass streams it from L2 again. These kernels first copy the block into
//! a contiguous buffer (packing, as BLAS libraries do), which then stays in L1 while every row
//! of the batch passes over it. Blocks of 6 rows x 16 outputs keep 12 of the 16 AVX registers
//! as accumulators.
//!
//! Every output still adds its terms in the same order as the portable kernels do. With
//! `FUSED` false the results are the same to the bit; with `FUSED` true (the FMA build) each
//! term is added with one rounding instead of two, in the same order (both checked in
//! `kernels::tests`). The panels live on the stack (up to 16 KiB for f32, or 16 values per
//! sample of the batch), which is why the Cortex-M builds keep the portable kernels.

use super::blocks::{accumulate_blocks, accumulate_columns, accumulate_rows, transpose_times_from};
use super::elementwise::madd;
use crate::Scalar;

/// Outputs per register block: two 8-lane AVX registers per row.
const WIDE: usize = 16;

/// Inputs per packed panel of `W`: 256 rows of 16 weights (16 KiB of f32) fit in L1 beside the
/// batch's inputs.
const PANEL_ROWS: usize = 256;

/// Runs `$body` on the rows of `$z` in blocks of 6, then on the last rows in blocks of 4, 2
/// and 1, binding each block (an array of rows) to `$block` and the index of its first row to
/// `$first`.
macro_rules! in_row_blocks {
    ($z:expr, |$block:ident, $first:ident| $body:expr) => {{
        let total = $z.len();
        let (blocks, rest) = $z.as_chunks_mut::<6>();
        for ($first, $block) in (0..).step_by(6).zip(blocks) {
            $body;
        }
        let done = total - rest.len();
        let (blocks, rest) = rest.as_chunks_mut::<4>();
        for ($first, $block) in (done..).step_by(4).zip(blocks) {
            $body;
        }
        let done = total - rest.len();
        let (blocks, rest) = rest.as_chunks_mut::<2>();
        for ($first, $block) in (done..).step_by(2).zip(blocks) {
            $body;
        }
        let done = total - rest.len();
        let (blocks, _) = rest.as_chunks_mut::<1>();
        for ($first, $block) in (done..).zip(blocks) {
            $body;
        }
    }};
}

/// `Z_k = W^T x_k + b` for every row of the batch (see [`affine_rows`](super::affine_rows)):
/// each 16-column block of `W` is packed 256 rows at a time, and every row of the batch passes
/// over the packed panel before the next one is packed. Pausing an output's sum between panels
/// and resuming it keeps its order, `b_j + x_0 w_0j + x_1 w_1j + ...`.
#[inline(always)]
pub(crate) fn affine_rows_packed<
    const FUSED: bool,
    T: Scalar,
    const K: usize,
    const IN: usize,
    const OUT: usize,
>(
    x: &[[T; IN]; K],
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
) -> [[T; OUT]; K] {
    if K < 4 {
        // Packing a panel costs about as much as one row's pass over it.
        return core::array::from_fn(|k| affine_wide::<T, FUSED, IN, OUT>(w, b, &x[k]));
    }
    let mut out = [*b; K];
    let blocks = packed_products::<T, FUSED, K, IN, OUT>(x, &mut out, |c, first, panel| {
        for (packed, row) in panel.iter_mut().zip(&w[first..]) {
            *packed = row.as_chunks::<WIDE>().0[c];
        }
    });
    accumulate_rows::<T, FUSED, 8, K, IN, OUT>(&mut out, blocks * WIDE, x, w);
    out
}

/// `D W^T` (see [`rows_times_transpose`](super::rows_times_transpose)): the product of `D` with
/// `W^T` as [`affine_rows_packed`] computes it, packing 16 rows of `W` as the columns of each
/// panel. Every output sums its terms from zero in column order, as the portable kernel does.
#[inline(always)]
pub(crate) fn rows_times_transpose_packed<
    const FUSED: bool,
    T: Scalar,
    const K: usize,
    const R: usize,
    const C: usize,
>(
    d: &[[T; C]; K],
    w: &[[T; C]; R],
) -> [[T; R]; K] {
    let mut out = [[T::zero(); R]; K];
    let blocks = if K < 4 {
        0
    } else {
        packed_products::<T, FUSED, K, C, R>(d, &mut out, |c, first, panel| {
            let rows = &w[c * WIDE..][..WIDE];
            for (j, packed) in (first..).zip(panel.iter_mut()) {
                *packed = core::array::from_fn(|q| rows[q][j]);
            }
        })
    };
    for (o, d_row) in out.iter_mut().zip(d) {
        transpose_times_from::<T, FUSED, R, C>(o, blocks * WIDE, w, d_row);
    }
    out
}

/// `out_k[16c..16c + 16] += sum_i x_k[i] m_i[..]` for every whole block `c` of 16 outputs,
/// where `pack(c, first, panel)` fills `panel` with rows `first..` of the block's 16 columns
/// of the `IN x OUT` matrix `m`. Returns the number of blocks.
#[inline(always)]
fn packed_products<
    T: Scalar,
    const FUSED: bool,
    const K: usize,
    const IN: usize,
    const OUT: usize,
>(
    x: &[[T; IN]; K],
    out: &mut [[T; OUT]; K],
    pack: impl FnMut(usize, usize, &mut [[T; WIDE]]),
) -> usize {
    // A buffer no larger than the matrix: a short one costs nothing to set up.
    if IN <= PANEL_ROWS {
        packed_products_in::<T, FUSED, IN, K, IN, OUT>(x, out, pack)
    } else {
        packed_products_in::<T, FUSED, PANEL_ROWS, K, IN, OUT>(x, out, pack)
    }
}

/// [`packed_products`] with panels of up to `P` rows.
#[inline(always)]
fn packed_products_in<
    T: Scalar,
    const FUSED: bool,
    const P: usize,
    const K: usize,
    const IN: usize,
    const OUT: usize,
>(
    x: &[[T; IN]; K],
    out: &mut [[T; OUT]; K],
    mut pack: impl FnMut(usize, usize, &mut [[T; WIDE]]),
) -> usize {
    let mut buffer = [[T::zero(); WIDE]; P];
    let blocks = OUT / WIDE;
    for c in 0..blocks {
        for first in (0..IN).step_by(P.max(1)) {
            let panel = &mut buffer[..P.min(IN - first)];
            pack(c, first, panel);
            let panel = &*panel;
            in_row_blocks!(out, |z, first_row| {
                // Always a whole block: `x` has as many rows as `out`.
                if let Some(rows) = x.get(first_row..).and_then(<[_]>::first_chunk) {
                    panel_product::<T, FUSED, _, IN, OUT>(panel, first, rows, z, c);
                }
            });
        }
    }
    blocks
}

/// [`affine`](super::affine) for one sample with blocks of 64 outputs first, then 32: 8 (or 4)
/// AVX registers of independent sums, where blocks of 16 outputs (2 registers) would each wait
/// on the latency of every addition in turn.
#[inline(always)]
fn affine_wide<T: Scalar, const FUSED: bool, const IN: usize, const OUT: usize>(
    w: &[[T; OUT]; IN],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    let mut z = *b;
    let done = accumulate_blocks::<T, FUSED, 64, IN, OUT>(&mut z, 0, w, x);
    let done = accumulate_blocks::<T, FUSED, 32, IN, OUT>(&mut z, done, w, x);
    let done = accumulate_blocks::<T, FUSED, 16, IN, OUT>(&mut z, done, w, x);
    accumulate_columns::<T, FUSED, 8, IN, OUT>(&mut z, done, w, x);
    z
}

/// `z_r[16c..16c + 16] += sum_i x_r[first + i] panel[i]` for `N` rows at once.
#[inline(always)]
fn panel_product<
    T: Scalar,
    const FUSED: bool,
    const N: usize,
    const IN: usize,
    const OUT: usize,
>(
    panel: &[[T; WIDE]],
    first: usize,
    x: &[[T; IN]; N],
    z: &mut [[T; OUT]; N],
    c: usize,
) {
    let inputs: [&[T]; N] = core::array::from_fn(|r| &x[r][first..first + panel.len()]);
    let mut acc: [[T; WIDE]; N] = core::array::from_fn(|r| z[r].as_chunks::<WIDE>().0[c]);
    for (i, weights) in panel.iter().enumerate() {
        for (acc_r, inputs_r) in acc.iter_mut().zip(&inputs) {
            let xi = inputs_r[i];
            for (a, &wj) in acc_r.iter_mut().zip(weights) {
                *a = madd::<T, FUSED>(*a, xi, wj);
            }
        }
    }
    for (z_r, acc_r) in z.iter_mut().zip(&acc) {
        z_r.as_chunks_mut::<WIDE>().0[c] = *acc_r;
    }
}

/// `G += U^T D` (see [`add_transpose_times`](super::add_transpose_times)): each 16-column block
/// of `D` is packed into a contiguous `K x 16` panel, which every block of 6 rows of `G` then
/// takes in turn, adding the batch's terms in batch order.
#[inline(always)]
pub(crate) fn add_transpose_times_packed<
    const FUSED: bool,
    T: Scalar,
    const K: usize,
    const R: usize,
    const C: usize,
>(
    g: &mut [[T; C]; R],
    u: &[[T; R]; K],
    d: &[[T; C]; K],
) {
    let blocks = C / WIDE;
    let mut panel = [[T::zero(); WIDE]; K];
    for c in 0..blocks {
        for (packed, d_k) in panel.iter_mut().zip(d) {
            *packed = d_k.as_chunks::<WIDE>().0[c];
        }
        in_row_blocks!(g, |g_rows, first| {
            outer_panel::<T, FUSED, _, K, R, C>(g_rows, first, u, &panel, c);
        });
    }
    let done = blocks * WIDE;
    for (u_k, d_k) in u.iter().zip(d) {
        for (g_row, &uk) in g.iter_mut().zip(u_k) {
            for (g, &dj) in g_row[done..].iter_mut().zip(&d_k[done..]) {
                *g = madd::<T, FUSED>(*g, uk, dj);
            }
        }
    }
}

/// `g_r[16c..16c + 16] += sum_k u_k[first + r] panel[k]` for `N` rows of `G` at once.
#[inline(always)]
fn outer_panel<
    T: Scalar,
    const FUSED: bool,
    const N: usize,
    const K: usize,
    const R: usize,
    const C: usize,
>(
    g: &mut [[T; C]; N],
    first: usize,
    u: &[[T; R]; K],
    panel: &[[T; WIDE]],
    c: usize,
) {
    let mut acc: [[T; WIDE]; N] = core::array::from_fn(|r| g[r].as_chunks::<WIDE>().0[c]);
    for (u_k, d_k) in u.iter().zip(panel) {
        let scales = &u_k[first..first + N];
        for (acc_r, &scale) in acc.iter_mut().zip(scales) {
            for (a, &dj) in acc_r.iter_mut().zip(d_k) {
                *a = madd::<T, FUSED>(*a, scale, dj);
            }
        }
    }
    for (g_r, acc_r) in g.iter_mut().zip(&acc) {
        g_r.as_chunks_mut::<WIDE>().0[c] = *acc_r;
    }
}
