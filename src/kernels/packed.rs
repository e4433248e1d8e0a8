//! Cache-blocked batched products for x86_64 hosts, on flat row-major slices with run-time
//! widths: the loops the host builds of [`affine_rows`](super::affine_rows),
//! [`rows_times_transpose`](super::rows_times_transpose) and
//! [`add_transpose_times`](super::add_transpose_times) run (see
//! [`host_products`](super::host_products) for the builds).
//!
//! The widths are run-time values, not const generics, so these loops are compiled once per
//! scalar type and instruction set, in this crate, and not again in every user crate for every
//! layer shape and batch size: that was most of what a user's release build spent in LLVM. Only
//! the register blocks are fixed in the type (`WIDE` outputs per row, 6, 4, 2 or 1 rows), so the
//! inner loops vectorize exactly as the fully monomorphized ones did.
//!
//! A `WIDE`-column block of a weight matrix read in place touches one cache line per row, at a
//! stride of the whole row: with rows of 128 f32 (512 bytes) every such line falls in a few of
//! the L1 cache's sets, so the block evicts itself before the next rows of the batch come back
//! to it, and each pass streams it from L2 again. These kernels first copy the block into a
//! contiguous panel (packing, as BLAS libraries do), which then stays in L1 while every row of
//! the batch passes over it.
//!
//! Every output still adds its terms in the same order as the portable kernels do,
//! `b_j + x_0 w_0j + x_1 w_1j + ...`, whatever the blocking: pausing a sum between panels and
//! resuming it keeps the order. With `FUSED` false the results are the same to the bit; with
//! `FUSED` true each term is added with one rounding instead of two, in the same order (both
//! checked in `kernels::tests`). The panels live on the stack (at most 16 KiB, or 16 values per
//! sample of the batch), which is why the Cortex-M builds keep the portable kernels.

use super::elementwise::madd;
use crate::Scalar;

/// The sizes of a product `Z += X M`: `X` is `rows x inner`, `M` is `inner x cols` and `Z` is
/// `rows x cols`, all row-major. The slices passed with it hold exactly those many values, but
/// for `W` and `U` in a part of a product split among threads (see `u_first` and `w_first`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dims {
    /// Rows of `X` and `Z`: the batch.
    pub(crate) rows: usize,
    /// Columns of `X`, rows of `M`.
    pub(crate) inner: usize,
    /// Columns of `M` and `Z`.
    pub(crate) cols: usize,
    /// In `G += U^T D`, the columns of the whole `U` (the distance between its rows): `inner`
    /// for the whole product, more for a part of it that computes a run of `G`'s rows (`inner`
    /// then counts them) from the same run of `U`'s columns. Unused by the other products.
    pub(crate) u_stride: usize,
    /// In `G += U^T D`, the first column of `U` (row of `G`) a part computes: 0 for the whole
    /// product. `u` is always the whole `U`, so its rows are read as exact chunks (a chunk
    /// that may be shorter costs a comparison per row in the innermost loops).
    pub(crate) u_first: usize,
    /// In `Z += X W`, the columns of the whole `W` (the distance between its rows): `cols` for
    /// the whole product, more for a part of it that computes a run of `Z`'s columns (`cols`
    /// then counts them) from the same run of `W`'s. Unused by the other products.
    pub(crate) w_stride: usize,
    /// In `Z += X W`, the first column of `W` a part reads: 0 for the whole product. `w` is
    /// always the whole `W`, as `u` is the whole `U`.
    pub(crate) w_first: usize,
}

impl Dims {
    /// The sizes of a whole product.
    pub(crate) fn new(rows: usize, inner: usize, cols: usize) -> Self {
        Self {
            rows,
            inner,
            cols,
            u_stride: inner,
            u_first: 0,
            w_stride: cols,
            w_first: 0,
        }
    }
}

/// Bytes of one packed panel: 16 KiB stays in L1 (32 or 48 KiB) beside the batch's inputs.
const PANEL_BYTES: usize = 16 * 1024;

/// A packed panel's buffer, aligned to a cache line so that no vector load of it straddles two.
#[repr(align(64))]
struct Panel<T, const WIDE: usize, const P: usize>([[T; WIDE]; P]);

