//! Names from the file, kept without a heap for error messages.

use core::fmt::{self, Write};

use super::super::json::Str;

/// A name from the file, held inline (no heap) for error messages: at most `N` bytes are
/// kept.
///
/// ```
/// use constnet::persist::{ImportError, Safetensors};
/// use constnet::prelude::*;
/// let mut file = constnet::persist::to_safetensors(&<(Linear<1, 1>,)>::zeroed());
/// let error = Safetensors::parse(&file)?.load::<f32, (ReLU, Linear<1, 1>)>().unwrap_err();
/// if let ImportError::UnexpectedTensor { name } = error {
///     assert_eq!(name.as_str(), "0.weight"); // held without a heap, for the message
/// }
/// # let _ = &mut file;
/// # Ok::<(), ImportError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct InlineName<const N: usize> {
    bytes: [u8; N],
    len: u8,
    truncated: bool,
}

/// A tensor name from the file (up to 64 bytes kept).
pub type TensorName = InlineName<64>;

/// A dtype name from the file (up to 8 bytes kept).
pub type DtypeName = InlineName<8>;

impl<const N: usize> InlineName<N> {
    const CAPACITY: () = assert!(N <= u8::MAX as usize);

    pub(crate) fn new() -> Self {
        let () = Self::CAPACITY;
        Self {
            bytes: [0; N],
            len: 0,
            truncated: false,
        }
    }

    pub(super) fn from_json(s: Str<'_>) -> Self {
        let mut name = Self::new();
        for c in s.chars() {
            let _ = name.write_char(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        name
    }

    /// `text`, cut short if longer than `N` bytes.
    pub(crate) fn from_text(text: &str) -> Self {
        let mut name = Self::new();
        let _ = name.write_str(text);
        name
    }

    /// The name (cut short, with `truncated()` true, if it was longer than `N` bytes).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }

    /// `true` when the name was longer than what is kept.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
}

impl<const N: usize> Write for InlineName<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let mut buf = [0u8; 4];
            let encoded = c.encode_utf8(&mut buf).as_bytes();
            let at = usize::from(self.len);
            match self.bytes.get_mut(at..at + encoded.len()) {
                Some(slot) if !self.truncated => {
                    slot.copy_from_slice(encoded);
                    self.len += encoded.len() as u8;
                }
                _ => {
                    self.truncated = true;
                    return Err(fmt::Error);
                }
            }
        }
        Ok(())
    }
}

impl<const N: usize> fmt::Display for InlineName<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}{}`",
            self.as_str(),
            if self.truncated { "..." } else { "" }
        )
    }
}

impl<const N: usize> fmt::Debug for InlineName<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The name a layer's tensor has in the file, `{prefix}{layer}.{field}`, kept as its parts so a
/// prefix of any length works without a heap.
#[derive(Clone, Copy, Debug)]
pub(super) struct LayerTensorName<'a> {
    pub(super) prefix: &'a str,
    pub(super) layer: usize,
    pub(super) field: &'a str,
}

impl fmt::Display for LayerTensorName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}.{}", self.prefix, self.layer, self.field)
    }
}

impl LayerTensorName<'_> {
    /// `true` when the file's name `key` is this name.
    #[cfg_attr(feature = "alloc", allow(dead_code))] // with a heap, names are compared as strings
    pub(super) fn matches(&self, key: Str<'_>) -> bool {
        /// Compares what is written to it with the key's characters, one by one.
        struct Compare<I> {
            key: I,
            equal: bool,
        }
        impl<I: Iterator<Item = Option<char>>> Write for Compare<I> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                for c in s.chars() {
                    self.equal &= self.key.next() == Some(Some(c));
                }
                Ok(())
            }
        }
        let mut compare = Compare {
            key: key.chars(),
            equal: true,
        };
        let _ = write!(compare, "{self}");
        compare.equal && compare.key.next().is_none()
    }
}
