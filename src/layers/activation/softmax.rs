//! The softmax activation (chapter section 3).

use crate::{Module, Scalar, kernels};

/// `softmax(z)_i = exp(z_i) / sum_j exp(z_j)`: a probability distribution over `N` classes.
/// The last layer's activation for the NLLM loss (chapter sections 6 and 6.2).
///
/// Computed with the maximum subtracted first, so logits of any finite size give finite
/// probabilities. Its backward pass applies the full Jacobian: `dL/dz_i = a_i (dL/da_i - sum_j
/// dL/da_j a_j)`. With [`Nllm`](crate::loss::Nllm) the trainer skips this and uses the simpler,
/// exact `dL/dZ = A - Y` (chapter section 5).
///
/// ```
/// use constnet::prelude::*;
/// let p = Softmax.forward(&[1.0f32, 2.0, 3.0, 1000.0]);
/// assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
/// assert_eq!(constnet::tensor::argmax(&p), 3); // large logits stay finite
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Softmax;

impl<T: Scalar, const N: usize> Module<[T; N]> for Softmax {
    type Output = [T; N];
    type Tape<const K: usize> = ();

    #[inline]
    fn forward_batch<const K: usize>(&self, u: &[[T; N]; K]) -> [[T; N]; K] {
        let mut out = *u;
        for row in out.iter_mut() {
            *row = kernels::softmax(row);
        }
        out
    }

    crate::stateless_training!(T, N);

    #[inline]
    fn backward_batch<const K: usize>(
        &self,
        _u: &[[T; N]; K],
        v: &[[T; N]; K],
        _tape: &(),
        dl_dv: &[[T; N]; K],
    ) -> [[T; N]; K] {
        let mut out = *dl_dv;
        for (row, vk) in out.iter_mut().zip(v) {
            *row = kernels::softmax_backward(vk, row);
        }
        out
    }
}

crate::parameterless_module!(Softmax, "constnet::Softmax", onnx: crate::schema::OnnxOp::Node("Softmax"));
crate::ends_with_itself!(Softmax);
