//! Back-propagation checked against central finite differences, in f64 (chapter section 4).
//!
//! For every layer, loss and several whole networks (flat, nested, batched and not), the
//! gradients the module API computes - `dL/dW`, `dL/dW0` and `dL/du` - must agree with the
//! numerical derivative of the loss to a relative error below 1e-6.

mod common;

use common::*;
use constnet::loss::{FusedLoss, Objective};
use constnet::network::LinesUp;
use constnet::prelude::*;

const TOLERANCE: f64 = 1e-6;

/// Checks parameter and input gradients of `net` under `loss` on one batch, and that the
/// batched path equals the sum of per-sample gradients.
fn check_net<Net, L, const IN: usize, const OUT: usize, const K: usize>(
    net: &Net,
    loss: &L,
    x: &[[f64; IN]; K],
    y: &[[f64; OUT]; K],
) where
    Net: Module<[f64; IN], Output = [f64; OUT]> + Params<f64> + LinesUp + Clone,
    L: Loss<f64, OUT>,
{
    let total = |net: &Net, x: &[[f64; IN]; K]| -> f64 {
        x.iter()
            .zip(y)
            .map(|(xk, yk)| loss.value(&net.forward(xk), yk))
            .sum()
    };
    let mut train_net = net.clone();
    let (out, tape) = train_net.forward_train_batch(x, &mut rng(0));
    assert_eq!(
        out,
        net.forward_batch(x),
        "training and inference forward passes differ"
    );
    let dl_da: [[f64; OUT]; K] = std::array::from_fn(|k| loss.grad(&out[k], &y[k]));
    let mut grad = Net::zeroed();
    let du = net.backprop_batch(x, &out, &tape, &dl_da, &mut grad);

    let params = flat_params(net);
    let numeric = numeric_grad(&params, |p| {
        let mut moved = net.clone();
        set_params(&mut moved, p);
        total(&moved, x)
    });
    let err = relative_error(&flat_params(&grad), &numeric);
    assert!(err < TOLERANCE, "dL/dW relative error {err:e}");
    if !params.is_empty() {
        assert!(
            numeric.iter().any(|g| g.abs() > 1e-3),
            "degenerate check: all gradients ~0"
        );
    }

    let numeric_x = numeric_grad(x.as_flattened(), |flat| {
        let mut moved = *x;
        moved.as_flattened_mut().copy_from_slice(flat);
        total(net, &moved)
    });
    let err = relative_error(du.as_flattened(), &numeric_x);
    assert!(err < TOLERANCE, "dL/du relative error {err:e}");

    // weight grad alone (which skips the first layer's dL/du) gives the same dL/dW.
    let mut grad_only = Net::zeroed();
    net.weight_grad_batch(x, &out, &tape, &dl_da, &mut grad_only);
    assert_eq!(flat_params(&grad_only), flat_params(&grad));

    // backward alone gives the same dL/du.
    assert_eq!(net.backward_batch(x, &out, &tape, &dl_da), du);

    // a batch's gradient is the sum of its samples' gradients (chapter 7.1).
    let mut summed = Net::zeroed();
    for k in 0..K {
        let (v, t) = train_net.forward_train(&x[k], &mut rng(0));
        let du_k = net.backprop_batch(&[x[k]], &[v], &t, &[dl_da[k]], &mut summed);
        assert!(relative_error(&du_k[0], &du[k]) < 1e-14);
    }
    assert!(relative_error(&flat_params(&summed), &flat_params(&grad)) < 1e-14);
}

