//! TFLite Micro's "hello world" model (1-16-16-1, ReLU) as TensorFlow's converter wrote it, a
//! fully int8 `.tflite` file, loaded on the device from the file itself (`include_bytes!`, no
//! heap) and checked against the TFLite interpreter's outputs for 64 inputs, byte for byte.
//! The host test `tests/tflite_import.rs` checks the same bytes.
#![no_std]
#![no_main]

use constnet::persist::Tflite;
use constnet::{Int8Linear, Int8Module, Int8ReLU};
use constnet_firmware::finish;
use cortex_m_rt::entry;

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
    let net: Sine = match Tflite::parse(core::hint::black_box(MODEL)).and_then(|f| f.load()) {
        Ok(net) => net,
        Err(_) => finish(false),
    };
    let mut passed = true;
    for &(x, y) in &cases::SINE_TFLITE_CASES {
        passed &= net.forward(&core::hint::black_box([x])) == [y];
    }
    finish(passed)
}
