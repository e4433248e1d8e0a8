//! Element-wise passes over long tensors, shared among the helper threads of
//! [`with_threads`](super::with_threads): the optimizer's update of every weight (chapter
//! section 7), the trainer's divergence backup, the gradient's scaling and reset.
//!
//! Each position is computed by one thread with the same operations as on one thread, so the
//! split changes no bit. On two threads a training step of a 784-128-64-10 net otherwise left
//! these passes (about a sixth of a step's instructions) to the calling thread alone, while
//! the helper waited.

// The one `unsafe`: each thread's `&mut` to its own run of the slices (in `in_runs`).
#![allow(unsafe_code)]

/// Elements a run must keep, or the pass runs on fewer threads: handing a run to a helper and
/// taking it back costs 3-4 us, about the time a copy of 2^15 f32 takes from L2.
/// (Under Miri, a few: its tests of the split run on short slices.)
#[cfg(feature = "std")]
const ELEMENTS_PER_RUN: usize = if cfg!(miri) { 4 } else { 1 << 15 };

/// Runs start at multiples of this many positions: whole vectors, whole cache lines.
/// (Under Miri, 2, so that its short slices are split too.)
#[cfg(feature = "std")]
const RUN_ALIGN: usize = if cfg!(miri) { 2 } else { 16 };

/// Calls `f` on runs of the same positions of `M` slices and says whether every call returned
/// `true`. Inside [`with_threads`](super::with_threads), slices long enough are cut into one run
/// per thread, computed at once (each run keeps 2^15 positions or more, to pay for its
/// hand-off); otherwise `f` gets the whole slices. When split, positions past the shortest
/// slice's end are not passed on.
pub(crate) fn in_runs<T: Send, const M: usize>(
    mut slices: [&mut [T]; M],
    f: &(dyn Fn(&mut [&mut [T]; M]) -> bool + Sync),
) -> bool {
    // Only this adapter is generic: the split, the hand-off and the wait are compiled once,
    // here ([`shared_runs`]), not in every user crate for every optimizer and net.
    #[cfg(feature = "std")]
    {
        // No slices, no positions (and no pointer to make slices from).
        let mut len = if M == 0 { 0 } else { usize::MAX };
        let mut firsts = RunBases([core::ptr::null_mut(); M]);
        for (first, slice) in firsts.0.iter_mut().zip(&mut slices) {
            len = len.min(slice.len());
            *first = slice.as_mut_ptr();
        }
        let shared = shared_runs(len, &|start, end| {
            let mut run: [&mut [T]; M] = super::parts::references_from(&mut |i| {
                // SAFETY: `firsts.first(i)` points to the first of `slices[i]`'s `len` or more
                // values, which `slices` borrows exclusively for this whole call and nothing
                // else touches while the runs are computed; `start <= end <= len`, and
                // `shared_runs` calls this once per run, on runs that do not overlap, so no
                // two of the `&mut` made here alias.
                unsafe { core::slice::from_raw_parts_mut(firsts.first(i).add(start), end - start) }
            });
            f(&mut run)
        });
        if let Some(all) = shared {
            return all;
        }
    }
    f(&mut slices)
}

/// The first value of each slice [`in_runs`] splits, shared with the threads that compute the
/// runs.
#[cfg(feature = "std")]
struct RunBases<T, const M: usize>([*mut T; M]);

#[cfg(feature = "std")]
impl<T, const M: usize> RunBases<T, M> {
    /// The first value of slice `i`. (A method, so that a closure captures the whole
    /// `RunBases`, which is `Sync`, and not its array of pointers, which is not.)
    fn first(&self, i: usize) -> *mut T {
        self.0[i]
    }
}

// SAFETY: the pointers lead to values of a `Send` type that `in_runs` borrows exclusively, and
// each thread makes `&mut` only to its own run of them (see there).
#[cfg(feature = "std")]
unsafe impl<T: Send, const M: usize> Sync for RunBases<T, M> {}