/// Outputs per block of the unpacked tails: one AVX register of f32.
const TAIL: usize = 8;

/// Runs `$body` for the rows `0..$total` in blocks of 6, then the last rows in blocks of 4, 2
/// and 1, with `$first` the block's first row and `$n` a constant, its number of rows.
macro_rules! for_row_blocks {
    ($total:expr, |$first:ident, $n:ident| $body:expr) => {{
        let total = $total;
        let mut $first = 0;
        while $first + 6 <= total {
            {
                const $n: usize = 6;
                $body;
            }
            $first += 6;
        }
        if $first + 4 <= total {
            {
                const $n: usize = 4;
                $body;
            }
            $first += 4;
        }
        if $first + 2 <= total {
            {
                const $n: usize = 2;
                $body;
            }
            $first += 2;
        }
        if $first < total {
            const $n: usize = 1;
            $body;
        }
    }};
}

// The helpers below fill arrays with loops, not `core::array::from_fn`: LLVM did not always
// inline `from_fn` into these kernels, and then kept the accumulators in memory (measured: the
// AVX2 build of `affine_rows` took 28% longer).

/// Runs `$body` over the columns from `$j` to `$end` in blocks of [`TAIL`] (8), then 4, 2 and 1, with `$b`
/// a constant, the block's width, and `$j` its first column (advanced past it): the last outputs
/// as register blocks of their own width, not loops of `axpy` sweeps (which cost a small layer
/// more than its products: 3 outputs of 16 inputs took 16 loops of 3).
macro_rules! in_column_blocks {
    ($j:ident, $end:expr, |$b:ident| $body:expr) => {{
        let end = $end;
        while $j + TAIL <= end {
            {
                const $b: usize = TAIL;
                $body;
            }
            $j += TAIL;
        }
        if $j + 4 <= end {
            {
                const $b: usize = 4;
                $body;
            }
            $j += 4;
        }
        if $j + 2 <= end {
            {
                const $b: usize = 2;
                $body;
            }
            $j += 2;
        }
        if $j < end {
            {
                const $b: usize = 1;
                $body;
            }
            $j += 1;
        }
        let _ = $j;
    }};
}

/// The `W` values at the start of `values`, as an array to keep in registers.
#[inline(always)]
fn load<T: Scalar, const W: usize>(values: &[T]) -> [T; W] {
    let mut out = [T::zero(); W];
    out.copy_from_slice(&values[..W]);
    out
}

/// `N` rows of `W` values, row `r` from `values[first + r * stride]` on: the accumulators of
/// a register block.
#[inline(always)]
fn load_rows<T: Scalar, const N: usize, const W: usize>(
    values: &[T],
    first: usize,
    stride: usize,
) -> [[T; W]; N] {
    let mut rows = [[T::zero(); W]; N];
    for (r, row) in rows.iter_mut().enumerate() {
        row.copy_from_slice(&values[first + r * stride..][..W]);
    }
    rows
}

/// Writes `rows` back where [`load_rows`] read them.
#[inline(always)]
fn store_rows<T: Scalar, const N: usize, const W: usize>(
    values: &mut [T],
    first: usize,
    stride: usize,
    rows: &[[T; W]; N],
) {
    for (r, row) in rows.iter().enumerate() {
        values[first + r * stride..][..W].copy_from_slice(row);
    }
}

/// `N` slices of `len` values, slice `r` from `values[first + r * stride]` on.
#[inline(always)]
fn slices<T, const N: usize>(values: &[T], first: usize, stride: usize, len: usize) -> [&[T]; N] {
    let mut out: [&[T]; N] = [&[]; N];
    for (r, slice) in out.iter_mut().enumerate() {
        *slice = &values[first + r * stride..][..len];
    }
    out
}

