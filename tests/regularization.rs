//! Regularization that lives in the training loop (chapter section 8.1): early stopping and
//! input noise. Weight decay is an optimizer (`tests/optimizers.rs`); dropout and batch
//! normalization are modules (`tests/dropout.rs`, `tests/batch_norm.rs`).

mod common;

use std::num::NonZeroUsize;

use common::*;
use constnet::data::Split;
use constnet::optim::Optimizer;
use constnet::prelude::*;
use constnet::train::{EarlyStopping, TrainError, Validate};

type Wide = (Linear<64, 64>, ReLU, Linear<64, 10>, Softmax);

/// 120 training digits and the usual held-out set: few enough samples that a 64-64-10 net
/// overfits, and its validation loss turns back up.
fn small_digits() -> Split<[f32; 64], [f32; 10]> {
    let mut split = digits();
    split.train_x.truncate(120);
    split.train_y.truncate(120);
    split
}

#[test]
fn early_stopping_returns_the_weights_with_the_lowest_validation_loss() {
    let Split {
        train_x: x,
        train_y: y,
        test_x: vx,
        test_y: vy,
    } = small_digits();
    let mut r = rng(50);
    let mut net = Wide::init(&mut r);
    let mut sgd = Sgd::new(0.2f32);
    let patience = 5;
    let report = Trainer::new(Nllm, &mut sgd)
        .batch_size::<10>()
        .epochs(400)
        .reduction(Reduction::Mean)
        .fit_early_stopping(
            &mut net,
            &x,
            &y,
            &mut r,
            EarlyStopping::new(&vx, &vy).patience(patience),
        )
        .unwrap();
    let curve = &report.curve;
    assert!(
        report.stopped_early,
        "the validation loss should turn back up within 400 epochs"
    );
    let best = report.best().unwrap();
    let lowest = curve
        .iter()
        .map(|c| c.validation.loss)
        .fold(f32::INFINITY, f32::min);
    assert_eq!(best.validation.loss, lowest);
    // The net holds exactly the best check's weights.
    assert_eq!(evaluate(&net, &Nllm, &vx, &vy).unwrap(), best.validation);
    // It stopped after `patience + 1` checks in a row without improvement.
    assert_eq!(curve.len() - 1, report.best_index + patience + 1);
    assert!(
        curve[report.best_index + 1..]
            .iter()
            .all(|c| c.validation.loss >= lowest)
    );
    // Check 0 is the untrained net; checks then come once per epoch, 12 steps each.
    assert_eq!(
        (curve[0].epoch, curve[0].step, curve[0].train.samples),
        (0, 0, 0)
    );
    for (i, c) in curve.iter().enumerate().skip(1) {
        assert_eq!((c.epoch, c.step, c.train.samples), (i, 12 * i, 120));
    }
    // Training kept improving on the training set after the validation loss turned.
    let last = curve.last().unwrap();
    assert!(last.train.loss < best.train.loss);
}

#[test]
fn early_stopping_every_n_steps_and_without_a_heap() {
    let Split {
        train_x: x,
        train_y: y,
        test_x: vx,
        test_y: vy,
    } = small_digits();
    let mut r = rng(51);
    let mut net = Wide::init(&mut r);
    let start = net.clone();
    let mut sgd = Sgd::new(0.1f32);
    let mut order = [0usize; 120];
    let mut seen = Vec::new();
    let stopping = EarlyStopping::new(&vx, &vy)
        .patience(1000)
        .every(Validate::EverySteps(NonZeroUsize::new(5).unwrap()))
        .on_check(|c| seen.push((c.epoch, c.step, c.train.samples)));
    // 3 epochs of 12 steps: checks after steps 5, 10, ..., 35, and at the end (step 36).
    let outcome = Trainer::new(Nllm, &mut sgd)
        .batch_size::<10>()
        .epochs(3)
        .reduction(Reduction::Mean)
        .fit_early_stopping_with(&mut net, &x, &y, &mut r, &mut order, stopping)
        .unwrap();
    let steps: Vec<usize> = seen.iter().map(|s| s.1).collect();
    assert_eq!(steps, [0, 5, 10, 15, 20, 25, 30, 35, 36]);
    assert_eq!(seen[1], (1, 5, 50));
    assert_eq!(seen[3], (2, 15, 50), "step 15 is in epoch 2");
    assert_eq!(seen[8], (3, 36, 10));
    assert_eq!(outcome.checks, 9);
    assert!(!outcome.stopped_early);
    assert_eq!(outcome.last.step, 36);
    assert_ne!(net, start);
    assert_eq!(
        evaluate(&net, &Nllm, &vx, &vy).unwrap(),
        outcome.best.validation
    );
}

