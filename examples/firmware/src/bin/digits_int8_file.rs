//! int8 inference on Cortex-M from the int8 weight file: the host-quantized digits net comes in
//! through `include_bytes!`, is loaded without a heap, and every output byte must equal the
//! host's.
#![no_std]
#![no_main]

use constnet::persist::Int8WeightFile;
use constnet_firmware::{DigitsInt8, check_digits_int8, finish};
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;

static FILE: &[u8] = include_bytes!("../../assets/digits_int8.cnq8");

#[entry]
fn main() -> ! {
    match DigitsInt8::from_bytes(FILE) {
        Ok(net) => check_digits_int8(&net, "int8 weight file"),
        Err(e) => {
            hprintln!("the int8 weight file does not load: {}", e);
            finish(false)
        }
    }
}
