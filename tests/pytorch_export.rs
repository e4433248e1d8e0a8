//! Export to PyTorch: a constnet net written with `to_safetensors` loads into the matching
//! `nn.Sequential` with a strict `load_state_dict`, and PyTorch's outputs and its re-saved
//! state dict agree with the net. `tests/fixtures/pytorch/round_trip.py` made the PyTorch side
//! by hand from the committed export (`constnet_iris.safetensors`, which this test rewrites with
//! `UPDATE_FIXTURES=1`).

mod common;

use constnet::data::Standardizer;
use constnet::persist::{
    ClassNames, Preprocessing, Safetensors, to_safetensors, to_safetensors_with,
};
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
        .map(common::floats)
        .collect()
}

const CLASSES: [&str; 3] = ["setosa", "versicolor", "virginica"];

/// The iris features' means and deviations (rounded), and the class names, saved with the net.
fn preprocessing() -> Preprocessing<'static, f32, 4> {
    Preprocessing {
        standardizer: Some(Standardizer {
            mean: [5.843, 3.057, 3.758, 1.199],
            std: [0.825, 0.434, 1.759, 0.760],
        }),
        class_names: ClassNames::new(&CLASSES),
    }
}

#[test]
fn the_export_is_the_committed_file_and_a_valid_safetensors_file() {
    let file = to_safetensors_with(&net(), &preprocessing());
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
    let metadata = metadata.metadata().as_ref().unwrap();
    assert_eq!(metadata["format"], "pt");
    assert_eq!(
        metadata["constnet.standardizer.mean"],
        "5.843,3.057,3.758,1.199"
    );
    assert_eq!(
        metadata["constnet.class_names"],
        r#"["setosa","versicolor","virginica"]"#
    );
    assert_eq!(
        Safetensors::parse(&file).unwrap().preprocessing::<f32, 4>(),
        Ok(preprocessing())
    );
    // Without preprocessing, the metadata is PyTorch's alone.
    let plain = to_safetensors(&net);
    assert_eq!(
        SafeTensors::read_metadata(&plain)
            .unwrap()
            .1
            .metadata()
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    assert!(
        Safetensors::parse(&plain)
            .unwrap()
            .preprocessing::<f32, 4>()
            .unwrap()
            .is_empty()
    );

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
    // PyTorch standardized the raw inputs with the metadata it read, as this does.
    let preprocessing = preprocessing();
    let (inputs, outputs) = (rows(&json, "inputs"), rows(&json, "outputs"));
    assert_eq!(inputs.len(), 12);
    let mut worst = 0.0f64;
    for (x, want) in inputs.iter().zip(&outputs) {
        let x: [f32; 4] = core::array::from_fn(|i| x[i] as f32);
        for (g, w) in net.forward(&preprocessing.apply(&x)).iter().zip(want) {
            worst = worst.max((f64::from(*g) - w).abs());
        }
    }
    assert!(worst < 1e-6, "largest difference from PyTorch {worst:e}");

    let predicted: Vec<&str> = json["predicted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for (x, name) in inputs.iter().zip(&predicted) {
        let x: [f32; 4] = core::array::from_fn(|i| x[i] as f32);
        let class = constnet::data::to_class(&net.forward(&preprocessing.apply(&x)));
        assert_eq!(preprocessing.class_name(class), Some(*name));
    }

    // What PyTorch saved after loading it, with the metadata written from Python, reads back
    // into the same net and the same preprocessing.
    let resaved = include_bytes!("fixtures/pytorch/constnet_iris_resaved.safetensors");
    let file = Safetensors::parse(resaved).unwrap();
    assert_eq!(file.preprocessing::<f32, 4>(), Ok(preprocessing));
    let back: Iris = file.load().unwrap();
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

/// Malformed preprocessing metadata is an error naming the key; a standardizer of another
/// width too.
#[test]
fn bad_preprocessing_metadata_is_a_typed_error() {
    use constnet::persist::ImportError;
    let net = net();
    let file = to_safetensors_with(&net, &preprocessing());
    let parsed = Safetensors::parse(&file).unwrap();
    assert_eq!(
        parsed.preprocessing::<f32, 3>(),
        Err(ImportError::PreprocessingWidth {
            key: "constnet.standardizer.mean",
            expected: 3,
            found: 4
        })
    );
    let with_metadata = |pairs: &[(&str, &str)]| {
        let metadata = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let tensor =
            safetensors::tensor::TensorView::new(Dtype::F32, vec![1], &[0u8, 0, 128, 63]).unwrap();
        safetensors::serialize([("x", tensor)], Some(metadata)).unwrap()
    };
    for (pairs, key) in [
        (
            &[("constnet.standardizer.mean", "1,2,3,4")][..],
            "constnet.standardizer.std",
        ),
        (
            &[
                ("constnet.standardizer.mean", "1,2,x,4"),
                ("constnet.standardizer.std", "1,1,1,1"),
            ],
            "constnet.standardizer.mean",
        ),
        (
            &[("constnet.class_names", "setosa, versicolor")],
            "constnet.class_names",
        ),
        (
            &[("constnet.class_names", "[1, 2]")],
            "constnet.class_names",
        ),
    ] {
        let bytes = with_metadata(pairs);
        assert_eq!(
            Safetensors::parse(&bytes)
                .unwrap()
                .preprocessing::<f32, 4>(),
            Err(ImportError::BadPreprocessing { key }),
            "{pairs:?}"
        );
    }
}
