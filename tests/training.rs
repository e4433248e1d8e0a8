//! Training on real problems (chapter sections 5 and 7.1): XOR, and the bundled handwritten
//! digits to at least 95% held-out accuracy; plus the training loop's contracts (mini-batch
//! count, partial batches, full-batch descent, divergence, determinism, bad input).

mod common;

use std::ops::ControlFlow;

use constnet::data::Split;
use constnet::optim::{InverseTime, Optimizer};
use constnet::prelude::*;
use constnet::train::TrainError;

const XOR_X: [[f64; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const XOR_Y: [[f64; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

#[test]
fn xor_is_learned_by_a_2_h_1_net() {
    type Xor = (Linear<2, 4, f64>, Tanh, Linear<4, 1, f64>, Sigmoid);
    let mut rng = common::rng(11);
    let mut net = Xor::init(&mut rng);
    let mut sgd = Sgd::new(InverseTime {
        eta0: 0.5,
        decay: 1e-4,
    });
    let report = Trainer::new(Nll, &mut sgd)
        .epochs(3000)
        .fit(&mut net, &XOR_X, &XOR_Y, &mut rng)
        .unwrap();
    assert_eq!(report.epochs.len(), 3000);
    assert!(report.epochs[0].train.loss > 0.5, "starts unlearned");
    for (x, y) in XOR_X.iter().zip(&XOR_Y) {
        let p = net.forward(x)[0];
        assert_eq!(p > 0.5, y[0] > 0.5, "XOR({x:?}) = {p}");
        assert!((p - y[0]).abs() < 0.2, "XOR({x:?}) = {p} not confident");
    }
}

#[test]
fn digits_64_32_10_reaches_95_percent_held_out() {
    for seed in [7, 8, 9] {
        digits_run(seed);
    }
}

fn digits_run(seed: u64) {
    type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);
    let Split {
        train_x,
        train_y,
        test_x,
        test_y,
    } = common::digits();
    let mut rng = common::rng(seed);
    let mut net = Digits::init(&mut rng);
    let before = evaluate(&net, &Nllm, &test_x, &test_y).unwrap();
    let mut sgd = Sgd::new(0.1f32);
    let report = Trainer::new(Nllm, &mut sgd)
        .batch_size::<32>()
        .epochs(40)
        .reduction(Reduction::Mean)
        .fit(&mut net, &train_x, &train_y, &mut rng)
        .unwrap();
    let after = evaluate(&net, &Nllm, &test_x, &test_y).unwrap();
    let accuracy = after.accuracy.unwrap();
    assert!(before.accuracy.unwrap() < 0.3, "an untrained net guesses");
    assert!(
        accuracy >= 0.95,
        "seed {seed}: held-out accuracy {accuracy}"
    );
    assert!(report.last().unwrap().train.loss < report.epochs[0].train.loss / 5.0);
    // ceil(1438 / 32) = 45 steps per epoch: the last, partial batch of 30 is trained on.
    assert_eq!(train_x.len(), 1438);
    assert!(report.epochs.iter().all(|e| e.steps == 45));
}

#[test]
fn last_partial_batch_counts_once_per_sample() {
    // 5 samples in batches of 2: ceil(5/2) = 3 steps, and with a zero step size the summed
    // epoch loss is exactly the loss of every sample once.
    type Net = (Linear<2, 3, f64>, Tanh, Linear<3, 1, f64>);
    let mut rng = common::rng(12);
    let mut net = Net::init(&mut rng);
    let x: Vec<[f64; 2]> = (0..5).map(|i| [i as f64, 1.0 - i as f64]).collect();
    let y: Vec<[f64; 1]> = (0..5).map(|i| [i as f64 * 0.5]).collect();
    let expected = evaluate(&net, &Squared, &x, &y).unwrap().loss;
    let mut frozen = Sgd::new(0.0);
    let report = Trainer::new(Squared, &mut frozen)
        .batch_size::<2>()
        .fit(&mut net, &x, &y, &mut rng)
        .unwrap();
    assert_eq!(report.epochs[0].steps, 3);
    assert!((report.epochs[0].train.loss - expected).abs() < 1e-12);
    assert_eq!(Optimizer::<f64, Net>::steps(&frozen), 3);
}

#[test]
fn full_batch_descent_equals_one_big_batch() {
    // Batch gradient descent (chapter 7.1) computed 2 samples at a time must take the same
    // step as one batch of all 4 samples.
    type Net = (Linear<2, 3, f64>, Sigmoid, Linear<3, 1, f64>, Sigmoid);
    let start = Net::init(&mut common::rng(13));
    let mut chunked = start.clone();
    let mut whole = start.clone();
    let mut sgd_a = Sgd::new(0.3);
    let mut sgd_b = Sgd::new(0.3);
    let a = Trainer::new(Nll, &mut sgd_a)
        .batch_size::<2>()
        .full_batch()
        .epochs(5);
    let b = Trainer::new(Nll, &mut sgd_b).batch_size::<4>().epochs(5);
    let (mut a, mut b) = (a, b);
    let ra = a
        .fit(&mut chunked, &XOR_X, &XOR_Y, &mut common::rng(1))
        .unwrap();
    b.fit(&mut whole, &XOR_X, &XOR_Y, &mut common::rng(1))
        .unwrap();
    assert!(ra.epochs.iter().all(|e| e.steps == 1));
    let (wa, wb) = (common::flat_params(&chunked), common::flat_params(&whole));
    assert!(common::relative_error(&wa, &wb) < 1e-12, "{wa:?} vs {wb:?}");
    assert_ne!(wa, common::flat_params(&start));
}

#[test]
fn divergence_is_a_typed_error_and_keeps_finite_weights() {
    type Net = (Linear<2, 8, f32>, ReLU, Linear<8, 1, f32>);
    let mut rng = common::rng(14);
    let mut net = Net::init(&mut rng);
    let x: Vec<[f32; 2]> = (0..64).map(|i| [i as f32, (i * i) as f32]).collect();
    let y: Vec<[f32; 1]> = (0..64).map(|i| [(i * 3) as f32]).collect();
    let mut huge = Sgd::new(1e3f32);
    let err = Trainer::new(Squared, &mut huge)
        .batch_size::<8>()
        .epochs(50)
        .fit(&mut net, &x, &y, &mut rng)
        .unwrap_err();
    let TrainError::Diverged { epoch, step } = err else {
        panic!("expected divergence, got {err:?}")
    };
    assert!(epoch >= 1 && step >= 1);
    assert!(net.params_finite(), "the net keeps its last finite weights");
    assert!(
        err.to_string()
            .contains(&format!("epoch {epoch} at step {step}"))
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    type Net = (Linear<2, 2, f64>, Softmax);
    let mut rng = common::rng(15);
    let mut net = Net::init(&mut rng);
    let mut sgd = Sgd::new(0.1);
    let mut trainer = Trainer::new(Nllm, &mut sgd);
    let x = [[0.0, 1.0], [1.0, 0.0]];
    let y = [[1.0, 0.0]];
    assert_eq!(
        trainer.fit(&mut net, &x, &y, &mut rng),
        Err(TrainError::LengthMismatch {
            inputs: 2,
            targets: 1
        })
    );
    assert_eq!(
        trainer.fit(&mut net, &x[..0], &y[..0], &mut rng),
        Err(TrainError::Empty)
    );
    let mut order = [0usize; 1];
    let r = trainer.fit_with(
        &mut net,
        &x,
        &[[1.0, 0.0], [0.0, 1.0]],
        &mut rng,
        &mut order,
        |_, _| ControlFlow::Continue(()),
    );
    assert_eq!(
        r,
        Err(TrainError::OrderBufferTooShort { len: 1, needed: 2 })
    );
    assert_eq!(
        evaluate(&net, &Nllm, &x, &y),
        Err(TrainError::LengthMismatch {
            inputs: 2,
            targets: 1
        })
    );
}

#[test]
fn huge_logits_stay_finite() {
    // Logits of magnitude 1e4: softmax, NLLM and NLL stay finite, and training steps are finite.
    let z = [1e4f32, -1e4, 0.0];
    let a = Softmax.forward(&z);
    assert_eq!(a, [1.0, 0.0, 0.0]);
    use constnet::loss::FusedLoss;
    assert!(Nllm.value_from_logits(&z, &[0.0, 1.0, 0.0]).is_finite());
    assert_eq!(Nllm.value_from_logits(&z, &[1.0, 0.0, 0.0]), 0.0);
    assert!(Nllm.value(&a, &[0.0, 1.0, 0.0]).is_finite());
    assert!(
        Nll.value_from_logits(&[1e4f32, -1e4], &[0.0, 1.0])
            .is_finite()
    );
    assert_eq!(Sigmoid.forward(&[1e4f32, -1e4]), [1.0, 0.0]);

    let mut net = (
        Linear::<1, 3, f32> {
            w: [[1e4, -1e4, 0.0]],
            w0: [0.0; 3],
        },
        Softmax,
    );
    let mut sgd = Sgd::new(1e-3f32);
    let report = Trainer::new(Nllm, &mut sgd)
        .fit(&mut net, &[[1.0]], &[[0.0, 1.0, 0.0]], &mut common::rng(1))
        .unwrap();
    assert!(report.epochs[0].train.loss.is_finite() && report.epochs[0].train.loss > 1e4);
    assert!(net.params_finite());
}

#[test]
fn same_seed_same_weights_and_same_training() {
    type Net = (Linear<4, 5>, ReLU, Linear<5, 2>, Softmax);
    let a = Net::init(&mut common::rng(99));
    let b = Net::init(&mut common::rng(99));
    assert_eq!(a, b);
    assert_ne!(a, Net::init(&mut common::rng(100)));
    // The first weights of this seed, pinned: the generator (PCG) and the Gaussian sampler are
    // defined bit for bit, so these hold on 32- and 64-bit targets alike.
    let first: Vec<f32> = common::flat_params_f32(&a).into_iter().take(3).collect();
    assert_eq!(first, PINNED_FIRST_WEIGHTS);
}

/// First three weights of `(Linear<4, 5>, ...)::init` from `Pcg64Mcg::seed_from_u64(99)`.
const PINNED_FIRST_WEIGHTS: [f32; 3] = [0.054689914, 0.7168861, 0.81639355];

#[test]
fn init_follows_the_chapter_variances() {
    // W ~ Gaussian(0, 1/m), W0 ~ Gaussian(0, 1): measured over a wide layer.
    let layer = Linear::<400, 300, f64>::gaussian(&mut common::rng(5));
    let w = layer.w.as_flattened();
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / w.len() as f64;
    assert!(mean.abs() < 0.002, "mean {mean}");
    assert!((var * 400.0 - 1.0).abs() < 0.02, "variance {var} vs 1/400");
    let b = &layer.w0;
    let var0 = b.iter().map(|v| v * v).sum::<f64>() / b.len() as f64;
    assert!((var0 - 1.0).abs() < 0.2, "offset variance {var0}");
}

/// `on_epoch` sees each epoch's figures exactly as the report records them, on `fit` and on
/// early stopping, and a `Break` from it ends training after that epoch.
#[test]
fn on_epoch_sees_every_epoch_and_can_stop_training() {
    use constnet::train::{EarlyStopping, EpochStats};
    type Xor = (Linear<2, 4, f64>, Tanh, Linear<4, 1, f64>, Sigmoid);
    let train = |hook_stops_at: usize| {
        let mut rng = common::rng(11);
        let mut net = Xor::init(&mut rng);
        let mut sgd = Sgd::new(0.5);
        let mut seen: Vec<EpochStats<f64>> = Vec::new();
        let report = Trainer::new(Nll, &mut sgd)
            .batch_size::<2>()
            .epochs(50)
            .on_epoch(|stats: &EpochStats<f64>| {
                seen.push(*stats);
                if stats.epoch == hook_stops_at {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .fit(&mut net, &XOR_X, &XOR_Y, &mut rng)
            .unwrap();
        (report, seen, net)
    };
    let (all, seen, _) = train(usize::MAX);
    assert_eq!(all.epochs.len(), 50);
    assert_eq!(seen, all.epochs, "the hook sees what the report records");
    assert!(seen.iter().all(|s| s.steps == 2));
    let (stopped, seen, net) = train(7);
    assert_eq!(stopped.epochs.len(), 7);
    assert_eq!(seen, all.epochs[..7]);
    // Stopping changes nothing before it: the net is the one 7 epochs of the full run made.
    let mut rng = common::rng(11);
    let mut seven = Xor::init(&mut rng);
    let mut sgd = Sgd::new(0.5);
    Trainer::new(Nll, &mut sgd)
        .batch_size::<2>()
        .epochs(7)
        .fit(&mut seven, &XOR_X, &XOR_Y, &mut rng)
        .unwrap();
    assert_eq!(net, seven);

    // Early stopping calls it too, once per epoch, and stops when it says so.
    let mut rng = common::rng(11);
    let mut net = Xor::init(&mut rng);
    let mut sgd = Sgd::new(0.5);
    let mut epochs = Vec::new();
    let report = Trainer::new(Nll, &mut sgd)
        .epochs(40)
        .on_epoch(|stats: &EpochStats<f64>| {
            epochs.push(stats.epoch);
            if stats.epoch == 5 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .fit_early_stopping(
            &mut net,
            &XOR_X,
            &XOR_Y,
            &mut rng,
            EarlyStopping::new(&XOR_X, &XOR_Y).patience(1000),
        )
        .unwrap();
    assert_eq!(epochs, [1, 2, 3, 4, 5]);
    assert_eq!(report.curve.last().unwrap().epoch, 5);
    assert!(!report.stopped_early, "the patience did not run out");
}

#[test]
fn a_step_is_one_pass_of_fits_inner_loop() {
    // Three epochs of one batch each, by `fit` and by `step` on the batches `fit` forms: the
    // same weights to the bit and the same losses.
    use constnet::rand::seq::SliceRandom;
    use constnet::train::StepBuffers;
    type Net = (Linear<2, 3, f64>, Sigmoid, Linear<3, 1, f64>, Sigmoid);
    let start = Net::init(&mut common::rng(21));
    let (mut fitted, mut stepped) = (start.clone(), start.clone());
    let mut adam_a = Adam::new(0.05);
    let report = Trainer::new(Nll, &mut adam_a)
        .batch_size::<4>()
        .epochs(3)
        .fit(&mut fitted, &XOR_X, &XOR_Y, &mut common::rng(2))
        .unwrap();

    let mut adam_b = Adam::new(0.05);
    let mut trainer = Trainer::new(Nll, &mut adam_b).batch_size::<4>();
    let mut buffers = StepBuffers::new();
    let mut rng = common::rng(2);
    let mut order = [0, 1, 2, 3];
    for epoch in &report.epochs {
        order.shuffle(&mut rng);
        let x = order.map(|i| XOR_X[i]);
        let y = order.map(|i| XOR_Y[i]);
        let seen = trainer
            .step(&mut stepped, &mut buffers, &x, &y, &mut rng)
            .unwrap();
        assert_eq!(seen, epoch.train);
    }
    assert_eq!(common::flat_params(&stepped), common::flat_params(&fitted));
    assert_ne!(common::flat_params(&stepped), common::flat_params(&start));
}

#[test]
fn a_diverged_step_keeps_the_net_and_leaves_the_buffers_clean() {
    use constnet::train::StepBuffers;
    type Net = (Linear<2, 8, f32>, ReLU, Linear<8, 1, f32>);
    let mut rng = common::rng(14);
    let mut net = Net::init(&mut rng);
    let x: [[f32; 2]; 8] = core::array::from_fn(|i| [(8 * i) as f32, (64 * i * i) as f32]);
    let y: [[f32; 1]; 8] = core::array::from_fn(|i| [(24 * i) as f32]);
    let mut huge = Sgd::new(1e3f32);
    let mut trainer = Trainer::new(Squared, &mut huge).batch_size::<8>();
    let mut buffers = StepBuffers::new();
    let mut before = net.clone();
    let mut err = None;
    for _ in 0..50 {
        before = net.clone();
        if let Err(e) = trainer.step(&mut net, &mut buffers, &x, &y, &mut rng) {
            err = Some(e);
            break;
        }
    }
    let Some(TrainError::Diverged { epoch: 0, step }) = err else {
        panic!("expected divergence in a step, got {err:?}")
    };
    assert!(step >= 1);
    assert_eq!(params_f32(&net), params_f32(&before));

    // The gradient was cleared: the buffers step like new ones.
    let (mut again, mut fresh) = (net.clone(), net.clone());
    let mut small_a = Sgd::new(1e-3f32);
    let mut small_b = Sgd::new(1e-3f32);
    let xs = [[0.5f32, 0.25]; 8];
    let ys = [[1.0f32]; 8];
    Trainer::new(Squared, &mut small_a)
        .batch_size::<8>()
        .step(&mut again, &mut buffers, &xs, &ys, &mut rng)
        .unwrap();
    Trainer::new(Squared, &mut small_b)
        .batch_size::<8>()
        .step(&mut fresh, &mut StepBuffers::new(), &xs, &ys, &mut rng)
        .unwrap();
    assert_eq!(params_f32(&again), params_f32(&fresh));
    assert_ne!(params_f32(&again), params_f32(&net));
}

/// Every parameter of an f32 net, in order.
fn params_f32<P: Params<f32>>(p: &P) -> Vec<f32> {
    let mut out = Vec::new();
    p.visit(&mut |s: &[f32]| out.extend_from_slice(s));
    out
}
