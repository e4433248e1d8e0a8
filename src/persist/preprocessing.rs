//! What a trained net's inputs and outputs mean, saved beside its weights: the standardizer
//! its inputs went through in training (chapter section 7.2's data preparation) and its class
//! names. Without them a loading program must copy the training program's means, deviations
//! and label order by hand, and a mistake there fails silently.
//!
//! In the weight file it is the optional metadata section (format version 2): records of
//! `tag: u8, length: u32, payload`, little-endian, where tag 1 is the standardizer (`n: u32`,
//! then `n` means and `n` deviations in the file's scalar type) and tag 2 the class names
//! (`count: u32`, then each name as `length: u32` and UTF-8 bytes). Records of other tags are
//! skipped, so later versions may add some.

use core::fmt;

use crate::Scalar;
use crate::data::Standardizer;

const STANDARDIZER: u8 = 1;
const CLASS_NAMES: u8 = 2;
const RECORD_HEADER: usize = 5;

/// The preprocessing a net was trained with, saved with it and applied when asked: a
/// [`Standardizer`] for its `N` inputs and the names of its output classes. Both are optional.
///
/// ```
/// use constnet::data::Standardizer;
/// use constnet::persist::{ClassNames, Preprocessing, WeightFile};
/// use constnet::prelude::*;
///
/// type Net = (Linear<2, 4>, ReLU, Linear<4, 3>, Softmax);
/// let net = Net::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let training_x = [[150.0, 1.0], [170.0, 3.0], [190.0, 2.0]];
/// let names = ["small", "medium", "large"];
/// let saved = Preprocessing {
///     standardizer: Some(Standardizer::fit(&training_x)?),
///     class_names: ClassNames::new(&names),
/// };
/// let file = net.to_byte_vec_with(&saved);
///
/// // The loading program needs no numbers copied from the training one:
/// let (loaded, preprocessing) = Net::from_bytes_with::<2>(&file)?;
/// let p = loaded.forward(&preprocessing.apply(&[180.0, 2.0]));
/// let class = constnet::data::to_class(&p);
/// assert_eq!(preprocessing.class_name(class), Some(names[class]));
/// assert_eq!(preprocessing.standardizer, saved.standardizer);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Preprocessing<'a, T, const N: usize> {
    /// The map inputs went through before training, if any.
    pub standardizer: Option<Standardizer<T, N>>,
    /// The output classes' names, in output order (empty for none).
    pub class_names: ClassNames<'a>,
}

impl<T, const N: usize> Default for Preprocessing<'_, T, N> {
    fn default() -> Self {
        Self {
            standardizer: None,
            class_names: ClassNames::default(),
        }
    }
}

impl<'a, T: Scalar, const N: usize> Preprocessing<'a, T, N> {
    /// `x` as the net takes it: standardized if there is a standardizer, as it is otherwise.
    pub fn apply(&self, x: &[T; N]) -> [T; N] {
        match &self.standardizer {
            Some(standardizer) => standardizer.apply(x),
            None => *x,
        }
    }

    /// The name of output class `class`, if there is one.
    pub fn class_name(&self, class: usize) -> Option<&str> {
        self.class_names.get(class)
    }

    /// The same preprocessing, owning its class names, so it outlives the bytes it was read
    /// from.
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> Preprocessing<'static, T, N> {
        Preprocessing {
            standardizer: self.standardizer,
            class_names: ClassNames::owned(
                self.class_names
                    .iter()
                    .map(alloc::string::String::from)
                    .collect(),
            ),
        }
    }

    /// `true` when there is nothing to save.
    pub fn is_empty(&self) -> bool {
        self.standardizer.is_none() && self.class_names.is_empty()
    }

    /// Bytes of the metadata section for this preprocessing in a file of scalar type `T`.
    pub(super) fn encoded_len(&self) -> usize {
        let standardizer = self
            .standardizer
            .map_or(0, |_| RECORD_HEADER + 4 + 2 * N * T::BYTES);
        let names = if self.class_names.is_empty() {
            0
        } else {
            RECORD_HEADER + self.class_names.encoded_len()
        };
        standardizer + names
    }

    /// Writes the metadata section into `out`, exactly [`encoded_len`](Self::encoded_len)
    /// bytes long.
    pub(super) fn encode(&self, out: &mut [u8]) {
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            out[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        if let Some(standardizer) = &self.standardizer {
            put(&[STANDARDIZER]);
            put(&u32_le(4 + 2 * N * T::BYTES));
            put(&u32_le(N));
            for &value in standardizer.mean.iter().chain(&standardizer.std) {
                let mut bytes = [0u8; 8];
                value.write_le(&mut bytes[..T::BYTES]);
                put(&bytes[..T::BYTES]);
            }
        }
        if !self.class_names.is_empty() {
            put(&[CLASS_NAMES]);
            put(&u32_le(self.class_names.encoded_len()));
            put(&u32_le(self.class_names.len()));
            for name in self.class_names.iter() {
                put(&u32_le(name.len()));
                put(name.as_bytes());
            }
        }
    }

    /// Reads a metadata section (already covered by the file's checksum); `offset` is where it
    /// starts in the file, for error messages.
    pub(super) fn decode(section: &'a [u8], offset: usize) -> Result<Self, DecodeError> {
        let mut preprocessing = Self::default();
        let mut at = 0;
        while at < section.len() {
            let bad = DecodeError::Malformed {
                offset: offset + at,
            };
            let tag = section[at];
            let length = read_u32(section, at + 1).ok_or(bad)?;
            let start = at + RECORD_HEADER;
            let payload = start
                .checked_add(length)
                .and_then(|end| section.get(start..end))
                .ok_or(bad)?;
            match tag {
                STANDARDIZER => {
                    let width = read_u32(payload, 0).ok_or(bad)?;
                    if width != N {
                        return Err(DecodeError::Width {
                            expected: N,
                            found: width,
                        });
                    }
                    if payload.len() != 4 + 2 * N * T::BYTES {
                        return Err(bad);
                    }
                    let mut values = payload[4..].chunks_exact(T::BYTES).map(T::read_le);
                    let mut standardizer = Standardizer {
                        mean: [T::zero(); N],
                        std: [T::one(); N],
                    };
                    for slot in standardizer.mean.iter_mut().chain(&mut standardizer.std) {
                        *slot = values.next().ok_or(bad)?;
                    }
                    preprocessing.standardizer = Some(standardizer);
                }
                CLASS_NAMES => {
                    preprocessing.class_names =
                        ClassNames::decode(payload).ok_or(DecodeError::Malformed {
                            offset: offset + start,
                        })?;
                }
                // A record a later version writes: not ours to read.
                _ => {}
            }
            at = start + length;
        }
        Ok(preprocessing)
    }
}

