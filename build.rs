//! Tells the int8 kernels whether the target has the Arm DSP extension (two 16-bit
//! multiply-accumulates per instruction): every `thumbv7em` core has it (Cortex-M4, M7). For
//! other cores with it (a Cortex-M33 with DSP, `thumbv8m.main`), build with
//! `RUSTFLAGS="--cfg constnet_arm_dsp"`.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(constnet_arm_dsp)");
    println!("cargo::rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("thumbv7em") {
        println!("cargo::rustc-cfg=constnet_arm_dsp");
    }
}
