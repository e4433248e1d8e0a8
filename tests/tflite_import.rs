//! `.tflite` import against TFLite's interpreter: int8 files converted by TensorFlow's own
//! converter load into the int8 network types written here and give the interpreter's output
//! bytes (reference kernels), every one, with either of TFLite's roundings.
//!
//! The fixtures are the int8 issue's digits networks (`tests/fixtures/tflite/make_fixture.py`,
//! `run_tflite_2_14.py`) and TFLite Micro's "hello world" sine model shape (`make_sine.py`).
//! Also: each way a file can fail to fit a network is a typed error naming the operator and
//! the layer, and no truncation or single-byte change of a fixture panics.

use constnet::persist::{Int8ImportError, Int8OpKind, Tflite, TfliteError};
use constnet::prelude::*;
use constnet::quantization::Rounding;
use serde_json::Value;

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/tflite/{name}.tflite",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn json(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/tflite/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn int8_rows<const N: usize>(value: &Value) -> Vec<[i8; N]> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|row| match row {
            Value::Array(v) => core::array::from_fn(|i| v[i].as_i64().unwrap() as i8),
            v => core::array::from_fn(|_| v.as_i64().unwrap() as i8),
        })
        .collect()
}

/// How many output bytes differ from the interpreter's, of how many.
fn differing<const IN: usize, const OUT: usize, N: Int8Module<[i8; IN], Output = [i8; OUT]>>(
    net: &N,
    inputs: &Value,
    outputs: &Value,
) -> (usize, usize) {
    let (inputs, outputs) = (int8_rows::<IN>(inputs), int8_rows::<OUT>(outputs));
    assert!(inputs.len() >= 64 && inputs.len() == outputs.len());
    let mut differ = 0;
    for (x, y) in inputs.iter().zip(&outputs) {
        differ += net.forward(x).iter().zip(y).filter(|(a, b)| a != b).count();
    }
    (differ, inputs.len() * OUT)
}

type DigitsRelu = (
    Int8Linear<64, 32>,
    Int8ReLU,
    Int8Linear<32, 10>,
    Int8Softmax,
);
type DigitsTanhSigmoid = (
    Int8Linear<64, 24>,
    Int8Tanh,
    Int8Linear<24, 16>,
    Int8Sigmoid,
    Int8Linear<16, 10>,
    Int8Softmax,
);
type Sine = (
    Int8Linear<1, 16>,
    Int8ReLU,
    Int8Linear<16, 16>,
    Int8ReLU,
    Int8Linear<16, 1>,
);

/// The net loaded from `name.tflite` with each rounding against its own interpreter: TFLite
/// 2.21 (single rounding) and 2.14 (double).
fn check_digits<N: Int8Import + Int8Module<[i8; 64], Output = [i8; 10]>>(name: &str) {
    let bytes = file(name);
    for (rounding, reference) in [
        (Rounding::Single, json(name)),
        (Rounding::Double, json(&format!("{name}_tflite_2_14"))),
    ] {
        let net: N = Tflite::parse(&bytes)
            .unwrap()
            .rounding(rounding)
            .load()
            .unwrap();
        let inputs = json(name)["inputs"].clone();
        let (differ, of) = differing(&net, &inputs, &reference["outputs"]);
        assert_eq!(
            differ, 0,
            "{name} {rounding:?}: {differ} of {of} bytes differ"
        );
    }
}

#[test]
fn digits_files_give_the_interpreters_bytes_with_both_roundings() {
    check_digits::<DigitsRelu>("digits_relu");
    check_digits::<DigitsTanhSigmoid>("digits_tanh_sigmoid");
}

#[test]
fn the_hello_world_sine_model_gives_the_interpreters_bytes() {
    let bytes = file("sine_int8");
    let tflite = Tflite::parse(&bytes).unwrap();
    let reference = json("sine_int8");
    let net: Sine = tflite.load().unwrap();
    let (differ, of) = differing(&net, &reference["inputs"], &reference["outputs"]);
    assert_eq!(differ, 0, "{differ} of {of} bytes differ");
    // The file's interface parameters are the interpreter's.
    assert_eq!(
        tflite.input_params().scale as f64,
        reference["input"]["scale"].as_f64().unwrap()
    );
    assert_eq!(
        tflite.output_params().zero_point as i64,
        reference["output"]["zero_point"].as_i64().unwrap()
    );
    // Without the ReLU layers the fused clamps still do the work: the same bytes.
    let fused_only: (Int8Linear<1, 16>, Int8Linear<16, 16>, Int8Linear<16, 1>) =
        tflite.load().unwrap();
    assert_eq!(
        differing(&fused_only, &reference["inputs"], &reference["outputs"]).0,
        0
    );
}

