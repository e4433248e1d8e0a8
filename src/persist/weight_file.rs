//! constnet's own weight file: versioned, shape-checked, checksummed, read without a heap.
//!
//! Layout of format version 2 (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 0..4 | magic `CNET` |
//! | 4..6 | format version, `2` |
//! | 6 | scalar type: its size in bytes, `4` for `f32`, `8` for `f64` |
//! | 7 | reserved, `0` |
//! | 8..16 | shape signature: FNV-1a (64 bit) of every layer's kind and const arguments, in order |
//! | 16..24 | number of stored scalars, `n` |
//! | 24..28 | number of layers, `l` |
//! | 28..32 | bytes of metadata, `m` (0 without) |
//! | 32..32+40l | the layer table: per layer its kind (24 bytes, UTF-8, zero-padded), the number of its const arguments (`u32`) and the first three of them (`u32` each, zero-padded) |
//! | then 4n or 8n | the scalars, IEEE-754 little-endian, in the order of the tensor walk ([`Persist`]) |
//! | then m | the metadata: the [`Preprocessing`] the net was trained with |
//! | last 4 | CRC-32 of everything before it |
//!
//! The layer table lets a mismatch name the layer that differs, with both kinds and widths.
//! Version 1 files (the same without bytes 24..32, the layer table and the metadata) still load.
//!
//! Tuple nesting is not part of the signature or the table: `(A, (B, C))` and `(A, B, C)`
//! compute the same function and read the same files.

use core::fmt;

use super::crc32::crc32;
use super::preprocessing::{DecodeError, Preprocessing};
use super::safetensors::InlineName;
use crate::network::LinesUp;
use crate::schema::{Item, Persist};
use crate::{Layers, Scalar};

const MAGIC: [u8; 4] = *b"CNET";
const VERSION: u16 = 2;
/// The header of version 1 files, which had no layer table and no metadata.
const HEADER_V1: usize = 24;
const HEADER: usize = 32;
const CHECKSUM: usize = 4;
/// Bytes of a layer's entry in the table: kind, argument count, three arguments.
const LAYER_ENTRY: usize = KIND_BYTES + 4 + 4 * RECORDED_ARGS;
const KIND_BYTES: usize = 24;
const RECORDED_ARGS: usize = 3;

/// What to do with NaN or infinite values in a weight file.
///
/// ```
/// use constnet::persist::{LoadError, NonFinite, WeightFile};
/// use constnet::prelude::*;
/// type Net = (Linear<1, 1>,);
/// let mut net = Net::zeroed();
/// net.0.w0 = [f32::NAN];
/// let file = net.to_byte_vec();
/// let mut target = Net::zeroed();
/// assert_eq!(target.load_bytes(&file, NonFinite::Reject), Err(LoadError::NotFinite { index: 1 }));
/// assert!(target.load_bytes(&file, NonFinite::Accept).is_ok()); // a file is what was saved
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NonFinite {
    /// Load them as they are (a file is what was saved).
    #[default]
    Accept,
    /// Refuse the file with [`LoadError::NotFinite`].
    Reject,
}

