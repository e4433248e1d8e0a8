//! How much memory a network needs, known from its type before anything is flashed.
//!
//! Everything in constnet lives in plain values whose sizes the compiler knows: the weights are
//! the network value itself (chapter section 2), a training forward pass keeps every
//! intermediate `Z^l`, `A^l` in its tape (section 4), and a gradient or an optimizer's state is
//! more values of the network's type (sections 5 and 7.2). [`Footprint`] adds them up.

use core::mem::size_of;

use super::api::Module;
use super::quantize::Int8Module;

/// Bytes a network of type `Net`, taking samples `U`, needs for inference and for training with
/// mini-batches of `K` samples. Every figure is a `const`:
///
/// ```
/// use constnet::prelude::*;
/// use constnet::Footprint;
///
/// type Net = (Linear<4, 16>, ReLU, Linear<16, 3>, Softmax);
/// const MEMORY: Footprint = Footprint::of::<Net, [f32; 4], 8>();
/// // W and W0 of both layers, in f32.
/// assert_eq!(MEMORY.weights, (4 * 16 + 16 + 16 * 3 + 3) * 4);
/// // Every activation of one sample: Z^1, A^1, Z^2 and the output A^2.
/// assert_eq!(MEMORY.activations, (16 + 16 + 3 + 3) * 4);
/// // Training with SGD (no state) needs the net, its gradient, a backup, and the batch.
/// let sgd = MEMORY.training::<Sgd<f32>>();
/// assert!(sgd > 3 * MEMORY.weights + MEMORY.batch);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Footprint {
    /// The network value: every weight, plus batch normalization's running averages.
    pub weights: usize,
    /// Every activation of one sample in a forward pass (each layer's output), an upper bound
    /// on what inference keeps besides the weights and the input. A forward pass holds far
    /// less at once, about the two largest adjacent activations: the firmware measures it.
    pub activations: usize,
    /// One training mini-batch: its inputs and targets, the training forward pass's outputs and
    /// tape, and `dL/dv` for the backward pass.
    pub batch: usize,
}

impl Footprint {
    /// The footprint of `Net` on samples `U` with mini-batches of `K` samples.
    pub const fn of<Net: Module<U>, U, const K: usize>() -> Self {
        Self {
            weights: size_of::<Net>(),
            activations: size_of::<Net::Tape<1>>() + size_of::<Net::Output>(),
            batch: size_of::<[U; K]>()
                + size_of::<Net::Tape<K>>()
                + 3 * size_of::<[Net::Output; K]>(),
        }
    }

    /// The footprint of an int8 network `Net` taking `U` (`[i8; IN]`), for inference: its
    /// value (weights, biases, multipliers, shifts, tables and the scales that describe them)
    /// and every layer's output for one sample. There is no training form, so `batch` is 0.
    ///
    /// ```
    /// use constnet::Footprint;
    /// use constnet::prelude::*;
    ///
    /// type Net = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);
    /// type Int8 = <Net as Quantize<[f32; 64]>>::Int8;
    /// const MEMORY: Footprint = Footprint::of_int8::<Int8, [i8; 64]>();
    /// // The int8 weights take a quarter of the f32 ones' bytes; the per-unit constants and the
    /// // softmax's table of 256 exponentials (1 KiB) come on top: 4008 bytes against 9640.
    /// assert_eq!(MEMORY.weights, 4008);
    /// assert_eq!(Footprint::of::<Net, [f32; 64], 1>().weights, 9640);
    /// // One byte per value: the input, 32 + 32 hidden, 10 + 10 out.
    /// assert_eq!(MEMORY.activations, 64 + 32 + 32 + 10 + 10);
    /// ```
    pub const fn of_int8<Net: Int8Module<U>, U>() -> Self {
        Self {
            weights: size_of::<Net>(),
            activations: size_of::<U>() + Net::ACTIVATION_BYTES,
            batch: 0,
        }
    }

    /// Bytes inference needs besides the input: the weights and every activation.
    pub const fn inference(&self) -> usize {
        self.weights + self.activations
    }

    /// Bytes training with optimizer `O` needs: the network, its gradient, the backup the
    /// trainer restores after a non-finite step (three values of the network's type), the
    /// optimizer with its state (Adam's two running averages are two more), and one batch.
    pub const fn training<O>(&self) -> usize {
        3 * self.weights + size_of::<O>() + self.batch
    }
}