#[test]
fn a_file_that_does_not_fit_is_a_typed_error_naming_operator_and_layer() {
    let bytes = file("digits_tanh_sigmoid");
    let tflite = Tflite::parse(&bytes).unwrap();
    let swapped = tflite
        .load::<(
            Int8Linear<64, 24>,
            Int8Sigmoid,
            Int8Linear<24, 16>,
            Int8Sigmoid,
            Int8Linear<16, 10>,
            Int8Softmax,
        )>()
        .unwrap_err();
    assert_eq!(
        swapped,
        TfliteError::Layer(Int8ImportError::Mismatch {
            layer: 1,
            kind: "Sigmoid",
            op: 1,
            found: Int8OpKind::Tanh
        })
    );
    assert_eq!(
        swapped.to_string(),
        "layer 1 (Sigmoid) does not compute operator 1 (TANH)"
    );
    let short = tflite
        .load::<(Int8Linear<64, 24>, Int8Tanh, Int8Linear<24, 16>)>()
        .unwrap_err();
    assert_eq!(
        short,
        TfliteError::Layer(Int8ImportError::ExtraOp {
            op: 3,
            found: Int8OpKind::Logistic
        })
    );
    let long = tflite.load::<(DigitsTanhSigmoid, Int8ReLU)>().unwrap_err();
    assert_eq!(
        long,
        TfliteError::Layer(Int8ImportError::MissingOp {
            layer: 6,
            kind: "Int8ReLU"
        })
    );
    // A ReLU where the file has none fused and no RELU operator.
    let relu = tflite
        .load::<(Int8Linear<64, 24>, Int8ReLU, Int8Tanh)>()
        .unwrap_err();
    assert!(
        matches!(
            relu,
            TfliteError::Layer(Int8ImportError::Mismatch {
                layer: 1,
                found: Int8OpKind::Tanh,
                ..
            })
        ),
        "{relu:?}"
    );
    // Not a .tflite file at all.
    assert_eq!(
        Tflite::parse(&file("sine_f32")[..4]).unwrap_err(),
        TfliteError::NotTflite
    );
    // A float model is not an int8 one, nor the other way round.
    let float = file("sine_f32");
    assert_eq!(
        Tflite::parse(&float).unwrap().load::<Sine>().unwrap_err(),
        TfliteError::Precision { int8_file: false }
    );
    assert_eq!(
        tflite
            .load_float::<f32, (Linear<64, 24>, Tanh)>()
            .unwrap_err(),
        TfliteError::Precision { int8_file: true }
    );
}

type SineF32 = (Linear<1, 16>, ReLU, Linear<16, 16>, ReLU, Linear<16, 1>);

#[test]
fn a_float_model_loads_into_a_float_net_with_the_interpreters_outputs() {
    let bytes = file("sine_f32");
    let tflite = Tflite::parse(&bytes).unwrap();
    assert!(!tflite.is_quantized());
    let net: SineF32 = tflite.load_float().unwrap();
    let reference = json("sine_f32");
    let inputs = reference["inputs"].as_array().unwrap();
    let outputs = reference["outputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 64);
    let mut worst = 0.0f64;
    for (x, y) in inputs.iter().zip(outputs) {
        let out = net.forward(&[x.as_f64().unwrap() as f32])[0];
        worst = worst.max((f64::from(out) - y.as_f64().unwrap()).abs());
    }
    eprintln!("sine_f32: largest difference from the interpreter {worst:e}");
    assert!(worst < 1e-6, "{worst:e}");

    // The fused ReLUs are layers of their own in a float net: without them, the graph's
    // second layer is a RELU where the net has a Linear.
    let err = tflite
        .load_float::<f32, (Linear<1, 16>, Linear<16, 16>, Linear<16, 1>)>()
        .unwrap_err();
    assert_eq!(
        err,
        TfliteError::FloatMismatch {
            layer: 1,
            kind: "Linear",
            op: 0,
            found: "RELU"
        }
    );
    let err = tflite
        .load_float::<f32, (Linear<1, 8>, ReLU, Linear<8, 16>, ReLU, Linear<16, 1>)>()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "operator 0: its weight has shape [16, 1], layer 0 needs [8, 1]"
    );
    // Unchanged on error, even where the layers before the failing one fit.
    let mut kept = (
        Linear::<1, 16>::zeros(),
        ReLU,
        Linear::<16, 16>::zeros(),
        ReLU,
        Linear::<16, 2>::zeros(),
    );
    kept.0.w[0][0] = 3.0;
    assert!(matches!(
        tflite.load_float_into(&mut kept),
        Err(TfliteError::WrongShape {
            op: 2,
            layer: 4,
            ..
        })
    ));
    assert_eq!(kept.0.w[0][0], 3.0);
    assert!(kept.2.w.iter().flatten().all(|&w| w == 0.0));

    // A NaN weight loads as it is by default, and is refused on request, by operator,
    // layer, tensor and index.
    let mut poisoned = bytes.clone();
    let first = net.0.w[0][3].to_le_bytes();
    let at = poisoned
        .windows(4)
        .position(|w| w == first)
        .expect("the weight's bytes are in the file");
    poisoned[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let accepting: SineF32 = Tflite::parse(&poisoned).unwrap().load_float().unwrap();
    assert!(accepting.0.w[0][3].is_nan());
    let err = Tflite::parse(&poisoned)
        .unwrap()
        .non_finite(constnet::persist::NonFinite::Reject)
        .load_float::<f32, SineF32>()
        .unwrap_err();
    assert_eq!(
        err,
        TfliteError::NotFinite {
            op: 0,
            layer: 0,
            field: "weight",
            index: 3
        }
    );
}

/// Parses and loads `bytes`, which must not panic.
fn try_load(bytes: &[u8]) {
    if let Ok(tflite) = Tflite::parse(bytes) {
        let _ = tflite.load_float::<f32, SineF32>();
        let _ = tflite.load::<Sine>();
        let _ = tflite.load::<(Int8Linear<1, 16>, Int8Linear<16, 16>, Int8Linear<16, 1>)>();
        let _ = tflite.ops().count();
    }
}

#[test]
fn truncations_and_single_byte_changes_never_panic() {
    for name in ["sine_int8", "sine_f32"] {
        truncate_and_change(&file(name));
    }
}

fn truncate_and_change(bytes: &[u8]) {
    for len in 0..bytes.len() {
        try_load(&bytes[..len]);
    }
    let mut changed = bytes.to_vec();
    for at in 0..bytes.len() {
        for value in [0x00, 0xff, bytes[at] ^ 0x80, bytes[at].wrapping_add(1)] {
            changed[at] = value;
            try_load(&changed);
        }
        changed[at] = bytes[at];
    }
}
