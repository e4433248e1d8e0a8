//! The `inspect` example, run as a user runs it: the type it prints for a model file is the
//! one the file loads into, and with `--rust` it writes source that compiles to the very net
//! `Onnx::load` gives, bit for bit (the committed `tests/fixtures/onnx/mlp_bn_net.rs` is its
//! output, included below and compared with a fresh run).

use std::path::{Path, PathBuf};
use std::process::Command;

use constnet::persist::{Onnx, Tflite};
use constnet::prelude::*;

mod generated {
    include!("fixtures/onnx/mlp_bn_net.rs");
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// Runs the built example with `args`; its standard output.
fn inspect(args: &[&str]) -> String {
    let exe = std::env::current_exe().unwrap();
    let example = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples/inspect");
    let output = Command::new(&example)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (is the example built?)", example.display()));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_rust_source_it_writes_is_the_loaded_net_bit_for_bit() {
    let path = fixture("onnx/mlp_bn.onnx");
    let source = inspect(&[path.to_str().unwrap(), "--rust", "IRIS_BN"]);
    let committed = std::fs::read_to_string(fixture("onnx/mlp_bn_net.rs")).unwrap();
    // The first line names the path the example was given.
    let body = |text: &str| text.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&source), body(&committed), "regenerate mlp_bn_net.rs");

    let bytes = std::fs::read(&path).unwrap();
    let loaded: (Linear<4, 16>, BatchNorm<16>, Tanh, Linear<16, 3>, Sigmoid) =
        Onnx::parse(&bytes).unwrap().load().unwrap();
    // The const has the type the example printed, and the loader's values, every bit.
    assert_eq!(generated::IRIS_BN, loaded);
    let x = [5.1, 3.5, 1.4, 0.2];
    assert_eq!(
        generated::IRIS_BN.forward(&x).map(f32::to_bits),
        loaded.forward(&x).map(f32::to_bits)
    );
}

#[test]
fn the_printed_types_are_the_ones_the_files_load_into() {
    let matmul = inspect(&[fixture("onnx/mlp_matmul.onnx").to_str().unwrap()]);
    assert!(matmul.contains(
        "type Net = (constnet::Linear<1, 16, f32>, constnet::ReLU, constnet::Linear<16, 16, f32>, \
         constnet::ReLU, constnet::Linear<16, 1, f32>);"
    ), "{matmul}");
    let f64_model = inspect(&[fixture("onnx/mlp_f64.onnx").to_str().unwrap()]);
    assert!(
        f64_model.contains("constnet::BatchNorm<16, f64>"),
        "{f64_model}"
    );

    let tflite = inspect(&[fixture("tflite/digits_tanh_sigmoid.tflite")
        .to_str()
        .unwrap()]);
    assert!(tflite.contains(
        "type QNet = (constnet::Int8Linear<64, 24>, constnet::Int8Tanh, constnet::Int8Linear<24, 16>, \
         constnet::Int8Sigmoid, constnet::Int8Linear<16, 10>, constnet::Int8Softmax);"
    ), "{tflite}");
    // And the file loads into it.
    type QNet = (
        constnet::Int8Linear<64, 24>,
        constnet::Int8Tanh,
        constnet::Int8Linear<24, 16>,
        constnet::Int8Sigmoid,
        constnet::Int8Linear<16, 10>,
        constnet::Int8Softmax,
    );
    let bytes = std::fs::read(fixture("tflite/digits_tanh_sigmoid.tflite")).unwrap();
    assert!(Tflite::parse(&bytes).unwrap().load::<QNet>().is_ok());
}
