#![no_std]
#![doc = include_str!("../docs/crate.md")]
#![deny(missing_docs)]
// `unsafe` is allowed in the kernels only: their calls into their AVX2 and FMA builds, and
// `kernels::zeroable`, which makes networks on the heap in place.
#![deny(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod activation;
mod batch_norm;
pub mod data;
mod dropout;
mod footprint;
pub mod kernels;
mod linear;
pub mod loss;
mod module;
pub mod network;
pub mod optim;
mod params;
pub mod persist;
mod scalar;
mod stored;
pub mod tensor;
pub mod train;

pub use activation::{Identity, ReLU, Sigmoid, Softmax, Step, Tanh};
pub use batch_norm::{BatchNorm, BatchNormTape};
pub use dropout::Dropout;
pub use footprint::Footprint;
pub use kernels::Zeroable;
pub use linear::Linear;
pub use module::Module;
pub use network::{EndsWith, Layers, Network};
pub use params::Params;
pub use scalar::{Scalar, math};

/// The chapter, section by section: each idea's formula, its type here, and code that uses it.
#[doc = include_str!("../docs/guide.md")]
pub mod guide {}

/// Re-exported so generated code and users name the same `rand`.
pub use rand;

/// Everything a typical program needs, in one `use constnet::prelude::*;`.
pub mod prelude {
    pub use crate::activation::{Identity, ReLU, Sigmoid, Softmax, Step, Tanh};
    pub use crate::loss::{Hinge, Loss, Nll, Nllm, Squared};
    pub use crate::optim::{Adadelta, Adam, Momentum, Optimizer, Sgd, WeightDecay};
    pub use crate::train::{EarlyStopping, Reduction, Trainer, evaluate};
    pub use crate::{
        BatchNorm, Dropout, EndsWith, Footprint, Layers, Linear, Module, Network, Params, Scalar,
    };
}
