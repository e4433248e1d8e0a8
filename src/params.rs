//! The parameter visitor: one walk over every weight of a network.
//!
//! Gradients, optimizer state and serialization all need to go over the weights `W^l`, `W0^l` of
//! every layer `l` (chapter section 5, lines 20-21 of SGD-NEURAL-NET, and 7.2's per-weight
//! state). [`Params`] gives each parameter tensor as a flat slice, in a fixed order (layer by
//! layer, `W` before `W0`), so an optimizer or a file format never needs to know the layers.
//! A gradient or an optimizer's state has the network's own type, so [`Params::walk`] can zip
//! a net with its gradient and state copies tensor by tensor.

use crate::Scalar;

/// Visits the parameters of a module as flat slices of `T`, in a fixed order.
pub trait Params<T: Scalar> {
    /// Number of scalar parameters.
    const COUNT: usize;

    /// Calls `f` on every parameter tensor, in order.
    fn visit(&self, f: &mut impl FnMut(&[T]));

    /// Calls `f` on the same parameter tensor of `M` values of this type at once (a net, its
    /// gradient, an optimizer's state), tensor by tensor, in order.
    fn walk<const M: usize>(values: [&mut Self; M], f: &mut impl FnMut([&mut [T]; M]));

    /// Sets every parameter to zero (a gradient accumulator's reset).
    fn zero_params(&mut self) {
        Self::walk([self], &mut |[p]: [&mut [T]; 1]| p.fill(T::zero()));
    }

    /// `true` when no parameter is NaN or infinite.
    fn params_finite(&self) -> bool {
        let mut finite = true;
        self.visit(&mut |p: &[T]| finite &= crate::kernels::all_finite(p));
        finite
    }
}
