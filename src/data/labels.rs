//! Class labels as one-hot targets (chapter section 6.2) and back.

use core::fmt;

use crate::Scalar;

/// A label that is not a class number below the number of classes.
///
/// ```
/// use constnet::data::one_hot_all;
/// let error = one_hot_all::<f32, 3>(&[0.0, 7.0]).unwrap_err();
/// assert_eq!((error.index, error.label, error.classes), (1, 7.0, 3));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelError {
    /// Position of the sample.
    pub index: usize,
    /// The label found.
    pub label: f64,
    /// Number of classes.
    pub classes: usize,
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sample {}: label {} is not a whole number in 0..{}",
            self.index, self.label, self.classes
        )
    }
}

impl core::error::Error for LabelError {}

/// The one-hot vector of class `class` among `C`: `y_k = 1` for `k = class`, 0 elsewhere.
/// `None` when `class >= C`.
///
/// ```
/// use constnet::data::one_hot;
/// assert_eq!(one_hot::<f32, 3>(1), Some([0.0, 1.0, 0.0]));
/// assert_eq!(one_hot::<f32, 3>(3), None); // no class 3 of 3
/// ```
pub fn one_hot<T: Scalar, const C: usize>(class: usize) -> Option<[T; C]> {
    let mut y = [T::zero(); C];
    *y.get_mut(class)? = T::one();
    Some(y)
}

/// The class a vector of scores or probabilities names: the index of its largest element.
/// It is [`tensor::argmax`](crate::tensor::argmax), under the name a classifier's caller looks
/// for.
pub use crate::tensor::argmax as to_class;

/// One-hot targets for labels stored as numbers (`0.0`, `1.0`, ...).
///
/// ```
/// use constnet::data::one_hot_all;
/// let y = one_hot_all::<f32, 3>(&[2.0, 0.0])?;
/// assert_eq!(y, vec![[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]);
/// assert!(one_hot_all::<f32, 3>(&[1.5]).is_err()); // not a class index
/// # Ok::<(), constnet::data::LabelError>(())
/// ```
#[cfg(feature = "alloc")]
pub fn one_hot_all<T: Scalar, const C: usize>(
    labels: &[T],
) -> Result<alloc::vec::Vec<[T; C]>, LabelError> {
    labels
        .iter()
        .enumerate()
        .map(|(index, &label)| {
            let error = LabelError {
                index,
                label: label.as_f64(),
                classes: C,
            };
            let value = label.as_f64();
            if value < 0.0 || num_traits::Float::fract(value) != 0.0 {
                return Err(error);
            }
            one_hot(value as usize).ok_or(error)
        })
        .collect()
}
