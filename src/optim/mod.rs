//! Optimizers: how a gradient becomes a weight update (chapter sections 5, 7.2 and 8.1).
//!
//! An [`Optimizer`] updates a network from the gradient of the loss summed over a mini-batch.
//! It works through the [`Params`] visitor, so it needs no knowledge of the layers, and any state
//! it keeps is values of the network's own type. Step sizes `eta(t)` are [`StepSize`]s, so every
//! optimizer takes a schedule.

mod adadelta;
mod adam;
mod momentum;
mod schedule;
mod sgd;
mod weight_decay;

pub use crate::kernels::{running_average, running_average_step};
pub use adadelta::Adadelta;
pub use adam::Adam;
pub use momentum::Momentum;
pub use schedule::{Constant, FnSchedule, InverseTime, StepSize};
pub use sgd::Sgd;
pub use weight_decay::WeightDecay;

use crate::{Params, Scalar};

/// Updates the parameters of a network of type `Net` from their gradient.
///
/// An optimizer of your own walks the net and its gradient tensor by tensor with
/// [`Params::walk`]; here sign SGD, `W -= eta sign(dL/dW)`:
///
/// ```
/// use constnet::optim::Optimizer;
/// use constnet::prelude::*;
///
/// struct SignSgd {
///     eta: f32,
///     t: usize,
/// }
///
/// impl<Net: Params<f32>> Optimizer<f32, Net> for SignSgd {
///     fn step(&mut self, net: &mut Net, grad: &mut Net) {
///         self.t += 1;
///         Net::walk([net, grad], &mut |[w, g]: [&mut [f32]; 2]| {
///             for (wi, gi) in w.iter_mut().zip(g.iter()) {
///                 *wi -= self.eta * gi.signum();
///             }
///         });
///     }
///     fn steps(&self) -> usize {
///         self.t
///     }
///     fn reset(&mut self) {
///         self.t = 0; // no other state to forget
///     }
/// }
///
/// let mut net = (Linear::<1, 1> { w: [[0.0]], w0: [0.0] },);
/// let mut grad = (Linear::<1, 1> { w: [[2.5]], w0: [-0.1] },);
/// SignSgd { eta: 0.5, t: 0 }.step(&mut net, &mut grad);
/// assert_eq!((net.0.w, net.0.w0), ([[-0.5]], [0.5]));
/// ```
pub trait Optimizer<T: Scalar, Net: Params<T>> {
    /// One update of `net` from `grad` (the gradient, with the network's shape). The step
    /// counter `t` starts at 1 and counts the calls. `grad` may be used as scratch space.
    fn step(&mut self, net: &mut Net, grad: &mut Net);

    /// Number of steps taken so far.
    fn steps(&self) -> usize;

    /// `false` when the state the optimizer keeps went NaN or infinite in a step (a squared
    /// gradient of 1e20 overflows f32): its weights would stop moving without an error, so the
    /// trainer counts it as divergence. Optimizers without state keep the default, `true`.
    fn state_finite(&self) -> bool {
        true
    }

    /// Forgets every step: the step counter back to 0 and the state (velocity, running
    /// averages) cleared, as if new. The trainer calls it when training diverges, so that the
    /// next `fit` with the same optimizer starts clean instead of from a poisoned state.
    fn reset(&mut self);
}
