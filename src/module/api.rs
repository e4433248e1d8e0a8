//! The chapter's module API (section 4, "Error back-propagation"; section 7.1, batches).
//!
//! Every module - a [`Linear`](crate::Linear) layer, an activation, a whole network - provides
//! - forward: `u -> v`;
//! - backward: `(u, v, dL/dv) -> dL/du`;
//! - weight grad: `(u, dL/dv) -> dL/dW`, for modules with weights.
//!
//! The methods take const-size mini-batches `[U; K]` (the single-sample versions are `K = 1`),
//! so batched forward and backward passes stay on the stack. A batch's weight gradient is the
//! sum of its samples' gradients, as chapter section 7.1 writes the mini-batch update.
//!
//! What a forward pass must remember for the backward pass beyond `u` and `v` is the module's
//! [`Module::Tape`]: nothing for layers and activations, the intermediate activations for a
//! network (a tuple of modules).

use rand::Rng;

/// A module of the chapter's module API, taking input `U` (an array `[T; N]`).
///
/// A network is a tuple of modules; it implements `Module<U>` only when every layer's input width
/// equals the output width of the layer before it.
///
/// The chapter's three calls, on a network and one sample: `forward` (u -> v), `backward`
/// (u, v, dL/dv -> dL/du) and `weight_grad` (u, v, dL/dv -> dL/dW, added into a gradient of the
/// network's own type). The tape of a training forward pass carries what the backward pass
/// needs (each layer's output, dropout's mask):
///
/// ```
/// use constnet::prelude::*;
///
/// type Net = (Linear<2, 3>, Tanh, Linear<3, 1>);
/// let mut rng = Pcg64Mcg::seed_from_u64(1);
/// let mut net = Net::init(&mut rng);
/// let u = [0.5, -1.0];
/// let (v, tape) = net.forward_train(&u, &mut rng);
/// assert_eq!(v, net.forward(&u));
/// let dl_dv = [v[0] - 1.0];                        // squared loss against the target 1
/// let dl_du = net.backward(&u, &v, &tape, &dl_dv); // what a module before this one would get
/// let mut grad = Net::zeroed();
/// net.weight_grad(&u, &v, &tape, &dl_dv, &mut grad);
/// assert_eq!(dl_du.len(), 2);
/// assert_eq!(grad.2.w0, dl_dv);              // dL/dW0 of the last layer is dL/dZ
/// ```
///
/// A layer of your own implements it beside [`layer!`](crate::layer): see the guide's "Your
/// own layer" ([`guide`](crate::guide)).
#[diagnostic::on_unimplemented(
    message = "the layer widths do not line up: `{Self}` cannot take `{U}` as its input",
    label = "a layer of this network gets an input of the wrong width",
    note = "each layer's input width must equal the output width of the layer before it: the layer before `{Self}` gives `{U}`",
    note = "a tuple of more than 16 layers is not a network either: nest tuples, `((A, B, C), (D, E))`"
)]
pub trait Module<U>: Sized {
    /// The module's output `v` for one sample.
    type Output;
    /// What a training forward pass of a batch of `K` keeps for the backward pass, beyond the
    /// batch's inputs and outputs.
    type Tape<const K: usize>;

    /// forward: `u -> v` for every sample of a batch (inference mode).
    fn forward_batch<const K: usize>(&self, u: &[U; K]) -> [Self::Output; K];

    /// forward in training mode: like [`Module::forward_batch`], also returning the tape the
    /// backward pass needs. Training-only behaviour (dropout masks, batch statistics) happens
    /// here; `rng` is the caller's.
    fn forward_train_batch<const K: usize, R: Rng + ?Sized>(
        &mut self,
        u: &[U; K],
        rng: &mut R,
    ) -> ([Self::Output; K], Self::Tape<K>);

    /// backward: `(u, v, dL/dv) -> dL/du` for every sample of a batch.
    fn backward_batch<const K: usize>(
        &self,
        u: &[U; K],
        v: &[Self::Output; K],
        tape: &Self::Tape<K>,
        dl_dv: &[Self::Output; K],
    ) -> [U; K];

    /// weight grad: `(u, dL/dv) -> dL/dW`, summed over the batch and **added** into `grad`,
    /// a value of the same type as the module (the gradient has the module's shape).
    fn weight_grad_batch<const K: usize>(
        &self,
        u: &[U; K],
        v: &[Self::Output; K],
        tape: &Self::Tape<K>,
        dl_dv: &[Self::Output; K],
        grad: &mut Self,
    );

    /// backward and weight grad together, in one pass over a network: adds `dL/dW` into `grad`
    /// and returns `dL/du`.
    fn backprop_batch<const K: usize>(
        &self,
        u: &[U; K],
        v: &[Self::Output; K],
        tape: &Self::Tape<K>,
        dl_dv: &[Self::Output; K],
        grad: &mut Self,
    ) -> [U; K] {
        self.weight_grad_batch(u, v, tape, dl_dv, grad);
        self.backward_batch(u, v, tape, dl_dv)
    }

    /// forward: `u -> v` for one sample.
    #[inline]
    fn forward(&self, u: &U) -> Self::Output {
        let [v] = self.forward_batch(core::array::from_ref(u));
        v
    }

    /// forward in training mode for one sample: the output and the tape.
    #[inline]
    fn forward_train<R: Rng + ?Sized>(
        &mut self,
        u: &U,
        rng: &mut R,
    ) -> (Self::Output, Self::Tape<1>) {
        let ([v], tape) = self.forward_train_batch(core::array::from_ref(u), rng);
        (v, tape)
    }

    /// backward: `(u, v, dL/dv) -> dL/du` for one sample.
    #[inline]
    fn backward(&self, u: &U, v: &Self::Output, tape: &Self::Tape<1>, dl_dv: &Self::Output) -> U {
        let [du] = self.backward_batch(
            core::array::from_ref(u),
            core::array::from_ref(v),
            tape,
            core::array::from_ref(dl_dv),
        );
        du
    }

    /// weight grad: `(u, dL/dv) -> dL/dW` for one sample, added into `grad`.
    #[inline]
    fn weight_grad(
        &self,
        u: &U,
        v: &Self::Output,
        tape: &Self::Tape<1>,
        dl_dv: &Self::Output,
        grad: &mut Self,
    ) {
        self.weight_grad_batch(
            core::array::from_ref(u),
            core::array::from_ref(v),
            tape,
            core::array::from_ref(dl_dv),
            grad,
        );
    }
}
