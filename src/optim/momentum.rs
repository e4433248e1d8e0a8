//! Momentum (chapter section 7.2.2).

use super::{Optimizer, StepSize};
use crate::Layers;
use crate::module::Stored;
use crate::{Params, Scalar, kernels};

/// `V_t = gamma V_(t-1) + eta(t) grad`, `W_t = W_(t-1) - V_t`, with `V_0 = 0`.
///
/// Equivalent to a step of size `eta' = eta / (1 - gamma)` along a moving average of the
/// gradients. The velocity `V` is a value of the network's own type, made on the first step.
///
/// ```
/// use constnet::prelude::*;
/// let mut momentum = Momentum::with_gamma(0.1f32, 0.5);
/// let mut net = <(Linear<1, 1>,)>::zeroed();
/// let mut grad = <(Linear<1, 1>,)>::zeroed();
/// for _ in 0..2 {
///     grad.0.w0 = [1.0];
///     momentum.step(&mut net, &mut grad); // V = 0.1, then 0.5 * 0.1 + 0.1
/// }
/// assert!((net.0.w0[0] - -0.25).abs() < 1e-6);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Momentum<Net, S> {
    /// The step size schedule `eta(t)`.
    pub step_size: S,
    /// How much of the previous velocity is kept (the chapter suggests about 0.9).
    pub gamma: f64,
    velocity: Option<Stored<Net>>,
    t: usize,
    finite: bool,
}

impl<Net, S> Momentum<Net, S> {
    /// Momentum with step size `step_size` and the usual `gamma = 0.9`.
    pub fn new(step_size: S) -> Self {
        Self::with_gamma(step_size, 0.9)
    }

    /// Momentum with step size `step_size` and velocity decay `gamma`.
    pub fn with_gamma(step_size: S, gamma: f64) -> Self {
        Self {
            step_size,
            gamma,
            velocity: None,
            t: 0,
            finite: true,
        }
    }
}

impl<T: Scalar, Net: Params<T> + Layers, S: StepSize<T>> Optimizer<T, Net> for Momentum<Net, S> {
    fn step(&mut self, net: &mut Net, grad: &mut Net) {
        self.t += 1;
        let eta = self.step_size.eta(self.t);
        let gamma = T::from_f64(self.gamma);
        let velocity = self.velocity.get_or_insert_with(Stored::zeroed);
        let rule = |wi: T, gi: T, vi: T| {
            let vi = gamma * vi + eta * gi;
            (wi - vi, vi)
        };
        let mut finite = true;
        Net::walk(
            [net, grad, &mut **velocity],
            &mut |tensors: [&mut [T]; 3]| {
                finite &= kernels::in_runs(tensors, &|[w, g, v]| {
                    kernels::step_with_state(w, g, v, rule)
                })
            },
        );
        self.finite = finite;
    }

    fn steps(&self) -> usize {
        self.t
    }

    fn state_finite(&self) -> bool {
        self.finite
    }

    fn reset(&mut self) {
        (self.velocity, self.t, self.finite) = (None, 0, true);
    }
}
