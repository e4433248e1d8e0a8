//! Batch normalization (chapter section 8.3).
//!
//! A [`BatchNorm<N>`] sits between a [`Linear`](crate::Linear) layer and its activation. In
//! training it standardizes each unit over the mini-batch of `K` samples and then scales and
//! shifts it with learned weights `G`, `B`:
//!
//! - `mu_i = (1/K) sum_j Z_ij`, `sigma_i = sqrt((1/K) sum_j (Z_ij - mu_i)^2)` (biased);
//! - `Zbar_ij = (Z_ij - mu_i) / (sigma_i + eps)`;
//! - `Zhat_ij = G_i Zbar_ij + B_i`.
//!
//! Its backward pass is the chapter's derivation:
//! `dL/dB_i = sum_j dL/dZhat_ij`, `dL/dG_i = sum_j dL/dZhat_ij Zbar_ij`, and
//! `dL/dZ_ij = sum_k dL/dZhat_ik G_i / (K sigma_i) (delta_jk K - 1 - (Z_ik - mu_i)(Z_ij - mu_i) / sigma_i^2)`,
//! written out with `sigma_i + eps` wherever the forward pass divides by it, so it is the exact
//! gradient of the function computed (the chapter drops `eps` from its derivation).

use rand::Rng;

use crate::kernels::{self, running_average};
use crate::{Module, Scalar, layer};

/// Batch normalization of `N` units (chapter section 8.3), with learned scale `G` and shift `B`.
///
/// - **Training** ([`Module::forward_train_batch`]) normalizes with the mini-batch's own mean and
///   biased standard deviation, and folds them into running averages (chapter section 7.2.1,
///   `A = gamma A + (1 - gamma) a`) kept in [`BatchNorm::mean`] and [`BatchNorm::sigma`].
/// - **Inference** ([`Module::forward_batch`], [`Module::forward`]) normalizes with those running
///   averages, so a single sample gets a deterministic answer.
///
/// Only `G` and `B` are parameters ([`Params`](crate::Params) visits them); the running averages
/// are state that optimizers leave alone. A batch whose statistics are not finite does not enter the running
/// averages, so a diverging step cannot poison the inference statistics.
///
/// A training batch needs at least two samples: with one, every `Zbar` is 0 and nothing could be
/// learned. Asking for it is an error when the program is built:
///
/// ```compile_fail,E0080
/// use constnet::prelude::*;
/// let mut bn = BatchNorm::<3, f64>::new();
/// let (_, _tape) = bn.forward_train(&[1.0, 2.0, 3.0], &mut constnet::rng::Pcg64Mcg::new(1));
/// ```
///
/// In a [`Trainer`](crate::train::Trainer) the last mini-batch of an epoch may be partial and is
/// padded by repeating its own samples; those repeats take part in the batch statistics. Use
/// [`Trainer::drop_partial_batch`](crate::train::Trainer::drop_partial_batch) to train on full
/// batches only.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::rng::SeedableRng;
/// let mut rng = constnet::rng::Pcg64Mcg::seed_from_u64(1);
/// let mut bn = BatchNorm::<2, f64>::new();
/// let batch = [[1.0, 10.0], [3.0, 30.0]];
/// let (out, _tape) = bn.forward_train_batch(&batch, &mut rng);
/// // Each column is standardized over the batch: mean 0, standard deviation ~1.
/// assert!((out[0][0] + 1.0).abs() < 1e-4 && (out[1][1] - 1.0).abs() < 1e-4);
/// // The running averages moved a tenth of the way from (0, 1) toward the batch's statistics.
/// assert!((bn.mean[0] - 0.2).abs() < 1e-12 && (bn.sigma[1] - 1.9).abs() < 1e-12);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNorm<const N: usize, T: Scalar = f32> {
    /// The learned scale `G`, one per unit (starts at 1).
    pub g: [T; N],
    /// The learned shift `B`, one per unit (starts at 0).
    pub b: [T; N],
    /// Running average of the batch means, used for inference (starts at 0).
    pub mean: [T; N],
    /// Running average of the batch standard deviations, used for inference (starts at 1).
    pub sigma: [T; N],
    /// `gamma` of the running averages: the weight kept by the old average at each training
    /// batch (0.9, the same as PyTorch's `momentum = 0.1`).
    pub gamma: T,
    /// The `eps` of `Zbar = (Z - mu) / (sigma + eps)`, which keeps a constant unit finite
    /// (`1e-5`, as PyTorch).
    pub eps: T,
}

