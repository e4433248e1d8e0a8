//! The `.tflite` import on arbitrary bytes: a model or a typed error, never a panic, for the
//! parse, the operator walk and loads into int8 networks of several shapes; a network it loads
//! runs its forward pass without panicking.
#![no_main]

use constnet::persist::Tflite;
use constnet::quantization::Rounding;
use constnet::{
    Int8Linear, Int8Module, Int8ReLU, Int8Sigmoid, Int8Softmax, Int8Tanh, Linear, Module, ReLU,
};
use libfuzzer_sys::fuzz_target;

type Sine = (
    Int8Linear<1, 16>,
    Int8ReLU,
    Int8Linear<16, 16>,
    Int8ReLU,
    Int8Linear<16, 1>,
);
type Mixed = (
    Int8Linear<1, 16>,
    Int8Tanh,
    Int8Linear<16, 16>,
    Int8Sigmoid,
    Int8Linear<16, 1>,
    Int8Softmax,
);

type FloatSine = (Linear<1, 16>, ReLU, Linear<16, 16>, ReLU, Linear<16, 1>);

fuzz_target!(|data: &[u8]| {
    let Ok(tflite) = Tflite::parse(data) else {
        return;
    };
    if let Ok(net) = tflite.load_float::<f32, FloatSine>() {
        let _ = net.forward(&[0.5]);
    }
    for op in tflite.ops() {
        let _ = (op.weight(0, 0), op.weight_scale(0), op.bias(0));
    }
    for rounding in [Rounding::Single, Rounding::Double] {
        if let Ok(net) = tflite.rounding(rounding).load::<Sine>() {
            for x in [-128, 0, 127] {
                let _ = net.forward(&[x]);
            }
        }
        if let Ok(net) = tflite.rounding(rounding).load::<Mixed>() {
            let _ = net.forward(&[-5]);
        }
    }
});
