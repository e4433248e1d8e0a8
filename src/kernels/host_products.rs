//! The batched products of x86_64 hosts, compiled once per scalar type and instruction set.
//!
//! [`affine_rows`](super::affine_rows), [`rows_times_transpose`](super::rows_times_transpose)
//! and [`add_transpose_times`](super::add_transpose_times) are generic in the layer's widths,
//! but on x86_64 hosts they only flatten their arrays and call the non-generic functions here
//! (`affine_rows_f32`, ...), which this crate compiles, with every build of the
//! [`packed`](super::packed) loops, once. A user crate compiles one small call per shape instead
//! of five builds of the loops per shape.
//!
//! The builds, chosen by [`Build::host`] (one check of the CPU, cached by `std`):
//! - AVX-512F, 32 outputs per register block for f32 (two 16-lane registers) and 16 for f64,
//!   for products of 64 columns or more (narrower ones run the AVX2+FMA or AVX2 build);
//! - AVX2 with FMA, and AVX2 alone, 16 outputs per block for f32 and 8 for f64;
//! - portable (SSE2), the same loops for the baseline CPU.
//!
//! Fused multiply-adds are used on AVX-512F and FMA CPUs unless the `libm` feature asks for the
//! bits every target computes. Every build adds each output's terms in the same order, so all of
//! them give the same bits as the portable kernels, or, fused, the same bits as each other.

use super::packed::{self, Dims};
use crate::Scalar;
use crate::scalar::Concrete;

/// One build of the batched products.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Build {
    /// AVX-512F; fused multiply-adds unless `libm` is on.
    Avx512 {
        /// Whether each term is added with one rounding.
        fused: bool,
    },
    /// AVX2 and FMA, fused (never with `libm`).
    Fma,
    /// AVX2, every product and sum rounded.
    Avx2,
    /// The baseline x86_64 instruction set.
    Portable,
}

impl Build {
    /// The build this CPU runs: AVX-512F when the program is built for it or (with `std`) the
    /// CPU has it; otherwise the AVX2 rule every dispatched kernel follows
    /// ([`dispatch::host`](super::dispatch::host), or the build the program was compiled for).
    #[allow(unreachable_code)] // which `return` is compiled depends on the target's features
    pub(crate) fn host() -> Self {
        let fused = !cfg!(feature = "libm");
        #[cfg(target_feature = "avx512f")]
        return Build::Avx512 { fused };
        #[cfg(all(feature = "std", not(target_feature = "avx512f")))]
        if std::is_x86_feature_detected!("avx512f") {
            return Build::Avx512 { fused };
        }
        #[cfg(all(feature = "std", not(target_feature = "avx2")))]
        return match super::dispatch::host() {
            super::dispatch::Host::Fma => Build::Fma,
            super::dispatch::Host::Avx2 => Build::Avx2,
            super::dispatch::Host::Portable => Build::Portable,
        };
        #[cfg(all(target_feature = "avx2", target_feature = "fma"))]
        return if fused { Build::Fma } else { Build::Avx2 };
        #[cfg(all(target_feature = "avx2", not(target_feature = "fma")))]
        return Build::Avx2;
        Build::Portable
    }

    /// Whether this build adds each term with one rounding.
    pub(crate) fn fused(self) -> bool {
        matches!(self, Build::Avx512 { fused: true } | Build::Fma)
    }

    /// Every build this CPU can run, for the tests.
    #[cfg(all(test, feature = "std"))]
    pub(crate) fn all_on_this_cpu() -> std::vec::Vec<Self> {
        let mut builds = std::vec![Build::Portable];
        if std::is_x86_feature_detected!("avx2") {
            builds.push(Build::Avx2);
            if std::is_x86_feature_detected!("fma") {
                builds.push(Build::Fma);
            }
        }
        if std::is_x86_feature_detected!("avx512f") {
            builds.push(Build::Avx512 { fused: false });
            builds.push(Build::Avx512 { fused: true });
        }
        builds
    }
}

