//! The two Arm DSP-extension instructions the packed int8 product uses: `SXTB16` (two bytes
//! sign-extended to two 16-bit halves) and `SMLAD` (two 16-bit products added to a 32-bit
//! accumulator). [`Native`] issues them on cores that have them (Cortex-M4, M7, M33 with DSP);
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
