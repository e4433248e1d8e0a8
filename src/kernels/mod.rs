//! Every arithmetic loop of the crate lives here: the floor under everything else.
//!
//! The kernels import nothing of the crate but [`Scalar`](crate::Scalar) and its math shim
//! ([`math`](crate::math)), and nothing outside this folder holds a hot loop. They take
//! fixed-size arrays, so each call is monomorphized for its widths and the compiler sees exact
//! trip counts. They are shaped for auto-vectorization:
//! - with `W` stored `IN x OUT`, an affine map `z = W^T x + W0` is a sweep of `axpy` updates
//!   over the rows of `W`: every lane works on a different output, so no floating-point
//!   reassociation is needed to vectorize it;
//! - reductions (`dot`, `sum`) keep several independent accumulators so they pipeline.
//!
//! Layers call these through [`tensor`](crate::tensor), the public face of this module, or
//! directly; the module itself is hidden from the documentation and may change in any release.
//!
//! The batched matrix products are the exception to "monomorphized for its widths": on x86_64
//! hosts their loops take slices and run-time widths and are compiled once, in this crate, for
//! each scalar type and instruction set (AVX-512F, AVX2 with and without FMA, baseline), so a
//! user crate does not compile five builds of them for every layer shape and batch size.
//!
//! Files: `dispatch` picks a build per CPU; `elementwise`, `reduce` and `normalize` are the
//! vector loops; `blocks` the portable register blocks of the matrix products, `packed` their
//! cache-blocked x86_64 form on slices, `host_products` its builds per CPU, `linear_algebra` the
//! products themselves; `optimizer_step` the per-weight update loops, `runs` element-wise
//! passes shared among threads; `parts` the same field of several values at once; `zeroable`
//! the promise that zero bytes make a valid value; `quantized` the int8 arithmetic
//! of TFLite's reference kernels, and `arm_dsp` the Arm DSP instructions its product uses.

#[macro_use]
mod dispatch;
pub mod arm_dsp;
mod blocks;
mod elementwise;
mod flat;
#[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
mod host_products;
mod linear_algebra;
mod normalize;
mod optimizer_step;
#[cfg(all(target_arch = "x86_64", any(feature = "std", target_feature = "avx2")))]
mod packed;
mod parts;
pub mod quantized;
mod reduce;
mod runs;
#[cfg(feature = "std")]
mod workers;
mod zeroable;

pub use elementwise::{
    add_assign, at_least, axpy, axpy_slice, map, masked_scale, running_average,
    running_average_step, softmax, softmax_backward, update_slice, zip_map, zip3_map,
};
pub use flat::Flat;
pub use linear_algebra::{
    add_transpose_times, affine, affine_rows, fused_multiply_add, mat_mat, mat_vec, outer_acc,
    rows_times_transpose, transpose, vec_mat,
};
pub use normalize::{
    batch_norm_backward, column_mean_sigma, column_mean_sigma_in, column_sums_and_moments,
    standardize_rows,
};
pub use optimizer_step::{step_with_state, step_with_two_states};
pub use parts::parts_of_each;
pub use reduce::{all_finite, argmax, dot, max, scale_all_finite, sum};
pub(crate) use runs::in_runs;
#[cfg(feature = "std")]
pub use workers::{threads, with_threads};
#[cfg(feature = "alloc")]
pub use zeroable::boxed_zeroed;
pub use zeroable::{Zeroable, zeroed};

#[cfg(test)]
mod tests {
    //! Each kernel against a plain, obviously correct loop, on odd widths too.
    use super::linear_algebra::{
        add_transpose_times_portable, affine_rows_portable, rows_times_transpose_portable,
    };
    use super::*;