/// Why a weight file could not be loaded. The network it was to load into is unchanged.
///
/// ```
/// use constnet::persist::{LoadError, WeightFile};
/// use constnet::prelude::*;
/// type Net = (Linear<2, 2>, Softmax);
/// let mut file = Net::init(&mut Pcg64Mcg::seed_from_u64(1)).to_byte_vec();
/// file[40] ^= 1; // one bit flipped in storage
/// assert!(matches!(Net::from_bytes(&file), Err(LoadError::ChecksumMismatch { .. })));
/// assert_eq!(Net::from_bytes(b"PK\x03\x04"), Err(LoadError::BadMagic));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LoadError {
    /// The file does not start with `CNET`: it is not a constnet weight file.
    BadMagic,
    /// The header's reserved byte (byte 7) is not zero: a file this build does not know how to
    /// read (saving it back would not give the same bytes).
    ReservedByte {
        /// The byte found.
        found: u8,
    },
    /// The file's format version is not one this build reads.
    UnsupportedVersion {
        /// The version in the file.
        found: u16,
    },
    /// The file holds another scalar type than the network's.
    WrongScalar {
        /// The network's scalar type.
        expected: &'static str,
        /// The file's scalar type byte (4 for `f32`, 8 for `f64`).
        found: u8,
    },
    /// The file was saved from a network with another layer at position `layer`.
    LayerMismatch {
        /// The layer's position, from 0, nested tuples flattened.
        layer: usize,
        /// The network's layer there.
        expected: FileLayer,
        /// The file's.
        found: FileLayer,
    },
    /// The file was saved from a network with more or fewer layers, the same as far as the
    /// shorter one goes.
    LayerCountMismatch {
        /// The network's number of layers.
        expected: usize,
        /// The file's.
        found: usize,
    },
    /// The file's metadata section is malformed.
    BadMetadata {
        /// Where in the file the bad record starts.
        offset: usize,
    },
    /// The file's standardizer is for another number of inputs than asked for.
    PreprocessingWidth {
        /// Inputs asked for.
        expected: usize,
        /// Inputs the file's standardizer maps.
        found: usize,
    },
    /// The file was saved from a network with other layers or widths (a version 1 file, which
    /// does not list its layers).
    ShapeMismatch {
        /// The network's shape signature.
        expected: u64,
        /// The file's.
        found: u64,
    },
    /// The header's scalar count disagrees with the network's (the header is damaged).
    CountMismatch {
        /// Scalars the network stores.
        expected: u64,
        /// Scalars the header announces.
        found: u64,
    },
    /// The file is shorter than a file for this network.
    Truncated {
        /// Bytes a file for this network has.
        expected: usize,
        /// Bytes given.
        found: usize,
    },
    /// The file is longer than a file for this network.
    TrailingBytes {
        /// Bytes a file for this network has.
        expected: usize,
        /// Bytes given.
        found: usize,
    },
    /// The checksum does not match the contents: the file is damaged.
    ChecksumMismatch {
        /// The checksum stored in the file.
        stored: u32,
        /// The checksum of the contents.
        computed: u32,
    },
    /// A stored value is outside what its tensor may hold (a negative batch-norm standard
    /// deviation, which would give NaN outputs).
    InvalidValue {
        /// Index of the value among the stored scalars.
        index: usize,
        /// The tensor's name in its layer (`"sigma"`).
        tensor: &'static str,
    },
    /// A stored value is NaN or infinite (reported only with [`NonFinite::Reject`]).
    NotFinite {
        /// Index of the value among the stored scalars.
        index: usize,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BadMagic => write!(f, "not a constnet weight file (no `CNET` magic)"),
            Self::ReservedByte { found } => write!(
                f,
                "the weight file's reserved header byte is {found:#04x}, not 0: not a file this \
                 build reads"
            ),
            Self::UnsupportedVersion { found } => write!(
                f,
                "weight file format version {found}; this build reads version {VERSION}"
            ),
            Self::WrongScalar { expected, found } => write!(
                f,
                "the weight file holds {} values but the network uses {expected}",
                match found {
                    4 => "f32",
                    8 => "f64",
                    _ => "unknown",
                }
            ),
            Self::LayerMismatch {
                layer,
                expected,
                found,
            } => write!(
                f,
                "the weight file was saved from another network: its layer {layer} is \
                 {found}, this network's is {expected}"
            ),
            Self::LayerCountMismatch { expected, found } => write!(
                f,
                "the weight file was saved from a network of {found} layers, this network \
                 has {expected} (the first {} are the same)",
                expected.min(found)
            ),
            Self::BadMetadata { offset } => write!(
                f,
                "the weight file's metadata is malformed at byte {offset}"
            ),
            Self::PreprocessingWidth { expected, found } => write!(
                f,
                "the weight file's standardizer maps {found} inputs, not {expected}"
            ),
            Self::ShapeMismatch { expected, found } => write!(
                f,
                "the weight file was saved from a network with other layers or widths \
                 (shape signature {found:#018x}, this network's is {expected:#018x})"
            ),
            Self::CountMismatch { expected, found } => write!(
                f,
                "the weight file's header announces {found} values but the network stores \
                 {expected}: the header is damaged"
            ),
            Self::Truncated { expected, found } => write!(
                f,
                "the weight file is truncated: {found} bytes, a file for this network has \
                 {expected}"
            ),
            Self::TrailingBytes { expected, found } => write!(
                f,
                "the weight file has {found} bytes, a file for this network has {expected}"
            ),
            Self::ChecksumMismatch { stored, computed } => write!(
                f,
                "the weight file is damaged: checksum {computed:#010x}, the file says \
                 {stored:#010x}"
            ),
            Self::InvalidValue { index, tensor } => write!(
                f,
                "stored value {index} of the weight file, in tensor `{tensor}`, is outside what \
                 that tensor may hold"
            ),
            Self::NotFinite { index } => {
                write!(
                    f,
                    "stored value {index} of the weight file is NaN or infinite"
                )
            }
        }
    }
}

