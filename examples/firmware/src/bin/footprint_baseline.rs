//! The runtime alone (reset, semihosting exit), for `measure.sh` to subtract from
//! `footprint_small`.
#![no_std]
#![no_main]

use constnet_firmware::finish;
use cortex_m_rt::entry;

#[entry]
fn main() -> ! {
    let x = core::hint::black_box([0.25f32; 4]);
    core::hint::black_box(x);
    finish(true)
}
