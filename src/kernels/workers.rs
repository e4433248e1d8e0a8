//! Helper threads that share a batched product (with `std`): [`with_threads`] starts them for
//! the length of a closure, and [`run_parts`] hands each of them one part of a product while
//! the calling thread computes the first. Not a concept of the chapter: a way to run its
//! batched products (sections 5 and 7) on more than one core.
//!
//! The products split their *outputs* into runs of rows (or, for a layer's forward product,
//! of columns, so that each thread reads only its own columns of the weights), and every
//! output is still summed by one thread in the one fixed order, so a net computes the same
//! bits with any number of threads (`kernels::tests` checks it). The helpers are kept for the whole closure,
//! not started per product: starting a thread costs tens of microseconds, a product of a
//! hidden layer a few hundred.
//!
//! The crew belongs to the thread that called [`with_threads`], through a thread-local: only
//! that thread hands out parts, so one crew never runs two products at once, and a product run
//! on a helper (or on any other thread) runs alone.

use core::cell::RefCell;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use std::vec::Vec;

/// A part of a product: called with the part's index, from `0` to the number of parts.
type Job<'a> = dyn Fn(usize) + Sync + 'a;

/// A job's address with its borrow's lifetime erased, so that the helpers can reach it
/// through the shared state.
#[derive(Clone, Copy)]
struct PostedJob(*const Job<'static>);

// SAFETY: a `PostedJob` points to a `Job`, which is `Sync`, so calling it from another thread
// is sound; `run_parts` keeps the job alive until every helper has returned from it (below).
#[allow(unsafe_code)]
unsafe impl Send for PostedJob {}

/// What the calling thread and its helpers share.
///
/// Hand-offs spin before they sleep: on the virtual machines measured, waking a sleeping
/// thread through a condition variable took 40 us, longer than half a hidden layer's product,
/// while a spinning helper picks up a part within a microsecond. A helper spins for
/// [`SPIN`] after each part (the gap between one layer's product and the next is shorter),
/// then sleeps until the next job.
struct Crew {
    /// Counts the jobs posted, so that a helper takes each job once; changed under `state`'s
    /// lock, read without it while spinning.
    round: AtomicU64,
    /// Helpers that have not yet finished their part of the current job; changed under
    /// `state`'s lock, read without it while spinning.
    unfinished: AtomicUsize,
    state: Mutex<State>,
    /// Signalled when a job is posted or the crew is stopped.
    posted: Condvar,
    /// Signalled when the last helper has finished its part.
    finished: Condvar,
}

/// How long a helper, or the calling thread waiting for one, spins before it sleeps.
const SPIN: Duration = Duration::from_micros(200);

/// The crew's state, under its lock.
struct State {
    /// The job being run, while one is.
    job: Option<PostedJob>,
    /// The current job's number of parts: helpers from `parts - 1` on sit it out.
    parts: usize,
    /// Whether a helper's part panicked.
    panicked: bool,
    /// Set when the helpers are to return.
    stop: bool,
}

/// Spins until `done()` or until [`SPIN`] has passed; returns `done()`.
fn spin_until(done: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    loop {
        for _ in 0..64 {
            if done() {
                return true;
            }
            core::hint::spin_loop();
        }
        if start.elapsed() > SPIN {
            return done();
        }
    }
}

impl Crew {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A helper never panics while holding the lock (jobs run outside it), so a poisoned
        // lock only means the calling thread is unwinding: its state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The loop of helper `helper` (0-based): it runs part `helper + 1` of every job.
    fn serve(&self, helper: usize) {
        let mut seen = 0;
        loop {
            spin_until(|| self.round.load(Ordering::Acquire) != seen);
            let job = {
                let mut state = self.lock();
                while self.round.load(Ordering::Acquire) == seen && !state.stop {
                    state = self
                        .posted
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                if state.stop {
                    return;
                }
                seen = self.round.load(Ordering::Acquire);
                if helper + 1 >= state.parts {
                    continue;
                }
                state.job
            };
            let ran = job.is_some_and(|job| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    // SAFETY: the job was posted by `run_parts`, which does not return (nor
                    // unwind past its frame, where the job lives) before this helper has
                    // reported its part finished below; `Job` is `Sync`.
                    #[allow(unsafe_code)]
                    let job = unsafe { &*job.0 };
                    job(helper + 1)
                }))
                .is_ok()
            });
            let mut state = self.lock();
            state.panicked |= !ran;
            if self.unfinished.fetch_sub(1, Ordering::AcqRel) == 1 {
                self.finished.notify_one();
            }
        }
    }

    /// Posts `job` in `parts`: the helpers take parts `1..parts`.
    fn post(&self, job: PostedJob, parts: usize) {
        {
            let mut state = self.lock();
            state.job = Some(job);
            state.parts = parts;
            state.panicked = false;
            self.unfinished.store(parts - 1, Ordering::Release);
            self.round.fetch_add(1, Ordering::AcqRel);
        }
        self.posted.notify_all();
    }

    /// Waits until the helpers have finished the posted job, withdraws it and says whether a
    /// part panicked.
    fn wait(&self) -> bool {
        spin_until(|| self.unfinished.load(Ordering::Acquire) == 0);
        let mut state = self.lock();
        while self.unfinished.load(Ordering::Acquire) > 0 {
            state = self
                .finished
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.job = None;
        state.panicked
    }
}

std::thread_local! {
    /// The crew of this thread's innermost [`with_threads`], with its number of helpers.
    static CREW: RefCell<Option<(Arc<Crew>, usize)>> = const { RefCell::new(None) };
}

