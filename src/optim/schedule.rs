//! Step size schedules `eta(t)` (chapter section 5, line 20 of SGD-NEURAL-NET; section 7.1:
//! "decrease eta at an appropriate rate").

use crate::Scalar;

/// A step size as a function of the step number `t` (starting at 1).
///
/// ```
/// use constnet::optim::{InverseTime, StepSize};
/// let eta = InverseTime { eta0: 0.5f32, decay: 0.1 };
/// assert_eq!(eta.eta(1), 0.5);
/// assert_eq!(eta.eta(11), 0.25);
/// assert_eq!(0.1f32.eta(1000), 0.1); // a plain number is a constant step size
/// ```
pub trait StepSize<T: Scalar> {
    /// `eta(t)`.
    fn eta(&self, t: usize) -> T;
}

/// A constant step size.
impl StepSize<f32> for f32 {
    fn eta(&self, _t: usize) -> f32 {
        *self
    }
}

/// A constant step size.
impl StepSize<f64> for f64 {
    fn eta(&self, _t: usize) -> f64 {
        *self
    }
}

/// A constant step size `eta(t) = eta`, for code generic over the scalar type.
///
/// ```
/// use constnet::optim::{Constant, StepSize};
/// assert_eq!(Constant(0.01f64).eta(7), 0.01);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constant<T>(pub T);

impl<T: Scalar> StepSize<T> for Constant<T> {
    fn eta(&self, _t: usize) -> T {
        self.0
    }
}

/// `eta(t) = eta0 / (1 + decay (t - 1))`: starts at `eta0` and decays like `1/t`, which meets
/// the conditions under which SGD converges (the sum of `eta(t)` diverges, the sum of its squares
/// does not).
///
/// ```
/// use constnet::optim::InverseTime;
/// use constnet::prelude::*;
/// let mut sgd = Sgd::new(InverseTime { eta0: 0.5f32, decay: 1e-3 });
/// # let _ = &mut sgd;
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InverseTime<T> {
    /// The first step size.
    pub eta0: T,
    /// How fast it decays.
    pub decay: T,
}

impl<T: Scalar> StepSize<T> for InverseTime<T> {
    fn eta(&self, t: usize) -> T {
        self.eta0 / (T::one() + self.decay * T::from_usize(t.saturating_sub(1)))
    }
}

/// Any function of `t` as a schedule: `FnSchedule(|t| 0.1 / (t as f32).sqrt())`.
///
/// ```
/// use constnet::optim::{FnSchedule, StepSize};
/// // A warm-up over 100 steps, then a constant.
/// let eta = FnSchedule(|t: usize| 0.1f32 * (t.min(100) as f32 / 100.0));
/// assert_eq!(eta.eta(50), 0.05);
/// assert_eq!(eta.eta(500), 0.1);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FnSchedule<F>(pub F);

impl<T: Scalar, F: Fn(usize) -> T> StepSize<T> for FnSchedule<F> {
    fn eta(&self, t: usize) -> T {
        (self.0)(t)
    }
}