    fn values<const N: usize>(seed: u64) -> [f64; N] {
        // A small deterministic sequence in [-1, 1) with no structure the kernels could exploit.
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        core::array::from_fn(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn reductions_match_plain_loops() {
        fn check<const N: usize>() {
            let a = values::<N>(N as u64);
            let b = values::<N>(N as u64 + 100);
            let plain_dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!(close(dot(&a, &b), plain_dot), "dot, N = {N}");
            assert!(close(sum(&a), a.iter().sum()), "sum, N = {N}");
            let m = a.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            assert_eq!(max(&a), m);
            assert_eq!(a[argmax(&a)], m);
            assert!(all_finite(&a));
            let mut halved = a;
            assert!(scale_all_finite(&mut halved, 0.5));
            assert_eq!(halved, a.map(|v| v * 0.5));
            let mut overflowing = [f64::MAX; N];
            assert!(!scale_all_finite(&mut overflowing, 4.0));
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                for at in 0..N {
                    let mut with_bad = a;
                    with_bad[at] = bad;
                    assert!(!all_finite(&with_bad), "{bad} at {at} of {N}");
                    let expected = with_bad.map(|v| v * 0.25);
                    assert!(
                        !scale_all_finite(&mut with_bad, 0.25),
                        "{bad} at {at} of {N}"
                    );
                    assert_eq!(with_bad[..at], expected[..at]);
                }
            }
        }
        check::<1>();
        check::<3>();
        check::<4>();
        check::<7>();
        check::<33>();
        check::<50>();
    }

    #[test]
    fn matrix_kernels_match_plain_loops() {
        const R: usize = 5;
        const C: usize = 7;
        let flat = values::<{ R * C }>(1);
        let w: [[f64; C]; R] = core::array::from_fn(|r| core::array::from_fn(|c| flat[r * C + c]));
        let x = values::<R>(2);
        let d = values::<C>(3);
        let b = values::<C>(4);
        let z = affine(&w, &b, &x);
        let xw = vec_mat(&x, &w);
        for j in 0..C {
            let plain: f64 = (0..R).map(|i| w[i][j] * x[i]).sum();
            assert!(close(z[j], plain + b[j]));
            assert!(close(xw[j], plain));
        }
        let wd = mat_vec(&w, &d);
        for i in 0..R {
            assert!(close(wd[i], (0..C).map(|j| w[i][j] * d[j]).sum()));
        }
        let mut g = [[0.5; C]; R];
        outer_acc(&mut g, &x, &d);
        for i in 0..R {
            for j in 0..C {
                assert!(close(g[i][j], 0.5 + x[i] * d[j]));
            }
        }
        let t = transpose(&w);
        let wwt = mat_mat(&w, &t);
        for i in 0..R {
            for k in 0..R {
                assert!(close(wwt[i][k], (0..C).map(|j| w[i][j] * w[k][j]).sum()));
            }
        }
    }

    /// A `R x C` matrix of deterministic values.
    fn matrix<const R: usize, const C: usize>(seed: u64) -> [[f64; C]; R] {
        core::array::from_fn(|r| values::<C>(seed * 1000 + r as u64))
    }

    /// `acc + x * w` rounded once (`fused`) or twice.
    fn plain_madd(fused: bool, acc: f64, x: f64, w: f64) -> f64 {
        if fused {
            x.mul_add(w, acc)
        } else {
            acc + x * w
        }
    }

    /// Plain loops for the three batched products, adding the terms in the kernels' order.
    struct Plain<const K: usize, const IN: usize, const OUT: usize> {
        /// `b + W^T x_k`.
        affine: [[f64; OUT]; K],
        /// `W d_k`.
        back: [[f64; IN]; K],
        /// `G + X^T D`.
        grad: [[f64; OUT]; IN],
    }

    impl<const K: usize, const IN: usize, const OUT: usize> Plain<K, IN, OUT> {
        fn new(
            fused: bool,
            (x, w, b): (&[[f64; IN]; K], &[[f64; OUT]; IN], &[f64; OUT]),
            d: &[[f64; OUT]; K],
            g: &[[f64; OUT]; IN],
        ) -> Self {
            let m = |acc, x, w| plain_madd(fused, acc, x, w);
            Self {
                affine: core::array::from_fn(|k| {
                    core::array::from_fn(|j| (0..IN).fold(b[j], |acc, i| m(acc, x[k][i], w[i][j])))
                }),
                back: core::array::from_fn(|k| {
                    core::array::from_fn(|i| (0..OUT).fold(0.0, |acc, j| m(acc, d[k][j], w[i][j])))
                }),
                grad: core::array::from_fn(|i| {
                    core::array::from_fn(|j| {
                        (0..K).fold(g[i][j], |acc, k| m(acc, x[k][i], d[k][j]))
                    })
                }),
            }
        }
    }

    /// The blocked kernels against plain loops that add the terms in the same order, so the
    /// results must be equal to the bit, with and without fused multiply-adds; shapes straddle
    /// the 8-, 16- and 64-output blocks, the 4- and 6-row blocks and the 256-input panels.
    #[test]
    fn blocked_kernels_equal_plain_loops_bit_for_bit() {
        fn check<const K: usize, const IN: usize, const OUT: usize>() {
            let w = matrix::<IN, OUT>(1);
            let b = values::<OUT>(2);
            let x = matrix::<K, IN>(3);
            let d = matrix::<K, OUT>(4);
            let start = matrix::<IN, OUT>(5);
            let shape = std::format!("K {K} IN {IN} OUT {OUT}");
            let unfused = Plain::new(false, (&x, &w, &b), &d, &start);

            // The portable kernels (and the single-sample ones), never fused.
            assert_eq!(
                affine_rows_portable::<f64, 8, K, IN, OUT>(&x, &w, &b),
                unfused.affine
            );
            assert_eq!(
                affine_rows_portable::<f64, 16, K, IN, OUT>(&x, &w, &b),
                unfused.affine
            );
            assert_eq!(
                rows_times_transpose_portable(&d, &w),
                unfused.back,
                "{shape}"
            );
            for k in 0..K {
                assert_eq!(affine(&w, &b, &x[k]), unfused.affine[k], "{shape}");
                assert_eq!(mat_vec(&w, &d[k]), unfused.back[k], "{shape}");
            }
            let mut g = start;
            add_transpose_times_portable::<f64, 8, K, IN, OUT>(&mut g, &x, &d);
            assert_eq!(g, unfused.grad, "{shape}");
            let mut g = start;
            add_transpose_times_portable::<f64, 16, K, IN, OUT>(&mut g, &x, &d);
            assert_eq!(g, unfused.grad, "{shape}");

            // Every build of the host kernels this CPU runs, fused or not.
            #[cfg(all(target_arch = "x86_64", feature = "std"))]
            {
                use super::host_products::{Build, Product, run};
                use super::packed::Dims;
                let fused = Plain::new(true, (&x, &w, &b), &d, &start);
                for build in Build::all_on_this_cpu() {
                    let plain = if build.fused() { &fused } else { &unfused };
                    let mut affine = [b; K];
                    let dims = Dims::new(K, IN, OUT);
                    run(
                        Product::AffineRows,
                        build,
                        affine.as_flattened_mut(),
                        x.as_flattened(),
                        w.as_flattened(),
                        dims,
                    );
                    assert_eq!(affine, plain.affine, "{shape}, {build:?}");
                    let mut back = [[0.0; IN]; K];
                    let dims = Dims::new(K, OUT, IN);
                    run(
                        Product::RowsTimesTranspose,
                        build,
                        back.as_flattened_mut(),
                        d.as_flattened(),
                        w.as_flattened(),
                        dims,
                    );
                    assert_eq!(back, plain.back, "{shape}, {build:?}");
                    let mut g = start;
                    let dims = Dims::new(K, IN, OUT);
                    run(
                        Product::AddTransposeTimes,
                        build,
                        g.as_flattened_mut(),
                        x.as_flattened(),
                        d.as_flattened(),
                        dims,
                    );
                    assert_eq!(g, plain.grad, "{shape}, {build:?}");
                }
            }

            // The dispatched kernels, as this CPU runs them.
            let expected = if fused_multiply_add() {
                Plain::new(true, (&x, &w, &b), &d, &start)
            } else {
                unfused
            };
            assert_eq!(affine_rows(&x, &w, &b), expected.affine, "{shape}");
            assert_eq!(rows_times_transpose(&d, &w), expected.back, "{shape}");
            let mut g = start;
            add_transpose_times(&mut g, &x, &d);
            assert_eq!(g, expected.grad, "{shape}");
        }
        check::<1, 5, 7>();
        check::<3, 5, 8>();
        check::<4, 6, 13>();
        check::<9, 3, 19>();
        check::<8, 11, 16>();
        check::<2, 5, 29>();
        // The packed kernels' blocks: 6, 4, 2 and 1 rows, panels of 256 inputs, 16 columns.
        check::<13, 300, 40>();
        check::<7, 513, 33>();
        check::<12, 17, 64>();
        // One sample at a time, in blocks of 64 and 32 outputs.
        check::<1, 9, 100>();
        check::<2, 7, 120>();
        check::<3, 20, 64>();
        // D W^T with W^T's panels: 16-row blocks of W, and more than 256 columns.
        check::<8, 37, 20>();
        check::<6, 16, 300>();
        // f64's AVX-512 blocks: 16 and 64 outputs, panels of 128 inputs and of 128 samples.
        check::<130, 20, 40>();
        check::<5, 129, 17>();
        check::<1, 3, 81>();
    }

    /// Every build of the host products on `f32` (the type nets use), against plain loops, on
    /// random shapes: odd widths, every row-block remainder, panels cut short.
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    #[test]
    fn host_products_on_f32_equal_plain_loops_on_random_shapes() {
        use std::vec::Vec;
        let mut next = sequence();
        let mut shapes: Vec<(usize, usize, usize)> = (0..60)
            .map(|_| (1 + next(40), 1 + next(90), 1 + next(140)))
            .collect();
        shapes.extend([(64, 300, 40), (7, 700, 33), (200, 9, 70), (3, 5, 200)]);
        host_products_equal_plain_loops(&shapes);
    }

    /// The same on a few small shapes, for Miri (which runs the portable build: it reports no
    /// AVX to the program).
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    #[test]
    fn host_products_on_small_shapes() {
        host_products_equal_plain_loops(&[(1, 3, 5), (6, 2, 9), (9, 17, 3)]);
    }

    /// Inside `with_threads`, every product split among 2, 3 and 4 threads gives the bits it
    /// gives on one, on shapes whose runs of rows split unevenly.
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    #[test]
    fn products_split_among_threads_give_the_same_bits() {
        let shapes: &[(usize, usize, usize)] = if cfg!(miri) {
            &[(5, 7, 9), (3, 11, 2), (4, 3, 70), (2, 3, 64)]
        } else {
            // Split by columns (a whole, a part and a remainder, unpacked rows), by rows.
            &[
                (64, 784, 128),
                (37, 513, 70),
                (5, 700, 300),
                (3, 1500, 100),
                (130, 64, 33),
            ]
        };
        split_products_equal_whole(shapes);
    }

    /// Each product of `shapes`, on one thread and inside `with_threads` with 2 to 4 threads.
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    fn split_products_equal_whole(shapes: &[(usize, usize, usize)]) {
        use super::host_products::{Build, Product, run};
        use super::packed::Dims;
        use std::vec::Vec;
        let mut next = sequence();
        for &(rows, inner, cols) in shapes {
            let [x, w, _, d, g0] = product_operands(&mut next, (rows, inner, cols));
            let build = Build::host();
            let all = |threads: usize| {
                with_threads(threads, || {
                    let mut z = std::vec![0.5f32; rows * cols];
                    run(
                        Product::AffineRows,
                        build,
                        &mut z,
                        &x,
                        &w,
                        Dims::new(rows, inner, cols),
                    );
                    let mut back = std::vec![0.0f32; rows * inner];
                    let dims = Dims::new(rows, cols, inner);
                    run(Product::RowsTimesTranspose, build, &mut back, &d, &w, dims);
                    let mut g = g0.clone();
                    let dims = Dims::new(rows, inner, cols);
                    run(Product::AddTransposeTimes, build, &mut g, &x, &d, dims);
                    [z, back, g].map(|v| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>())
                })
            };
            let alone = all(1);
            for threads in 2..=4 {
                assert!(
                    all(threads) == alone,
                    "{rows} x {inner} x {cols} on {threads} threads"
                );
            }
        }
    }

    /// A generator of numbers below a bound, for shapes and values.
    fn sequence() -> impl FnMut(usize) -> usize {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        move |below: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % below
        }
    }

