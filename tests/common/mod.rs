//! Helpers shared by the integration tests.
#![allow(dead_code)]

use constnet::data::Split;
use constnet::loss::Loss;
use constnet::network::LinesUp;
use constnet::prelude::{Module, Squared};
use constnet::{Params, Scalar};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde_json::Value;

pub fn rng(seed: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(seed)
}

/// A batch of `K` samples of width `N`, uniform in [-scale, scale].
pub fn random_batch<const K: usize, const N: usize>(
    rng: &mut Pcg64Mcg,
    scale: f64,
) -> [[f64; N]; K] {
    let mut out = [[0.0; N]; K];
    for row in out.iter_mut() {
        for v in row.iter_mut() {
            *v = rng.random_range(-scale..scale);
        }
    }
    out
}

/// Every parameter of a module as one flat vector, in visitor order.
pub fn flat_params<P: Params<f64>>(p: &P) -> Vec<f64> {
    let mut out = Vec::new();
    p.visit(&mut |s: &[f64]| out.extend_from_slice(s));
    out
}

/// Adds `delta` to the parameter with flat index `index`.
pub fn nudge<P: Params<f64>>(p: &mut P, index: usize, delta: f64) {
    let mut seen = 0;
    P::walk([p], &mut |[s]: [&mut [f64]; 1]| {
        if index >= seen && index < seen + s.len() {
            s[index - seen] += delta;
        }
        seen += s.len();
    });
}

/// Sets the parameters from a flat vector, in visitor order.
pub fn set_params<P: Params<f64>>(p: &mut P, values: &[f64]) {
    let mut seen = 0;
    P::walk([p], &mut |[s]: [&mut [f64]; 1]| {
        s.copy_from_slice(&values[seen..seen + s.len()]);
        seen += s.len();
    });
    assert_eq!(seen, values.len(), "parameter count differs");
}

/// Norm-wise relative error `|a - b| / max(|a|, |b|)`, 0 when both are 0.
pub fn relative_error(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let diff: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt();
    let scale = a
        .iter()
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt()
        .max(b.iter().map(|x| x * x).sum::<f64>().sqrt());
    if scale == 0.0 { 0.0 } else { diff / scale }
}

/// Central finite difference of `f` at every coordinate of `x`.
pub fn numeric_grad(x: &[f64], mut f: impl FnMut(&[f64]) -> f64) -> Vec<f64> {
    let h = 1e-6;
    let mut point = x.to_vec();
    (0..x.len())
        .map(|i| {
            let keep = point[i];
            point[i] = keep + h;
            let up = f(&point);
            point[i] = keep - h;
            let down = f(&point);
            point[i] = keep;
            (up - down) / (2.0 * h)
        })
        .collect()
}

/// Every parameter of an f32 module as one flat vector.
pub fn flat_params_f32<P: Params<f32>>(p: &P) -> Vec<f32> {
    let mut out = Vec::new();
    p.visit(&mut |s: &[f32]| out.extend_from_slice(s));
    out
}

/// Every number in a JSON value (nested arrays flattened in order).
pub fn floats(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(items) => items.iter().flat_map(floats).collect(),
        Value::Number(n) => vec![n.as_f64().unwrap()],
        other => panic!("not a number array: {other}"),
    }
}

pub fn batch<T: Scalar, const N: usize, const K: usize>(v: &Value) -> [[T; N]; K] {
    let flat = floats(v);
    assert_eq!(flat.len(), N * K, "fixture shape");
    std::array::from_fn(|k| std::array::from_fn(|i| T::from_f64(flat[k * N + i])))
}

/// Norm-wise relative agreement of `ours` with `theirs`.
pub fn assert_close<T: Scalar>(what: &str, ours: &[T], theirs: &[f64], tolerance: f64) {
    assert_eq!(ours.len(), theirs.len(), "{what}: length");
    let diff = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| (a.as_f64() - b).powi(2))
        .sum::<f64>()
        .sqrt();
    let norm = theirs.iter().map(|b| b * b).sum::<f64>().sqrt();
    assert!(
        diff <= tolerance * norm.max(1e-6),
        "{what}: relative error {:e} above {tolerance:e}\n ours   {ours:?}\n theirs {theirs:?}",
        diff / norm.max(1e-6)
    );
}