impl core::error::Error for LoadError {}

/// A layer as the weight file's layer table records it: its kind and up to three const
/// arguments. Displays as the type is written, `Linear<64, 32>`.
///
/// ```
/// use constnet::persist::{LoadError, WeightFile};
/// use constnet::prelude::*;
/// let file = <(Linear<4, 8>, ReLU)>::init(&mut Pcg64Mcg::seed_from_u64(1)).to_byte_vec();
/// match <(Linear<4, 6>, ReLU)>::from_bytes(&file) {
///     Err(LoadError::LayerMismatch { layer, expected, found }) => {
///         assert_eq!(layer, 0);
///         assert_eq!((expected.to_string(), found.to_string()), ("Linear<4, 6>".into(), "Linear<4, 8>".into()));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileLayer {
    /// The kind ([`LayerInfo::kind`](crate::schema::LayerInfo::kind)), cut at 24 bytes.
    pub kind: InlineName<KIND_BYTES>,
    /// The number of const arguments the type has.
    pub arg_count: u32,
    /// The first three of them (zeros beyond `arg_count`).
    pub args: [u32; RECORDED_ARGS],
}

impl FileLayer {
    fn of(info: &crate::schema::LayerInfo<'_>) -> Self {
        let mut args = [0u32; RECORDED_ARGS];
        for (slot, &arg) in args.iter_mut().zip(info.args) {
            *slot = u32::try_from(arg).unwrap_or(u32::MAX);
        }
        Self {
            kind: InlineName::from_text(info.kind()),
            arg_count: u32::try_from(info.args.len()).unwrap_or(u32::MAX),
            args,
        }
    }

    fn write(&self, out: &mut [u8]) {
        let kind = self.kind.as_str().as_bytes();
        out[..KIND_BYTES].fill(0);
        out[..kind.len()].copy_from_slice(kind);
        out[KIND_BYTES..KIND_BYTES + 4].copy_from_slice(&self.arg_count.to_le_bytes());
        for (slot, arg) in out[KIND_BYTES + 4..LAYER_ENTRY]
            .chunks_exact_mut(4)
            .zip(self.args)
        {
            slot.copy_from_slice(&arg.to_le_bytes());
        }
    }

    fn read(entry: &[u8]) -> Self {
        let word = |at: usize| u32::from_le_bytes(entry[at..at + 4].try_into().unwrap_or_default());
        let kind = &entry[..KIND_BYTES];
        let end = kind.iter().position(|&b| b == 0).unwrap_or(KIND_BYTES);
        Self {
            kind: InlineName::from_text(core::str::from_utf8(&kind[..end]).unwrap_or("?")),
            arg_count: word(KIND_BYTES),
            args: core::array::from_fn(|i| word(KIND_BYTES + 4 + 4 * i)),
        }
    }
}

impl fmt::Display for FileLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if self.arg_count > 0 {
            f.write_str("<")?;
            for (i, arg) in self.args.iter().take(self.arg_count as usize).enumerate() {
                write!(f, "{}{arg}", if i > 0 { ", " } else { "" })?;
            }
            if self.arg_count as usize > RECORDED_ARGS {
                f.write_str(", ...")?;
            }
            f.write_str(">")?;
        }
        Ok(())
    }
}

