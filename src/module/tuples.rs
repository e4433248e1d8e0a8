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
//!
//! The impls for 2 to 16 elements come from one invocation of [`tuples!`] at the end of this
//! file, which names each element once.

use rand::Rng;

use super::api::Module;
use super::ends_with::EndsWith;
use super::layers::{AnyWidth, InputWidth, Layers};
use super::schema::{Item, Persist, project};
use crate::Scalar;

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
    fn forward_to_last_input<const K: usize>(&self, u: &[U; K]) -> [A::LastInput; K] {
        self.0.forward_to_last_input(u)
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

impl<T: Scalar, A: Persist<T>> Persist<T> for (A,) {
    const LEARNED: usize = A::LEARNED;
    const STORED: usize = A::STORED;
    const LAYERS: usize = A::LAYERS;
    fn visit_items(&self, f: &mut dyn FnMut(Item<'_, &[T]>)) {
        f(Item::Begin);
        self.0.visit_items(f);
        f(Item::End);
    }
    fn walk_items<const M: usize>(
        mut values: [&mut Self; M],
        f: &mut dyn FnMut(Item<'_, [&mut [T]; M]>),
    ) {
        f(Item::Begin);
        A::walk_items(project(&mut values, |v| &mut v.0), f);
        f(Item::End);
    }
}

impl<A: Layers> Layers for (A,) {
    type Input = A::Input;
    fn randomize<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        self.0.randomize(rng);
    }
}

/// Implements [`Module`], [`EndsWith`], [`Persist`] and [`Layers`] for one tuple arity, from the
/// lists [`tuples!`] builds. Each record is `[Layer index Input Output (forward-input)
/// output-name tape-name (backward-input) (backward-output) input-grad-name (output-grad)]`.
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

            fn forward_to_last_input<const K: usize>(
                &self,
                $u: &[U; K],
            ) -> [Self::LastInput; K] {
                $(let $ifout = self.$iidx.forward_batch($ifin);)+
                <$LL as EndsWith<Act, $LIn>>::forward_to_last_input(&self.$lidx, $lfin)
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

        impl<T: Scalar, $($L: Persist<T>,)+> Persist<T> for ($($L,)+) {
            const LEARNED: usize = 0 $(+ $L::LEARNED)+;
            const STORED: usize = 0 $(+ $L::STORED)+;
            const LAYERS: usize = 0 $(+ $L::LAYERS)+;

            fn visit_items(&self, f: &mut dyn FnMut(Item<'_, &[T]>)) {
                f(Item::Begin);
                $(self.$idx.visit_items(f);)+
                f(Item::End);
            }

            fn walk_items<const M: usize>(
                mut values: [&mut Self; M],
                f: &mut dyn FnMut(Item<'_, [&mut [T]; M]>),
            ) {
                f(Item::Begin);
                $($L::walk_items(project(&mut values, |v| &mut v.$idx), f);)+
                f(Item::End);
            }
        }

        impl<$($L: Layers,)+> Layers for ($($L,)+) {
            type Input = $InputTy;

            fn randomize<R: Rng + ?Sized>(&mut self, rng: &mut R) {
                $(self.$idx.randomize(rng);)+
            }
        }
    };
}

/// Builds, from one list of element names, the records [`tuple_module!`] takes for every arity
/// from 2 to the list's length. Each element is `(L i X x t d)`: its type parameter, its index,
/// the type parameter of its output, and the names of its output, its tape and the gradient
/// of its input. For a 3-tuple the records are
///
/// ```text
/// all: [[L0 0 U  X0 (u)   x0 t0 (u)  (x0) d0 (&d1)]
///       [L1 1 X0 X1 (&x0) x1 t1 (x0) (x1) d1 (&d2)]
///       [L2 2 X1 X2 (&x1) x2 t2 (x1) (v)  d2 (dl_dv)]]
/// ```
///
/// (each element's input is the previous element's output, the last one's output is `v` and
/// its output gradient `dl_dv`), and the forward pass expands to
///
/// ```text
/// let x0 = self.0.forward_batch(u);
/// let x1 = self.1.forward_batch(&x0);
/// self.2.forward_batch(&x1)
/// ```
///
/// while the backward pass runs the records in reverse (`d2`, then `d1`, then element 0).
macro_rules! tuples {
    // Every prefix of the list with at least two elements is an arity. `$names` are the names
    // of the passes' arguments, `[u v dl_dv]`, handed down so that every rule's code and the
    // impls' parameters use the same identifiers.
    (@prefixes $names:tt [$($done:tt)*] [$next:tt $($rest:tt)*]) => {
        tuples!(@arity $names [$($done)* $next]);
        tuples!(@prefixes $names [$($done)* $next] [$($rest)*]);
    };
    (@prefixes $names:tt [$($done:tt)*] []) => {};
    (@arity $names:tt [$one:tt]) => {};
    (@arity [$u:ident $v:ident $dl_dv:ident] [$first:tt $($rest:tt)+]) => {
        tuples!(@records [$u $v $dl_dv] [] {U ($u) ($u)} $first [$($rest)+]);
    };

    // One record per element: `{In (forward-input) (backward-input)}` is what the element
    // before hands on.
    (@records $names:tt [$($records:tt)*] {$In:tt $fin:tt $bin:tt} ($L:ident $i:tt $X:ident $x:ident $t:ident $d:ident)
        [($L2:ident $i2:tt $X2:ident $x2:ident $t2:ident $d2:ident) $($rest:tt)*]) => {
        tuples!(@records $names [$($records)* [$L $i $In $X $fin $x $t $bin ($x) $d (&$d2)]]
            {$X (&$x) ($x)} ($L2 $i2 $X2 $x2 $t2 $d2) [$($rest)*]);
    };
    (@records [$u:ident $v:ident $dl_dv:ident] [$($records:tt)*] {$In:tt $fin:tt $bin:tt}
        ($L:ident $i:tt $X:ident $x:ident $t:ident $d:ident) []) => {
        tuples!(@last [$u $v $dl_dv] [$($records)* [$L $i $In $X $fin $x $t $bin ($v) $d ($dl_dv)]] []
            [$($records)* [$L $i $In $X $fin $x $t $bin ($v) $d ($dl_dv)]]);
    };

    // The last record, and all before it.
    (@last $names:tt $all:tt [$($init:tt)*] [$last:tt]) => {
        tuples!(@reverse $names $all [$($init)*] $last [$($init)*]);
    };
    (@last $names:tt $all:tt [$($init:tt)*] [$next:tt $($rest:tt)+]) => {
        tuples!(@last $names $all [$($init)* $next] [$($rest)+]);
    };
    // The records between the first and the last, reversed (the backward pass handles the
    // first and the last on their own).
    (@reverse $names:tt $all:tt $init:tt $last:tt [$_first:tt $($middle:tt)*]) => {
        tuples!(@reverse_middle $names $all $init $last [] [$($middle)*]);
    };
    (@reverse_middle $names:tt $all:tt $init:tt $last:tt [$($reversed:tt)*] [$head:tt $($rest:tt)*]) => {
        tuples!(@reverse_middle $names $all $init $last [$head $($reversed)*] [$($rest)*]);
    };
    (@reverse_middle [$u:ident $v:ident $dl_dv:ident] [$first:tt $($all:tt)*] [$($init:tt)*] $last:tt
        [$($middle:tt)*] []) => {
        tuple_module! {
            params: [$u $v $dl_dv],
            input: tuples!(@input [$first $($all)*]),
            all: [$first $($all)*],
            init: [$($init)*],
            last: $last,
            middle_rev: [$($middle)*],
            first: $first,
        }
    };

    // The network's input: that of its first element with a fixed width.
    (@input [[$L:ident $($_:tt)*] $($rest:tt)*]) => {
        <<$L as Layers>::Input as InputWidth>::OrNext<tuples!(@input [$($rest)*])>
    };
    (@input []) => { AnyWidth };

    // The entry: the names of the passes' arguments, then every element.
    ([$u:ident $v:ident $dl_dv:ident] $($element:tt)+) => {
        tuples!(@prefixes [$u $v $dl_dv] [] [$($element)+]);
    };
}

tuples! {
    [u v dl_dv]
    (L0 0 X0 x0 t0 d0) (L1 1 X1 x1 t1 d1) (L2 2 X2 x2 t2 d2) (L3 3 X3 x3 t3 d3)
    (L4 4 X4 x4 t4 d4) (L5 5 X5 x5 t5 d5) (L6 6 X6 x6 t6 d6) (L7 7 X7 x7 t7 d7)
    (L8 8 X8 x8 t8 d8) (L9 9 X9 x9 t9 d9) (L10 10 X10 x10 t10 d10) (L11 11 X11 x11 t11 d11)
    (L12 12 X12 x12 t12 d12) (L13 13 X13 x13 t13 d13) (L14 14 X14 x14 t14 d14)
    (L15 15 X15 x15 t15 d15)
}

/// Never implemented: the bound that a flat tuple of more than 16 layers fails, so that the
/// compiler's error names the fix (nesting) instead of saying only that `init` is not found.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a flat tuple takes at most 16 layers: nest tuples for more, `((A, B, C), (D, E))`",
    label = "more than 16 layers in one tuple"
)]
pub trait NestTuplesForMoreThan16Layers {}

/// `Layers` for flat tuples of 17 to 24 elements, under a bound none of them meets: see
/// [`NestTuplesForMoreThan16Layers`].
macro_rules! too_long_tuples {
    ($(($($L:ident),+))+) => {$(
        impl<$($L,)+> Layers for ($($L,)+)
        where
            Self: crate::Zeroable + NestTuplesForMoreThan16Layers,
        {
            type Input = AnyWidth;
            fn randomize<R: Rng + ?Sized>(&mut self, _rng: &mut R) {}
        }
    )+};
}

too_long_tuples! {
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q)
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R2)
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R2, S)
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R2, S, U)
}