/// `Z += X W` (`Z` filled with the bias first: [`affine_rows`](super::affine_rows)). Each
/// `WIDE`-column block of `W` is packed a panel of rows at a time, and every row of the batch
/// passes over the packed panel before the next one is packed. Batches of fewer than 4 rows
/// skip the packing, which costs about as much as one row's pass over the panel.
#[inline(always)]
pub(crate) fn affine_rows<T: Scalar, const FUSED: bool, const WIDE: usize>(
    z: &mut [T],
    x: &[T],
    w: &[T],
    dims: Dims,
) {
    let Dims {
        rows, inner, cols, ..
    } = dims;
    if rows < 4 {
        for (z_row, x_row) in z.chunks_exact_mut(cols).zip(x.chunks_exact(inner)) {
            affine_wide::<T, FUSED, WIDE>(z_row, x_row, w, dims);
        }
        return;
    }
    let blocks = products::<T, FUSED, WIDE>(z, x, dims, |c, first, panel| {
        for (packed, row) in panel
            .iter_mut()
            .zip(w.chunks_exact(dims.w_stride).skip(first))
        {
            *packed = load(&row[dims.w_first + c * WIDE..]);
        }
    });
    let start = blocks * WIDE;
    let mut first = 0;
    while first + 4 <= rows {
        tail_block::<T, FUSED, 4>(z, x, w, dims, first, start);
        first += 4;
    }
    while first < rows {
        tail_block::<T, FUSED, 1>(z, x, w, dims, first, start);
        first += 1;
    }
}

/// `Z += D W^T` for `D` of `rows x inner` and `W` of `cols x inner` (`Z` zeroed first:
/// [`rows_times_transpose`](super::rows_times_transpose)): the product [`affine_rows`] computes,
/// packing `WIDE` rows of `W` as the columns of each panel.
#[inline(always)]
pub(crate) fn rows_times_transpose<T: Scalar, const FUSED: bool, const WIDE: usize>(
    z: &mut [T],
    d: &[T],
    w: &[T],
    dims: Dims,
) {
    let Dims {
        rows, inner, cols, ..
    } = dims;
    let blocks = if rows < 4 {
        0
    } else {
        products::<T, FUSED, WIDE>(z, d, dims, |c, first, panel| {
            let w_rows: [&[T]; WIDE] = slices(w, c * WIDE * inner + first, inner, panel.len());
            for (j, packed) in panel.iter_mut().enumerate() {
                for (p, w_row) in packed.iter_mut().zip(&w_rows) {
                    *p = w_row[j];
                }
            }
        })
    };
    let start = blocks * WIDE;
    for (z_row, d_row) in z.chunks_exact_mut(cols).zip(d.chunks_exact(inner)) {
        // Outputs from `start` on, 8 rows of `W` (8 independent sums over `d_row`) at a time.
        let mut i = start;
        while i + TAIL <= cols {
            let block: [&[T]; TAIL] = slices(w, i * inner, inner, inner);
            let mut acc = load::<T, TAIL>(&z_row[i..]);
            for (j, &dj) in d_row.iter().enumerate() {
                for (a, w_row) in acc.iter_mut().zip(&block) {
                    *a = madd::<T, FUSED>(*a, dj, w_row[j]);
                }
            }
            z_row[i..i + TAIL].copy_from_slice(&acc);
            i += TAIL;
        }
        for (zi, w_row) in z_row[i..].iter_mut().zip(w.chunks_exact(inner).skip(i)) {
            *zi = d_row
                .iter()
                .zip(w_row)
                .fold(*zi, |acc, (&dj, &wj)| madd::<T, FUSED>(acc, dj, wj));
        }
    }
}

/// `Z[.., WIDE c..WIDE (c + 1)] += X P_c` for every whole block `c` of `WIDE` columns of `Z`, where
/// `pack(c, first, panel)` fills `panel` with rows `first..` of block `c` of the `inner x cols`
/// matrix `P`. Returns the number of blocks.
#[inline(always)]
fn products<T: Scalar, const FUSED: bool, const WIDE: usize>(
    z: &mut [T],
    x: &[T],
    dims: Dims,
    pack: impl FnMut(usize, usize, &mut [[T; WIDE]]),
) -> usize {
    let needed = dims.inner.min(panel_rows::<T, WIDE>());
    with_panel(needed, |buffer| {
        products_in::<T, FUSED, WIDE>(z, x, dims, pack, buffer)
    })
}

