//! Weight decay (chapter section 8.1): the gradient of `lambda ||W||^2` added to every step.

use super::Optimizer;
use crate::{Params, Scalar};

/// Wraps an optimizer so that it minimizes `J(W) + lambda ||W||^2`: the gradient it gets is
/// `grad + 2 lambda W`. For SGD this is the chapter's update
/// `W_t = W_(t-1) (1 - 2 lambda eta) - eta grad`; for the adaptive optimizers it is the same L2
/// penalty going through their per-weight step sizes. It applies to every parameter, offsets
/// included.
///
/// ```
/// use constnet::prelude::*;
/// // SGD with the L2 penalty lambda = 1e-4 (chapter section 8.1).
/// let mut optimizer = WeightDecay::new(Sgd::new(0.1f32), 1e-4);
/// let mut net = <(Linear<1, 1>,)>::zeroed();
/// net.0.w = [[1.0]];
/// let mut grad = <(Linear<1, 1>,)>::zeroed(); // no gradient from the loss: only the decay acts
/// optimizer.step(&mut net, &mut grad);
/// assert!((net.0.w[0][0] - (1.0 - 2.0 * 1e-4 * 0.1)).abs() < 1e-7);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct WeightDecay<O> {
    /// The optimizer that takes the step.
    pub inner: O,
    /// `lambda`.
    pub lambda: f64,
}

impl<O> WeightDecay<O> {
    /// `inner` with weight decay `lambda`.
    pub fn new(inner: O, lambda: f64) -> Self {
        Self { inner, lambda }
    }
}

impl<T: Scalar, Net: Params<T>, O: Optimizer<T, Net>> Optimizer<T, Net> for WeightDecay<O> {
    fn step(&mut self, net: &mut Net, grad: &mut Net) {
        let two_lambda = T::from_f64(2.0 * self.lambda);
        Net::walk([grad, net], &mut |tensors: [&mut [T]; 2]| {
            crate::kernels::in_runs(tensors, &|[g, w]| {
                crate::kernels::axpy_slice(g, two_lambda, w);
                true
            });
        });
        self.inner.step(net, grad);
    }

    fn steps(&self) -> usize {
        self.inner.steps()
    }

    fn state_finite(&self) -> bool {
        self.inner.state_finite()
    }

    fn reset(&mut self) {
        self.inner.reset();
    }
}
