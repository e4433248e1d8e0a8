//! `from_bytes` on arbitrary bytes: it must return a value or a typed error, never panic, and
//! a file it accepts must save back to the same bytes.
#![no_main]

use constnet::persist::{NonFinite, WeightFile};
use constnet::{BatchNorm, Dropout, Linear, ReLU, Softmax, Tanh};
use libfuzzer_sys::fuzz_target;

type Net = (
    Linear<3, 5>,
    BatchNorm<5>,
    ReLU,
    Dropout<20>,
    (Linear<5, 4>, (Tanh,)),
    Linear<4, 2>,
    Softmax,
);

fuzz_target!(|data: &[u8]| {
    if let Ok(net) = Net::from_bytes(data) {
        assert_eq!(net.to_byte_vec(), data);
    }
    let mut net = Net::default();
    let _ = net.load_bytes(data, NonFinite::Reject);
    // Inputs near a valid file reach the checks past the header: start from one.
    let mut file = Net::default().to_byte_vec();
    for (slot, byte) in file.iter_mut().zip(data) {
        *slot ^= byte;
    }
    let _ = Net::from_bytes(&file);
});
