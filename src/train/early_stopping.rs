//! Early stopping (chapter section 8.1): train while a validation set's loss improves, and
//! return the weights that did best on it.

use core::num::NonZeroUsize;
use core::ops::ControlFlow;

use rand::Rng;

use super::{Evaluation, OnEpoch, TrainError, Trainer, evaluate};
use crate::loss::BatchScore;
use crate::loss::Objective;
use crate::module::Stored;
use crate::optim::Optimizer;
use crate::{Network, Scalar};

/// How often early stopping measures the validation loss.
///
/// ```
/// use core::num::NonZeroUsize;
/// use constnet::train::{EarlyStopping, Validate};
/// let (vx, vy) = ([[0.0f32]], [[1.0f32]]);
/// // Check every 50 optimizer steps instead of every epoch.
/// let every = NonZeroUsize::new(50).unwrap();
/// let stopping = EarlyStopping::new(&vx, &vy).every(Validate::EverySteps(every)).patience(5);
/// # let _ = stopping;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Validate {
    /// After every epoch (the chapter's choice).
    EveryEpoch,
    /// After every this many optimizer steps, counted over the whole run.
    EverySteps(NonZeroUsize),
}

/// Early stopping's settings and validation set (chapter section 8.1).
///
/// At every check the trainer evaluates the current weights on the validation set (in
/// inference mode) and keeps a copy of the best ones: those with the lowest validation loss so
/// far. Training stops when `patience` checks in a row have not beaten the best, or when the
/// trainer's epochs run out (the end of the last epoch is always checked); either way the
/// network ends with the best weights. The network before training is check 0.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::train::{EarlyStopping, Validate};
/// use core::num::NonZeroUsize;
/// use constnet::rng::SeedableRng;
///
/// // y = 2x + 1 with noise; the validation set is a separate draw.
/// let x: Vec<[f64; 1]> = (0..40).map(|i| [i as f64 / 40.0]).collect();
/// let y: Vec<[f64; 1]> = x.iter().map(|v| [2.0 * v[0] + 1.0]).collect();
/// let (vx, vy) = (x[1..].iter().step_by(5).copied().collect::<Vec<_>>(),
///                 y[1..].iter().step_by(5).copied().collect::<Vec<_>>());
/// let mut rng = constnet::rng::Pcg64Mcg::seed_from_u64(2);
/// let mut net = <(Linear<1, 1, f64>,)>::init(&mut rng);
/// let mut sgd = Sgd::new(0.05);
/// let stopping = EarlyStopping::new(&vx, &vy).patience(3);
/// let report = Trainer::new(Squared, &mut sgd).batch_size::<8>().epochs(500)
///     .fit_early_stopping(&mut net, &x, &y, &mut rng, stopping)?;
/// // The net holds the weights of the best check.
/// let best = report.best().unwrap();
/// assert_eq!(evaluate(&net, &Squared, &vx, &vy)?.loss, best.validation.loss);
/// assert!(best.validation.loss < 1e-3);
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct EarlyStopping<'v, T, const IN: usize, const OUT: usize, F = fn(&Checkpoint<T>)> {
    x: &'v [[T; IN]],
    y: &'v [[T; OUT]],
    patience: usize,
    every: Validate,
    on_check: F,
}

impl<'v, T, const IN: usize, const OUT: usize> EarlyStopping<'v, T, IN, OUT> {
    /// Early stopping on the validation inputs `x` and targets `y`, checked every epoch, with a
    /// patience of 10 checks.
    pub fn new(x: &'v [[T; IN]], y: &'v [[T; OUT]]) -> Self {
        Self {
            x,
            y,
            patience: 10,
            every: Validate::EveryEpoch,
            on_check: |_| {},
        }
    }
}

impl<'v, T, const IN: usize, const OUT: usize, F> EarlyStopping<'v, T, IN, OUT, F> {
    /// How many checks in a row may fail to set a new lowest validation loss: training stops
    /// at the next one that fails too (with 0, at the first check that does not improve).
    pub fn patience(mut self, checks: usize) -> Self {
        self.patience = checks;
        self
    }

