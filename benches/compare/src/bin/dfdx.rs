//! The workloads of `benches/README.md` on dfdx 0.13 (CPU), the const-generic Rust library
//! closest to constnet in design, printed as JSON lines like the other harnesses. `run.sh`
//! runs it with `RAYON_NUM_THREADS=1`, which keeps its matrix products on one thread.

use constnet_compare::clock::{Clock, median_seconds};
use dfdx::optim::Adam;
use dfdx::prelude::*;

fn report(workload: &str, value: f64, unit: &str) {
    println!(
        "{{\"workload\": \"{workload}\", \"library\": \"dfdx 0.13\", \"value\": {value}, \"unit\": \"{unit}\"}}"
    );
}

type NetA = (Linear<4, 16>, ReLU, Linear<16, 16>, ReLU, Linear<16, 3>);
type NetB = (Linear<64, 32>, ReLU, Linear<32, 10>);
type NetC = (
    Linear<784, 128>,
    ReLU,
    Linear<128, 64>,
    ReLU,
    Linear<64, 10>,
);

fn main() {
    let dev = Cpu::default();

    // W1: one sample through the net and its softmax.
    let net = dev.build_module::<NetA, f32>();
    let x: Tensor<Rank1<4>, f32, _> = dev.sample_uniform();
    let t = median_seconds(5000, || {
        std::hint::black_box(net.forward(x.clone()).softmax::<Axis<0>>());
    });
    report("W1-A", 1e9 * t, "ns");

    let net = dev.build_module::<NetB, f32>();
    let x: Tensor<Rank1<64>, f32, _> = dev.sample_uniform();
    let t = median_seconds(5000, || {
        std::hint::black_box(net.forward(x.clone()).softmax::<Axis<0>>());
    });
    report("W1-B", 1e9 * t, "ns");

    let mut net = dev.build_module::<NetC, f32>();
    let x: Tensor<Rank1<784>, f32, _> = dev.sample_uniform();
    let t = median_seconds(500, || {
        std::hint::black_box(net.forward(x.clone()).softmax::<Axis<0>>());
    });
    report("W1-C", 1e6 * t, "us");

    // W1b-C: a batch of 64.
    let batch: Tensor<Rank2<64, 784>, f32, _> = dev.sample_uniform();
    let t = median_seconds(50, || {
        std::hint::black_box(net.forward(batch.clone()).softmax::<Axis<1>>());
    });
    report("W1b-C", 64.0 / t / 1e3, "k samples/s");

    // W2-C: one step of Adam (lr 1e-3) on a batch of 64, cross-entropy on the logits.
    let targets: Tensor<Rank2<64, 10>, f32, _> = dev.tensor(core::array::from_fn(|i| {
        core::array::from_fn(|k| f32::from(u8::from(k == i % 10)))
    }));
    let mut grads = Some(net.alloc_grads());
    let mut adam = Adam::new(&net, AdamConfig::default());
    let t = median_seconds(20, || {
        let Some(kept) = grads.take() else { return };
        let logits = net.forward_mut(batch.clone().traced(kept));
        let loss = cross_entropy_with_logits_loss(logits, targets.clone());
        let mut new_grads = loss.backward();
        adam.update(&mut net, &new_grads)
            .expect("every parameter has a gradient");
        net.zero_grads(&mut new_grads);
        grads = Some(new_grads);
    });
    report("W2-C", 1.0 / t / 1e3, "k steps/s");

    w2_b(&dev);
}

/// W2-B: 64-32-10 on digits, batch 32, Adam 1e-3, 20 epochs, in the data's order.
fn w2_b(dev: &Cpu) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/digits.csv"
    ))
    .unwrap_or_default();
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for line in text.lines().skip(1) {
        let values: Vec<f32> = line.split(',').map(|v| v.parse().unwrap_or(0.0)).collect();
        if values.len() < 65 {
            continue;
        }
        pixels.extend(values[..64].iter().map(|v| v / 16.0));
        labels.push(values[64] as usize);
    }
    let n = labels.len();
    let test = n / 5;
    let train = n - test;
    let one_hot = |from: usize, len: usize| {
        let mut y = vec![0.0f32; len * 10];
        for (i, &label) in labels[from..from + len].iter().enumerate() {
            y[i * 10 + label.min(9)] = 1.0;
        }
        y
    };
    let mut net = dev.build_module::<NetB, f32>();
    let mut grads = net.alloc_grads();
    let mut adam = Adam::new(&net, AdamConfig::default());
    let start = Clock::start();
    for _ in 0..20 {
        for b in (test..n).step_by(32) {
            let len = 32.min(n - b);
            let x =
                dev.tensor_from_vec(pixels[b * 64..(b + len) * 64].to_vec(), (len, Const::<64>));
            let y = dev.tensor_from_vec(one_hot(b, len), (len, Const::<10>));
            let logits = net.forward_mut(x.traced(grads));
            let loss = cross_entropy_with_logits_loss(logits, y);
            grads = loss.backward();
            adam.update(&mut net, &grads)
                .expect("every parameter has a gradient");
            net.zero_grads(&mut grads);
        }
    }
    let seconds = start.seconds();
    report("W2-B", 20.0 * train as f64 / seconds / 1e3, "k samples/s");
    let x = dev.tensor_from_vec(pixels[..test * 64].to_vec(), (test, Const::<64>));
    let logits = net.forward(x).as_vec();
    let right = logits
        .chunks_exact(10)
        .zip(&labels[..test])
        .filter(|(row, label)| {
            let best = row
                .iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |best, (k, &v)| {
                    if v > best.1 { (k, v) } else { best }
                });
            best.0 == **label
        })
        .count();
    report("W2-B accuracy", 100.0 * right as f64 / test as f64, "%");
}
