//! Post-training int8 quantization: three nets trained in f32 (f64 for breast cancer), then
//! quantized with their own training inputs as calibration data, and run in integers only,
//! as a Cortex-M0 would run them. Prints held-out accuracy and memory, float beside int8.
//!
//! Run: `cargo run --release --example quantize`

use std::mem::size_of;

use constnet::data::to_class;
use constnet::prelude::*;
use constnet::quantization::QuantizeError;
use constnet::rng::{Pcg64Mcg, SeedableRng};

#[path = "common/datasets.rs"]
mod datasets;

type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);
type Iris = (Linear<4, 8>, ReLU, Linear<8, 3>, Softmax);
type Cancer = (Linear<30, 8, f64>, ReLU, Linear<8, 1, f64>, Sigmoid);

/// The share of `xs` an int8 net classifies as `ys` say: quantize each input, run the net in
/// integers, and read the class off the int8 output (the largest value; above the middle of
/// the range for one sigmoid output).
fn int8_accuracy<N, const IN: usize, const OUT: usize, T: Scalar>(
    net: &N,
    xs: &[[T; IN]],
    ys: &[[T; OUT]],
) -> Result<f64, QuantizeError>
where
    N: Int8Net<IN, OUT>,
{
    let mut right = 0;
    for (x, y) in xs.iter().zip(ys) {
        let x = x.map(|v| v.as_f64() as f32);
        let q = net
            .quantize_input(&x)
            .ok_or(QuantizeError::NonFinite { layer: None })?;
        let out = net.dequantize_output(&net.forward(&q));
        let (guess, truth) = if OUT == 1 {
            (usize::from(out[0] > 0.5), usize::from(y[0].as_f64() > 0.5))
        } else {
            (constnet::tensor::argmax(&out), to_class(y))
        };
        right += usize::from(guess == truth);
    }
    Ok(right as f64 / xs.len() as f64)
}

/// One line of the table: accuracy and bytes, f32 beside int8.
fn report(
    name: &str,
    float: f64,
    int8: f64,
    float_bytes: usize,
    int8_bytes: usize,
    weights: usize,
) {
    println!(
        "{name:<14} {:>7.2}% {:>7.2}% {:>+7.2}  {float_bytes:>7} B {int8_bytes:>7} B {weights:>7} B",
        100.0 * float,
        100.0 * int8,
        100.0 * (int8 - float)
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "{:<14} {:>8} {:>8} {:>7}  {:>9} {:>9} {:>9}",
        "held out", "float", "int8", "points", "float net", "int8 net", "int8 W"
    );

    let split = datasets::digits()?;
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mut digits = Digits::init(&mut rng);
    let mut sgd = Sgd::new(0.1f32);
    Trainer::new(Nllm, &mut sgd)
        .batch_size::<32>()
        .epochs(40)
        .reduction(Reduction::Mean)
        .fit(&mut digits, &split.train_x, &split.train_y, &mut rng)?;
    let float = evaluate(&digits, &Nllm, &split.test_x, &split.test_y)?
        .accuracy
        .unwrap_or(0.0);
    let q = digits.quantize(&split.train_x)?;
    let int8 = int8_accuracy(&q, &split.test_x, &split.test_y)?;
    report(
        "digits",
        float,
        int8,
        size_of::<Digits>(),
        size_of_val(&q),
        64 * 32 + 32 * 10,
    );

    let split = datasets::iris()?;
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let mut iris = Iris::init(&mut rng);
    let mut adam = Adam::new(1e-2f32);
    Trainer::new(Nllm, &mut adam)
        .batch_size::<8>()
        .epochs(100)
        .reduction(Reduction::Mean)
        .fit(&mut iris, &split.train_x, &split.train_y, &mut rng)?;
    let float = evaluate(&iris, &Nllm, &split.test_x, &split.test_y)?
        .accuracy
        .unwrap_or(0.0);
    let q = iris.quantize(&split.train_x)?;
    let int8 = int8_accuracy(&q, &split.test_x, &split.test_y)?;
    report(
        "iris",
        float,
        int8,
        size_of::<Iris>(),
        size_of_val(&q),
        4 * 8 + 8 * 3,
    );

    let split = datasets::breast_cancer()?;
    let mut rng = Pcg64Mcg::seed_from_u64(60);
    let mut cancer = Cancer::init(&mut rng);
    let mut adam = Adam::new(3e-3);
    Trainer::new(Nll, &mut adam)
        .batch_size::<16>()
        .epochs(30)
        .reduction(Reduction::Mean)
        .fit(&mut cancer, &split.train_x, &split.train_y, &mut rng)?;
    let float = evaluate(&cancer, &Nll, &split.test_x, &split.test_y)?
        .accuracy
        .unwrap_or(0.0);
    let q = cancer.quantize(&split.train_x)?;
    let int8 = int8_accuracy(&q, &split.test_x, &split.test_y)?;
    report(
        "breast cancer",
        float,
        int8,
        size_of::<Cancer>(),
        size_of_val(&q),
        30 * 8 + 8,
    );

    println!(
        "(float net: its weights and offsets; int8 net: everything the int8 type holds, weights, \
         biases, multipliers, shifts, scales and tables; int8 W: the int8 weights alone)"
    );
    Ok(())
}