/// Why a network could not be written out.
///
/// ```
/// use constnet::persist::{SaveError, WeightFile};
/// use constnet::prelude::*;
/// type Net = (Linear<2, 2>,);
/// let mut small = [0u8; 16];
/// let error = Net::zeroed().to_bytes(&mut small).unwrap_err();
/// assert_eq!(error, SaveError::BufferTooSmall { needed: Net::FILE_BYTES, len: 16 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SaveError {
    /// The buffer is shorter than [`WeightFile::FILE_BYTES`].
    BufferTooSmall {
        /// Bytes the file takes.
        needed: usize,
        /// Bytes in the buffer.
        len: usize,
    },
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BufferTooSmall { needed, len } => write!(
                f,
                "the weight file takes {needed} bytes but the buffer holds {len}"
            ),
        }
    }
}

impl core::error::Error for SaveError {}

/// Loading or saving a weight file on disk failed.
///
/// ```
/// use constnet::persist::{FileError, WeightFile};
/// use constnet::prelude::*;
/// let error = <(Linear<2, 2>,)>::load("no/such/folder/net.cnet").unwrap_err();
/// assert!(matches!(error, FileError::Io { .. }));
/// assert!(error.to_string().contains("no/such/folder/net.cnet")); // the message names the file
/// ```
#[cfg(feature = "std")]
#[derive(Debug)]
#[non_exhaustive]
pub enum FileError {
    /// Reading or writing the file failed.
    Io {
        /// The file (for a save, the file that was to be written).
        path: std::path::PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file's contents are not a weight file for this network.
    Format(LoadError),
}

#[cfg(feature = "std")]
impl FileError {
    pub(super) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[cfg(feature = "std")]
impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "weight file {}: {source}", path.display()),
            Self::Format(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Format(e) => Some(e),
        }
    }
}

