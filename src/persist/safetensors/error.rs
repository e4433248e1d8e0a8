//! What can go wrong in an import, each with what it concerns.

use core::fmt;

use super::name::{DtypeName, TensorName};
use super::shape::Shape;

/// Why a safetensors file could not be imported. The network is unchanged.
///
/// ```
/// use constnet::persist::{ImportError, Safetensors};
/// use constnet::prelude::*;
/// let file = constnet::persist::to_safetensors(&<(Linear<4, 8>,)>::zeroed());
/// let error = Safetensors::parse(&file)?.load::<f32, (Linear<4, 6>,)>().unwrap_err();
/// assert!(matches!(error, ImportError::WrongShape { layer: 0, field: "weight", .. }));
/// assert!(matches!(Safetensors::parse(&file[..20]), Err(ImportError::Truncated { .. })));
/// # Ok::<(), ImportError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImportError {
    /// The file is shorter than its 8-byte header length, or than the header it announces.
    Truncated {
        /// Bytes needed.
        needed: u64,
        /// Bytes given.
        found: usize,
    },
    /// The header is not UTF-8 JSON with an object at the top.
    BadHeader {
        /// Byte offset of the problem within the JSON header.
        offset: usize,
    },
    /// The header announces more than the official reader's 100 MB limit.
    HeaderTooLarge {
        /// The header length announced.
        announced: u64,
    },
    /// `__metadata__` is given twice, or is not a map of strings (or `null`).
    BadMetadata,
    /// A preprocessing key of `__metadata__` is malformed (see
    /// [`to_safetensors_with`](crate::persist::to_safetensors_with) for what each holds), or
    /// only one of the standardizer's two keys is there.
    BadPreprocessing {
        /// The key.
        key: &'static str,
    },
    /// The standardizer in `__metadata__` has another number of values than the inputs asked
    /// for.
    PreprocessingWidth {
        /// The key.
        key: &'static str,
        /// Inputs asked for.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// Two tensors have the same name (the official reader would keep the last silently).
    DuplicateTensor {
        /// The name.
        name: TensorName,
    },
    /// The tensors' data ends before the file does.
    TrailingBytes {
        /// Where the tensors' data ends, in the data section.
        expected: usize,
        /// The data section's length.
        found: usize,
    },
    /// A header entry lacks a string `dtype` the official reader knows, an integer array
    /// `shape` or a two-integer `data_offsets`, or gives one of them twice.
    BadEntry {
        /// The entry's name.
        name: TensorName,
    },
    /// A tensor's data lies outside the file, or its size does not match its dtype and shape.
    BadOffsets {
        /// The tensor's name.
        name: TensorName,
    },
    /// The network needs a tensor the file does not have: `{prefix}{layer}.{field}`.
    MissingTensor {
        /// Index of the layer in the network (and of the module in the `nn.Sequential`).
        layer: usize,
        /// The tensor's field name (`weight`, `bias`, `running_mean`, `running_var`).
        field: &'static str,
    },
    /// The file has a tensor the network has no place for.
    UnexpectedTensor {
        /// The tensor's name.
        name: TensorName,
    },
    /// A tensor's dtype does not convert exactly to the network's scalar type.
    WrongDtype {
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// The network's scalar type.
        expected: &'static str,
        /// The file's dtype.
        found: DtypeName,
    },
    /// A tensor holds NaN or an infinity (reported only with
    /// [`NonFinite::Reject`](crate::persist::NonFinite::Reject)).
    NotFinite {
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// Index of the value in the tensor.
        index: usize,
    },
    /// A tensor holds a value its layer cannot take (a negative `running_var`).
    InvalidValue {
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// Index of the value in the tensor.
        index: usize,
    },
    /// A tensor's shape is not the one the network's layer needs.
    WrongShape {
        /// Index of the layer.
        layer: usize,
        /// The tensor's field name.
        field: &'static str,
        /// The shape the layer needs.
        expected: Shape,
        /// The file's shape.
        found: Shape,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { needed, found } => write!(
                f,
                "safetensors file truncated: {found} bytes, its header needs {needed}"
            ),
            Self::BadHeader { offset } => {
                write!(f, "safetensors header is not valid JSON (at byte {offset})")
            }
            Self::HeaderTooLarge { announced } => write!(
                f,
                "safetensors header of {announced} bytes: the limit is 100000000"
            ),
            Self::BadPreprocessing { key } => write!(
                f,
                "safetensors metadata `{key}` is malformed (or its partner key is missing)"
            ),
            Self::PreprocessingWidth {
                key,
                expected,
                found,
            } => write!(
                f,
                "safetensors metadata `{key}` has {found} values, the network takes {expected} \
                 inputs"
            ),
            Self::BadMetadata => write!(
                f,
                "safetensors `__metadata__` is given twice or is not a map of strings"
            ),
            Self::DuplicateTensor { name } => {
                write!(f, "the file has two tensors named {name}")
            }
            Self::TrailingBytes { expected, found } => write!(
                f,
                "safetensors data section has {found} bytes; its tensors end at {expected}"
            ),
            Self::BadEntry { name } => write!(
                f,
                "safetensors entry {name} lacks a dtype, a shape or two data offsets"
            ),
            Self::BadOffsets { name } => write!(
                f,
                "tensor {name}: its data lies outside the file or does not match its shape"
            ),
            Self::MissingTensor { layer, field } => write!(
                f,
                "layer {layer} of the network needs tensor `{layer}.{field}`, which the file lacks"
            ),
            Self::UnexpectedTensor { name } => write!(
                f,
                "the file has tensor {name}, which no layer of the network takes"
            ),
            Self::WrongDtype {
                layer,
                field,
                expected,
                found,
            } => write!(
                f,
                "tensor `{layer}.{field}` has dtype {found}, which does not convert exactly to \
                 {expected}"
            ),
            Self::NotFinite {
                layer,
                field,
                index,
            } => write!(
                f,
                "tensor `{layer}.{field}` holds NaN or an infinity at index {index}"
            ),
            Self::InvalidValue {
                layer,
                field,
                index,
            } => write!(
                f,
                "tensor `{layer}.{field}` holds a value layer {layer} cannot take at index {index} \
                 (a variance below zero?)"
            ),
            Self::WrongShape {
                layer,
                field,
                expected,
                found,
            } => write!(
                f,
                "tensor `{layer}.{field}` has shape {found}, layer {layer} of the network needs \
                 {expected}"
            ),
        }
    }
}

impl core::error::Error for ImportError {}
