//! Shape-checked linear algebra on plain arrays: the chapter's matrix notation (sections 2 and 4)
//! as functions whose signatures carry the shapes.
//!
//! Vectors are `[T; N]`, matrices `[[T; C]; R]` (row-major, `R x C`), and a batch of `K`
//! samples of width `N` is a `K x N` matrix `[[T; N]; K]`, one sample per row. Every operation
//! names its shapes in its signature, so a product of mismatched shapes does not compile. The
//! layers are written with these, and a custom layer can be too. The loops are in
//! [`kernels`].
//!
//! ```
//! use constnet::tensor;
//! let a = [[1.0_f32, 2.0], [3.0, 4.0], [5.0, 6.0]]; // 3 x 2
//! let b = [[1.0_f32, 0.0, 1.0], [0.0, 1.0, 1.0]];    // 2 x 3
//! let c = tensor::matmul(&a, &b);                     // 3 x 3
//! assert_eq!(c[2], [5.0, 6.0, 11.0]);
//! assert_eq!(tensor::transpose(&a), [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]);
//! ```

use crate::{Scalar, kernels};

/// Matrix product `A B` of `R x K` by `K x C`.
#[inline]
pub fn matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
) -> [[T; C]; R] {
    kernels::mat_mat(a, b)
}

/// Transpose of an `R x C` matrix.
#[inline]
pub fn transpose<T: Scalar, const R: usize, const C: usize>(a: &[[T; C]; R]) -> [[T; R]; C] {
    kernels::transpose(a)
}

/// Outer product `u v^T`: an `R x C` matrix.
#[inline]
pub fn outer<T: Scalar, const R: usize, const C: usize>(u: &[T; R], v: &[T; C]) -> [[T; C]; R] {
    let mut out = [[T::zero(); C]; R];
    kernels::outer_acc(&mut out, u, v);
    out
}

/// Dot product `u . v`.
#[inline]
pub fn dot<T: Scalar, const N: usize>(u: &[T; N], v: &[T; N]) -> T {
    kernels::dot(u, v)
}

/// `W^T x + b` for one vector: `x` of `R`, `W` of `R x C`, `b` of `C`.
#[inline]
pub fn affine<T: Scalar, const R: usize, const C: usize>(
    x: &[T; R],
    w: &[[T; C]; R],
    b: &[T; C],
) -> [T; C] {
    kernels::affine(w, b, x)
}

/// `X W + 1 b^T`: every row of the batch `X` (`K x R`) mapped through `W` (`R x C`), with the
/// row `b` added to each (row broadcast of a bias).
#[inline]
pub fn affine_rows<T: Scalar, const K: usize, const R: usize, const C: usize>(
    x: &[[T; R]; K],
    w: &[[T; C]; R],
    b: &[T; C],
) -> [[T; C]; K] {
    kernels::affine_rows(x, w, b)
}

/// `D W^T`: every row `d_k` of `D` (`K x C`) mapped to `W d_k` (`W` is `R x C`).
#[inline]
pub fn rows_times_transpose<T: Scalar, const K: usize, const R: usize, const C: usize>(
    d: &[[T; C]; K],
    w: &[[T; C]; R],
) -> [[T; R]; K] {
    kernels::rows_times_transpose(d, w)
}

/// `G += U^T D` for `U` of `K x R` and `D` of `K x C`: the sum over rows of the outer products
/// `u_k d_k^T`.
#[inline]
pub fn add_transpose_times<T: Scalar, const K: usize, const R: usize, const C: usize>(
    g: &mut [[T; C]; R],
    u: &[[T; R]; K],
    d: &[[T; C]; K],
) {
    kernels::add_transpose_times(g, u, d);
}

/// `b += sum_k d_k`: column sums of a `K x C` matrix added to `b`.
#[inline]
pub fn add_column_sums<T: Scalar, const K: usize, const C: usize>(b: &mut [T; C], d: &[[T; C]; K]) {
    for row in d {
        kernels::add_assign(b, row);
    }
}

/// Column sums of a `K x C` matrix (sum along the batch axis).
#[inline]
pub fn column_sums<T: Scalar, const K: usize, const C: usize>(d: &[[T; C]; K]) -> [T; C] {
    let mut out = [T::zero(); C];
    add_column_sums(&mut out, d);
    out
}

/// Row sums of an `R x C` matrix (sum along the unit axis).
#[inline]
pub fn row_sums<T: Scalar, const R: usize, const C: usize>(a: &[[T; C]; R]) -> [T; R] {
    a.map(|row| kernels::sum(&row))
}

/// Applies `f` to every element of a vector.
#[inline]
pub fn map<T: Scalar, const N: usize>(x: &[T; N], f: impl Fn(T) -> T) -> [T; N] {
    kernels::map(x, f)
}

/// Combines two vectors element by element.
#[inline]
pub fn zip_map<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N], f: impl Fn(T, T) -> T) -> [T; N] {
    kernels::zip_map(a, b, f)
}

/// Index of the largest element of a vector (the first, on ties).
#[inline]
pub fn argmax<T: Scalar, const N: usize>(x: &[T; N]) -> usize {
    kernels::argmax(x)
}

/// Index of the largest element of every row (a batch's predicted classes).
#[inline]
pub fn argmax_rows<T: Scalar, const R: usize, const C: usize>(a: &[[T; C]; R]) -> [usize; R] {
    a.map(|row| kernels::argmax(&row))
}

/// `true` when this build, on this CPU, computes the products above with fused multiply-adds
/// (`a + x * w` rounded once): with `std` on x86_64 CPUs with AVX2 and FMA, or in builds for
/// such CPUs, unless the `libm` feature asks for the same bits as every other target.
pub use crate::kernels::fused_multiply_add;
