//! The file's header: its entries read and checked, one by one, in place.

use super::super::json::{self, Str, SyntaxError, Value};
use super::error::ImportError;
use super::name::{LayerTensorName, TensorName};
use crate::Scalar;

/// The element types this importer reads into nets; every conversion is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dtype {
    F16,
    BF16,
    F32,
    F64,
}

/// Every dtype the official reader knows, with its bits per element: a file naming another
/// is refused, as the official reader refuses it.
const DTYPE_BITS: &[(&str, usize)] = &[
    ("BOOL", 8),
    ("F4", 4),
    ("F6_E2M3", 6),
    ("F6_E3M2", 6),
    ("U8", 8),
    ("I8", 8),
    ("F8_E5M2", 8),
    ("F8_E4M3", 8),
    ("F8_E8M0", 8),
    ("F8_E4M3FNUZ", 8),
    ("F8_E5M2FNUZ", 8),
    ("I16", 16),
    ("U16", 16),
    ("F16", 16),
    ("BF16", 16),
    ("I32", 32),
    ("U32", 32),
    ("F32", 32),
    ("C64", 64),
    ("F64", 64),
    ("I64", 64),
    ("U64", 64),
];

/// The official reader's largest header.
pub(super) const MAX_HEADER_BYTES: u64 = 100_000_000;

impl Dtype {
    pub(super) fn size(self) -> usize {
        match self {
            Dtype::F16 | Dtype::BF16 => 2,
            Dtype::F32 => 4,
            Dtype::F64 => 8,
        }
    }

    /// The `i`-th element of `data`, exactly, as an `f64` (every f16, bf16 and f32 value is one).
    pub(super) fn read(self, data: &[u8], i: usize) -> f64 {
        let at = i * self.size();
        let bytes = &data[at..at + self.size()];
        let mut raw = [0u8; 8];
        raw[..bytes.len()].copy_from_slice(bytes);
        match self {
            Dtype::F16 => f64::from(f16_to_f32(u16::from_le_bytes([raw[0], raw[1]]))),
            Dtype::BF16 => f64::from(f32::from_bits(
                u32::from(u16::from_le_bytes([raw[0], raw[1]])) << 16,
            )),
            Dtype::F32 => f64::from(f32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            Dtype::F64 => f64::from_le_bytes(raw),
        }
    }
}

/// An IEEE-754 half-precision value, widened exactly (subnormals, infinities and NaN payloads
/// included).
pub(super) fn f16_to_f32(bits: u16) -> f32 {
    let sign = u32::from(bits >> 15) << 31;
    let exponent = u32::from((bits >> 10) & 0x1f);
    let mantissa = u32::from(bits & 0x3ff);
    let magnitude = match (exponent, mantissa) {
        (0, 0) => 0,
        // Subnormal: mantissa * 2^-24, normal in f32.
        (0, m) => {
            let shift = m.leading_zeros() - 21; // bring the leading 1 to bit 10
            let m = (m << shift) & 0x3ff;
            ((127 - 15 + 1 - shift) << 23) | (m << 13)
        }
        (0x1f, m) => (0xff << 23) | (m << 13),
        (e, m) => ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(sign | magnitude)
}

/// One tensor of the file, checked: its data has exactly `shape`'s element count.
#[derive(Clone, Copy)]
pub(super) struct Tensor<'a> {
    /// The dtype, when it is one this importer reads.
    pub(super) dtype: Option<Dtype>,
    /// Where its data starts and ends in the data section.
    pub(super) offsets: (usize, usize),
    pub(super) dtype_name: Str<'a>,
    pub(super) shape: [usize; 4],
    pub(super) rank: usize,
    pub(super) data: &'a [u8],
}

impl Tensor<'_> {
    /// Element `i` as a `T`; the tensor was checked to have a known dtype and enough data.
    pub(super) fn read<T: Scalar>(&self, i: usize) -> T {
        T::from_f64(self.read_f64(i))
    }

    /// Element `i`, exactly.
    pub(super) fn read_f64(&self, i: usize) -> f64 {
        self.dtype.map_or(0.0, |dtype| dtype.read(self.data, i))
    }

