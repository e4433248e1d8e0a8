//! Networks: modules composed in sequence (chapter section 2.2, "Many layers").
//!
//! A network is a tuple of modules, `(Linear<64, 32>, ReLU, Linear<32, 10>, Softmax)`, nested to
//! any depth, flat up to 16 elements. The tuple is itself a [`Module`]: its forward pass runs
//! the modules left to right, keeping every intermediate activation `Z^l`, `A^l` in its tape on
//! the stack; its backward pass runs them right to left, as lines 12-18 of the chapter's
//! SGD-NEURAL-NET do.
//!
//! A tuple implements `Module<U>` only when each module's input is the previous module's
//! output, so a net whose widths do not line up has no forward pass. [`Layers::init`] asks for
//! that where the net is built, so the compiler's error lands there and names both widths.

use rand::Rng;

use crate::persist::{Layer, Persist};
use crate::{Module, Params, Scalar};

/// The input of a module that works for any width (activations): it takes its width from its
/// neighbours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnyWidth;

/// What a module takes as input, at the type level: an array `[T; N]`, or [`AnyWidth`].
///
/// Used to find a network's input type: the input of its first module with a fixed width.
pub trait InputWidth {
    /// `Self` if it is a fixed width, `Next` if `Self` is [`AnyWidth`].
    type OrNext<Next: InputWidth>: InputWidth;
}

impl InputWidth for AnyWidth {
    type OrNext<Next: InputWidth> = Next;
}

impl<T, const N: usize> InputWidth for [T; N] {
    type OrNext<Next: InputWidth> = [T; N];
}

/// The structure of a module or network: its input type, and how to build one.
///
/// A network's value with every byte zero must be its [`Layers::zeroed`] value
/// ([`Zeroable`](crate::Zeroable)), so that gradients and optimizer state can be made on the
/// heap in place.
pub trait Layers: Sized + crate::Zeroable {
    /// The input of the first layer with a fixed width (`[T; IN]`), or [`AnyWidth`] for a
    /// sequence of activations only.
    type Input: InputWidth;

    /// Draws every weight as the chapter's initialization says (section 5), without checking
    /// that the layers fit together; prefer [`Layers::init`].
    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self;

    /// A value of this type with every parameter zero: a gradient accumulator, or optimizer
    /// state.
    fn zeroed() -> Self;

    /// Builds the network with the chapter's initialization (section 5):
    /// `W^l_ij ~ Gaussian(0, 1/m^l)`, `W^l_0i ~ Gaussian(0, 1)`, from the caller's generator.
    ///
    /// Compiles only when the network's widths line up: this is where a mismatch is reported.
    ///
    /// ```
    /// use constnet::prelude::*;
    /// use rand_pcg::Pcg64Mcg;
    /// use rand::SeedableRng;
    ///
    /// type Net = (Linear<4, 8>, ReLU, Linear<8, 3>, Softmax);
    /// let net = Net::init(&mut Pcg64Mcg::seed_from_u64(7));
    /// let p = net.forward(&[0.1, 0.2, 0.3, 0.4]);
    /// assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
    /// ```
    ///
    /// ```compile_fail,E0277
    /// use constnet::prelude::*;
    /// type Broken = (Linear<4, 8>, ReLU, Linear<6, 3>);
    /// let net = Broken::init(&mut rand_pcg::Pcg64Mcg::new(7)); // 8 outputs into 6 inputs
    /// ```
    fn init<R: Rng + ?Sized>(rng: &mut R) -> Self
    where
        Self: Module<Self::Input>,
    {
        Self::random(rng)
    }

    /// Redraws every weight as [`Layers::random`] draws it (the same values from the same
    /// generator state), writing them in place.
    fn randomize<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        *self = Self::random(rng);
    }

    /// [`Layers::init`], built on the heap in place: the network never passes through the
    /// stack, so a large one (784-128-64-10 is 437 KB) is safe to build on any thread, in
    /// unoptimized builds too. Gives the same weights as `init` from the same generator state.
    ///
    /// ```
    /// use constnet::prelude::*;
    /// use rand::SeedableRng;
    ///
    /// type Net = (Linear<784, 128>, ReLU, Linear<128, 10>, Softmax);
    /// let boxed = Net::init_boxed(&mut rand_pcg::Pcg64Mcg::seed_from_u64(7));
    /// assert_eq!(*boxed, Net::init(&mut rand_pcg::Pcg64Mcg::seed_from_u64(7)));
    /// ```
    #[cfg(feature = "alloc")]
    fn init_boxed<R: Rng + ?Sized>(rng: &mut R) -> alloc::boxed::Box<Self>
    where
        Self: Module<Self::Input>,
    {
        let mut net = crate::kernels::boxed_zeroed::<Self>();
        net.randomize(rng);
        net
    }
}

