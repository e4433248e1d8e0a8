//! Import from PyTorch: `tests/fixtures/pytorch/iris_mlp.safetensors` holds a model trained with
//! real PyTorch (`make_fixture.py` beside it made it, by hand); our forward pass must give the
//! outputs PyTorch computed, to 1e-6. Then every kind of mismatch between a file and a network
//! gets its typed error, and damaged files never panic.

mod common;

use common::rng;
use constnet::persist::{ImportError, Safetensors};
use constnet::prelude::*;
use rand::RngExt;
use safetensors::tensor::{Dtype, TensorView};

/// `nn.Sequential(Linear(4, 16), BatchNorm1d(16), ReLU(), Linear(16, 3), Softmax(dim=1))`.
type Iris = (Linear<4, 16>, BatchNorm<16>, ReLU, Linear<16, 3>, Softmax);

static FILE: &[u8] = include_bytes!("fixtures/pytorch/iris_mlp.safetensors");

fn expected() -> (Vec<[f64; 4]>, Vec<[f64; 3]>) {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/pytorch/iris_mlp_outputs.json")).unwrap();
    let rows = |key: &str| -> Vec<Vec<f64>> {
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
    };
    (
        rows("inputs")
            .iter()
            .map(|r| r.clone().try_into().unwrap())
            .collect(),
        rows("outputs")
            .iter()
            .map(|r| r.clone().try_into().unwrap())
            .collect(),
    )
}

#[test]
fn a_pytorch_model_gives_pytorchs_outputs() {
    let net: Iris = Safetensors::parse(FILE).unwrap().load().unwrap();
    let (inputs, outputs) = expected();
    assert_eq!(inputs.len(), 12);
    let mut worst = 0.0f64;
    for (x, want) in inputs.iter().zip(&outputs) {
        let got = net.forward(&x.map(|v| v as f32));
        for (g, w) in got.iter().zip(want) {
            worst = worst.max((f64::from(*g) - w).abs());
        }
    }
    assert!(worst < 1e-6, "largest difference from PyTorch {worst:e}");
    // The model is a real classifier: confident on the training flowers.
    assert!(
        outputs
            .iter()
            .all(|p| p.iter().cloned().fold(0.0, f64::max) > 0.5)
    );

    // The same file loads into an f64 net (f32 values widen exactly).
    type Iris64 = (
        Linear<4, 16, f64>,
        BatchNorm<16, f64>,
        ReLU,
        Linear<16, 3, f64>,
        Softmax,
    );
    let wide: Iris64 = Safetensors::parse(FILE).unwrap().load().unwrap();
    for (x, want) in inputs.iter().zip(&outputs) {
        for (g, w) in wide.forward(x).iter().zip(want) {
            assert!((g - w).abs() < 1e-6);
        }
    }
}

