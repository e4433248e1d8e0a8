//! Networks that end with a given activation, so a loss can start back-propagation from the
//! pre-activation `Z^L` (chapter section 5; section 6's table pairs NLL with a sigmoid and NLLM
//! with a softmax last layer).

use super::api::Module;

/// A network (or module) whose last module is the activation `A`, so a loss can take the
/// pre-activation `Z^L` and give `dL/dZ^L` directly (chapter section 5: "we may instead ask for
/// an implementation of a loss function to provide a backward method that computes dloss/dZ^L
/// directly"). Implemented by [`Sigmoid`](crate::Sigmoid), [`Softmax`](crate::Softmax) and
/// [`Identity`](crate::Identity) themselves and by every tuple whose last element ends with `A`.
///
/// A loss that needs a particular last layer takes it as a bound, so the wrong pairing does not
/// compile:
///
/// ```
/// use constnet::prelude::*;
///
/// /// The logits `Z^L` the softmax of `net` turns into probabilities.
/// fn logits<N: EndsWith<Softmax, [f32; 2], LastInput = [f32; 3]>>(net: &N, x: [f32; 2]) -> [f32; 3] {
///     let [z] = net.forward_to_last_input(&[x]);
///     z
/// }
///
/// let net = <(Linear<2, 3>, Softmax)>::init(&mut Pcg64Mcg::seed_from_u64(2));
/// let z = logits(&net, [1.0, -1.0]);
/// assert_eq!(z, constnet::tensor::affine(&[1.0, -1.0], &net.0.w, &net.0.w0));
/// ```
///
/// ```compile_fail,E0277
/// use constnet::prelude::*;
/// let mut net = <(Linear<2, 3>, Tanh)>::init(&mut Pcg64Mcg::seed_from_u64(2));
/// let mut sgd = Sgd::new(0.1f32);
/// // NLLM needs a softmax last layer (the chapter's table, section 6): this does not compile.
/// let _ = Trainer::new(Nllm, &mut sgd).fit(&mut net, &[[0.0; 2]], &[[1.0, 0.0, 0.0]], &mut Pcg64Mcg::seed_from_u64(0));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not end with `{A}`",
    label = "this loss needs a network whose last module is `{A}`",
    note = "the chapter's table (section 6) pairs NLL with a sigmoid last layer and NLLM with a softmax last layer"
)]
pub trait EndsWith<A, U>: Module<U> {
    /// The input of the last module: the pre-activation `Z^L`.
    type LastInput;

    /// `Z^L` for every sample of a batch, from the tape of a training forward pass.
    fn last_input<'a, const K: usize>(
        u: &'a [U; K],
        tape: &'a Self::Tape<K>,
    ) -> &'a [Self::LastInput; K];

    /// `Z^L` for every sample of a batch in inference mode: the forward pass of every module but
    /// the last. Held-out losses fused with the last activation are computed from it.
    fn forward_to_last_input<const K: usize>(&self, u: &[U; K]) -> [Self::LastInput; K];

    /// Back-propagation that starts from `dL/dZ^L` (skipping the last module's backward):
    /// adds every `dL/dW` into `grad` and returns `dL/du`.
    fn backprop_before_last<const K: usize>(
        &self,
        u: &[U; K],
        tape: &Self::Tape<K>,
        dl_dz: &[Self::LastInput; K],
        grad: &mut Self,
    ) -> [U; K];

    /// Like [`EndsWith::backprop_before_last`], without computing `dL/du` (training needs only
    /// the weight gradients).
    fn weight_grad_before_last<const K: usize>(
        &self,
        u: &[U; K],
        tape: &Self::Tape<K>,
        dl_dz: &[Self::LastInput; K],
        grad: &mut Self,
    );
}

/// Makes an activation the trivial network that ends with itself: `Z^L` is its input. Each
/// activation that a fused loss pairs with invokes it in its own file.
#[doc(hidden)]
#[macro_export]
macro_rules! ends_with_itself {
    ($act:ty) => {
        impl<T: $crate::Scalar, const N: usize> $crate::EndsWith<$act, [T; N]> for $act {
            type LastInput = [T; N];

            fn last_input<'a, const K: usize>(
                u: &'a [[T; N]; K],
                _tape: &'a (),
            ) -> &'a [[T; N]; K] {
                u
            }

            fn forward_to_last_input<const K: usize>(&self, u: &[[T; N]; K]) -> [[T; N]; K] {
                *u
            }

            fn backprop_before_last<const K: usize>(
                &self,
                _u: &[[T; N]; K],
                _tape: &(),
                dl_dz: &[[T; N]; K],
                _grad: &mut Self,
            ) -> [[T; N]; K] {
                *dl_dz
            }

            fn weight_grad_before_last<const K: usize>(
                &self,
                _u: &[[T; N]; K],
                _tape: &(),
                _dl_dz: &[[T; N]; K],
                _grad: &mut Self,
            ) {
            }
        }
    };
}
