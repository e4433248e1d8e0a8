//! The same part of each of `M` values, as an array of references: how a walk over a net, its
//! gradient and an optimizer's state (chapter section 7.2) hands one field of all of them on
//! at once.
//!
//! `core`'s `[T; M]::map` would do, but it is built from five generic functions (`try_map`, a
//! draining iterator and its drop, `try_from_fn` and its erased body), and a user's crate
//! compiled all five again for every layer field and every `M`: a fifth of a small app's LLVM
//! IR (`benches/compile/`). A loop writing into uninitialized slots is one small function.

// The two `unsafe` here are reading an array back once every slot is written.
#![allow(unsafe_code)]

use core::mem::MaybeUninit;

/// `[part(values[0]), ..., part(values[M - 1])]`, borrowing from `values`.
pub fn parts_of_each<'a, A: ?Sized, B: ?Sized, const M: usize>(
    values: &'a mut [&mut A; M],
    part: for<'x> fn(&'x mut A) -> &'x mut B,
) -> [&'a mut B; M] {
    let mut parts: [MaybeUninit<&'a mut B>; M] = [const { MaybeUninit::uninit() }; M];
    for (slot, value) in parts.iter_mut().zip(values.iter_mut()) {
        slot.write(part(value));
    }
    // SAFETY: the loop ran over all `M` slots (both arrays have `M` elements) and wrote each
    // one, so every element is initialized; `MaybeUninit<X>` has the size and layout of `X`,
    // so `[MaybeUninit<&mut B>; M]` reads as `[&mut B; M]`. (Should `part` panic, the slots
    // written so far are simply forgotten: references own nothing.)
    unsafe { (&raw const parts).cast::<[&'a mut B; M]>().read() }
}

/// `[make(0), ..., make(M - 1)]`: `core::array::from_fn` for an array of references, as one
/// small loop (see the module's note on `from_fn`). Used by the element-wise passes shared
/// among threads, so only with `std`.
#[cfg(feature = "std")]
pub(crate) fn references_from<'a, B: ?Sized, const M: usize>(
    make: &mut dyn FnMut(usize) -> &'a mut B,
) -> [&'a mut B; M] {
    let mut references: [MaybeUninit<&'a mut B>; M] = [const { MaybeUninit::uninit() }; M];
    for (i, slot) in references.iter_mut().enumerate() {
        slot.write(make(i));
    }
    // SAFETY: as in `parts_of_each`: the loop wrote all `M` slots, and `MaybeUninit<X>` has
    // the layout of `X`.
    unsafe { (&raw const references).cast::<[&'a mut B; M]>().read() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "std")]
    #[test]
    fn references_from_makes_each_slot_from_its_index() {
        let mut values = [10u32, 20, 30, 40];
        let (low, high) = values.split_at_mut(2);
        let (mut low, mut high) = (Some(low), Some(high));
        let mut halves = |i: usize| -> &mut [u32] {
            if i == 0 {
                low.take().unwrap_or_default()
            } else {
                high.take().unwrap_or_default()
            }
        };
        let [first, second]: [&mut [u32]; 2] = references_from(&mut halves);
        first[1] += 1;
        second[0] += 2;
        assert_eq!(values, [10, 21, 32, 40]);
        let none: [&mut u32; 0] = references_from(&mut |_| unreachable!());
        assert!(none.is_empty());
    }

    #[test]
    fn parts_of_each_borrows_the_same_field_of_every_value() {
        let (mut a, mut b, mut c) = ((1u8, [1.0f32, 2.0]), (2u8, [3.0, 4.0]), (3u8, [5.0, 6.0]));
        let mut values = [&mut a, &mut b, &mut c];
        let parts = parts_of_each(&mut values, |pair| &mut pair.1[..]);
        assert_eq!(parts.len(), 3);
        for (i, part) in parts.into_iter().enumerate() {
            assert_eq!(part.len(), 2);
            part[1] += 10.0 * i as f32;
        }
        assert_eq!((a.1, b.1, c.1), ([1.0, 2.0], [3.0, 14.0], [5.0, 26.0]));
    }

    #[test]
    fn parts_of_each_of_one_and_of_none() {
        let mut x = [7i32; 3];
        let mut one = [&mut x];
        let [part] = parts_of_each(&mut one, |x| &mut x[2]);
        *part = 9;
        assert_eq!(x, [7, 7, 9]);
        let none: [&mut i32; 0] = parts_of_each(&mut [] as &mut [&mut [i32; 3]; 0], |x| &mut x[0]);
        assert!(none.is_empty());
    }
}