/// A network whose layers line up, from samples `[T; IN]` to outputs `[T; OUT]`: what trainers,
/// optimizers and serialization take. Implemented for every such type; there is nothing to
/// implement by hand.
pub trait Network<T: Scalar, const IN: usize, const OUT: usize>:
    Layers<Input = [T; IN]> + Module<[T; IN], Output = [T; OUT]> + Params<T> + Clone
{
}

impl<N, T: Scalar, const IN: usize, const OUT: usize> Network<T, IN, OUT> for N where
    N: Layers<Input = [T; IN]> + Module<[T; IN], Output = [T; OUT]> + Params<T> + Clone
{
}

/// A network (or module) whose last module is the activation `A`, so a loss can take the
/// pre-activation `Z^L` and give `dL/dZ^L` directly (chapter section 5: "we may instead ask for
/// an implementation of a loss function to provide a backward method that computes dloss/dZ^L
/// directly"). Implemented by [`Sigmoid`](crate::Sigmoid), [`Softmax`](crate::Softmax) and
/// [`Identity`](crate::Identity) themselves and by every tuple whose last element ends with `A`.
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

/// An activation is the trivial network that ends with itself: `Z^L` is its input.
macro_rules! ends_with_itself {
    ($act:ty) => {
        impl<T: Scalar, const N: usize> EndsWith<$act, [T; N]> for $act {
            type LastInput = [T; N];

            fn last_input<'a, const K: usize>(
                u: &'a [[T; N]; K],
                _tape: &'a (),
            ) -> &'a [[T; N]; K] {
                u
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

ends_with_itself!(crate::Sigmoid);
ends_with_itself!(crate::Softmax);
ends_with_itself!(crate::Identity);

// A one-element tuple is its element.
impl<U, A: Module<U>> Module<U> for (A,) {
    type Output = A::Output;
    type Tape<const K: usize> = A::Tape<K>;

    #[inline]
    fn forward_batch<const K: usize>(&self, u: &[U; K]) -> [A::Output; K] {
        self.0.forward_batch(u)
    }
    #[inline]
    fn forward_train_batch<const K: usize, R: Rng + ?Sized>(
        &mut self,
        u: &[U; K],
        rng: &mut R,
    ) -> ([A::Output; K], A::Tape<K>) {
        self.0.forward_train_batch(u, rng)
    }
    #[inline]
    fn backward_batch<const K: usize>(
        &self,
        u: &[U; K],
        v: &[A::Output; K],
        tape: &A::Tape<K>,
        dl_dv: &[A::Output; K],
    ) -> [U; K] {
        self.0.backward_batch(u, v, tape, dl_dv)
    }
    #[inline]
    fn weight_grad_batch<const K: usize>(
        &self,
        u: &[U; K],
        v: &[A::Output; K],
        tape: &A::Tape<K>,
        dl_dv: &[A::Output; K],
        grad: &mut Self,
    ) {
        self.0.weight_grad_batch(u, v, tape, dl_dv, &mut grad.0)
    }
    #[inline]
    fn backprop_batch<const K: usize>(
        &self,
        u: &[U; K],
        v: &[A::Output; K],
        tape: &A::Tape<K>,
        dl_dv: &[A::Output; K],
        grad: &mut Self,
    ) -> [U; K] {
        self.0.backprop_batch(u, v, tape, dl_dv, &mut grad.0)
    }
}

impl<Act, U, A: EndsWith<Act, U>> EndsWith<Act, U> for (A,) {
    type LastInput = A::LastInput;

    fn last_input<'a, const K: usize>(
        u: &'a [U; K],
        tape: &'a A::Tape<K>,
    ) -> &'a [A::LastInput; K] {
        A::last_input(u, tape)
    }
    fn backprop_before_last<const K: usize>(
        &self,
        u: &[U; K],
        tape: &A::Tape<K>,
        dl_dz: &[A::LastInput; K],
        grad: &mut Self,
    ) -> [U; K] {
        self.0.backprop_before_last(u, tape, dl_dz, &mut grad.0)
    }
    fn weight_grad_before_last<const K: usize>(
        &self,
        u: &[U; K],
        tape: &A::Tape<K>,
        dl_dz: &[A::LastInput; K],
        grad: &mut Self,
    ) {
        self.0.weight_grad_before_last(u, tape, dl_dz, &mut grad.0)
    }
}

