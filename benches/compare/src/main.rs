//! The workloads of `benches/README.md`, timed on constnet and on a naive MLP over `Vec<f32>`
//! (the baseline every library must beat). Prints one JSON object per line:
//! `{"workload": ..., "library": ..., "value": ..., "unit": ...}`; `run.sh` merges these with
//! the Python peers' and prints the table.

use std::hint::black_box;
use std::time::Instant;

use constnet::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use constnet_compare::clock::{Clock, median_seconds};

#[path = "../../../examples/common/datasets.rs"]
mod datasets;

#[path = "../../common/nets.rs"]
mod nets;
use nets::{NetA, NetB, NetC};

/// Median wall-clock seconds per call of `f` on this thread alone and with
/// [`constnet::with_threads`]`(2, ..)`, over 15 rounds of `calls` calls each way, taken in turn
/// (one thread, two threads, ...) so that a neighbour's load falls on both alike. Wall clock:
/// the process's CPU time would count both threads' work.
fn median_wall_seconds_one_and_two_threads(calls: usize, mut f: impl FnMut()) -> (f64, f64) {
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..calls {
            f();
        }
        start.elapsed().as_secs_f64() / calls as f64
    };
    time(&mut f);
    let (mut one, mut two): (Vec<f64>, Vec<f64>) = (0..15)
        .map(|_| {
            let one = time(&mut f);
            let two = constnet::with_threads(2, || time(&mut f));
            (one, two)
        })
        .unzip();
    let median = |rounds: &mut Vec<f64>| {
        rounds.sort_by(f64::total_cmp);
        rounds[rounds.len() / 2]
    };
    (median(&mut one), median(&mut two))
}

/// Reports a workload's figure on two threads, and how many times its figure on one thread
/// that is, both from [`median_wall_seconds_one_and_two_threads`].
fn report_two_threads(workload: &str, per_call: (f64, f64), items_per_call: f64, unit: &str) {
    let (one, two) = per_call;
    report(
        &format!("{workload}, 2 threads, wall clock"),
        "constnet",
        items_per_call / two / 1e3,
        unit,
    );
    report(
        &format!("{workload}, 2 threads against 1, wall clock"),
        "constnet",
        one / two,
        "x",
    );
}

fn report(workload: &str, library: &str, value: f64, unit: &str) {
    println!(
        "{{\"workload\": \"{workload}\", \"library\": \"{library}\", \"value\": {value}, \"unit\": \"{unit}\"}}"
    );
}

/// The naive baseline: what one writes by hand on plain loops, fairly. Each layer's weights
/// are one contiguous `Vec<f32>` stored `IN x OUT` (so the inner loop runs over consecutive
/// outputs and vectorizes), and the activations live in buffers made once: no allocation per
/// call.
struct Naive {
    /// Weights (`IN x OUT`, row-major), bias, inputs, outputs.
    layers: Vec<(Vec<f32>, Vec<f32>, usize, usize)>,
    /// One buffer per layer output.
    buffers: Vec<Vec<f32>>,
}

impl Naive {
    fn new(widths: &[usize], rng: &mut Pcg64Mcg) -> Self {
        let layers: Vec<_> = widths
            .windows(2)
            .map(|w| {
                let (i, o) = (w[0], w[1]);
                let weights = (0..i * o).map(|_| rng.random_range(-0.1f32..0.1)).collect();
                (weights, vec![0.0; o], i, o)
            })
            .collect();
        let buffers = layers.iter().map(|&(_, _, _, o)| vec![0.0; o]).collect();
        Self { layers, buffers }
    }

    fn forward(&mut self, x: &[f32]) -> &[f32] {
        let last = self.layers.len() - 1;
        for (n, (w, b, i, o)) in self.layers.iter().enumerate() {
            let (done, rest) = self.buffers.split_at_mut(n);
            let input: &[f32] = if n == 0 { x } else { &done[n - 1] };
            let z = &mut rest[0];
            z.copy_from_slice(b);
            for (row, &a) in w.chunks_exact(*o).zip(&input[..*i]) {
                for (zj, &wj) in z.iter_mut().zip(row) {
                    *zj += a * wj;
                }
            }
            if n < last {
                z.iter_mut().for_each(|v| *v = v.max(0.0));
            } else {
                let m = z.iter().cloned().fold(f32::MIN, f32::max);
                z.iter_mut().for_each(|v| *v = (*v - m).exp());
                let s: f32 = z.iter().sum();
                z.iter_mut().for_each(|v| *v /= s);
            }
        }
        &self.buffers[last]
    }
}

/// Reports net C's throughput on the first `K` samples of `batch`, in samples per second.
fn report_batch_of<const K: usize>(net: &NetC, batch: &[[f32; 784]; 64], calls: usize) {
    let first: &[[f32; 784]; K] = batch.first_chunk().unwrap();
    let per_call = median_seconds(calls, || {
        black_box(net.forward_batch(black_box(first)));
    });
    report(
        &format!("W1b-C batch {K}"),
        "constnet",
        K as f64 / per_call / 1e3,
        "k samples/s",
    );
}