/// The bundled data sets, loaded and split as the examples load them.
#[path = "../../examples/common/datasets.rs"]
pub mod datasets;

/// The bundled digits, pixels scaled to 0..1, split 80/20 with split seed 1: the split the
/// training tests and the examples use.
pub fn digits() -> Split<[f32; 64], [f32; 10]> {
    let split = datasets::digits().unwrap();
    assert_eq!(split.train_x.len() + split.test_x.len(), 1797);
    split
}

/// Checks `dL/dW` and `dL/du` of `net`'s **training** pass against finite differences, for the
/// squared loss of a batch. The training pass is run with a generator from `seed` each time, so
/// random choices (dropout masks) are the same in every evaluation, and batch statistics are
/// recomputed for every nudged input, as the gradient must account for.
pub fn check_training_gradients<Net, const IN: usize, const OUT: usize, const K: usize>(
    net: &Net,
    x: &[[f64; IN]; K],
    y: &[[f64; OUT]; K],
    seed: u64,
) where
    Net: Module<[f64; IN], Output = [f64; OUT]> + Params<f64> + LinesUp + Clone,
{
    let loss = |net: &Net, x: &[[f64; IN]; K]| -> f64 {
        let (out, _) = net.clone().forward_train_batch(x, &mut rng(seed));
        out.iter().zip(y).map(|(a, t)| Squared.value(a, t)).sum()
    };
    let (out, tape) = net.clone().forward_train_batch(x, &mut rng(seed));
    let dl_da: [[f64; OUT]; K] = std::array::from_fn(|k| Squared.grad(&out[k], &y[k]));
    let mut grad = Net::zeroed();
    let du = net.backprop_batch(x, &out, &tape, &dl_da, &mut grad);

    let numeric = numeric_grad(&flat_params(net), |p| {
        let mut moved = net.clone();
        set_params(&mut moved, p);
        loss(&moved, x)
    });
    let err = relative_error(&flat_params(&grad), &numeric);
    assert!(err < 1e-6, "dL/dW relative error {err:e}");
    let numeric_x = numeric_grad(x.as_flattened(), |flat| {
        let mut moved = *x;
        moved.as_flattened_mut().copy_from_slice(flat);
        loss(net, &moved)
    });
    let err = relative_error(du.as_flattened(), &numeric_x);
    assert!(err < 1e-6, "dL/du relative error {err:e}");
}

/// A safetensors file of f32 tensors `(name, shape, values)`, written by the official crate
/// (named as PyTorch names an `nn.Sequential`'s state dict, where the caller says so).
pub fn official_safetensors(tensors: &[(&str, Vec<usize>, Vec<f32>)]) -> Vec<u8> {
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .iter()
        .map(|(name, dims, values)| {
            let raw = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            (name.to_string(), dims.clone(), raw)
        })
        .collect();
    let views = bytes.iter().map(|(name, dims, raw)| {
        let view = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, dims.clone(), raw);
        (name.clone(), view.unwrap())
    });
    safetensors::serialize(views, None).unwrap()
}

/// CRC-32 (IEEE), as the weight file uses.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A float net with every layer kind that has an int8 form (the int8 tests share it).
pub type Float8 = (
    constnet::Linear<3, 4>,
    constnet::ReLU,
    constnet::Linear<4, 5>,
    constnet::Sigmoid,
    (constnet::Linear<5, 3>, constnet::Tanh),
    constnet::Linear<3, 2>,
    constnet::Softmax,
);

/// 40 calibration inputs for [`Float8`], spread over each input's range.
pub fn float8_calibration() -> Vec<[f32; 3]> {
    (0..40)
        .map(|k| {
            [
                k as f32 / 10.0 - 2.0,
                (k % 7) as f32 * 0.3,
                -(k as f32) / 20.0,
            ]
        })
        .collect()
}
