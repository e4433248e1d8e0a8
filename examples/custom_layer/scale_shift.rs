//! A layer with weights of its own, written outside constnet in one file: a learned scale and
//! shift per unit, `v_i = s_i u_i + t_i` (the affine part of batch normalization, chapter
//! section 8.3, without the batch statistics).
//!
//! The three parts every layer has:
//! 1. the struct: plain arrays of the scalar type;
//! 2. `layer!`: its tensors, once, in field order (name, type, role, how each starts, and
//!    where PyTorch keeps it); from that list constnet derives the parameter walk for
//!    optimizers, initialization, zeroed copies on the heap, the weight file, Rust-source export
//!    and safetensors import;
//! 3. `impl Module`: the forward pass, the backward pass `dL/du`, and the weight gradient.

use constnet::{Module, Scalar, layer};

/// `v = s * u + t`, unit by unit, with a learned scale `s` (starts at 1) and shift `t` (starts
/// at 0): a layer that can learn to rescale its inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleShift<const N: usize, T: Scalar = f32> {
    /// The scale of each unit.
    pub s: [T; N],
    /// The shift of each unit.
    pub t: [T; N],
}

layer! {
    impl[const N: usize, T: Scalar] ScaleShift<N, T> {
        // How generated Rust source names the type: where this module is, seen from the crate
        // root that `include!`s the source.
        path: "scale_shift::ScaleShift",
        args: [N],
        scalar: T,
        input: [T; N],
        tensors: |_layer| {
            // PyTorch's equivalent keeps them as `weight` and `bias` of one module.
            s: [T; N] => Learned, Init::Constant(1.0), Torch::Same("weight");
            t: [T; N] => Learned, Init::Constant(0.0), Torch::Same("bias");
        }
    }
}

/// The identity: what `Safetensors::load` starts from before it reads the file.
impl<const N: usize, T: Scalar> Default for ScaleShift<N, T> {
    fn default() -> Self {
        Self {
            s: [T::one(); N],
            t: [T::zero(); N],
        }
    }
}

impl<const N: usize, T: Scalar> Module<[T; N]> for ScaleShift<N, T> {
    type Output = [T; N];
    // Nothing to remember beyond the input and the output.
    type Tape<const K: usize> = ();

    fn forward_batch<const K: usize>(&self, u: &[[T; N]; K]) -> [[T; N]; K] {
        u.map(|row| std::array::from_fn(|i| self.s[i] * row[i] + self.t[i]))
    }

    fn forward_train_batch<const K: usize, R: constnet::rand::Rng + ?Sized>(
        &mut self,
        u: &[[T; N]; K],
        _rng: &mut R,
    ) -> ([[T; N]; K], ()) {
        (self.forward_batch(u), ())
    }

    /// `dL/du_i = s_i dL/dv_i`.
    fn backward_batch<const K: usize>(
        &self,
        _u: &[[T; N]; K],
        _v: &[[T; N]; K],
        _tape: &(),
        dl_dv: &[[T; N]; K],
    ) -> [[T; N]; K] {
        dl_dv.map(|row| std::array::from_fn(|i| self.s[i] * row[i]))
    }

    /// `dL/ds_i += sum_k u_ki dL/dv_ki`, `dL/dt_i += sum_k dL/dv_ki`.
    fn weight_grad_batch<const K: usize>(
        &self,
        u: &[[T; N]; K],
        _v: &[[T; N]; K],
        _tape: &(),
        dl_dv: &[[T; N]; K],
        grad: &mut Self,
    ) {
        for (u_k, d_k) in u.iter().zip(dl_dv) {
            for i in 0..N {
                grad.s[i] = grad.s[i] + u_k[i] * d_k[i];
            }
        }
        constnet::tensor::add_column_sums(&mut grad.t, dl_dv);
    }
}
