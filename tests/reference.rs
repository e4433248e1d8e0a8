//! Agreement with PyTorch autograd (float64) on the chapter's networks and losses:
//! `tests/fixtures/networks.json` (copied from the shared reference values; see its README).
//!
//! For every case - 2 and 3 layer nets, every activation, every loss, batch 1 and 4 - the
//! outputs `Z^l`, `A^l`, the loss, `dL/dZ^L`, every `dL/dW^l`, `dL/dW0^l` and `dL/dx` must
//! agree: f64 to 1e-10 relative, f32 to 1e-4.

mod common;

use common::{assert_close, batch, floats};

use constnet::loss::{FusedLoss, Objective};
use constnet::prelude::*;
use serde_json::Value;

fn fixture() -> Value {
    let text = include_str!("fixtures/networks.json");
    serde_json::from_str(text).expect("networks.json parses")
}

/// `dL/dZ^L` the way the chapter's table computes it for each loss.
trait LastGradient<T: Scalar, const N: usize> {
    fn dl_dz<A: Module<[T; N], Output = [T; N], Tape<1> = ()>>(
        &self,
        act: &A,
        z: &[T; N],
        a: &[T; N],
        y: &[T; N],
    ) -> [T; N];
}

macro_rules! through_activation {
    ($($loss:ty),*) => {$(
        impl<T: Scalar, const N: usize> LastGradient<T, N> for $loss {
            fn dl_dz<A: Module<[T; N], Output = [T; N], Tape<1> = ()>>(
                &self, act: &A, z: &[T; N], a: &[T; N], y: &[T; N],
            ) -> [T; N] {
                act.backward(z, a, &(), &Loss::grad(self, a, y))
            }
        }
    )*};
}
macro_rules! fused {
    ($($loss:ty),*) => {$(
        impl<T: Scalar, const N: usize> LastGradient<T, N> for $loss {
            fn dl_dz<A: Module<[T; N], Output = [T; N], Tape<1> = ()>>(
                &self, _act: &A, z: &[T; N], a: &[T; N], y: &[T; N],
            ) -> [T; N] {
                self.grad_logits(z, a, y)
            }
        }
    )*};
}
through_activation!(Squared, Hinge);
fused!(Nll, Nllm);