/// A safetensors file with the given tensors, written by the `safetensors` crate.
fn write(tensors: &[(&str, Dtype, Vec<usize>, Vec<u8>)]) -> Vec<u8> {
    let views: Vec<(&str, TensorView<'_>)> = tensors
        .iter()
        .map(|(name, dtype, shape, data)| {
            (*name, TensorView::new(*dtype, shape.clone(), data).unwrap())
        })
        .collect();
    safetensors::serialize(views, None).unwrap()
}

fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn f64_bytes(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

type Small = (Linear<2, 3>, ReLU, Linear<3, 1>);

fn small_file(extra: Option<(&str, Dtype, Vec<usize>, Vec<u8>)>) -> Vec<u8> {
    let mut tensors = vec![
        (
            "0.weight",
            Dtype::F32,
            vec![3, 2],
            f32_bytes(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        ),
        ("0.bias", Dtype::F32, vec![3], f32_bytes(&[0.1, 0.2, 0.3])),
        (
            "2.weight",
            Dtype::F32,
            vec![1, 3],
            f32_bytes(&[7.0, 8.0, 9.0]),
        ),
        ("2.bias", Dtype::F32, vec![1], f32_bytes(&[0.5])),
    ];
    tensors.extend(extra);
    write(&tensors)
}

#[test]
fn weights_are_transposed_into_w() {
    let net: Small = Safetensors::parse(&small_file(None))
        .unwrap()
        .load()
        .unwrap();
    // PyTorch's weight is OUT x IN: row j holds unit j's weights.
    assert_eq!(net.0.w, [[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]);
    assert_eq!(net.0.w0, [0.1, 0.2, 0.3]);
    assert_eq!(net.2.w, [[7.0], [8.0], [9.0]]);
}

#[test]
fn every_mismatch_is_a_typed_error_and_the_net_is_unchanged() {
    let mut net = Small::init(&mut rng(90));
    let before = net.clone();
    let mut expect = |bytes: &[u8], prefix: &str, error: ImportError| {
        let result =
            Safetensors::parse(bytes).and_then(|f| f.with_prefix(prefix).load_into(&mut net));
        assert_eq!(result, Err(error));
        assert_eq!(net, before);
        assert!(!error.to_string().is_empty());
    };
    let good = small_file(None);

    // Another width.
    let mut wrong = Small::init(&mut rng(1));
    let err = Safetensors::parse(&good).unwrap().load_into(&mut (
        Linear::<2, 4>::zeros(),
        ReLU,
        Linear::<4, 1>::zeros(),
    ));
    assert!(
        matches!(
            err,
            Err(ImportError::WrongShape {
                layer: 0,
                field: "weight",
                ..
            })
        ),
        "{err:?}"
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "tensor `0.weight` has shape [3, 2], layer 0 of the network needs [4, 2]"
    );
    // A layer the file does not have.
    let deeper = Safetensors::parse(&good).unwrap().load_into(&mut (
        Linear::<2, 3>::zeros(),
        ReLU,
        Linear::<3, 1>::zeros(),
        Sigmoid,
        Linear::<1, 1>::zeros(),
    ));
    assert_eq!(
        deeper,
        Err(ImportError::MissingTensor {
            layer: 4,
            field: "weight"
        })
    );
    // A tensor the network has no place for.
    let extra = small_file(Some((
        "4.weight",
        Dtype::F32,
        vec![1, 1],
        f32_bytes(&[1.0]),
    )));
    let Err(ImportError::UnexpectedTensor { name }) =
        Safetensors::parse(&extra).unwrap().load_into(&mut wrong)
    else {
        panic!("an extra tensor must be reported")
    };
    assert_eq!(name.as_str(), "4.weight");
    // F64 does not narrow into an f32 net.
    let wide = write(&[
        ("0.weight", Dtype::F64, vec![3, 2], f64_bytes(&[1.0; 6])),
        ("0.bias", Dtype::F32, vec![3], f32_bytes(&[0.0; 3])),
        ("2.weight", Dtype::F32, vec![1, 3], f32_bytes(&[0.0; 3])),
        ("2.bias", Dtype::F32, vec![1], f32_bytes(&[0.0])),
    ]);
    let Err(ImportError::WrongDtype {
        layer: 0,
        field: "weight",
        expected: "f32",
        found,
    }) = Safetensors::parse(&wide).unwrap().load_into(&mut wrong)
    else {
        panic!("F64 into f32 must be refused")
    };
    assert_eq!(found.as_str(), "F64");
    // A prefix that does not match.
    expect(
        &good,
        "model.",
        ImportError::MissingTensor {
            layer: 0,
            field: "weight",
        },
    );
    // Damaged files.
    expect(
        &good[..5],
        "",
        ImportError::Truncated {
            needed: 8,
            found: 5,
        },
    );
    let cut = Safetensors::parse(&good[..good.len() - 1]);
    assert!(
        matches!(cut, Err(ImportError::BadOffsets { .. })),
        "{cut:?}"
    );
    let mut bad_json = good.clone();
    bad_json[8] = b'[';
    // `["0.bias":` fails at the colon, 9 bytes into the header.
    expect(&bad_json, "", ImportError::BadHeader { offset: 9 });
    let mut not_an_object = 3u64.to_le_bytes().to_vec();
    not_an_object.extend_from_slice(b"[1]");
    expect(&not_an_object, "", ImportError::BadHeader { offset: 0 });
}

#[test]
fn a_prefix_selects_the_sequential_inside_a_module() {
    let file = write(&[
        (
            "model.0.weight",
            Dtype::F32,
            vec![1, 2],
            f32_bytes(&[1.0, -1.0]),
        ),
        ("model.0.bias", Dtype::F32, vec![1], f32_bytes(&[0.5])),
    ]);
    let net: (Linear<2, 1>, Sigmoid) = Safetensors::parse(&file)
        .unwrap()
        .with_prefix("model.")
        .load()
        .unwrap();
    assert_eq!(net.0.w, [[1.0], [-1.0]]);
}

#[test]
fn damaged_files_never_panic() {
    let mut r = rng(91);
    let mut net = Iris::default();
    for round in 0..5000 {
        let mut bad = FILE.to_vec();
        match round % 3 {
            0 => {
                for _ in 0..r.random_range(1..6) {
                    let at = r.random_range(0..bad.len());
                    bad[at] = r.random();
                }
            }
            1 => bad.truncate(r.random_range(0..FILE.len())),
            _ => {
                // Damage inside the JSON header, where the parser works hardest.
                let header = u64::from_le_bytes(FILE[..8].try_into().unwrap()) as usize;
                let at = r.random_range(8..8 + header);
                let alphabet = b"{}[]\",:0123456789-e \\u";
                bad[at] = alphabet[r.random_range(0..alphabet.len())];
            }
        }
        let _ = Safetensors::parse(&bad).and_then(|f| f.load_into(&mut net));
    }
}
