// Quantizing a network with a layer that has no int8 form does not compile, and says which.
use constnet::prelude::*;

type Net = (Linear<4, 8>, BatchNorm<8>, ReLU, Linear<8, 2>);

fn quantize(net: &Net, calibration: &[[f32; 4]]) {
    let _ = net.quantize(calibration);
}

fn main() {
    let _ = quantize;
}