/// Saving to and loading from constnet's weight file format; implemented for every network.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::persist::{WeightFile, LoadError};
///
/// type Net = (Linear<4, 8>, ReLU, Linear<8, 3>, Softmax);
/// let net = Net::init(&mut constnet::rng::Pcg64Mcg::new(1));
///
/// let mut file = [0u8; Net::FILE_BYTES];           // the exact size, known at compile time
/// net.to_bytes(&mut file)?;
/// let loaded = Net::from_bytes(&file)?;            // works on `include_bytes!` data too
/// assert_eq!(loaded, net);
///
/// // A file only loads into the network it was saved from, and only into one whose widths
/// // line up (`(Linear<4, 8>, Linear<6, 3>)` would not compile here).
/// type Other = (Linear<4, 8>, ReLU, Linear<8, 2>, Softmax);
/// assert!(matches!(Other::from_bytes(&file), Err(LoadError::LayerMismatch { layer: 2, .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait WeightFile<T: Scalar>: Persist<T> + Layers {
    /// The size of this network's weight file in bytes, without preprocessing metadata
    /// ([`WeightFile::file_bytes_with`] counts it).
    const FILE_BYTES: usize =
        HEADER + Self::LAYERS * LAYER_ENTRY + Self::STORED * T::BYTES + CHECKSUM;

    /// The network's shape signature: FNV-1a (64 bit) of every layer's kind
    /// ([`LayerInfo::kind`](crate::schema::LayerInfo::kind)), a zero byte, and its const
    /// arguments as 64-bit words (at least two, padded with zeros), layer by layer.
    fn shape_signature(&self) -> u64 {
        let mut hash = Fnv1a::new();
        self.visit_items(&mut |item| {
            if let Item::Layer(layer) = item {
                hash.write(layer.kind().as_bytes());
                hash.write(&[0]);
                let padding = 2usize.saturating_sub(layer.args.len());
                for &arg in layer.args.iter().chain(core::iter::repeat_n(&0, padding)) {
                    hash.write(&(arg as u64).to_le_bytes());
                }
            }
        });
        hash.0
    }

    /// The size of this network's weight file with `preprocessing` saved in it.
    fn file_bytes_with<const N: usize>(preprocessing: &Preprocessing<'_, T, N>) -> usize {
        Self::FILE_BYTES + preprocessing.encoded_len()
    }

    /// Writes the weight file into the start of `out` and returns its length,
    /// [`WeightFile::FILE_BYTES`].
    fn to_bytes(&self, out: &mut [u8]) -> Result<usize, SaveError>
    where
        Self: LinesUp,
    {
        self.to_bytes_with::<0>(&Preprocessing::default(), out)
    }

    /// Writes the weight file with `preprocessing` in it (the standardizer the net's inputs
    /// went through, its class names) into the start of `out`, and returns its length,
    /// [`WeightFile::file_bytes_with`]. [`WeightFile::preprocessing`] reads it back.
    fn to_bytes_with<const N: usize>(
        &self,
        preprocessing: &Preprocessing<'_, T, N>,
        out: &mut [u8],
    ) -> Result<usize, SaveError>
    where
        Self: LinesUp,
    {
        let needed = Self::file_bytes_with(preprocessing);
        let len = out.len();
        let file = out
            .get_mut(..needed)
            .ok_or(SaveError::BufferTooSmall { needed, len })?;
        let (contents, checksum) = file.split_at_mut(needed - CHECKSUM);
        let (header, rest) = contents.split_at_mut(HEADER);
        let (table, rest) = rest.split_at_mut(Self::LAYERS * LAYER_ENTRY);
        let (body, metadata) = rest.split_at_mut(Self::STORED * T::BYTES);
        header[0..4].copy_from_slice(&MAGIC);
        header[4..6].copy_from_slice(&VERSION.to_le_bytes());
        header[6] = T::BYTES as u8;
        header[7] = 0;
        header[8..16].copy_from_slice(&self.shape_signature().to_le_bytes());
        header[16..24].copy_from_slice(&(Self::STORED as u64).to_le_bytes());
        header[24..28].copy_from_slice(&(Self::LAYERS as u32).to_le_bytes());
        header[28..32].copy_from_slice(&(metadata.len() as u32).to_le_bytes());
        let mut entries = table.chunks_exact_mut(LAYER_ENTRY);
        let mut slots = body.chunks_exact_mut(T::BYTES);
        self.visit_items(&mut |item| match item {
            Item::Layer(info) => {
                if let Some(entry) = entries.next() {
                    FileLayer::of(info).write(entry);
                }
            }
            Item::Tensor(_, tensor) => {
                for (&value, slot) in tensor.iter().zip(&mut slots) {
                    value.write_le(slot);
                }
            }
            _ => {}
        });
        preprocessing.encode(metadata);
        checksum.copy_from_slice(&crc32(contents).to_le_bytes());
        Ok(needed)
    }

    /// The weight file as a vector of bytes.
    #[cfg(feature = "alloc")]
    fn to_byte_vec(&self) -> alloc::vec::Vec<u8>
    where
        Self: LinesUp,
    {
        self.to_byte_vec_with::<0>(&Preprocessing::default())
    }

    /// The weight file with `preprocessing` in it, as a vector of bytes.
    #[cfg(feature = "alloc")]
    fn to_byte_vec_with<const N: usize>(
        &self,
        preprocessing: &Preprocessing<'_, T, N>,
    ) -> alloc::vec::Vec<u8>
    where
        Self: LinesUp,
    {
        let mut out = alloc::vec![0; Self::file_bytes_with(preprocessing)];
        // The buffer has exactly the size the file needs.
        let _ = self.to_bytes_with(preprocessing, &mut out);
        out
    }

    /// The preprocessing saved in the weight file `bytes` ([`WeightFile::to_bytes_with`]),
    /// read in place, for a standardizer of `N` inputs; empty for a file saved without (and
    /// for version 1 files). The whole file is checked against this network's type first, as
    /// [`WeightFile::load_bytes`] checks it; the network itself is not changed.
    fn preprocessing<'b, const N: usize>(
        &self,
        bytes: &'b [u8],
    ) -> Result<Preprocessing<'b, T, N>, LoadError>
    where
        Self: LinesUp,
    {
        let file = check_file(self, bytes)?;
        Preprocessing::decode(file.metadata, file.metadata_offset).map_err(|e| match e {
            DecodeError::Malformed { offset } => LoadError::BadMetadata { offset },
            DecodeError::Width { expected, found } => {
                LoadError::PreprocessingWidth { expected, found }
            }
        })
    }

    /// A network read from the weight file `bytes`, and the preprocessing saved with it
    /// (empty if none was), for a standardizer of `N` inputs.
    fn from_bytes_with<const N: usize>(
        bytes: &[u8],
    ) -> Result<(Self, Preprocessing<'_, T, N>), LoadError>
    where
        Self: LinesUp,
    {
        let net = Self::from_bytes(bytes)?;
        let preprocessing = net.preprocessing(bytes)?;
        Ok((net, preprocessing))
    }

    /// Replaces this network's weights and state with those of the weight file `bytes`. The
    /// whole file is checked first, so on an error the network is unchanged.
    fn load_bytes(&mut self, bytes: &[u8], non_finite: NonFinite) -> Result<(), LoadError>
    where
        Self: LinesUp,
    {
        let body = check_file(self, bytes)?.scalars;
        if non_finite == NonFinite::Reject
            && let Some(index) = body
                .chunks_exact(T::BYTES)
                .position(|raw| !T::read_le(raw).is_finite())
        {
            return Err(LoadError::NotFinite { index });
        }
        check_domains(self, body)?;
        let mut values = body.chunks_exact(T::BYTES);
        Self::walk_items([self], &mut |item| {
            if let Item::Tensor(_, [tensor]) = item {
                for (slot, raw) in tensor.iter_mut().zip(&mut values) {
                    *slot = T::read_le(raw);
                }
            }
        });
        Ok(())
    }

    /// A network read from the weight file `bytes` (NaN and infinite values are loaded as
    /// they are; use [`WeightFile::load_bytes`] with [`NonFinite::Reject`] to refuse them).
    ///
    /// A network whose widths do not line up has no weight file:
    ///
    /// ```compile_fail,E0277
    /// use constnet::persist::WeightFile;
    /// use constnet::prelude::*;
    /// type Broken = (Linear<4, 8>, ReLU, Linear<6, 3>);
    /// let _ = Broken::from_bytes(&[]);
    /// ```
    fn from_bytes(bytes: &[u8]) -> Result<Self, LoadError>
    where
        Self: LinesUp,
    {
        let mut net = Self::zeroed();
        net.load_bytes(bytes, NonFinite::Accept)?;
        Ok(net)
    }

    /// Saves the weight file to `path`, atomically: the bytes go to a temporary file in the
    /// same folder, which is flushed to disk and then renamed over `path`. A crash or a full
    /// disk midway leaves the last good file (or none) at `path`, never a torn one.
    #[cfg(feature = "std")]
    fn save(&self, path: impl AsRef<std::path::Path>) -> Result<(), FileError>
    where
        Self: LinesUp,
    {
        self.save_with::<0>(path, &Preprocessing::default())
    }

    /// Saves the weight file with `preprocessing` in it to `path`, atomically (as
    /// [`WeightFile::save`]).
    #[cfg(feature = "std")]
    fn save_with<const N: usize>(
        &self,
        path: impl AsRef<std::path::Path>,
        preprocessing: &Preprocessing<'_, T, N>,
    ) -> Result<(), FileError>
    where
        Self: LinesUp,
    {
        let path = path.as_ref();
        write_atomically(path, &self.to_byte_vec_with(preprocessing))
            .map_err(|source| FileError::io(path, source))
    }

    /// Loads a network and the preprocessing saved with it (for a standardizer of `N`
    /// inputs; empty if none was) from the weight file at `path`.
    ///
    /// ```
    /// use constnet::data::Standardizer;
    /// use constnet::persist::{ClassNames, Preprocessing, WeightFile};
    /// use constnet::prelude::*;
    ///
    /// type Net = (Linear<2, 2>, Softmax);
    /// let path = std::env::temp_dir().join(format!("load-with-{}.cnet", std::process::id()));
    /// let saved = Preprocessing {
    ///     standardizer: Some(Standardizer { mean: [1.0f32, 2.0], std: [0.5, 4.0] }),
    ///     class_names: ClassNames::new(&["no", "yes"]),
    /// };
    /// Net::init(&mut Pcg64Mcg::seed_from_u64(1)).save_with(&path, &saved)?;
    ///
    /// let (net, preprocessing) = Net::load_with::<2>(&path)?;
    /// let p = net.forward(&preprocessing.apply(&[1.5, 2.0]));
    /// assert!(preprocessing.class_name(constnet::data::to_class(&p)).is_some());
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "std")]
    fn load_with<const N: usize>(
        path: impl AsRef<std::path::Path>,
    ) -> Result<(Self, Preprocessing<'static, T, N>), FileError>
    where
        Self: LinesUp,
    {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| FileError::io(path, source))?;
        let (net, preprocessing) = Self::from_bytes_with(&bytes).map_err(FileError::Format)?;
        Ok((net, preprocessing.into_owned()))
    }

    /// Loads a network from the weight file at `path`.
    #[cfg(feature = "std")]
    fn load(path: impl AsRef<std::path::Path>) -> Result<Self, FileError>
    where
        Self: LinesUp,
    {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| FileError::io(path, source))?;
        Self::from_bytes(&bytes).map_err(FileError::Format)
    }
}

