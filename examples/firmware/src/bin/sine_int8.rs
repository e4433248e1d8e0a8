//! The TFLite Micro "hello world" model shape (1-16-16-1, ReLU), trained on the host and
//! quantized to int8, as a whole firmware with nothing else in it: `measure.sh` reports its
//! flash and RAM, to compare with the published figures of TFLite Micro and MicroFlow for the
//! same model. It checks the host's outputs for eight inputs and exits through semihosting;
//! it prints nothing, so no formatting code is linked.
#![no_std]
#![no_main]

use constnet::Int8Module;
use cortex_m_rt::entry;
use cortex_m_semihosting::debug;

mod weights {
    include!("../../assets/sine_int8_net.rs");
}

static NET: <constnet_firmware::Sine as constnet::Quantize<[f32; 1]>>::Int8 = weights::SINE_INT8;

#[entry]
fn main() -> ! {
    let mut passed = true;
    for (x, y) in weights::SINE_CASES {
        // Opaque to the optimizer: the inference runs on the device, from flash.
        let net = core::hint::black_box(&NET);
        passed &= net.forward(&core::hint::black_box(x)) == y;
    }
    debug::exit(if passed {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}
