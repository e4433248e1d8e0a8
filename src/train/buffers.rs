//! What a training step works in besides the network (chapter section 7.1): the gradient that
//! back-propagation accumulates, and the copy of the weights an update that diverges is undone
//! from.

use crate::Layers;
use crate::module::Stored;

/// The gradient accumulator and the divergence backup of one network type, kept between
/// calls of [`Trainer::step`](super::Trainer::step).
///
/// [`Trainer::fit`](super::Trainer::fit) makes its own for the length of the call. A program
/// that trains one batch at a time (a game loop, an agent learning online, a custom schedule)
/// makes them once instead: for a 784-128-64-10 net they are two copies of 437 KB, and
/// allocating and zeroing them afresh for every step cost as much as the step itself
/// (`benches/README.md`, W2-C).
///
/// With `alloc` they are on the heap; without it they are inline, twice the network's size.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::train::StepBuffers;
///
/// type Net = (Linear<2, 8>, Tanh, Linear<8, 1>, Sigmoid);
/// let mut rng = Pcg64Mcg::seed_from_u64(3);
/// let mut net = Net::init(&mut rng);
/// let mut sgd = Sgd::new(0.5f32);
/// let mut trainer = Trainer::new(Nll, &mut sgd).batch_size::<4>();
/// let mut buffers = StepBuffers::new();
///
/// // XOR, one batch at a time, as the program's own loop decides.
/// let x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
/// let y = [[0.0], [1.0], [1.0], [0.0]];
/// let first = trainer.step(&mut net, &mut buffers, &x, &y, &mut rng)?;
/// let mut last = first;
/// for _ in 0..3000 {
///     last = trainer.step(&mut net, &mut buffers, &x, &y, &mut rng)?;
/// }
/// assert!(last.loss < first.loss / 10.0);
/// assert_eq!(last.accuracy, Some(1.0));
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[derive(Clone, Debug)]
pub struct StepBuffers<Net> {
    /// The gradient, summed over a batch's samples; zero between steps.
    pub(super) grad: Stored<Net>,
    /// The weights before the latest update.
    pub(super) last_good: Stored<Net>,
}

impl<Net: Layers> StepBuffers<Net> {
    /// Buffers for a network of type `Net`, zeroed in place (on the heap with `alloc`).
    pub fn new() -> Self {
        Self {
            grad: Stored::zeroed(),
            last_good: Stored::zeroed(),
        }
    }
}

impl<Net: Layers> Default for StepBuffers<Net> {
    fn default() -> Self {
        Self::new()
    }
}
