//! The main job: train the chapter's 64-32-10 network on the bundled handwritten digits
//! (UCI optdigits, 1797 8x8 images) with a progress bar, report held-out accuracy and the
//! confusion matrix, draw the learning curves to `target/plots/digits_*.svg`, and show a few
//! predictions.
//!
//! Run: `cargo run --release --example digits`. It also saves the trained net as
//! `target/digits.cnet` (the weight file) and `target/digits_net.rs` (a `const` of its type).

use constnet::data::{ConfusionMatrix, to_class};
use constnet::persist::{WeightFile, to_rust_source};
use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, SeedableRng};
use constnet::train::EpochStats;
use std::io::IsTerminal;
use std::ops::ControlFlow;

#[path = "common/datasets.rs"]
mod datasets;
#[path = "common/plot.rs"]
mod plot;

/// The chapter's network: Z^l = W^lT A^(l-1) + W0^l, A^l = f^l(Z^l).
type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);

const EPOCHS: usize = 40;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Pixels scaled from 0..16 to 0..1; one fifth of the images is held out.
    let split = datasets::digits()?;
    println!(
        "digits: {} training and {} held-out images of 8x8 pixels, 10 classes",
        split.train_x.len(),
        split.test_x.len()
    );

    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mut net = Digits::init(&mut rng);
    let mut sgd = Sgd::new(0.1f32);
    let mut trainer = Trainer::new(Nllm, &mut sgd)
        .batch_size::<32>()
        .epochs(EPOCHS)
        .reduction(Reduction::Mean);

    // A progress line that redraws itself on a terminal; every tenth epoch is also printed.
    let terminal = std::io::stderr().is_terminal();
    let mut order = vec![0; split.train_x.len()];
    let mut curves = [(); 4].map(|()| Vec::new());
    trainer.fit_with(
        &mut net,
        &split.train_x,
        &split.train_y,
        &mut rng,
        &mut order,
        |stats: &EpochStats<f32>, net| {
            let held_out = evaluate(net, &Nllm, &split.test_x, &split.test_y).ok();
            let epoch = stats.epoch as f64;
            curves[0].push((epoch, f64::from(stats.train.loss)));
            curves[1].push((epoch, stats.train.accuracy.unwrap_or(0.0)));
            if let Some(h) = held_out {
                curves[2].push((epoch, f64::from(h.loss)));
                curves[3].push((epoch, h.accuracy.unwrap_or(0.0)));
            }
            if terminal {
                let done = 30 * stats.epoch / EPOCHS;
                eprint!(
                    "\r[{}{}] epoch {}/{EPOCHS}: train loss {:.4} acc {:.1}% | held-out acc {:.1}%",
                    "#".repeat(done),
                    " ".repeat(30 - done),
                    stats.epoch,
                    stats.train.loss,
                    100.0 * stats.train.accuracy.unwrap_or(0.0),
                    100.0 * held_out.and_then(|e| e.accuracy).unwrap_or(0.0)
                );
            }
            if stats.epoch.is_multiple_of(10) {
                if terminal {
                    eprint!("\r\x1b[2K");
                }
                println!(
                    "epoch {:>3}: train loss {:.4}, train accuracy {:.1}%",
                    stats.epoch,
                    stats.train.loss,
                    100.0 * stats.train.accuracy.unwrap_or(0.0)
                );
            }
            ControlFlow::Continue(())
        },
    )?;
    if terminal {
        eprintln!();
    }

    let held_out = evaluate(&net, &Nllm, &split.test_x, &split.test_y)?;
    println!(
        "held-out: loss {:.4}, accuracy {:.2}% on {} images",
        held_out.loss,
        100.0 * held_out.accuracy.unwrap_or(0.0),
        held_out.samples
    );

    println!("held-out confusion matrix:");
    print!(
        "{}",
        ConfusionMatrix::of(&net, &split.test_x, &split.test_y)
    );

    let [train_loss, train_accuracy, held_loss, held_accuracy] = curves;
    let series = |a: Vec<(f64, f64)>, b: Vec<(f64, f64)>| {
        [("held out", b, false, 0), ("training", a, true, 1)].map(
            |(name, points, dashed, colour)| plot::Series {
                name: name.to_string(),
                points,
                dashed,
                colour,
            },
        )
    };
    let loss_chart = plot::drawn(plot::line_chart(
        "digits_loss.svg",
        "digits 64-32-10: mean NLLM loss per epoch",
        ("epoch", "loss (log scale)"),
        &series(train_loss, held_loss),
        true,
    ));
    let accuracy_chart = plot::drawn(plot::line_chart(
        "digits_accuracy.svg",
        "digits 64-32-10: accuracy per epoch",
        ("epoch", "accuracy"),
        &series(train_accuracy, held_accuracy),
        false,
    ));
    if let (Some(loss), Some(accuracy)) = (loss_chart, accuracy_chart) {
        println!(
            "learning curves: {} and {}",
            loss.display(),
            accuracy.display()
        );
    }

    println!("a few held-out predictions:");
    for (x, y) in split.test_x.iter().zip(&split.test_y).take(8) {
        let p = net.forward(x);
        let guess = to_class(&p);
        println!(
            "  true {} -> predicted {} (p = {:.3}){}",
            to_class(y),
            guess,
            p[guess],
            if guess == to_class(y) {
                ""
            } else {
                "  <- wrong"
            }
        );
    }

    // Embed it: a weight file to `include_bytes!`, or Rust source that compiles the weights in.
    let out = plot::output::dir("")?;
    let (weights, source) = (out.join("digits.cnet"), out.join("digits_net.rs"));
    net.save(&weights)?;
    std::fs::write(&source, to_rust_source(&net, "DIGITS")?)
        .map_err(|e| format!("cannot write {}: {e}", source.display()))?;
    println!(
        "saved {} ({} bytes) and {}",
        weights.display(),
        Digits::FILE_BYTES,
        source.display()
    );
    Ok(())
}
