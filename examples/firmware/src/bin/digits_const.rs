//! Inference on Cortex-M from the Rust source export: the host-trained digits net is a `const`
//! compiled into flash, with nothing to load; it must give the host's outputs bit for bit.
#![no_std]
#![no_main]

use constnet_firmware::{Digits, check_digits};
use cortex_m_rt::entry;

mod weights {
    include!("../../assets/digits_net.rs");
}

static NET: Digits = weights::DIGITS;

#[entry]
fn main() -> ! {
    check_digits(&NET, "const source")
}
