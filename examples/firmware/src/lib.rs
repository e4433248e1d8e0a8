//! What the firmware programs share: the digits network, the check of its outputs against the
//! host's, the verdict (QEMU's exit status), the markers that delimit one inference for the
//! instruction count, and a stack high-water measurement.
#![no_std]

use constnet::prelude::*;
use cortex_m_semihosting::{debug, hprintln};
// The panic handler: prints the panic over semihosting and exits with a failure.
use panic_semihosting as _;

/// The chapter's digits network, as the host trained it.
pub type Digits = (Linear<64, 32>, ReLU, Linear<32, 10>, Softmax);

/// The TFLite Micro "hello world" model shape: `y = sin(x)`, 1-16-16-1 with ReLU.
pub type Sine = (Linear<1, 16>, ReLU, Linear<16, 16>, ReLU, Linear<16, 1>);

/// Its int8 form, as the host quantized it: the type follows from the float one's.
pub type DigitsInt8 = <Digits as Quantize<[f32; 64]>>::Int8;

/// The held-out digits the host picked, and its outputs for them.
pub mod cases {
    include!("../assets/digits_cases.rs");
}

/// The same digits quantized for the int8 net, and the host's int8 outputs.
pub mod int8_cases {
    include!("../assets/digits_int8_cases.rs");
}

/// Bytes of stack below the current frame that `stack_used` paints at most: 64 KiB, or less
/// where the free RAM below the stack pointer is less (the micro:bit's 16 KiB).
const PAINTED_STACK_BYTES: usize = 64 * 1024;

unsafe extern "C" {
    /// The end of static data, where `cortex-m-rt`'s linker script starts the (unused) heap:
    /// everything between it and the stack pointer is free.
    static __sheap: u32;
}

