//! What can go wrong while training or evaluating.

use core::fmt;

/// Why training or evaluation stopped with nothing done, or part-way.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::train::TrainError;
/// let mut net = <(Linear<1, 1>,)>::zeroed();
/// let mut sgd = Sgd::new(0.1f32);
/// let error = Trainer::new(Squared, &mut sgd)
///     .fit(&mut net, &[[1.0], [2.0]], &[[1.0]], &mut Pcg64Mcg::seed_from_u64(0))
///     .unwrap_err();
/// assert_eq!(error, TrainError::LengthMismatch { inputs: 2, targets: 1 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrainError {
    /// The inputs and the targets have different lengths.
    LengthMismatch {
        /// Number of input samples.
        inputs: usize,
        /// Number of targets.
        targets: usize,
    },
    /// There are no samples.
    Empty,
    /// One mini-batch would take more stack than the trainer's
    /// [`stack_limit`](crate::train::Trainer::stack_limit) (by
    /// [`Footprint`](crate::Footprint)'s `batch` figure): a smaller batch, a larger limit on
    /// a thread with more stack.
    BatchTooLarge {
        /// Bytes one mini-batch takes.
        needed: usize,
        /// The limit.
        limit: usize,
    },
    /// The scratch buffer for the sample order is shorter than the data set.
    OrderBufferTooShort {
        /// Length of the buffer given.
        len: usize,
        /// Number of samples.
        needed: usize,
    },
    /// The loss, a gradient or an updated weight became NaN or infinite (for example with a
    /// step size far too large). The network holds the last weights that were all finite.
    Diverged {
        /// Epoch (from 1) in which it happened; 0 from [`Trainer::step`](super::Trainer::step),
        /// which works outside epochs.
        epoch: usize,
        /// Optimizer step (from 1, counted over the whole run) whose loss, gradient or update
        /// was not finite.
        step: usize,
    },
    /// [`Trainer::drop_partial_batch`](super::Trainer::drop_partial_batch) leaves nothing to
    /// train on: there are fewer samples than one mini-batch.
    NoFullBatch {
        /// Number of samples.
        samples: usize,
        /// Mini-batch size.
        batch: usize,
    },
    /// The standard deviation given to [`Trainer::input_noise`](super::Trainer::input_noise)
    /// is negative, infinite or NaN.
    InvalidNoise,
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::LengthMismatch { inputs, targets } => {
                write!(
                    f,
                    "{inputs} input samples but {targets} targets: they must pair up"
                )
            }
            Self::Empty => write!(f, "no samples to train or evaluate on"),
            Self::BatchTooLarge { needed, limit } => write!(
                f,
                "one mini-batch takes {needed} bytes of stack, above the trainer's limit of \
                 {limit}: use a smaller batch, or raise the limit on a thread with more stack"
            ),
            Self::OrderBufferTooShort { len, needed } => {
                write!(
                    f,
                    "sample order buffer holds {len} indices but the data set has {needed}"
                )
            }
            Self::Diverged { epoch, step } => write!(
                f,
                "training diverged in epoch {epoch} at step {step}: the loss, a gradient or a \
                 weight became NaN or infinite (try a smaller step size); the network keeps the \
                 last finite weights"
            ),
            Self::NoFullBatch { samples, batch } => write!(
                f,
                "only {samples} samples, fewer than one mini-batch of {batch}, and partial \
                 batches are dropped"
            ),
            Self::InvalidNoise => write!(
                f,
                "the input noise's standard deviation must be finite and not negative"
            ),
        }
    }
}

impl core::error::Error for TrainError {}
