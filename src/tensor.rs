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
///
/// ```
/// use constnet::tensor::matmul;
/// let a = [[1.0, 2.0], [3.0, 4.0]];          // 2 x 2
/// let b = [[5.0, 6.0, 7.0], [8.0, 9.0, 10.0]]; // 2 x 3
/// assert_eq!(matmul(&a, &b), [[21.0, 24.0, 27.0], [47.0, 54.0, 61.0]]);
/// ```
#[inline]
pub fn matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
) -> [[T; C]; R] {
    kernels::mat_mat(a, b)
}

/// Transpose of an `R x C` matrix.
///
/// ```
/// use constnet::tensor::transpose;
/// assert_eq!(transpose(&[[1.0, 2.0, 3.0]]), [[1.0], [2.0], [3.0]]);
/// ```
#[inline]
pub fn transpose<T: Scalar, const R: usize, const C: usize>(a: &[[T; C]; R]) -> [[T; R]; C] {
    kernels::transpose(a)
}

/// Outer product `u v^T`: an `R x C` matrix.
///
/// ```
/// use constnet::tensor::outer;
/// assert_eq!(outer(&[1.0, 2.0], &[3.0, 4.0, 5.0]), [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]);
/// ```
#[inline]
pub fn outer<T: Scalar, const R: usize, const C: usize>(u: &[T; R], v: &[T; C]) -> [[T; C]; R] {
    let mut out = [[T::zero(); C]; R];
    kernels::outer_acc(&mut out, u, v);
    out
}

/// Dot product `u . v`.
///
/// ```
/// use constnet::tensor::dot;
/// assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 32.0);
/// ```
#[inline]
pub fn dot<T: Scalar, const N: usize>(u: &[T; N], v: &[T; N]) -> T {
    kernels::dot(u, v)
}

/// `W^T x + b` for one vector: `x` of `R`, `W` of `R x C`, `b` of `C`.
///
/// A layer's pre-activation `Z = W^T A + W0` (chapter section 2.1), with `W` as
/// [`Linear`](crate::Linear) stores it:
///
/// ```
/// use constnet::tensor::affine;
/// let w = [[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]]; // 2 inputs x 3 units
/// assert_eq!(affine(&[3.0, 4.0], &w, &[0.5, 0.5, 0.5]), [3.5, 4.5, 2.5]);
/// ```
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
///
/// ```
/// use constnet::tensor::{affine, affine_rows};
/// let w = [[1.0, 0.0], [0.0, 2.0]];
/// let x = [[1.0, 1.0], [2.0, -1.0]];
/// let z = affine_rows(&x, &w, &[0.0, 1.0]);
/// assert_eq!(z, [[1.0, 3.0], [2.0, -1.0]]);
/// assert_eq!(z[1], affine(&x[1], &w, &[0.0, 1.0])); // row by row, the same as one vector
/// ```
#[inline]
pub fn affine_rows<T: Scalar, const K: usize, const R: usize, const C: usize>(
    x: &[[T; R]; K],
    w: &[[T; C]; R],
    b: &[T; C],
) -> [[T; C]; K] {
    kernels::affine_rows(x, w, b)
}

/// `D W^T`: every row `d_k` of `D` (`K x C`) mapped to `W d_k` (`W` is `R x C`).
///
/// A linear layer's backward pass, `dL/dA = W dL/dZ` for each sample (chapter section 4):
///
/// ```
/// use constnet::tensor::rows_times_transpose;
/// let w = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]; // 3 inputs x 2 units
/// let dl_dz = [[1.0, 0.0], [0.0, 1.0]];         // 2 samples
/// assert_eq!(rows_times_transpose(&dl_dz, &w), [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]);
/// ```
#[inline]
pub fn rows_times_transpose<T: Scalar, const K: usize, const R: usize, const C: usize>(
    d: &[[T; C]; K],
    w: &[[T; C]; R],
) -> [[T; R]; K] {
    kernels::rows_times_transpose(d, w)
}