layer! {
    impl[const N: usize, T: Scalar] BatchNorm<N, T> {
        path: "constnet::BatchNorm",
        args: [N],
        scalar: T,
        input: [T; N],
        torch_ignores: ["num_batches_tracked"],
        onnx: crate::schema::OnnxOp::Node("BatchNormalization"),
        tensors: |layer| {
            // It starts as a plain standardization, with nothing random about it.
            g: [T; N] => Learned, Init::Constant(1.0), Torch::Same("weight");
            b: [T; N] => Learned, Init::Constant(0.0), Torch::Same("bias");
            mean: [T; N] => State, Init::Constant(0.0), Torch::Same("running_mean");
            // A standard deviation is never negative: a file that says otherwise is refused.
            sigma: [T; N] => State, Init::Constant(1.0),
                Torch::StdDevOfVariance { name: "running_var", eps: layer.eps.as_f64() },
                Domain::NonNegative;
            gamma: T => State, Init::Constant(0.9), Torch::Absent;
            eps: T => State, Init::Constant(1e-5), Torch::Absent, Domain::NonNegative;
        }
    }
}

/// What a training forward pass of [`BatchNorm`] keeps for the backward pass.
///
/// ```
/// use constnet::prelude::*;
/// let mut bn = BatchNorm::<2>::new(); // G = 1, B = 0
/// let batch = [[1.0f32, 10.0], [3.0, 30.0]];
/// let (_, tape) = bn.forward_train_batch(&batch, &mut Pcg64Mcg::seed_from_u64(0));
/// assert_eq!(tape.sigma, [1.0, 10.0]);       // the batch's own deviations
/// // Zbar = (z - mean) / (sigma + eps), with eps = 1e-5:
/// assert!((tape.zbar[1][0] - 1.0).abs() < 1e-4 && (tape.zbar[0][1] + 1.0).abs() < 1e-4);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BatchNormTape<T, const N: usize, const K: usize> {
    /// The standardized batch `Zbar`.
    pub zbar: [[T; N]; K],
    /// The batch's biased standard deviation `sigma`, per unit.
    pub sigma: [T; N],
}

impl<const N: usize, T: Scalar> BatchNorm<N, T> {
    /// The identity normalization: `G = 1`, `B = 0`, running mean 0 and standard deviation 1,
    /// `gamma = 0.9`, `eps = 1e-5`.
    pub fn new() -> Self {
        Self {
            g: [T::one(); N],
            b: [T::zero(); N],
            mean: [T::zero(); N],
            sigma: [T::one(); N],
            gamma: T::from_f64(0.9),
            eps: T::from_f64(1e-5),
        }
    }
}

impl<const N: usize, T: Scalar> Default for BatchNorm<N, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, T: Scalar> Module<[T; N]> for BatchNorm<N, T> {
    type Output = [T; N];
    type Tape<const K: usize> = BatchNormTape<T, N, K>;

    /// Inference: `Zhat = G (Z - mean) / (sigma + eps) + B` with the running averages.
    #[inline]
    fn forward_batch<const K: usize>(&self, u: &[[T; N]; K]) -> [[T; N]; K] {
        let inv = kernels::map(&self.sigma, |s| T::one() / (s + self.eps));
        kernels::standardize_rows(u, &self.mean, &inv, &self.g, &self.b, None)
    }

