//! The per-weight loops of the optimizers (chapter section 7): each optimizer gives its update
//! rule for one weight, and these kernels apply it to a whole parameter tensor, its gradient
//! and the optimizer's state tensors, position by position.
//!
//! Adam's and adadelta's rules take a division and a square root per weight; compiled for
//! SSE2 (the x86_64 baseline), four weights share each, and for a 784-128-64-10 net Adam's
//! update took as long as a quarter of the forward and backward passes. With `std` on x86_64
//! the loops run in an AVX2 build where the CPU has it. The rules use no fused multiply-adds, so
//! both builds give the same bits.

use crate::Scalar;

/// `(w_i, s_i) = rule(w_i, g_i, s_i)` at every position of a parameter tensor `w`, its gradient
/// `g` and one state tensor `s` (momentum's velocity, adadelta's running average). Stops at the
/// end of the shortest slice. Returns whether every new `s_i` is finite, checked in the same
/// pass (a state that overflowed would silently freeze its weight).
#[inline]
pub fn step_with_state<T: Scalar, F: Fn(T, T, T) -> (T, T)>(
    w: &mut [T],
    g: &[T],
    s: &mut [T],
    rule: F,
) -> bool {
    dispatch!(
        avx2: step_with_state_avx2(w, g, s, &rule),
        portable: step_with_state_portable(w, g, s, &rule)
    )
}

#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2")]
fn step_with_state_avx2<T: Scalar, F: Fn(T, T, T) -> (T, T)>(
    w: &mut [T],
    g: &[T],
    s: &mut [T],
    rule: &F,
) -> bool {
    step_with_state_portable(w, g, s, rule)
}

/// Lanes of the finiteness check: independent accumulators, so the check adds no dependency
/// chain to the update loop and it stays vectorized (as in `all_finite`).
const LANES: usize = 16;

#[inline(always)]
fn step_with_state_portable<T: Scalar, F: Fn(T, T, T) -> (T, T)>(
    w: &mut [T],
    g: &[T],
    s: &mut [T],
    rule: &F,
) -> bool {
    let n = w.len().min(g.len()).min(s.len());
    let (w, g, s) = (&mut w[..n], &g[..n], &mut s[..n]);
    let (w_blocks, w_rest) = w.as_chunks_mut::<LANES>();
    let (g_blocks, g_rest) = g.as_chunks::<LANES>();
    let (s_blocks, s_rest) = s.as_chunks_mut::<LANES>();
    // `0 * v` is 0 for a finite `v` and NaN otherwise: summed without a branch.
    let mut check = [T::zero(); LANES];
    for ((wb, gb), sb) in w_blocks.iter_mut().zip(g_blocks).zip(s_blocks.iter_mut()) {
        for (((wi, &gi), si), c) in wb.iter_mut().zip(gb).zip(sb.iter_mut()).zip(&mut check) {
            (*wi, *si) = rule(*wi, gi, *si);
            *c = *c + T::zero() * *si;
        }
    }
    let mut finite = check.iter().all(|c| c.is_finite());
    for ((wi, &gi), si) in w_rest.iter_mut().zip(g_rest).zip(s_rest.iter_mut()) {
        (*wi, *si) = rule(*wi, gi, *si);
        finite &= si.is_finite();
    }
    finite
}

/// `(w_i, s_i, r_i) = rule(w_i, g_i, s_i, r_i)` at every position of a parameter tensor `w`,
/// its gradient `g` and two state tensors `s` and `r` (Adam's moments). Stops at the end of
/// the shortest slice. Returns whether every new `s_i` and `r_i` is finite.
#[inline]
pub fn step_with_two_states<T: Scalar, F: Fn(T, T, T, T) -> (T, T, T)>(
    w: &mut [T],
    g: &[T],
    s: &mut [T],
    r: &mut [T],
    rule: F,
) -> bool {
    dispatch!(
        avx2: step_with_two_states_avx2(w, g, s, r, &rule),
        portable: step_with_two_states_portable(w, g, s, r, &rule)
    )
}

#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2")]
fn step_with_two_states_avx2<T: Scalar, F: Fn(T, T, T, T) -> (T, T, T)>(
    w: &mut [T],
    g: &[T],
    s: &mut [T],
    r: &mut [T],
    rule: &F,
) -> bool {
    step_with_two_states_portable(w, g, s, r, rule)
}

#[inline(always)]
fn step_with_two_states_portable<T: Scalar, F: Fn(T, T, T, T) -> (T, T, T)>(
    w: &mut [T],
    g: &[T],
    s: &mut [T],
    r: &mut [T],
    rule: &F,
) -> bool {
    let n = w.len().min(g.len()).min(s.len()).min(r.len());
    let (w, g, s, r) = (&mut w[..n], &g[..n], &mut s[..n], &mut r[..n]);
    let (w_blocks, w_rest) = w.as_chunks_mut::<LANES>();
    let (g_blocks, g_rest) = g.as_chunks::<LANES>();
    let (s_blocks, s_rest) = s.as_chunks_mut::<LANES>();
    let (r_blocks, r_rest) = r.as_chunks_mut::<LANES>();
    let mut check = [T::zero(); LANES];
    let blocks = w_blocks
        .iter_mut()
        .zip(g_blocks)
        .zip(s_blocks.iter_mut())
        .zip(r_blocks.iter_mut());
    for (((wb, gb), sb), rb) in blocks {
        let lanes = wb.iter_mut().zip(gb).zip(sb.iter_mut()).zip(rb.iter_mut());
        for ((((wi, &gi), si), ri), c) in lanes.zip(&mut check) {
            (*wi, *si, *ri) = rule(*wi, gi, *si, *ri);
            *c = *c + T::zero() * *si + T::zero() * *ri;
        }
    }
    let mut finite = check.iter().all(|c| c.is_finite());
    let rest = w_rest
        .iter_mut()
        .zip(g_rest)
        .zip(s_rest.iter_mut())
        .zip(r_rest.iter_mut());
    for (((wi, &gi), si), ri) in rest {
        (*wi, *si, *ri) = rule(*wi, gi, *si, *ri);
        finite &= si.is_finite() && ri.is_finite();
    }
    finite
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_at_every_position_up_to_the_shortest_slice() {
        let mut w = [1.0_f64, 2.0, 3.0, 4.0];
        let g = [0.5, 0.25, 0.125];
        let mut s = [10.0, 20.0, 30.0, 40.0];
        assert!(step_with_state(&mut w, &g, &mut s, |w, g, s| (
            w - g,
            s + w * g
        )));
        assert_eq!(w, [0.5, 1.75, 2.875, 4.0]);
        assert_eq!(s, [10.5, 20.5, 30.375, 40.0]);

        let mut r = [0.0; 4];
        assert!(step_with_two_states(
            &mut w,
            &g,
            &mut s,
            &mut r,
            |w, g, s, r| { (w + g, s - 1.0, r + s) }
        ));
        assert_eq!(w, [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s, [9.5, 19.5, 29.375, 40.0]);
        assert_eq!(r, [10.5, 20.5, 30.375, 0.0]);
        // A state that overflows is reported; weights alone are the caller's to check.
        let mut big = [f64::MAX];
        assert!(!step_with_state(&mut w, &g, &mut big, |w, _, s| (
            w,
            s * 2.0
        )));
        assert!(step_with_state(
            &mut [f64::INFINITY],
            &g,
            &mut [1.0],
            |w, _, s| (w, s)
        ));
        assert!(!step_with_two_states(
            &mut w,
            &g,
            &mut [1.0],
            &mut [f64::NAN],
            |w, _, s, r| { (w, s, r) }
        ));
    }
}
