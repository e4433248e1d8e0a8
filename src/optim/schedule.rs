//! Step size schedules `eta(t)` (chapter section 5, line 20 of SGD-NEURAL-NET; section 7.1:
//! "decrease eta at an appropriate rate").

use crate::Scalar;

/// A step size as a function of the step number `t` (starting at 1).
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
#[derive(Clone, Copy, Debug)]
pub struct FnSchedule<F>(pub F);

impl<T: Scalar, F: Fn(usize) -> T> StepSize<T> for FnSchedule<F> {
    fn eta(&self, t: usize) -> T {
        (self.0)(t)
    }
}