/// Defines, for one kernel of [`packed`], its builds for AVX-512F, AVX2 with FMA and AVX2, and
/// the non-generic entry points for `f32` and `f64` that run the build chosen.
macro_rules! host_kernel {
    (
        $kernel:ident, $avx512:ident, $fma:ident, $avx2:ident, $run:ident,
        f32: $f32:ident, f64: $f64:ident
    ) => {
        /// The kernel compiled for AVX-512F.
        #[target_feature(enable = "avx512f")]
        fn $avx512<T: Scalar, const FUSED: bool, const WIDE: usize>(
            out: &mut [T],
            a: &[T],
            b: &[T],
            dims: Dims,
        ) {
            packed::$kernel::<T, FUSED, WIDE>(out, a, b, dims)
        }

        /// The kernel compiled for AVX2 and FMA, fused.
        #[target_feature(enable = "avx2,fma")]
        fn $fma<T: Scalar, const WIDE: usize>(out: &mut [T], a: &[T], b: &[T], dims: Dims) {
            packed::$kernel::<T, true, WIDE>(out, a, b, dims)
        }

        /// The kernel compiled for AVX2.
        #[target_feature(enable = "avx2")]
        fn $avx2<T: Scalar, const WIDE: usize>(out: &mut [T], a: &[T], b: &[T], dims: Dims) {
            packed::$kernel::<T, false, WIDE>(out, a, b, dims)
        }

        /// Runs `build` of the kernel, with `NARROW` outputs per register block on AVX2 and
        /// the baseline and `WIDE` on AVX-512F.
        #[inline(always)]
        fn $run<T: Scalar, const NARROW: usize, const WIDE: usize>(
            build: Build,
            out: &mut [T],
            a: &[T],
            b: &[T],
            dims: Dims,
        ) {
            // AVX-512 only where its blocks of 32 (f32) outputs fill: on Zen 4, which runs each
            // 512-bit operation as two 256-bit halves, narrower products were slower than in the
            // AVX2 build (64-32-10 training on digits: 508 us an epoch against 496 us). The
            // two fused builds give the same bits, as do the two unfused ones.
            let build = match build {
                Build::Avx512 { fused } if dims.cols < 64 => {
                    if fused {
                        Build::Fma
                    } else {
                        Build::Avx2
                    }
                }
                other => other,
            };
            // SAFETY (every arm): each build runs only when `build` names it, and a `Build`
            // other than `Portable` comes from `Build::host` (or the tests' `all_on_this_cpu`),
            // which return it only when the CPU has the instructions the build is compiled for.
            #[allow(unsafe_code)]
            match build {
                Build::Avx512 { fused: true } => unsafe {
                    $avx512::<T, true, WIDE>(out, a, b, dims)
                },
                Build::Avx512 { fused: false } => unsafe {
                    $avx512::<T, false, WIDE>(out, a, b, dims)
                },
                Build::Fma => unsafe { $fma::<T, NARROW>(out, a, b, dims) },
                Build::Avx2 => unsafe { $avx2::<T, NARROW>(out, a, b, dims) },
                Build::Portable => packed::$kernel::<T, false, NARROW>(out, a, b, dims),
            }
        }

        /// The kernel on `f32`, in the build `build`: compiled here, once.
        #[inline(never)]
        pub(crate) fn $f32(build: Build, out: &mut [f32], a: &[f32], b: &[f32], dims: Dims) {
            $run::<f32, 16, 32>(build, out, a, b, dims)
        }

        /// The kernel on `f64`, in the build `build`: compiled here, once.
        #[inline(never)]
        pub(crate) fn $f64(build: Build, out: &mut [f64], a: &[f64], b: &[f64], dims: Dims) {
            $run::<f64, 8, 16>(build, out, a, b, dims)
        }
    };
}

host_kernel!(
    affine_rows, affine_rows_avx512, affine_rows_fma, affine_rows_avx2, affine_rows_in,
    f32: affine_rows_f32, f64: affine_rows_f64
);
host_kernel!(
    rows_times_transpose, rows_times_transpose_avx512, rows_times_transpose_fma,
    rows_times_transpose_avx2, rows_times_transpose_in,
    f32: rows_times_transpose_f32, f64: rows_times_transpose_f64
);
host_kernel!(
    add_transpose_times, add_transpose_times_avx512, add_transpose_times_fma,
    add_transpose_times_avx2, add_transpose_times_in,
    f32: add_transpose_times_f32, f64: add_transpose_times_f64
);

/// The three batched products, in a given build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Product {
    /// `Z += X W`: `out` is `Z`, `a` is `X`, `b` is `W`.
    AffineRows,
    /// `Z += D W^T`: `out` is `Z`, `a` is `D`, `b` is `W` (`cols x inner`).
    RowsTimesTranspose,
    /// `G += U^T D`: `out` is `G` (`inner x cols`), `a` is `U`, `b` is `D`.
    AddTransposeTimes,
}

