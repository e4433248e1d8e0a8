//! The three networks of the workloads in `benches/README.md`, shared by the criterion
//! benchmarks and the comparison harness (`#[path]`-included, as the examples' data loaders are).

use constnet::prelude::*;

/// A: 4-16-16-3 (ReLU, ReLU, softmax).
pub type NetA = (
    Linear<4, 16>,
    ReLU,
    Linear<16, 16>,
    ReLU,
    Linear<16, 3>,
    Softmax,
);
/// B: 64-32-10 (ReLU, softmax).
pub type NetB = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);
/// C: 784-128-64-10 (ReLU, ReLU, softmax).
pub type NetC = (
    Linear<784, 128>,
    ReLU,
    Linear<128, 64>,
    ReLU,
    Linear<64, 10>,
    Softmax,
);
