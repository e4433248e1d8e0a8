//! Loss functions (chapter section 6, "Loss functions and activation functions").
//!
//! Each loss is per sample, `Loss(guess, actual)`, with its gradient `dLoss/dA^L`; a batch's loss
//! is the sum over its samples (chapter section 7.1). The chapter's table pairs each loss with
//! the activation of the last layer, `f^L`:
//!
//! | loss | `f^L` | here |
//! |---|---|---|
//! | squared | linear | [`Squared`]: advice; works after any last module |
//! | hinge | linear | [`Hinge`]: advice; works after any last module |
//! | NLL | sigmoid | [`Nll`]: **enforced**, the net must end with [`Sigmoid`](crate::Sigmoid) |
//! | NLLM | softmax | [`Nllm`]: **enforced**, the net must end with [`Softmax`](crate::Softmax) |
//!
//! NLL and NLLM are computed from the pre-activation `Z^L` (log-sum-exp, softplus), and give
//! `dL/dZ^L = A^L - Y` directly (chapter section 5): no `log(0)`, no `0/0`, for logits of any
//! finite size. That is why they require the matching last activation.
//!
//! [`Objective`] is how a trainer applies a loss to a network: it picks the fused path for NLL
//! and NLLM, and the plain `dL/dA^L` through the network otherwise.

mod hinge;
mod nll;
mod nllm;
mod squared;

pub use hinge::Hinge;
pub use nll::Nll;
pub use nllm::Nllm;
pub use squared::Squared;

use crate::{Module, Scalar};

/// A loss on the network's output `A^L` of width `N`, with target `Y` of the same width.
///
/// ```
/// use constnet::loss::{Loss, Squared};
///
/// let (a, y) = ([0.5f32, 2.0], [1.0, 2.0]);
/// assert_eq!(Squared.value(&a, &y), 0.25);        // (a - y)^2, summed
/// assert_eq!(Squared.grad(&a, &y), [-1.0, 0.0]);  // 2 (a - y)
/// assert_eq!(Squared.correct(&a, &y), None);      // a regression loss
/// ```
///
/// To train with a loss of your own, implement this and wrap it in [`OnOutput`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not apply to outputs of width {N}",
    note = "the target of a sample must have the width of the network's output"
)]
pub trait Loss<T: Scalar, const N: usize> {
    /// `Loss(guess, actual)` for one sample.
    fn value(&self, a: &[T; N], y: &[T; N]) -> T;

    /// `dLoss/dA` for one sample.
    fn grad(&self, a: &[T; N], y: &[T; N]) -> [T; N];

    /// Whether the guess counts as right, for losses of classification; `None` for regression.
    fn correct(&self, a: &[T; N], y: &[T; N]) -> Option<bool>;

    /// `true` for a loss of classification, whose reports count right guesses
    /// ([`correct`](Self::correct) gives `Some`); `false` by default.
    const CLASSIFIES: bool = false;
}

/// A loss of your own on the network's output `A^L`: wrap any [`Loss`] in it to train with it.
/// Its gradient `dL/dA^L` is back-propagated through the whole network, as for [`Squared`].
///
/// ```
/// use constnet::loss::{Loss, OnOutput};
/// use constnet::prelude::*;
///
/// /// The mean absolute error, `|a - y|` summed over the outputs: robust to outliers.
/// struct Absolute;
///
/// impl<const N: usize> Loss<f32, N> for Absolute {
///     fn value(&self, a: &[f32; N], y: &[f32; N]) -> f32 {
///         a.iter().zip(y).map(|(a, y)| (a - y).abs()).sum()
///     }
///     fn grad(&self, a: &[f32; N], y: &[f32; N]) -> [f32; N] {
///         core::array::from_fn(|i| (a[i] - y[i]).signum())
///     }
///     fn correct(&self, _: &[f32; N], _: &[f32; N]) -> Option<bool> {
///         None // a regression loss
///     }
/// }
///
/// let x: Vec<[f32; 1]> = (0..32).map(|i| [i as f32 / 32.0]).collect();
/// let y: Vec<[f32; 1]> = x.iter().map(|[x]| [2.0 * x - 0.5]).collect();
/// let mut rng = Pcg64Mcg::seed_from_u64(4);
/// let mut net = <(Linear<1, 1>,)>::init(&mut rng);
/// let mut sgd = Sgd::new(0.002);
/// let report = Trainer::new(OnOutput(Absolute), &mut sgd)
///     .batch_size::<8>()
///     .epochs(300)
///     .fit(&mut net, &x, &y, &mut rng)?;
/// let loss = report.last().unwrap().train.loss;
/// assert!(loss < 0.02, "{loss}");
/// # Ok::<(), constnet::train::TrainError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OnOutput<L>(pub L);

