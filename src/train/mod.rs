//! Training: mini-batch stochastic gradient descent (chapter sections 5 and 7.1), with early
//! stopping and input noise (section 8.1).
//!
//! [`Trainer`] runs the chapter's MINI-BATCH-SGD: every epoch it shuffles the data set and takes
//! `ceil(n/k)` mini-batches of `k` samples (the last one partial when `k` does not divide `n`),
//! and for each it runs the forward pass, back-propagates the loss, and lets the optimizer update
//! the weights. `k = 1` is stochastic gradient descent; [`Trainer::full_batch`] is batch
//! gradient descent (one update per epoch from the gradient summed over all samples).
//!
//! [`Trainer::fit_early_stopping`] checks a validation set every epoch or every N steps, keeps
//! the weights with the lowest validation loss and stops after a patience;
//! [`Trainer::input_noise`] perturbs every mini-batch's inputs with Gaussian noise.
//! [`Trainer::step`] is one step of the loop on a batch the program holds, with the gradient
//! kept in [`StepBuffers`] between calls.

mod buffers;
mod early_stopping;
mod error;
mod evaluate;
mod report;
mod trainer;

pub use buffers::StepBuffers;
pub use early_stopping::{Checkpoint, EarlyStopped, EarlyStopping, Validate};
#[cfg(feature = "alloc")]
pub use early_stopping::{EarlyStoppingError, EarlyStoppingReport};
pub use error::TrainError;
pub use evaluate::evaluate;
#[cfg(feature = "alloc")]
pub use report::TrainReport;
pub use report::{EpochStats, Evaluation};
pub use trainer::{DEFAULT_STACK_LIMIT, NoHook, OnEpoch, Reduction, Trainer};

/// Checks that inputs and targets pair up and are not empty.
pub(crate) fn check_lengths(inputs: usize, targets: usize) -> Result<(), TrainError> {
    if inputs != targets {
        return Err(TrainError::LengthMismatch { inputs, targets });
    }
    if inputs == 0 {
        return Err(TrainError::Empty);
    }
    Ok(())
}
