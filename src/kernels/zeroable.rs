//! Values made by zeroing memory: a gradient or an optimizer's state for a 784-128-64-10 net is
//! 437 KB, and built by value it passes through the stack first, several times over in an
//! unoptimized build, which overflows a 2 MiB thread. Chapter sections 5 and 7.2 need these
//! copies (the gradient, the running averages), so they are made on the heap in place.
//!
//! [`Zeroable`] is the promise that all-zero bytes are a valid value. This module keeps it for
//! the primitive types, arrays and tuples; a layer makes it about its own fields, beside them,
//! with [`zeroable!`](crate::zeroable), which checks every field and writes the `unsafe impl`.

// The crate's other `unsafe` is the dispatch into the kernels' AVX2 and FMA builds.
#![allow(unsafe_code)]

#[cfg(feature = "alloc")]
use alloc::boxed::Box;

use crate::Scalar;

/// Types for which the value with every byte zero is valid, so that it can be made by zeroing
/// memory in place ([`zeroed`], [`boxed_zeroed`]). For a layer, that value is its
/// [`Layers::zeroed`](crate::Layers::zeroed): every weight and every piece of state zero.
///
/// Implemented for the [`Scalar`] types (`f32`, `f64`), the integers, `bool`, `()`, arrays and tuples of zeroable
/// types, and every layer of this crate. A custom layer gets it from
/// [`zeroable!`](crate::zeroable) (or [`layer!`](crate::layer), which calls it), which
/// checks that every field is zeroable.
///
/// # Safety
///
/// A value whose bytes are all zero must be a valid value of the type: no references,
/// `NonZero` integers, enums without a zero discriminant, or other invariants zero breaks.
pub unsafe trait Zeroable {}

/// Implements [`Zeroable`] for types whose all-zero value is `0`, `0.0`, `false` or `()`.
macro_rules! primitive_zeroable {
    ($($t:ty),*) => {$(
        // SAFETY: zero bytes are the value `0` / `+0.0` / `false` / `()` of this type.
        unsafe impl Zeroable for $t {}
    )*};
}

primitive_zeroable!(
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    bool,
    ()
);

// SAFETY: the scalar types are `f32` and `f64`, whose all-zero bytes are `+0.0`.
unsafe impl<T: Scalar> Zeroable for T {}

// SAFETY: an array is its elements, each of which is valid when zero.
unsafe impl<T: Zeroable, const N: usize> Zeroable for [T; N] {}

// SAFETY: `PhantomData` has no bytes.
unsafe impl<T: ?Sized> Zeroable for core::marker::PhantomData<T> {}

/// Implements [`Zeroable`] for tuples of zeroable types.
macro_rules! tuple_zeroable {
    ($(($($name:ident),+))*) => {$(
        // SAFETY: every field is `Zeroable`, and a tuple's padding bytes need no value.
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

/// Makes a struct [`Zeroable`] after checking, when the crate is compiled, that its listed
/// fields are all of its fields and that each is `Zeroable`:
///
/// ```
/// use constnet::Scalar;
///
/// pub struct Scale<const N: usize, T: Scalar> {
///     pub s: [T; N],
///     pub count: u32,
/// }
/// constnet::zeroable!(impl[const N: usize, T: Scalar] Scale<N, T> { s, count });
/// # fn needs_zeroable<Z: constnet::Zeroable>() {}
/// # needs_zeroable::<Scale<3, f32>>();
/// ```
///
/// A field left out of the list, or a field that is a reference, does not compile:
///
/// ```compile_fail,E0027
/// pub struct Scale { pub s: [f32; 4], pub count: u32 }
/// constnet::zeroable!(impl[] Scale { s });
/// ```
///
/// ```compile_fail,E0277
/// pub struct Named { pub name: &'static str }
/// constnet::zeroable!(impl[] Named { name });
/// ```
#[macro_export]
macro_rules! zeroable {
    (impl[$($generics:tt)*] $ty:ty { $($field:ident),* $(,)? }) => {
        const _: () = {
            impl<$($generics)*> $ty {
                /// Never called: it compiles only when the fields named are all of the
                /// struct's fields (the pattern has no `..`) and each is `Zeroable`.
                #[allow(dead_code, clippy::needless_pass_by_ref_mut)]
                fn __every_field_is_zeroable(&self) {
                    fn zeroable<Z: $crate::Zeroable + ?Sized>(_: &Z) {}
                    let Self { $($field),* } = self;
                    $(zeroable($field);)*
                }
            }
        };
        // SAFETY: `__every_field_is_zeroable` above compiles only if every field of the type
        // is `Zeroable`, so all-zero bytes make each field, and the struct, valid (padding
        // needs no value).
        #[allow(unsafe_code)]
        unsafe impl<$($generics)*> $crate::Zeroable for $ty {}
    };
}

/// The value of `T` with every byte zero.
#[inline]
pub fn zeroed<T: Zeroable>() -> T {
    // SAFETY: `T: Zeroable` promises that all-zero bytes are a valid `T`.
    unsafe { core::mem::zeroed() }
}

/// `Box::new(zeroed())`, but the value is made by zeroing heap memory in place and never
/// exists on the stack.
#[cfg(feature = "alloc")]
pub fn boxed_zeroed<T: Zeroable>() -> Box<T> {
    let layout = core::alloc::Layout::new::<T>();
    if layout.size() == 0 {
        // Nothing to allocate: a zero-sized value costs no stack either.
        return Box::new(zeroed());
    }
    // SAFETY: the layout's size is not zero, as just checked.
    let memory = unsafe { alloc::alloc::alloc_zeroed(layout) }.cast::<T>();
    if memory.is_null() {
        alloc::alloc::handle_alloc_error(layout);
    }
    // SAFETY: `memory` comes from the global allocator with `T`'s layout, as `Box` requires,
    // and holds all-zero bytes, which `T: Zeroable` promises are a valid `T`.
    unsafe { Box::from_raw(memory) }
}

#[cfg(test)]
mod tests {
    //! Miri runs these: they allocate, zero and compare, nothing else.
    use super::*;

    struct Mixed<const N: usize> {
        weights: [[f32; N]; 2],
        count: u64,
        flag: bool,
        _unit: (),
    }
    crate::zeroable!(impl[const N: usize] Mixed<N> { weights, count, flag, _unit });

    #[test]
    fn zeroed_values_are_zero() {
        let m: Mixed<3> = zeroed();
        assert_eq!(m.weights, [[0.0; 3]; 2]);
        assert_eq!((m.count, m.flag), (0, false));
        assert_eq!(zeroed::<(f64, [u8; 5], ())>(), (0.0, [0; 5], ()));
        assert_eq!(zeroed::<f32>().to_bits(), 0);
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn boxed_zeroed_equals_zeroed() {
        let boxed = boxed_zeroed::<Mixed<5>>();
        assert_eq!(boxed.weights, [[0.0; 5]; 2]);
        assert_eq!((boxed.count, boxed.flag), (0, false));
        assert_eq!(*boxed_zeroed::<[f64; 1000]>(), [0.0; 1000]);
        assert_eq!(*boxed_zeroed::<()>(), ());
        assert_eq!(*boxed_zeroed::<(f32, [f64; 0])>(), (0.0, []));
    }
}
