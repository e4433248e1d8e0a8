//! Held-out splits: a random part of the data set kept away from training.

use alloc::vec::Vec;
use rand::Rng;
use rand::seq::SliceRandom;

/// A data set cut into a training part and a held-out (test or validation) part.
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

/// Shuffles the samples with `rng` and holds out `round(test_fraction * n)` of them (at least
/// one and at most `n - 1` when `n >= 2`). Samples and targets beyond the shorter of the two
/// slices are ignored.
pub fn train_test_split<X: Clone, Y: Clone, R: Rng + ?Sized>(
    x: &[X],
    y: &[Y],
    test_fraction: f64,
    rng: &mut R,
) -> Split<X, Y> {
    let n = x.len().min(y.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(rng);
    let wanted = num_traits::Float::round(test_fraction.clamp(0.0, 1.0) * n as f64) as usize;
    let test = if n >= 2 { wanted.clamp(1, n - 1) } else { 0 };
    let (held, kept) = order.split_at(test);
    Split {
        train_x: kept.iter().map(|&i| x[i].clone()).collect(),
        train_y: kept.iter().map(|&i| y[i].clone()).collect(),
        test_x: held.iter().map(|&i| x[i].clone()).collect(),
        test_y: held.iter().map(|&i| y[i].clone()).collect(),
    }
}