    pub(super) fn read_into<T: Scalar>(&self, out: &mut [T]) {
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = self.read(i);
        }
    }
}

/// Reads a JSON array of non-negative integers (each fitting `usize`) into `out` (its first 4)
/// and returns its length and the product of all of them (`None` when it overflows).
pub(super) fn integers(value: Value<'_>, out: &mut [usize; 4]) -> Option<(usize, Option<usize>)> {
    let Value::Array(array) = value else {
        return None;
    };
    let mut len = 0usize;
    let mut product = Some(1usize);
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
            product = product.and_then(|p| p.checked_mul(n));
            len += 1;
            Ok(())
        },
        |_| (),
    )
    .ok()?;
    Some((len, product))
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

    /// Reads and checks one header entry as the official reader does: an object (or a
    /// three-element array, which `serde` also reads into a struct) with a known `dtype`, a
    /// `shape` of non-negative integers and two `data_offsets`, each given once (other fields
    /// are ignored), whose data size matches the dtype and shape.
    fn entry(&self, key: Str<'a>, value: Value<'a>) -> Result<Tensor<'a>, ImportError> {
        let bad = || ImportError::BadEntry {
            name: TensorName::from_json(key),
        };
        let mut dtype_name = None;
        let mut shape = [0usize; 4];
        let mut dims = None;
        let mut offsets = None;
        let mut field = |name: Option<&str>, value: Value<'a>| {
            match name {
                Some("dtype") if dtype_name.is_none() => {
                    let Value::Str(s) = value else {
                        return Err(bad());
                    };
                    dtype_name = Some(s);
                }
                Some("shape") if dims.is_none() => {
                    dims = Some(integers(value, &mut shape).ok_or_else(bad)?);
                }
                Some("data_offsets") if offsets.is_none() => {
                    let mut pair = [0usize; 4];
                    let Some((2, _)) = integers(value, &mut pair) else {
                        return Err(bad());
                    };
                    offsets = Some((pair[0], pair[1]));
                }
                // The same field twice.
                Some("dtype" | "shape" | "data_offsets") => return Err(bad()),
                _ => {}
            }
            Ok(())
        };
        match value {
            Value::Object(fields) => json::for_each_entry(
                fields,
                |name, value| {
                    let known = ["dtype", "shape", "data_offsets"]
                        .into_iter()
                        .find(|known| name.eq_str(known));
                    field(known, value)
                },
                |_| bad(),
            )?,
            Value::Array(elements) => {
                let mut at = 0;
                json::for_each_element(
                    elements,
                    |value| {
                        let name = ["dtype", "shape", "data_offsets"].get(at).copied();
                        at += 1;
                        field(Some(name.ok_or_else(bad)?), value)
                    },
                    |_| bad(),
                )?;
            }
            _ => return Err(bad()),
        }
        let (Some(dtype_name), Some((rank, elements)), Some((start, end))) =
            (dtype_name, dims, offsets)
        else {
            return Err(bad());
        };
        let bits = DTYPE_BITS
            .iter()
            .find(|(name, _)| dtype_name.eq_str(name))
            .map(|&(_, bits)| bits)
            .ok_or_else(bad)?;
        let dtype = [
            ("F16", Dtype::F16),
            ("BF16", Dtype::BF16),
            ("F32", Dtype::F32),
            ("F64", Dtype::F64),
        ]
        .into_iter()
        .find(|(name, _)| dtype_name.eq_str(name))
        .map(|(_, dtype)| dtype);
        let bad_offsets = || ImportError::BadOffsets {
            name: TensorName::from_json(key),
        };
        let bytes = elements
            .and_then(|n| n.checked_mul(bits))
            .filter(|bits| bits % 8 == 0)
            .map(|bits| bits / 8)
            .ok_or_else(bad_offsets)?;
        if end < start || end - start != bytes {
            return Err(bad_offsets());
        }
        let data = self.data.get(start..end).ok_or_else(bad_offsets)?;
        Ok(Tensor {
            dtype,
            offsets: (start, end),
            dtype_name,
            shape,
            rank,
            data,
        })
    }

    /// The checks the official reader makes of the header as a whole: `__metadata__` at most
    /// once and a map of strings (or `null`), no two tensors of one name, and tensor data that
    /// tiles the data section exactly, sorted by offsets (no gap, no overlap, nothing after).
    pub(super) fn check_whole(&self) -> Result<(), ImportError> {
        let bad_header = |e: SyntaxError| ImportError::BadHeader { offset: e.offset };
        let mut metadata = 0;
        json::for_each_entry(
            self.object,
            |key, value| {
                if key.eq_str("__metadata__") {
                    metadata += 1;
                    let map_of_strings = match value {
                        Value::Literal(b"null") => true,
                        Value::Object(map) => json::for_each_entry(
                            map,
                            |_, v| match v {
                                Value::Str(_) => Ok(()),
                                _ => Err(()),
                            },
                            |_| (),
                        )
                        .is_ok(),
                        _ => false,
                    };
                    if metadata > 1 || !map_of_strings {
                        return Err(ImportError::BadMetadata);
                    }
                }
                Ok(())
            },
            bad_header,
        )?;
        self.check_names_and_layout()
    }

    /// No duplicate names, and the data tiled exactly: with a heap, by sorting; without, by
    /// comparing every pair.
    fn check_names_and_layout(&self) -> Result<(), ImportError> {
        #[cfg(feature = "alloc")]
        {
            let mut names = alloc::vec::Vec::new();
            let mut spans = alloc::vec::Vec::new();
            self.for_each_tensor(|key, tensor| {
                names.push((decode(key), key));
                spans.push((tensor.offsets, key));
                Ok(())
            })?;
            names.sort_by(|a, b| a.0.cmp(&b.0));
            if let Some(pair) = names.windows(2).find(|pair| pair[0].0 == pair[1].0) {
                return Err(ImportError::DuplicateTensor {
                    name: TensorName::from_json(pair[1].1),
                });
            }
            spans.sort_by_key(|&(offsets, _)| offsets);
            let mut end = 0;
            for ((start, stop), key) in spans {
                if start != end {
                    return Err(ImportError::BadOffsets {
                        name: TensorName::from_json(key),
                    });
                }
                end = stop;
            }
            self.check_end(end)
        }
        #[cfg(not(feature = "alloc"))]
        {
            let mut result = Ok(());
            let mut end = 0;
            let mut position = 0;
            self.for_each_tensor(|key, tensor| {
                // Its place in the order by offsets (ties in file order): the entry just
                // before it must end where it starts, or it must start at 0.
                let mut previous: Option<(usize, usize)> = None;
                let mut other = 0;
                self.for_each_tensor(|other_key, other_tensor| {
                    let before = other_tensor.offsets < tensor.offsets
                        || (other_tensor.offsets == tensor.offsets && other < position);
                    if other != position && names_equal(key, other_key) && result.is_ok() {
                        result = Err(ImportError::DuplicateTensor {
                            name: TensorName::from_json(key),
                        });
                    }
                    if before && previous.is_none_or(|p| p <= other_tensor.offsets) {
                        previous = Some(other_tensor.offsets);
                    }
                    other += 1;
                    Ok(())
                })?;
                let expected_start = previous.map_or(0, |(_, stop)| stop);
                if result.is_ok() && tensor.offsets.0 != expected_start {
                    result = Err(ImportError::BadOffsets {
                        name: TensorName::from_json(key),
                    });
                }
                end = end.max(tensor.offsets.1);
                position += 1;
                Ok(())
            })?;
            result?;
            self.check_end(end)
        }
    }

    /// The tensors' data must end where the file does.
    fn check_end(&self, end: usize) -> Result<(), ImportError> {
        if end != self.data.len() {
            return Err(ImportError::TrailingBytes {
                expected: end,
                found: self.data.len(),
            });
        }
        Ok(())
    }
}

/// `true` when two names from the file decode to the same text.
#[cfg(not(feature = "alloc"))]
fn names_equal(a: Str<'_>, b: Str<'_>) -> bool {
    a.chars().eq(b.chars())
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
