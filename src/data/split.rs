//! Held-out splits: a random part of the data set kept away from training.

use alloc::vec::Vec;
use core::fmt;

use rand::Rng;
use rand::seq::SliceRandom;

/// A data set cut into a training part and a held-out (test or validation) part.
///
/// ```
/// use constnet::data::train_test_split;
/// use constnet::prelude::*;
/// let x: Vec<[f32; 1]> = (0..10).map(|i| [i as f32]).collect();
/// let y: Vec<[f32; 1]> = x.iter().map(|[v]| [2.0 * v]).collect();
/// let split = train_test_split(&x, &y, 0.2, &mut Pcg64Mcg::seed_from_u64(1))?;
/// assert_eq!((split.train_x.len(), split.test_x.len()), (8, 2));
/// assert_eq!(split.test_y[0][0], 2.0 * split.test_x[0][0]); // pairs stay together
/// # Ok::<(), constnet::data::SplitError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Split<X, Y> {
    /// Training inputs.
    pub train_x: Vec<X>,
    /// Training targets.
    pub train_y: Vec<Y>,
    /// Held-out inputs.
    pub test_x: Vec<X>,
    /// Held-out targets.
    pub test_y: Vec<Y>,
}

/// Why a data set could not be split.
///
/// ```
/// use constnet::data::{SplitError, train_test_split};
/// use constnet::prelude::*;
/// let x = [[0.0f32]; 4];
/// let y = [[0.0f32]; 3];
/// let error = train_test_split(&x, &y, 0.25, &mut Pcg64Mcg::seed_from_u64(0)).unwrap_err();
/// assert!(matches!(error, SplitError::LengthMismatch { .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum SplitError {
    /// There are not as many targets as samples.
    LengthMismatch {
        /// Samples given.
        inputs: usize,
        /// Targets given.
        targets: usize,
    },
    /// The held-out fraction is not a number from 0 to 1.
    InvalidFraction(f64),
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::LengthMismatch { inputs, targets } => {
                write!(f, "{inputs} samples but {targets} targets")
            }
            Self::InvalidFraction(fraction) => write!(
                f,
                "held-out fraction {fraction} is not a number from 0 to 1"
            ),
        }
    }
}

impl core::error::Error for SplitError {}

/// Shuffles the samples with `rng` and holds out `round(test_fraction * n)` of them (at least
/// one and at most `n - 1` when `n >= 2`). Samples and targets must be as many, and the
/// fraction a number from 0 to 1.
///
/// ```
/// use constnet::data::{SplitError, train_test_split};
/// use constnet::rng::SeedableRng;
/// let mut rng = constnet::rng::Pcg64Mcg::seed_from_u64(1);
/// let split = train_test_split(&[1, 2, 3, 4, 5], &[10, 20, 30, 40, 50], 0.2, &mut rng)?;
/// assert_eq!((split.train_x.len(), split.test_x.len()), (4, 1));
/// assert_eq!(
///     train_test_split(&[1, 2], &[10], 0.5, &mut rng),
///     Err(SplitError::LengthMismatch { inputs: 2, targets: 1 })
/// );
/// # Ok::<(), SplitError>(())
/// ```
pub fn train_test_split<X: Clone, Y: Clone, R: Rng + ?Sized>(
    x: &[X],
    y: &[Y],
    test_fraction: f64,
    rng: &mut R,
) -> Result<Split<X, Y>, SplitError> {
    if x.len() != y.len() {
        return Err(SplitError::LengthMismatch {
            inputs: x.len(),
            targets: y.len(),
        });
    }
    if !(0.0..=1.0).contains(&test_fraction) {
        return Err(SplitError::InvalidFraction(test_fraction));
    }
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let wanted = num_traits::Float::round(test_fraction * n as f64) as usize;
    let test = if n >= 2 { wanted.clamp(1, n - 1) } else { 0 };
    let (held, kept) = order.split_at(test);
    Ok(Split {
        train_x: kept.iter().map(|&i| x[i].clone()).collect(),
        train_y: kept.iter().map(|&i| y[i].clone()).collect(),
        test_x: held.iter().map(|&i| x[i].clone()).collect(),
        test_y: held.iter().map(|&i| y[i].clone()).collect(),
    })
}
