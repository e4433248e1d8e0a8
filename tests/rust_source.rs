//! Nets as Rust source: the text `to_rust_source` writes for two nets is committed as
//! `tests/fixtures/generated_net.rs` and compiled into this test with `include!`. The test
//! checks that the generator still writes exactly that text, and that the compiled constants
//! equal the nets they came from, bit for bit. Run with `UPDATE_FIXTURES=1` to rewrite the
//! file after a deliberate change to the generator.

mod common;

use common::{Float8, float8_calibration, rng};
use constnet::data::Standardizer;
use constnet::persist::{
    ClassNames, Preprocessing, to_rust_source, to_rust_source_int8, to_rust_source_with,
};
use constnet::prelude::*;
use constnet::quantization::Rounding;

mod generated {
    include!("fixtures/generated_net.rs");
}

mod generated_int8 {
    include!("fixtures/generated_int8_net.rs");
}

type Net32 = (
    Linear<3, 4>,
    BatchNorm<4>,
    ReLU,
    Dropout<25>,
    (Linear<4, 2>, (Sigmoid,)),
);
type Net64 = (Linear<2, 3, f64>, Tanh, Linear<3, 1, f64>, Identity);

fn nets() -> (Net32, Net64) {
    let mut net32 = Net32::init(&mut rng(80));
    net32.1.g = [1.25, -0.5, 2.0, 1.0];
    net32.1.mean = [0.1, -0.2, 0.3, 1e-7];
    net32.1.sigma = [3.0, 0.25, 1e20, 1.0];
    net32.1.eps = 1e-3;
    let net64 = Net64::init(&mut rng(81));
    (net32, net64)
}

#[test]
fn generated_source_compiles_to_the_same_nets() {
    let (net32, net64) = nets();
    // NET64 comes with the preprocessing it was trained with; a class name with a quote and a
    // backslash stays a string.
    let standardizer = Standardizer {
        mean: [170.5, -0.1],
        std: [12.25, 1e-3],
    };
    let names = ["plain", "with \"quote\" and \\"];
    let preprocessing = Preprocessing {
        standardizer: Some(standardizer),
        class_names: ClassNames::new(&names),
    };
    let text = to_rust_source(&net32, "NET32").unwrap()
        + &to_rust_source_with(&net64, "NET64", &preprocessing).unwrap();
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write("tests/fixtures/generated_net.rs", &text).unwrap();
    }
    assert_eq!(
        text,
        include_str!("fixtures/generated_net.rs"),
        "the generator's output changed: rerun with UPDATE_FIXTURES=1 and review the diff"
    );
    assert_eq!(generated::NET32, net32);
    assert_eq!(generated::NET64, net64);
    assert_eq!(generated::NET64_STANDARDIZER, standardizer);
    assert_eq!(generated::NET64_CLASS_NAMES, names);
    let x = [0.5, -1.5, 2.5];
    assert_eq!(generated::NET32.forward(&x), net32.forward(&x));
    // A `const` is usable where a value is needed at compile time: a `static` in flash.
    static IN_FLASH: Net64 = generated::NET64;
    assert_eq!(IN_FLASH.forward(&[1.0, 2.0]), net64.forward(&[1.0, 2.0]));
}

#[test]
fn every_value_reads_back_to_the_same_bits() {
    let mut net = (Linear::<1, 6, f32>::zeros(),);
    net.0.w = [[
        f32::MIN_POSITIVE,
        -0.0,
        f32::MAX,
        1.0 / 3.0,
        f32::NAN,
        f32::NEG_INFINITY,
    ]];
    let text = to_rust_source(&net, "ODD").unwrap();
    assert!(
        text.contains(
            "[1.1754944e-38, -0.0, 3.4028235e38, 0.33333334, f32::NAN, f32::NEG_INFINITY]"
        )
    );
    for literal in ["1.1754944e-38", "3.4028235e38", "0.33333334"] {
        let v: f32 = literal.parse().unwrap();
        assert!(net.0.w[0].iter().any(|w| w.to_bits() == v.to_bits()));
    }
}

#[test]
fn generated_int8_source_compiles_to_the_same_net() {
    let net = Float8::init(&mut rng(82));
    let calibration = float8_calibration();
    let single = net.quantize(&calibration).unwrap();
    let double = net.quantize_with(&calibration, Rounding::Double).unwrap();
    let text = to_rust_source_int8(&single, "SINGLE").unwrap()
        + &to_rust_source_int8(&double, "DOUBLE").unwrap();
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write("tests/fixtures/generated_int8_net.rs", &text).unwrap();
    }
    assert_eq!(
        text,
        include_str!("fixtures/generated_int8_net.rs"),
        "the generator's output changed: rerun with UPDATE_FIXTURES=1 and review the diff"
    );
    assert_eq!(generated_int8::SINGLE, single);
    assert_eq!(generated_int8::DOUBLE, double);
    static IN_FLASH: <Float8 as Quantize<[f32; 3]>>::Int8 = generated_int8::SINGLE;
    for x in &calibration {
        let q = single.quantize_input(x).unwrap();
        assert_eq!(IN_FLASH.forward(&q), single.forward(&q));
    }
}
