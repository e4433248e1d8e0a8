//! The file's header: its entries read and checked, one by one, in place.

use super::super::json::{self, Str, SyntaxError, Value};
use super::error::ImportError;
use super::name::{LayerTensorName, TensorName};
use crate::Scalar;

/// The element types this importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dtype {
    F32,
    F64,
}

impl Dtype {
    pub(super) fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
        }
    }

    /// The `i`-th element of `data` as a `T`.
    pub(super) fn read<T: Scalar>(self, data: &[u8], i: usize) -> T {
        let at = i * self.size();
        match self {
            Dtype::F32 => {
                let mut raw = [0u8; 4];
                raw.copy_from_slice(&data[at..at + 4]);
                T::from_f64(f64::from(f32::from_le_bytes(raw)))
            }
            Dtype::F64 => {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(&data[at..at + 8]);
                T::from_f64(f64::from_le_bytes(raw))
            }
        }
    }
}

/// One tensor of the file, checked: its data has exactly `shape`'s element count.
#[derive(Clone, Copy)]
pub(super) struct Tensor<'a> {
    pub(super) dtype: Option<Dtype>,
    pub(super) dtype_name: Str<'a>,
    pub(super) shape: [usize; 4],
    pub(super) rank: usize,
    pub(super) data: &'a [u8],
}

impl Tensor<'_> {
    /// Element `i` as a `T`; the tensor was checked to have a known dtype and enough data.
    pub(super) fn read<T: Scalar>(&self, i: usize) -> T {
        self.dtype
            .map_or_else(T::zero, |dtype| dtype.read(self.data, i))
    }

    pub(super) fn read_into<T: Scalar>(&self, out: &mut [T]) {
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = self.read(i);
        }
    }
}

/// Reads a JSON array of non-negative integers into `out` (its first 4) and returns its length.
pub(super) fn integers(value: Value<'_>, out: &mut [usize; 4]) -> Option<usize> {
    let Value::Array(array) = value else {
        return None;
    };
    let mut len = 0usize;
    json::for_each_element(
        array,
        |element| {
            let Value::Number(text) = element else {
                return Err(());
            };
            let n = json::as_u64(text)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or(())?;
            if let Some(slot) = out.get_mut(len) {
                *slot = n;
            }
            len += 1;
            Ok(())
        },
        |_| (),
    )
    .ok()?;
    Some(len)
}

/// The JSON header of a safetensors file and the tensor data after it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Header<'a> {
    /// The members of the header's top-level object.
    pub(super) object: &'a [u8],
    /// The bytes after the header.
    pub(super) data: &'a [u8],
}

impl<'a> Header<'a> {
    /// Calls `f` with every tensor entry of the header (all but `__metadata__`), checked.
    pub(super) fn for_each_tensor(
        &self,
        mut f: impl FnMut(Str<'a>, Tensor<'a>) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let bad_header = |e: SyntaxError| ImportError::BadHeader { offset: e.offset };
        json::for_each_entry(
            self.object,
            |key, value| {
                if key.eq_str("__metadata__") {
                    return Ok(());
                }
                let tensor = self.entry(key, value)?;
                f(key, tensor)
            },
            bad_header,
        )
    }

    /// Reads and checks one header entry.
    fn entry(&self, key: Str<'a>, value: Value<'a>) -> Result<Tensor<'a>, ImportError> {
        let bad = || ImportError::BadEntry {
            name: TensorName::from_json(key),
        };
        let Value::Object(fields) = value else {
            return Err(bad());
        };
        let mut dtype_name = None;
        let mut shape = [0usize; 4];
        let mut rank = None;
        let mut offsets = None;
        json::for_each_entry(
            fields,
            |field, value| {
                if field.eq_str("dtype") {
                    let Value::Str(s) = value else {
                        return Err(bad());
                    };
                    dtype_name = Some(s);
                } else if field.eq_str("shape") {
                    rank = Some(integers(value, &mut shape).ok_or_else(bad)?);
                } else if field.eq_str("data_offsets") {
                    let mut pair = [0usize; 4];
                    if integers(value, &mut pair) != Some(2) {
                        return Err(bad());
                    }
                    offsets = Some((pair[0], pair[1]));
                }
                Ok(())
            },
            |_| bad(),
        )?;
        let (Some(dtype_name), Some(rank), Some((start, end))) = (dtype_name, rank, offsets) else {
            return Err(bad());
        };
        let dtype = if dtype_name.eq_str("F32") {
            Some(Dtype::F32)
        } else if dtype_name.eq_str("F64") {
            Some(Dtype::F64)
        } else {
            None
        };
        let bad_offsets = || ImportError::BadOffsets {
            name: TensorName::from_json(key),
        };
        let data = self.data.get(start..end).ok_or_else(bad_offsets)?;
        if let Some(dtype) = dtype {
            // A rank above 4 is never a shape this importer accepts; its size is not checked.
            let elements = shape[..rank.min(4)]
                .iter()
                .try_fold(1usize, |n, &d| n.checked_mul(d));
            if rank <= 4 && elements.and_then(|n| n.checked_mul(dtype.size())) != Some(data.len()) {
                return Err(bad_offsets());
            }
        }
        Ok(Tensor {
            dtype,
            dtype_name,
            shape,
            rank,
            data,
        })
    }
}

/// The file's tensors by name, for the lookups of one import. With `alloc` the header is read
/// once into a list sorted by name, so a lookup is a binary search and an import takes
/// `O(n log n)` for `n` tensors; without a heap, each lookup reads the header again.
pub(super) struct Index<'a> {
    #[cfg(not(feature = "alloc"))]
    header: Header<'a>,
    /// Every entry under its decoded name, sorted by name; entries of the same name keep the
    /// file's order.
    #[cfg(feature = "alloc")]
    sorted: alloc::vec::Vec<(alloc::string::String, Tensor<'a>)>,
}

/// A name from the file, decoded (`\u` escapes and all); invalid escapes become U+FFFD.
#[cfg(feature = "alloc")]
pub(super) fn decode(key: Str<'_>) -> alloc::string::String {
    key.chars()
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

impl<'a> Index<'a> {
    /// Reads the header's entries (already checked by `parse`).
    pub(super) fn new(header: Header<'a>) -> Result<Self, ImportError> {
        #[cfg(feature = "alloc")]
        {
            let mut sorted = alloc::vec::Vec::new();
            header.for_each_tensor(|key, tensor| {
                sorted.push((decode(key), tensor));
                Ok(())
            })?;
            // Stable: of several entries with one name, the first in the file comes first.
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(Self { sorted })
        }
        #[cfg(not(feature = "alloc"))]
        Ok(Self { header })
    }

    /// The first entry named `name`, if the file has one.
    pub(super) fn find(
        &self,
        name: &LayerTensorName<'_>,
    ) -> Result<Option<Tensor<'a>>, ImportError> {
        #[cfg(feature = "alloc")]
        {
            let name = alloc::string::ToString::to_string(name);
            let at = self.sorted.partition_point(|(key, _)| *key < name);
            Ok(self
                .sorted
                .get(at)
                .filter(|(key, _)| *key == name)
                .map(|&(_, tensor)| tensor))
        }
        #[cfg(not(feature = "alloc"))]
        {
            let mut found = None;
            self.header.for_each_tensor(|key, tensor| {
                if found.is_none() && name.matches(key) {
                    found = Some(tensor);
                }
                Ok(())
            })?;
            Ok(found)
        }
    }
}
