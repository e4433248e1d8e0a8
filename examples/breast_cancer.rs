//! Binary classification two ways (chapter section 6.1): breast cancer diagnosis from 30
//! measurements, with a sigmoid output and NLL beside a linear output and hinge loss, each
//! against the constant predictor.
//!
//! Run: `cargo run --release --example breast_cancer`

use constnet::data::ConfusionMatrix;
use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, SeedableRng};

#[path = "common/datasets.rs"]
mod datasets;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let split = datasets::breast_cancer()?;
    let benign = split.test_y.iter().filter(|y| y[0] > 0.5).count();
    let majority = benign.max(split.test_y.len() - benign) as f64 / split.test_y.len() as f64;
    println!(
        "breast cancer: {} training and {} held-out cases; always guessing the majority is \
         right {:.1}% of the time",
        split.train_x.len(),
        split.test_x.len(),
        100.0 * majority
    );

    // Sigmoid + NLL: the output is the probability of "benign".
    let mut rng = Pcg64Mcg::seed_from_u64(60);
    let mut nll_net = <(Linear<30, 8, f64>, ReLU, Linear<8, 1, f64>, Sigmoid)>::init(&mut rng);
    let mut adam = Adam::new(3e-3);
    Trainer::new(Nll, &mut adam)
        .batch_size::<16>()
        .epochs(30)
        .reduction(Reduction::Mean)
        .fit(&mut nll_net, &split.train_x, &split.train_y, &mut rng)?;
    let nll = evaluate(&nll_net, &Nll, &split.test_x, &split.test_y)?;

    // Linear + hinge: the targets become -1 / +1 and the output's sign is the class.
    let signed = |ys: &[[f64; 1]]| ys.iter().map(|y| [2.0 * y[0] - 1.0]).collect::<Vec<_>>();
    let (train_s, test_s) = (signed(&split.train_y), signed(&split.test_y));
    let mut hinge_net = <(Linear<30, 1, f64>,)>::init(&mut rng);
    let mut sgd = Sgd::new(0.01);
    Trainer::new(Hinge, &mut sgd)
        .batch_size::<16>()
        .epochs(30)
        .reduction(Reduction::Mean)
        .fit(&mut hinge_net, &split.train_x, &train_s, &mut rng)?;
    let hinge = evaluate(&hinge_net, &Hinge, &split.test_x, &test_s)?;

    println!("{:<28} {:>14} {:>10}", "", "held-out loss", "accuracy");
    for (name, eval) in [("30-8-1 sigmoid, NLL", nll), ("30-1 linear, hinge", hinge)] {
        println!(
            "{name:<28} {:>14.4} {:>9.1}%",
            eval.loss,
            100.0 * eval.accuracy.unwrap_or(0.0)
        );
    }
    let mut m = ConfusionMatrix::<2>::new();
    for (x, y) in split.test_x.iter().zip(&split.test_y) {
        m.record(
            usize::from(y[0] > 0.5),
            usize::from(nll_net.forward(x)[0] > 0.5),
        );
    }
    println!("NLL net, held out (0 malignant, 1 benign):");
    print!("{m}");
    Ok(())
}
