//! The fully connected layer (chapter section 2.1, "Single layer").
//!
//! `Linear<IN, OUT>` holds `W`, an `IN x OUT` matrix (the chapter's `m x n`), and `W0`, a vector
//! of `OUT` offsets, and computes the pre-activation `Z = W^T X + W0`.

use rand::Rng;
use rand_distr::{Distribution, Normal};

use crate::network::Layers;
use crate::persist::{Layer, Persist};
use crate::{Module, Params, Scalar, tensor};

/// A fully connected layer with `IN` inputs and `OUT` units: `Z = W^T U + W0`.
///
/// ```
/// use constnet::prelude::*;
/// let layer = Linear::<2, 3, f64> { w: [[1.0, 0.0, 2.0], [0.0, 1.0, 3.0]], w0: [0.5, 0.5, 0.5] };
/// assert_eq!(layer.forward(&[1.0, 2.0]), [1.5, 2.5, 8.5]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Linear<const IN: usize, const OUT: usize, T: Scalar = f32> {
    /// Weights `W`, `IN x OUT`: `w[i][j]` connects input `i` to unit `j`.
    pub w: [[T; OUT]; IN],
    /// Offsets `W0`, one per unit.
    pub w0: [T; OUT],
}

impl<const IN: usize, const OUT: usize, T: Scalar> Linear<IN, OUT, T> {
    /// A layer with every weight and offset zero.
    pub fn zeros() -> Self {
        Self {
            w: [[T::zero(); OUT]; IN],
            w0: [T::zero(); OUT],
        }
    }

    /// The chapter's initialization (section 5): `W_ij ~ Gaussian(0, 1/m)` (variance `1/m`,
    /// `m = IN`) and `W0_j ~ Gaussian(0, 1)`, drawn from the caller's generator.
    ///
    /// Samples are drawn in `f64` and rounded, in a fixed order (`W` row by row, then `W0`), so
    /// the same seed gives the same weights on every target.
    pub fn gaussian<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut layer = Self::zeros();
        layer.draw_gaussian(rng);
        layer
    }

    /// Overwrites every weight and offset with [`Linear::gaussian`]'s draws, in place.
    fn draw_gaussian<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        // A zero-input layer has no weights to draw; `1/sqrt(m)` is finite for every other `m`.
        if let Ok(weights) = Normal::new(0.0, 1.0 / crate::math::sqrt(IN.max(1) as f64)) {
            for w in self.w.as_flattened_mut() {
                *w = T::from_f64(weights.sample(rng));
            }
        }
        if let Ok(offsets) = Normal::new(0.0, 1.0) {
            for w0 in self.w0.iter_mut() {
                *w0 = T::from_f64(offsets.sample(rng));
            }
        }
    }
}

impl<const IN: usize, const OUT: usize, T: Scalar> Default for Linear<IN, OUT, T> {
    fn default() -> Self {
        Self::zeros()
    }
}

impl<const IN: usize, const OUT: usize, T: Scalar> Module<[T; IN]> for Linear<IN, OUT, T> {
    type Output = [T; OUT];
    type Tape<const K: usize> = ();

    #[inline]
    fn forward_batch<const K: usize>(&self, u: &[[T; IN]; K]) -> [[T; OUT]; K] {
        tensor::affine_rows(u, &self.w, &self.w0)
    }

    #[inline]
    fn forward_train_batch<const K: usize, R: Rng + ?Sized>(
        &mut self,
        u: &[[T; IN]; K],
        _rng: &mut R,
    ) -> ([[T; OUT]; K], ()) {
        (self.forward_batch(u), ())
    }

    /// `dL/dU = W dL/dZ` for every sample.
    #[inline]
    fn backward_batch<const K: usize>(
        &self,
        _u: &[[T; IN]; K],
        _v: &[[T; OUT]; K],
        _tape: &(),
        dl_dv: &[[T; OUT]; K],
    ) -> [[T; IN]; K] {
        tensor::rows_times_transpose(dl_dv, &self.w)
    }

    /// `dL/dW += sum_k U_k (dL/dZ_k)^T` and `dL/dW0 += sum_k dL/dZ_k` (chapter eq. 8.1).
    #[inline]
    fn weight_grad_batch<const K: usize>(
        &self,
        u: &[[T; IN]; K],
        _v: &[[T; OUT]; K],
        _tape: &(),
        dl_dv: &[[T; OUT]; K],
        grad: &mut Self,
    ) {
        tensor::add_transpose_times(&mut grad.w, u, dl_dv);
        tensor::add_column_sums(&mut grad.w0, dl_dv);
    }
}

impl<const IN: usize, const OUT: usize, T: Scalar> Params<T> for Linear<IN, OUT, T> {
    const COUNT: usize = IN * OUT + OUT;

    fn visit(&self, f: &mut impl FnMut(&[T])) {
        f(self.w.as_flattened());
        f(&self.w0);
    }

    fn walk<const M: usize>(mut values: [&mut Self; M], f: &mut impl FnMut([&mut [T]; M])) {
        f(values.each_mut().map(|layer| layer.w.as_flattened_mut()));
        f(values.each_mut().map(|layer| &mut layer.w0[..]));
    }
}

impl<const IN: usize, const OUT: usize, T: Scalar> Persist<T> for Linear<IN, OUT, T> {
    const STORED: usize = IN * OUT + OUT;

    fn each_layer(&self, f: &mut impl FnMut(Layer<&[T]>)) {
        f(Layer::Linear {
            inputs: IN,
            outputs: OUT,
            w: self.w.as_flattened(),
            w0: &self.w0,
        });
    }

    fn each_layer_mut(&mut self, f: &mut impl FnMut(Layer<&mut [T]>)) {
        f(Layer::Linear {
            inputs: IN,
            outputs: OUT,
            w: self.w.as_flattened_mut(),
            w0: &mut self.w0,
        });
    }
}

impl<const IN: usize, const OUT: usize, T: Scalar> Layers for Linear<IN, OUT, T> {
    type Input = [T; IN];

    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self {
        Self::gaussian(rng)
    }

    fn randomize<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        self.draw_gaussian(rng);
    }

    fn zeroed() -> Self {
        Self::zeros()
    }
}

// A layer is exactly its weights and offsets: no length fields, no padding, no pointers.
static_assertions::assert_eq_size!(Linear<3, 4, f32>, [f32; 3 * 4 + 4]);
static_assertions::assert_eq_size!(Linear<64, 32, f64>, [f64; 64 * 32 + 32]);