/// Runs `product` in `build` on slices of any [`Scalar`]: one call into the non-generic
/// function for its concrete type, or, inside [`with_threads`](super::with_threads), one per
/// thread on a run of the output's rows or columns when the product is large enough.
#[inline(always)]
pub(crate) fn run<T: Scalar>(
    product: Product,
    build: Build,
    out: &mut [T],
    a: &[T],
    b: &[T],
    dims: Dims,
) {
    match T::concrete(out, [a, b]) {
        Concrete::F32(out, [a, b]) => run_f32(product, build, out, a, b, dims),
        Concrete::F64(out, [a, b]) => run_f64(product, build, out, a, b, dims),
    }
}

/// [`run`] on `f32`: compiled here, once, with the split among threads, which a user crate
/// would otherwise compile again for every layer shape (`benches/compile/`).
#[inline(never)]
fn run_f32(product: Product, build: Build, out: &mut [f32], a: &[f32], b: &[f32], dims: Dims) {
    run_here(product, build, out, a, b, dims)
}

/// [`run`] on `f64`: compiled here, once.
#[inline(never)]
fn run_f64(product: Product, build: Build, out: &mut [f64], a: &[f64], b: &[f64], dims: Dims) {
    run_here(product, build, out, a, b, dims)
}

/// The body of [`run_f32`] and [`run_f64`].
#[inline(always)]
fn run_here<T: Scalar>(
    product: Product,
    build: Build,
    out: &mut [T],
    a: &[T],
    b: &[T],
    dims: Dims,
) {
    #[cfg(feature = "std")]
    {
        let parts = parts(product, dims);
        if parts > 1 {
            return run_in_parts(product, build, out, a, b, dims, parts);
        }
    }
    run_alone(product, build, out, a, b, dims)
}

/// Multiply-adds a part must keep, or the product runs on fewer threads: handing a part to a
/// helper and taking its result back cost 3-4 us on the Zen 3 measured, so two parts of this
/// size gained only 1.3x (a 64 x 128 x 64 product: 13.4-13.7 us alone, 10.1-10.8 us in two;
/// `benches/README.md`).
/// (Under Miri, a few: its tests of the split run on small products.)
#[cfg(feature = "std")]
const WORK_PER_PART: usize = if cfg!(miri) { 16 } else { 1 << 18 };

/// Into how many parts this thread splits `product`: one per thread it may use, as long as
/// each part keeps [`WORK_PER_PART`] multiply-adds and at least one unit of its split.
#[cfg(feature = "std")]
fn parts(product: Product, dims: Dims) -> usize {
    let threads = super::workers::threads();
    if threads == 1 {
        return 1;
    }
    let work = dims.rows * dims.inner * dims.cols;
    threads
        .min(work / WORK_PER_PART)
        .min(split(product, dims).units)
        .max(1)
}

/// Columns of `Z` in a unit of the split of `Z += X W` by columns: a multiple of every build's
/// block width, so that each part's columns fill whole blocks.
#[cfg(feature = "std")]
const SPLIT_COLUMNS: usize = 32;

/// How a product is split among threads: into runs of `units` of the output's rows or columns,
/// each summed by one thread in the same order as on one, so that the split changes no bit.
#[cfg(feature = "std")]
#[derive(Clone, Copy)]
struct Split {
    /// Whether the runs are of columns of `Z` (in `Z += X W`), not of rows of the output.
    columns: bool,
    /// How many units the output has to share out.
    units: usize,
}

/// How `product` is split: `Z += X W` by columns of `Z` (each thread then packs only its own
/// columns of `W`, which a split by rows would make every thread pack whole), if it has two
/// units of them, else by the batch's rows; `Z += D W^T` by the batch's rows, `G += U^T D` by
/// `G`'s rows (the layer's inputs).
#[cfg(feature = "std")]
fn split(product: Product, dims: Dims) -> Split {
    let (columns, units) = match product {
        Product::AffineRows if dims.cols >= 2 * SPLIT_COLUMNS => (true, dims.cols / SPLIT_COLUMNS),
        Product::AffineRows | Product::RowsTimesTranspose => (false, dims.rows),
        Product::AddTransposeTimes => (false, dims.inner),
    };
    Split { columns, units }
}