/// Runs `f` with a cleared panel buffer of at least `needed` rows (up to 256), no larger than
/// it must be: clearing 16 KiB would cost more than a small product. `f` is called in one
/// place, so the kernel it runs is compiled once, not once per buffer size.
#[inline(always)]
fn with_panel<T: Scalar, const WIDE: usize, R>(
    needed: usize,
    f: impl FnOnce(&mut [[T; WIDE]]) -> R,
) -> R {
    let mut small;
    let mut medium;
    let mut large;
    let buffer: &mut [[T; WIDE]] = if needed <= 16 {
        small = Panel([[T::zero(); WIDE]; 16]);
        &mut small.0
    } else if needed <= 64 {
        medium = Panel([[T::zero(); WIDE]; 64]);
        &mut medium.0
    } else {
        large = Panel([[T::zero(); WIDE]; 256]);
        &mut large.0
    };
    f(buffer)
}

/// Rows of a packed panel: as many blocks of `WIDE` values as fit in [`PANEL_BYTES`].
#[inline(always)]
fn panel_rows<T, const WIDE: usize>() -> usize {
    (PANEL_BYTES / core::mem::size_of::<[T; WIDE]>()).clamp(1, 256)
}

/// [`products`] with a panel buffer.
#[inline(always)]
fn products_in<T: Scalar, const FUSED: bool, const WIDE: usize>(
    z: &mut [T],
    x: &[T],
    dims: Dims,
    mut pack: impl FnMut(usize, usize, &mut [[T; WIDE]]),
    buffer: &mut [[T; WIDE]],
) -> usize {
    let Dims {
        rows, inner, cols, ..
    } = dims;
    let step = buffer.len().min(panel_rows::<T, WIDE>());
    let blocks = cols / WIDE;
    // A run of the inner rows outside, the column blocks inside: each block's panel then
    // meets the same columns of the batch's inputs (64 rows x 256 values, 64 KiB), which stay
    // in L2, where blocks outside made the whole batch (200 KB for 784 inputs) stream past
    // once per block. Each output still adds its terms in the same order. 784-128 with a
    // batch of 64: 152.0 against 163.5 us (medians of 11 alternated runs, Zen 3).
    let mut first = 0;
    while first < inner {
        let rows_here = step.min(inner - first);
        for c in 0..blocks {
            let panel = &mut buffer[..rows_here];
            pack(c, first, panel);
            let panel = &*panel;
            for_row_blocks!(rows, |first_row, N| {
                panel_product::<T, FUSED, WIDE, N>(panel, z, x, dims, first_row, first, c * WIDE)
            });
        }
        first += rows_here;
    }
    blocks
}

/// `z_r[col..col + WIDE] += sum_i x_r[first + i] panel[i]` for the `N` rows from `first_row`.
#[inline(always)]
fn panel_product<T: Scalar, const FUSED: bool, const WIDE: usize, const N: usize>(
    panel: &[[T; WIDE]],
    z: &mut [T],
    x: &[T],
    dims: Dims,
    first_row: usize,
    first: usize,
    col: usize,
) {
    let Dims { inner, cols, .. } = dims;
    let inputs: [&[T]; N] = slices(x, first_row * inner + first, inner, panel.len());
    let mut acc: [[T; WIDE]; N] = load_rows(z, first_row * cols + col, cols);
    for (i, weights) in panel.iter().enumerate() {
        for (acc_r, inputs_r) in acc.iter_mut().zip(&inputs) {
            let xi = inputs_r[i];
            for (a, &wj) in acc_r.iter_mut().zip(weights) {
                *a = madd::<T, FUSED>(*a, xi, wj);
            }
        }
    }
    store_rows(z, first_row * cols + col, cols, &acc);
}

/// `z_r[start..] += W^T x_r` for the `N` rows from `first_row`, unpacked: blocks of `N` rows x
/// 8 outputs held in registers over all inputs, then `axpy` sweeps over the last outputs.
#[inline(always)]
fn tail_block<T: Scalar, const FUSED: bool, const N: usize>(
    z: &mut [T],
    x: &[T],
    w: &[T],
    dims: Dims,
    first_row: usize,
    start: usize,
) {
    let Dims { inner, cols, .. } = dims;
    let x_rows: [&[T]; N] = slices(x, first_row * inner, inner, inner);
    let mut j = start;
    in_column_blocks!(j, cols, |B| rows_block::<T, FUSED, N, B>(
        z,
        &x_rows,
        w,
        dims,
        first_row * cols + j,
        j
    ));
}

