//! Embedding trained nets: the weight file format, nets as Rust source, and import from
//! PyTorch safetensors files.
//!
//! A trained network is plain data: the weights of its layers (chapter section 2) plus, for
//! batch normalization, the running averages inference uses (section 8.3). [`Persist`] walks a
//! network layer by layer, naming each layer's kind and widths and handing out its tensors;
//! the three formats are built on that one walk:
//!
//! - [`WeightFile`]: a versioned binary format of our own (`to_bytes` / `from_bytes`, no heap,
//!   loadable from `include_bytes!`), with a shape signature and a checksum;
//! - [`to_rust_source`] (with `alloc`): Rust source text defining a `const` of the network's
//!   type, so the weights are compiled in;
//! - [`Safetensors`]: the weights of a PyTorch `nn.Sequential` saved with
//!   `safetensors.torch.save_file`.

mod crc32;
mod json;
mod safetensors;
#[cfg(feature = "alloc")]
mod source;
mod weight_file;

pub use safetensors::{DtypeName, ImportError, InlineName, Safetensors, Shape, TensorName};
#[cfg(feature = "alloc")]
pub use source::to_rust_source;
#[cfg(feature = "std")]
pub use weight_file::FileError;
pub use weight_file::{LoadError, NonFinite, SaveError, WeightFile};

use crate::{Params, Scalar};

/// One layer of a network as [`Persist`] walks it, with its tensors as `S` (`&[T]` for
/// reading, `&mut [T]` for writing). Tuples appear as [`Layer::Begin`] ... [`Layer::End`]
/// around their elements.
#[derive(Debug)]
pub enum Layer<S> {
    /// A fully connected layer: `w` is `W` flattened row by row (`inputs x outputs`), `w0` is
    /// `W0` (`outputs`).
    Linear {
        /// Input width.
        inputs: usize,
        /// Output width (units).
        outputs: usize,
        /// `W`, row by row.
        w: S,
        /// `W0`.
        w0: S,
    },
    /// Batch normalization of `units` units: the learned `G` and `B`, the running averages
    /// `mean` and `sigma`, and the one-value tensors `gamma` and `eps`.
    BatchNorm {
        /// Number of units.
        units: usize,
        /// Learned scale `G`.
        g: S,
        /// Learned shift `B`.
        b: S,
        /// Running mean.
        mean: S,
        /// Running standard deviation.
        sigma: S,
        /// Running-average weight (one value).
        gamma: S,
        /// `eps` (one value).
        eps: S,
    },
    /// Dropout of `percent` percent of the units in training.
    Dropout {
        /// The drop percentage.
        percent: u8,
    },
    /// An activation or other module with no weights, by its type's name (`"ReLU"`).
    Activation {
        /// The type's name.
        name: &'static str,
    },
    /// The start of a tuple (a network or a nested block).
    Begin,
    /// The end of the tuple last begun.
    End,
}

/// A module whose weights and state can be saved and loaded: it walks itself layer by layer.
///
/// Implemented for every layer, activation and tuple of the crate. The order of the walk is
/// the order of [`Params::visit`], with each layer's state after its parameters.
pub trait Persist<T: Scalar>: Params<T> {
    /// Number of scalars stored: the parameters and the state (batch norm's running averages,
    /// `gamma` and `eps`).
    const STORED: usize;

    /// Calls `f` with every layer, in order, for reading.
    fn each_layer(&self, f: &mut impl FnMut(Layer<&[T]>));

    /// Calls `f` with every layer, in order, for writing.
    fn each_layer_mut(&mut self, f: &mut impl FnMut(Layer<&mut [T]>));
}

impl<S> Layer<S> {
    /// Calls `f` with each of the layer's tensors, in storage order (none for layers without
    /// weights).
    pub fn for_each_tensor(self, mut f: impl FnMut(S)) {
        match self {
            Layer::Linear { w, w0, .. } => {
                f(w);
                f(w0);
            }
            Layer::BatchNorm {
                g,
                b,
                mean,
                sigma,
                gamma,
                eps,
                ..
            } => {
                for tensor in [g, b, mean, sigma, gamma, eps] {
                    f(tensor);
                }
            }
            Layer::Dropout { .. } | Layer::Activation { .. } | Layer::Begin | Layer::End => {}
        }
    }

    /// The layer's kind and widths, which make up a network's shape signature; `None` for
    /// [`Layer::Begin`] and [`Layer::End`], which do not change what a network computes.
    pub fn signature(&self) -> Option<(&'static str, [usize; 2])> {
        match self {
            Layer::Linear {
                inputs, outputs, ..
            } => Some(("Linear", [*inputs, *outputs])),
            Layer::BatchNorm { units, .. } => Some(("BatchNorm", [*units, 0])),
            Layer::Dropout { percent } => Some(("Dropout", [usize::from(*percent), 0])),
            Layer::Activation { name } => Some((name, [0, 0])),
            Layer::Begin | Layer::End => None,
        }
    }
}
