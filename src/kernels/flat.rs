//! Tensors seen as flat slices: what the parameter walk hands to optimizers and file formats
//! (chapter section 5: the update runs over every weight `W^l`, `W0^l` the same way).

use crate::Scalar;

/// A tensor of scalars `T` stored as a plain value: a scalar, a vector `[T; N]` or a matrix
/// `[[T; C]; R]` (row-major). Seen as one flat slice, in memory order.
pub trait Flat<T: Scalar> {
    /// Number of scalars.
    const LEN: usize;
    /// Number of dimensions: 0, 1 or 2.
    const RANK: usize;
    /// The dimensions, outermost first; unused entries are 0.
    const DIMS: [usize; 2];
    /// The scalars, in memory order.
    fn flat(&self) -> &[T];
    /// The scalars, in memory order, for writing.
    fn flat_mut(&mut self) -> &mut [T];
}

impl<T: Scalar> Flat<T> for T {
    const LEN: usize = 1;
    const RANK: usize = 0;
    const DIMS: [usize; 2] = [0, 0];
    #[inline(always)]
    fn flat(&self) -> &[T] {
        core::slice::from_ref(self)
    }
    #[inline(always)]
    fn flat_mut(&mut self) -> &mut [T] {
        core::slice::from_mut(self)
    }
}

impl<T: Scalar, const N: usize> Flat<T> for [T; N] {
    const LEN: usize = N;
    const RANK: usize = 1;
    const DIMS: [usize; 2] = [N, 0];
    #[inline(always)]
    fn flat(&self) -> &[T] {
        self
    }
    #[inline(always)]
    fn flat_mut(&mut self) -> &mut [T] {
        self
    }
}

impl<T: Scalar, const R: usize, const C: usize> Flat<T> for [[T; C]; R] {
    const LEN: usize = R * C;
    const RANK: usize = 2;
    const DIMS: [usize; 2] = [R, C];
    #[inline(always)]
    fn flat(&self) -> &[T] {
        self.as_flattened()
    }
    #[inline(always)]
    fn flat_mut(&mut self) -> &mut [T] {
        self.as_flattened_mut()
    }
}