    /// When to check the validation loss.
    pub fn every(mut self, every: Validate) -> Self {
        self.every = every;
        self
    }

    /// Calls `on_check` with every check, as it happens (a progress display, a log).
    pub fn on_check<G: FnMut(&Checkpoint<T>)>(
        self,
        on_check: G,
    ) -> EarlyStopping<'v, T, IN, OUT, G> {
        EarlyStopping {
            x: self.x,
            y: self.y,
            patience: self.patience,
            every: self.every,
            on_check,
        }
    }
}

/// One validation check during early stopping: a point of the learning curve. Check 0, at
/// epoch 0 and step 0, measures the network before training.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::train::{Checkpoint, EarlyStopping};
/// let x = [[0.0f64], [1.0]];
/// let y = [[1.0f64], [3.0]];
/// let mut rng = Pcg64Mcg::seed_from_u64(1);
/// let mut net = <(Linear<1, 1, f64>,)>::init(&mut rng);
/// let mut sgd = Sgd::new(0.1);
/// let mut curve: Vec<Checkpoint<f64>> = Vec::new();
/// let stopping = EarlyStopping::new(&x, &y).on_check(|check| curve.push(*check));
/// Trainer::new(Squared, &mut sgd).epochs(5).fit_early_stopping(&mut net, &x, &y, &mut rng, stopping)?;
/// assert_eq!(curve.len(), 6); // check 0, before training, and one per epoch
/// assert_eq!((curve[0].epoch, curve[0].step), (0, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Checkpoint<T> {
    /// Epoch, from 1, in which the check happened.
    pub epoch: usize,
    /// Optimizer steps taken before the check.
    pub step: usize,
    /// Mean training loss (and accuracy) over the mini-batches since the previous check, each
    /// measured before its update (no samples for check 0, made before training).
    pub train: Evaluation<T>,
    /// Loss and accuracy of the weights on the validation set, in inference mode.
    pub validation: Evaluation<T>,
}

/// How an early-stopping run ended.
///
/// ```
/// use constnet::prelude::*;
/// let x = [[0.0f64], [1.0]];
/// let y = [[1.0f64], [3.0]];
/// let mut rng = Pcg64Mcg::seed_from_u64(1);
/// let mut net = <(Linear<1, 1, f64>,)>::init(&mut rng);
/// let mut order = [0usize; 2]; // scratch space: no heap
/// let outcome = Trainer::new(Squared, &mut Sgd::new(0.1)).epochs(20)
///     .fit_early_stopping_with(&mut net, &x, &y, &mut rng, &mut order, EarlyStopping::new(&x, &y))?;
/// assert!(outcome.best.validation.loss <= outcome.last.validation.loss);
/// assert_eq!(outcome.checks, 21);
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EarlyStopped<T> {
    /// The check with the lowest validation loss: the network holds its weights.
    pub best: Checkpoint<T>,
    /// The last check made.
    pub last: Checkpoint<T>,
    /// Number of checks made.
    pub checks: usize,
    /// `true` if the patience ran out before the epochs did.
    pub stopped_early: bool,
}

/// Early stopping that ended in an error, with what it had measured: the network holds the
/// best weights of `report`'s curve.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::train::TrainError;
/// let x = [[1.0f32]];
/// let y = [[1e30f32]]; // a target that makes SGD with a big step diverge
/// let mut rng = Pcg64Mcg::seed_from_u64(1);
/// let mut net = <(Linear<1, 1>,)>::init(&mut rng);
/// let error = Trainer::new(Squared, &mut Sgd::new(1e10)).epochs(10)
///     .fit_early_stopping(&mut net, &x, &y, &mut rng, EarlyStopping::new(&x, &y))
///     .unwrap_err();
/// assert!(matches!(error.error, TrainError::Diverged { .. }));
/// assert!(!error.report.curve.is_empty()); // what was measured before is kept
/// ```
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, PartialEq)]
pub struct EarlyStoppingError<T> {
    /// What went wrong.
    pub error: TrainError,
    /// Every check before it, and the best.
    pub report: EarlyStoppingReport<T>,
}

