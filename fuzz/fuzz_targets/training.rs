//! Training on arbitrary data with arbitrary step sizes and every optimizer: it ends `Ok` or
//! with an error, and either way the weights and the optimizer's state are finite (a diverged
//! step is undone, and the optimizer starts afresh).
#![no_main]

use constnet::optim::{Adadelta, Adam, Momentum, Optimizer, Sgd, WeightDecay};
use constnet::prelude::*;
use libfuzzer_sys::fuzz_target;
use rand::SeedableRng;

type Net = (Linear<2, 3>, Tanh, Linear<3, 2>, Softmax);

/// Trains a fresh net on `x`, `y` and checks the contract.
fn train<O: Optimizer<f32, Net>>(mut optimizer: O, x: &[[f32; 2]], y: &[[f32; 2]], seed: u64) {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let mut net = Net::init(&mut rng);
    let result = Trainer::new(Nllm, &mut optimizer)
        .batch_size::<4>()
        .epochs(3)
        .fit(&mut net, x, y, &mut rng);
    if result.is_ok() || matches!(result, Err(constnet::train::TrainError::Diverged { .. })) {
        assert!(net.params_finite(), "{result:?} left non-finite weights");
        assert!(
            optimizer.state_finite(),
            "{result:?} left a non-finite optimizer state"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Some((exponent, rest)) = rest.split_first() else {
        return;
    };
    // Step sizes from 2^-16 to 2^111: sane ones and ones that overflow.
    let eta = 2.0f32.powi(i32::from(*exponent % 128) - 16);
    let values: Vec<f32> = rest
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let x: Vec<[f32; 2]> = values.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
    let y: Vec<[f32; 2]> = x
        .iter()
        .enumerate()
        .map(|(i, _)| if i % 2 == 0 { [1.0, 0.0] } else { [0.0, 1.0] })
        .collect();
    let seed = u64::from(choice);
    match choice % 5 {
        0 => train(Sgd::new(eta), &x, &y, seed),
        1 => train(Momentum::new(eta), &x, &y, seed),
        2 => train(Adadelta::new(eta), &x, &y, seed),
        3 => train(Adam::new(eta), &x, &y, seed),
        _ => train(WeightDecay::new(Adam::new(eta), 1e-3), &x, &y, seed),
    }
});