impl<T: Scalar, N: Persist<T> + Layers> WeightFile<T> for N {}

/// The parts of a checked weight file.
struct CheckedFile<'b> {
    /// The stored scalars' bytes.
    scalars: &'b [u8],
    /// The metadata section (empty in version 1 files).
    metadata: &'b [u8],
    /// Where the metadata starts in the file.
    metadata_offset: usize,
}

/// Checks every header field, the layer table, the length and the checksum of `bytes`
/// against network `N`, and returns the file's parts.
fn check_file<'b, T: Scalar, N: WeightFile<T>>(
    net: &N,
    bytes: &'b [u8],
) -> Result<CheckedFile<'b>, LoadError> {
    let found = bytes.len();
    let prefix = &MAGIC[..found.min(MAGIC.len())];
    if !bytes.starts_with(prefix) {
        return Err(LoadError::BadMagic);
    }
    let Some(header) = bytes.get(..HEADER_V1) else {
        return Err(LoadError::Truncated {
            expected: N::FILE_BYTES,
            found,
        });
    };
    let version = u16::from_le_bytes([header[4], header[5]]);
    let header_len = match version {
        1 => HEADER_V1,
        VERSION => HEADER,
        _ => return Err(LoadError::UnsupportedVersion { found: version }),
    };
    if header[7] != 0 {
        return Err(LoadError::ReservedByte { found: header[7] });
    }
    if usize::from(header[6]) != T::BYTES {
        return Err(LoadError::WrongScalar {
            expected: T::NAME,
            found: header[6],
        });
    }
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
    // Version 2 adds the layer count and the metadata length to the header.
    let (layers, metadata_len) = match bytes.get(..header_len) {
        Some(_) if version == 1 => (0, 0),
        Some(_) => (word(24) as usize, word(28) as usize),
        None => {
            return Err(LoadError::Truncated {
                expected: N::FILE_BYTES,
                found,
            });
        }
    };
    let table_len = if version == 1 {
        0
    } else {
        N::LAYERS * LAYER_ENTRY
    };
    let scalars_len = N::STORED * T::BYTES;
    // The metadata length comes from the file: on a 32-bit target it could overflow the sum.
    let expected = (header_len + table_len + scalars_len + CHECKSUM).saturating_add(metadata_len);
    let signature = u64::from_le_bytes(header[8..16].try_into().unwrap_or_default());
    let expected_signature = net.shape_signature();
    if signature != expected_signature {
        return Err(
            describe_mismatch(net, bytes, layers, metadata_len).unwrap_or(
                LoadError::ShapeMismatch {
                    expected: expected_signature,
                    found: signature,
                },
            ),
        );
    }
    let count = u64::from_le_bytes(header[16..24].try_into().unwrap_or_default());
    if count != N::STORED as u64 {
        return Err(LoadError::CountMismatch {
            expected: N::STORED as u64,
            found: count,
        });
    }
    if version != 1 && layers != N::LAYERS {
        return Err(LoadError::LayerCountMismatch {
            expected: N::LAYERS,
            found: layers,
        });
    }
    if found < expected {
        return Err(LoadError::Truncated { expected, found });
    }
    if found > expected {
        return Err(LoadError::TrailingBytes { expected, found });
    }
    let (contents, stored) = bytes.split_at(expected - CHECKSUM);
    let stored = u32::from_le_bytes(stored.try_into().unwrap_or_default());
    let computed = crc32(contents);
    if stored != computed {
        return Err(LoadError::ChecksumMismatch { stored, computed });
    }
    // The signature matched, but the table must too: a file is the network it lists, so that
    // what loads saves back to the same bytes.
    if version != 1
        && let Some(mismatch) = table_mismatch(net, &contents[header_len..header_len + table_len])
    {
        return Err(mismatch);
    }
    let scalars_at = header_len + table_len;
    let metadata_offset = scalars_at + scalars_len;
    Ok(CheckedFile {
        scalars: &contents[scalars_at..metadata_offset],
        metadata: &contents[metadata_offset..],
        metadata_offset,
    })
}

