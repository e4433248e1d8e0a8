//! The two Arm DSP-extension instructions the packed int8 product uses: `SXTB16` (two bytes
//! sign-extended to two 16-bit halves) and `SMLAD` (two 16-bit products added to a 32-bit
//! accumulator). `Native` issues them on cores that have them (Cortex-M4, M7, M33 with DSP);
//! [`Emulated`] computes the same in plain Rust, so the product's data layout is tested on any
//! host against the portable loop, and the instructions themselves in QEMU.

/// The instructions, as functions of their register operands.
pub trait Dsp {
    /// `SXTB16 r, x`: bytes 0 and 2 of `x`, each sign-extended to 16 bits, as the low and high
    /// halves.
    fn sxtb16(x: u32) -> u32;
    /// `SXTB16 r, x, ROR #8`: bytes 1 and 3 of `x`, likewise.
    fn sxtb16_ror8(x: u32) -> u32;
    /// `SMLAD r, a, b, acc`: `acc + a.lo * b.lo + a.hi * b.hi`, the halves signed, wrapping.
    fn smlad(a: u32, b: u32, acc: i32) -> i32;
}

/// The instructions computed in plain Rust.
pub struct Emulated;

impl Dsp for Emulated {
    #[inline(always)]
    fn sxtb16(x: u32) -> u32 {
        let low = x as u8 as i8 as i16 as u16 as u32;
        let high = (x >> 16) as u8 as i8 as i16 as u16 as u32;
        low | (high << 16)
    }
    #[inline(always)]
    fn sxtb16_ror8(x: u32) -> u32 {
        Self::sxtb16(x.rotate_right(8))
    }
    #[inline(always)]
    fn smlad(a: u32, b: u32, acc: i32) -> i32 {
        let low = (a as u16 as i16 as i32) * (b as u16 as i16 as i32);
        let high = ((a >> 16) as u16 as i16 as i32) * ((b >> 16) as u16 as i16 as i32);
        acc.wrapping_add(low).wrapping_add(high)
    }
}

/// The instructions themselves.
#[cfg(all(target_arch = "arm", constnet_arm_dsp))]
pub struct Native;

// Each instruction is one `asm!` block, which Rust counts as unsafe.
#[cfg(all(target_arch = "arm", constnet_arm_dsp))]
#[allow(unsafe_code)]
impl Dsp for Native {
    #[inline(always)]
    fn sxtb16(x: u32) -> u32 {
        let r: u32;
        // SAFETY: one register-to-register instruction of the DSP extension, which this build
        // targets (`constnet_arm_dsp`); it touches no memory, no stack and no flags.
        unsafe {
            core::arch::asm!("sxtb16 {r}, {x}", r = lateout(reg) r, x = in(reg) x,
                options(pure, nomem, nostack, preserves_flags));
        }
        r
    }
    #[inline(always)]
    fn sxtb16_ror8(x: u32) -> u32 {
        let r: u32;
        // SAFETY: as in `sxtb16`.
        unsafe {
            core::arch::asm!("sxtb16 {r}, {x}, ror #8", r = lateout(reg) r, x = in(reg) x,
                options(pure, nomem, nostack, preserves_flags));
        }
        r
    }
    #[inline(always)]
    fn smlad(a: u32, b: u32, acc: i32) -> i32 {
        let r: i32;
        // SAFETY: one register-to-register instruction of the DSP extension, which this build
        // targets; it touches no memory and no stack. It may set the sticky Q flag on overflow
        // (nothing here reads it), so flags are not declared preserved.
        unsafe {
            core::arch::asm!("smlad {r}, {a}, {b}, {acc}", r = lateout(reg) r, a = in(reg) a,
                b = in(reg) b, acc = in(reg) acc, options(pure, nomem, nostack));
        }
        r
    }
}

