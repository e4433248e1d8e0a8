//! What training reports back, epoch by epoch.

use crate::Scalar;
use crate::loss::BatchScore;

/// Loss and accuracy of a network over a set of samples.
///
/// ```
/// use constnet::prelude::*;
/// let net = <(Linear<2, 2>, Softmax)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let x = [[0.0, 1.0], [1.0, 0.0]];
/// let y = [[1.0, 0.0], [0.0, 1.0]];
/// let held_out = evaluate(&net, &Nllm, &x, &y)?;
/// assert_eq!(held_out.samples, 2);
/// assert!(held_out.loss > 0.0 && held_out.accuracy.is_some());
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evaluation<T> {
    /// Mean loss per sample.
    pub loss: T,
    /// Fraction of samples guessed right, for classification losses.
    pub accuracy: Option<f64>,
    /// Number of samples.
    pub samples: usize,
}

impl<T: Scalar> Evaluation<T> {
    /// Mean loss per sample of `score`, and its accuracy when `classifies`.
    pub(crate) fn of(score: &BatchScore<T>, classifies: bool) -> Self {
        Evaluation {
            loss: score.loss / T::from_usize(score.samples.max(1)),
            accuracy: classifies.then(|| score.correct as f64 / score.samples.max(1) as f64),
            samples: score.samples,
        }
    }
}

/// What one epoch of training did.
///
/// ```
/// use constnet::prelude::*;
/// let mut rng = Pcg64Mcg::seed_from_u64(1);
/// let mut net = <(Linear<2, 1>, Sigmoid)>::init(&mut rng);
/// let mut sgd = Sgd::new(0.5);
/// let x = [[0.0f32, 0.0], [1.0, 1.0]];
/// let y = [[0.0], [1.0]];
/// let report = Trainer::new(Nll, &mut sgd).epochs(3).fit(&mut net, &x, &y, &mut rng)?;
/// let first = report.epochs[0];
/// assert_eq!((first.epoch, first.steps, first.train.samples), (1, 2, 2));
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EpochStats<T> {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Optimizer steps taken in this epoch.
    pub steps: usize,
    /// Mean training loss per sample over the epoch and training accuracy, both measured on each
    /// mini-batch as it was trained on (before its update).
    pub train: Evaluation<T>,
}

/// The epoch-by-epoch record of a training run.
///
/// ```
/// use constnet::prelude::*;
/// let mut rng = Pcg64Mcg::seed_from_u64(1);
/// let mut net = <(Linear<1, 1>,)>::init(&mut rng);
/// let mut sgd = Sgd::new(0.1);
/// let x = [[0.0f32], [1.0]];
/// let y = [[1.0f32], [3.0]];
/// let report = Trainer::new(Squared, &mut sgd).epochs(50).fit(&mut net, &x, &y, &mut rng)?;
/// assert_eq!(report.epochs.len(), 50);
/// assert!(report.last().unwrap().train.loss < report.epochs[0].train.loss);
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrainReport<T> {
    /// One entry per epoch run.
    pub epochs: alloc::vec::Vec<EpochStats<T>>,
}

#[cfg(feature = "alloc")]
impl<T: Copy> TrainReport<T> {
    /// The last epoch's statistics, if any epoch ran.
    pub fn last(&self) -> Option<EpochStats<T>> {
        self.epochs.last().copied()
    }
}
