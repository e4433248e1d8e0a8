//! `exp` over many values at once, for softmax and the softmax losses (chapter section 6.2).
//!
//! The platform's `expf` is a call per value that the compiler cannot vectorize: on a
//! 4-16-16-3 net it was a quarter of an inference's instructions. [`exp_all`] computes `f32`
//! exponentials eight lanes at a time with the classic reduction, `e^x = 2^n e^r` with
//! `n = round(x / ln 2)` and `|r| <= ln 2 / 2`, a degree-7 polynomial for `e^r` (Cephes'
//! `expf` coefficients) and the power of two built from its bits. Measured against the
//! platform's `expf` over the whole `f32` range (`tests::exp_is_within_one_ulp_of_the_platform_expf_everywhere`): at
//! most 1 unit in the last place, NaN stays NaN, and overflow and underflow give `inf` and
//! `0` where `expf` does.
//!
//! With the `libm` feature, and for `f64`, every value goes through [`math::exp`](crate::math::exp)
//! instead, so that a host and a microcontroller compute the same bits.

use crate::Scalar;
use crate::scalar::Concrete;

/// Lanes computed together: one AVX register of `f32`, two SSE ones.
const LANES: usize = 8;

/// `v = exp(v)` for every value.
#[inline(always)]
pub fn exp_all<T: Scalar>(values: &mut [T]) {
    match T::concrete(values, [&[], &[]]) {
        Concrete::F32(values, _) if !cfg!(feature = "libm") => exp_f32s(values),
        Concrete::F32(values, _) => values.iter_mut().for_each(|v| *v = crate::math::exp(*v)),
        Concrete::F64(values, _) => values.iter_mut().for_each(|v| *v = crate::math::exp(*v)),
    }
}

/// `v = exp(v)` for `f32` values, eight at a time (the last ones padded to eight).
#[inline]
pub(crate) fn exp_f32s(values: &mut [f32]) {
    let (chunks, rest) = values.as_chunks_mut::<LANES>();
    for chunk in chunks {
        *chunk = exp8(*chunk);
    }
    if !rest.is_empty() {
        let mut padded = [0.0; LANES];
        padded[..rest.len()].copy_from_slice(rest);
        let done = exp8(padded);
        rest.copy_from_slice(&done[..rest.len()]);
    }
}

/// `e^x` for eight values, without branches (so that it vectorizes).
#[inline]
fn exp8(x: [f32; LANES]) -> [f32; LANES] {
    // Above this `e^x` rounds to infinity; below the other, to zero.
    const OVERFLOW: f32 = 88.722_84;
    const UNDERFLOW: f32 = -103.972_08;
    // 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, to nearest
    // even, in the low bits of the sum (no `round`, which SSE2 does not have).
    const ROUND: f32 = 12_582_912.0;
    const LOG2_E: f32 = core::f32::consts::LOG2_E;
    // ln 2 in two parts, the first with few enough bits that `n * LN2_HIGH` is exact.
    const LN2_HIGH: f32 = 0.693_359_4;
    const LN2_LOW: f32 = -2.121_944_4e-4;
    // Cephes' `expf`: e^r ~ 1 + r + r^2 (P0 r^5 + P1 r^4 + ... + P5).
    const P: [f32; 6] = [
        1.987_569_1e-4,
        1.398_199_9e-3,
        8.333_452e-3,
        4.166_579_6e-2,
        1.666_666_5e-1,
        0.5,
    ];
    let mut out = [0.0f32; LANES];
    for (o, &xi) in out.iter_mut().zip(&x) {
        let clamped = xi.clamp(UNDERFLOW, OVERFLOW);
        let shifted = clamped * LOG2_E + ROUND;
        let n = shifted - ROUND;
        let r = (clamped - n * LN2_HIGH) - n * LN2_LOW;
        let poly = P.iter().fold(0.0, |acc, &p| acc * r + p);
        let e_r = poly * (r * r) + r + 1.0;
        // 2^n in two halves, each a normal number for n in [-150, 128]: the first product is
        // exact and the second rounds once, also into the subnormals.
        let n_int = (shifted.to_bits() as i32).wrapping_sub(ROUND.to_bits() as i32);
        let half = n_int >> 1;
        let scale_a = f32::from_bits(((half + 127) as u32) << 23);
        let scale_b = f32::from_bits(((n_int - half + 127) as u32) << 23);
        let value = e_r * scale_a * scale_b;
        *o = if xi > OVERFLOW {
            f32::INFINITY
        } else if xi < UNDERFLOW {
            0.0
        } else if xi.is_nan() {
            xi
        } else {
            value
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two finite or infinite `f32` of one sign.
    fn ulps(a: f32, b: f32) -> u32 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
    }

    #[test]
    fn exp_is_within_one_ulp_of_the_platform_expf_everywhere() {
        // Every 61st bit pattern (odd, so every exponent and many mantissas) of the whole range,
        // then the edges exactly.
        let mut inputs: std::vec::Vec<f32> =
            (0..=u32::MAX).step_by(61).map(f32::from_bits).collect();
        inputs.extend([
            0.0,
            -0.0,
            1.0,
            -1.0,
            88.722_84,
            88.722_85,
            -87.336_55,
            -103.972_08,
            -103.98,
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ]);
        let mut worst = (0, 0.0f32);
        for chunk in inputs.chunks(LANES * 3 + 5) {
            let mut ours = chunk.to_vec();
            exp_f32s(&mut ours);
            for (&x, &e) in chunk.iter().zip(&ours) {
                let reference = x.exp();
                if reference.is_nan() {
                    assert!(e.is_nan(), "exp({x}) = {e}, not NaN");
                    continue;
                }
                let error = ulps(e, reference);
                assert!(error <= 1, "exp({x}) = {e}, expf {reference}: {error} ulps");
                if error > worst.0 {
                    worst = (error, x);
                }
            }
        }
        // Measured: at most 1 ulp. The test also asserts
        // that some value differs, so it cannot pass by comparing expf with itself.
        assert_eq!(worst.0, 1, "{worst:?}");
    }

    #[test]
    fn every_path_takes_nan_to_nan() {
        let mut values = [f32::NAN, 0.0, f32::NAN];
        exp_all(&mut values);
        assert!(values[0].is_nan() && values[2].is_nan());
        assert_eq!(values[1], 1.0);
        let mut wide = [f64::NAN, 0.0];
        exp_all(&mut wide);
        assert!(wide[0].is_nan());
        assert_eq!(wide[1], 1.0);
    }
}
