//! Inference on Cortex-M from the weight file: the host-trained digits net comes in through
//! `include_bytes!`, is loaded without a heap, and must give the host's outputs bit for bit.
#![no_std]
#![no_main]

use constnet::persist::WeightFile;
use constnet_firmware::{Digits, check_digits, finish};
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;

static WEIGHTS: &[u8] = include_bytes!("../../assets/digits.cnet");

#[entry]
fn main() -> ! {
    match Digits::from_bytes(WEIGHTS) {
        Ok(net) => check_digits(&net, "weight file"),
        Err(e) => {
            hprintln!("the weight file does not load: {}", e);
            finish(false)
        }
    }
}
