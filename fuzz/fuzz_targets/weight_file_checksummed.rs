//! A valid weight file changed by the fuzzer, with its checksum recomputed so the changes reach
//! every check past it: an error leaves the net unchanged, and a file that loads saves back to
//! the same bytes (with its metadata section, which the net does not keep, taken out). Its
//! preprocessing metadata is read too, which must give a value or a typed error.
#![no_main]

use constnet::persist::{NonFinite, WeightFile};
use constnet::{BatchNorm, Dropout, Layers, Linear, ReLU, Softmax};
use libfuzzer_sys::fuzz_target;

type Net = (
    Linear<3, 4>,
    BatchNorm<4>,
    ReLU,
    Dropout<20>,
    Linear<4, 2>,
    Softmax,
);

/// CRC-32 (IEEE), as the weight file uses.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fuzz_target!(|data: &[u8]| {
    let start = Net::default();
    let mut file = start.to_byte_vec();
    // The fuzzer's bytes flip bits of the file; a longer input also appends bytes.
    for (at, byte) in data.iter().enumerate() {
        match file.get_mut(at) {
            Some(slot) => *slot ^= byte,
            None => file.push(*byte),
        }
    }
    if file.len() >= 4 {
        let end = file.len() - 4;
        let crc = crc32(&file[..end]);
        file[end..].copy_from_slice(&crc.to_le_bytes());
    }
    for policy in [NonFinite::Accept, NonFinite::Reject] {
        let mut net = Net::zeroed();
        let before = net.clone();
        match net.load_bytes(&file, policy) {
            Ok(()) => {
                let _ = net.preprocessing::<3>(&file);
                // A version 2 file without metadata is exactly what saving writes.
                if file[4..6] == [2, 0] && file[28..32] == [0; 4] {
                    assert_eq!(net.to_byte_vec(), file, "a loaded file saves back the same");
                } else {
                    // Compared as bytes: a NaN weight is not equal to itself.
                    let saved = net.to_byte_vec();
                    assert_eq!(Net::from_bytes(&saved).map(|n| n.to_byte_vec()), Ok(saved));
                }
            }
            Err(_) => assert_eq!(
                net.to_byte_vec(),
                before.to_byte_vec(),
                "a refused file changes nothing"
            ),
        }
    }
});
