//! Every optimizer step by step against `tests/fixtures/optimizers.json` (PyTorch float64,
//! the chapter's rules, sections 7.2 and 8.1): f64 to 1e-12 relative.

mod common;

use constnet::optim::{Adadelta, Adam, InverseTime, Momentum, Optimizer, Sgd, WeightDecay};
use constnet::prelude::*;
use constnet::train::TrainError;
use serde_json::Value;

/// Six parameters: `W` (5 x 1) then `W0` (1), in visitor order.
type SixWeights = Linear<5, 1, f64>;

fn vector(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn case(name: &str) -> Value {
    let data: Value = serde_json::from_str(include_str!("fixtures/optimizers.json")).unwrap();
    data["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["optimizer"].as_str().unwrap().starts_with(name))
        .unwrap()
        .clone()
}

fn follow<O: Optimizer<f64, SixWeights>>(case: &Value, mut optimizer: O) {
    let mut net = SixWeights::zeros();
    common::set_params(&mut net, &vector(&case["w0"]));
    let grads = case["grads"].as_array().unwrap();
    let trajectory = case["trajectory"].as_array().unwrap();
    assert_eq!(grads.len(), trajectory.len());
    for (t, (g, expected)) in grads.iter().zip(trajectory).enumerate() {
        let mut grad = SixWeights::zeros();
        common::set_params(&mut grad, &vector(g));
        optimizer.step(&mut net, &mut grad);
        let ours = common::flat_params(&net);
        let err = common::relative_error(&ours, &vector(expected));
        assert!(
            err < 1e-12,
            "{}: step {} relative error {err:e}",
            case["optimizer"],
            t + 1
        );
    }
    assert_eq!(optimizer.steps(), grads.len());
}

#[test]
fn sgd() {
    let c = case("sgd");
    follow(&c, Sgd::new(c["eta"].as_f64().unwrap()));
}

#[test]
fn momentum() {
    let c = case("momentum");
    follow(
        &c,
        Momentum::with_gamma(c["eta"].as_f64().unwrap(), c["gamma"].as_f64().unwrap()),
    );
}

#[test]
fn adadelta() {
    let c = case("adadelta");
    let mut opt = Adadelta::new(c["eta"].as_f64().unwrap());
    opt.gamma = c["gamma"].as_f64().unwrap();
    opt.eps = c["eps"].as_f64().unwrap();
    follow(&c, opt);
}

#[test]
fn adam() {
    let c = case("adam");
    let mut opt = Adam::new(c["eta"].as_f64().unwrap());
    (opt.b1, opt.b2, opt.eps) = (
        c["B1"].as_f64().unwrap(),
        c["B2"].as_f64().unwrap(),
        c["eps"].as_f64().unwrap(),
    );
    follow(&c, opt);
}

#[test]
fn sgd_with_weight_decay() {
    let c = case("sgd + weight decay");
    follow(
        &c,
        WeightDecay::new(
            Sgd::new(c["eta"].as_f64().unwrap()),
            c["lambda"].as_f64().unwrap(),
        ),
    );
}

/// Trains the 64-32-10 digits net with `optimizer` (40 epochs, batch 32, mean reduction) and
/// returns its held-out accuracy.
fn digits_accuracy<O: Optimizer<f32, Digits>>(mut optimizer: O) -> f64 {
    let split = common::digits();
    let mut rng = common::rng(7);
    let mut net = Digits::init(&mut rng);
    Trainer::new(Nllm, &mut optimizer)
        .batch_size::<32>()
        .epochs(40)
        .reduction(Reduction::Mean)
        .fit(&mut net, &split.train_x, &split.train_y, &mut rng)
        .unwrap();
    evaluate(&net, &Nllm, &split.test_x, &split.test_y)
        .unwrap()
        .accuracy
        .unwrap()
}

type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);

#[test]
fn every_optimizer_trains_digits_to_95_percent() {
    let runs: [(&str, f64); 7] = [
        ("sgd", digits_accuracy(Sgd::new(0.1f32))),
        ("momentum", digits_accuracy(Momentum::new(0.01f32))),
        ("adadelta", digits_accuracy(Adadelta::new(1e-3f32))),
        ("adam", digits_accuracy(Adam::new(1e-3f32))),
        (
            "adam, decaying step size",
            digits_accuracy(Adam::new(InverseTime {
                eta0: 3e-3f32,
                decay: 1e-3,
            })),
        ),
        (
            "momentum + weight decay",
            digits_accuracy(WeightDecay::new(Momentum::new(0.01f32), 1e-4)),
        ),
        (
            "adam + weight decay",
            digits_accuracy(WeightDecay::new(Adam::new(1e-3f32), 1e-4)),
        ),
    ];
    for (name, accuracy) in runs {
        assert!(accuracy >= 0.95, "{name}: held-out accuracy {accuracy}");
    }
}

/// Runs `optimizer` with a far too large step size on a regression whose inputs reach 4096:
/// it must stop with `Diverged` and leave finite weights.
fn diverges<O: Optimizer<f32, Regressor>>(name: &str, mut optimizer: O) {
    let mut rng = common::rng(14);
    let mut net = Regressor::init(&mut rng);
    let x: Vec<[f32; 2]> = (0..64).map(|i| [i as f32, (i * i) as f32]).collect();
    let y: Vec<[f32; 1]> = (0..64).map(|i| [(i * 3) as f32]).collect();
    let err = Trainer::new(Squared, &mut optimizer)
        .batch_size::<8>()
        .epochs(200)
        .fit(&mut net, &x, &y, &mut rng)
        .unwrap_err();
    let TrainError::Diverged { epoch, step } = err else {
        panic!("{name}: expected divergence, got {err:?}")
    };
    assert!(epoch >= 1 && step >= 1, "{name}");
    assert!(
        step <= epoch * 8,
        "{name}: step {step} is past epoch {epoch}"
    );
    assert!(
        net.params_finite(),
        "{name}: the net keeps its last finite weights"
    );
}

type Regressor = (Linear<2, 8, f32>, ReLU, Linear<8, 1, f32>);

#[test]
fn every_optimizer_reports_divergence() {
    diverges("sgd", Sgd::new(1e3f32));
    diverges("momentum", Momentum::new(1e3f32));
    diverges("adadelta", Adadelta::new(1e12f32));
    diverges("adam", Adam::new(1e12f32));
    diverges(
        "sgd + weight decay",
        WeightDecay::new(Sgd::new(1e3f32), 1e-2),
    );
}
