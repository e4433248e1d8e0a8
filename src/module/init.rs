//! Drawing a network's starting values from each tensor's [`Init`] (chapter section 5:
//! `W^l_ij ~ Gaussian(0, 1/m^l)`, `W^l_0i ~ Gaussian(0, 1)`).

use rand::Rng;
use rand_distr::{Distribution, Normal};

use super::schema::{Init, Item, Persist};
use crate::Scalar;

/// Overwrites every tensor of `net` as its [`Init`] says, tensor by tensor in the walk's order
/// and each in memory order. Gaussian samples are drawn in `f64` and rounded, so the same
/// generator state gives the same values on every target. What
/// [`layer!`](crate::layer)'s [`Layers::randomize`](crate::Layers::randomize) calls.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::schema::randomize_tensors;
/// type Net = (Linear<3, 2>,);
/// let mut a = Net::zeroed();
/// randomize_tensors::<f32, _, _>(&mut a, &mut Pcg64Mcg::seed_from_u64(9));
/// assert_eq!(a, Net::init(&mut Pcg64Mcg::seed_from_u64(9))); // what `init` draws
/// ```
pub fn randomize_tensors<T: Scalar, N: Persist<T>, R: Rng + ?Sized>(net: &mut N, rng: &mut R) {
    N::walk_items([net], &mut |item| {
        if let Item::Tensor(info, [tensor]) = item {
            draw(info.init, tensor, rng);
        }
    });
}

/// Fills `tensor` as `init` says.
fn draw<T: Scalar, R: Rng + ?Sized>(init: Init, tensor: &mut [T], rng: &mut R) {
    match init {
        Init::Gaussian { fan_in } => {
            // `1/sqrt(m)` is finite and positive for every `m >= 1`, so `new` cannot fail.
            if let Ok(gaussian) = Normal::new(0.0, 1.0 / crate::math::sqrt(fan_in.max(1) as f64)) {
                for value in tensor.iter_mut() {
                    *value = T::from_f64(gaussian.sample(rng));
                }
            }
        }
        Init::Constant(c) => tensor.fill(T::from_f64(c)),
    }
}
