//! The chapter's optimizers side by side (sections 7.2 and 8.1): the same 64-32-10 net, from
//! the same initial weights and the same shuffles, trained on the bundled digits with SGD,
//! momentum, adadelta and Adam, with and without weight decay. Prints the learning curves as a
//! table and draws them to `target/plots/optimizers.svg`.
//!
//! Run: `cargo run --release --example optimizers`

use std::ops::ControlFlow;

use constnet::data::Split;
use constnet::optim::Optimizer;
use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, SeedableRng};

#[path = "common/datasets.rs"]
mod datasets;

#[path = "common/plot.rs"]
mod plot;

type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);

const EPOCHS: usize = 30;

/// One optimizer's learning curve: per epoch, the mean training loss and the held-out loss and
/// accuracy.
struct Curve {
    name: &'static str,
    train_loss: Vec<f32>,
    held_out_loss: Vec<f32>,
    held_out_accuracy: Vec<f64>,
}

fn train<O: Optimizer<f32, Digits>>(
    name: &'static str,
    mut optimizer: O,
    start: &Digits,
    data: &Split<[f32; 64], [f32; 10]>,
) -> Result<Curve, constnet::train::TrainError> {
    let mut net = start.clone();
    // The same generator seed for every optimizer: the same shuffles, epoch by epoch.
    let mut rng = Pcg64Mcg::seed_from_u64(11);
    let mut curve = Curve {
        name,
        train_loss: Vec::new(),
        held_out_loss: Vec::new(),
        held_out_accuracy: Vec::new(),
    };
    let mut order = vec![0; data.train_x.len()];
    Trainer::new(Nllm, &mut optimizer)
        .batch_size::<32>()
        .epochs(EPOCHS)
        .reduction(Reduction::Mean)
        .fit_with(
            &mut net,
            &data.train_x,
            &data.train_y,
            &mut rng,
            &mut order,
            |stats, net| match evaluate(net, &Nllm, &data.test_x, &data.test_y) {
                Ok(held_out) => {
                    curve.train_loss.push(stats.train.loss);
                    curve.held_out_loss.push(held_out.loss);
                    curve
                        .held_out_accuracy
                        .push(held_out.accuracy.unwrap_or(0.0));
                    ControlFlow::Continue(())
                }
                Err(_) => ControlFlow::Break(()),
            },
        )?;
    Ok(curve)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let split = datasets::digits()?;
    let start = Digits::init(&mut Pcg64Mcg::seed_from_u64(7));

    // Step sizes each optimizer does well with at batch 32, mean reduction.
    let curves = [
        train("sgd 0.1", Sgd::new(0.1f32), &start, &split)?,
        train("momentum 0.01", Momentum::new(0.01f32), &start, &split)?,
        train("adadelta 1e-3", Adadelta::new(1e-3f32), &start, &split)?,
        train("adam 1e-3", Adam::new(1e-3f32), &start, &split)?,
        train(
            "adam 1e-3 + decay 1e-4",
            WeightDecay::new(Adam::new(1e-3f32), 1e-4),
            &start,
            &split,
        )?,
    ];

    println!(
        "held-out loss (NLLM) per epoch, {} images:",
        split.test_x.len()
    );
    print!("{:>5}", "epoch");
    for c in &curves {
        print!(" {:>22}", c.name);
    }
    println!();
    for epoch in (0..EPOCHS).filter(|e| e % 3 == 0 || *e == EPOCHS - 1) {
        print!("{:>5}", epoch + 1);
        for c in &curves {
            print!(" {:>22.4}", c.held_out_loss[epoch]);
        }
        println!();
    }
    println!("\nafter {EPOCHS} epochs:");
    for c in &curves {
        let best = c
            .held_out_loss
            .iter()
            .cloned()
            .fold(f32::INFINITY, f32::min);
        println!(
            "  {:<24} train loss {:.4}, held-out loss {:.4} (lowest {best:.4}), held-out accuracy {:.2}%",
            c.name,
            c.train_loss[EPOCHS - 1],
            c.held_out_loss[EPOCHS - 1],
            100.0 * c.held_out_accuracy[EPOCHS - 1]
        );
    }

    let series: Vec<plot::Series> = curves
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            let points = |losses: &[f32]| -> Vec<(f64, f64)> {
                let epochs = 1..;
                epochs
                    .zip(losses)
                    .map(|(e, &l)| (e as f64, f64::from(l)))
                    .collect()
            };
            [
                plot::Series {
                    name: c.name.to_string(),
                    points: points(&c.held_out_loss),
                    dashed: false,
                    colour: i,
                },
                plot::Series {
                    name: format!("{} (training)", c.name),
                    points: points(&c.train_loss),
                    dashed: true,
                    colour: i,
                },
            ]
        })
        .collect();
    let path = plot::drawn(plot::line_chart(
        "optimizers.svg",
        "digits 64-32-10: loss per epoch (solid held-out, dashed training)",
        ("epoch", "mean NLLM loss (log scale)"),
        &series,
        true,
    ));
    if let Some(path) = path {
        println!("\nchart: {}", path.display());
    }
    Ok(())
}