/// A loss computed from the last layer's pre-activation `Z^L`, fused with its activation `f^L`
/// (the [`Objective`] impls name which: [`Nll`] with [`Sigmoid`](crate::Sigmoid), [`Nllm`] with
/// [`Softmax`](crate::Softmax)).
///
/// ```
/// use constnet::loss::{FusedLoss, Loss, Nllm};
/// use constnet::prelude::*;
/// let z = [2.0f64, 0.0, -1.0];
/// let a = Softmax.forward(&z);
/// let y = [1.0, 0.0, 0.0];
/// // The same loss from the logits, without log(0) for any finite z:
/// assert!((Nllm.value_from_logits(&z, &y) - Nllm.value(&a, &y)).abs() < 1e-12);
/// assert_eq!(Nllm.grad_logits(&z, &a, &y), [a[0] - 1.0, a[1], a[2]]); // a - y
/// ```
pub trait FusedLoss<T: Scalar, const N: usize>: Loss<T, N> {
    /// `Loss(f(z), actual)` computed from `z` without overflow or `log(0)`.
    fn value_from_logits(&self, z: &[T; N], y: &[T; N]) -> T;

    /// `dLoss/dZ^L`, given `z` and `a = f(z)`.
    fn grad_logits(&self, z: &[T; N], a: &[T; N], y: &[T; N]) -> [T; N];
}

/// Sums over some samples of their loss and of their correct guesses: a batch's score, an
/// epoch's, a held-out set's. Start from `BatchScore::default()` and [`add`](Self::add) each
/// sample.
///
/// ```
/// use constnet::loss::BatchScore;
/// let mut score = BatchScore::default();
/// score.add(0.5f32, Some(true));
/// score.add(1.5, Some(false));
/// assert_eq!((score.loss, score.correct, score.samples), (2.0, 1, 2));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct BatchScore<T> {
    /// Sum of the per-sample losses.
    pub loss: T,
    /// Number of samples guessed right (classification losses; 0 otherwise).
    pub correct: usize,
    /// Number of samples scored.
    pub samples: usize,
}

impl<T: Scalar> BatchScore<T> {
    /// Counts one sample with loss `loss`, right when `correct` is `Some(true)`.
    pub fn add(&mut self, loss: T, correct: Option<bool>) {
        self.loss = self.loss + loss;
        self.correct += usize::from(correct == Some(true));
        self.samples += 1;
    }

    /// Counts `other`'s samples too.
    pub fn merge(&mut self, other: &Self) {
        self.loss = self.loss + other.loss;
        self.correct += other.correct;
        self.samples += other.samples;
    }
}

/// A loss applied to a network taking `U`: scores a training batch and back-propagates it.
///
/// Implemented for [`Squared`] and [`Hinge`] on any network with array outputs, for [`Nll`] on
/// networks that end with [`Sigmoid`](crate::Sigmoid) and for [`Nllm`] on networks that end
/// with [`Softmax`](crate::Softmax), and for [`OnOutput`] of any [`Loss`]. Trainers and
/// [`evaluate`](crate::train::evaluate) take it:
///
/// ```
/// use constnet::loss::Objective;
/// use constnet::prelude::*;
///
/// let net = <(Linear<2, 2>, Softmax)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// let (u, y) = ([1.0f32, 0.0], [0.0, 1.0]);
/// // NLLM computed from the logits, as training computes it.
/// let (loss, right) = Nllm.evaluate(&net, &u, &y);
/// let p = net.forward(&u);
/// assert!((loss - -p[1].ln()).abs() < 1e-5);
/// assert_eq!(right, Some(p[1] > p[0]));
/// ```
pub trait Objective<Net: Module<U>, U> {
    /// The scalar type of the loss.
    type Scalar: Scalar;
    /// A sample's target (label): an array of the output's width.
    type Target;
    /// `true` for classification losses, whose [`BatchScore::correct`] counts.
    const CLASSIFIES: bool;

    /// Loss of one sample `u` through `net` in inference mode, and for classification whether
    /// the guess is right. Losses fused with the last activation compute it from the logits
    /// `Z^L`, as training does, so held-out and training losses agree.
    fn evaluate(&self, net: &Net, u: &U, y: &Self::Target) -> (Self::Scalar, Option<bool>);

