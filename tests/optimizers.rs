//! Every optimizer step by step against `tests/fixtures/optimizers.json` (PyTorch float64,
//! the chapter's rules, sections 7.2 and 8.1): f64 to 1e-12 relative.

mod common;

use constnet::optim::{Adadelta, Adam, Momentum, Optimizer, Sgd, WeightDecay};
use constnet::prelude::*;
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