fn main() {
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let random = |rng: &mut Pcg64Mcg, n: usize| -> Vec<f32> {
        (0..n).map(|_| rng.random_range(0.0f32..1.0)).collect()
    };

    // W1: single-sample inference latency.
    let a = NetA::init(&mut rng);
    let b = NetB::init(&mut rng);
    let c = Box::new(NetC::init(&mut rng));
    let xa: [f32; 4] = random(&mut rng, 4).try_into().unwrap();
    let xb: [f32; 64] = random(&mut rng, 64).try_into().unwrap();
    let xc: [f32; 784] = random(&mut rng, 784).try_into().unwrap();
    report(
        "W1-A",
        "constnet",
        1e9 * median_seconds(200_000, || {
            black_box(a.forward(black_box(&xa)));
        }),
        "ns",
    );
    report(
        "W1-B",
        "constnet",
        1e9 * median_seconds(50_000, || {
            black_box(b.forward(black_box(&xb)));
        }),
        "ns",
    );
    report(
        "W1-C",
        "constnet",
        1e6 * median_seconds(2_000, || {
            black_box(c.forward(black_box(&xc)));
        }),
        "us",
    );
    for (name, widths, x) in [
        ("W1-A", &[4, 16, 16, 3][..], &xa[..]),
        ("W1-B", &[64, 32, 10][..], &xb[..]),
        ("W1-C", &[784, 128, 64, 10][..], &xc[..]),
    ] {
        let mut naive = Naive::new(widths, &mut rng);
        let (scale, unit, calls) = if name == "W1-C" {
            (1e6, "us", 500)
        } else {
            (1e9, "ns", 20_000)
        };
        report(
            name,
            "naive Rust",
            scale
                * median_seconds(calls, || {
                    black_box(naive.forward(black_box(x)));
                }),
            unit,
        );
    }

    // W1b: batched inference, net C, batch 64.
    let batch: Box<[[f32; 784]; 64]> = Box::new(std::array::from_fn(|_| {
        random(&mut rng, 784).try_into().unwrap()
    }));
    let per_batch = median_seconds(100, || {
        black_box(c.forward_batch(black_box(&*batch)));
    });
    report("W1b-C", "constnet", 64.0 / per_batch / 1e3, "k samples/s");
    let per_batch = median_wall_seconds_one_and_two_threads(100, || {
        black_box(c.forward_batch(black_box(&*batch)));
    });
    report_two_threads("W1b-C", per_batch, 64.0, "k samples/s");
    // Per-sample throughput at smaller batches of the same samples (it should not fall as the
    // batch grows): batch 1 and batch 8.
    report_batch_of::<1>(&c, &batch, 2_000);
    report_batch_of::<8>(&c, &batch, 500);

    // W2-B: net B on digits, batch 32, Adam 1e-3, 20 epochs: samples/s (the median of 7
    // trainings from fresh nets, as one training takes only milliseconds) and the held-out
    // accuracy of the first.
    let split = datasets::digits().unwrap();
    let mut seconds = Vec::new();
    let mut accuracy = None;
    for _ in 0..7 {
        let mut net = NetB::init(&mut rng);
        let mut adam = Adam::new(1e-3f32);
        let start = Clock::start();
        Trainer::new(Nllm, &mut adam)
            .batch_size::<32>()
            .epochs(20)
            .reduction(Reduction::Mean)
            .fit(&mut net, &split.train_x, &split.train_y, &mut rng)
            .unwrap();
        seconds.push(start.seconds());
        accuracy.get_or_insert_with(|| {
            evaluate(&net, &Nllm, &split.test_x, &split.test_y)
                .unwrap()
                .accuracy
                .unwrap()
        });
    }
    seconds.sort_by(f64::total_cmp);
    report(
        "W2-B",
        "constnet",
        20.0 * split.train_x.len() as f64 / seconds[seconds.len() / 2] / 1e3,
        "k samples/s",
    );
    report(
        "W2-B accuracy",
        "constnet",
        100.0 * accuracy.unwrap_or(0.0),
        "%",
    );

    // W2-C: net C, random data, batch 64: steps/s (forward, backward, Adam update), with the
    // gradient kept between steps as PyTorch keeps `.grad`.
    let x: Box<[[f32; 784]; 64]> = Box::new(std::array::from_fn(|_| {
        random(&mut rng, 784).try_into().unwrap()
    }));
    let y: [[f32; 10]; 64] =
        std::array::from_fn(|i| std::array::from_fn(|k| f32::from(u8::from(k == i % 10))));
    let mut net = c;
    let mut adam = Adam::new(1e-3f32);
    let mut trainer = Trainer::new(Nllm, &mut adam)
        .batch_size::<64>()
        .reduction(Reduction::Mean);
    let mut buffers = StepBuffers::new();
    let per_step = median_seconds(50, || {
        black_box(
            trainer
                .step(&mut *net, &mut buffers, &x, &y, &mut rng)
                .unwrap(),
        );
    });
    report("W2-C", "constnet", 1.0 / per_step / 1e3, "k steps/s");
    let per_step = median_wall_seconds_one_and_two_threads(50, || {
        black_box(
            trainer
                .step(&mut *net, &mut buffers, &x, &y, &mut rng)
                .unwrap(),
        );
    });
    report_two_threads("W2-C", per_step, 1.0, "k steps/s");
}