/// Loads the case's weights, runs the forward pass, the loss and back-propagation, and compares
/// everything that does not depend on the net's structure. Returns the net for the layer-wise
/// checks.
fn check_common<Net, L, T, const IN: usize, const OUT: usize, const K: usize>(
    case: &Value,
    loss: &L,
    tolerance: f64,
) -> Net
where
    T: Scalar,
    Net: Network<T, IN, OUT>,
    L: Objective<Net, [T; IN], Scalar = T, Target = [T; OUT]> + Loss<T, OUT>,
{
    let mut net = Net::zeroed();
    let weights: Vec<f64> = case["layers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|layer| floats(&layer["W"]).into_iter().chain(floats(&layer["W0"])))
        .collect();
    let mut seen = 0;
    Net::walk([&mut net], &mut |[p]: [&mut [T]; 1]| {
        for (dst, &src) in p.iter_mut().zip(&weights[seen..]) {
            *dst = T::from_f64(src);
        }
        seen += p.len();
    });
    assert_eq!(seen, weights.len(), "parameter count");

    let x: [[T; IN]; K] = batch(&case["x"]);
    let y: [[T; OUT]; K] = batch(&case["y"]);
    let layers = case["a"].as_array().unwrap().len();

    let mut train = net.clone();
    let (out, tape) = train.forward_train_batch(&x, &mut common::rng(0));
    assert_close(
        "A^L",
        out.as_flattened(),
        &floats(&case["a"][layers - 1]),
        tolerance,
    );

    let mut grad = Net::zeroed();
    let score = loss.backprop(&net, &x, &out, &tape, &y, K, &mut grad);
    assert_close(
        "loss",
        &[score.loss],
        &[case["loss_value"].as_f64().unwrap()],
        tolerance,
    );
    let expected_grads: Vec<f64> = case["grads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|layer| floats(&layer["W"]).into_iter().chain(floats(&layer["W0"])))
        .collect();
    let mut ours = Vec::new();
    grad.visit(&mut |p: &[T]| ours.extend_from_slice(p));
    assert_close("dL/dW, dL/dW0", &ours, &expected_grads, tolerance);

    let dl_da: [[T; OUT]; K] = std::array::from_fn(|k| Loss::grad(loss, &out[k], &y[k]));
    let mut scratch = Net::zeroed();
    let dx = net.backprop_batch(&x, &out, &tape, &dl_da, &mut scratch);
    assert_close(
        "dL/dx",
        dx.as_flattened(),
        &floats(&case["dloss_dx"]),
        tolerance,
    );
    net
}

/// One case: a net `(Linear, f1, Linear, f2[, Linear, f3])` of the given widths and loss,
/// checked in f64 and f32, including every intermediate `Z^l`, `A^l` and `dL/dZ^L`.
macro_rules! case {
    ($case:expr, [$w0:literal, $w1:literal, $w2:literal], [$f1:ident, $f2:ident], $loss:ident) => {{
        case!(@run $case, f64, 1e-10, [$w0, $w1, $w2], [$f1, $f2], $loss);
        case!(@run $case, f32, 1e-4, [$w0, $w1, $w2], [$f1, $f2], $loss);
    }};
    ($case:expr, [$w0:literal, $w1:literal, $w2:literal, $w3:literal], [$f1:ident, $f2:ident, $f3:ident], $loss:ident) => {{
        case!(@run3 $case, f64, 1e-10, [$w0, $w1, $w2, $w3], [$f1, $f2, $f3], $loss);
        case!(@run3 $case, f32, 1e-4, [$w0, $w1, $w2, $w3], [$f1, $f2, $f3], $loss);
    }};
    (@run $case:expr, $t:ty, $tol:expr, [$w0:literal, $w1:literal, $w2:literal], [$f1:ident, $f2:ident], $loss:ident) => {{
        type Net = (Linear<$w0, $w1, $t>, $f1, Linear<$w1, $w2, $t>, $f2);
        fn run<const K: usize>(case: &Value) {
            let net: Net = check_common::<Net, _, $t, $w0, $w2, K>(case, &$loss, $tol);
            let x: [[$t; $w0]; K] = batch(&case["x"]);
            let y: [[$t; $w2]; K] = batch(&case["y"]);
            let z1 = net.0.forward_batch(&x);
            let a1 = net.1.forward_batch(&z1);
            let z2 = net.2.forward_batch(&a1);
            let a2 = net.3.forward_batch(&z2);
            assert_close("Z^1", z1.as_flattened(), &floats(&case["z"][0]), $tol);
            assert_close("A^1", a1.as_flattened(), &floats(&case["a"][0]), $tol);
            assert_close("Z^2", z2.as_flattened(), &floats(&case["z"][1]), $tol);
            let dz: Vec<$t> = (0..K).flat_map(|k| $loss.dl_dz(&net.3, &z2[k], &a2[k], &y[k])).collect();
            assert_close("dL/dZ^L", &dz, &floats(&case["dloss_dz_last"]), $tol);
        }
        match $case["batch"].as_u64().unwrap() {
            1 => run::<1>($case),
            4 => run::<4>($case),
            other => panic!("no batch size {other} in the table"),
        }
    }};
    (@run3 $case:expr, $t:ty, $tol:expr, [$w0:literal, $w1:literal, $w2:literal, $w3:literal], [$f1:ident, $f2:ident, $f3:ident], $loss:ident) => {{
        type Net = (Linear<$w0, $w1, $t>, $f1, Linear<$w1, $w2, $t>, $f2, Linear<$w2, $w3, $t>, $f3);
        fn run<const K: usize>(case: &Value) {
            let net: Net = check_common::<Net, _, $t, $w0, $w3, K>(case, &$loss, $tol);
            let x: [[$t; $w0]; K] = batch(&case["x"]);
            let y: [[$t; $w3]; K] = batch(&case["y"]);
            let z1 = net.0.forward_batch(&x);
            let a1 = net.1.forward_batch(&z1);
            let z2 = net.2.forward_batch(&a1);
            let a2 = net.3.forward_batch(&z2);
            let z3 = net.4.forward_batch(&a2);
            let a3 = net.5.forward_batch(&z3);
            assert_close("Z^1", z1.as_flattened(), &floats(&case["z"][0]), $tol);
            assert_close("A^1", a1.as_flattened(), &floats(&case["a"][0]), $tol);
            assert_close("Z^2", z2.as_flattened(), &floats(&case["z"][1]), $tol);
            assert_close("A^2", a2.as_flattened(), &floats(&case["a"][1]), $tol);
            assert_close("Z^3", z3.as_flattened(), &floats(&case["z"][2]), $tol);
            let dz: Vec<$t> = (0..K).flat_map(|k| $loss.dl_dz(&net.5, &z3[k], &a3[k], &y[k])).collect();
            assert_close("dL/dZ^L", &dz, &floats(&case["dloss_dz_last"]), $tol);
        }
        match $case["batch"].as_u64().unwrap() {
            1 => run::<1>($case),
            4 => run::<4>($case),
            other => panic!("no batch size {other} in the table"),
        }
    }};
}

#[test]
fn every_reference_case_agrees_with_pytorch() {
    let data = fixture();
    let cases = data["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 48, "fixture has the expected number of cases");
    for case in cases {
        let widths: Vec<u64> = case["widths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_u64().unwrap())
            .collect();
        let acts: Vec<&str> = case["activations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let loss = case["loss"].as_str().unwrap();
        let key = format!("{widths:?} {} {loss}", acts.join(","));
        match key.as_str() {
            "[3, 4, 2] relu,identity squared" => case!(case, [3, 4, 2], [ReLU, Identity], Squared),
            "[5, 7, 6, 4] sigmoid,sigmoid,identity squared" => {
                case!(case, [5, 7, 6, 4], [Sigmoid, Sigmoid, Identity], Squared)
            }
            "[2, 8, 8, 1] tanh,tanh,identity squared" => {
                case!(case, [2, 8, 8, 1], [Tanh, Tanh, Identity], Squared)
            }
            "[6, 3, 5] identity,identity squared" => {
                case!(case, [6, 3, 5], [Identity, Identity], Squared)
            }
            "[5, 7, 6, 4] relu,relu,identity hinge" => {
                case!(case, [5, 7, 6, 4], [ReLU, ReLU, Identity], Hinge)
            }
            "[2, 8, 8, 1] sigmoid,sigmoid,identity hinge" => {
                case!(case, [2, 8, 8, 1], [Sigmoid, Sigmoid, Identity], Hinge)
            }
            "[6, 3, 5] tanh,identity hinge" => case!(case, [6, 3, 5], [Tanh, Identity], Hinge),
            "[3, 4, 1] identity,identity hinge" => {
                case!(case, [3, 4, 1], [Identity, Identity], Hinge)
            }
            "[2, 8, 8, 1] relu,relu,sigmoid nll" => {
                case!(case, [2, 8, 8, 1], [ReLU, ReLU, Sigmoid], Nll)
            }
            "[6, 3, 5] sigmoid,sigmoid nll" => case!(case, [6, 3, 5], [Sigmoid, Sigmoid], Nll),
            "[3, 4, 1] tanh,sigmoid nll" => case!(case, [3, 4, 1], [Tanh, Sigmoid], Nll),
            "[5, 7, 6, 4] identity,identity,sigmoid nll" => {
                case!(case, [5, 7, 6, 4], [Identity, Identity, Sigmoid], Nll)
            }
            "[6, 3, 5] relu,softmax nllm" => case!(case, [6, 3, 5], [ReLU, Softmax], Nllm),
            "[3, 4, 2] sigmoid,softmax nllm" => case!(case, [3, 4, 2], [Sigmoid, Softmax], Nllm),
            "[5, 7, 6, 4] tanh,tanh,softmax nllm" => {
                case!(case, [5, 7, 6, 4], [Tanh, Tanh, Softmax], Nllm)
            }
            "[2, 8, 8, 1] identity,identity,softmax nllm" => {
                case!(case, [2, 8, 8, 1], [Identity, Identity, Softmax], Nllm)
            }
            "[3, 4, 2] relu,tanh squared" => case!(case, [3, 4, 2], [ReLU, Tanh], Squared),
            "[5, 7, 6, 4] sigmoid,sigmoid,tanh squared" => {
                case!(case, [5, 7, 6, 4], [Sigmoid, Sigmoid, Tanh], Squared)
            }
            "[2, 8, 8, 1] tanh,tanh,tanh squared" => {
                case!(case, [2, 8, 8, 1], [Tanh, Tanh, Tanh], Squared)
            }
            "[6, 3, 5] identity,tanh squared" => case!(case, [6, 3, 5], [Identity, Tanh], Squared),
            "[5, 7, 6, 4] relu,relu,sigmoid squared" => {
                case!(case, [5, 7, 6, 4], [ReLU, ReLU, Sigmoid], Squared)
            }
            "[2, 8, 8, 1] sigmoid,sigmoid,sigmoid squared" => {
                case!(case, [2, 8, 8, 1], [Sigmoid, Sigmoid, Sigmoid], Squared)
            }
            "[6, 3, 5] tanh,sigmoid squared" => case!(case, [6, 3, 5], [Tanh, Sigmoid], Squared),
            "[3, 4, 2] identity,sigmoid squared" => {
                case!(case, [3, 4, 2], [Identity, Sigmoid], Squared)
            }
            other => panic!("reference case {other:?} has no network type here"),
        }
    }
}
