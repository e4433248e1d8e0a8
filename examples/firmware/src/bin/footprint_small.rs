//! One inference of a 4-16-16-3 net from flash: `measure.sh` compares its size with
//! `footprint_baseline` to find the net's own code and weights.
#![no_std]
#![no_main]

use constnet::prelude::*;
use constnet_firmware::finish;
use cortex_m_rt::entry;

mod weights {
    include!("../../assets/small_net.rs");
}

static NET: (
    Linear<4, 16>,
    ReLU,
    Linear<16, 16>,
    ReLU,
    Linear<16, 3>,
    Softmax,
) = weights::SMALL;

#[entry]
fn main() -> ! {
    let x = core::hint::black_box([0.25f32; 4]);
    // Opaque to the optimizer: the weights stay data in flash instead of being folded into the
    // code as constants, as they would be for a net the program reads from a file.
    let net = core::hint::black_box(&NET);
    let p = net.forward(&x);
    core::hint::black_box(p);
    finish(p.iter().all(|v| v.is_finite()))
}