/// `z_r[j..j + B] += W[.., j..j + B]^T x_r` for `N` rows, `z_0[j]` at `z[at]`: `N x B` sums held
/// in registers over all inputs.
#[inline(always)]
fn rows_block<T: Scalar, const FUSED: bool, const N: usize, const B: usize>(
    z: &mut [T],
    x_rows: &[&[T]; N],
    w: &[T],
    dims: Dims,
    at: usize,
    j: usize,
) {
    let cols = dims.cols;
    let mut acc: [[T; B]; N] = load_rows(z, at, cols);
    let j = dims.w_first + j;
    for (i, w_row) in w.chunks_exact(dims.w_stride).enumerate() {
        let weights = load::<T, B>(&w_row[j..]);
        for (acc_r, x_r) in acc.iter_mut().zip(x_rows) {
            let xi = x_r[i];
            for (a, &wj) in acc_r.iter_mut().zip(&weights) {
                *a = madd::<T, FUSED>(*a, xi, wj);
            }
        }
    }
    store_rows(z, at, cols, &acc);
}

/// `z += W^T x` for one sample with blocks of `4 WIDE` outputs first, then `2 WIDE`, `WIDE` and
/// 8: 8 (or 4, 2) vector registers of independent sums, where one block of `WIDE` outputs would
/// wait on the latency of every addition in turn.
#[inline(always)]
fn affine_wide<T: Scalar, const FUSED: bool, const WIDE: usize>(
    z: &mut [T],
    x: &[T],
    w: &[T],
    dims: Dims,
) {
    let j = column_blocks::<T, FUSED, WIDE, 4>(z, x, w, dims, 0);
    let j = column_blocks::<T, FUSED, WIDE, 2>(z, x, w, dims, j);
    let j = column_blocks::<T, FUSED, WIDE, 1>(z, x, w, dims, j);
    let mut j = j;
    in_column_blocks!(j, dims.cols, |B| column_block::<T, FUSED, B, 1>(
        z, x, w, dims, j
    ));
}

/// `z[j..] += W^T x` for one sample, from output `start` on, in whole blocks of `M x B` outputs;
/// returns where the blocks end.
#[inline(always)]
fn column_blocks<T: Scalar, const FUSED: bool, const B: usize, const M: usize>(
    z: &mut [T],
    x: &[T],
    w: &[T],
    dims: Dims,
    start: usize,
) -> usize {
    let mut j = start;
    while j + M * B <= dims.cols {
        column_block::<T, FUSED, B, M>(z, x, w, dims, j);
        j += M * B;
    }
    j
}

/// `z[j..j + M B] += W[.., j..j + M B]^T x` for one sample: `M x B` sums held in registers over
/// all inputs.
#[inline(always)]
fn column_block<T: Scalar, const FUSED: bool, const B: usize, const M: usize>(
    z: &mut [T],
    x: &[T],
    w: &[T],
    dims: Dims,
    j: usize,
) {
    let mut acc: [[T; B]; M] = load_rows(z, j, B);
    let w_j = dims.w_first + j;
    for (w_row, &xi) in w.chunks_exact(dims.w_stride).zip(x) {
        let weights = &w_row[w_j..w_j + M * B];
        for (acc_m, weights_m) in acc.iter_mut().zip(weights.chunks_exact(B)) {
            for (a, &wj) in acc_m.iter_mut().zip(weights_m) {
                *a = madd::<T, FUSED>(*a, xi, wj);
            }
        }
    }
    store_rows(z, j, B, &acc);
}

/// `G += U^T D` for `U` of `rows x inner` and `D` of `rows x cols`, `G` of `inner x cols`
/// ([`add_transpose_times`](super::add_transpose_times)): each `WIDE`-column block of `D` is
/// packed a panel of samples at a time, which every block of 6 rows of `G` then takes in turn,
/// adding the batch's terms in batch order.
#[inline(always)]
pub(crate) fn add_transpose_times<T: Scalar, const FUSED: bool, const WIDE: usize>(
    g: &mut [T],
    u: &[T],
    d: &[T],
    dims: Dims,
) {
    let needed = dims.rows.min(panel_rows::<T, WIDE>());
    with_panel(needed, |buffer| {
        add_transpose_times_in::<T, FUSED, WIDE>(g, u, d, dims, buffer)
    })
}

