//! Batch normalization (chapter section 8.3): forward and backward against PyTorch autograd
//! (`tests/fixtures/batchnorm.json`) and finite differences, the running averages used for
//! inference, the degenerate cases, and training on the digits.

mod common;

use common::*;
use constnet::prelude::*;
use constnet::train::TrainError;
use serde_json::Value;

fn cases() -> Vec<Value> {
    let text = include_str!("fixtures/batchnorm.json");
    let all: Value = serde_json::from_str(text).expect("batchnorm.json parses");
    all["cases"].as_array().unwrap().clone()
}

fn check_case<const N: usize, const K: usize>(case: &Value) {
    assert_eq!(case["units"].as_u64(), Some(N as u64));
    assert_eq!(case["batch"].as_u64(), Some(K as u64));
    let mut bn = BatchNorm::<N, f64>::new();
    bn.g = floats(&case["G"]).try_into().unwrap();
    bn.b = floats(&case["B"]).try_into().unwrap();
    bn.eps = case["eps"].as_f64().unwrap();
    let z: [[f64; N]; K] = batch(&case["z"]);
    let upstream: [[f64; N]; K] = batch(&case["dloss_dzhat"]);

    let (zhat, tape) = bn.clone().forward_train_batch(&z, &mut rng(0));
    assert_close("sigma", &tape.sigma, &floats(&case["sigma"]), 1e-12);
    assert_close("zhat", zhat.as_flattened(), &floats(&case["zhat"]), 1e-12);

    let mut grad = BatchNorm::<N, f64>::zeroed();
    let dz = bn.backprop_batch(&z, &zhat, &tape, &upstream, &mut grad);
    assert_close(
        "dL/dZ",
        dz.as_flattened(),
        &floats(&case["dloss_dz"]),
        1e-12,
    );
    assert_close("dL/dG", &grad.g, &floats(&case["dloss_dG"]), 1e-12);
    assert_close("dL/dB", &grad.b, &floats(&case["dloss_dB"]), 1e-12);

    // backward and weight grad on their own give the same.
    assert_eq!(bn.backward_batch(&z, &zhat, &tape, &upstream), dz);
    let mut grad_only = BatchNorm::<N, f64>::zeroed();
    bn.weight_grad_batch(&z, &zhat, &tape, &upstream, &mut grad_only);
    assert_eq!(grad_only, grad);
}

#[test]
fn forward_and_backward_match_pytorch() {
    let cases = cases();
    assert_eq!(cases.len(), 3);
    check_case::<3, 4>(&cases[0]);
    check_case::<5, 8>(&cases[1]);
    check_case::<2, 16>(&cases[2]);
}

#[test]
fn a_net_with_batch_norm_matches_finite_differences() {
    type Net = (
        Linear<3, 4, f64>,
        BatchNorm<4, f64>,
        Tanh,
        Linear<4, 2, f64>,
    );
    let mut r = rng(21);
    let mut net = Net::init(&mut r);
    // Move G and B off their start values so every term of the backward pass matters.
    net.1.g = [1.5, 0.5, -0.8, 2.0];
    net.1.b = [0.1, -0.3, 0.2, 0.0];
    let x: [[f64; 3]; 6] = random_batch(&mut r, 1.5);
    let y: [[f64; 2]; 6] = random_batch(&mut r, 1.0);
    check_training_gradients(&net, &x, &y, 0);
}

#[test]
fn training_updates_running_averages_and_inference_uses_them() {
    let mut bn = BatchNorm::<2, f64>::new();
    let z = [[1.0, -2.0], [3.0, -2.0], [5.0, -2.0]];
    let (_, tape) = bn.forward_train_batch(&z, &mut rng(0));
    let sigma = (8.0f64 / 3.0).sqrt();
    assert_eq!(tape.sigma, [sigma, 0.0]);
    // A_t = gamma A_(t-1) + (1 - gamma) a_t, from mean 0 and sigma 1.
    assert!((bn.mean[0] - 0.1 * 3.0).abs() < 1e-15);
    assert!((bn.mean[1] - 0.1 * -2.0).abs() < 1e-15);
    assert!((bn.sigma[0] - (0.9 + 0.1 * sigma)).abs() < 1e-15);
    assert!((bn.sigma[1] - 0.9).abs() < 1e-15);

    // Inference normalizes one sample with the running averages.
    bn.g = [2.0, 1.0];
    bn.b = [0.5, 0.0];
    let out = bn.forward(&[4.0, 1.0]);
    let expect0 = 2.0 * (4.0 - bn.mean[0]) / (bn.sigma[0] + bn.eps) + 0.5;
    let expect1 = (1.0 - bn.mean[1]) / (bn.sigma[1] + bn.eps);
    assert!((out[0] - expect0).abs() < 1e-12 && (out[1] - expect1).abs() < 1e-12);

    // After many batches from one distribution the running averages are its statistics.
    let mut bn = BatchNorm::<1, f64>::new();
    for _ in 0..300 {
        bn.forward_train_batch(&[[2.0], [4.0], [6.0], [8.0]], &mut rng(0));
    }
    assert!((bn.mean[0] - 5.0).abs() < 1e-9);
    assert!((bn.sigma[0] - 5.0f64.sqrt()).abs() < 1e-9);
}