    /// The operands of the three host products of shape `rows x inner x cols`, drawn from
    /// `next`: `X`, `W`, a bias row, `D` and a starting `G`.
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    fn product_operands(
        next: &mut impl FnMut(usize) -> usize,
        (rows, inner, cols): (usize, usize, usize),
    ) -> [std::vec::Vec<f32>; 5] {
        [rows * inner, inner * cols, cols, rows * cols, inner * cols]
            .map(|n| (0..n).map(|_| next(2001) as f32 / 1000.0 - 1.0).collect())
    }

    /// Every build of the host products this CPU runs, on `f32`, against plain loops that add
    /// the terms in the same order (fused where the build fuses), to the bit.
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    fn host_products_equal_plain_loops(shapes: &[(usize, usize, usize)]) {
        use super::host_products::{Build, Product, run};
        use super::packed::Dims;
        use std::vec::Vec;
        let mut next = sequence();
        for &(rows, inner, cols) in shapes {
            let [x, w, b, d, g0] = product_operands(&mut next, (rows, inner, cols));
            for build in Build::all_on_this_cpu() {
                let m = |acc: f32, a: f32, b: f32| -> f32 {
                    if build.fused() {
                        a.mul_add(b, acc)
                    } else {
                        acc + a * b
                    }
                };
                let shape = std::format!("{rows} x {inner} x {cols}, {build:?}");
                let mut z: Vec<f32> = (0..rows).flat_map(|_| b.iter().copied()).collect();
                let dims = Dims::new(rows, inner, cols);
                run(Product::AffineRows, build, &mut z, &x, &w, dims);
                for k in 0..rows {
                    for j in 0..cols {
                        let plain = (0..inner)
                            .fold(b[j], |acc, i| m(acc, x[k * inner + i], w[i * cols + j]));
                        assert_eq!(z[k * cols + j].to_bits(), plain.to_bits(), "affine {shape}");
                    }
                }
                let mut back = std::vec![0.0f32; rows * inner];
                let dims = Dims::new(rows, cols, inner);
                run(Product::RowsTimesTranspose, build, &mut back, &d, &w, dims);
                for k in 0..rows {
                    for i in 0..inner {
                        let plain =
                            (0..cols).fold(0.0, |acc, j| m(acc, d[k * cols + j], w[i * cols + j]));
                        assert_eq!(
                            back[k * inner + i].to_bits(),
                            plain.to_bits(),
                            "back {shape}"
                        );
                    }
                }
                let mut g = g0.clone();
                let dims = Dims::new(rows, inner, cols);
                run(Product::AddTransposeTimes, build, &mut g, &x, &d, dims);
                for i in 0..inner {
                    for j in 0..cols {
                        let plain = (0..rows).fold(g0[i * cols + j], |acc, k| {
                            m(acc, x[k * inner + i], d[k * cols + j])
                        });
                        assert_eq!(g[i * cols + j].to_bits(), plain.to_bits(), "grad {shape}");
                    }
                }
            }
        }
    }

    /// Fused multiply-adds are used exactly where the documentation says.
    #[test]
    fn fused_multiply_adds_only_without_libm_on_x86_64_with_fma() {
        #[cfg(all(feature = "std", target_arch = "x86_64"))]
        let expected = !cfg!(feature = "libm")
            && std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("fma");
        #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
        let expected = false;
        assert_eq!(fused_multiply_add(), expected);
    }

    #[test]
    fn softmax_is_a_distribution_and_its_backward_is_the_jacobian() {
        let z = values::<6>(9).map(|v| v * 5.0);
        let a = softmax(&z);
        assert!(close(a.iter().sum(), 1.0));
        let d = values::<6>(10);
        let back = softmax_backward(&a, &d);
        for i in 0..6 {
            // (da/dz)^T d with da_j/dz_i = a_j (delta_ij - a_i)
            let plain: f64 = (0..6)
                .map(|j| d[j] * a[j] * (f64::from(u8::from(i == j)) - a[i]))
                .sum();
            assert!(close(back[i], plain));
        }
    }
}