/// [`add_transpose_times`] with a panel buffer.
#[inline(always)]
fn add_transpose_times_in<T: Scalar, const FUSED: bool, const WIDE: usize>(
    g: &mut [T],
    u: &[T],
    d: &[T],
    dims: Dims,
    buffer: &mut [[T; WIDE]],
) {
    let Dims {
        rows, inner, cols, ..
    } = dims;
    let step = buffer.len().min(panel_rows::<T, WIDE>());
    let blocks = cols / WIDE;
    for c in 0..blocks {
        let mut first = 0;
        while first < rows {
            let panel = &mut buffer[..step.min(rows - first)];
            for (packed, d_k) in panel.iter_mut().zip(d.chunks_exact(cols).skip(first)) {
                *packed = load(&d_k[c * WIDE..]);
            }
            let panel = &*panel;
            for_row_blocks!(inner, |first_g_row, N| {
                outer_panel::<T, FUSED, WIDE, N>(g, u, panel, dims, first_g_row, first, c * WIDE)
            });
            first += panel.len();
        }
    }
    // The last columns, unpacked: blocks of 4 rows x 8 (then 4, 2, 1) columns of `G`.
    let mut j = blocks * WIDE;
    in_column_blocks!(j, cols, |B| {
        let mut first = 0;
        while first + 4 <= inner {
            outer_block::<T, FUSED, 4, B>(g, u, d, dims, first, j);
            first += 4;
        }
        while first < inner {
            outer_block::<T, FUSED, 1, B>(g, u, d, dims, first, j);
            first += 1;
        }
    });
}

/// `g_r[j..j + B] += sum_k u_k[first_g_row + r] d_k[j..j + B]` for `N` rows of `G`, over the
/// whole batch, unpacked: `N x B` sums in registers.
#[inline(always)]
fn outer_block<T: Scalar, const FUSED: bool, const N: usize, const B: usize>(
    g: &mut [T],
    u: &[T],
    d: &[T],
    dims: Dims,
    first_g_row: usize,
    j: usize,
) {
    let Dims { cols, .. } = dims;
    let mut acc: [[T; B]; N] = load_rows(g, first_g_row * cols + j, cols);
    let u_column = dims.u_first + first_g_row;
    for (u_k, d_k) in u.chunks_exact(dims.u_stride).zip(d.chunks_exact(cols)) {
        let scales = load::<T, N>(&u_k[u_column..]);
        let columns = load::<T, B>(&d_k[j..]);
        for (acc_r, &scale) in acc.iter_mut().zip(&scales) {
            for (a, &dj) in acc_r.iter_mut().zip(&columns) {
                *a = madd::<T, FUSED>(*a, scale, dj);
            }
        }
    }
    store_rows(g, first_g_row * cols + j, cols, &acc);
}

/// `g_r[col..col + WIDE] += sum_k u_{first + k}[first_g_row + r] panel[k]` for `N` rows of `G`.
#[inline(always)]
fn outer_panel<T: Scalar, const FUSED: bool, const WIDE: usize, const N: usize>(
    g: &mut [T],
    u: &[T],
    panel: &[[T; WIDE]],
    dims: Dims,
    first_g_row: usize,
    first: usize,
    col: usize,
) {
    let Dims { cols, .. } = dims;
    let mut acc: [[T; WIDE]; N] = load_rows(g, first_g_row * cols + col, cols);
    let u_column = dims.u_first + first_g_row;
    for (u_k, d_k) in u.chunks_exact(dims.u_stride).skip(first).zip(panel) {
        let scales = load::<T, N>(&u_k[u_column..]);
        for (acc_r, &scale) in acc.iter_mut().zip(&scales) {
            for (a, &dj) in acc_r.iter_mut().zip(d_k) {
                *a = madd::<T, FUSED>(*a, scale, dj);
            }
        }
    }
    store_rows(g, first_g_row * cols + col, cols, &acc);
}
