//! The parameter visitor: one walk over every learned weight of a network.
//!
//! Gradients, optimizer state and training all need to go over the weights `W^l`, `W0^l` of
//! every layer `l` (chapter section 5, lines 20-21 of SGD-NEURAL-NET, and 7.2's per-weight
//! state). [`Params`] gives each learned tensor as a flat slice, in a fixed order (layer by
//! layer, in the order each layer declares them), so an optimizer never needs to know the
//! layers. A gradient or an optimizer's state has the network's own type, so [`Params::walk`]
//! can zip a net with its gradient and state copies tensor by tensor.
//!
//! It is the [`Role::Learned`] part of the one walk each layer declares
//! ([`Persist`]), so it is implemented for every network.

use super::schema::{Item, Persist, Role};
use crate::Scalar;

/// Visits the learned parameters of a module as flat slices of `T`, in a fixed order.
/// Implemented for every [`Persist`] type: every layer, activation and tuple.
///
/// ```
/// use constnet::prelude::*;
///
/// type Net = (Linear<2, 3, f64>, ReLU, Linear<3, 1, f64>);
/// assert_eq!(<Net as Params<f64>>::COUNT, 2 * 3 + 3 + 3 + 1);
/// let net = Net::zeroed();
/// let mut sizes = Vec::new();
/// net.visit(&mut |tensor: &[f64]| sizes.push(tensor.len()));
/// assert_eq!(sizes, [6, 3, 3, 1]); // W^1, W0^1, W^2, W0^2
/// ```
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
        Self::walk([self], &mut |tensor: [&mut [T]; 1]| {
            crate::kernels::in_runs(tensor, &|[p]| {
                p.fill(T::zero());
                true
            });
        });
    }

    /// `true` when no parameter is NaN or infinite.
    fn params_finite(&self) -> bool {
        let mut finite = true;
        self.visit(&mut |p: &[T]| finite &= crate::kernels::all_finite(p));
        finite
    }
}

impl<T: Scalar, N: Persist<T>> Params<T> for N {
    const COUNT: usize = N::LEARNED;

    fn visit(&self, f: &mut impl FnMut(&[T])) {
        self.visit_items(&mut |item| {
            if let Item::Tensor(info, tensor) = item
                && info.role == Role::Learned
            {
                f(tensor);
            }
        });
    }

    fn walk<const M: usize>(values: [&mut Self; M], f: &mut impl FnMut([&mut [T]; M])) {
        N::walk_items(values, &mut |item| {
            if let Item::Tensor(info, tensors) = item
                && info.role == Role::Learned
            {
                f(tensors);
            }
        });
    }
}