/// Runs `f` with `threads - 1` helper threads sharing the large batched products and the long
/// element-wise passes of training (the optimizer's update, the divergence backup, the
/// gradient's scaling and reset) that `f` computes on this thread (`threads` 0 or 1: none).
/// The helpers start here and are joined before this returns, also when `f` panics.
///
/// Every product is split by the rows or columns of its output and each output is summed by
/// one thread in the one fixed order, so the results are the same bits with any number of
/// threads. Only products of about 2^18 multiply-adds or more are split (a batch of 64
/// through a 784-128 layer is 6.4 million), and only on x86_64, where the products take
/// run-time widths; the element-wise passes, on tensors long enough to give each thread 2^15
/// values, on any target with `std`. Between products the helpers spin for up to
/// 200 us before they sleep, so they keep a core busy while `f` runs: start them around a
/// loop of batches, not for each call. [`Trainer::threads`](crate::train::Trainer::threads)
/// does this for training.
///
/// ```
/// use constnet::prelude::*;
/// type Net = (Linear<784, 128>, ReLU, Linear<128, 64>, ReLU, Linear<64, 10>, Softmax);
/// let net = Net::init_boxed(&mut Pcg64Mcg::seed_from_u64(1));
/// let batch = Box::new([[0.5f32; 784]; 64]);
/// let alone = net.forward_batch(&batch);
/// let shared = constnet::with_threads(2, || {
///     assert_eq!(constnet::threads(), 2);
///     net.forward_batch(&batch)
/// });
/// assert_eq!(shared, alone);
/// ```
pub fn with_threads<R>(threads: usize, f: impl FnOnce() -> R) -> R {
    // Only this line and the call are generic: the crew starts and stops in functions
    // compiled once, here, not in every user crate for every closure (`benches/compile/`).
    let _crew = Dismissal::start(threads);
    f()
}

impl Dismissal {
    /// Starts `threads - 1` helpers and makes them this thread's crew, until the returned
    /// value is dropped; `None` for fewer than two threads.
    fn start(threads: usize) -> Option<Self> {
        let helpers = threads.saturating_sub(1);
        if helpers == 0 {
            return None;
        }
        let crew = Arc::new(Crew {
            round: AtomicU64::new(0),
            unfinished: AtomicUsize::new(0),
            state: Mutex::new(State {
                job: None,
                parts: 0,
                panicked: false,
                stop: false,
            }),
            posted: Condvar::new(),
            finished: Condvar::new(),
        });
        let handles: Vec<JoinHandle<()>> = (0..helpers)
            .map_while(|helper| {
                let crew = Arc::clone(&crew);
                std::thread::Builder::new()
                    .name(std::format!("constnet-helper-{helper}"))
                    .spawn(move || crew.serve(helper))
                    .ok()
            })
            .collect();
        // A helper the system refused to start leaves the product to fewer threads.
        let started = handles.len();
        let outer = CREW.with(|slot| slot.replace(Some((Arc::clone(&crew), started))));
        Some(Dismissal {
            crew,
            handles,
            outer: Some(outer),
        })
    }
}

/// Stops and joins a crew's helpers and puts back the thread's outer crew, when
/// [`with_threads`] returns or unwinds.
struct Dismissal {
    crew: Arc<Crew>,
    handles: Vec<JoinHandle<()>>,
    outer: Option<Option<(Arc<Crew>, usize)>>,
}

impl Drop for Dismissal {
    fn drop(&mut self) {
        let outer = self.outer.take().flatten();
        CREW.with(|slot| *slot.borrow_mut() = outer);
        {
            let mut state = self.crew.lock();
            state.stop = true;
            // A new round ends the helpers' spinning at once.
            self.crew.round.fetch_add(1, Ordering::AcqRel);
        }
        self.crew.posted.notify_all();
        for handle in self.handles.drain(..) {
            // A helper's panics are caught in `serve`; joining cannot fail otherwise.
            let _ = handle.join();
        }
    }
}

/// How many threads the batched products on this thread may use: 1, or inside
/// [`with_threads`] the calling thread and the helpers it started.
pub fn threads() -> usize {
    CREW.with(|slot| slot.borrow().as_ref().map_or(1, |(_, helpers)| helpers + 1))
}

/// Runs `job(0)`, ..., `job(parts - 1)`: part 0 on this thread and the others on its crew's
/// helpers, at once. `parts` must not exceed [`threads`]; without a crew it must be 1.
pub(crate) fn run_parts(parts: usize, job: &Job<'_>) {
    debug_assert!(
        parts <= threads(),
        "{parts} parts for {} threads",
        threads()
    );
    let crew = CREW.with(|slot| slot.borrow().as_ref().map(|(crew, _)| Arc::clone(crew)));
    let Some(crew) = crew.filter(|_| parts > 1) else {
        for part in 0..parts {
            job(part);
        }
        return;
    };
    // SAFETY: only the lifetime is erased; `Wait` below keeps this frame, and so the job,
    // alive until every helper has finished its part, on return and on unwinding alike.
    #[allow(unsafe_code)]
    let posted =
        PostedJob(unsafe { core::mem::transmute::<*const Job<'_>, *const Job<'static>>(job) });
    crew.post(posted, parts);
    let wait = Wait(&crew);
    job(0);
    let panicked = wait.finish();
    assert!(!panicked, "a helper thread panicked in a batched product");
}

/// Waits for the crew's helpers to finish the posted job when dropped, also on unwinding.
struct Wait<'a>(&'a Crew);

impl Wait<'_> {
    /// Waits now; says whether a helper's part panicked.
    fn finish(self) -> bool {
        let panicked = self.0.wait();
        core::mem::forget(self);
        panicked
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        self.0.wait();
    }
}
