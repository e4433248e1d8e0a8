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
pub trait Optimizer<T: Scalar, Net: Params<T>> {
    /// One update of `net` from `grad` (the gradient, with the network's shape). The step
    /// counter `t` starts at 1 and counts the calls. `grad` may be used as scratch space.
    fn step(&mut self, net: &mut Net, grad: &mut Net);

    /// Number of steps taken so far.
    fn steps(&self) -> usize;
}
