//! Export to PyTorch: a constnet net written with `to_safetensors` loads into the matching
//! `nn.Sequential` with a strict `load_state_dict`, and PyTorch's outputs and its re-saved
//! state dict agree with the net. `tests/fixtures/pytorch/round_trip.py` made the PyTorch side
//! by hand from the committed export (`constnet_iris.safetensors`, which this test rewrites with
//! `UPDATE_FIXTURES=1`).

mod common;

use constnet::persist::{Safetensors, to_safetensors};
use constnet::prelude::*;
use safetensors::SafeTensors;
use safetensors::tensor::Dtype;

/// `nn.Sequential(Linear(4, 16), BatchNorm1d(16), ReLU(), Linear(16, 3), Softmax(dim=1))`.
type Iris = (Linear<4, 16>, BatchNorm<16>, ReLU, Linear<16, 3>, Softmax);

const EXPORT: &str = "tests/fixtures/pytorch/constnet_iris.safetensors";

/// The net the fixture was written from: seeded weights, and batch-norm statistics and
/// parameters that are not their defaults (exact in f32, so the same on every machine).
fn net() -> Iris {
    let mut net = Iris::init(&mut common::rng(5));
    for i in 0..16 {
        let i_f = i as f32;
        net.1.g[i] = 0.5 + i_f / 16.0;
        net.1.b[i] = 0.125 * i_f - 0.75;
        net.1.mean[i] = 0.25 * i_f - 1.5;
        net.1.sigma[i] = 0.5 + i_f / 32.0;
    }
    net
}

fn rows(json: &serde_json::Value, key: &str) -> Vec<Vec<f64>> {
    json[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn the_export_is_the_committed_file_and_a_valid_safetensors_file() {
    let file = to_safetensors(&net());
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(EXPORT, &file).unwrap();
    }
    assert_eq!(
        file,
        std::fs::read(EXPORT).unwrap(),
        "rerun with UPDATE_FIXTURES=1"
    );

    // The official safetensors crate reads it, with PyTorch's names, shapes and dtypes.
    let parsed = SafeTensors::deserialize(&file).unwrap();
    let mut names = parsed.names();
    names.sort();
    assert_eq!(
        names,
        [
            "0.bias",
            "0.weight",
            "1.bias",
            "1.num_batches_tracked",
            "1.running_mean",
            "1.running_var",
            "1.weight",
            "3.bias",
            "3.weight"
        ]
    );
    let weight = parsed.tensor("0.weight").unwrap();
    assert_eq!((weight.dtype(), weight.shape()), (Dtype::F32, &[16, 4][..]));
    let counter = parsed.tensor("1.num_batches_tracked").unwrap();
    assert_eq!((counter.dtype(), counter.shape()), (Dtype::I64, &[][..]));
    // PyTorch's weight is OUT x IN: row j of it is column j of W.
    let net = net();
    let first_row: Vec<f32> = weight.data()[..16]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    assert_eq!(first_row, net.0.w.map(|row| row[0]));
    let (_, metadata) = SafeTensors::read_metadata(&file).unwrap();
    assert_eq!(metadata.metadata().as_ref().unwrap()["format"], "pt");

    // And constnet reads its own export back: every weight bit for bit, the running standard
    // deviation through the variance to within an ulp or two.
    let back: Iris = Safetensors::parse(&file).unwrap().load().unwrap();
    assert_eq!(
        (back.0, back.1.g, back.1.b, back.1.mean, back.3),
        (net.0, net.1.g, net.1.b, net.1.mean, net.3)
    );
    for (a, b) in back.1.sigma.iter().zip(&net.1.sigma) {
        assert!((a - b).abs() <= 2.0 * f32::EPSILON * b, "{a} against {b}");
    }
}

#[test]
fn pytorch_loads_the_export_strictly_and_computes_the_same_outputs() {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/pytorch/constnet_iris_outputs.json")).unwrap();
    assert_eq!(json["about"]["strict_load"], true);
    let net = net();
    let (inputs, outputs) = (rows(&json, "inputs"), rows(&json, "outputs"));
    assert_eq!(inputs.len(), 12);
    let mut worst = 0.0f64;
    for (x, want) in inputs.iter().zip(&outputs) {
        let x: [f32; 4] = core::array::from_fn(|i| x[i] as f32);
        for (g, w) in net.forward(&x).iter().zip(want) {
            worst = worst.max((f64::from(*g) - w).abs());
        }
    }
    assert!(worst < 1e-6, "largest difference from PyTorch {worst:e}");

    // What PyTorch saved after loading it reads back into the same net.
    let resaved = include_bytes!("fixtures/pytorch/constnet_iris_resaved.safetensors");
    let back: Iris = Safetensors::parse(resaved).unwrap().load().unwrap();
    assert_eq!((back.0, back.3), (net.0, net.3));
    assert_eq!(
        (back.1.g, back.1.b, back.1.mean),
        (net.1.g, net.1.b, net.1.mean)
    );
    for (a, b) in back.1.sigma.iter().zip(&net.1.sigma) {
        assert!((a - b).abs() <= 2.0 * f32::EPSILON * b, "{a} against {b}");
    }
}

/// An f64 net exports `F64` tensors, which PyTorch loads into a `.double()` model.
#[test]
fn f64_nets_export_f64_tensors() {
    type Net = (Linear<3, 2, f64>, Tanh, Linear<2, 1, f64>);
    let net = Net::init(&mut common::rng(2));
    let file = to_safetensors(&net);
    let parsed = SafeTensors::deserialize(&file).unwrap();
    assert_eq!(parsed.tensor("2.weight").unwrap().dtype(), Dtype::F64);
    let back: Net = Safetensors::parse(&file).unwrap().load().unwrap();
    assert_eq!(back, net);
}
