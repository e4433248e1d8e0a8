//! The fully connected layer (chapter section 2.1, "Single layer").
//!
//! `Linear<IN, OUT>` holds `W`, an `IN x OUT` matrix (the chapter's `m x n`), and `W0`, a vector
//! of `OUT` offsets, and computes the pre-activation `Z = W^T X + W0`.

use rand::Rng;

use crate::{Layers, Module, Scalar, layer, tensor};

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

layer! {
    impl[const IN: usize, const OUT: usize, T: Scalar] Linear<IN, OUT, T> {
        path: "constnet::Linear",
        args: [IN, OUT],
        scalar: T,
        input: [T; IN],
        onnx: crate::schema::OnnxOp::Node("Gemm"),
        tensors: |_layer| {
            // Chapter section 5: `W_ij ~ Gaussian(0, 1/m)` with `m = IN`, `W0_j ~ Gaussian(0, 1)`.
            w: [[T; OUT]; IN] => Learned, Init::Gaussian { fan_in: IN }, Torch::Transposed("weight");
            w0: [T; OUT] => Learned, Init::Gaussian { fan_in: 1 }, Torch::Same("bias");
        }
    }
}

impl<const IN: usize, const OUT: usize, T: Scalar> Linear<IN, OUT, T> {
    /// A layer with every weight and offset zero ([`Layers::zeroed`]).
    pub fn zeros() -> Self {
        Self::zeroed()
    }

    /// The chapter's initialization (section 5), [`Layers::random`]: `W_ij ~ Gaussian(0, 1/m)`
    /// (variance `1/m`, `m = IN`) and `W0_j ~ Gaussian(0, 1)`, drawn from the caller's
    /// generator in a fixed order (`W` row by row, then `W0`), the same on every target.
    pub fn gaussian<R: Rng + ?Sized>(rng: &mut R) -> Self {
        Self::random(rng)
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

// A layer is exactly its weights and offsets: no length fields, no padding, no pointers.
static_assertions::assert_eq_size!(Linear<3, 4, f32>, [f32; 3 * 4 + 4]);
static_assertions::assert_eq_size!(Linear<64, 32, f64>, [f64; 64 * 32 + 32]);
