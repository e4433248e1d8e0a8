//! Silent wrong answers, each class pinned by a test that failed before its fix
//! (RELIABILITY.md lists what the library promises and where each promise is tested).

mod common;

use common::rng;
use constnet::data::{ConfusionMatrix, CsvErrorKind, Header, parse_labeled_csv, to_class};
use constnet::loss::Loss;
use constnet::persist::{LoadError, WeightFile};
use constnet::prelude::*;

// ---- NaN is never masked ----

#[test]
fn relu_keeps_nan_as_pytorch_does() {
    let out = ReLU.forward(&[f32::NAN, -1.0, 2.0]);
    assert!(out[0].is_nan(), "ReLU(NaN) = {}", out[0]);
    assert_eq!(out[1..], [0.0, 2.0]);
}

#[test]
fn argmax_and_to_class_name_a_nan_as_pytorch_does() {
    // torch.argmax treats NaN as the maximum.
    assert_eq!(to_class(&[0.1f32, f32::NAN, 0.5]), 1);
    assert_eq!(constnet::tensor::argmax(&[f64::NAN, 3.0]), 0);
    assert_eq!(
        constnet::tensor::argmax(&[1.0f64, 3.0, 3.0]),
        1,
        "first of the largest"
    );
}

#[test]
fn losses_of_a_nan_output_or_target_are_nan() {
    let y = [0.0f32, 1.0];
    assert!(Loss::value(&Nllm, &[f32::NAN, f32::NAN], &y).is_nan());
    assert!(Loss::value(&Nllm, &[0.5, f32::NAN], &y).is_nan());
    assert!(Loss::value(&Nll, &[f32::NAN], &[1.0]).is_nan());
    assert!(Loss::value(&Hinge, &[0.5f32], &[f32::NAN]).is_nan());
    assert!(Loss::grad(&Hinge, &[0.5f32], &[f32::NAN])[0].is_nan());
    assert!(Loss::value(&Squared, &[f32::NAN], &[1.0]).is_nan());
    // A NaN output is never a right guess.
    for loss_correct in [
        Loss::correct(&Nllm, &[f32::NAN, f32::NAN], &y),
        Loss::correct(&Nll, &[f32::NAN], &[0.0]),
        Loss::correct(&Hinge, &[f32::NAN], &[-1.0]),
    ] {
        assert_eq!(loss_correct, Some(false));
    }
}

#[test]
fn an_all_nan_net_reports_no_finite_loss_and_no_accuracy() {
    type Net = (Linear<2, 2>, ReLU, Linear<2, 2>, Softmax);
    let mut net = Net::zeroed();
    net.0.w = [[f32::NAN; 2]; 2];
    let x = [[1.0, 2.0], [3.0, 4.0]];
    let y = [[1.0, 0.0], [0.0, 1.0]];
    let eval = evaluate(&net, &Nllm, &x, &y).unwrap();
    assert!(eval.loss.is_nan(), "loss {}", eval.loss);
    assert_eq!(eval.accuracy, Some(0.0));
}

// ---- Data that does not fit its type is an error ----

#[test]
fn a_csv_value_that_overflows_f32_is_not_finite() {
    let error =
        parse_labeled_csv::<f32, 2>("a,b,label\n1.0,1e39,0\n", Header::Present).unwrap_err();
    assert_eq!((error.line, error.column), (2, 2));
    assert_eq!(error.kind, CsvErrorKind::NotFinite);
    // In f64 the same value is fine.
    assert!(parse_labeled_csv::<f64, 2>("1.0,1e39,0\n", Header::Absent).is_ok());
}

#[test]
fn confusion_counts_saturate_instead_of_overflowing() {
    let mut m = ConfusionMatrix::<2>::default();
    m.counts[0][0] = usize::MAX;
    m.counts[1][1] = 5;
    assert!(!m.record(0, 0), "a full count is not counted again");
    assert_eq!(m.counts[0][0], usize::MAX);
    assert_eq!(m.total(), usize::MAX);
    assert_eq!(m.correct(), usize::MAX);
    assert!(m.record(1, 1));
}

// ---- Files are read exactly ----

#[test]
fn the_weight_files_reserved_byte_must_be_zero() {
    type Net = (Linear<2, 2>, Sigmoid);
    let net = Net::init(&mut rng(1));
    let mut bytes = net.to_byte_vec();
    bytes[7] = 1;
    // Recompute the checksum, so the reserved byte is the only thing wrong.
    let end = bytes.len() - 4;
    let crc = crc32(&bytes[..end]);
    bytes[end..].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(
        Net::from_bytes(&bytes),
        Err(LoadError::ReservedByte { found: 1 })
    );
}

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

#[test]
fn a_split_of_mismatched_or_invalid_input_is_an_error() {
    use constnet::data::{SplitError, train_test_split};
    let x = [[1.0f32]; 10];
    let y = [[0.0f32]; 9];
    assert_eq!(
        train_test_split(&x, &y, 0.2, &mut rng(1)),
        Err(SplitError::LengthMismatch {
            inputs: 10,
            targets: 9
        })
    );
    for fraction in [f64::NAN, -0.1, 1.5] {
        let error = train_test_split(&x, &x, fraction, &mut rng(1)).unwrap_err();
        assert!(
            matches!(error, SplitError::InvalidFraction(f) if f.to_bits() == fraction.to_bits())
        );
    }
}

#[test]
fn a_standardizer_of_a_nan_column_is_an_error() {
    use constnet::data::{StandardizeError, Standardizer};
    let x = [[1.0f64, 2.0], [3.0, f64::INFINITY], [f64::NAN, 0.0]];
    assert_eq!(
        Standardizer::fit(&x),
        Err(StandardizeError::NotFinite {
            sample: 1,
            feature: 1
        })
    );
    // Finite extremes stay finite.
    let huge = Standardizer::fit(&[[f32::MAX], [-f32::MAX]]).unwrap();
    assert_eq!((huge.mean, huge.std), ([0.0], [f32::MAX]));
}
