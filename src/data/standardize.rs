//! Feature standardization: zero mean, unit standard deviation per column.

use crate::Scalar;

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
    /// Measures the mean and (biased) standard deviation of every feature. An empty slice gives
    /// the identity map.
    pub fn fit(samples: &[[T; N]]) -> Self {
        let mut mean = [0.0f64; N];
        let mut square = [0.0f64; N];
        for row in samples {
            for ((m, s), &v) in mean.iter_mut().zip(square.iter_mut()).zip(row) {
                *m += v.as_f64();
                *s += v.as_f64() * v.as_f64();
            }
        }
        let n = samples.len().max(1) as f64;
        let mut out = Self {
            mean: [T::zero(); N],
            std: [T::one(); N],
        };
        for i in 0..N {
            let m = mean[i] / n;
            let var = (square[i] / n - m * m).max(0.0);
            out.mean[i] = T::from_f64(m);
            let std = crate::math::sqrt(var);
            out.std[i] = if std > 1e-12 {
                T::from_f64(std)
            } else {
                T::one()
            };
        }
        out
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
