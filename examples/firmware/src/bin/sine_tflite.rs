//! TFLite Micro's "hello world" model (1-16-16-1, ReLU) as TensorFlow's converter wrote it, a
//! fully int8 `.tflite` file, loaded on the device from the file itself (`include_bytes!`, no
//! heap) and checked against the TFLite interpreter's outputs for 64 inputs, byte for byte.
//! The host test `tests/tflite_import.rs` checks the same bytes. Like `sine_int8`, it prints
//! nothing (it exits through semihosting), so `measure.sh` can set the two side by side: what
//! reading the file on the device costs beside a net compiled in as a `const`.
#![no_std]
#![no_main]

use constnet::persist::Tflite;
use constnet::{Int8Linear, Int8Module, Int8ReLU};
use cortex_m_rt::entry;
use cortex_m_semihosting::debug;
// The panic handler and the board support, as every program here.
use constnet_firmware as _;

mod cases {
    include!("../../assets/sine_tflite_cases.rs");
}

static MODEL: &[u8] = include_bytes!("../../../../tests/fixtures/tflite/sine_int8.tflite");

type Sine = (
    Int8Linear<1, 16>,
    Int8ReLU,
    Int8Linear<16, 16>,
    Int8ReLU,
    Int8Linear<16, 1>,
);

#[entry]
fn main() -> ! {
    // Opaque to the optimizer: the file is parsed on the device.
    let loaded: Result<Sine, _> =
        Tflite::parse(core::hint::black_box(MODEL)).and_then(|file| file.load());
    let passed = match loaded {
        Ok(net) => cases::SINE_TFLITE_CASES
            .iter()
            .all(|&(x, y)| net.forward(&core::hint::black_box([x])) == [y]),
        Err(_) => false,
    };
    debug::exit(if passed {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}
