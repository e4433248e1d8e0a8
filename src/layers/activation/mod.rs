//! Activation functions (chapter section 3, "Choices of activation function").
//!
//! Each activation is a zero-sized module that works for any width `N`: `A = f(Z)` applied
//! element by element (softmax: over the whole vector). Their backward pass multiplies `dL/dA`
//! by `f'(Z)`, the diagonal of `dA/dZ` (chapter section 4); softmax's Jacobian is full and is
//! applied as a product instead.

mod identity;
mod relu;
mod sigmoid;
mod softmax;
mod step;
mod tanh;

pub use identity::Identity;
pub use relu::ReLU;
pub use sigmoid::Sigmoid;
pub use softmax::Softmax;
pub use step::Step;
pub use tanh::Tanh;

use crate::Scalar;

/// An activation applied element by element: `a_i = f(z_i)`, with `da_i/dz_i = f'(z_i)`.
///
/// Implementing this trait for a zero-sized type and calling
/// [`elementwise_module!`](crate::elementwise_module) makes it a [`Module`](crate::Module) of any
/// width.
///
/// ```
/// use constnet::activation::Elementwise;
/// use constnet::prelude::*;
/// use constnet::{Scalar, elementwise_module, math};
///
/// /// SiLU (swish): `z sigmoid(z)`.
/// #[derive(Clone, Copy, Debug, Default, PartialEq)]
/// pub struct Silu;
///
/// impl Elementwise for Silu {
///     fn activate<T: Scalar>(z: T) -> T {
///         z * math::sigmoid(z)
///     }
///     fn derivative<T: Scalar>(z: T, a: T) -> T {
///         let s = math::sigmoid(z);
///         s + a * (T::one() - s)
///     }
/// }
/// elementwise_module!(Silu);
///
/// let net = <(Linear<2, 4>, Silu, Linear<4, 1>)>::init(&mut Pcg64Mcg::seed_from_u64(1));
/// assert_eq!(Silu.forward(&[0.0f32]), [0.0]);
/// let _ = net.forward(&[1.0, -1.0]);
/// ```
pub trait Elementwise {
    /// `f(z)`.
    fn activate<T: Scalar>(z: T) -> T;
    /// `f'(z)`, given `z` and `a = f(z)` (whichever is cheaper to use).
    fn derivative<T: Scalar>(z: T, a: T) -> T;
}

/// Makes a zero-sized [`Elementwise`] activation a [`Module`](crate::Module) of every width
/// and scalar type, with no parameters. Generated Rust source names it by the path given
/// second (by default its bare name, which must then be in scope where the source is used).
///
/// See [`Elementwise`] for a whole activation; the optional third argument says what the
/// activation is in an ONNX graph:
///
/// ```
/// use constnet::activation::Elementwise;
/// use constnet::schema::OnnxOp;
/// use constnet::{Scalar, elementwise_module};
///
/// #[derive(Clone, Copy, Debug, Default, PartialEq)]
/// pub struct Square;
/// impl Elementwise for Square {
///     fn activate<T: Scalar>(z: T) -> T { z * z }
///     fn derivative<T: Scalar>(z: T, _a: T) -> T { z + z }
/// }
/// elementwise_module!(Square, "my_crate::Square", onnx: OnnxOp::Unsupported);
/// ```
#[macro_export]
macro_rules! elementwise_module {
    ($act:ident) => {
        $crate::elementwise_module!($act, stringify!($act));
    };
    ($act:ident, $path:expr $(, onnx: $onnx:expr)?) => {
        impl<T: $crate::Scalar, const N: usize> $crate::Module<[T; N]> for $act {
            type Output = [T; N];
            type Tape<const K: usize> = ();

            #[inline]
            fn forward_batch<const K: usize>(&self, u: &[[T; N]; K]) -> [[T; N]; K] {
                let mut out = *u;
                for row in out.iter_mut() {
                    *row = $crate::kernels::map(
                        row,
                        <$act as $crate::activation::Elementwise>::activate,
                    );
                }
                out
            }

            $crate::stateless_training!(T, N);

            #[inline]
            fn backward_batch<const K: usize>(
                &self,
                u: &[[T; N]; K],
                v: &[[T; N]; K],
                _tape: &(),
                dl_dv: &[[T; N]; K],
            ) -> [[T; N]; K] {
                let mut out = *dl_dv;
                for ((row, uk), vk) in out.iter_mut().zip(u).zip(v) {
                    *row = $crate::kernels::zip3_map(row, uk, vk, |d, z, a| {
                        d * <$act as $crate::activation::Elementwise>::derivative(z, a)
                    });
                }
                out
            }
        }

        $crate::parameterless_module!($act, $path $(, onnx: $onnx)?);
    };
}

/// The training-mode methods of a width-preserving module with no weights and no tape: its
/// training forward pass is its inference forward pass, and it has no weight gradient.
#[doc(hidden)]
#[macro_export]
macro_rules! stateless_training {
    ($t:ident, $n:ident) => {
        #[inline]
        fn forward_train_batch<const K: usize, R: $crate::rand::Rng + ?Sized>(
            &mut self,
            u: &[[$t; $n]; K],
            _rng: &mut R,
        ) -> ([[$t; $n]; K], ()) {
            (self.forward_batch(u), ())
        }

        #[inline]
        fn weight_grad_batch<const K: usize>(
            &self,
            _u: &[[$t; $n]; K],
            _v: &[[$t; $n]; K],
            _tape: &(),
            _dl_dv: &[[$t; $n]; K],
            _grad: &mut Self,
        ) {
        }
    };
}

/// [`Persist`](crate::schema::Persist), [`Layers`](crate::Layers) and
/// [`Zeroable`](crate::Zeroable) for a module with no weights and no fixed width, which a weight
/// file records by the type's name.
#[doc(hidden)]
#[macro_export]
macro_rules! parameterless_module {
    ($act:ident, $path:expr $(, onnx: $onnx:expr)?) => {
        $crate::layer! {
            impl[] $act {
                path: $path,
                args: [],
                input: $crate::network::AnyWidth,
                $(onnx: $onnx,)?
                tensors: |_layer| {}
            }
        }
    };
}

// Activations carry no data: a network's size is the size of its layers' weights.
static_assertions::assert_eq_size!(Identity, ReLU, Sigmoid, Softmax, Step, Tanh, ());
