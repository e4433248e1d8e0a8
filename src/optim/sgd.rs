//! Plain (stochastic) gradient descent (chapter section 5, lines 20-21 of SGD-NEURAL-NET;
//! section 7.1).

use super::{Optimizer, StepSize};
use crate::{Params, Scalar, kernels};

/// `W := W - eta(t) dL/dW` for every weight.
///
/// Applied after each sample it is stochastic gradient descent, after each mini-batch it is
/// mini-batch SGD, after the whole data set it is batch gradient descent (chapter 7.1): the
/// trainer decides which gradient it gets.
///
/// ```
/// use constnet::optim::{Optimizer, Sgd};
/// use constnet::prelude::*;
/// let mut net = Linear::<1, 1, f64> { w: [[1.0]], w0: [0.0] };
/// let mut grad = Linear::<1, 1, f64> { w: [[2.0]], w0: [-1.0] };
/// let mut sgd = Sgd::new(0.5);
/// sgd.step(&mut net, &mut grad);
/// assert_eq!((net.w, net.w0), ([[0.0]], [0.5]));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Sgd<S> {
    /// The step size schedule `eta(t)`.
    pub step_size: S,
    t: usize,
}

impl<S> Sgd<S> {
    /// SGD with the step size schedule `step_size` (a number for a constant step).
    pub fn new(step_size: S) -> Self {
        Self { step_size, t: 0 }
    }
}

impl<T: Scalar, Net: Params<T>, S: StepSize<T>> Optimizer<T, Net> for Sgd<S> {
    fn step(&mut self, net: &mut Net, grad: &mut Net) {
        self.t += 1;
        let eta = self.step_size.eta(self.t);
        Net::walk([net, grad], &mut |tensors: [&mut [T]; 2]| {
            kernels::in_runs(tensors, &|[w, g]| {
                kernels::axpy_slice(w, -eta, g);
                true
            });
        });
    }

    fn steps(&self) -> usize {
        self.t
    }

    fn reset(&mut self) {
        self.t = 0;
    }
}
