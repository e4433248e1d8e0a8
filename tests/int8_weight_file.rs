//! The int8 weight file: a quantized net round-trips bit for bit, and a damaged, truncated or
//! foreign file is a typed error, never a panic and never a half-loaded net.

mod common;

use common::{Float8, crc32, float8_calibration, rng};
use constnet::persist::{Int8WeightFile, LoadError};
use constnet::prelude::*;
use constnet::quantization::Rounding;

type Int8 = <Float8 as Quantize<[f32; 3]>>::Int8;

fn calibration() -> Vec<[f32; 3]> {
    float8_calibration()
}

fn quantized(rounding: Rounding) -> Int8 {
    Float8::init(&mut rng(82))
        .quantize_with(&calibration(), rounding)
        .unwrap()
}

#[test]
fn round_trip_gives_the_same_net_in_both_roundings() {
    for rounding in [Rounding::Single, Rounding::Double] {
        let q = quantized(rounding);
        let bytes = q.to_byte_vec();
        assert_eq!(bytes.len(), q.file_bytes());
        let loaded = Int8::from_bytes(&bytes).unwrap();
        assert_eq!(loaded, q);
        for x in &calibration() {
            let x = q.quantize_input(x).unwrap();
            assert_eq!(loaded.forward(&x), q.forward(&x));
        }
        // Through the file system too.
        let path = std::env::temp_dir().join(format!("constnet-int8-{}.cnq8", std::process::id()));
        q.save(&path).unwrap();
        assert_eq!(Int8::load(&path).unwrap(), q);
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn a_file_for_another_type_is_refused() {
    let bytes = quantized(Rounding::Single).to_byte_vec();
    type Other = (Int8Linear<3, 4>, Int8ReLU);
    assert!(matches!(
        Other::from_bytes(&bytes),
        Err(LoadError::ShapeMismatch { .. })
    ));
    let mut buffer = [0u8; 16];
    assert!(quantized(Rounding::Single).to_bytes(&mut buffer).is_err());
}

#[test]
fn every_truncation_and_every_changed_byte_is_an_error() {
    let bytes = quantized(Rounding::Single).to_byte_vec();
    for len in 0..bytes.len() {
        assert!(
            Int8::from_bytes(&bytes[..len]).is_err(),
            "truncated to {len} bytes"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(
        Int8::from_bytes(&longer),
        Err(LoadError::TrailingBytes { .. })
    ));
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut damaged = bytes.clone();
            damaged[i] ^= flip;
            assert!(
                Int8::from_bytes(&damaged).is_err(),
                "byte {i} ^ {flip:#x} loaded"
            );
        }
    }
}

#[test]
fn a_well_checksummed_file_with_a_bad_value_names_it() {
    let q = quantized(Rounding::Single);
    let mut bytes = q.to_byte_vec();
    // The first layer's fields: 12 weights, 4 + 4 int32s, 4 shifts, output_min, rounding,
    // then the input's scale.
    let scale = 24 + 12 + 16 + 16 + 4 + 1 + 1;
    bytes[scale..scale + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let end = bytes.len() - 4;
    let crc = crc32(&bytes[..end]);
    bytes[end..].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(
        Int8::from_bytes(&bytes),
        Err(LoadError::InvalidValue {
            index: scale,
            tensor: "input"
        })
    );
    // A rounding byte that is neither 0 nor 1.
    let mut bytes = q.to_byte_vec();
    bytes[scale - 1] = 7;
    let crc = crc32(&bytes[..end]);
    bytes[end..].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(
        Int8::from_bytes(&bytes),
        Err(LoadError::InvalidValue {
            index: scale - 1,
            tensor: "rounding"
        })
    );
}
