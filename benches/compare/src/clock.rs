//! The harnesses' clock: the process's CPU time (user + system, every thread), so that a busy
//! neighbour on a shared machine does not count as our time; `CONSTNET_TIMING=wall` switches to
//! the wall clock.

use std::convert::Infallible;
use std::time::Instant;

/// A point in time on the clock chosen by `CONSTNET_TIMING`.
pub enum Clock {
    /// CPU time of this process so far.
    Cpu(cpu_time::ProcessTime),
    /// The wall clock.
    Wall(Instant),
}

impl Clock {
    /// Now.
    pub fn start() -> Self {
        if wall() {
            Clock::Wall(Instant::now())
        } else {
            Clock::Cpu(cpu_time::ProcessTime::now())
        }
    }

    /// Seconds since `start`.
    pub fn seconds(&self) -> f64 {
        match self {
            Clock::Cpu(start) => start.elapsed().as_secs_f64(),
            Clock::Wall(start) => start.elapsed().as_secs_f64(),
        }
    }
}

/// Whether `CONSTNET_TIMING=wall` asks for the wall clock.
pub fn wall() -> bool {
    std::env::var("CONSTNET_TIMING").is_ok_and(|v| v == "wall")
}

/// Median seconds per call of `f` on this clock, over 15 rounds of `calls` calls after a
/// warm-up round.
pub fn median_seconds(calls: usize, mut f: impl FnMut()) -> f64 {
    let Ok(seconds) = try_median_seconds(calls, || {
        f();
        Ok::<(), Infallible>(())
    });
    seconds
}

/// [`median_seconds`] of a call that can fail: the first error `f` returns ends the timing.
pub fn try_median_seconds<E>(calls: usize, mut f: impl FnMut() -> Result<(), E>) -> Result<f64, E> {
    for _ in 0..calls {
        f()?;
    }
    let mut rounds = Vec::with_capacity(15);
    for _ in 0..15 {
        let start = Clock::start();
        for _ in 0..calls {
            f()?;
        }
        rounds.push(start.seconds() / calls as f64);
    }
    rounds.sort_by(f64::total_cmp);
    Ok(rounds[rounds.len() / 2])
}