    /// Scores the first `valid` samples of a training batch (the output and tape of a training
    /// forward pass) and adds the gradient of their summed loss into `grad`. Rows from `valid`
    /// on (the padding of a last, partial mini-batch) contribute nothing.
    #[allow(clippy::too_many_arguments)]
    fn backprop<const K: usize>(
        &self,
        net: &Net,
        u: &[U; K],
        out: &[Net::Output; K],
        tape: &Net::Tape<K>,
        y: &[Self::Target; K],
        valid: usize,
        grad: &mut Net,
    ) -> BatchScore<Self::Scalar>;
}

/// [`Objective`] for a loss on `A^L`: `dL/dA^L` back-propagated through the whole net.
macro_rules! plain_objective {
    ($loss:ty $(, $param:ident)?) => {
        impl<Net, U, T: Scalar, const N: usize $(, $param: Loss<T, N>)?> Objective<Net, U> for $loss
        where
            Net: Module<U, Output = [T; N]>,
        {
            type Scalar = T;
            type Target = [T; N];
            const CLASSIFIES: bool = <$loss as Loss<T, N>>::CLASSIFIES;

            fn evaluate(&self, net: &Net, u: &U, y: &[T; N]) -> (T, Option<bool>) {
                let out = net.forward(u);
                (Loss::value(self, &out, y), Loss::correct(self, &out, y))
            }

            fn backprop<const K: usize>(
                &self,
                net: &Net,
                u: &[U; K],
                out: &[[T; N]; K],
                tape: &Net::Tape<K>,
                y: &[[T; N]; K],
                valid: usize,
                grad: &mut Net,
            ) -> BatchScore<T> {
                let mut score = BatchScore::default();
                let mut dl_da = [[T::zero(); N]; K];
                for ((d, a), yk) in dl_da.iter_mut().zip(out).zip(y).take(valid) {
                    score.add(Loss::value(self, a, yk), Loss::correct(self, a, yk));
                    *d = Loss::grad(self, a, yk);
                }
                net.weight_grad_batch(u, out, tape, &dl_da, grad);
                score
            }
        }
    };
}

/// [`Objective`] for a loss fused with the last activation: `dL/dZ^L` from the logits.
macro_rules! fused_objective {
    ($loss:ty, $act:ty) => {
        impl<Net, U, T: Scalar, const N: usize> Objective<Net, U> for $loss
        where
            Net: crate::EndsWith<$act, U, LastInput = [T; N]> + Module<U, Output = [T; N]>,
        {
            type Scalar = T;
            type Target = [T; N];
            const CLASSIFIES: bool = true;

            fn evaluate(&self, net: &Net, u: &U, y: &[T; N]) -> (T, Option<bool>) {
                let [z] = net.forward_to_last_input(core::array::from_ref(u));
                let a = <$act as Module<[T; N]>>::forward(&<$act>::default(), &z);
                (self.value_from_logits(&z, y), Loss::correct(self, &a, y))
            }

            fn backprop<const K: usize>(
                &self,
                net: &Net,
                u: &[U; K],
                out: &[[T; N]; K],
                tape: &Net::Tape<K>,
                y: &[[T; N]; K],
                valid: usize,
                grad: &mut Net,
            ) -> BatchScore<T> {
                let z = <Net as crate::EndsWith<$act, U>>::last_input(u, tape);
                let mut score = BatchScore::default();
                let mut dl_dz = [[T::zero(); N]; K];
                for (((d, zk), a), yk) in dl_dz.iter_mut().zip(z).zip(out).zip(y).take(valid) {
                    score.add(self.value_from_logits(zk, yk), Loss::correct(self, a, yk));
                    *d = self.grad_logits(zk, a, yk);
                }
                net.weight_grad_before_last(u, tape, &dl_dz, grad);
                score
            }
        }
    };
}

plain_objective!(Squared);
plain_objective!(Hinge);
plain_objective!(OnOutput<L>, L);

impl<T: Scalar, const N: usize, L: Loss<T, N>> Loss<T, N> for OnOutput<L> {
    fn value(&self, a: &[T; N], y: &[T; N]) -> T {
        self.0.value(a, y)
    }

    fn grad(&self, a: &[T; N], y: &[T; N]) -> [T; N] {
        self.0.grad(a, y)
    }

    fn correct(&self, a: &[T; N], y: &[T; N]) -> Option<bool> {
        self.0.correct(a, y)
    }

    const CLASSIFIES: bool = L::CLASSIFIES;
}
fused_objective!(Nll, crate::Sigmoid);
fused_objective!(Nllm, crate::Softmax);
