//! Dropout (chapter section 8.2): the training mask, its use in the backward pass, the
//! agreement of the expected training activation with inference, and training on the digits.

mod common;

use common::*;
use constnet::prelude::*;

#[test]
fn expected_training_activation_equals_inference() {
    let x: [f64; 16] = std::array::from_fn(|i| i as f64 / 4.0 - 2.0);
    let mut dropout = Dropout::<30>;
    let inference = dropout.forward(&x);
    assert_eq!(inference, x, "inference is the identity");

    let draws = 20_000;
    let mut r = rng(40);
    let mut sum = [0.0; 16];
    let mut dropped = 0usize;
    for _ in 0..draws {
        let (a, _) = dropout.forward_train(&x, &mut r);
        for i in 0..16 {
            sum[i] += a[i];
            dropped += usize::from(a[i] == 0.0 && x[i] != 0.0);
        }
    }
    // Each unit is x / 0.7 with probability 0.7, else 0: mean x, variance x^2 (0.3 / 0.7).
    for i in 0..16 {
        let mean = sum[i] / draws as f64;
        let sd_of_mean = (x[i] * x[i] * 0.3 / 0.7 / draws as f64).sqrt();
        assert!(
            (mean - inference[i]).abs() <= 5.0 * sd_of_mean,
            "unit {i}: training mean {mean}, inference {}",
            inference[i]
        );
    }
    // 15 nonzero units: the dropped fraction is p = 0.3 within 5 standard deviations.
    let trials = (15 * draws) as f64;
    let fraction = dropped as f64 / trials;
    assert!(
        (fraction - 0.3).abs() < 5.0 * (0.3 * 0.7 / trials).sqrt(),
        "dropped {fraction}"
    );
}

#[test]
fn backward_uses_the_forward_mask() {
    let mut dropout = Dropout::<50>;
    let x = [[1.0f64; 12]; 3];
    let (out, mask) = dropout.forward_train_batch(&x, &mut rng(41));
    let grads = dropout.backward_batch(&x, &out, &mask, &[[3.0; 12]; 3]);
    for k in 0..3 {
        for i in 0..12 {
            assert_eq!(out[k][i], if mask[k][i] { 2.0 } else { 0.0 });
            assert_eq!(grads[k][i], if mask[k][i] { 6.0 } else { 0.0 });
        }
    }
    assert!(mask.as_flattened().contains(&true) && mask.as_flattened().contains(&false));
}

/// With the mask fixed (the same generator state), the training pass is a smooth function of
/// the weights and inputs; its gradient must match finite differences.
#[test]
fn a_net_with_dropout_matches_finite_differences_for_a_fixed_mask() {
    type Net = (Linear<3, 6, f64>, Tanh, Dropout<40>, Linear<6, 2, f64>);
    let mut r = rng(42);
    let net = Net::init(&mut r);
    let x: [[f64; 3]; 4] = random_batch(&mut r, 1.0);
    let y: [[f64; 2]; 4] = random_batch(&mut r, 1.0);
    check_training_gradients(&net, &x, &y, 43);
}

/// The chapter's study question: a dropped unit's incoming weights get no update.
#[test]
fn a_dropped_unit_gets_no_gradient() {
    type Net = (Linear<3, 8, f64>, ReLU, Dropout<50>, Linear<8, 1, f64>);
    let mut r = rng(44);
    let mut net = Net::init(&mut r);
    let x = [0.5, -1.0, 2.0];
    let (out, tape) = net.forward_train(&x, &mut r);
    let mut grad = Net::zeroed();
    net.backprop_batch(&[x], &[out], &tape, &[[1.0]], &mut grad);
    let keep = &(tape.0).2[0];
    assert!(keep.contains(&false));
    for j in 0..8 {
        let incoming: Vec<f64> = grad
            .0
            .w
            .iter()
            .map(|row| row[j])
            .chain([grad.0.w0[j]])
            .collect();
        if !keep[j] {
            assert!(
                incoming.iter().all(|&g| g == 0.0),
                "dropped unit {j}: {incoming:?}"
            );
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_masks() {
    let mut d = Dropout::<25>;
    let x = [[1.0f32; 9]; 5];
    let (_, a) = d.forward_train_batch(&x, &mut rng(45));
    let (_, b) = d.forward_train_batch(&x, &mut rng(45));
    let (_, c) = d.forward_train_batch(&x, &mut rng(46));
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn digits_train_with_dropout() {
    type Digits = (Linear<64, 64>, ReLU, Dropout<20>, Linear<64, 10>, Softmax);
    let split = digits();
    let mut r = rng(7);
    let mut net = Digits::init(&mut r);
    let mut sgd = Sgd::new(0.1f32);
    let report = Trainer::new(Nllm, &mut sgd)
        .batch_size::<32>()
        .epochs(40)
        .reduction(Reduction::Mean)
        .fit(&mut net, &split.train_x, &split.train_y, &mut r)
        .unwrap();
    let eval = evaluate(&net, &Nllm, &split.test_x, &split.test_y).unwrap();
    let accuracy = eval.accuracy.unwrap();
    assert!(accuracy >= 0.95, "held-out accuracy {accuracy}");
    // Training accuracy is measured with units dropped, so it trails the full net's.
    let full = evaluate(&net, &Nllm, &split.train_x, &split.train_y).unwrap();
    assert!(report.last().unwrap().train.accuracy.unwrap() < full.accuracy.unwrap());
}
