//! constnet without `std` and without `alloc`, on the host: this staticlib has its own panic
//! handler and no global allocator, so it links into a C program only if nothing in constnet
//! needs either. `selftest.c` calls [`constnet_selftest`] and exits with its result.
#![no_std]

use constnet::persist::WeightFile;
use constnet::prelude::*;

type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);

#[allow(dead_code)] // the true labels are for the firmware
mod cases {
    include!("../../firmware/assets/digits_cases.rs");
}

static WEIGHTS: &[u8] = include_bytes!("../../firmware/assets/digits.cnet");

/// Loads the digits net from its weight file, runs it on the host-computed cases, and returns
/// the number of predicted classes that differ from the host's (0 passes); -1 if the weight file
/// does not load.
#[unsafe(no_mangle)]
pub extern "C" fn constnet_selftest() -> i32 {
    let Ok(net) = Digits::from_bytes(WEIGHTS) else {
        return -1;
    };
    let mut differ = 0;
    for (x, bits) in cases::INPUTS.iter().zip(&cases::OUTPUT_BITS) {
        let host = bits.map(f32::from_bits);
        if constnet::tensor::argmax(&net.forward(x)) != constnet::tensor::argmax(&host) {
            differ += 1;
        }
    }
    differ
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
