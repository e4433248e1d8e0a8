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
            let (x, y) = banded_images(&mut r, 256);
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

/// Noise images in which one of 10 bands of 78 pixels is brighter, with one-hot labels.
fn banded_images(r: &mut impl rand::Rng, count: usize) -> (Vec<[f32; 784]>, Vec<[f32; 10]>) {
    let classes: Vec<usize> = (0..count).map(|_| r.random_range(0..10)).collect();
    let x = classes
        .iter()
        .map(|&class| {
            std::array::from_fn(|i| {
                let band = if i / 78 == class { 0.5 } else { 0.0 };
                band + r.random_range(0.0f32..0.5)
            })
        })
        .collect();
    let y = classes
        .iter()
        .map(|&class| std::array::from_fn(|c| f32::from(u8::from(c == class))))
        .collect();
    (x, y)
}

#[test]
fn training_on_two_threads_gives_the_bits_of_one() {
    let (x, y) = banded_images(&mut rng(101), 192);
    // Batches of 64 through 784-128 and 128-64 are products large enough to be split.
    let fit = |threads: usize| {
        let mut net = Mnist::init_boxed(&mut rng(102));
        let mut adam = Adam::new(1e-3f32);
        Trainer::new(Nllm, &mut adam)
            .batch_size::<64>()
            .epochs(2)
            .threads(threads)
            .fit(&mut *net, &x, &y, &mut rng(103))
            .unwrap();
        net
    };
    let alone = fit(1);
    let shared = fit(2);
    assert!(*shared == *alone, "two threads trained other weights");
    assert!(
        *alone != *Mnist::init_boxed(&mut rng(102)),
        "nothing was trained"
    );

    // The same with `Trainer::step` in a loop inside `with_threads`.
    let steps = |threads: usize| {
        let mut net = Mnist::init_boxed(&mut rng(104));
        let mut adam = Adam::new(1e-3f32);
        let mut trainer = Trainer::new(Nllm, &mut adam).batch_size::<64>();
        let mut buffers = constnet::train::StepBuffers::new();
        constnet::with_threads(threads, || {
            assert_eq!(constnet::threads(), threads);
            for (xs, ys) in x.chunks_exact(64).zip(y.chunks_exact(64)) {
                let xs: &[[f32; 784]; 64] = xs.try_into().unwrap();
                let ys: &[[f32; 10]; 64] = ys.try_into().unwrap();
                trainer
                    .step(&mut *net, &mut buffers, xs, ys, &mut rng(105))
                    .unwrap();
            }
        });
        net
    };
    assert!(
        *steps(2) == *steps(1),
        "two threads stepped to other weights"
    );
}

/// `net` trained for one epoch of batches of 64 with `optimizer`, on `threads` threads.
fn trained_with<O: Optimizer<f32, Mnist>>(
    optimizer: &mut O,
    threads: usize,
    x: &[[f32; 784]],
    y: &[[f32; 10]],
) -> Box<Mnist> {
    let mut net = Mnist::init_boxed(&mut rng(106));
    Trainer::new(Nllm, optimizer)
        .batch_size::<64>()
        .epochs(1)
        .threads(threads)
        .fit(&mut *net, x, y, &mut rng(107))
        .unwrap();
    net
}

#[test]
fn every_optimizer_updates_on_two_threads_to_the_bits_of_one() {
    // The first layer's 100,352 weights are long enough for the update, the backup copy and
    // the gradient's scaling and reset to be shared between the threads.
    let (x, y) = banded_images(&mut rng(108), 128);
    let untrained = Mnist::init_boxed(&mut rng(106));
    macro_rules! check {
        ($make:expr) => {{
            let alone = trained_with(&mut $make, 1, &x, &y);
            let shared = trained_with(&mut $make, 2, &x, &y);
            assert!(
                *alone != *untrained,
                "{} trained nothing",
                stringify!($make)
            );
            assert!(
                *shared == *alone,
                "{} on two threads trained other weights",
                stringify!($make)
            );
        }};
    }
    check!(Sgd::new(0.05f32));
    check!(WeightDecay::new(Sgd::new(0.05f32), 1e-3));
    check!(Momentum::new(0.01f32));
    check!(Adadelta::new(1.0f32));
    check!(Adam::new(1e-3f32));
}
