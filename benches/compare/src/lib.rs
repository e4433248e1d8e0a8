//! What the harness's binaries share: the clock they all time with.

pub mod clock;
