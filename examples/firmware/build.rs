//! Puts the target's memory layout (from `memory/`) where `cortex-m-rt`'s `link.x` finds it,
//! as `memory.x`:
//! the micro:bit's for Cortex-M0 (`thumbv6m`), the MPS2 boards' for the others.

use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = env::var("TARGET").unwrap_or_default();
    let layout: &[u8] = if target.starts_with("thumbv6m") {
        include_bytes!("memory/microbit.x")
    } else {
        include_bytes!("memory/mps2.x")
    };
    fs::write(out.join("memory.x"), layout).expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search={}", out.display());
    // Not in the package's root: the linker would find a `memory.x` there first.
    println!("cargo:rerun-if-changed=memory");
}
