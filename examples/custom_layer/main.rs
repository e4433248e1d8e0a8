//! A custom layer with weights, end to end: `ScaleShift` (in `scale_shift.rs`, one file, no
//! change to constnet) goes through everything a built-in layer does.
//!
//! 1. its gradients checked against central finite differences;
//! 2. a net with it trained on the bundled iris data with every optimizer;
//! 3. saved and loaded through the weight file;
//! 4. exported as Rust source;
//! 5. loaded from a safetensors file, as PyTorch's `save_file` writes it.
//!
//! Run: `cargo run --release --example custom_layer`

use constnet::data::Split;
use constnet::optim::Optimizer;
use constnet::persist::{Safetensors, WeightFile, to_rust_source};
use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, SeedableRng};

#[path = "../common/datasets.rs"]
mod datasets;
mod scale_shift;

use scale_shift::ScaleShift;

/// Iris through a learned per-feature scale and shift, then a 4-8-3 classifier.
type Net = (ScaleShift<4>, Linear<4, 8>, Tanh, Linear<8, 3>, Softmax);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Gradients, in f64: the layer alone and inside a net, against finite differences.
    let error = gradient_check()?;
    println!("gradient check: largest relative error {error:.1e} (analytic vs finite differences)");

    // 2. Training with every optimizer, from the same start.
    let split = datasets::iris()?;
    let start = Net::init(&mut Pcg64Mcg::seed_from_u64(3));
    train("sgd 0.1", Sgd::new(0.1f32), &start, &split)?;
    train("momentum 0.05", Momentum::new(0.05f32), &start, &split)?;
    train("adadelta 0.01", Adadelta::new(0.01f32), &start, &split)?;
    let decay = WeightDecay::new(Adam::new(0.01f32), 1e-4);
    train("adam 0.01 + decay", decay, &start, &split)?;
    let trained = train("adam 0.01", Adam::new(0.01f32), &start, &split)?;

    // 3. The weight file: the layer's tensors are in it, and it loads back bit for bit.
    let mut file = vec![0u8; Net::FILE_BYTES];
    trained.to_bytes(&mut file)?;
    let loaded = Net::from_bytes(&file)?;
    println!(
        "weight file: {} bytes, loads back identical: {}",
        file.len(),
        loaded == trained
    );

    // 4. Rust source: a `const` of the net's type, to compile in.
    let source = to_rust_source(&trained, "IRIS")?;
    println!("Rust source: {} lines, starting", source.lines().count());
    for line in source.lines().skip(3).take(4) {
        println!("    {line}");
    }

    // 5. Safetensors, named as PyTorch's state dict of the same `nn.Sequential` would be.
    // The layer's declaration gives its PyTorch names: the export needs nothing more.
    let safetensors = constnet::persist::to_safetensors(&trained);
    let imported: Net = Safetensors::parse(&safetensors)?.load()?;
    println!(
        "safetensors: {} bytes, imports identical: {}",
        safetensors.len(),
        imported == trained
    );
    Ok(())
}

/// Trains a copy of `start` with `optimizer` and prints its held-out accuracy and the scales
/// the custom layer learned.
fn train<O: Optimizer<f32, Net>>(
    name: &str,
    mut optimizer: O,
    start: &Net,
    split: &Split<[f32; 4], [f32; 3]>,
) -> Result<Net, Box<dyn std::error::Error>> {
    let mut net = start.clone();
    let mut rng = Pcg64Mcg::seed_from_u64(5);
    Trainer::new(Nllm, &mut optimizer)
        .batch_size::<8>()
        .epochs(60)
        .reduction(Reduction::Mean)
        .fit(&mut net, &split.train_x, &split.train_y, &mut rng)?;
    let held_out = evaluate(&net, &Nllm, &split.test_x, &split.test_y)?;
    println!(
        "{name:<18} held-out accuracy {:5.1}%, learned scales {:?}",
        100.0 * held_out.accuracy.unwrap_or(0.0),
        net.0.s.map(|s| (s * 100.0).round() / 100.0)
    );
    Ok(net)
}

/// The largest relative error between back-propagation's gradients and central finite
/// differences, for the weights and the input of an f64 net that starts with `ScaleShift`.
fn gradient_check() -> Result<f64, Box<dyn std::error::Error>> {
    type Checked = (
        ScaleShift<3, f64>,
        Linear<3, 2, f64>,
        Tanh,
        ScaleShift<2, f64>,
    );
    let mut rng = Pcg64Mcg::seed_from_u64(9);
    let mut net = Checked::init(&mut rng);
    // Away from the initial 1 and 0, so every term of the gradient matters.
    net.0.s = [0.5, -1.5, 2.0];
    net.0.t = [0.1, -0.2, 0.3];
    net.3.s = [1.25, -0.75];
    let x = [[0.3, -0.7, 1.1], [-0.4, 0.9, 0.2]];
    let y = [[0.5, -0.25], [-1.0, 0.75]];
    let loss = |net: &Checked, x: &[[f64; 3]; 2]| -> f64 {
        x.iter()
            .zip(&y)
            .map(|(xk, yk)| Squared.value(&net.forward(xk), yk))
            .sum()
    };

    let (out, tape) = net.clone().forward_train_batch(&x, &mut rng);
    let dl_dv: [[f64; 2]; 2] = std::array::from_fn(|k| Squared.grad(&out[k], &y[k]));
    let mut grad = Checked::zeroed();
    let dl_du = net.backprop_batch(&x, &out, &tape, &dl_dv, &mut grad);

    let mut analytic = Vec::new();
    grad.visit(&mut |g: &[f64]| analytic.extend_from_slice(g));
    analytic.extend(dl_du.as_flattened());
    let mut numeric = Vec::new();
    let h = 1e-6;
    for index in 0..<Checked as Params<f64>>::COUNT {
        let moved = |delta: f64| {
            let mut moved = net.clone();
            let mut seen = 0;
            Checked::walk([&mut moved], &mut |[p]: [&mut [f64]; 1]| {
                if (seen..seen + p.len()).contains(&index) {
                    p[index - seen] += delta;
                }
                seen += p.len();
            });
            loss(&moved, &x)
        };
        numeric.push((moved(h) - moved(-h)) / (2.0 * h));
    }
    for index in 0..6 {
        let moved = |delta: f64| {
            let mut moved = x;
            moved.as_flattened_mut()[index] += delta;
            loss(&net, &moved)
        };
        numeric.push((moved(h) - moved(-h)) / (2.0 * h));
    }
    let worst = analytic
        .iter()
        .zip(&numeric)
        .map(|(a, n)| (a - n).abs() / a.abs().max(n.abs()).max(1e-8))
        .fold(0.0, f64::max);
    if worst > 1e-6 {
        return Err(format!("gradient check failed: relative error {worst:e}").into());
    }
    Ok(worst)
}
