//! A layer written outside the crate, in one file (`examples/custom_layer/scale_shift.rs`),
//! goes through every route a built-in layer does, with no change to constnet: its parameter
//! walk, initialization and zeroed copies, gradients checked by finite differences, training
//! with every optimizer, the weight file, Rust-source export and safetensors import.

mod common;

#[path = "../examples/custom_layer/scale_shift.rs"]
mod scale_shift;

use common::*;
use constnet::optim::Optimizer;
use constnet::persist::{ImportError, LoadError, Safetensors, WeightFile, to_rust_source};
use constnet::prelude::*;
use scale_shift::ScaleShift;

type Net = (
    ScaleShift<3>,
    Linear<3, 4>,
    Tanh,
    Linear<4, 2>,
    ScaleShift<2>,
);

mod generated {
    use super::scale_shift;
    include!("fixtures/custom_layer_net.rs");
}

fn net() -> Net {
    let mut net = Net::init(&mut rng(31));
    net.0.s = [0.5, -1.25, 2.0];
    net.0.t = [0.125, -0.25, 1.0];
    net.4.s = [3.0, -0.5];
    net
}

#[test]
fn its_tensors_are_parameters_in_declaration_order() {
    assert_eq!(<ScaleShift<5> as Params<f32>>::COUNT, 10);
    assert_eq!(<Net as Params<f32>>::COUNT, 6 + 3 * 4 + 4 + 4 * 2 + 2 + 4);
    let layer = ScaleShift::<2, f64> {
        s: [1.0, 2.0],
        t: [3.0, 4.0],
    };
    assert_eq!(flat_params(&layer), [1.0, 2.0, 3.0, 4.0]);
    // Starts as its declaration says, and zeroed copies are zero, on the heap too.
    let start = Net::init(&mut rng(1));
    assert_eq!((start.0.s, start.0.t), ([1.0; 3], [0.0; 3]));
    assert_eq!(
        Net::zeroed().0,
        ScaleShift {
            s: [0.0; 3],
            t: [0.0; 3]
        }
    );
    assert_eq!(*constnet::kernels::boxed_zeroed::<Net>(), Net::zeroed());
    // The Linear layers after it draw the same weights as in a net without it: the custom
    // layer's constant start takes no draws.
    let plain = <(Linear<3, 4>, Tanh, Linear<4, 2>)>::init(&mut rng(1));
    assert_eq!((start.1, start.3), (plain.0, plain.2));
}

#[test]
fn its_gradients_match_finite_differences() {
    type Checked = (
        ScaleShift<3, f64>,
        Linear<3, 2, f64>,
        Tanh,
        ScaleShift<2, f64>,
    );
    let mut net = Checked::init(&mut rng(2));
    net.0.s = [0.5, -1.5, 2.0];
    net.0.t = [0.1, -0.2, 0.3];
    net.3.s = [1.25, -0.75];
    net.3.t = [0.5, 0.25];
    let x = random_batch::<4, 3>(&mut rng(3), 1.0);
    let y = random_batch::<4, 2>(&mut rng(4), 1.0);
    check_training_gradients(&net, &x, &y, 5);
    check_training_gradients(&net.0, &x, &x.map(|r| r.map(|v| v * 0.5)), 6);
}

/// Trains `net` on a small regression with `optimizer` and returns the loss before and after.
fn train<O: Optimizer<f32, Net>>(net: &mut Net, mut optimizer: O) -> (f32, f32) {
    let x: Vec<[f32; 3]> = (0..64)
        .map(|i| {
            let t = i as f32 / 64.0;
            [t, 1.0 - 2.0 * t, (3.0 * t).sin()]
        })
        .collect();
    let y: Vec<[f32; 2]> = x.iter().map(|v| [v[0] - v[1], 0.5 * v[2]]).collect();
    let before = evaluate(net, &Squared, &x, &y).unwrap().loss;
    Trainer::new(Squared, &mut optimizer)
        .batch_size::<8>()
        .epochs(30)
        .reduction(Reduction::Mean)
        .fit(net, &x, &y, &mut rng(7))
        .unwrap();
    (before, evaluate(net, &Squared, &x, &y).unwrap().loss)
}