/// Why a metadata section could not be read (the weight file reports it as a `LoadError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DecodeError {
    /// A record is malformed, at this offset of the file.
    Malformed { offset: usize },
    /// The standardizer maps `found` inputs, not the `expected` asked for.
    Width { expected: usize, found: usize },
}

/// Class names: given as a slice to save, read in place from a weight file (no heap), or
/// owned (read from a safetensors file's metadata, with `alloc`).
///
/// ```
/// use constnet::persist::ClassNames;
/// let names = ClassNames::new(&["cat", "dog"]);
/// assert_eq!((names.len(), names.get(1)), (2, Some("dog")));
/// assert_eq!(names.iter().collect::<Vec<_>>(), ["cat", "dog"]);
/// ```
#[derive(Clone, Default)]
pub struct ClassNames<'a>(Names<'a>);

#[derive(Clone, Default)]
enum Names<'a> {
    #[default]
    None,
    Slice(&'a [&'a str]),
    /// `count` names, each a little-endian `u32` length and UTF-8 bytes, checked when read.
    Encoded {
        bytes: &'a [u8],
        count: usize,
    },
    #[cfg(feature = "alloc")]
    Owned(alloc::vec::Vec<alloc::string::String>),
}

impl<'a> ClassNames<'a> {
    /// The names of classes 0, 1, ... in output order.
    pub fn new(names: &'a [&'a str]) -> Self {
        Self(Names::Slice(names))
    }

    /// Names the class names own (what [`Safetensors::preprocessing`] reads).
    ///
    /// [`Safetensors::preprocessing`]: super::Safetensors::preprocessing
    #[cfg(feature = "alloc")]
    pub fn owned(names: alloc::vec::Vec<alloc::string::String>) -> Self {
        Self(Names::Owned(names))
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        match &self.0 {
            Names::None => 0,
            Names::Slice(names) => names.len(),
            Names::Encoded { count, .. } => *count,
            #[cfg(feature = "alloc")]
            Names::Owned(names) => names.len(),
        }
    }

    /// `true` for no names.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Name `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.iter().nth(i)
    }

    /// The names in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let (slice, bytes, count): (&[&str], &[u8], usize) = match &self.0 {
            Names::None => (&[], &[], 0),
            Names::Slice(names) => (names, &[], 0),
            Names::Encoded { bytes, count } => (&[], bytes, *count),
            #[cfg(feature = "alloc")]
            Names::Owned(_) => (&[], &[], 0),
        };
        #[cfg(feature = "alloc")]
        let owned = match &self.0 {
            Names::Owned(names) => names.as_slice(),
            _ => &[],
        };
        #[cfg(not(feature = "alloc"))]
        let owned: &[&str] = &[];
        let mut at = 0;
        let encoded = (0..count).map_while(move |_| {
            let (name, next) = encoded_name(bytes, at)?;
            at = next;
            Some(name)
        });
        slice
            .iter()
            .copied()
            .chain(encoded)
            .chain(owned.iter().map(|name| name.as_ref()))
    }

    /// Bytes of the names' record payload: the count, then each name's length and bytes.
    fn encoded_len(&self) -> usize {
        4 + self.iter().map(|name| 4 + name.len()).sum::<usize>()
    }

    /// Checks a class-names payload: its count, then that many length-prefixed UTF-8 names
    /// filling it exactly.
    fn decode(payload: &'a [u8]) -> Option<Self> {
        let count = read_u32(payload, 0)?;
        let bytes = &payload[4..];
        let mut at = 0;
        for _ in 0..count {
            at = encoded_name(bytes, at)?.1;
        }
        (at == bytes.len()).then_some(Self(Names::Encoded { bytes, count }))
    }
}

impl PartialEq for ClassNames<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl fmt::Debug for ClassNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The name at `at` and where the next starts.
fn encoded_name(bytes: &[u8], at: usize) -> Option<(&str, usize)> {
    let length = read_u32(bytes, at)?;
    let start = at + 4;
    let end = start.checked_add(length)?;
    let name = core::str::from_utf8(bytes.get(start..end)?).ok()?;
    Some((name, end))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<usize> {
    let raw = bytes.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes(raw.try_into().ok()?)).ok()
}

/// `value` as a little-endian `u32`, saturated (no section comes near 4 GiB).
fn u32_le(value: usize) -> [u8; 4] {
    u32::try_from(value).unwrap_or(u32::MAX).to_le_bytes()
}
