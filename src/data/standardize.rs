//! Feature standardization: zero mean, unit standard deviation per column.

use crate::{Scalar, kernels};

/// Why a standardizer could not be fitted.
///
/// ```
/// use constnet::data::{StandardizeError, Standardizer};
/// let error = Standardizer::fit(&[[1.0f32, 2.0], [f32::NAN, 0.0]]).unwrap_err();
/// assert_eq!(error, StandardizeError::NotFinite { sample: 1, feature: 0 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StandardizeError {
    /// A value is NaN or infinite.
    NotFinite {
        /// Its sample, from 0.
        sample: usize,
        /// Its feature, from 0.
        feature: usize,
    },
}

impl core::fmt::Display for StandardizeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            Self::NotFinite { sample, feature } => {
                write!(
                    f,
                    "sample {sample}, feature {feature}: NaN or infinite value"
                )
            }
        }
    }
}

impl core::error::Error for StandardizeError {}

/// Per-feature mean and standard deviation, to map features to `(x - mean) / std`.
///
/// Fit it on the training part only, then apply it to every part.
///
/// ```
/// use constnet::data::Standardizer;
/// let train = [[150.0f32, 1.0], [170.0, 3.0], [190.0, 2.0]];
/// let s = Standardizer::fit(&train)?;
/// assert_eq!(s.apply(&[170.0, 2.0]), [0.0, 0.0]);
/// assert_eq!(s.invert(0, 0.0), 170.0); // back to the original units
/// # Ok::<(), constnet::data::StandardizeError>(())
/// ```
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
    /// precision. An empty slice gives the identity map. A NaN or infinite value is an error
    /// naming its sample and feature: its statistics would be NaN, and so every standardized
    /// value of that feature.
    pub fn fit(samples: &[[T; N]]) -> Result<Self, StandardizeError> {
        for (sample, row) in samples.iter().enumerate() {
            if let Some(feature) = row.iter().position(|v| !v.is_finite()) {
                return Err(StandardizeError::NotFinite { sample, feature });
            }
        }
        // Of finite values, the mean and the (biased) deviation are at most the largest
        // magnitude, so they fit `T` too.
        let (mean, std) = kernels::column_mean_sigma_in::<T, f64, N>(samples);
        Ok(Self {
            mean: mean.map(T::from_f64),
            std: std.map(|s| if s > 1e-12 { T::from_f64(s) } else { T::one() }),
        })
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