#[test]
fn a_constant_unit_stays_finite() {
    // Every sample equal: sigma = 0, so Zbar = 0 and the output is B; no NaN anywhere.
    let mut bn = BatchNorm::<3, f64>::new();
    bn.b = [0.25, -1.0, 0.0];
    let z = [[1.0, 2.0, 3.0]; 4];
    let (out, tape) = bn.clone().forward_train_batch(&z, &mut rng(0));
    assert_eq!(out, [bn.b; 4]);
    let upstream = [
        [1.0, -2.0, 0.5],
        [0.0, 1.0, 1.0],
        [2.0, 0.0, -1.0],
        [1.0, 1.0, 1.0],
    ];
    let mut grad = BatchNorm::<3, f64>::zeroed();
    let dz = bn.backprop_batch(&z, &out, &tape, &upstream, &mut grad);
    assert!(dz.as_flattened().iter().all(|v| v.is_finite()));
    assert_eq!(grad.g, [0.0; 3], "Zbar is 0, so G gets no gradient");
    assert_eq!(grad.b, [4.0, 0.0, 1.5]);
    // What is left of dL/dZ is the mean-removal term: it sums to 0 over the batch.
    for i in 0..3 {
        let column: f64 = dz.iter().map(|row| row[i]).sum();
        assert!(column.abs() < 1e-9, "column {i} sums to {column}");
    }
}

#[test]
fn a_batch_that_is_not_finite_leaves_the_running_averages() {
    let mut bn = BatchNorm::<2, f64>::new();
    bn.forward_train_batch(&[[1.0, 2.0], [3.0, 6.0]], &mut rng(0));
    let (mean, sigma) = (bn.mean, bn.sigma);
    let (out, _) = bn.forward_train_batch(&[[f64::NAN, 2.0], [3.0, f64::INFINITY]], &mut rng(0));
    assert!(out.as_flattened().iter().any(|v| !v.is_finite()));
    assert_eq!((bn.mean, bn.sigma), (mean, sigma));
}

#[test]
fn batch_norm_is_not_a_parameter_for_the_optimizers() {
    type Net = (Linear<2, 3, f64>, BatchNorm<3, f64>);
    assert_eq!(<Net as Params<f64>>::COUNT, 2 * 3 + 3 + 2 * 3);
    let mut net = Net::init(&mut rng(1));
    net.1.mean = [7.0; 3];
    let mut grad = Net::zeroed();
    grad.1.g = [1.0; 3];
    let mut sgd = Sgd::new(0.5);
    sgd.step(&mut net, &mut grad);
    assert_eq!(net.1.g, [0.5; 3]);
    assert_eq!(
        net.1.mean, [7.0; 3],
        "running averages are state, not parameters"
    );
}

#[test]
fn digits_train_with_batch_norm() {
    type Digits = (Linear<64, 32>, BatchNorm<32>, ReLU, Linear<32, 10>, Softmax);
    let split = digits();
    let mut r = rng(7);
    let mut net = Digits::init(&mut r);
    let mut sgd = Sgd::new(0.1f32);
    Trainer::new(Nllm, &mut sgd)
        .batch_size::<32>()
        .epochs(20)
        .reduction(Reduction::Mean)
        .drop_partial_batch()
        .fit(&mut net, &split.train_x, &split.train_y, &mut r)
        .unwrap();
    let eval = evaluate(&net, &Nllm, &split.test_x, &split.test_y).unwrap();
    let accuracy = eval.accuracy.unwrap();
    assert!(accuracy >= 0.95, "held-out accuracy {accuracy}");
    // The running averages learned the scale of the first layer's outputs.
    assert!(
        net.1
            .sigma
            .iter()
            .all(|&s| s.is_finite() && s > 0.0 && s != 1.0)
    );
}

#[test]
fn dropping_partial_batches_needs_one_full_batch() {
    type Net = (Linear<1, 2, f64>, BatchNorm<2, f64>);
    let mut r = rng(3);
    let mut net = Net::init(&mut r);
    let mut sgd = Sgd::new(0.1);
    let x = [[1.0], [2.0], [3.0]];
    let err = Trainer::new(Squared, &mut sgd)
        .batch_size::<4>()
        .drop_partial_batch()
        .fit(&mut net, &x, &[[0.0, 0.0]; 3], &mut r)
        .unwrap_err();
    assert_eq!(
        err,
        TrainError::NoFullBatch {
            samples: 3,
            batch: 4
        }
    );
}
