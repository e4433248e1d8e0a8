//! The PyTorch route: load a model trained in PyTorch and run it here.
//!
//! `tests/fixtures/pytorch/make_fixture.py` trained
//! `nn.Sequential(Linear(4, 16), BatchNorm1d(16), ReLU(), Linear(16, 3), Softmax(dim=1))` on the
//! bundled iris data and saved it with `safetensors.torch.save_file(model.state_dict(), path)`.
//! This program loads that file into the same network, written as a constnet type, and
//! classifies every flower.
//!
//! Run: `cargo run --release --example pytorch_import [-- model.safetensors]`

use constnet::data::{Header, parse_labeled_csv, to_class};
use constnet::persist::{Safetensors, WeightFile};
use constnet::prelude::*;

/// The PyTorch model, layer for layer: module `k` of the `nn.Sequential` is element `k` here.
#[path = "common/output.rs"]
mod output;

type Iris = (Linear<4, 16>, BatchNorm<16>, ReLU, Linear<16, 3>, Softmax);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/pytorch/iris_mlp.safetensors"
        )
        .into()
    });
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    // Every tensor's name, dtype and shape is checked against the type; a mismatch is an error
    // that names the tensor.
    let net: Iris = Safetensors::parse(&bytes)?.load()?;
    println!("loaded {path}");

    let csv = include_str!("../data/iris.csv");
    let data = parse_labeled_csv::<f32, 4>(csv, Header::Present)?;
    let right = data
        .features
        .iter()
        .zip(&data.labels)
        .filter(|(x, label)| to_class(&net.forward(x)) == **label as usize)
        .count();
    println!(
        "accuracy on the {} iris flowers: {:.1}%",
        data.features.len(),
        100.0 * right as f64 / data.features.len() as f64
    );
    let names = ["setosa", "versicolor", "virginica"];
    for (x, &label) in data.features.iter().zip(&data.labels).step_by(37) {
        let p = net.forward(x);
        println!(
            "  {x:?}: {} (p = {:.3}), truly {}",
            names[to_class(&p)],
            p[to_class(&p)],
            names[label as usize]
        );
    }

    // From here on it is a constnet net like any other: save it in our own format for a
    // firmware to `include_bytes!`.
    let out = output::dir("")?.join("iris.cnet");
    net.save(&out)?;
    println!(
        "saved as constnet weights: {} ({} bytes)",
        out.display(),
        Iris::FILE_BYTES
    );
    Ok(())
}
