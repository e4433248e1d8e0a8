//! The safetensors importer on arbitrary bytes: a typed error or a loaded net, never a panic.
#![no_main]

use constnet::persist::Safetensors;
use constnet::{BatchNorm, Linear, ReLU, Softmax};
use libfuzzer_sys::fuzz_target;

type Iris = (Linear<4, 16>, BatchNorm<16>, ReLU, Linear<16, 3>, Softmax);

fuzz_target!(|data: &[u8]| {
    if let Ok(file) = Safetensors::parse(data) {
        let mut net = Iris::default();
        let _ = file.load_into(&mut net);
        let _ = file.with_prefix("model.").load::<f32, (Linear<2, 1>,)>();
    }
});
