//! Embedding trained nets: the weight file format, nets as Rust source, and import from
//! PyTorch safetensors files.
//!
//! A trained network is plain data: the weights of its layers (chapter section 2) plus, for
//! batch normalization, the running averages inference uses (section 8.3). Each layer declares
//! its tensors once ([`schema`](crate::schema)); the three formats here are built on that one
//! walk and know no layer by name, so a custom layer declared with [`layer!`](crate::layer)
//! goes through all of them:
//!
//! - [`WeightFile`]: a versioned binary format of our own (`to_bytes` / `from_bytes`, no heap,
//!   loadable from `include_bytes!`), with a shape signature and a checksum;
//! - [`to_rust_source`] (with `alloc`): Rust source text defining a `const` of the network's
//!   type, so the weights are compiled in;
//! - [`Safetensors`]: the weights of a PyTorch `nn.Sequential` saved with
//!   `safetensors.torch.save_file`, and [`to_safetensors`] (with `alloc`) the other way, with
//!   the names and layouts `load_state_dict` expects;
//! - [`Onnx`]: a model exported by `torch.onnx.export` (or another ONNX exporter), into the
//!   network type the user writes;
//! - [`Tflite`]: an int8 `.tflite` file from TensorFlow's converter, into an int8 network.
//!
//! int8 networks (from [`Quantize`](crate::Quantize)) have their own walk
//! ([`Int8Persist`](crate::Int8Persist)), their own file ([`Int8WeightFile`]) and their own
//! source export ([`to_rust_source_int8`]).

mod chain;
mod crc32;
mod int8_file;
mod json;
mod onnx;
mod preprocessing;
mod safetensors;
#[cfg(feature = "alloc")]
mod source;
mod tflite;
mod weight_file;

pub use crate::module::{Int8ImportError, Int8Op, Int8OpKind, Int8Ops};
pub use int8_file::Int8WeightFile;
pub use onnx::{Layers as OnnxLayers, Onnx, OnnxError, OnnxLayer, OnnxName, OnnxTensor};
pub use preprocessing::{ClassNames, Preprocessing};
pub use safetensors::{DtypeName, ImportError, InlineName, Safetensors, Shape, TensorName};
#[cfg(feature = "alloc")]
pub use safetensors::{to_safetensors, to_safetensors_with};
#[cfg(feature = "alloc")]
pub use source::{SourceError, to_rust_source, to_rust_source_int8, to_rust_source_with};
pub use tflite::{Ops as TfliteOps, Tflite, TfliteError};
#[cfg(feature = "std")]
pub use weight_file::FileError;
pub use weight_file::{FileLayer, LoadError, NonFinite, SaveError, WeightFile};

/// The walk every format is built on, where it was before it moved to
/// [`schema`](crate::schema).
pub use crate::schema::Persist;
