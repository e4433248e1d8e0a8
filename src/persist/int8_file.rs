//! The int8 weight file: a quantized network's integers and scales, versioned, shape-checked,
//! checksummed, read without a heap (so `include_bytes!` of a file works on a microcontroller).
//!
//! Layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 0..4 | magic `CNQ8` |
//! | 4..6 | format version, `1` |
//! | 6..8 | reserved, `0` |
//! | 8..16 | type signature: FNV-1a (64 bit) of the network's type as Rust source ([`Int8Source`](crate::Int8Source)) |
//! | 16..24 | bytes of fields |
//! | 24.. | every layer's fields in order ([`Int8Persist`]): int8 weights and tables, int32 biases and multipliers, shifts, roundings, scales and zero points |
//! | last 4 | CRC-32 of everything before it |
//!
//! A softmax's table of exponentials is not stored: it is computed from its constants on load.

use super::crc32::crc32;
use super::weight_file::{Fnv1a, LoadError, SaveError};
use crate::Int8Persist;
use crate::schema::{FieldError, FieldReader, FieldWriter};

const MAGIC: [u8; 4] = *b"CNQ8";
const VERSION: u16 = 1;
const HEADER: usize = 24;
const CHECKSUM: usize = 4;

/// The type's text, hashed as it is written.
impl core::fmt::Write for Fnv1a {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.write(s.as_bytes());
        Ok(())
    }
}

/// An int8 network (from [`Quantize`](crate::Quantize)) in its own weight file: every int8
/// network implements it.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::persist::Int8WeightFile;
/// # use constnet::rng::SeedableRng;
/// let net: (Linear<2, 3>, ReLU, Linear<3, 2>, Softmax) =
///     Layers::init(&mut constnet::rng::Pcg64Mcg::seed_from_u64(3));
/// let q = net.quantize(&[[0.0f32, 1.0], [1.0, -1.0]])?;
/// let mut file = [0u8; 256];
/// let len = q.to_bytes(&mut file)?;
/// assert_eq!(len, q.file_bytes());
/// let loaded = <(Int8Linear<2, 3>, Int8ReLU, Int8Linear<3, 2>, Int8Softmax)>::from_bytes(&file[..len])?;
/// assert_eq!(loaded, q);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Int8WeightFile: Int8Persist {
    /// The type signature stored in the file: FNV-1a of the type as Rust source.
    fn type_signature() -> u64 {
        let mut hash = Fnv1a::new();
        // Hashing cannot fail.
        let _ = Self::write_type(&mut hash);
        hash.0
    }

    /// Bytes of this network's file.
    fn file_bytes(&self) -> usize {
        let mut count = FieldWriter::new(&mut []);
        self.write_fields(&mut count);
        HEADER + count.len() + CHECKSUM
    }

    /// Writes the file into `out`; returns its length. Errors if `out` is shorter than
    /// [`file_bytes`](Int8WeightFile::file_bytes).
    fn to_bytes(&self, out: &mut [u8]) -> Result<usize, SaveError> {
        let needed = self.file_bytes();
        let len = out.len();
        let file = out
            .get_mut(..needed)
            .ok_or(SaveError::BufferTooSmall { needed, len })?;
        let fields = needed - HEADER - CHECKSUM;
        file[..4].copy_from_slice(&MAGIC);
        file[4..6].copy_from_slice(&VERSION.to_le_bytes());
        file[6..8].copy_from_slice(&[0, 0]);
        file[8..16].copy_from_slice(&Self::type_signature().to_le_bytes());
        file[16..24].copy_from_slice(&(fields as u64).to_le_bytes());
        self.write_fields(&mut FieldWriter::new(&mut file[HEADER..HEADER + fields]));
        let checksum = crc32(&file[..needed - CHECKSUM]);
        file[needed - CHECKSUM..].copy_from_slice(&checksum.to_le_bytes());
        Ok(needed)
    }

    /// The file as a vector.
    #[cfg(feature = "alloc")]
    fn to_byte_vec(&self) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec![0; self.file_bytes()];
        // The buffer has exactly the size the file needs.
        let _ = self.to_bytes(&mut out);
        out
    }

    /// Reads a network from a file's bytes, checking the magic, version, type signature,
    /// length, checksum and every value (scales finite and positive, zero points in int8,
    /// shifts in `[-31, 31]`). Needs no heap.
    fn from_bytes(bytes: &[u8]) -> Result<Self, LoadError> {
        let mut net = Self::blank();
        let expected = net.file_bytes();
        let found = bytes.len();
        if !bytes.starts_with(&MAGIC[..found.min(4)]) {
            return Err(LoadError::BadMagic);
        }
        if found < HEADER {
            return Err(LoadError::Truncated { expected, found });
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != VERSION {
            return Err(LoadError::UnsupportedVersion { found: version });
        }
        if bytes[6] != 0 || bytes[7] != 0 {
            return Err(LoadError::ReservedByte {
                found: bytes[6] | bytes[7],
            });
        }
        let mut signature = [0u8; 8];
        signature.copy_from_slice(&bytes[8..16]);
        let (stored, ours) = (u64::from_le_bytes(signature), Self::type_signature());
        if stored != ours {
            return Err(LoadError::ShapeMismatch {
                expected: ours,
                found: stored,
            });
        }
        let mut count = [0u8; 8];
        count.copy_from_slice(&bytes[16..24]);
        let fields = (expected - HEADER - CHECKSUM) as u64;
        if u64::from_le_bytes(count) != fields {
            return Err(LoadError::CountMismatch {
                expected: fields,
                found: u64::from_le_bytes(count),
            });
        }
        if found < expected {
            return Err(LoadError::Truncated { expected, found });
        }
        if found > expected {
            return Err(LoadError::TrailingBytes { expected, found });
        }
        let mut stored = [0u8; 4];
        stored.copy_from_slice(&bytes[expected - CHECKSUM..]);
        let (stored, computed) = (
            u32::from_le_bytes(stored),
            crc32(&bytes[..expected - CHECKSUM]),
        );
        if stored != computed {
            return Err(LoadError::ChecksumMismatch { stored, computed });
        }
        let mut reader = FieldReader::new(&bytes[HEADER..expected - CHECKSUM]);
        net.read_fields(&mut reader).map_err(|e| match e {
            FieldError::Truncated => LoadError::Truncated { expected, found },
            FieldError::Invalid { field, offset } => LoadError::InvalidValue {
                index: HEADER + offset,
                tensor: field,
            },
        })?;
        Ok(net)
    }

    /// Saves the file to `path`, atomically (as [`WeightFile::save`](super::WeightFile::save)).
    #[cfg(feature = "std")]
    fn save(&self, path: impl AsRef<std::path::Path>) -> Result<(), super::FileError> {
        let path = path.as_ref();
        super::weight_file::write_atomically(path, &self.to_byte_vec())
            .map_err(|source| super::FileError::io(path, source))
    }

    /// Loads a network from the file at `path`.
    #[cfg(feature = "std")]
    fn load(path: impl AsRef<std::path::Path>) -> Result<Self, super::FileError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| super::FileError::io(path, source))?;
        Self::from_bytes(&bytes).map_err(super::FileError::Format)
    }
}

impl<N: Int8Persist> Int8WeightFile for N {}