#[cfg(feature = "alloc")]
impl<T> PartialEq<TrainError> for EarlyStoppingError<T> {
    fn eq(&self, other: &TrainError) -> bool {
        self.error == *other
    }
}

#[cfg(feature = "alloc")]
impl<T> From<EarlyStoppingError<T>> for TrainError {
    fn from(e: EarlyStoppingError<T>) -> Self {
        e.error
    }
}

#[cfg(feature = "alloc")]
impl<T> core::fmt::Display for EarlyStoppingError<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} (after {} validation checks; the network holds the best weights)",
            self.error,
            self.report.curve.len()
        )
    }
}

#[cfg(feature = "alloc")]
impl<T: core::fmt::Debug> core::error::Error for EarlyStoppingError<T> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// The learning curve of an early-stopping run.
///
/// ```
/// use constnet::prelude::*;
/// let x = [[0.0f64], [1.0]];
/// let y = [[1.0f64], [3.0]];
/// let mut rng = Pcg64Mcg::seed_from_u64(1);
/// let mut net = <(Linear<1, 1, f64>,)>::init(&mut rng);
/// let report = Trainer::new(Squared, &mut Sgd::new(0.1)).epochs(20)
///     .fit_early_stopping(&mut net, &x, &y, &mut rng, EarlyStopping::new(&x, &y).patience(2))?;
/// let best = report.best().unwrap();
/// assert_eq!(best, report.curve[report.best_index]);
/// assert_eq!(evaluate(&net, &Squared, &x, &y)?.loss, best.validation.loss); // the net holds it
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EarlyStoppingReport<T> {
    /// Every check, in order.
    pub curve: alloc::vec::Vec<Checkpoint<T>>,
    /// Index into `curve` of the best check (the weights the network ends with).
    pub best_index: usize,
    /// `true` if the patience ran out before the epochs did.
    pub stopped_early: bool,
}

#[cfg(feature = "alloc")]
impl<T: Copy> EarlyStoppingReport<T> {
    /// The check with the lowest validation loss, if any check ran.
    pub fn best(&self) -> Option<Checkpoint<T>> {
        self.curve.get(self.best_index).copied()
    }
}