/// `G += U^T D` for `U` of `K x R` and `D` of `K x C`: the sum over rows of the outer products
/// `u_k d_k^T`.
///
/// A linear layer's weight gradient summed over a batch, `dL/dW += sum_k A_k (dL/dZ_k)^T`:
///
/// ```
/// use constnet::tensor::add_transpose_times;
/// let mut g = [[0.0; 2]; 2];
/// let u = [[1.0, 2.0], [3.0, 4.0]];
/// let d = [[1.0, 0.0], [0.0, 1.0]];
/// add_transpose_times(&mut g, &u, &d);
/// assert_eq!(g, [[1.0, 3.0], [2.0, 4.0]]);
/// ```
#[inline]
pub fn add_transpose_times<T: Scalar, const K: usize, const R: usize, const C: usize>(
    g: &mut [[T; C]; R],
    u: &[[T; R]; K],
    d: &[[T; C]; K],
) {
    kernels::add_transpose_times(g, u, d);
}

/// `b += sum_k d_k`: column sums of a `K x C` matrix added to `b`.
///
/// ```
/// use constnet::tensor::add_column_sums;
/// let mut b = [1.0, 1.0];
/// add_column_sums(&mut b, &[[1.0, 2.0], [3.0, 4.0]]);
/// assert_eq!(b, [5.0, 7.0]);
/// ```
#[inline]
pub fn add_column_sums<T: Scalar, const K: usize, const C: usize>(b: &mut [T; C], d: &[[T; C]; K]) {
    for row in d {
        kernels::add_assign(b, row);
    }
}

/// Column sums of a `K x C` matrix (sum along the batch axis).
///
/// ```
/// use constnet::tensor::column_sums;
/// assert_eq!(column_sums(&[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), [9.0, 12.0]);
/// ```
#[inline]
pub fn column_sums<T: Scalar, const K: usize, const C: usize>(d: &[[T; C]; K]) -> [T; C] {
    let mut out = [T::zero(); C];
    add_column_sums(&mut out, d);
    out
}

/// Row sums of an `R x C` matrix (sum along the unit axis).
///
/// ```
/// use constnet::tensor::row_sums;
/// assert_eq!(row_sums(&[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), [3.0, 7.0, 11.0]);
/// ```
#[inline]
pub fn row_sums<T: Scalar, const R: usize, const C: usize>(a: &[[T; C]; R]) -> [T; R] {
    a.map(|row| kernels::sum(&row))
}

/// Applies `f` to every element of a vector.
///
/// ```
/// use constnet::tensor::map;
/// assert_eq!(map(&[-1.0, 0.5, 2.0], |v: f32| v.max(0.0)), [0.0, 0.5, 2.0]); // ReLU
/// ```
#[inline]
pub fn map<T: Scalar, const N: usize>(x: &[T; N], f: impl Fn(T) -> T) -> [T; N] {
    kernels::map(x, f)
}

/// Combines two vectors element by element.
///
/// ```
/// use constnet::tensor::zip_map;
/// let residual = zip_map(&[1.0, 2.0], &[0.5, 3.0], |a: f32, y| a - y);
/// assert_eq!(residual, [0.5, -1.0]);
/// ```
#[inline]
pub fn zip_map<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N], f: impl Fn(T, T) -> T) -> [T; N] {
    kernels::zip_map(a, b, f)
}

/// Index of the largest element of a vector (the first, on ties).
///
/// ```
/// use constnet::tensor::argmax;
/// assert_eq!(argmax(&[0.1, 0.7, 0.2]), 1);
/// assert_eq!(argmax(&[0.5, 0.5]), 0);
/// ```
#[inline]
pub fn argmax<T: Scalar, const N: usize>(x: &[T; N]) -> usize {
    kernels::argmax(x)
}

/// Index of the largest element of every row (a batch's predicted classes).
///
/// ```
/// use constnet::tensor::argmax_rows;
/// assert_eq!(argmax_rows(&[[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), [1, 0, 1]);
/// ```
#[inline]
pub fn argmax_rows<T: Scalar, const R: usize, const C: usize>(a: &[[T; C]; R]) -> [usize; R] {
    a.map(|row| kernels::argmax(&row))
}

/// `true` when this build, on this CPU, computes the products above with fused multiply-adds
/// (`a + x * w` rounded once): with `std` on x86_64 CPUs with AVX2 and FMA, or in builds for
/// such CPUs, unless the `libm` feature asks for the same bits as every other target.
pub use crate::kernels::fused_multiply_add;