#[test]
fn it_trains_with_every_optimizer() {
    let start = net();
    let check = |name: &str, (before, after): (f32, f32), net: &Net| {
        assert!(after < 0.5 * before, "{name}: loss {before} -> {after}");
        assert_ne!(
            net.0.s, start.0.s,
            "{name} left the custom layer's scale alone"
        );
        assert_ne!(
            net.4.t, start.4.t,
            "{name} left the custom layer's shift alone"
        );
    };
    let mut net = start.clone();
    check("sgd", train(&mut net, Sgd::new(0.05f32)), &net);
    let mut net = start.clone();
    check("momentum", train(&mut net, Momentum::new(0.02f32)), &net);
    let mut net = start.clone();
    check("adadelta", train(&mut net, Adadelta::new(0.01f32)), &net);
    let mut net = start.clone();
    check("adam", train(&mut net, Adam::new(0.01f32)), &net);
    let mut net = start.clone();
    let decay = WeightDecay::new(Adam::new(0.01f32), 1e-3);
    check("adam with weight decay", train(&mut net, decay), &net);
}

#[test]
fn it_saves_and_loads_through_the_weight_file() {
    let net = net();
    let bytes = net.to_byte_vec();
    assert_eq!(bytes.len(), Net::FILE_BYTES);
    assert_eq!(Net::from_bytes(&bytes).unwrap(), net);
    // Its kind is in the shape signature and the layer table: a file with it does not load
    // into a net without it, and the error names it.
    type Other = (
        Linear<3, 3>,
        Linear<3, 4>,
        Tanh,
        Linear<4, 2>,
        ScaleShift<2>,
    );
    let error = Other::from_bytes(&bytes).unwrap_err();
    assert!(
        matches!(error, LoadError::LayerMismatch { layer: 0, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("its layer 0 is ScaleShift<3>, this network's is Linear<3, 3>"),
        "{error}"
    );
}

#[test]
fn it_exports_as_rust_source_that_compiles_to_the_same_net() {
    let net = net();
    let text = to_rust_source(&net, "CUSTOM").unwrap();
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write("tests/fixtures/custom_layer_net.rs", &text).unwrap();
    }
    assert_eq!(
        text,
        include_str!("fixtures/custom_layer_net.rs"),
        "the generator's output changed: rerun with UPDATE_FIXTURES=1 and review the diff"
    );
    assert!(text.contains("scale_shift::ScaleShift<3, f32>"));
    assert_eq!(generated::CUSTOM, net);
}

#[test]
fn it_imports_from_safetensors_by_its_declared_names() {
    type Small = (ScaleShift<2>, Linear<2, 1>);
    let file = official_safetensors(&[
        ("0.weight", vec![2], vec![2.0, -3.0]),
        ("0.bias", vec![2], vec![0.5, 0.25]),
        ("1.weight", vec![1, 2], vec![0.75, -1.0]),
        ("1.bias", vec![1], vec![0.125]),
    ]);
    let net: Small = Safetensors::parse(&file).unwrap().load().unwrap();
    assert_eq!(
        net.0,
        ScaleShift {
            s: [2.0, -3.0],
            t: [0.5, 0.25]
        }
    );
    assert_eq!(net.1.w, [[0.75], [-1.0]]);
    assert_eq!(net.forward(&[1.0, 1.0]), [2.5 * 0.75 + 2.75 + 0.125]);

    // A missing tensor of the custom layer is named, and the net is left as it was.
    let file = official_safetensors(&[
        ("0.weight", vec![2], vec![2.0, -3.0]),
        ("1.weight", vec![1, 2], vec![0.75, -1.0]),
        ("1.bias", vec![1], vec![0.125]),
    ]);
    let mut loaded = net.clone();
    let error = Safetensors::parse(&file).unwrap().load_into(&mut loaded);
    assert_eq!(
        error,
        Err(ImportError::MissingTensor {
            layer: 0,
            field: "bias"
        })
    );
    assert_eq!(loaded, net);
}

#[test]
fn without_an_onnx_form_it_is_refused_by_the_onnx_import_by_name() {
    // The layer declares no `onnx:` operator, so the import cannot pair it with a node: it
    // says which layer, instead of guessing.
    let model = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/onnx/mlp_bn_folded.onnx"
    ))
    .unwrap();
    let onnx = constnet::persist::Onnx::parse(&model).unwrap();
    let mut net: (ScaleShift<4>, Linear<4, 16>, Tanh) = Layers::init(&mut rng(5));
    let before = net.clone();
    let error = onnx.load_into(&mut net).unwrap_err();
    assert_eq!(
        error,
        constnet::persist::OnnxError::NoOnnxForm {
            layer: 0,
            kind: "ScaleShift"
        }
    );
    assert_eq!(error.to_string(), "layer 0 (ScaleShift) has no ONNX form");
    assert_eq!(net, before);
}
