//! Feature standardization: zero mean, unit standard deviation per column.

use crate::{Scalar, kernels};

/// Per-feature mean and standard deviation, to map features to `(x - mean) / std`.
///
/// Fit it on the training part only, then apply it to every part.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standardizer<T, const N: usize> {
    /// Mean of each feature.
    pub mean: [T; N],
    /// Standard deviation of each feature (1 where a feature is constant, so it maps to 0).
    pub std: [T; N],
}

impl<T: Scalar, const N: usize> Standardizer<T, N> {
    /// Measures the mean and (biased) standard deviation of every feature, in `f64` and in two
    /// passes, so a feature with a large offset and a small spread (timestamps) keeps its
    /// precision. An empty slice gives the identity map.
    pub fn fit(samples: &[[T; N]]) -> Self {
        let (mean, std) = kernels::column_mean_sigma_in::<T, f64, N>(samples);
        Self {
            mean: mean.map(T::from_f64),
            std: std.map(|s| if s > 1e-12 { T::from_f64(s) } else { T::one() }),
        }
    }

    /// `(x - mean) / std` for one sample.
    pub fn apply(&self, x: &[T; N]) -> [T; N] {
        let mut out = *x;
        for ((o, &m), &s) in out.iter_mut().zip(&self.mean).zip(&self.std) {
            *o = (*o - m) / s;
        }
        out
    }

    /// Standardizes every sample in place.
    pub fn apply_all(&self, samples: &mut [[T; N]]) {
        for row in samples {
            *row = self.apply(row);
        }
    }

    /// Maps a standardized value of feature `i` back to the original scale.
    pub fn invert(&self, i: usize, value: T) -> T {
        match (self.mean.get(i), self.std.get(i)) {
            (Some(&m), Some(&s)) => value * s + m,
            _ => value,
        }
    }
}
