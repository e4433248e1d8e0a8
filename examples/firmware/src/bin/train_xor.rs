//! Training on Cortex-M, with no heap: a 2-8-1 net learns XOR with the chapter's mini-batch
//! SGD, its tape, gradient and shuffle order all on the stack. Passes when every point is
//! classified right with confidence.
#![no_std]
#![no_main]

use core::ops::ControlFlow;

use constnet::prelude::*;
use constnet_firmware::{finish, stack_used};
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use rand::SeedableRng;
use rand_pcg::Pcg32;

type Xor = (Linear<2, 8>, Tanh, Linear<8, 1>, Sigmoid);

const X: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const Y: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

#[entry]
fn main() -> ! {
    // PCG32 gives the same stream on every target.
    let mut rng = Pcg32::seed_from_u64(3);
    let mut net = Xor::init(&mut rng);
    let mut sgd = Sgd::new(0.5f32);
    let mut order = [0usize; 4];
    let mut first_loss = None;
    let mut last_loss = 0.0;
    let mut result = Ok(());
    let stack = stack_used(|| {
        result = Trainer::new(Nll, &mut sgd)
            .batch_size::<4>()
            .epochs(2000)
            .fit_with(&mut net, &X, &Y, &mut rng, &mut order, |stats, _| {
                first_loss.get_or_insert(stats.train.loss);
                last_loss = stats.train.loss;
                ControlFlow::Continue(())
            });
    });
    if let Err(e) = result {
        hprintln!("training failed: {}", e);
        finish(false);
    }
    let mut learned = true;
    for (x, y) in X.iter().zip(&Y) {
        let p = net.forward(x)[0];
        hprintln!("XOR({}, {}) = {}", x[0], x[1], p);
        learned &= (p > 0.5) == (y[0] > 0.5) && (p - y[0]).abs() < 0.2;
    }
    let memory = constnet::Footprint::of::<Xor, [f32; 2], 4>();
    hprintln!(
        "trained 2000 epochs on the device: loss {} -> {}",
        first_loss.unwrap_or(0.0),
        last_loss
    );
    hprintln!(
        "memory: {} bytes of weights; training used {} bytes of stack besides the net, the \
         optimizer and the order (by its type, training needs {} bytes in all)",
        memory.weights,
        stack,
        memory.training::<Sgd<f32>>()
    );
    finish(learned)
}
