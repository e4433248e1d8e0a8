//! `from_bytes` on arbitrary bytes: it must return a value or a typed error, never panic, and
//! a file it accepts must save back to the same bytes (a version 2 file without metadata; a
//! version 1 file, or one with metadata, saves back to the same net).
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
        let _ = net.preprocessing::<3>(data);
        if data[4..6] == [2, 0] && data[28..32] == [0; 4] {
            assert_eq!(net.to_byte_vec(), data);
        } else {
            // Compared as bytes: a NaN weight is not equal to itself.
            let saved = net.to_byte_vec();
            assert_eq!(Net::from_bytes(&saved).map(|n| n.to_byte_vec()), Ok(saved));
        }
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