/// Checks the gradient a trainer uses (an [`Objective`]) against finite differences of the
/// loss of the first `valid` samples only.
fn check_objective<Net, L, const IN: usize, const OUT: usize, const K: usize>(
    net: &Net,
    loss: &L,
    x: &[[f64; IN]; K],
    y: &[[f64; OUT]; K],
    valid: usize,
) where
    Net: Module<[f64; IN], Output = [f64; OUT]> + Params<f64> + LinesUp + Clone,
    L: Objective<Net, [f64; IN], Scalar = f64, Target = [f64; OUT]> + Loss<f64, OUT>,
{
    let total = |net: &Net| -> f64 {
        x.iter()
            .zip(y)
            .take(valid)
            .map(|(xk, yk)| Loss::value(loss, &net.forward(xk), yk))
            .sum()
    };
    let mut train_net = net.clone();
    let (out, tape) = train_net.forward_train_batch(x, &mut rng(0));
    let mut grad = Net::zeroed();
    let score = loss.backprop(net, x, &out, &tape, y, valid, &mut grad);
    assert!((score.loss - total(net)).abs() < 1e-10 * (1.0 + score.loss.abs()));
    let numeric = numeric_grad(&flat_params(net), |p| {
        let mut moved = net.clone();
        set_params(&mut moved, p);
        total(&moved)
    });
    let err = relative_error(&flat_params(&grad), &numeric);
    assert!(err < TOLERANCE, "objective dL/dW relative error {err:e}");
}

fn check_loss<L: Loss<f64, 4>>(loss: &L, a: [f64; 4], y: [f64; 4]) {
    let numeric = numeric_grad(&a, |p| loss.value(&p.try_into().unwrap(), &y));
    let err = relative_error(&loss.grad(&a, &y), &numeric);
    assert!(err < TOLERANCE, "loss gradient relative error {err:e}");
}

fn check_fused<L: FusedLoss<f64, 4>, A: Module<[f64; 4], Output = [f64; 4]> + Default>(
    loss: &L,
    z: [f64; 4],
    y: [f64; 4],
) {
    let a = A::default().forward(&z);
    let numeric = numeric_grad(&z, |p| loss.value_from_logits(&p.try_into().unwrap(), &y));
    let err = relative_error(&loss.grad_logits(&z, &a, &y), &numeric);
    assert!(err < TOLERANCE, "fused dL/dZ relative error {err:e}");
    assert!((loss.value_from_logits(&z, &y) - loss.value(&a, &y)).abs() < 1e-12);
}

#[test]
fn linear_layer() {
    let mut r = rng(1);
    let layer = Linear::<3, 5, f64>::random(&mut r);
    check_net(
        &layer,
        &Squared,
        &random_batch::<1, 3>(&mut r, 1.0),
        &random_batch(&mut r, 1.0),
    );
    check_net(
        &layer,
        &Squared,
        &random_batch::<6, 3>(&mut r, 1.0),
        &random_batch(&mut r, 1.0),
    );
}

#[test]
fn every_activation() {
    let mut r = rng(2);
    let x = random_batch::<3, 5>(&mut r, 2.0);
    let y = random_batch::<3, 5>(&mut r, 1.0);
    check_net(
        &(Linear::<5, 5, f64>::random(&mut r), Identity),
        &Squared,
        &x,
        &y,
    );
    check_net(
        &(Linear::<5, 5, f64>::random(&mut r), ReLU),
        &Squared,
        &x,
        &y,
    );
    check_net(
        &(Linear::<5, 5, f64>::random(&mut r), Sigmoid),
        &Squared,
        &x,
        &y,
    );
    check_net(
        &(Linear::<5, 5, f64>::random(&mut r), Tanh),
        &Squared,
        &x,
        &y,
    );
    check_net(
        &(Linear::<5, 5, f64>::random(&mut r), Softmax),
        &Squared,
        &x,
        &y,
    );
    check_net(&Softmax, &Squared, &x, &y);
    check_net(&Tanh, &Squared, &x, &y);
}

#[test]
fn step_passes_no_gradient() {
    let mut r = rng(3);
    let net = (
        Linear::<4, 3, f64>::random(&mut r),
        Step,
        Linear::<3, 2, f64>::random(&mut r),
    );
    let x = random_batch::<2, 4>(&mut r, 1.0);
    let y = random_batch::<2, 2>(&mut r, 1.0);
    let mut train = net.clone();
    let (out, tape) = train.forward_train_batch(&x, &mut r);
    let dl: [[f64; 2]; 2] = std::array::from_fn(|k| Squared.grad(&out[k], &y[k]));
    let mut grad = <(Linear<4, 3, f64>, Step, Linear<3, 2, f64>)>::zeroed();
    let du = net.backprop_batch(&x, &out, &tape, &dl, &mut grad);
    assert!(du.as_flattened().iter().all(|&g| g == 0.0));
    assert!(grad.0.w.as_flattened().iter().all(|&g| g == 0.0));
    assert!(
        grad.2.w.as_flattened().iter().any(|&g| g != 0.0),
        "the layer after a step still learns"
    );
    // and the finite differences agree: the loss does not move with the first layer.
    check_net(&net, &Squared, &x, &y);
}

