//! The reference user app of the compile-time benchmark (`benches/compile/run.sh`): what a
//! new user writes first. A sine regressor, an iris classifier, and a program part that loads
//! a saved net and runs it. `plain-app` is the same program on plain `Vec<f32>` loops.

use constnet::data::{Header, Standardizer, one_hot_all, parse_labeled_csv, to_class};
use constnet::persist::WeightFile;
use constnet::prelude::*;

type Sine = (Linear<1, 16>, Tanh, Linear<16, 16>, Tanh, Linear<16, 1>);
type Iris = (Linear<4, 16>, ReLU, Linear<16, 3>, Softmax);

/// The literal the benchmark edits before the rebuild.
const EPOCHS: usize = 200;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Pcg64Mcg::seed_from_u64(1);

    // 1. A sine regressor: 1024 points of sin(x) on [0, 2 pi], squared loss, Adam.
    let x: Vec<[f32; 1]> = (0..1024).map(|i| [i as f32 * std::f32::consts::TAU / 1024.0]).collect();
    let y: Vec<[f32; 1]> = x.iter().map(|[x]| [x.sin()]).collect();
    let mut sine = Sine::init(&mut rng);
    let mut adam = Adam::new(1e-2f32);
    let report = Trainer::new(Squared, &mut adam)
        .batch_size::<16>()
        .epochs(EPOCHS)
        .fit(&mut sine, &x, &y, &mut rng)?;
    println!("sine: loss {:.4}", report.last().map_or(f32::NAN, |e| e.train.loss));

    // 2. An iris classifier: standardized features, one-hot targets, NLLM, SGD.
    let text = include_str!("../../../../data/iris.csv");
    let data = parse_labeled_csv::<f32, 4>(text, Header::Present)?;
    let standardizer = Standardizer::fit(&data.features)?;
    let mut features = data.features.clone();
    standardizer.apply_all(&mut features);
    let targets = one_hot_all::<f32, 3>(&data.labels)?;
    let mut iris = Iris::init(&mut rng);
    let mut sgd = Sgd::new(0.05f32);
    Trainer::new(Nllm, &mut sgd)
        .batch_size::<8>()
        .epochs(EPOCHS / 4)
        .fit(&mut iris, &features, &targets, &mut rng)?;
    let held = evaluate(&iris, &Nllm, &features, &targets)?;
    println!("iris: accuracy {:.3}", held.accuracy.unwrap_or(0.0));

    // 3. Save it, load it as another program would, and use it.
    let file = iris.to_byte_vec();
    let loaded = Iris::from_bytes(&file)?;
    let p = loaded.forward(&standardizer.apply(&[6.7, 3.0, 5.2, 2.3]));
    println!("loaded: class {} (p = {:.3})", to_class(&p), p[to_class(&p)]);
    Ok(())
}