impl<T: Scalar, A: Params<T>> Params<T> for (A,) {
    const COUNT: usize = A::COUNT;
    fn visit(&self, f: &mut impl FnMut(&[T])) {
        self.0.visit(f)
    }
    fn walk<const M: usize>(mut values: [&mut Self; M], f: &mut impl FnMut([&mut [T]; M])) {
        A::walk(values.each_mut().map(|v| &mut v.0), f)
    }
}

impl<T: Scalar, A: Persist<T>> Persist<T> for (A,) {
    const STORED: usize = A::STORED;
    fn each_layer(&self, f: &mut impl FnMut(Layer<&[T]>)) {
        f(Layer::Begin);
        self.0.each_layer(f);
        f(Layer::End);
    }
    fn each_layer_mut(&mut self, f: &mut impl FnMut(Layer<&mut [T]>)) {
        f(Layer::Begin);
        self.0.each_layer_mut(f);
        f(Layer::End);
    }
}

impl<A: Layers> Layers for (A,) {
    type Input = A::Input;
    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self {
        (A::random(rng),)
    }
    fn randomize<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        self.0.randomize(rng);
    }
    fn zeroed() -> Self {
        (A::zeroed(),)
    }
}

/// Implements [`Module`], [`EndsWith`], [`Params`], [`Persist`] and [`Layers`] for one tuple
/// arity. Each element is `[Layer index Input Output (forward-input) output-name tape-name (backward-input)
/// (backward-output) input-grad-name (output-grad)]`; the lists are generated, one per arity.
macro_rules! tuple_module {
    (
        params: [$u:ident $v:ident $dl_dv:ident],
        input: $InputTy:ty,
        all: [$([$L:ident $idx:tt $In:ident $Out:ident $fin:tt $fout:ident $tv:ident $bin:tt $bout:tt $din:ident $dout:tt])+],
        init: [$([$IL:ident $iidx:tt $IIn:ident $IOut:ident $ifin:tt $ifout:ident $itv:ident $ibin:tt $ibout:tt $idin:ident $idout:tt])+],
        last: [$LL:ident $lidx:tt $LIn:ident $LOut:ident $lfin:tt $lfout:ident $ltv:ident $lbin:tt $lbout:tt $ldin:ident $ldout:tt],
        middle_rev: [$([$ML:ident $midx:tt $MIn:ident $MOut:ident $mfin:tt $mfout:ident $mtv:ident $mbin:tt $mbout:tt $mdin:ident $mdout:tt])*],
        first: [$FL:ident $fidx:tt $FIn:ident $FOut:ident $ffin:tt $ffout:ident $ftv:ident $fbin:tt $fbout:tt $fdin:ident $fdout:tt],
    ) => {
        // The forward and backward argument lists are parenthesized token groups.
        #[allow(unused_parens)]
        impl<U, $($L,)+ $($Out,)+> Module<U> for ($($L,)+)
        where
            $($L: Module<$In, Output = $Out>,)+
        {
            type Output = $LOut;
            type Tape<const K: usize> =
                (($(<$L as Module<$In>>::Tape<K>,)+), ($([$IOut; K],)+));

            #[inline]
            fn forward_batch<const K: usize>(&self, $u: &[U; K]) -> [$LOut; K] {
                $(let $ifout = self.$iidx.forward_batch($ifin);)+
                self.$lidx.forward_batch($lfin)
            }

            #[inline]
            fn forward_train_batch<const K: usize, R: Rng + ?Sized>(
                &mut self,
                $u: &[U; K],
                rng: &mut R,
            ) -> ([$LOut; K], Self::Tape<K>) {
                $(let ($ifout, $itv) = self.$iidx.forward_train_batch($ifin, rng);)+
                let (v, $ltv) = self.$lidx.forward_train_batch($lfin, rng);
                (v, (($($tv,)+), ($($ifout,)+)))
            }

            #[inline]
            fn backward_batch<const K: usize>(
                &self,
                $u: &[U; K],
                $v: &[$LOut; K],
                tape: &Self::Tape<K>,
                $dl_dv: &[$LOut; K],
            ) -> [U; K] {
                let (tapes, ($($ifout,)+)) = tape;
                let $ldin = self.$lidx.backward_batch($lbin, $lbout, &tapes.$lidx, $ldout);
                $(let $mdin = self.$midx.backward_batch($mbin, $mbout, &tapes.$midx, $mdout);)*
                self.$fidx.backward_batch($fbin, $fbout, &tapes.$fidx, $fdout)
            }

            #[inline]
            fn weight_grad_batch<const K: usize>(
                &self,
                $u: &[U; K],
                $v: &[$LOut; K],
                tape: &Self::Tape<K>,
                $dl_dv: &[$LOut; K],
                grad: &mut Self,
            ) {
                let (tapes, ($($ifout,)+)) = tape;
                let $ldin = self.$lidx.backprop_batch(
                    $lbin, $lbout, &tapes.$lidx, $ldout, &mut grad.$lidx,
                );
                $(let $mdin = self.$midx.backprop_batch(
                    $mbin, $mbout, &tapes.$midx, $mdout, &mut grad.$midx,
                );)*
                self.$fidx.weight_grad_batch($fbin, $fbout, &tapes.$fidx, $fdout, &mut grad.$fidx)
            }

            #[inline]
            fn backprop_batch<const K: usize>(
                &self,
                $u: &[U; K],
                $v: &[$LOut; K],
                tape: &Self::Tape<K>,
                $dl_dv: &[$LOut; K],
                grad: &mut Self,
            ) -> [U; K] {
                let (tapes, ($($ifout,)+)) = tape;
                let $ldin = self.$lidx.backprop_batch(
                    $lbin, $lbout, &tapes.$lidx, $ldout, &mut grad.$lidx,
                );
                $(let $mdin = self.$midx.backprop_batch(
                    $mbin, $mbout, &tapes.$midx, $mdout, &mut grad.$midx,
                );)*
                self.$fidx.backprop_batch($fbin, $fbout, &tapes.$fidx, $fdout, &mut grad.$fidx)
            }
        }

        #[allow(unused_parens)]
        impl<Act, U, $($L,)+ $($Out,)+> EndsWith<Act, U> for ($($L,)+)
        where
            $($L: Module<$In, Output = $Out>,)+
            $LL: EndsWith<Act, $LIn>,
        {
            type LastInput = <$LL as EndsWith<Act, $LIn>>::LastInput;

            #[allow(unused_variables)]
            fn last_input<'a, const K: usize>(
                $u: &'a [U; K],
                tape: &'a Self::Tape<K>,
            ) -> &'a [Self::LastInput; K] {
                let (tapes, ($($ifout,)+)) = tape;
                <$LL as EndsWith<Act, $LIn>>::last_input($lbin, &tapes.$lidx)
            }

            fn backprop_before_last<const K: usize>(
                &self,
                $u: &[U; K],
                tape: &Self::Tape<K>,
                dl_dz: &[Self::LastInput; K],
                grad: &mut Self,
            ) -> [U; K] {
                let (tapes, ($($ifout,)+)) = tape;
                let $ldin = <$LL as EndsWith<Act, $LIn>>::backprop_before_last(
                    &self.$lidx, $lbin, &tapes.$lidx, dl_dz, &mut grad.$lidx,
                );
                $(let $mdin = self.$midx.backprop_batch(
                    $mbin, $mbout, &tapes.$midx, $mdout, &mut grad.$midx,
                );)*
                self.$fidx.backprop_batch($fbin, $fbout, &tapes.$fidx, $fdout, &mut grad.$fidx)
            }

            fn weight_grad_before_last<const K: usize>(
                &self,
                $u: &[U; K],
                tape: &Self::Tape<K>,
                dl_dz: &[Self::LastInput; K],
                grad: &mut Self,
            ) {
                let (tapes, ($($ifout,)+)) = tape;
                let $ldin = <$LL as EndsWith<Act, $LIn>>::backprop_before_last(
                    &self.$lidx, $lbin, &tapes.$lidx, dl_dz, &mut grad.$lidx,
                );
                $(let $mdin = self.$midx.backprop_batch(
                    $mbin, $mbout, &tapes.$midx, $mdout, &mut grad.$midx,
                );)*
                self.$fidx.weight_grad_batch($fbin, $fbout, &tapes.$fidx, $fdout, &mut grad.$fidx)
            }
        }

        impl<T: Scalar, $($L: Params<T>,)+> Params<T> for ($($L,)+) {
            const COUNT: usize = 0 $(+ $L::COUNT)+;

            fn visit(&self, f: &mut impl FnMut(&[T])) {
                $(self.$idx.visit(f);)+
            }

            fn walk<const M: usize>(mut values: [&mut Self; M], f: &mut impl FnMut([&mut [T]; M])) {
                $($L::walk(values.each_mut().map(|v| &mut v.$idx), f);)+
            }
        }

        impl<T: Scalar, $($L: Persist<T>,)+> Persist<T> for ($($L,)+) {
            const STORED: usize = 0 $(+ $L::STORED)+;

            fn each_layer(&self, f: &mut impl FnMut(Layer<&[T]>)) {
                f(Layer::Begin);
                $(self.$idx.each_layer(f);)+
                f(Layer::End);
            }

            fn each_layer_mut(&mut self, f: &mut impl FnMut(Layer<&mut [T]>)) {
                f(Layer::Begin);
                $(self.$idx.each_layer_mut(f);)+
                f(Layer::End);
            }
        }

        impl<$($L: Layers,)+> Layers for ($($L,)+) {
            type Input = $InputTy;

            fn random<R: Rng + ?Sized>(rng: &mut R) -> Self {
                ($($L::random(rng),)+)
            }

            fn randomize<R: Rng + ?Sized>(&mut self, rng: &mut R) {
                $(self.$idx.randomize(rng);)+
            }

            fn zeroed() -> Self {
                ($($L::zeroed(),)+)
            }
        }
    };
}

tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 Y (&x1) x2 t1 (x1) (v) dx1 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)]],
    last: [L1 1 X1 Y (&x1) x2 t1 (x1) (v) dx1 (dl_dv)],
    middle_rev: [],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 Y (&x2) x3 t2 (x2) (v) dx2 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    last: [L2 2 X2 Y (&x2) x3 t2 (x2) (v) dx2 (dl_dv)],
    middle_rev: [[L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 Y (&x3) x4 t3 (x3) (v) dx3 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)]],
    last: [L3 3 X3 Y (&x3) x4 t3 (x3) (v) dx3 (dl_dv)],
    middle_rev: [[L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 Y (&x4) x5 t4 (x4) (v) dx4 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)]],
    last: [L4 4 X4 Y (&x4) x5 t4 (x4) (v) dx4 (dl_dv)],
    middle_rev: [[L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 Y (&x5) x6 t5 (x5) (v) dx5 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)]],
    last: [L5 5 X5 Y (&x5) x6 t5 (x5) (v) dx5 (dl_dv)],
    middle_rev: [[L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 Y (&x6) x7 t6 (x6) (v) dx6 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)]],
    last: [L6 6 X6 Y (&x6) x7 t6 (x6) (v) dx6 (dl_dv)],
    middle_rev: [[L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 Y (&x7) x8 t7 (x7) (v) dx7 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)]],
    last: [L7 7 X7 Y (&x7) x8 t7 (x7) (v) dx7 (dl_dv)],
    middle_rev: [[L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L8 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 Y (&x8) x9 t8 (x8) (v) dx8 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)]],
    last: [L8 8 X8 Y (&x8) x9 t8 (x8) (v) dx8 (dl_dv)],
    middle_rev: [[L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L8 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L9 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 Y (&x9) x10 t9 (x9) (v) dx9 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)]],
    last: [L9 9 X9 Y (&x9) x10 t9 (x9) (v) dx9 (dl_dv)],
    middle_rev: [[L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L8 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L9 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L10 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 Y (&x10) x11 t10 (x10) (v) dx10 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)]],
    last: [L10 10 X10 Y (&x10) x11 t10 (x10) (v) dx10 (dl_dv)],
    middle_rev: [[L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L8 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L9 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L10 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L11 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 Y (&x11) x12 t11 (x11) (v) dx11 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)]],
    last: [L11 11 X11 Y (&x11) x12 t11 (x11) (v) dx11 (dl_dv)],
    middle_rev: [[L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L8 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L9 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L10 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L11 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L12 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L12 12 X12 Y (&x12) x13 t12 (x12) (v) dx12 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)]],
    last: [L12 12 X12 Y (&x12) x13 t12 (x12) (v) dx12 (dl_dv)],
    middle_rev: [[L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L8 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L9 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L10 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L11 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L12 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L13 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)] [L13 13 X13 Y (&x13) x14 t13 (x13) (v) dx13 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)]],
    last: [L13 13 X13 Y (&x13) x14 t13 (x13) (v) dx13 (dl_dv)],
    middle_rev: [[L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L8 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L9 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L10 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L11 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L12 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L13 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L14 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)] [L13 13 X13 X14 (&x13) x14 t13 (x13) (x14) dx13 (&dx14)] [L14 14 X14 Y (&x14) x15 t14 (x14) (v) dx14 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)] [L13 13 X13 X14 (&x13) x14 t13 (x13) (x14) dx13 (&dx14)]],
    last: [L14 14 X14 Y (&x14) x15 t14 (x14) (v) dx14 (dl_dv)],
    middle_rev: [[L13 13 X13 X14 (&x13) x14 t13 (x13) (x14) dx13 (&dx14)] [L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
tuple_module! {
    params: [u v dl_dv],
    input: <<L0 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L1 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L2 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L3 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L4 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L5 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L6 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L7 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L8 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L9 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L10 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L11 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L12 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L13 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L14 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<<<L15 as crate::network::Layers>::Input as crate::network::InputWidth>::OrNext<crate::network::AnyWidth>>>>>>>>>>>>>>>>,
    all: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)] [L13 13 X13 X14 (&x13) x14 t13 (x13) (x14) dx13 (&dx14)] [L14 14 X14 X15 (&x14) x15 t14 (x14) (x15) dx14 (&dx15)] [L15 15 X15 Y (&x15) x16 t15 (x15) (v) dx15 (dl_dv)]],
    init: [[L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)] [L13 13 X13 X14 (&x13) x14 t13 (x13) (x14) dx13 (&dx14)] [L14 14 X14 X15 (&x14) x15 t14 (x14) (x15) dx14 (&dx15)]],
    last: [L15 15 X15 Y (&x15) x16 t15 (x15) (v) dx15 (dl_dv)],
    middle_rev: [[L14 14 X14 X15 (&x14) x15 t14 (x14) (x15) dx14 (&dx15)] [L13 13 X13 X14 (&x13) x14 t13 (x13) (x14) dx13 (&dx14)] [L12 12 X12 X13 (&x12) x13 t12 (x12) (x13) dx12 (&dx13)] [L11 11 X11 X12 (&x11) x12 t11 (x11) (x12) dx11 (&dx12)] [L10 10 X10 X11 (&x10) x11 t10 (x10) (x11) dx10 (&dx11)] [L9 9 X9 X10 (&x9) x10 t9 (x9) (x10) dx9 (&dx10)] [L8 8 X8 X9 (&x8) x9 t8 (x8) (x9) dx8 (&dx9)] [L7 7 X7 X8 (&x7) x8 t7 (x7) (x8) dx7 (&dx8)] [L6 6 X6 X7 (&x6) x7 t6 (x6) (x7) dx6 (&dx7)] [L5 5 X5 X6 (&x5) x6 t5 (x5) (x6) dx5 (&dx6)] [L4 4 X4 X5 (&x4) x5 t4 (x4) (x5) dx4 (&dx5)] [L3 3 X3 X4 (&x3) x4 t3 (x3) (x4) dx3 (&dx4)] [L2 2 X2 X3 (&x2) x3 t2 (x2) (x3) dx2 (&dx3)] [L1 1 X1 X2 (&x1) x2 t1 (x1) (x2) dx1 (&dx2)]],
    first: [L0 0 U X1 (u) x1 t0 (u) (x1) dx0 (&dx1)],
}
