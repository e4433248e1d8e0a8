//! `sine_int8` without the network: the runtime alone (reset, one semihosting exit), for
//! `measure.sh` to subtract and find the network's own code and constants.
#![no_std]
#![no_main]

// The same panic handler as `sine_int8`, which links the shared crate.
use constnet_firmware as _;
use cortex_m_rt::entry;
use cortex_m_semihosting::debug;

#[entry]
fn main() -> ! {
    let passed = core::hint::black_box(true);
    debug::exit(if passed {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}
