//! What a hidden layer does, in a picture: two interleaved spirals in the plane, which no line
//! separates, learned by a 2-32-32-2 net; the decision regions are drawn to
//! `target/plots/decision_boundary.svg`, next to those of a net with no hidden layer.
//!
//! Run: `cargo run --release --example decision_boundary`

use constnet::prelude::*;
use constnet::rng::{Pcg64Mcg, RngExt, SeedableRng};

#[path = "common/plot.rs"]
mod plot;

type Deep = (
    Linear<2, 32>,
    Tanh,
    Linear<32, 32>,
    Tanh,
    Linear<32, 2>,
    Softmax,
);
type Flat = (Linear<2, 2>, Softmax);

/// Two spirals of `n` points each, with a little noise, from a seeded generator.
fn spirals(n: usize, rng: &mut Pcg64Mcg) -> (Vec<[f32; 2]>, Vec<[f32; 2]>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for class in 0..2 {
        for i in 0..n {
            let t = i as f32 / n as f32 * 3.0 * std::f32::consts::PI;
            let r = 0.2 + t / 3.0;
            let angle = t + class as f32 * std::f32::consts::PI;
            let mut noise = || rng.random_range(-0.08f32..0.08);
            x.push([r * angle.cos() + noise(), r * angle.sin() + noise()]);
            y.push(if class == 0 { [1.0, 0.0] } else { [0.0, 1.0] });
        }
    }
    (x, y)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Pcg64Mcg::seed_from_u64(21);
    let (x, y) = spirals(150, &mut rng);
    let points: Vec<((f64, f64), usize)> = x
        .iter()
        .zip(&y)
        .map(|(p, t)| ((f64::from(p[0]), f64::from(p[1])), usize::from(t[1] > 0.5)))
        .collect();

    let mut deep = Deep::init(&mut rng);
    let mut adam = Adam::new(1e-2f32);
    Trainer::new(Nllm, &mut adam)
        .batch_size::<16>()
        .epochs(400)
        .reduction(Reduction::Mean)
        .fit(&mut deep, &x, &y, &mut rng)?;
    let mut flat = Flat::init(&mut rng);
    let mut adam = Adam::new(1e-2f32);
    Trainer::new(Nllm, &mut adam)
        .batch_size::<16>()
        .epochs(400)
        .reduction(Reduction::Mean)
        .fit(&mut flat, &x, &y, &mut rng)?;

    let deep_eval = evaluate(&deep, &Nllm, &x, &y)?;
    let flat_eval = evaluate(&flat, &Nllm, &x, &y)?;
    println!(
        "two spirals, 300 points: 2-32-32-2 tanh net {:.1}% right, a single layer {:.1}%",
        100.0 * deep_eval.accuracy.unwrap_or(0.0),
        100.0 * flat_eval.accuracy.unwrap_or(0.0)
    );
    // The whole data set fits in the square, with a margin.
    let range = points
        .iter()
        .map(|((a, b), _)| a.abs().max(b.abs()))
        .fold(0.0, f64::max)
        + 0.2;
    for (file, title, accuracy, net) in [
        (
            "decision_boundary.svg",
            "2-32-32-2, two tanh hidden layers",
            deep_eval,
            &deep as &dyn Classify,
        ),
        (
            "decision_boundary_linear.svg",
            "a single layer: a straight boundary",
            flat_eval,
            &flat,
        ),
    ] {
        let title = format!(
            "{title}: {:.1}% right",
            100.0 * accuracy.accuracy.unwrap_or(0.0)
        );
        let map = plot::decision_map(file, &title, range, 160, |a, b| net.classify(a, b), &points);
        if let Some(path) = plot::drawn(map) {
            println!("drew {}", path.display());
        }
    }
    Ok(())
}

/// Class and confidence at a point of the plane, for either net.
trait Classify {
    fn classify(&self, a: f64, b: f64) -> (usize, f64);
}

impl<N: Module<[f32; 2], Output = [f32; 2]>> Classify for N {
    fn classify(&self, a: f64, b: f64) -> (usize, f64) {
        let p = self.forward(&[a as f32, b as f32]);
        let class = usize::from(p[1] > p[0]);
        // 0 on the boundary, 1 where the net is sure.
        (class, f64::from((p[class] - 0.5) * 2.0))
    }
}