/// For a file whose shape signature is not network `N`'s: the first layer that differs, from
/// the file's layer table, when the file is whole (its own length and checksum hold), so a
/// damaged file is not read as another network's.
fn describe_mismatch<T: Scalar, N: WeightFile<T>>(
    net: &N,
    bytes: &[u8],
    layers: usize,
    metadata_len: usize,
) -> Option<LoadError> {
    let count = usize::try_from(u64::from_le_bytes(bytes.get(16..24)?.try_into().ok()?)).ok()?;
    let table_len = layers.checked_mul(LAYER_ENTRY)?;
    let own_len = HEADER
        .checked_add(table_len)?
        .checked_add(count.checked_mul(T::BYTES)?)?
        .checked_add(metadata_len)?
        .checked_add(CHECKSUM)?;
    if layers == 0 || own_len != bytes.len() {
        return None;
    }
    let (contents, stored) = bytes.split_at(own_len - CHECKSUM);
    if crc32(contents) != u32::from_le_bytes(stored.try_into().ok()?) {
        return None;
    }
    table_mismatch(net, &contents[HEADER..HEADER + table_len])
}

/// The first layer where the layer table `table` differs from network `net` (a count mismatch
/// if one is a prefix of the other), or `None` when they agree.
fn table_mismatch<T: Scalar, N: WeightFile<T>>(net: &N, table: &[u8]) -> Option<LoadError> {
    let layers = table.len() / LAYER_ENTRY;
    let mut entries = table.chunks_exact(LAYER_ENTRY);
    let mut mismatch = None;
    let mut index = 0;
    net.visit_items(&mut |item| {
        if let Item::Layer(info) = item {
            let expected = FileLayer::of(info);
            // Byte for byte, padding included: what loads must save back the same.
            let mut written = [0u8; LAYER_ENTRY];
            expected.write(&mut written);
            match entries.next() {
                Some(entry) if entry != written && mismatch.is_none() => {
                    mismatch = Some(LoadError::LayerMismatch {
                        layer: index,
                        expected,
                        found: FileLayer::read(entry),
                    });
                }
                _ => {}
            }
            index += 1;
        }
    });
    mismatch.or_else(|| {
        (layers != N::LAYERS).then_some(LoadError::LayerCountMismatch {
            expected: N::LAYERS,
            found: layers,
        })
    })
}

/// Checks every stored value against its tensor's [`Domain`](crate::schema::Domain), before
/// anything is written.
fn check_domains<T: Scalar, N: Persist<T>>(net: &N, body: &[u8]) -> Result<(), LoadError> {
    let mut result = Ok(());
    let mut index = 0;
    net.visit_items(&mut |item| {
        if let Item::Tensor(info, tensor) = item {
            let raw = body.get(index * T::BYTES..).unwrap_or_default();
            for (offset, value) in raw.chunks_exact(T::BYTES).take(tensor.len()).enumerate() {
                if result.is_ok() && !info.domain.allows(T::read_le(value).as_f64()) {
                    result = Err(LoadError::InvalidValue {
                        index: index + offset,
                        tensor: info.name,
                    });
                }
            }
            index += tensor.len();
        }
    });
    result
}

/// The 64-bit FNV-1a hash: small, stable, and enough to tell network shapes apart.
pub(super) struct Fnv1a(pub(super) u64);

impl Fnv1a {
    pub(super) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub(super) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Writes `bytes` to a temporary file beside `path` (same folder, so the rename stays on one
/// file system), flushes it, and renames it over `path`; removes it on any failure.
#[cfg(feature = "std")]
pub(super) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(std::format!(".{}.tmp", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}
