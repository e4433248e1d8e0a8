//! Iris, the classic tiny multiclass problem: 4 measurements, 3 species, a 4-8-3 net with a
//! softmax output and NLLM (chapter section 6.2), trained with Adam (section 7.2.4).
//!
//! Run: `cargo run --release --example iris`

use constnet::data::ConfusionMatrix;
use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, SeedableRng};

#[path = "common/datasets.rs"]
mod datasets;

type Iris = (Linear<4, 8>, ReLU, Linear<8, 3>, Softmax);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let split = datasets::iris()?;
    println!(
        "iris: {} training and {} held-out flowers, features standardized",
        split.train_x.len(),
        split.test_x.len()
    );
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let mut net = Iris::init(&mut rng);
    let mut adam = Adam::new(1e-2f32);
    let report = Trainer::new(Nllm, &mut adam)
        .batch_size::<8>()
        .epochs(100)
        .reduction(Reduction::Mean)
        .fit(&mut net, &split.train_x, &split.train_y, &mut rng)?;
    let last = report.last().unwrap_or_default();
    let held_out = evaluate(&net, &Nllm, &split.test_x, &split.test_y)?;
    println!(
        "after {} epochs: training loss {:.4}; held-out loss {:.4}, accuracy {:.1}%",
        last.epoch,
        last.train.loss,
        held_out.loss,
        100.0 * held_out.accuracy.unwrap_or(0.0)
    );
    println!("held-out confusion matrix (0 setosa, 1 versicolor, 2 virginica):");
    print!(
        "{}",
        ConfusionMatrix::of(&net, &split.test_x, &split.test_y)
    );
    Ok(())
}