    /// Training: normalizes with the batch's own statistics and updates the running averages.
    #[inline]
    fn forward_train_batch<const K: usize, R: Rng + ?Sized>(
        &mut self,
        u: &[[T; N]; K],
        _rng: &mut R,
    ) -> ([[T; N]; K], Self::Tape<K>) {
        const {
            assert!(
                K > 1,
                "batch normalization needs at least 2 samples per training batch"
            )
        };
        let (mu, sigma) = kernels::column_mean_sigma(u);
        let inv = kernels::map(&sigma, |s| T::one() / (s + self.eps));
        let mut zbar = [[T::zero(); N]; K];
        let out = kernels::standardize_rows(u, &mu, &inv, &self.g, &self.b, Some(&mut zbar));
        if mu.iter().chain(&sigma).all(|v| v.is_finite()) {
            running_average(&mut self.mean, &mu, self.gamma);
            running_average(&mut self.sigma, &sigma, self.gamma);
        }
        (out, BatchNormTape { zbar, sigma })
    }

    /// `dL/dZ` from `dL/dZhat` (chapter section 8.3).
    #[inline]
    fn backward_batch<const K: usize>(
        &self,
        _u: &[[T; N]; K],
        _v: &[[T; N]; K],
        tape: &Self::Tape<K>,
        dl_dv: &[[T; N]; K],
    ) -> [[T; N]; K] {
        let (sums, moments) = kernels::column_sums_and_moments(dl_dv, &tape.zbar);
        self.backward_from_sums(tape, dl_dv, &sums, &moments)
    }

    /// `dL/dG_i += sum_j dL/dZhat_ij Zbar_ij` and `dL/dB_i += sum_j dL/dZhat_ij`.
    #[inline]
    fn weight_grad_batch<const K: usize>(
        &self,
        _u: &[[T; N]; K],
        _v: &[[T; N]; K],
        tape: &Self::Tape<K>,
        dl_dv: &[[T; N]; K],
        grad: &mut Self,
    ) {
        let (sums, moments) = kernels::column_sums_and_moments(dl_dv, &tape.zbar);
        grad.add_weight_grad(&sums, &moments);
    }

    /// Both at once: the column sums that give `dL/dG` and `dL/dB` also feed `dL/dZ`.
    #[inline]
    fn backprop_batch<const K: usize>(
        &self,
        _u: &[[T; N]; K],
        _v: &[[T; N]; K],
        tape: &Self::Tape<K>,
        dl_dv: &[[T; N]; K],
        grad: &mut Self,
    ) -> [[T; N]; K] {
        let (sums, moments) = kernels::column_sums_and_moments(dl_dv, &tape.zbar);
        grad.add_weight_grad(&sums, &moments);
        self.backward_from_sums(tape, dl_dv, &sums, &moments)
    }
}

impl<const N: usize, T: Scalar> BatchNorm<N, T> {
    /// Adds `dL/dB = sum_j dL/dZhat_ij` and `dL/dG = sum_j dL/dZhat_ij Zbar_ij` into this
    /// gradient.
    fn add_weight_grad(&mut self, sums: &[T; N], moments: &[T; N]) {
        kernels::add_assign(&mut self.b, sums);
        kernels::add_assign(&mut self.g, moments);
    }

    /// `dL/dZ` given `sum_j dL/dZhat_ij` and `sum_j dL/dZhat_ij Zbar_ij`. A unit with
    /// `sigma = 0` (all samples equal) gets the limit of the formula: its `(Z - mu) / sigma`
    /// term is 0, so its gradient is finite.
    fn backward_from_sums<const K: usize>(
        &self,
        tape: &BatchNormTape<T, N, K>,
        dl_dv: &[[T; N]; K],
        sums: &[T; N],
        moments: &[T; N],
    ) -> [[T; N]; K] {
        let scale = kernels::zip_map(&self.g, &tape.sigma, |g, s| g / (s + self.eps));
        let ratio = kernels::map(&tape.sigma, |s| {
            if s > T::zero() {
                (s + self.eps) / s
            } else {
                T::zero()
            }
        });
        kernels::batch_norm_backward(dl_dv, &tape.zbar, (sums, moments), &scale, &ratio)
    }
}
