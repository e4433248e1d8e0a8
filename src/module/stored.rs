//! Where the trainer and the optimizers keep their copies of a network.

use core::ops::{Deref, DerefMut};

/// A value kept by the library beside the caller's network: a gradient, a backup, an
/// optimizer's running averages (chapter sections 5 and 7.2). With `alloc` it lives on the heap,
/// so the copies of a large network (784-128-64-10 is 437 KB a copy) do not pile up on the
/// stack; without `alloc` it is inline, and the stack must hold it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stored<T>(
    #[cfg(feature = "alloc")] alloc::boxed::Box<T>,
    #[cfg(not(feature = "alloc"))] T,
);

impl<T> Stored<T> {
    /// Keeps `value` (on the heap with `alloc`).
    #[inline]
    pub(crate) fn new(value: T) -> Self {
        #[cfg(feature = "alloc")]
        return Self(alloc::boxed::Box::new(value));
        #[cfg(not(feature = "alloc"))]
        return Self(value);
    }
}

impl<T: super::Layers> Stored<T> {
    /// A copy of the network type with every parameter zero: a gradient, or optimizer state.
    /// With `alloc` it is zeroed on the heap in place, never passing through the stack.
    #[inline]
    pub(crate) fn zeroed() -> Self {
        #[cfg(feature = "alloc")]
        return Self(crate::kernels::boxed_zeroed::<T>());
        #[cfg(not(feature = "alloc"))]
        return Self(crate::kernels::zeroed());
    }
}

impl<T> Deref for Stored<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for Stored<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}