impl<'o, L, O, const K: usize, H> Trainer<'o, L, O, K, H> {
    /// Trains `net` with early stopping (chapter section 8.1) and leaves it with the weights
    /// that had the lowest validation loss. Needs no heap beyond one copy of the network (on
    /// the stack); `order` is scratch space at least as long as the training set.
    ///
    /// Returns the best and the last check. On an error during training
    /// ([`TrainError::Diverged`]) the network also ends with the best weights, as it would
    /// have without the error; every check so far reached `on_check`.
    pub fn fit_early_stopping_with<Net, R, T, F, const IN: usize, const OUT: usize>(
        &mut self,
        net: &mut Net,
        x: &[[T; IN]],
        y: &[[T; OUT]],
        rng: &mut R,
        order: &mut [usize],
        mut stopping: EarlyStopping<'_, T, IN, OUT, F>,
    ) -> Result<EarlyStopped<T>, TrainError>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
        F: FnMut(&Checkpoint<T>),
        H: OnEpoch<T>,
    {
        // Check 0 is the untrained net: if training only makes it worse, it stays as it was.
        let first = Checkpoint {
            validation: evaluate(net, self.loss(), stopping.x, stopping.y)?,
            ..Checkpoint::default()
        };
        (stopping.on_check)(&first);
        let mut outcome = EarlyStopped {
            best: first,
            last: first,
            checks: 1,
            stopped_early: false,
        };
        let mut best_net = Stored::new(net.clone());
        let mut since_best = 0;
        let mut since_check = BatchScore::default();
        let epochs = self.epochs;
        let trained = self.run(net, x, y, rng, order, |step, net, loss| {
            since_check.merge(&step.batch);
            let due = match stopping.every {
                Validate::EveryEpoch => step.ends_epoch(),
                Validate::EverySteps(n) => step.step % n.get() == 0,
            } || (step.ends_epoch() && step.epoch == epochs);
            if !due {
                return ControlFlow::Continue(());
            }
            // The validation set passed the same checks before training, so this cannot fail.
            let Ok(validation) = evaluate(net, loss, stopping.x, stopping.y) else {
                return ControlFlow::Break(());
            };
            let check = Checkpoint {
                epoch: step.epoch,
                step: step.step,
                train: Evaluation::of(&since_check, L::CLASSIFIES),
                validation,
            };
            since_check = BatchScore::default();
            (stopping.on_check)(&check);
            outcome.checks += 1;
            outcome.last = check;
            if validation.loss < outcome.best.validation.loss {
                outcome.best = check;
                (*best_net).clone_from(net);
                since_best = 0;
                ControlFlow::Continue(())
            } else if since_best >= stopping.patience {
                outcome.stopped_early = true;
                ControlFlow::Break(())
            } else {
                since_best += 1;
                ControlFlow::Continue(())
            }
        });
        // Diverged or not, the best weights found are the result: the divergence is reported,
        // but does not throw them away.
        net.clone_from(&best_net);
        trained.map(|()| outcome)
    }

    /// Trains `net` with early stopping (chapter section 8.1), leaves it with the weights that
    /// had the lowest validation loss, and returns the learning curve: every check's training
    /// and validation loss.
    ///
    /// On an error during training ([`TrainError::Diverged`]) the network ends with the best
    /// weights all the same, and the error carries the curve up to it
    /// ([`EarlyStoppingError::report`]); it converts into a [`TrainError`] with `?`.
    #[cfg(feature = "alloc")]
    pub fn fit_early_stopping<Net, R, T, F, const IN: usize, const OUT: usize>(
        &mut self,
        net: &mut Net,
        x: &[[T; IN]],
        y: &[[T; OUT]],
        rng: &mut R,
        stopping: EarlyStopping<'_, T, IN, OUT, F>,
    ) -> Result<EarlyStoppingReport<T>, EarlyStoppingError<T>>
    where
        T: Scalar,
        Net: Network<T, IN, OUT>,
        L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]>,
        O: Optimizer<T, Net>,
        R: Rng + ?Sized,
        F: FnMut(&Checkpoint<T>),
        H: OnEpoch<T>,
    {
        let mut order = alloc::vec![0; x.len()];
        let mut curve = alloc::vec::Vec::new();
        let mut user = stopping.on_check;
        let stopping = EarlyStopping {
            x: stopping.x,
            y: stopping.y,
            patience: stopping.patience,
            every: stopping.every,
            on_check: |check: &Checkpoint<T>| {
                curve.push(*check);
                user(check);
            },
        };
        let outcome = self.fit_early_stopping_with(net, x, y, rng, &mut order, stopping);
        // The first check with the lowest validation loss: the one whose weights `net` has.
        let best_index = curve
            .iter()
            .enumerate()
            .fold(None, |best: Option<(usize, T)>, (i, check)| match best {
                Some((_, loss))
                    if check.validation.loss >= loss || check.validation.loss.is_nan() =>
                {
                    best
                }
                _ => Some((i, check.validation.loss)),
            })
            .map_or(0, |(i, _)| i);
        match outcome {
            Ok(outcome) => Ok(EarlyStoppingReport {
                curve,
                best_index,
                stopped_early: outcome.stopped_early,
            }),
            Err(error) => Err(EarlyStoppingError {
                error,
                report: EarlyStoppingReport {
                    curve,
                    best_index,
                    stopped_early: false,
                },
            }),
        }
    }
}