/// Calls `run(start, end)` on one run of `0..len` per thread, at once, and says whether every
/// call returned `true`; `None`, calling nothing, when `len` is too short to share or there
/// is no helper to share it with. Runs do not overlap and each is called once.
#[cfg(feature = "std")]
fn shared_runs(len: usize, run: &(dyn Fn(usize, usize) -> bool + Sync)) -> Option<bool> {
    use core::sync::atomic::{AtomicBool, Ordering};
    let runs = super::workers::threads().min(len / ELEMENTS_PER_RUN);
    if runs < 2 {
        return None;
    }
    let start = |part: usize| {
        if part == runs {
            len
        } else {
            part * len / runs / RUN_ALIGN * RUN_ALIGN
        }
    };
    let all = AtomicBool::new(true);
    super::workers::run_parts(runs, &|part| {
        if !run(start(part), start(part + 1)) {
            all.store(false, Ordering::Relaxed);
        }
    });
    Some(all.into_inner())
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// A pass that writes twice the second slice into the first, and fails where the second
    /// holds a negative value.
    fn pass([out, src]: &mut [&mut [f32]; 2]) -> bool {
        for (o, &s) in out.iter_mut().zip(src.iter()) {
            *o = s * 2.0;
        }
        src.iter().all(|&s| s >= 0.0)
    }

    #[test]
    fn runs_on_several_threads_compute_what_one_call_does() {
        // Lengths around the run size and the alignment, on 1, 2 and 3 threads.
        let long = ELEMENTS_PER_RUN * 3 + 7;
        for len in [0, 1, ELEMENTS_PER_RUN * 2 - 1, ELEMENTS_PER_RUN * 2, long] {
            for threads in 1..=3 {
                let src: Vec<f32> = (0..len).map(|i| i as f32).collect();
                let mut alone = std::vec![0.0; len];
                let mut copy = src.clone();
                assert!(pass(&mut [&mut alone, &mut copy]));
                let mut shared = std::vec![0.0; len];
                let mut copy = src.clone();
                let ok = super::super::with_threads(threads, || {
                    in_runs([&mut shared[..], &mut copy[..]], &pass)
                });
                assert!(ok);
                assert_eq!(shared, alone, "{len} elements on {threads} threads");
            }
        }
    }

    #[test]
    fn a_failing_run_fails_the_pass_on_any_thread() {
        let len = ELEMENTS_PER_RUN * 2 + 3;
        for bad in [0, len / 2 + 1, len - 1] {
            let mut out = std::vec![0.0; len];
            let mut src = std::vec![1.0; len];
            src[bad] = -1.0;
            let ok = super::super::with_threads(2, || in_runs([&mut out[..], &mut src[..]], &pass));
            assert!(!ok, "negative value at {bad}");
            // Every position was still computed.
            assert!(out.iter().zip(&src).all(|(&o, &s)| o == 2.0 * s));
        }
    }

    #[test]
    fn no_slices_is_one_call() {
        let calls = core::sync::atomic::AtomicUsize::new(0);
        let ok = super::super::with_threads(2, || {
            in_runs([] as [&mut [f32]; 0], &|_: &mut [&mut [f32]; 0]| {
                calls.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
                true
            })
        });
        assert!(ok);
        assert_eq!(calls.into_inner(), 1);
    }

    #[test]
    fn slices_of_unequal_length_are_cut_at_the_shortest() {
        let len = ELEMENTS_PER_RUN * 2;
        let mut out = std::vec![0.0; len + 5];
        let mut src = std::vec![1.0; len];
        let ok = super::super::with_threads(2, || {
            in_runs(
                [&mut out[..], &mut src[..]],
                &|run: &mut [&mut [f32]; 2]| {
                    assert_eq!(run[0].len(), run[1].len());
                    pass(run)
                },
            )
        });
        assert!(ok);
        assert!(out[..len].iter().all(|&o| o == 2.0));
        assert!(out[len..].iter().all(|&o| o == 0.0));
    }
}
