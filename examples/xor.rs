//! XOR, the smallest problem a single layer cannot learn (chapter section 2.2), trained with
//! the chapter's SGD-NEURAL-NET: one sample per step, in a random order each epoch.
//!
//! Run: `cargo run --release --example xor`

use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, SeedableRng};

/// Two inputs, a hidden layer of 4 tanh units, one sigmoid output for NLL.
type Xor = (Linear<2, 4, f64>, Tanh, Linear<4, 1, f64>, Sigmoid);

const X: [[f64; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const Y: [[f64; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Pcg64Mcg::seed_from_u64(11);
    let mut net = Xor::init(&mut rng);
    println!("before training:");
    for x in &X {
        println!("  XOR({}, {}) = {:.3}", x[0], x[1], net.forward(x)[0]);
    }

    // SGD-NEURAL-NET: batch size 1 is the trainer's default.
    let mut sgd = Sgd::new(0.5);
    let report = Trainer::new(Nll, &mut sgd)
        .epochs(2000)
        .fit(&mut net, &X, &Y, &mut rng)?;
    for stats in report
        .epochs
        .iter()
        .filter(|s| s.epoch == 1 || s.epoch % 400 == 0)
    {
        println!(
            "epoch {:>4}: mean NLL {:.4}, accuracy {:.0}%",
            stats.epoch,
            stats.train.loss,
            100.0 * stats.train.accuracy.unwrap_or(0.0)
        );
    }
    println!("after training:");
    for (x, y) in X.iter().zip(&Y) {
        let p = net.forward(x)[0];
        println!("  XOR({}, {}) = {p:.3} (target {})", x[0], x[1], y[0]);
    }
    let hidden = net.0.forward(&X[1]);
    println!("the hidden layer's pre-activations Z^1 for (0, 1): {hidden:.2?}");
    Ok(())
}