#[test]
fn every_loss() {
    let a = [0.3, -1.2, 0.7, 2.1];
    check_loss(&Squared, a, [1.0, 0.5, -0.2, 2.0]);
    check_loss(&Hinge, a, [1.0, -1.0, -1.0, 1.0]);
    check_loss(&Nll, [0.2, 0.9, 0.55, 0.01], [1.0, 0.0, 1.0, 0.0]);
    check_loss(&Nllm, [0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 1.0, 0.0]);
    check_fused::<_, Sigmoid>(&Nll, [0.3, -2.0, 4.0, -0.1], [1.0, 0.0, 0.0, 1.0]);
    check_fused::<_, Softmax>(&Nllm, [0.3, -2.0, 4.0, -0.1], [0.0, 1.0, 0.0, 0.0]);
}

#[test]
fn deep_nets_batched_and_not() {
    let mut r = rng(4);
    type Deep = (
        Linear<4, 6, f64>,
        ReLU,
        Linear<6, 6, f64>,
        Sigmoid,
        Linear<6, 3, f64>,
        Identity,
    );
    let net = Deep::init(&mut r);
    let y1 = [[1.0, -1.0, 1.0]];
    check_net(&net, &Hinge, &random_batch::<1, 4>(&mut r, 1.0), &y1);
    check_net(
        &net,
        &Squared,
        &random_batch::<7, 4>(&mut r, 1.0),
        &random_batch(&mut r, 1.0),
    );

    type Tanh3 = (
        Linear<3, 5, f64>,
        Tanh,
        Linear<5, 5, f64>,
        Tanh,
        Linear<5, 2, f64>,
        Tanh,
        Linear<2, 2, f64>,
    );
    let net = Tanh3::init(&mut r);
    check_net(
        &net,
        &Squared,
        &random_batch::<4, 3>(&mut r, 1.5),
        &random_batch(&mut r, 1.0),
    );
}

#[test]
fn nested_and_single_element_tuples() {
    let mut r = rng(5);
    type Block = (Linear<3, 4, f64>, Tanh);
    type Nested = (Block, (Linear<4, 4, f64>, ReLU), (Linear<4, 2, f64>,));
    let net = Nested::init(&mut r);
    check_net(
        &net,
        &Squared,
        &random_batch::<3, 3>(&mut r, 1.0),
        &random_batch(&mut r, 1.0),
    );
    let single = <(Linear<3, 2, f64>,)>::init(&mut r);
    check_net(
        &single,
        &Squared,
        &random_batch::<2, 3>(&mut r, 1.0),
        &random_batch(&mut r, 1.0),
    );
}

#[test]
fn fused_objectives_and_partial_batches() {
    let mut r = rng(6);
    type Classifier = (Linear<5, 4, f64>, Sigmoid, Linear<4, 3, f64>, Softmax);
    let net = Classifier::init(&mut r);
    let x = random_batch::<5, 5>(&mut r, 1.0);
    let y = [
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
    ];
    check_objective(&net, &Nllm, &x, &y, 5);
    check_objective(&net, &Nllm, &x, &y, 3);

    type Nested = ((Linear<5, 4, f64>, ReLU), (Linear<4, 3, f64>, Softmax));
    check_objective(&Nested::init(&mut r), &Nllm, &x, &y, 4);

    type Binary = (Linear<5, 3, f64>, ReLU, Linear<3, 2, f64>, Sigmoid);
    let yb = [[1.0, 0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]];
    check_objective(&Binary::init(&mut r), &Nll, &x, &yb, 5);
    check_objective(&Binary::init(&mut r), &Nll, &x, &yb, 2);

    type Regressor = (Linear<5, 3, f64>, Tanh, Linear<3, 2, f64>);
    check_objective(&Regressor::init(&mut r), &Squared, &x, &yb, 4);
    check_objective(
        &Regressor::init(&mut r),
        &Hinge,
        &x,
        &yb.map(|r| r.map(|v| 2.0 * v - 1.0)),
        5,
    );
}
