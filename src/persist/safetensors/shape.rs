//! Tensor shapes, for error messages.

use core::fmt::{self, Write};

/// A tensor shape, for error messages: its rank and its first 4 dimensions.
///
/// ```
/// use constnet::persist::{ImportError, Safetensors};
/// use constnet::prelude::*;
/// let file = constnet::persist::to_safetensors(&<(Linear<4, 8>,)>::zeroed());
/// if let Err(ImportError::WrongShape { expected, found, .. }) =
///     Safetensors::parse(&file)?.load::<f32, (Linear<4, 6>,)>()
/// {
///     assert_eq!((expected.to_string(), found.to_string()), ("[6, 4]".into(), "[8, 4]".into()));
/// }
/// # Ok::<(), ImportError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Number of dimensions.
    pub rank: usize,
    /// The first (up to) 4 dimensions.
    pub dims: [u64; 4],
}

impl Shape {
    pub(crate) fn of(dims: &[usize]) -> Self {
        let mut shape = Self {
            rank: dims.len(),
            dims: [0; 4],
        };
        for (slot, &d) in shape.dims.iter_mut().zip(dims) {
            *slot = d as u64;
        }
        shape
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        for (i, d) in self.dims.iter().take(self.rank.min(4)).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{d}")?;
        }
        if self.rank > 4 {
            f.write_str(", ...")?;
        }
        f.write_char(']')
    }
}

impl Shape {
    pub(super) fn with_rank(mut self, rank: usize) -> Self {
        self.rank = rank;
        self
    }
}
