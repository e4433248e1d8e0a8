//! Regression (chapter section 6): disease progression one year on, from 10 measurements, with
//! squared loss on standardized inputs and target; reported as RMSE in the data's own units and
//! as R^2, against the mean predictor.
//!
//! Run: `cargo run --release --example diabetes`

use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, SeedableRng};

#[path = "common/datasets.rs"]
mod datasets;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let datasets::Diabetes { split, target } = datasets::diabetes()?;
    let mut rng = Pcg64Mcg::seed_from_u64(62);
    let mut net = <(Linear<10, 8, f64>, Tanh, Linear<8, 1, f64>)>::init(&mut rng);
    let mut momentum = Momentum::new(1e-3);
    Trainer::new(Squared, &mut momentum)
        .batch_size::<16>()
        .epochs(60)
        .reduction(Reduction::Mean)
        .fit(&mut net, &split.train_x, &split.train_y, &mut rng)?;

    // Back in progression points: predictions and targets un-standardized.
    let points = |y: f64| target.invert(0, y);
    let truth: Vec<f64> = split.test_y.iter().map(|y| points(y[0])).collect();
    let guess: Vec<f64> = split
        .test_x
        .iter()
        .map(|x| points(net.forward(x)[0]))
        .collect();
    let train_mean = target.mean[0];
    let n = truth.len() as f64;
    let mse = truth
        .iter()
        .zip(&guess)
        .map(|(t, g)| (t - g).powi(2))
        .sum::<f64>()
        / n;
    let mean_mse = truth.iter().map(|t| (t - train_mean).powi(2)).sum::<f64>() / n;
    let test_mean = truth.iter().sum::<f64>() / n;
    let variance = truth.iter().map(|t| (t - test_mean).powi(2)).sum::<f64>() / n;
    println!(
        "diabetes: {} training and {} held-out patients",
        split.train_x.len(),
        truth.len()
    );
    println!("{:<30} {:>8} {:>8}", "held out", "RMSE", "R^2");
    println!(
        "{:<30} {:>8.1} {:>8.3}",
        "10-8-1 tanh, squared loss",
        mse.sqrt(),
        1.0 - mse / variance
    );
    println!(
        "{:<30} {:>8.1} {:>8.3}",
        "the training mean, always",
        mean_mse.sqrt(),
        1.0 - mean_mse / variance
    );
    for (t, g) in truth.iter().zip(&guess).take(5) {
        println!("  progression {t:>5.0}, predicted {g:>5.0}");
    }
    Ok(())
}
