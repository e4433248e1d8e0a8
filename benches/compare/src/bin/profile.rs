//! Runs one workload of `benches/README.md` on constnet for a fixed number of repetitions, for
//! a profiler: `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='profile::measured*'
//! target/release/profile w2c` counts the instructions each kernel spends in the workload alone
//! (this machine exposes no hardware counters to `perf`).
//!
//! Workloads: `w1a` (net A, single samples), `w1b` (net C, batch 64, inference), `w2b` (net B, digits, one epoch of Adam),
//! `w2c` (net C, random data, Adam steps of batch 64).

use std::hint::black_box;

use constnet::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[path = "../../../../examples/common/datasets.rs"]
mod datasets;

#[path = "../../../common/nets.rs"]
mod nets;
use nets::{NetA, NetB, NetC};

fn random_rows<const N: usize>(rng: &mut Pcg64Mcg, rows: usize) -> Vec<[f32; N]> {
    (0..rows)
        .map(|_| core::array::from_fn(|_| rng.random_range(0.0f32..1.0)))
        .collect()
}

/// The measured part, kept out of line so that `--toggle-collect=profile::measured` counts it
/// alone (without data loading and initialization).
#[inline(never)]
fn measured(run: impl FnOnce()) {
    run();
}

fn main() {
    let workload = std::env::args().nth(1).unwrap_or_default();
    let repetitions: usize = std::env::args()
        .nth(2)
        .map(|n| n.parse().expect("repetitions must be a number"))
        .unwrap_or(20);
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    match workload.as_str() {
        "w1a" => {
            let net = NetA::init(&mut rng);
            let x = random_rows::<4>(&mut rng, 1)[0];
            measured(|| {
                for _ in 0..repetitions {
                    black_box(net.forward(black_box(&x)));
                }
            });
        }
        "w1b" => {
            let net = Box::new(NetC::init(&mut rng));
            let rows = random_rows::<784>(&mut rng, 64);
            let batch: Box<[[f32; 784]; 64]> = Box::new(core::array::from_fn(|k| rows[k]));
            measured(|| {
                for _ in 0..repetitions {
                    black_box(net.forward_batch(black_box(&*batch)));
                }
            });
        }
        "w2b" => {
            let split = datasets::digits().expect("the bundled digits load");
            let mut net = NetB::init(&mut rng);
            let mut adam = Adam::new(1e-3f32);
            measured(|| {
                Trainer::new(Nllm, &mut adam)
                    .batch_size::<32>()
                    .epochs(repetitions)
                    .reduction(Reduction::Mean)
                    .fit(&mut net, &split.train_x, &split.train_y, &mut rng)
                    .expect("training runs");
            });
        }
        "w2c" => {
            let mut net = Box::new(NetC::init(&mut rng));
            let x = random_rows::<784>(&mut rng, 64);
            let y: Vec<[f32; 10]> = (0..64)
                .map(|i| core::array::from_fn(|k| f32::from(u8::from(k == i % 10))))
                .collect();
            let mut adam = Adam::new(1e-3f32);
            let mut order = vec![0; 64];
            measured(|| {
                Trainer::new(Nllm, &mut adam)
                    .batch_size::<64>()
                    .epochs(repetitions)
                    .reduction(Reduction::Mean)
                    .fit_with(&mut *net, &x, &y, &mut rng, &mut order, |_, _| {
                        core::ops::ControlFlow::Continue(())
                    })
                    .expect("training runs");
            });
        }
        other => {
            eprintln!("unknown workload {other:?}: use w1a, w1b, w2b or w2c");
            std::process::exit(2);
        }
    }
}
