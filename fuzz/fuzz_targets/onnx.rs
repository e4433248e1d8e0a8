//! The ONNX import on arbitrary bytes: a model or a typed error, never a panic, for the parse,
//! the layer walk (every tensor's values read) and loads into networks of several shapes; a
//! network it loads runs its forward pass without panicking.
#![no_main]

use constnet::persist::Onnx;
use constnet::prelude::*;
use libfuzzer_sys::fuzz_target;

type IrisBn = (
    Linear<4, 16>,
    BatchNorm<16>,
    Tanh,
    Dropout<20>,
    Linear<16, 3>,
    Sigmoid,
);
type Folded = (Linear<4, 16, f64>, Tanh, Linear<16, 3, f64>, Sigmoid);
type Sine = (Linear<1, 16>, ReLU, Linear<16, 16>, ReLU, Linear<16, 1>);

fuzz_target!(|data: &[u8]| {
    let Ok(onnx) = Onnx::parse(data) else {
        return;
    };
    for layer in onnx.layers() {
        let Ok(layer) = layer else { break };
        for tensor in layer.tensors().flatten() {
            let _ = tensor.each_value(|_, _| {});
        }
    }
    if let Ok(net) = onnx.load::<f32, IrisBn>() {
        let _ = net.forward(&[1.0, -2.0, 0.5, 3.0]);
    }
    if let Ok(net) = onnx.load::<f64, Folded>() {
        let _ = net.forward(&[1.0, -2.0, 0.5, 3.0]);
    }
    if let Ok(net) = onnx.load::<f32, Sine>() {
        let _ = net.forward(&[0.25]);
    }
});
