//! Which build of a kernel runs: one CPU check, one macro.
//!
//! The kernels are portable Rust. On x86_64 with `std`, the same code is also compiled for AVX2
//! and for AVX2 with fused multiply-adds, and [`dispatch!`] picks the build this CPU runs; in
//! builds for AVX2 (`-C target-feature=+avx2`) the host path is chosen when the program is
//! built. Without fused multiply-adds every path rounds every operation as the portable code
//! does (Rust does not contract `a + x * w`), so all of them give the same bits.

/// Runs the build of a kernel this machine should run:
/// - `dispatch!(fma: F, avx2: A, wide: W, portable: P)`: in builds for AVX2, `W` (the host
///   kernels, fused when the build has FMA and not the `libm` feature); with `std` on x86_64,
///   `F` when the CPU has AVX2 and FMA and the `libm` feature is off, or `A` when the CPU has
///   AVX2 and the `libm` feature is on; `P` everywhere else, the Cortex-M included. Only one of
///   `F` and `A` is compiled: each is compiled again in the user's crate for every shape, and
///   a build can only ever pick one of them (a CPU with AVX2 but not FMA, which no vendor has
///   made since FMA came with AVX2 in 2013, runs `P` without `libm`).
/// - `dispatch!(avx2: A, portable: P)`: for kernels that never fuse (the optimizer steps): `A`
///   on a CPU with AVX2 when the build is not for AVX2 already, `P` otherwise.
///
/// `F` and `A` are calls of `#[target_feature]` functions; the macro makes them only after
/// checking the CPU, which is what makes them sound. It `return`s from the calling function.
macro_rules! dispatch {
    (avx2: $avx2:expr, portable: $portable:expr) => {{
        #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
        return $portable;
        #[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
        match $crate::kernels::dispatch::host() {
            // SAFETY: the AVX2 build only needs AVX2, which this CPU has, as `host` checked
            // (`Fma` also means AVX2).
            #[allow(unsafe_code)]
            $crate::kernels::dispatch::Host::Fma | $crate::kernels::dispatch::Host::Avx2 => {
                return unsafe { $avx2 };
            }
            $crate::kernels::dispatch::Host::Portable => {}
        }
        #[allow(unreachable_code)]
        $portable
    }};
    (fma: $fma:expr, avx2: $avx2:expr, wide: $wide:expr, portable: $portable:expr) => {{
        #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
        return $wide;
        #[cfg(all(
            feature = "std",
            target_arch = "x86_64",
            not(target_feature = "avx2"),
            not(feature = "libm")
        ))]
        if let $crate::kernels::dispatch::Host::Fma = $crate::kernels::dispatch::host() {
            // SAFETY: the FMA build needs AVX2 and FMA, which this CPU has, as `host` checked.
            #[allow(unsafe_code)]
            return unsafe { $fma };
        }
        #[cfg(all(
            feature = "std",
            target_arch = "x86_64",
            not(target_feature = "avx2"),
            feature = "libm"
        ))]
        if let $crate::kernels::dispatch::Host::Avx2 = $crate::kernels::dispatch::host() {
            // SAFETY: the AVX2 build only needs AVX2, which this CPU has, as `host` checked.
            #[allow(unsafe_code)]
            return unsafe { $avx2 };
        }
        #[allow(unreachable_code)]
        $portable
    }};
}

/// Which build of the kernels this CPU runs: one check for every kernel that dispatches.
#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[derive(Clone, Copy)]
pub(crate) enum Host {
    /// AVX2 and fused multiply-adds (not with the `libm` feature, which asks for the same bits
    /// as every other target).
    Fma,
    /// AVX2, with every multiply and add rounded on its own.
    Avx2,
    /// Neither.
    Portable,
}

/// What this CPU supports, and whether fused multiply-adds are allowed.
#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
pub(crate) fn host() -> Host {
    if !std::is_x86_feature_detected!("avx2") {
        Host::Portable
    } else if !cfg!(feature = "libm") && std::is_x86_feature_detected!("fma") {
        Host::Fma
    } else {
        Host::Avx2
    }
}
