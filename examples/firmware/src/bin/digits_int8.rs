//! int8 inference on Cortex-M (M0, M3, M4F): the host-quantized digits net is a `const` in
//! flash, and every output byte must equal the host's.
#![no_std]
#![no_main]

use constnet_firmware::{DigitsInt8, check_digits_int8};
use cortex_m_rt::entry;

mod weights {
    include!("../../assets/digits_int8_net.rs");
}

static NET: DigitsInt8 = weights::DIGITS_INT8;

#[entry]
fn main() -> ! {
    check_digits_int8(&NET, "const source")
}
