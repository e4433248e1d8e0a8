//! A large network trains on an ordinary thread: 784-128-64-10 is 437 KB of weights, and
//! training with Adam needs five copies of it (the net, its gradient, the trainer's backup and
//! Adam's two running averages). With `alloc` the library keeps its copies on the heap, made
//! there in place, and `Layers::init_boxed` builds the net the same way, so the whole run fits
//! the 2 MiB stack of a test thread. This project's test profile is optimized (`opt-level = 2`,
//! as is `--release`); CI also runs this file unoptimized (`--profile unoptimized`,
//! `opt-level = 0` for every crate), where every temporary array gets its own stack slot.

mod common;

use common::rng;
use constnet::prelude::*;
use rand::RngExt;

type Mnist = (
    Linear<784, 128>,
    ReLU,
    Linear<128, 64>,
    ReLU,
    Linear<64, 10>,
    Softmax,
);

#[test]
fn a_784_128_64_10_net_trains_with_adam_on_a_2_mib_stack() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut r = rng(100);
            // Noise images in which one of 10 bands of 78 pixels is brighter: its index is the
            // class.
            let classes: Vec<usize> = (0..256).map(|_| r.random_range(0..10)).collect();
            let x: Vec<[f32; 784]> = classes
                .iter()
                .map(|&class| {
                    std::array::from_fn(|i| {
                        let band = if i / 78 == class { 0.5 } else { 0.0 };
                        band + r.random_range(0.0f32..0.5)
                    })
                })
                .collect();
            let y: Vec<[f32; 10]> = classes
                .iter()
                .map(|&class| std::array::from_fn(|c| f32::from(u8::from(c == class))))
                .collect();
            let mut net = Mnist::init_boxed(&mut r);
            let before = evaluate(&*net, &Nllm, &x, &y).unwrap();
            let mut adam = Adam::new(1e-3f32);
            let report = Trainer::new(Nllm, &mut adam)
                .batch_size::<64>()
                .epochs(10)
                .reduction(Reduction::Mean)
                .fit(&mut *net, &x, &y, &mut r)
                .unwrap();
            let after = evaluate(&*net, &Nllm, &x, &y).unwrap();
            assert_eq!(report.epochs.len(), 10);
            assert!(
                after.loss < 0.2 * before.loss,
                "loss {} -> {}",
                before.loss,
                after.loss
            );
            assert!(after.accuracy.unwrap() > 0.95, "{after:?}");
        })
        .unwrap()
        .join()
        .expect("training a 784-128-64-10 net fits a 2 MiB stack");
}
