//! Dropout (chapter section 8.2).
//!
//! In training, each unit of each sample is dropped (its activation set to 0) with probability
//! `p`, independently, and the backward pass uses the same mask, so a dropped unit passes no
//! gradient back and its incoming weights get no update from that sample. In inference nothing
//! is dropped.
//!
//! The chapter keeps training activations as they are and, after training, multiplies the
//! weights by the keep probability `1 - p` "to achieve the same average activation levels" (its
//! text says `p`; with `p` the drop probability the factor is `1 - p`, and the two agree at its
//! suggested `p = 0.5`). This crate uses the equivalent *inverted dropout*: kept activations are
//! divided by `1 - p` in training, so the expected activation in training already equals the
//! inference activation, and inference is the identity. Both conventions train the same
//! network up to a factor `1 - p` on the next layer's weights; this one needs no rescaling
//! step after training, so a trained net can be saved and run as it is.

use rand::Rng;

use crate::{Module, Scalar, kernels};

/// Dropout of `PERCENT` percent of the units in training (chapter section 8.2), at any width.
///
/// Place it after an activation: `(Linear<64, 64>, ReLU, Dropout<20>, Linear<64, 10>, Softmax)`.
/// The training pass ([`Module::forward_train_batch`]) draws its mask from the caller's
/// generator and keeps it in the tape for the backward pass; the inference pass
/// ([`Module::forward_batch`]) returns its input unchanged. There is no hidden mode switch:
/// which pass you call is the mode.
///
/// `PERCENT` must be below 100 (dropping every unit would leave nothing to learn from):
///
/// ```compile_fail,E0080
/// use constnet::prelude::*;
/// let mut net = <(Linear<2, 2, f64>, Dropout<100>)>::init(&mut constnet::rng::Pcg64Mcg::new(1));
/// let _ = net.forward(&[1.0, 2.0]);
/// ```
///
/// ```
/// use constnet::prelude::*;
/// use constnet::rng::SeedableRng;
/// let mut rng = constnet::rng::Pcg64Mcg::seed_from_u64(5);
/// let mut dropout = Dropout::<50>;
/// let x = [[1.0f64; 8]];
/// assert_eq!(dropout.forward_batch(&x), x); // inference: the identity
/// let (out, _mask) = dropout.forward_train_batch(&x, &mut rng);
/// // training: each unit is 0 or 1 / (1 - 0.5) = 2.
/// assert!(out[0].iter().all(|&v| v == 0.0 || v == 2.0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Dropout<const PERCENT: u8>;

impl<const PERCENT: u8> Dropout<PERCENT> {
    /// The drop probability `p = PERCENT / 100`.
    pub const P: f64 = {
        assert!(
            PERCENT < 100,
            "dropout must keep some units: PERCENT must be below 100"
        );
        PERCENT as f64 / 100.0
    };

    /// `true` with probability `p`, from one 32-bit draw: `u < p 2^32` without rounding, the same
    /// on every target.
    #[inline]
    fn drops<R: Rng + ?Sized>(rng: &mut R) -> bool {
        u64::from(rng.next_u32()) * 100 < u64::from(PERCENT) << 32
    }

    /// `x * keep / (1 - p)`, sample by sample.
    #[inline]
    fn apply<T: Scalar, const N: usize, const K: usize>(
        x: &[[T; N]; K],
        keep: &[[bool; N]; K],
    ) -> [[T; N]; K] {
        let scale = T::one() / (T::one() - T::from_f64(Self::P));
        let mut out = *x;
        for (row, mask) in out.iter_mut().zip(keep) {
            *row = kernels::masked_scale(row, mask, scale);
        }
        out
    }
}

impl<T: Scalar, const N: usize, const PERCENT: u8> Module<[T; N]> for Dropout<PERCENT> {
    type Output = [T; N];
    /// The mask: `true` for the units kept.
    type Tape<const K: usize> = [[bool; N]; K];

    /// Inference: the identity (the scaling happened in training).
    #[inline]
    fn forward_batch<const K: usize>(&self, u: &[[T; N]; K]) -> [[T; N]; K] {
        // Naming `P` rejects `PERCENT >= 100` when the program is built, in inference too.
        let _ = Self::P;
        *u
    }

    /// Training: `a * d / (1 - p)` with `d_i` 0 with probability `p` and 1 otherwise.
    #[inline]
    fn forward_train_batch<const K: usize, R: Rng + ?Sized>(
        &mut self,
        u: &[[T; N]; K],
        rng: &mut R,
    ) -> ([[T; N]; K], Self::Tape<K>) {
        let mut keep = [[true; N]; K];
        for k in keep.as_flattened_mut() {
            *k = !Self::drops(rng);
        }
        (Self::apply(u, &keep), keep)
    }

    /// The same mask and scale applied to `dL/dA`.
    #[inline]
    fn backward_batch<const K: usize>(
        &self,
        _u: &[[T; N]; K],
        _v: &[[T; N]; K],
        keep: &Self::Tape<K>,
        dl_dv: &[[T; N]; K],
    ) -> [[T; N]; K] {
        Self::apply(dl_dv, keep)
    }

    #[inline]
    fn weight_grad_batch<const K: usize>(
        &self,
        _u: &[[T; N]; K],
        _v: &[[T; N]; K],
        _keep: &Self::Tape<K>,
        _dl_dv: &[[T; N]; K],
        _grad: &mut Self,
    ) {
    }
}

crate::layer! {
    impl[const PERCENT: u8] Dropout<PERCENT> {
        path: "constnet::Dropout",
        args: [PERCENT],
        input: crate::network::AnyWidth,
        // Exporters leave dropout out of inference graphs (or write a `Dropout` node that the
        // import drops).
        onnx: crate::schema::OnnxOp::Dropped,
        tensors: |_layer| {}
    }
}
static_assertions::assert_eq_size!(Dropout<50>, ());