#[test]
fn early_stopping_keeps_the_untrained_net_if_training_only_hurts() {
    let Split {
        train_x: x,
        train_y: y,
        test_x: vx,
        test_y: vy,
    } = small_digits();
    let mut r = rng(52);
    let mut net = Wide::init(&mut r);
    let start = net.clone();
    // Gradient ascent: every step makes the loss worse.
    let mut ascent = Sgd::new(-0.05f32);
    let report = Trainer::new(Nllm, &mut ascent)
        .batch_size::<10>()
        .epochs(50)
        .fit_early_stopping(
            &mut net,
            &x,
            &y,
            &mut r,
            EarlyStopping::new(&vx, &vy).patience(2),
        )
        .unwrap();
    assert_eq!(report.best_index, 0);
    assert!(report.stopped_early);
    assert_eq!(report.curve.len(), 4);
    assert_eq!(net, start);
}

#[test]
fn early_stopping_rejects_a_bad_validation_set() {
    let Split {
        train_x: x,
        train_y: y,
        test_x: vx,
        test_y: vy,
    } = small_digits();
    let mut r = rng(53);
    let mut net = Wide::init(&mut r);
    let start = net.clone();
    let mut sgd = Sgd::new(0.1f32);
    let mut trainer = Trainer::new(Nllm, &mut sgd).batch_size::<10>();
    let err = trainer
        .fit_early_stopping(&mut net, &x, &y, &mut r, EarlyStopping::new(&vx, &vy[..3]))
        .unwrap_err();
    assert_eq!(
        err,
        TrainError::LengthMismatch {
            inputs: vx.len(),
            targets: 3
        }
    );
    let err = trainer
        .fit_early_stopping(
            &mut net,
            &x,
            &y,
            &mut r,
            EarlyStopping::new(&vx[..0], &vy[..0]),
        )
        .unwrap_err();
    assert_eq!(err, TrainError::Empty);
    assert_eq!(net, start, "nothing was trained");
}

/// Records the gradient of every step and leaves the net alone.
struct Recorder(Vec<f64>);

impl Optimizer<f64, (Linear<1, 1, f64>,)> for Recorder {
    fn step(&mut self, _net: &mut (Linear<1, 1, f64>,), grad: &mut (Linear<1, 1, f64>,)) {
        self.0.push(grad.0.w[0][0]);
    }
    fn steps(&self) -> usize {
        self.0.len()
    }
    fn reset(&mut self) {
        self.0.clear();
    }
}

#[test]
fn input_noise_is_zero_mean_gaussian_of_the_chosen_deviation() {
    // With W = 0, W0 = 1 and target 0, squared loss gives dL/dW = 2 (W0 - 0) x = 2 x: each
    // recorded gradient is twice the input the trainer actually used.
    let mut net = (Linear::<1, 1, f64> {
        w: [[0.0]],
        w0: [1.0],
    },);
    let x = [[3.0]; 8];
    let y = [[0.0]; 8];
    let mut recorder = Recorder(Vec::new());
    Trainer::new(Squared, &mut recorder)
        .epochs(2500)
        .input_noise(0.5)
        .fit(&mut net, &x, &y, &mut rng(54))
        .unwrap();
    let inputs: Vec<f64> = recorder.0.iter().map(|g| g / 2.0).collect();
    let n = inputs.len() as f64;
    assert_eq!(n, 20_000.0);
    let mean = inputs.iter().sum::<f64>() / n;
    let sd = (inputs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    // The mean of 20000 draws is within 5 standard errors; the deviation within 3%.
    assert!((mean - 3.0).abs() < 5.0 * 0.5 / n.sqrt(), "mean {mean}");
    assert!((sd - 0.5).abs() < 0.015, "standard deviation {sd}");
    // Normal, not uniform: about 68.3% within one deviation.
    let within = inputs.iter().filter(|v| (*v - 3.0).abs() < 0.5).count() as f64 / n;
    assert!(
        (within - 0.6827).abs() < 0.02,
        "{within} within one deviation"
    );
    // The data set itself is untouched.
    assert_eq!(x, [[3.0]; 8]);
}

#[test]
fn input_noise_regularizes_digits_and_rejects_a_bad_deviation() {
    let split = digits();
    let mut r = rng(55);
    let mut net = <(Linear<64, 32>, ReLU, Linear<32, 10>, Softmax)>::init(&mut r);
    let mut sgd = Sgd::new(0.1f32);
    let mut trainer = Trainer::new(Nllm, &mut sgd)
        .batch_size::<32>()
        .epochs(40)
        .reduction(Reduction::Mean)
        .input_noise(0.1);
    trainer
        .fit(&mut net, &split.train_x, &split.train_y, &mut r)
        .unwrap();
    let accuracy = evaluate(&net, &Nllm, &split.test_x, &split.test_y)
        .unwrap()
        .accuracy
        .unwrap();
    assert!(accuracy >= 0.95, "held-out accuracy {accuracy}");

    let before = net.clone();
    for bad in [-0.1, f64::NAN, f64::INFINITY] {
        let mut sgd = Sgd::new(0.1f32);
        let err = Trainer::new(Nllm, &mut sgd)
            .input_noise(bad)
            .fit(&mut net, &split.train_x, &split.train_y, &mut r)
            .unwrap_err();
        assert_eq!(err, TrainError::InvalidNoise);
    }
    assert_eq!(net, before);
}