/// `sums[j..j + 4] += x . w[j..j + 4]` on a core with the DSP extension, for `IN` a multiple
/// of 4 of at most 1364 (others take a plain loop): four rows of `w` (stored `OUT x IN`) against the input, whose bytes
/// were sign-extended beforehand into `pairs` as `x0, x2, x1, x3, x4, x6, ...` (16 bits each).
/// Per four inputs: one `LDRD` of the input pairs, then for each row one `LDR`, two `SXTB16`
/// and two `SMLAD`: 23 instructions for 16 multiply-accumulates, with the loop's own.
#[cfg(all(target_arch = "arm", constnet_arm_dsp))]
#[allow(unsafe_code)]
#[inline]
pub fn four_rows<const IN: usize>(pairs: &[i16; IN], rows: &[[i8; IN]; 4], sums: &mut [i32; 4]) {
    if !IN.is_multiple_of(4) || IN == 0 || 3 * IN > 4095 {
        // Outside what the loop below handles (its caller never asks): the plain sums.
        for (sum, row) in sums.iter_mut().zip(rows) {
            for (i, &w) in row.iter().enumerate() {
                let x = pairs[i / 4 * 4 + [0, 2, 1, 3][i % 4]];
                *sum = sum.wrapping_add(x as i32 * w as i32);
            }
        }
        return;
    }
    let [mut a0, mut a1, mut a2, mut a3] = *sums;
    let mut x = pairs.as_ptr();
    let mut w = rows.as_ptr().cast::<i8>();
    let mut steps = IN / 4;
    // SAFETY: the loop runs `IN / 4` times (at least once, as checked above); each time it
    // reads 8 bytes at `x` (within `pairs`, `2 * IN` bytes, whose `IN / 4` chunks of 8 it walks)
    // and 4 bytes at `w`, `w + IN`, `w + 2 IN` and `w + 3 IN` (the same 4 columns of the four
    // rows, which are contiguous: `rows` is `4 x IN` bytes, `w` walks its first row). Unaligned
    // word loads are allowed on these cores (LDRD needs a word-aligned address: `pairs` is
    // only 2-aligned, so it is read as two LDRs). It writes only the registers it names, and
    // the flags (declared clobbered by leaving out `preserves_flags`).
    unsafe {
        core::arch::asm!(
            "2:",
            "ldr {x02}, [{x}], #4",
            "ldr {x13}, [{x}], #4",
            "ldr {wv}, [{w}, #{s1}]",
            "sxtb16 {t}, {wv}",
            "smlad {a1}, {t}, {x02}, {a1}",
            "sxtb16 {t}, {wv}, ror #8",
            "smlad {a1}, {t}, {x13}, {a1}",
            "ldr {wv}, [{w}, #{s2}]",
            "sxtb16 {t}, {wv}",
            "smlad {a2}, {t}, {x02}, {a2}",
            "sxtb16 {t}, {wv}, ror #8",
            "smlad {a2}, {t}, {x13}, {a2}",
            "ldr {wv}, [{w}, #{s3}]",
            "sxtb16 {t}, {wv}",
            "smlad {a3}, {t}, {x02}, {a3}",
            "sxtb16 {t}, {wv}, ror #8",
            "smlad {a3}, {t}, {x13}, {a3}",
            "ldr {wv}, [{w}], #4",
            "sxtb16 {t}, {wv}",
            "smlad {a0}, {t}, {x02}, {a0}",
            "sxtb16 {t}, {wv}, ror #8",
            "smlad {a0}, {t}, {x13}, {a0}",
            "subs {steps}, {steps}, #1",
            "bne 2b",
            x = inout(reg) x,
            w = inout(reg) w,
            steps = inout(reg) steps,
            a0 = inout(reg) a0,
            a1 = inout(reg) a1,
            a2 = inout(reg) a2,
            a3 = inout(reg) a3,
            x02 = out(reg) _,
            x13 = out(reg) _,
            wv = out(reg) _,
            t = out(reg) _,
            s1 = const IN,
            s2 = const 2 * IN,
            s3 = const 3 * IN,
            options(nostack, readonly),
        );
    }
    let _ = (x, w, steps);
    *sums = [a0, a1, a2, a3];
}
