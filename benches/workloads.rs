//! The workloads of `benches/README.md`: single-sample inference latency (W1), batched
//! inference (W1b) and training throughput (W2), f32, one thread; and the three batched
//! kernels on net C's first layers, in multiply-adds per second, to compare with the CPU's peak;
//! and net B quantized to int8 beside its f32 form (W1-int8), so requantization's cost is known.
//!
//! Run: `cargo bench --bench workloads` (criterion; add `-- --quick` for a short run).

use std::hint::black_box;

use constnet::prelude::*;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[path = "../examples/common/datasets.rs"]
mod datasets;

#[path = "common/nets.rs"]
mod nets;
use nets::{NetA, NetB, NetC};

fn random<const N: usize>(rng: &mut Pcg64Mcg) -> [f32; N] {
    std::array::from_fn(|_| rng.random_range(0.0f32..1.0))
}

fn w1_latency(c: &mut Criterion) {
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let a = NetA::init(&mut rng);
    let b = NetB::init(&mut rng);
    let net_c = Box::new(NetC::init(&mut rng));
    let (xa, xb, xc) = (
        random::<4>(&mut rng),
        random::<64>(&mut rng),
        random::<784>(&mut rng),
    );
    let mut group = c.benchmark_group("W1 single-sample inference");
    group.bench_function("A 4-16-16-3", |bench| {
        bench.iter(|| a.forward(black_box(&xa)))
    });
    group.bench_function("B 64-32-10", |bench| {
        bench.iter(|| b.forward(black_box(&xb)))
    });
    group.bench_function("C 784-128-64-10", |bench| {
        bench.iter(|| net_c.forward(black_box(&xc)))
    });
    group.finish();
}

fn w1_int8(c: &mut Criterion) {
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let b = NetB::init(&mut rng);
    let calibration: Vec<[f32; 64]> = (0..200).map(|_| random::<64>(&mut rng)).collect();
    let q = b
        .quantize(&calibration)
        .expect("a finite net and calibration set");
    let x = random::<64>(&mut rng);
    let xq = q.quantize_input(&x).expect("a finite input");
    let mut group = c.benchmark_group("W1-int8 single-sample inference, B 64-32-10");
    group.bench_function("f32", |bench| bench.iter(|| b.forward(black_box(&x))));
    group.bench_function("int8", |bench| bench.iter(|| q.forward(black_box(&xq))));
    group.bench_function("int8 from f32 in, f32 out", |bench| {
        bench.iter(|| q.forward_f32(black_box(&x)))
    });
    group.finish();
}

fn w1b_batched(c: &mut Criterion) {
    let mut rng = Pcg64Mcg::seed_from_u64(2);
    let net = Box::new(NetC::init(&mut rng));
    let batch: Box<[[f32; 784]; 64]> = Box::new(std::array::from_fn(|_| random(&mut rng)));
    let mut group = c.benchmark_group("W1b batched inference");
    group.throughput(Throughput::Elements(64));
    group.bench_function("C 784-128-64-10, batch 64", |bench| {
        bench.iter(|| net.forward_batch(black_box(&*batch)))
    });
    // Per-sample throughput should not fall as the batch grows: batches of 1, 4 and 8 of the
    // same samples, in samples per second like batch 64.
    fn batch_of<const K: usize>(
        group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
        net: &NetC,
        batch: &[[f32; 784]; 64],
    ) {
        let first: &[[f32; 784]; K] = batch.first_chunk().expect("64 samples");
        group.throughput(Throughput::Elements(K as u64));
        group.bench_function(format!("C 784-128-64-10, batch {K}"), |bench| {
            bench.iter(|| net.forward_batch(black_box(first)))
        });
    }
    batch_of::<1>(&mut group, &net, &batch);
    batch_of::<4>(&mut group, &net, &batch);
    batch_of::<8>(&mut group, &net, &batch);
    group.finish();
}

fn w2_training(c: &mut Criterion) {
    // B on digits: one epoch of Adam (lr 1e-3) over the 1438 training images, batch 32.
    let split = datasets::digits().unwrap();
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let mut net = NetB::init(&mut rng);
    let mut adam = Adam::new(1e-3f32);
    let mut order = vec![0; split.train_x.len()];
    let mut group = c.benchmark_group("W2 training");
    group.throughput(Throughput::Elements(split.train_x.len() as u64));
    group.bench_function("B on digits, batch 32, Adam, one epoch", |bench| {
        bench.iter(|| {
            Trainer::new(Nllm, &mut adam)
                .batch_size::<32>()
                .reduction(Reduction::Mean)
                .fit_with(
                    &mut net,
                    &split.train_x,
                    &split.train_y,
                    &mut rng,
                    &mut order,
                    |_, _| std::ops::ControlFlow::Continue(()),
                )
                .unwrap()
        })
    });

    // C on random data: one step (forward, backward, Adam update) of a batch of 64, with the
    // gradient kept between steps.
    let mut net = Box::new(NetC::init(&mut rng));
    let x: Box<[[f32; 784]; 64]> = Box::new(std::array::from_fn(|_| random(&mut rng)));
    let y: [[f32; 10]; 64] =
        std::array::from_fn(|i| std::array::from_fn(|c| f32::from(u8::from(c == i % 10))));
    let mut adam = Adam::new(1e-3f32);
    let mut trainer = Trainer::new(Nllm, &mut adam)
        .batch_size::<64>()
        .reduction(Reduction::Mean);
    let mut buffers = StepBuffers::new();
    group.throughput(Throughput::Elements(1));
    group.bench_function("C random data, batch 64, Adam, one step", |bench| {
        bench.iter(|| {
            trainer
                .step(&mut *net, &mut buffers, &x, &y, &mut rng)
                .unwrap()
        })
    });
    group.finish();
}

fn kernels(c: &mut Criterion) {
    use constnet::tensor;
    let mut rng = Pcg64Mcg::seed_from_u64(4);
    let first = Box::new(Linear::<784, 128>::init(&mut rng));
    let second = Box::new(Linear::<128, 64>::init(&mut rng));
    let x: Box<[[f32; 784]; 64]> = Box::new(std::array::from_fn(|_| random(&mut rng)));
    let d: Box<[[f32; 128]; 64]> = Box::new(std::array::from_fn(|_| random(&mut rng)));
    let d2: Box<[[f32; 64]; 64]> = Box::new(std::array::from_fn(|_| random(&mut rng)));
    let mut g: Box<[[f32; 128]; 784]> = Box::new([[0.0; 128]; 784]);
    let mut group = c.benchmark_group(format!(
        "kernels (fused multiply-add: {})",
        constnet::kernels::fused_multiply_add()
    ));
    // Throughput in multiply-adds: criterion's elements/s.
    group.throughput(Throughput::Elements(64 * 784 * 128));
    group.bench_function("Z = X W + b, 64 x 784 x 128", |bench| {
        bench.iter(|| tensor::affine_rows(black_box(&*x), &first.w, &first.w0))
    });
    group.bench_function("G += X^T D, 784 x 64 x 128", |bench| {
        bench.iter(|| tensor::add_transpose_times(&mut g, black_box(&*x), black_box(&*d)))
    });
    group.throughput(Throughput::Elements(64 * 128 * 64));
    group.bench_function("D W^T, 64 x 64 x 128", |bench| {
        bench.iter(|| tensor::rows_times_transpose(black_box(&*d2), &second.w))
    });
    group.finish();
}

criterion_group!(
    benches,
    w1_latency,
    w1_int8,
    w1b_batched,
    w2_training,
    kernels
);
criterion_main!(benches);