/// [`run`] on `parts` threads, each on a run of the output's rows, or of its columns for the
/// products [`split`] so ([`run_in_column_parts`]).
#[cfg(feature = "std")]
fn run_in_parts<T: Scalar>(
    product: Product,
    build: Build,
    out: &mut [T],
    a: &[T],
    b: &[T],
    dims: Dims,
    parts: usize,
) {
    use std::sync::Mutex;
    use std::vec::Vec;
    let split = split(product, dims);
    if split.columns {
        return run_in_column_parts(build, out, a, b, dims, split.units, parts);
    }
    let rows = split.units;
    let first_row = |part: usize| part * rows / parts;
    // Each part's run of output rows, taken by the one thread that computes it.
    let mut rest = &mut *out;
    let runs: Vec<Mutex<&mut [T]>> = (0..parts)
        .map(|part| {
            let length = (first_row(part + 1) - first_row(part)) * dims.cols;
            let (run, after) = core::mem::take(&mut rest).split_at_mut(length);
            rest = after;
            Mutex::new(run)
        })
        .collect();
    super::workers::run_parts(parts, &|part| {
        let (start, end) = (first_row(part), first_row(part + 1));
        let mut run = runs[part]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match product {
            Product::AffineRows | Product::RowsTimesTranspose => {
                let a = &a[start * dims.inner..end * dims.inner];
                let dims = Dims::new(end - start, dims.inner, dims.cols);
                run_alone(product, build, &mut run, a, b, dims);
            }
            Product::AddTransposeTimes => {
                let dims = Dims {
                    inner: end - start,
                    u_first: start,
                    ..dims
                };
                run_alone(product, build, &mut run, a, b, dims);
            }
        }
    });
}

/// `Z += X W` ([`Product::AffineRows`]) on `parts` threads, each on a run of `Z`'s columns
/// (whole units of [`SPLIT_COLUMNS`], the last with any columns left over). The runs of `Z`
/// are not contiguous, so each part works on a copy of its own, copied back at the end: 2
/// copies of `Z`, against its `inner` multiply-adds per value.
#[cfg(feature = "std")]
fn run_in_column_parts<T: Scalar>(
    build: Build,
    z: &mut [T],
    x: &[T],
    w: &[T],
    dims: Dims,
    units: usize,
    parts: usize,
) {
    use std::sync::Mutex;
    use std::vec::Vec;
    let first_col = |part: usize| {
        if part == parts {
            dims.cols
        } else {
            part * units / parts * SPLIT_COLUMNS
        }
    };
    let columns = |part: usize| first_col(part)..first_col(part + 1);
    let runs: Vec<Mutex<Vec<T>>> = (0..parts)
        .map(|part| {
            let mut run = Vec::with_capacity(dims.rows * columns(part).len());
            for z_row in z.chunks_exact(dims.cols) {
                run.extend_from_slice(&z_row[columns(part)]);
            }
            Mutex::new(run)
        })
        .collect();
    super::workers::run_parts(parts, &|part| {
        let mut run = runs[part]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let columns = columns(part);
        let dims = Dims {
            cols: columns.len(),
            w_stride: dims.cols,
            w_first: columns.start,
            ..dims
        };
        run_alone(Product::AffineRows, build, &mut run, x, w, dims);
    });
    for (part, run) in runs.into_iter().enumerate() {
        let run = run
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let columns = columns(part);
        for (z_row, run_row) in z
            .chunks_exact_mut(dims.cols)
            .zip(run.chunks_exact(columns.len()))
        {
            z_row[columns.clone()].copy_from_slice(run_row);
        }
    }
}

/// [`run`] on this thread alone.
#[inline(always)]
fn run_alone<T: Scalar>(
    product: Product,
    build: Build,
    out: &mut [T],
    a: &[T],
    b: &[T],
    dims: Dims,
) {
    match (T::concrete(out, [a, b]), product) {
        (Concrete::F32(out, [a, b]), Product::AffineRows) => {
            affine_rows_f32(build, out, a, b, dims)
        }
        (Concrete::F64(out, [a, b]), Product::AffineRows) => {
            affine_rows_f64(build, out, a, b, dims)
        }
        (Concrete::F32(out, [a, b]), Product::RowsTimesTranspose) => {
            rows_times_transpose_f32(build, out, a, b, dims)
        }
        (Concrete::F64(out, [a, b]), Product::RowsTimesTranspose) => {
            rows_times_transpose_f64(build, out, a, b, dims)
        }
        (Concrete::F32(out, [a, b]), Product::AddTransposeTimes) => {
            add_transpose_times_f32(build, out, a, b, dims)
        }
        (Concrete::F64(out, [a, b]), Product::AddTransposeTimes) => {
            add_transpose_times_f64(build, out, a, b, dims)
        }
    }
}
