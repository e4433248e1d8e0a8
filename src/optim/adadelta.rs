//! Adadelta as the chapter defines it (section 7.2.3).

use super::{Optimizer, StepSize, running_average_step};
use crate::Layers;
use crate::module::Stored;
use crate::{Params, Scalar, kernels, math};

/// `G_t = gamma G_(t-1) + (1 - gamma) g_t^2`, `W_t = W_(t-1) - eta / sqrt(G_t + eps) g_t`, per
/// weight: larger steps where the loss is flat, smaller where it is steep.
///
/// This is the chapter's rule. It is what is elsewhere called **RMSprop** (Hinton's running
/// average of squared gradients dividing the step). Zeiler's original Adadelta also keeps a
/// running average of squared *updates* and uses its root in place of `eta`, so it needs no
/// step size; that rule is not this one.
///
/// ```
/// use constnet::prelude::*;
/// let mut adadelta = Adadelta::new(1e-3f32);
/// let net = <(Linear<2, 2>, Softmax)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let mut trained = net.clone();
/// let x = [[0.0, 1.0], [1.0, 0.0]];
/// let y = [[1.0, 0.0], [0.0, 1.0]];
/// Trainer::new(Nllm, &mut adadelta).epochs(10).fit(&mut trained, &x, &y, &mut Pcg64Mcg::seed_from_u64(2))?;
/// assert_ne!(trained, net);
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Adadelta<Net, S> {
    /// The step size schedule `eta(t)`.
    pub step_size: S,
    /// Decay of the running average of squared gradients.
    pub gamma: f64,
    /// Added under the square root, against division by zero.
    pub eps: f64,
    squares: Option<Stored<Net>>,
    t: usize,
    finite: bool,
}

impl<Net, S> Adadelta<Net, S> {
    /// Adadelta with step size `step_size`, `gamma = 0.9` and `eps = 1e-8`.
    pub fn new(step_size: S) -> Self {
        Self {
            step_size,
            gamma: 0.9,
            eps: 1e-8,
            squares: None,
            t: 0,
            finite: true,
        }
    }
}

impl<T: Scalar, Net: Params<T> + Layers, S: StepSize<T>> Optimizer<T, Net> for Adadelta<Net, S> {
    fn step(&mut self, net: &mut Net, grad: &mut Net) {
        self.t += 1;
        let eta = self.step_size.eta(self.t);
        let (gamma, eps) = (T::from_f64(self.gamma), T::from_f64(self.eps));
        let squares = self.squares.get_or_insert_with(Stored::zeroed);
        let rule = |wi: T, gi: T, si| {
            let si = running_average_step(si, gi * gi, gamma);
            (wi - eta / math::sqrt(si + eps) * gi, si)
        };
        let mut finite = true;
        Net::walk(
            [net, grad, &mut **squares],
            &mut |tensors: [&mut [T]; 3]| {
                finite &= kernels::in_runs(tensors, &|[w, g, sq]| {
                    kernels::step_with_state(w, g, sq, rule)
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
        (self.squares, self.t, self.finite) = (None, 0, true);
    }
}
