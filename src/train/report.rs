//! What training reports back, epoch by epoch.

use crate::Scalar;
use crate::loss::BatchScore;

/// Loss and accuracy of a network over a set of samples.
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
