#![no_std]
#![doc = include_str!("../docs/crate.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
// `unsafe` is allowed in the kernels only (their calls into their AVX2 and FMA builds, zeroed
// memory, and the helper threads' view of a product's part), and in the `Zeroable` promise
// that `zeroable!` writes beside a layer's fields.
#![deny(unsafe_code)]

// The floors, bottom up; every module imports only from the floors below it (CONTRIBUTING.md).
// 0: numbers and every loop over them.
#[doc(hidden)]
pub mod kernels;
mod scalar;
// The public face of the kernels, and the int8 scheme.
pub mod quantization;
pub mod tensor;
// 1: the module API, the one walk over tensors, tuples as networks.
mod module;
// 2: the layers, one file each.
mod layers;
// 3: what training is made of, and data.
pub mod data;
pub mod loss;
pub mod optim;
// 4: training, and the file formats.
pub mod persist;
pub mod train;

#[cfg(feature = "alloc")]
extern crate alloc;
// The unit tests use `std` (the test harness needs it anyway), also in builds without it.
#[cfg(any(feature = "std", test))]
extern crate std;

pub use kernels::Zeroable;
#[cfg(feature = "std")]
pub use kernels::{threads, with_threads};
pub use layers::activation;
pub use layers::activation::{Identity, ReLU, Sigmoid, Softmax, Step, Tanh};
pub use layers::int8::{Int8Linear, Int8ReLU, Int8Sigmoid, Int8Softmax, Int8Table, Int8Tanh};
pub use layers::{BatchNorm, BatchNormTape, Dropout, Linear};
pub use module::{
    Calibrated, EndsWith, Footprint, Int8Import, Int8Module, Int8Net, Int8Persist, Int8Source,
    Layers, Module, Network, Params, Quantize,
};
pub use scalar::{Scalar, math};

/// Networks as types: what a network takes, how it is built, and the bound trainers take
/// (chapter section 2.2). Networks themselves are tuples of layers.
pub mod network {
    #[doc(hidden)]
    pub use crate::module::NestTuplesForMoreThan16Layers;
    pub use crate::module::{AnyWidth, EndsWith, InputWidth, Layers, LinesUp, Network};
}

/// The one walk over a network's tensors (chapter section 2: a layer is its weights), which
/// each layer declares once with [`layer!`](crate::layer): names, roles, starting values and
/// PyTorch names. [`Params`], initialization and every file format are built on
/// it, so a layer defined outside this crate saves, loads, exports and imports like the crate's
/// own.
pub mod schema {
    pub use crate::module::randomize_tensors;
    pub use crate::module::schema::{
        Domain, Init, Item, LayerInfo, OnnxOp, Persist, Role, TensorInfo, Torch, project,
    };
    pub use crate::module::{FieldError, FieldReader, FieldWriter};
    pub use crate::module::{NamedTensor, for_each_tensor};
}

/// The chapter, section by section: each idea's formula, its type here, and code that uses it.
#[doc = include_str!("../docs/guide.md")]
pub mod guide {}

/// Re-exported so generated code and users name the same `rand` (the 0.10 line).
pub use rand;

/// Random numbers without a `rand` dependency of your own: the traits and a portable generator.
///
/// constnet builds on the `rand` 0.10 line (`rand_core` 0.10). A generator from another line
/// (rand 0.9's `Pcg64Mcg`, say) does not implement these traits, and `Net::init(&mut rng)`
/// then fails with an error about `DerefMut` or `Rng` that names no version. Take the
/// generator from here and the versions always match:
///
/// ```
/// use constnet::prelude::*; // brings `Pcg64Mcg` and `SeedableRng` too
///
/// type Net = (Linear<2, 4>, ReLU, Linear<4, 1>);
/// let mut rng = Pcg64Mcg::seed_from_u64(7);
/// let a = Net::init(&mut rng);
/// let b = Net::init(&mut Pcg64Mcg::seed_from_u64(7));
/// assert_eq!(a, b); // same seed, same weights, on 32- and 64-bit targets alike
/// ```
///
/// `Pcg64Mcg` gives the same numbers on every target; `rand`'s `SmallRng` does not (it is
/// another algorithm on 32-bit targets), so seeds pinned in tests would differ on a
/// microcontroller.
pub mod rng {
    pub use rand::{Rng, RngExt, SeedableRng};
    pub use rand_pcg::{Pcg32, Pcg64Mcg};
}

/// Everything a typical program needs, in one `use constnet::prelude::*;`.
pub mod prelude {
    pub use crate::activation::{Identity, ReLU, Sigmoid, Softmax, Step, Tanh};
    pub use crate::loss::{Hinge, Loss, Nll, Nllm, Squared};
    pub use crate::optim::{Adadelta, Adam, Momentum, Optimizer, Sgd, WeightDecay};
    pub use crate::persist::WeightFile;
    pub use crate::rng::{Pcg64Mcg, SeedableRng};
    pub use crate::train::{EarlyStopping, Reduction, StepBuffers, Trainer, evaluate};
    pub use crate::{
        BatchNorm, Dropout, EndsWith, Footprint, Int8Import, Int8Linear, Int8Module, Int8Net,
        Int8ReLU, Int8Sigmoid, Int8Softmax, Int8Tanh, Layers, Linear, Module, Network, Params,
        Quantize, Scalar,
    };
}