/// Ends the program: QEMU exits with 0 when `passed`, 1 otherwise.
pub fn finish(passed: bool) -> ! {
    hprintln!("{}", if passed { "PASS" } else { "FAIL" });
    debug::exit(if passed {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // QEMU has exited; a real board without a debugger stays here.
    loop {
        cortex_m::asm::wfi();
    }
}

/// Marks the start of one inference in QEMU's execution trace (`measure.sh` counts the
/// instructions between the two markers).
#[inline(never)]
pub fn inference_start() {
    core::hint::black_box(1u32);
}

/// Marks the end of one inference.
#[inline(never)]
pub fn inference_end() {
    core::hint::black_box(2u32);
}

/// Runs `net` on every held-out case and compares each output bit and class with the host's;
/// reports the stack the first inference used, then ends the program with the verdict.
pub fn check_digits(net: &Digits, how: &str) -> ! {
    // Opaque to the optimizer: the weights are read from flash as data, not folded into the
    // code as constants (which a `static` net would otherwise allow).
    let net = core::hint::black_box(net);
    let mut bit_mismatches = 0usize;
    let mut class_mismatches = 0usize;
    let mut right = 0usize;
    // An empty span first: `measure.sh` subtracts its count (the markers' own instructions).
    inference_start();
    inference_end();
    let stack = stack_used(|| {
        inference_start();
        let out = net.forward(core::hint::black_box(&cases::INPUTS[0]));
        inference_end();
        core::hint::black_box(out);
    });
    for (k, x) in cases::INPUTS.iter().enumerate() {
        let out = net.forward(x);
        let bits = out.map(f32::to_bits);
        let class = constnet::tensor::argmax(&out);
        let host_class = constnet::tensor::argmax(&cases::OUTPUT_BITS[k].map(f32::from_bits));
        bit_mismatches += bits
            .iter()
            .zip(&cases::OUTPUT_BITS[k])
            .filter(|(a, b)| a != b)
            .count();
        class_mismatches += usize::from(class != host_class);
        right += usize::from(class == usize::from(cases::LABELS[k]));
    }
    let memory = constnet::Footprint::of::<Digits, [f32; 64], 1>();
    hprintln!(
        "digits 64-32-10 from the {how}: {} cases, {right} right; {class_mismatches} classes and \
         {bit_mismatches} output bits differ from the host",
        cases::INPUTS.len()
    );
    hprintln!(
        "memory: {} bytes of weights; one inference used {stack} bytes of stack (all activations of a \
         sample, by its type: {} bytes)",
        memory.weights,
        memory.activations
    );
    finish(bit_mismatches == 0 && class_mismatches == 0)
}

/// Bytes of stack `f` used: the stack below the current one is painted with a pattern first,
/// and the lowest word `f` changed tells how deep it went. `f` runs in a frame of its own (it
/// is never inlined here), so everything it keeps on the stack is below the painted top.
#[inline(never)]
pub fn stack_used(f: impl FnOnce()) -> usize {
    const PAINT: u32 = 0xA5A5_A5A5;
    const WORDS: usize = PAINTED_STACK_BYTES / 4;
    let top = cortex_m::register::msp::read() as usize & !3;
    // Static data ends at `__sheap`; keep 256 bytes above it untouched for margin.
    let free_start = (&raw const __sheap) as usize + 256;
    let bottom = top
        .saturating_sub(WORDS * 4)
        .max(free_start.next_multiple_of(4))
        .min(top);
    for addr in (bottom..top).step_by(4) {
        // SAFETY: the words from `bottom` up to the stack pointer are RAM that nothing uses
        // (the stack grows down from the top of RAM, static data ends at `__sheap`, below
        // `bottom`, no interrupt is enabled, and this loop keeps its state in registers and in
        // this function's frame, above the stack pointer); `addr` is word-aligned.
        unsafe { core::ptr::write_volatile(addr as *mut u32, PAINT) };
    }
    run_in_own_frame(f);
    let lowest = (bottom..top)
        .step_by(4)
        // SAFETY: the same painted, aligned RAM words as above.
        .find(|&addr| unsafe { core::ptr::read_volatile(addr as *const u32) } != PAINT)
        .unwrap_or(top);
    top - lowest
}

#[inline(never)]
fn run_in_own_frame(f: impl FnOnce()) {
    f();
}

/// Runs the int8 `net` on every held-out case and compares each output byte with the host's;
/// reports the stack the first inference used, then ends the program with the verdict. The
/// inference is integer arithmetic only: on a core without an FPU it calls no float helper.
pub fn check_digits_int8(net: &DigitsInt8, how: &str) -> ! {
    // Read from flash as data, as in `check_digits`.
    let net = core::hint::black_box(net);
    inference_start();
    inference_end();
    let stack = stack_used(|| {
        inference_start();
        let out = net.forward(core::hint::black_box(&int8_cases::INPUTS[0]));
        inference_end();
        core::hint::black_box(out);
    });
    let mut byte_mismatches = 0usize;
    let mut right = 0usize;
    for (k, x) in int8_cases::INPUTS.iter().enumerate() {
        let out = net.forward(x);
        byte_mismatches += out
            .iter()
            .zip(&int8_cases::OUTPUTS[k])
            .filter(|(a, b)| a != b)
            .count();
        let class = (0..10).fold(0, |best, j| if out[j] > out[best] { j } else { best });
        right += usize::from(class == usize::from(cases::LABELS[k]));
    }
    hprintln!(
        "int8 digits 64-32-10 from the {how}: {} cases, {right} right; {byte_mismatches} output \
         bytes differ from the host",
        int8_cases::INPUTS.len()
    );
    let memory = constnet::Footprint::of_int8::<DigitsInt8, [i8; 64]>();
    hprintln!(
        "memory: {} bytes of weights and constants; one inference used {stack} bytes of stack \
         (all activations of a sample, by its type: {} bytes)",
        memory.weights,
        memory.activations
    );
    finish(byte_mismatches == 0)
}
