//! ONNX import against PyTorch: models exported by `torch.onnx.export` (both of its exporters)
//! load into the network types written here and give PyTorch's outputs to 1e-6 (f32) or 1e-12
//! (f64). The fixtures are `tests/fixtures/onnx/`, made by `make_fixture.py` there.
//!
//! Also: each way a model can fail to fit a network is a typed error naming the node and the
//! layer, the network is unchanged after an error, and no truncation or single-byte change of a
//! fixture panics.

use constnet::persist::{NonFinite, Onnx, OnnxError};
use constnet::prelude::*;
use serde_json::Value;

fn bytes(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/onnx/{name}.onnx",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

fn rows(fixture: &Value, key: &str) -> Vec<Vec<f64>> {
    fixture[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| match row {
            Value::Array(values) => values.iter().map(|v| v.as_f64().unwrap()).collect(),
            v => vec![v.as_f64().unwrap()],
        })
        .collect()
}

/// The largest difference between `forward` and PyTorch's outputs over the fixture's inputs.
fn worst<const IN: usize, const OUT: usize, T: Scalar>(
    name: &str,
    forward: impl Fn(&[T; IN]) -> [T; OUT],
) -> f64 {
    let path = format!(
        "{}/tests/fixtures/onnx/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (inputs, outputs) = (rows(&fixture, "inputs"), rows(&fixture, "outputs"));
    assert!(inputs.len() >= 10);
    let mut worst = 0.0f64;
    for (x, y) in inputs.iter().zip(&outputs) {
        let x: [T; IN] = core::array::from_fn(|i| T::from_f64(x[i]));
        let v = forward(&x);
        assert_eq!(y.len(), OUT);
        for (a, b) in v.iter().zip(y) {
            worst = worst.max((a.as_f64() - b).abs());
        }
    }
    eprintln!("{name}: largest difference from PyTorch {worst:e}");
    worst
}

type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);
type IrisBn = (
    Linear<4, 16>,
    BatchNorm<16>,
    Tanh,
    Dropout<20>,
    Linear<16, 3>,
    Sigmoid,
);

#[test]
fn both_pytorch_exporters_give_pytorchs_outputs() {
    for name in ["mlp", "mlp_torchscript"] {
        let model = bytes(name);
        let onnx = Onnx::parse(&model).unwrap();
        let net: Digits = onnx.load().unwrap();
        let error = worst(name, |x| net.forward(x));
        assert!(error < 1e-6, "{name}: {error:e}");
        assert_eq!(onnx.input_width(), Some(64));
    }
    // The default exporter writes opset 20, the TorchScript one the 17 asked for.
    assert_eq!(Onnx::parse(&bytes("mlp")).unwrap().opset(), 20);
    assert_eq!(Onnx::parse(&bytes("mlp_torchscript")).unwrap().opset(), 17);
}

#[test]
fn batch_norm_dropout_and_matmul_graphs_load() {
    let net: IrisBn = Onnx::parse(&bytes("mlp_bn")).unwrap().load().unwrap();
    let error = worst("mlp_bn", |x| net.forward(x));
    assert!(error < 1e-6, "batch norm: {error:e}");
    // The running statistics arrived: sigma + eps is sqrt(var + epsilon), not 1.
    assert!(net.1.sigma.iter().any(|s| (s - 1.0).abs() > 1e-2));

    // The default exporter folds the batch norm into the Gemm before it.
    let folded: (Linear<4, 16>, Tanh, Linear<16, 3>, Sigmoid) =
        Onnx::parse(&bytes("mlp_bn_folded"))
            .unwrap()
            .load()
            .unwrap();
    let error = worst("mlp_bn_folded", |x| folded.forward(x));
    assert!(error < 1e-6, "folded: {error:e}");

    type Sine = (Linear<1, 16>, ReLU, Linear<16, 16>, ReLU, Linear<16, 1>);
    let sine: Sine = Onnx::parse(&bytes("mlp_matmul")).unwrap().load().unwrap();
    let error = worst("mlp_matmul", |x| sine.forward(x));
    assert!(error < 1e-6, "MatMul + Add: {error:e}");
}

#[test]
fn float64_models_load_into_f64_nets_only() {
    type IrisBn64 = (
        Linear<4, 16, f64>,
        BatchNorm<16, f64>,
        Tanh,
        Dropout<20>,
        Linear<16, 3, f64>,
        Sigmoid,
    );
    let model = bytes("mlp_f64");
    let onnx = Onnx::parse(&model).unwrap();
    let net: IrisBn64 = onnx.load().unwrap();
    let error = worst("mlp_f64", |x| net.forward(x));
    assert!(error < 1e-12, "f64: {error:e}");
    // A double does not fit a float exactly.
    let err = onnx.load::<f32, IrisBn>().unwrap_err();
    assert!(
        matches!(
            err,
            OnnxError::WrongDtype {
                layer: 0,
                field: "weight",
                expected: "f32",
                found: "double",
                ..
            }
        ),
        "{err:?}"
    );
    // A float model loads into an f64 net exactly.
    let wide: (
        Linear<4, 16, f64>,
        BatchNorm<16, f64>,
        Tanh,
        Dropout<20>,
        Linear<16, 3, f64>,
        Sigmoid,
    ) = Onnx::parse(&bytes("mlp_bn")).unwrap().load().unwrap();
    let narrow: IrisBn = Onnx::parse(&bytes("mlp_bn")).unwrap().load().unwrap();
    assert_eq!(wide.0.w[2][5], f64::from(narrow.0.w[2][5]));
}

#[test]
fn a_model_that_does_not_fit_is_a_typed_error_naming_node_and_layer() {
    let model = bytes("mlp_torchscript");
    let onnx = Onnx::parse(&model).unwrap();
    let wrong_width = onnx
        .load::<f32, (Linear<64, 16>, ReLU, Linear<16, 10>, Softmax)>()
        .unwrap_err();
    assert_eq!(
        wrong_width.to_string(),
        "ONNX node `/0/Gemm`: its weight has shape [32, 64], layer 0 needs [16, 64]"
    );
    let wrong_kind = onnx
        .load::<f32, (Linear<64, 32>, Sigmoid, Linear<32, 10>, Softmax)>()
        .unwrap_err();
    assert_eq!(
        wrong_kind.to_string(),
        "layer 1 (Sigmoid) is a `Sigmoid` node, but the graph has `/1/Relu` (`Relu`)"
    );
    let too_long = onnx.load::<f32, (Digits, Linear<10, 2>)>().unwrap_err();
    assert_eq!(
        too_long,
        OnnxError::MissingNode {
            layer: 4,
            kind: "Linear"
        }
    );
    let too_short = onnx
        .load::<f32, (Linear<64, 32>, ReLU, Linear<32, 10>)>()
        .unwrap_err();
    assert!(
        matches!(too_short, OnnxError::ExtraNode { ref op_type, .. } if op_type.as_str() == "Softmax"),
        "{too_short:?}"
    );

    // On any error the network keeps its weights.
    let mut net = (
        Linear::<64, 32>::zeros(),
        ReLU,
        Linear::<32, 10>::zeros(),
        Sigmoid,
    );
    net.0.w[0][0] = 7.0;
    assert!(onnx.load_into(&mut net).is_err());
    assert_eq!(net.0.w[0][0], 7.0);
    assert!(net.2.w.iter().flatten().all(|&w| w == 0.0));
}

#[test]
fn non_finite_weights_are_refused_on_request() {
    // Put a NaN into the first weight of mlp_bn's first Gemm: find its raw float bytes.
    let mut model = bytes("mlp_bn");
    let net: IrisBn = Onnx::parse(&model).unwrap().load().unwrap();
    let first = net.0.w[0][0].to_le_bytes();
    let at = model
        .windows(4)
        .position(|w| w == first)
        .expect("the weight's bytes are in the file");
    model[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let accepting: IrisBn = Onnx::parse(&model).unwrap().load().unwrap();
    assert!(accepting.0.w[0][0].is_nan());
    let err = Onnx::parse(&model)
        .unwrap()
        .non_finite(NonFinite::Reject)
        .load::<f32, IrisBn>()
        .unwrap_err();
    assert!(
        matches!(
            err,
            OnnxError::NotFinite {
                layer: 0,
                field: "weight",
                index: 0,
                ..
            }
        ),
        "{err:?}"
    );
}

/// Parses and loads `model`, which must not panic; returns whether it loaded.
fn try_load(model: &[u8]) -> bool {
    match Onnx::parse(model) {
        Ok(onnx) => {
            // Whatever parses must also load or give an error, for any network shape.
            let _ = onnx.load::<f32, IrisBn>();
            onnx.load::<f32, (Linear<4, 16>, Tanh, Linear<16, 3>, Sigmoid)>()
                .is_ok()
        }
        Err(e) => {
            // Every error says something.
            assert!(!e.to_string().is_empty());
            false
        }
    }
}

#[test]
fn truncations_and_single_byte_changes_never_panic() {
    for name in ["mlp_bn", "mlp_bn_folded", "mlp_matmul"] {
        let model = bytes(name);
        for len in 0..model.len() {
            try_load(&model[..len]);
        }
        let mut changed = model.clone();
        for at in 0..model.len() {
            for value in [0x00, 0xff, model[at] ^ 0x80, model[at].wrapping_add(1)] {
                changed[at] = value;
                try_load(&changed);
            }
            changed[at] = model[at];
        }
    }
}
