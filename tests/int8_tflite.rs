//! int8 inference against TFLite's interpreter with its reference kernels, byte for byte.
//!
//! The fixtures (`tests/fixtures/tflite/`, made by `make_fixture.py` there) hold two digits
//! networks trained in Keras, converted by TensorFlow's converter to fully int8 `.tflite` files,
//! every quantized tensor of those files, and the interpreter's int8 outputs for 300 held-out
//! images: from TFLite 2.21, which rounds once ([`Rounding::Single`]), and from TFLite 2.14
//! (`run_tflite_2_14.py`), which rounds twice as TFLite Micro and CMSIS-NN do
//! ([`Rounding::Double`]). The two differ in 4 of the 3000 bytes of the tanh/sigmoid net, so
//! each rounding is checked against its own interpreter. The tests check
//! - the kernels: the networks built here from the file's own integers give the interpreter's
//!   output bytes, every one;
//! - the quantizer: `quantize` on the same float weights and calibration images derives the
//!   converter's integers (weights, biases, zero points) and scales, and its network gives
//!   the same bytes too.

use constnet::quantization::{QuantParams, QuantizeError, Rounding};
use constnet::{
    Int8Linear, Int8Module, Int8ReLU, Int8Sigmoid, Int8Softmax, Int8Tanh, Linear, Quantize, ReLU,
    Sigmoid, Softmax, Tanh,
};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/tflite/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    value["name"] = name.into();
    value
}

