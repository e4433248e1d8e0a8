//! Judging a classifier: the confusion matrix and the measures read off it.

use core::fmt;

use crate::{Module, Scalar, tensor};

/// Counts of (true class, predicted class) pairs over `C` classes: row `i`, column `j` counts
/// the samples of class `i` the network called `j`. The diagonal holds the right guesses.
///
/// ```
/// use constnet::data::ConfusionMatrix;
/// let mut m = ConfusionMatrix::<3>::new();
/// for (truth, guess) in [(0, 0), (1, 1), (1, 2), (2, 2)] {
///     m.record(truth, guess);
/// }
/// assert_eq!(m.accuracy(), Some(0.75));
/// assert_eq!(m.recall(1), Some(0.5));
/// assert_eq!(m.precision(2), Some(0.5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConfusionMatrix<const C: usize> {
    /// `counts[truth][guess]`.
    pub counts: [[usize; C]; C],
}

impl<const C: usize> Default for ConfusionMatrix<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const C: usize> ConfusionMatrix<C> {
    /// An empty matrix.
    pub const fn new() -> Self {
        Self {
            counts: [[0; C]; C],
        }
    }

    /// The matrix of `net` on samples `x` with one-hot (or score) targets `y`: each sample's
    /// class is the index of its largest output, its true class the index of its largest target.
    /// Pairs beyond the shorter of `x` and `y` are ignored.
    pub fn of<Net, T, const IN: usize>(net: &Net, x: &[[T; IN]], y: &[[T; C]]) -> Self
    where
        T: Scalar,
        Net: Module<[T; IN], Output = [T; C]>,
    {
        let mut m = Self::new();
        for (xi, yi) in x.iter().zip(y) {
            m.record(tensor::argmax(yi), tensor::argmax(&net.forward(xi)));
        }
        m
    }

    /// Counts one sample of class `truth` predicted as `guess`; out-of-range classes, and a count
    /// already at `usize::MAX` (a long-running device on a 32-bit core), are not counted (and
    /// `false` is returned).
    pub fn record(&mut self, truth: usize, guess: usize) -> bool {
        match self
            .counts
            .get_mut(truth)
            .and_then(|row| row.get_mut(guess))
        {
            Some(count) => match count.checked_add(1) {
                Some(more) => {
                    *count = more;
                    true
                }
                None => false,
            },
            None => false,
        }
    }

    /// Samples counted (at most `usize::MAX`: the sum saturates rather than wrap).
    pub fn total(&self) -> usize {
        saturating_sum(self.counts.iter().flatten().copied())
    }

    /// Samples guessed right (saturating, as [`total`](Self::total)).
    pub fn correct(&self) -> usize {
        saturating_sum((0..C).map(|i| self.counts[i][i]))
    }

    /// Fraction guessed right; `None` when nothing was counted.
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.correct(), self.total())
    }

    /// Of the samples of class `class`, the fraction guessed right; `None` without any.
    pub fn recall(&self, class: usize) -> Option<f64> {
        let row = self.counts.get(class)?;
        ratio(row[class], saturating_sum(row.iter().copied()))
    }

    /// Of the samples guessed as `class`, the fraction that are; `None` without any.
    pub fn precision(&self, class: usize) -> Option<f64> {
        if class >= C {
            return None;
        }
        let guessed = saturating_sum(self.counts.iter().map(|row| row[class]));
        ratio(self.counts[class][class], guessed)
    }
}

/// A sum of counts that stops at `usize::MAX` instead of overflowing.
fn saturating_sum(counts: impl Iterator<Item = usize>) -> usize {
    counts.fold(0, usize::saturating_add)
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A table with one row per true class and one column per predicted class.
impl<const C: usize> fmt::Display for ConfusionMatrix<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .counts
            .iter()
            .flatten()
            .max()
            .map_or(1, |&n| decimal_width(n))
            .max(decimal_width(C.saturating_sub(1)))
            + 1;
        write!(f, "true\\guess")?;
        for j in 0..C {
            write!(f, "{j:>width$}")?;
        }
        writeln!(f, "{:>8}", "recall")?;
        for (i, row) in self.counts.iter().enumerate() {
            write!(f, "{i:>10}")?;
            for n in row {
                write!(f, "{n:>width$}")?;
            }
            match self.recall(i) {
                Some(r) => writeln!(f, "{:>7.1}%", 100.0 * r)?,
                None => writeln!(f, "{:>8}", "-")?,
            }
        }
        Ok(())
    }
}

fn decimal_width(mut n: usize) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}
