//! Networks made on the heap directly, with every byte zero: a gradient or an optimizer's state
//! for a 784-128-64-10 net is 437 KB, and built by value it passes through the stack first,
//! several times over in an unoptimized build, which overflows a 2 MiB thread. Chapter
//! sections 5 and 7.2 need these copies (the gradient, the running averages).

// The crate's other `unsafe` is the kernels' calls into their AVX2 and FMA builds; this module
// declares the promise that zero bytes make a valid network, keeps it for the crate's own
// layers, and relies on it in one allocation.
#![allow(unsafe_code)]

#[cfg(feature = "alloc")]
use alloc::boxed::Box;

#[cfg(feature = "alloc")]
use crate::network::Layers;
use crate::{BatchNorm, Dropout, Identity, Linear, ReLU, Scalar, Sigmoid, Softmax, Step, Tanh};

/// Types for which the value with every byte zero is valid, and is the value
/// [`Layers::zeroed`](crate::Layers::zeroed) returns, so it can be made by zeroing memory in
/// place.
///
/// Every layer and activation of this crate, and every tuple of such types, implements it. A
/// custom layer made of floating-point arrays can too.
///
/// # Safety
///
/// A value whose bytes are all zero must be a valid value of the type (no references,
/// `NonZero` integers, enums without a zero discriminant...), equal to `Layers::zeroed()`.
pub unsafe trait Zeroable {}

// SAFETY: `Linear` holds only arrays of `f32` or `f64` (the sealed `Scalar` types), for which
// all-zero bytes are +0.0, and `Linear::zeroed` is every weight and offset +0.0.
unsafe impl<const IN: usize, const OUT: usize, T: Scalar> Zeroable for Linear<IN, OUT, T> {}

// SAFETY: `BatchNorm` holds only `T` values and arrays of them, and `BatchNorm::zeroed` sets
// every one of them to +0.0.
unsafe impl<const N: usize, T: Scalar> Zeroable for BatchNorm<N, T> {}

/// Implements [`Zeroable`] for unit structs.
macro_rules! unit_zeroable {
    ($([$($generics:tt)*] $unit:ty),* $(,)?) => {$(
        // SAFETY: a unit struct has no bytes, so any bytes make a valid value, the only one.
        unsafe impl<$($generics)*> Zeroable for $unit {}
    )*};
}

unit_zeroable!(
    [] Identity,
    [] Step,
    [] ReLU,
    [] Sigmoid,
    [] Tanh,
    [] Softmax,
    [const PERCENT: u8] Dropout<PERCENT>,
);

/// Implements [`Zeroable`] for tuples of zeroable types.
macro_rules! tuple_zeroable {
    ($(($($name:ident),+))*) => {$(
        // SAFETY: every field is `Zeroable`, and a tuple's padding bytes need no value; the
        // tuples' `Layers::zeroed` is each element's `zeroed`.
        unsafe impl<$($name: Zeroable),+> Zeroable for ($($name,)+) {}
    )*};
}

tuple_zeroable! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
    (A, B, C, D, E, F, G, H, I)
    (A, B, C, D, E, F, G, H, I, J)
    (A, B, C, D, E, F, G, H, I, J, K)
    (A, B, C, D, E, F, G, H, I, J, K, L)
    (A, B, C, D, E, F, G, H, I, J, K, L, M)
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N)
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O)
    (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P)
}

/// `Box::new(T::zeroed())`, but the value is made by zeroing heap memory in place and never
/// exists on the stack.
#[cfg(feature = "alloc")]
pub fn boxed_zeroed<T: Layers>() -> Box<T> {
    let layout = core::alloc::Layout::new::<T>();
    if layout.size() == 0 {
        // Nothing to allocate: a zero-sized value costs no stack either.
        return Box::new(T::zeroed());
    }
    // SAFETY: the layout's size is not zero, as just checked.
    let memory = unsafe { alloc::alloc::alloc_zeroed(layout) }.cast::<T>();
    if memory.is_null() {
        alloc::alloc::handle_alloc_error(layout);
    }
    // SAFETY: `memory` comes from the global allocator with `T`'s layout, as `Box` requires,
    // and holds all-zero bytes, which `T: Layers` (so `T: Zeroable`) promises are a valid `T`.
    unsafe { Box::from_raw(memory) }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    //! Miri can run these: they allocate, zero and compare, nothing else.
    use super::*;

    #[test]
    fn zeroed_in_place_equals_zeroed_by_value() {
        type Net = (
            Linear<3, 4>,
            ReLU,
            BatchNorm<4, f64>,
            Dropout<20>,
            (Linear<4, 2, f64>, Softmax),
        );
        assert_eq!(*boxed_zeroed::<Net>(), Net::zeroed());
        assert_eq!(*boxed_zeroed::<Linear<5, 7, f64>>(), Linear::zeroed());
        assert_eq!(*boxed_zeroed::<BatchNorm<3>>(), BatchNorm::zeroed());
        assert_eq!(*boxed_zeroed::<(ReLU, Softmax)>(), (ReLU, Softmax));
        assert_eq!(*boxed_zeroed::<Linear<0, 0>>(), Linear::zeroed());
    }
}