fn f32s(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn array<T: Copy, const N: usize>(values: &[T]) -> [T; N] {
    assert_eq!(values.len(), N);
    core::array::from_fn(|i| values[i])
}

fn params(tensor: &Value) -> QuantParams {
    QuantParams {
        scale: tensor["scales"][0].as_f64().unwrap() as f32,
        zero_point: tensor["zero_points"][0].as_i64().unwrap() as i32,
    }
}

/// The `index`-th FULLY_CONNECTED of the file as an int8 layer, from the file's integers.
fn tflite_linear<const IN: usize, const OUT: usize>(
    fixture: &Value,
    index: usize,
    fused_relu: bool,
    rounding: Rounding,
) -> Int8Linear<IN, OUT> {
    let op = fixture["ops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|op| op["op"] == "FULLY_CONNECTED")
        .nth(index)
        .unwrap();
    let [input, weights, bias] = [&op["inputs"][0], &op["inputs"][1], &op["inputs"][2]];
    let rows: Vec<[i8; IN]> = weights["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| array(&ints(row).iter().map(|&w| w as i8).collect::<Vec<_>>()))
        .collect();
    let scales = f32s(&weights["scales"]);
    let scales: [f32; OUT] = if scales.len() == 1 {
        [scales[0]; OUT]
    } else {
        array(&scales)
    };
    Int8Linear::from_parts(
        array(&rows),
        array(
            &ints(&bias["values"])
                .iter()
                .map(|&b| b as i32)
                .collect::<Vec<_>>(),
        ),
        scales,
        params(input),
        params(&op["outputs"][0]),
        fused_relu,
        rounding,
    )
    .unwrap()
}

fn inputs(fixture: &Value) -> Vec<[i8; 64]> {
    fixture["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| array(&ints(row).iter().map(|&x| x as i8).collect::<Vec<_>>()))
        .collect()
}

/// The interpreter's outputs: TFLite 2.21's for single rounding, 2.14's for double.
fn expected(fixture: &Value, rounding: Rounding) -> Vec<[i8; 10]> {
    let outputs = match rounding {
        Rounding::Single => fixture["outputs"].clone(),
        Rounding::Double => {
            let name = fixture["name"].as_str().unwrap();
            self::fixture(&format!("{name}_tflite_2_14"))["outputs"].clone()
        }
    };
    outputs
        .as_array()
        .unwrap()
        .iter()
        .map(|row| array(&ints(row).iter().map(|&x| x as i8).collect::<Vec<_>>()))
        .collect()
}

/// Every output byte equal; on failure, how many of how many differ, and the first case.
fn assert_same_bytes<N: Int8Module<[i8; 64], Output = [i8; 10]>>(
    net: &N,
    fixture: &Value,
    rounding: Rounding,
) {
    let inputs = inputs(fixture);
    let expected = expected(fixture, rounding);
    assert!(inputs.len() >= 200);
    let mut differing = 0;
    let mut first = None;
    for (k, (x, want)) in inputs.iter().zip(&expected).enumerate() {
        let got = net.forward(x);
        let bytes = got.iter().zip(want).filter(|(a, b)| a != b).count();
        if bytes > 0 && first.is_none() {
            first = Some((k, got, *want));
        }
        differing += bytes;
    }
    assert_eq!(
        differing,
        0,
        "{rounding:?} rounding: {differing} of {} output bytes differ from TFLite's; first: {first:?}",
        inputs.len() * 10
    );
}

fn float_linear<const IN: usize, const OUT: usize>(layer: &Value) -> Linear<IN, OUT> {
    let rows: Vec<[f32; OUT]> = layer["w"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| array(&f32s(row)))
        .collect();
    Linear {
        w: array(&rows),
        w0: array(&f32s(&layer["w0"])),
    }
}

fn calibration(fixture: &Value) -> Vec<[f32; 64]> {
    fixture["calibration"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| array(&f32s(row)))
        .collect()
}

/// The quantizer's layer against the converter's: the same integers and zero points, scales
/// equal to f32 rounding.
fn assert_same_layer<const IN: usize, const OUT: usize>(
    ours: &Int8Linear<IN, OUT>,
    theirs: &Int8Linear<IN, OUT>,
) {
    let close = |a: f32, b: f32| (a - b).abs() <= 1e-6 * a.abs().max(b.abs());
    assert!(
        close(ours.input.scale, theirs.input.scale),
        "{:?} {:?}",
        ours.input,
        theirs.input
    );
    assert_eq!(ours.input.zero_point, theirs.input.zero_point);
    assert!(
        close(ours.output.scale, theirs.output.scale),
        "{:?} {:?}",
        ours.output,
        theirs.output
    );
    assert_eq!(ours.output.zero_point, theirs.output.zero_point);
    for j in 0..OUT {
        assert!(
            close(ours.weight_scales[j], theirs.weight_scales[j]),
            "unit {j}"
        );
    }
    let weights_differing = (0..OUT)
        .flat_map(|j| (0..IN).map(move |i| (j, i)))
        .filter(|&(j, i)| ours.weights[j][i] != theirs.weights[j][i])
        .count();
    assert_eq!(
        weights_differing, 0,
        "int8 weights differing from the converter's"
    );
    assert_eq!(ours.bias(), theirs.bias());
    assert_eq!(ours.output_min, theirs.output_min);
}

const ROUNDINGS: [Rounding; 2] = [Rounding::Single, Rounding::Double];

#[test]
fn relu_softmax_net_matches_tflite_byte_for_byte() {
    let fixture = fixture("digits_relu");
    let ops: Vec<&str> = fixture["ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["op"].as_str().unwrap())
        .collect();
    // The converter fused the ReLU into the first layer.
    assert_eq!(ops, ["FULLY_CONNECTED", "FULLY_CONNECTED", "SOFTMAX"]);
    for rounding in ROUNDINGS {
        let first = tflite_linear::<64, 32>(&fixture, 0, true, rounding);
        let second = tflite_linear::<32, 10>(&fixture, 1, false, rounding);
        let softmax = Int8Softmax::new(second.output, rounding).unwrap();
        let net = (
            first.clone(),
            Int8ReLU {
                params: first.output,
            },
            second,
            softmax,
        );
        assert_same_bytes(&net, &fixture, rounding);
    }
}

#[test]
fn tanh_sigmoid_net_matches_tflite_byte_for_byte() {
    let fixture = fixture("digits_tanh_sigmoid");
    let ops: Vec<&str> = fixture["ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["op"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "FULLY_CONNECTED",
            "TANH",
            "FULLY_CONNECTED",
            "LOGISTIC",
            "FULLY_CONNECTED",
            "SOFTMAX"
        ]
    );
    for rounding in ROUNDINGS {
        let first = tflite_linear::<64, 24>(&fixture, 0, false, rounding);
        let second = tflite_linear::<24, 16>(&fixture, 1, false, rounding);
        let third = tflite_linear::<16, 10>(&fixture, 2, false, rounding);
        let net = (
            first.clone(),
            Int8Tanh::new(first.output),
            second.clone(),
            Int8Sigmoid::new(second.output),
            third.clone(),
            Int8Softmax::new(third.output, rounding).unwrap(),
        );
        assert_same_bytes(&net, &fixture, rounding);
    }
}

#[test]
fn the_two_roundings_differ_where_the_interpreters_do() {
    // Without this, a fixture where both interpreters agree would not tell the roundings apart.
    let fixture = fixture("digits_tanh_sigmoid");
    let single = expected(&fixture, Rounding::Single);
    let double = expected(&fixture, Rounding::Double);
    let differing: usize = single
        .iter()
        .zip(&double)
        .map(|(a, b)| a.iter().zip(b).filter(|(x, y)| x != y).count())
        .sum();
    assert_eq!(differing, 4);
}

#[test]
fn quantizing_the_float_relu_net_derives_the_converters_integers() {
    let fixture = fixture("digits_relu");
    let layers = &fixture["float_layers"];
    let net = (
        float_linear::<64, 32>(&layers[0]),
        ReLU,
        float_linear::<32, 10>(&layers[1]),
        Softmax,
    );
    for rounding in ROUNDINGS {
        let q = net.quantize_with(&calibration(&fixture), rounding).unwrap();
        assert_same_layer(&q.0, &tflite_linear::<64, 32>(&fixture, 0, true, rounding));
        assert_same_layer(&q.2, &tflite_linear::<32, 10>(&fixture, 1, false, rounding));
        assert_same_bytes(&q, &fixture, rounding);
    }
    // `quantize` computes as the current TFLite does.
    assert_eq!(
        net.quantize(&calibration(&fixture)).unwrap().0.rounding,
        Rounding::Single
    );
}

#[test]
fn quantizing_the_float_tanh_sigmoid_net_derives_the_converters_integers() {
    let fixture = fixture("digits_tanh_sigmoid");
    let layers = &fixture["float_layers"];
    let net = (
        float_linear::<64, 24>(&layers[0]),
        Tanh,
        float_linear::<24, 16>(&layers[1]),
        Sigmoid,
        float_linear::<16, 10>(&layers[2]),
        Softmax,
    );
    for rounding in ROUNDINGS {
        let q = net.quantize_with(&calibration(&fixture), rounding).unwrap();
        assert_same_layer(&q.0, &tflite_linear::<64, 24>(&fixture, 0, false, rounding));
        assert_same_layer(&q.2, &tflite_linear::<24, 16>(&fixture, 1, false, rounding));
        assert_same_layer(&q.4, &tflite_linear::<16, 10>(&fixture, 2, false, rounding));
        assert_same_bytes(&q, &fixture, rounding);
    }
}

#[test]
fn what_cannot_be_quantized_is_a_typed_error() {
    let fixture = fixture("digits_relu");
    let layers = &fixture["float_layers"];
    let mut net = (
        float_linear::<64, 32>(&layers[0]),
        ReLU,
        float_linear::<32, 10>(&layers[1]),
        Softmax,
    );
    let calibration = calibration(&fixture);
    assert_eq!(
        net.quantize(&[]).unwrap_err(),
        QuantizeError::EmptyCalibration
    );
    let mut bad_input = calibration.clone();
    bad_input[3][5] = f32::NAN;
    assert_eq!(
        net.quantize(&bad_input).unwrap_err(),
        QuantizeError::NonFinite { layer: None }
    );
    net.2.w[4][1] = f32::INFINITY;
    // The infinity reaches the outputs of layer 2 first (the 0-based third layer).
    assert_eq!(
        net.quantize(&calibration).unwrap_err(),
        QuantizeError::NonFinite { layer: Some(2) }
    );
}
