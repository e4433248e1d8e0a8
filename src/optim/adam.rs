//! Adam (chapter section 7.2.4).

use super::{Optimizer, StepSize, running_average_step};
use crate::Layers;
use crate::module::Stored;
use crate::{Params, Scalar, kernels, math};

/// Moving averages of the gradient and of its square, bias-corrected, per weight:
///
/// `m_t = B1 m_(t-1) + (1 - B1) g_t`, `v_t = B2 v_(t-1) + (1 - B2) g_t^2`,
/// `m^_t = m_t / (1 - B1^t)`, `v^_t = v_t / (1 - B2^t)`,
/// `W_t = W_(t-1) - eta / sqrt(v^_t + eps) m^_t`.
///
/// `eps` is **inside** the square root, as the chapter writes it. PyTorch's `torch.optim.Adam`
/// puts it outside (`sqrt(v^) + eps`); the two differ only where `v^` is near `eps` (a weight
/// whose gradient has been almost zero), where this form takes smaller steps.
/// Defaults: `B1 = 0.9`, `B2 = 0.999`, `eps = 1e-8`.
///
/// ```
/// use constnet::prelude::*;
/// let mut adam = Adam::new(1e-3f32);
/// adam.b1 = 0.8; // the other constants are public fields too
/// let mut net = <(Linear<2, 1>,)>::zeroed();
/// let mut grad = <(Linear<2, 1>,)>::zeroed();
/// grad.0.w0 = [4.0];
/// adam.step(&mut net, &mut grad); // the first step is eta against the gradient's sign
/// assert!((net.0.w0[0] - -1e-3).abs() < 1e-9);
/// assert_eq!(adam.steps(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Adam<Net, S> {
    /// The step size schedule `eta(t)`.
    pub step_size: S,
    /// Decay of the gradient's moving average.
    pub b1: f64,
    /// Decay of the squared gradient's moving average.
    pub b2: f64,
    /// Added under the square root.
    pub eps: f64,
    moments: Option<(Stored<Net>, Stored<Net>)>,
    t: usize,
    finite: bool,
}

impl<Net, S> Adam<Net, S> {
    /// Adam with step size `step_size` and the authors' defaults.
    pub fn new(step_size: S) -> Self {
        Self {
            step_size,
            b1: 0.9,
            b2: 0.999,
            eps: 1e-8,
            moments: None,
            t: 0,
            finite: true,
        }
    }
}

impl<T: Scalar, Net: Params<T> + Layers, S: StepSize<T>> Optimizer<T, Net> for Adam<Net, S> {
    fn step(&mut self, net: &mut Net, grad: &mut Net) {
        self.t += 1;
        let eta = self.step_size.eta(self.t);
        let (b1, b2, eps) = (
            T::from_f64(self.b1),
            T::from_f64(self.b2),
            T::from_f64(self.eps),
        );
        let power = i32::try_from(self.t).unwrap_or(i32::MAX);
        let correct1 = T::one() / (T::one() - b1.powi(power));
        let correct2 = T::one() / (T::one() - b2.powi(power));
        let (m, v) = self
            .moments
            .get_or_insert_with(|| (Stored::zeroed(), Stored::zeroed()));
        let rule = |wi: T, gi: T, mi, vi| {
            let mi = running_average_step(mi, gi, b1);
            let vi = running_average_step(vi, gi * gi, b2);
            let wi = wi - eta / math::sqrt(vi * correct2 + eps) * (mi * correct1);
            (wi, mi, vi)
        };
        let mut finite = true;
        Net::walk(
            [net, grad, &mut **m, &mut **v],
            &mut |tensors: [&mut [T]; 4]| {
                finite &= kernels::in_runs(tensors, &|[w, g, m, v]| {
                    kernels::step_with_two_states(w, g, m, v, rule)
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
        (self.moments, self.t, self.finite) = (None, 0, true);
    }
}
