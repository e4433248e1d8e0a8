//! Every arithmetic loop of the crate lives here (DESIGN point 5).
//!
//! The kernels take fixed-size arrays, so each call is monomorphized for its widths and the
//! compiler sees exact trip counts. They are shaped for auto-vectorization:
//! - with `W` stored `IN x OUT`, an affine map `z = W^T x + W0` is a sweep of `axpy` updates
//!   over the rows of `W`: every lane works on a different output, so no floating-point
//!   reassociation is needed to vectorize it;
//! - reductions (`dot`, `sum`) keep several independent accumulators so they pipeline.
//!
//! Layers and the [`tensor`](crate::tensor) module call these; nothing else loops over numbers.

mod elementwise;
mod linear_algebra;
mod normalize;
#[cfg(all(
    target_arch = "x86_64",
    any(test, feature = "std", target_feature = "avx2")
))]
mod packed;
mod reduce;

pub use elementwise::*;
pub use linear_algebra::*;
pub use normalize::*;
pub use reduce::*;

#[cfg(test)]
mod tests {
    //! Each kernel against a plain, obviously correct loop, on odd widths too.
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
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                for at in 0..N {
                    let mut with_bad = a;
                    with_bad[at] = bad;
                    assert!(!all_finite(&with_bad), "{bad} at {at} of {N}");
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

    /// The blocked kernels against plain loops that add the terms in the same order, so the
    /// results must be equal to the bit; shapes straddle the 8-, 16- and 64-output blocks, the 4- and
    /// 6-row blocks and the 256-input panels.
    #[test]
    fn blocked_kernels_equal_plain_loops_bit_for_bit() {
        fn check<const K: usize, const IN: usize, const OUT: usize>() {
            let w = matrix::<IN, OUT>(1);
            let b = values::<OUT>(2);
            let x = matrix::<K, IN>(3);
            let d = matrix::<K, OUT>(4);
            let z = affine_rows(&x, &w, &b);
            // The dispatched path (AVX2 where the CPU has it) and the portable one agree.
            assert_eq!(z, affine_rows_portable::<f64, 8, K, IN, OUT>(&x, &w, &b));
            assert_eq!(z, affine_rows_portable::<f64, 16, K, IN, OUT>(&x, &w, &b));
            #[cfg(target_arch = "x86_64")]
            assert_eq!(z, packed::affine_rows_packed(&x, &w, &b));
            for k in 0..K {
                assert_eq!(z[k], affine(&w, &b, &x[k]), "K {K} IN {IN} OUT {OUT}");
                for j in 0..OUT {
                    let plain = (0..IN).fold(b[j], |acc, i| acc + x[k][i] * w[i][j]);
                    assert_eq!(z[k][j], plain);
                }
            }
            let back = rows_times_transpose(&d, &w);
            assert_eq!(back, rows_times_transpose_portable(&d, &w));
            #[cfg(target_arch = "x86_64")]
            assert_eq!(back, packed::rows_times_transpose_packed(&d, &w));
            for k in 0..K {
                assert_eq!(back[k], mat_vec(&w, &d[k]));
                for i in 0..IN {
                    let plain = (0..OUT).fold(0.0, |acc, j| acc + d[k][j] * w[i][j]);
                    assert_eq!(back[k][i], plain, "K {K} IN {IN} OUT {OUT}");
                }
            }
            let mut g = matrix::<IN, OUT>(5);
            let start = g;
            add_transpose_times(&mut g, &x, &d);
            let mut g_portable = start;
            add_transpose_times_portable::<f64, 8, K, IN, OUT>(&mut g_portable, &x, &d);
            assert_eq!(g, g_portable);
            let mut g_wide = start;
            add_transpose_times_portable::<f64, 16, K, IN, OUT>(&mut g_wide, &x, &d);
            assert_eq!(g, g_wide);
            #[cfg(target_arch = "x86_64")]
            {
                let mut g_packed = start;
                packed::add_transpose_times_packed(&mut g_packed, &x, &d);
                assert_eq!(g, g_packed);
            }
            for i in 0..IN {
                for j in 0..OUT {
                    let plain = (0..K).fold(start[i][j], |acc, k| acc + x[k][i] * d[k][j]);
                    assert_eq!(g[i][j], plain, "K {K} IN {IN} OUT {OUT}");
                }
            }
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
        // One sample at a time, in blocks of 64 outputs.
        check::<1, 9, 100>();
        check::<3, 20, 64>();
        // D W^T with W^T's panels: 16-row blocks of W, and more than 256 columns.
        check::<8, 37, 20>();
        check::<6, 16, 300>();
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
