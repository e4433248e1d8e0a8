//! int8 inference arithmetic, computed exactly as TFLite's reference kernels compute it.
//!
//! Everything here is integer arithmetic: no float type appears, so a core without an FPU
//! (Cortex-M0, M0+, M3) runs it without a single soft-float call. The rounding rules are
//! TFLite's (its `MultiplyByQuantizedMultiplier` with double rounding, and gemmlowp's
//! fixed-point `exp` and reciprocal for softmax), so the bytes out equal TFLite's.
//!
//! Where TFLite's C++ would overflow a signed integer (undefined behaviour there, and never
//! reached by a calibrated model), these functions wrap, so they cannot panic on any input.

/// `round(a * b / 2^31)`, saturated: the ARM `VQRDMULH` instruction, gemmlowp's
/// `SaturatingRoundingDoublingHighMul`.
#[inline]
pub const fn saturating_rounding_doubling_high_mul(a: i32, b: i32) -> i32 {
    if a == b && a == i32::MIN {
        return i32::MAX;
    }
    let product = a as i64 * b as i64;
    let nudge: i64 = if product >= 0 { 1 << 30 } else { 1 - (1 << 30) };
    // Division truncates toward zero, as C's does: that is part of the rounding rule.
    ((product + nudge) / (1i64 << 31)) as i32
}

/// `x / 2^exponent` rounded to nearest, ties away from zero (gemmlowp's
/// `RoundingDivideByPOT`); `exponent` is taken modulo 32, as TFLite only passes 0 to 31.
#[inline]
pub const fn rounding_divide_by_power_of_two(x: i32, exponent: u32) -> i32 {
    let exponent = exponent & 31;
    let mask = ((1u32 << exponent) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + (x < 0) as i32;
    (x >> exponent) + (remainder > threshold) as i32
}

/// How int32 values are rescaled by a Q0.31 multiplier and a shift. TFLite has two builds,
/// and their outputs differ by one step where a product lies near a tie.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// One rounding of the exact 64-bit product, ties toward `+inf`: TFLite 2.20 and later and
    /// LiteRT (built with `TFLITE_SINGLE_ROUNDING=1`).
    #[default]
    Single,
    /// gemmlowp's two roundings, a rounding doubling high multiply then a rounding shift:
    /// TFLite before 2.20, and the default builds of TFLite Micro and CMSIS-NN.
    Double,
}

/// `x * multiplier / 2^31 * 2^shift`, rounded as `rounding` says (TFLite's
/// `MultiplyByQuantizedMultiplier` in either build).
#[inline]
pub const fn requantize(x: i32, multiplier: i32, shift: i32, rounding: Rounding) -> i32 {
    match rounding {
        Rounding::Single => multiply_by_quantized_multiplier_single(x, multiplier, shift),
        Rounding::Double => multiply_by_quantized_multiplier(x, multiplier, shift),
    }
}

/// `x * multiplier / 2^31 * 2^shift` with one rounding (TFLite's single-rounding
/// `MultiplyByQuantizedMultiplier`): `(x * multiplier + 2^(30 - shift)) >> (31 - shift)`, for
/// shifts in `[-31, 30]` (TFLite makes no others; any other gives some value, never a panic).
#[inline]
pub const fn multiply_by_quantized_multiplier_single(x: i32, multiplier: i32, shift: i32) -> i32 {
    // 1 to 62 for the shifts TFLite makes; others give some value, never a panic.
    let total_shift = 31u32.wrapping_sub(shift as u32) & 63;
    if total_shift >= 32 {
        // The usual case (a factor below 1/2). The rounding term 2^(total - 1) is split into
        // the two words it falls in, so a 32-bit core adds it as the start of one
        // multiply-accumulate (`SMLAL`), keeps the high word, and shifts that: the same floor
        // as the 64-bit shift, without one.
        let high_shift = total_shift - 32;
        let (round_low, round_high) = if high_shift == 0 {
            (1u32 << 31, 0u32)
        } else {
            (0, 1u32 << (high_shift - 1))
        };
        let round = ((round_high as u64) << 32 | round_low as u64) as i64;
        (((x as i64 * multiplier as i64).wrapping_add(round) >> 32) as i32).wrapping_shr(high_shift)
    } else {
        let rounded = (x as i64 * multiplier as i64)
            .wrapping_add(1i64.wrapping_shl(total_shift.wrapping_sub(1)));
        rounded.wrapping_shr(total_shift) as i32
    }
}

/// `x * multiplier * 2^shift` with `multiplier` a Q0.31 fraction, rounded twice: TFLite's
/// double-rounding `MultiplyByQuantizedMultiplier` (a left shift first, then a rounding
/// doubling high multiply, then a rounding right shift).
#[inline]
pub const fn multiply_by_quantized_multiplier(x: i32, multiplier: i32, shift: i32) -> i32 {
    let left = if shift > 0 { shift as u32 } else { 0 };
    let right = if shift > 0 { 0 } else { shift.unsigned_abs() };
    rounding_divide_by_power_of_two(
        saturating_rounding_doubling_high_mul(x.wrapping_mul(1i32.wrapping_shl(left)), multiplier),
        right,
    )
}

/// A fixed-point value with `integer_bits` integer bits, saturating at the ends, multiplied by
/// `2^exponent` (gemmlowp's `SaturatingRoundingMultiplyByPOT` for a positive exponent).
#[inline]
const fn saturating_shift_left(x: i32, exponent: u32) -> i32 {
    let threshold = (1i32 << (31 - exponent)) - 1;
    if x > threshold {
        i32::MAX
    } else if x < -threshold {
        i32::MIN
    } else {
        x << exponent
    }
}

/// `(a + b) / 2` rounded to nearest, ties away from zero (gemmlowp's `RoundingHalfSum`).
#[inline]
const fn rounding_half_sum(a: i32, b: i32) -> i32 {
    let sum = a as i64 + b as i64;
    let sign = if sum >= 0 { 1 } else { -1 };
    ((sum + sign) / 2) as i32
}

/// `exp(a)` for `a` in `[-1/4, 0)`, both Q0.31: a Taylor expansion around `-1/8`.
const fn exp_on_interval_between_negative_one_quarter_and_0_excl(a: i32) -> i32 {
    // exp(-1/8) and 1/3 in Q0.31.
    const CONSTANT_TERM: i32 = 1_895_147_668;
    const ONE_THIRD: i32 = 715_827_883;
    let x = a.wrapping_add(1 << 28);
    let x2 = saturating_rounding_doubling_high_mul(x, x);
    let x3 = saturating_rounding_doubling_high_mul(x2, x);
    let x4 = saturating_rounding_doubling_high_mul(x2, x2);
    let x4_over_4 = rounding_divide_by_power_of_two(x4, 2);
    let x4_over_24_plus_x3_over_6_plus_x2_over_2 = rounding_divide_by_power_of_two(
        saturating_rounding_doubling_high_mul(x4_over_4.wrapping_add(x3), ONE_THIRD)
            .wrapping_add(x2),
        1,
    );
    CONSTANT_TERM.wrapping_add(saturating_rounding_doubling_high_mul(
        CONSTANT_TERM,
        x.wrapping_add(x4_over_24_plus_x3_over_6_plus_x2_over_2),
    ))
}

/// The integer bits of softmax's scaled input differences (TFLite's `kScaledDiffIntegerBits`):
/// the differences are Q5.26.
pub const SOFTMAX_DIFF_INTEGER_BITS: u32 = 5;
/// The integer bits of softmax's sum of exponentials (TFLite's `kAccumulationIntegerBits`).
const SOFTMAX_ACCUMULATION_INTEGER_BITS: u32 = 12;

/// `exp(a)` for `a <= 0` given in Q5.26, as Q0.31 (gemmlowp's `exp_on_negative_values` for
/// five integer bits): the fractional quarter by polynomial, the rest by a barrel of constant
/// factors `exp(-2^k)`.
pub const fn exp_on_negative_values(a: i32) -> i32 {
    const FRACTIONAL_BITS: u32 = 31 - SOFTMAX_DIFF_INTEGER_BITS;
    const ONE_QUARTER: i32 = 1 << (FRACTIONAL_BITS - 2);
    // exp(-2^k) in Q0.31 for k = -2 ..= 4.
    const BARREL: [(i32, i32); 7] = [
        (-2, 1_672_461_947),
        (-1, 1_302_514_674),
        (0, 790_015_084),
        (1, 290_630_308),
        (2, 39_332_535),
        (3, 720_401),
        (4, 242),
    ];
    let mask = ONE_QUARTER - 1;
    let a_mod_quarter_minus_one_quarter = (a & mask).wrapping_sub(ONE_QUARTER);
    let mut result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        saturating_shift_left(a_mod_quarter_minus_one_quarter, SOFTMAX_DIFF_INTEGER_BITS),
    );
    let remainder = a_mod_quarter_minus_one_quarter.wrapping_sub(a);
    let mut k = 0;
    while k < BARREL.len() {
        let (exponent, multiplier) = BARREL[k];
        let bit = (FRACTIONAL_BITS as i32 + exponent) as u32;
        if remainder & (1 << bit) != 0 {
            result = saturating_rounding_doubling_high_mul(result, multiplier);
        }
        k += 1;
    }
    if a == 0 { i32::MAX } else { result }
}

/// `1 / (1 + a)` for `a` in `[0, 1)`, Q0.31 in and out, by three Newton-Raphson steps
/// (gemmlowp's `one_over_one_plus_x_for_x_in_0_1`).
pub const fn one_over_one_plus_x_for_x_in_0_1(a: i32) -> i32 {
    // 48/17 and -32/17 in Q2.29, and 1 in Q2.29.
    const C48_OVER_17: i32 = 1_515_870_810;
    const C_NEG_32_OVER_17: i32 = -1_010_580_540;
    const ONE_Q2_29: i32 = 1 << 29;
    let half_denominator = rounding_half_sum(a, i32::MAX);
    let mut x = C48_OVER_17.wrapping_add(saturating_rounding_doubling_high_mul(
        half_denominator,
        C_NEG_32_OVER_17,
    ));
    let mut step = 0;
    while step < 3 {
        let half_denominator_times_x = saturating_rounding_doubling_high_mul(half_denominator, x);
        let one_minus_half_denominator_times_x = ONE_Q2_29.wrapping_sub(half_denominator_times_x);
        x = x.wrapping_add(saturating_shift_left(
            saturating_rounding_doubling_high_mul(x, one_minus_half_denominator_times_x),
            2,
        ));
        step += 1;
    }
    saturating_shift_left(x, 1)
}

/// The constants of an int8 softmax, derived once from the input's scale (TFLite's
/// `PreprocessSoftmaxScaling` and `CalculateInputRadius`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SoftmaxConstants {
    /// `beta * input_scale` as a Q0.31 multiplier ...
    pub input_multiplier: i32,
    /// ... with this left shift, giving Q5.26 differences.
    pub input_left_shift: i32,
    /// Differences from the row's maximum below this give `exp` = 0 (output -128).
    pub diff_min: i32,
    /// How the differences are rescaled.
    pub rounding: Rounding,
}

/// `exp(beta * input_scale * diff)` in Q0.31 for a difference `diff <= 0` from the row's
/// maximum, as TFLite's reference softmax computes it; 0 below `diff_min`, where TFLite skips
/// the value.
pub fn softmax_exp(diff: i32, constants: &SoftmaxConstants) -> i32 {
    if diff < constants.diff_min {
        return 0;
    }
    let scaled = match constants.rounding {
        Rounding::Single => multiply_by_quantized_multiplier_single(
            diff,
            constants.input_multiplier,
            constants.input_left_shift,
        ),
        Rounding::Double => saturating_rounding_doubling_high_mul(
            diff.wrapping_mul(1i32.wrapping_shl(constants.input_left_shift as u32)),
            constants.input_multiplier,
        ),
    };
    exp_on_negative_values(scaled)
}

/// [`softmax_exp`] of every difference an int8 row can have, `0, -1, ..., -255`: entry `k`
/// holds `softmax_exp(-k)`. With it a softmax looks its exponentials up instead of computing
/// them (as TFLite's optimized kernels do), with the same values.
pub fn softmax_exp_table(constants: &SoftmaxConstants) -> [i32; 256] {
    core::array::from_fn(|k| softmax_exp(-(k as i32), constants))
}

/// int8 softmax over one row, output scale 1/256 and zero point -128 (TFLite's reference
/// `Softmax` for int8 in and out), its exponentials computed.
pub fn softmax<const N: usize>(input: &[i8; N], constants: &SoftmaxConstants) -> [i8; N] {
    softmax_by(input, |diff| softmax_exp(diff, constants))
}

/// [`softmax`] with its exponentials looked up in `table` ([`softmax_exp_table`]): the same
/// bytes for a fraction of the instructions.
pub fn softmax_with_table<const N: usize>(input: &[i8; N], table: &[i32; 256]) -> [i8; N] {
    softmax_by(input, |diff| table[diff.unsigned_abs() as u8 as usize])
}

/// The softmax around `exp` (which gives 0 for a skipped difference).
#[inline]
fn softmax_by<const N: usize>(input: &[i8; N], exp: impl Fn(i32) -> i32) -> [i8; N] {
    let max_in_row = input.iter().copied().max().unwrap_or(i8::MIN) as i32;
    // Each exponential computed once.
    let mut exps = [0i32; N];
    let mut sum_of_exps = 0i32;
    for (e, &x) in exps.iter_mut().zip(input) {
        *e = exp(x as i32 - max_in_row);
        sum_of_exps = sum_of_exps.wrapping_add(rounding_divide_by_power_of_two(
            *e,
            SOFTMAX_ACCUMULATION_INTEGER_BITS,
        ));
    }
    // The reciprocal of the sum (TFLite's `GetReciprocal`): the sum is at least exp(0).
    let headroom_plus_one = (sum_of_exps as u32).leading_zeros();
    let num_bits_over_unit = SOFTMAX_ACCUMULATION_INTEGER_BITS as i32 - headroom_plus_one as i32;
    let shifted_sum_minus_one =
        ((sum_of_exps as u32).wrapping_shl(headroom_plus_one)).wrapping_sub(1 << 31) as i32;
    let shifted_scale = one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
    let exponent = (num_bits_over_unit + 31 - 8) as u32;
    exps.map(|e| {
        // A skipped value's exponential is 0 and so is its output's probability: -128, as
        // TFLite writes it.
        let unsaturated = rounding_divide_by_power_of_two(
            saturating_rounding_doubling_high_mul(shifted_scale, e),
            exponent,
        );
        unsaturated
            .saturating_add(i8::MIN as i32)
            .clamp(i8::MIN as i32, i8::MAX as i32) as i8
    })
}

/// Each value through a 256-entry table indexed by the value's byte (TFLite's int8 `tanh` and
/// `logistic`, whose tables are computed when the model is prepared).
#[inline]
pub fn lookup<const N: usize>(input: &[i8; N], table: &[i8; 256]) -> [i8; N] {
    input.map(|x| table[x as u8 as usize])
}

/// `max(x, floor)` for each value: ReLU on int8 values whose zero point is `floor`.
#[inline]
pub fn clamp_below<const N: usize>(input: &[i8; N], floor: i8) -> [i8; N] {
    input.map(|x| x.max(floor))
}

/// The per-output constants of an int8 fully connected layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Requantize<'a, const OUT: usize> {
    /// The bias with the input's zero point folded in: `bias[j] - zp_in * sum_i w[j][i]`.
    pub folded_bias: &'a [i32; OUT],
    /// Q0.31 multipliers `scale_in * scale_w[j] / scale_out` ...
    pub multiplier: &'a [i32; OUT],
    /// ... and their power-of-two exponents.
    pub shift: &'a [i8; OUT],
    /// The output's zero point.
    pub output_zero_point: i32,
    /// The smallest output (the zero point when a ReLU is fused, else -128).
    pub output_min: i8,
    /// How the sums are rescaled.
    pub rounding: Rounding,
}

/// int8 fully connected layer: `y[j] = clamp(zp_out + M_j * (bias[j] + sum_i (x[i] - zp_in) *
/// w[j][i]))`, with `w` stored `OUT x IN` as TFLite stores it. The input's zero point is
/// folded into the bias, so the inner loop is a plain int8 dot product.
///
/// The sums come from [`accumulate`]; all its paths give the same sums (wrapping int32
/// arithmetic is exact in any order).
#[inline]
pub fn fully_connected<const IN: usize, const OUT: usize>(
    input: &[i8; IN],
    weights: &[[i8; IN]; OUT],
    requantize: &Requantize<'_, OUT>,
) -> [i8; OUT] {
    let mut sums = *requantize.folded_bias;
    accumulate(input, weights, &mut sums);
    let mut out = [0i8; OUT];
    for (j, (y, &sum)) in out.iter_mut().zip(&sums).enumerate() {
        let scaled = self::requantize(
            sum,
            requantize.multiplier[j],
            requantize.shift[j] as i32,
            requantize.rounding,
        );
        *y = scaled
            .wrapping_add(requantize.output_zero_point)
            .clamp(requantize.output_min as i32, i8::MAX as i32) as i8;
    }
    out
}

/// `sums[j] += sum_i x[i] * w[j][i]`, by the path this target runs best:
/// - cores with the Arm DSP extension: [`accumulate_pairs`], two multiply-accumulates per
///   `SMLAD`;
/// - x86_64: [`accumulate_dots`], one dot product per row, which the compiler turns into
///   16-bit multiply-adds across a vector (`pmaddwd`), in an AVX2 build where the CPU has it;
/// - other cores (Cortex-M0, M3): [`accumulate_rows`], each input loaded once for four rows.
#[inline]
pub fn accumulate<const IN: usize, const OUT: usize>(
    input: &[i8; IN],
    weights: &[[i8; IN]; OUT],
    sums: &mut [i32; OUT],
) {
    #[cfg(all(target_arch = "arm", constnet_arm_dsp))]
    accumulate_pairs_native(input, weights, sums);
    #[cfg(target_arch = "x86_64")]
    dispatch!(
        avx2: accumulate_dots_avx2(input, weights, sums),
        portable: accumulate_dots(input, weights, sums)
    );
    #[cfg(not(any(target_arch = "x86_64", all(target_arch = "arm", constnet_arm_dsp))))]
    accumulate_rows(input, weights, sums);
}

/// [`accumulate_pairs`] with the native instructions, its four-row blocks in one
/// hand-scheduled loop ([`four_rows`](super::arm_dsp::four_rows)) over the input
/// sign-extended once: the compiler, left to itself, spills the extended input and reloads it
/// per row.
#[cfg(all(target_arch = "arm", constnet_arm_dsp))]
#[inline]
fn accumulate_pairs_native<const IN: usize, const OUT: usize>(
    input: &[i8; IN],
    weights: &[[i8; IN]; OUT],
    sums: &mut [i32; OUT],
) {
    use super::arm_dsp::{Dsp, Native};
    if !IN.is_multiple_of(4) || IN == 0 || 3 * IN > 4095 || OUT < ROWS_PER_BLOCK {
        return accumulate_pairs::<Native, IN, OUT>(input, weights, sums);
    }
    // The input, sign-extended once: x0, x2, x1, x3, x4, x6, ... in 16 bits.
    let mut pairs = [0i16; IN];
    for (chunk, x) in pairs.chunks_exact_mut(4).zip(input.chunks_exact(4)) {
        let word = u32::from_le_bytes([x[0] as u8, x[1] as u8, x[2] as u8, x[3] as u8]);
        let (even, odd) = (Native::sxtb16(word), Native::sxtb16_ror8(word));
        chunk.copy_from_slice(&[
            even as i16,
            (even >> 16) as i16,
            odd as i16,
            (odd >> 16) as i16,
        ]);
    }
    let mut blocks = weights.chunks_exact(ROWS_PER_BLOCK);
    let mut block_sums = sums.chunks_exact_mut(ROWS_PER_BLOCK);
    for (block, sum) in (&mut blocks).zip(&mut block_sums) {
        let block: &[[i8; IN]; ROWS_PER_BLOCK] = block.try_into().expect("a block of four rows");
        let sum: &mut [i32; ROWS_PER_BLOCK] = sum.try_into().expect("a block of four sums");
        super::arm_dsp::four_rows(&pairs, block, sum);
    }
    for (row, sum) in blocks.remainder().iter().zip(block_sums.into_remainder()) {
        *sum = dot(input, row).wrapping_add(*sum);
    }
}

/// `sums[j] += dot(x, w[j])` for each row, the products in 16 bits (an int8 product always
/// fits), which vectorizes as multiply-adds of 16-bit lanes.
#[inline]
pub fn accumulate_dots<const IN: usize, const OUT: usize>(
    input: &[i8; IN],
    weights: &[[i8; IN]; OUT],
    sums: &mut [i32; OUT],
) {
    for (sum, row) in sums.iter_mut().zip(weights) {
        let dot = input.iter().zip(row).fold(0i32, |acc, (&x, &w)| {
            acc.wrapping_add((x as i16 * w as i16) as i32)
        });
        *sum = sum.wrapping_add(dot);
    }
}

#[cfg(all(feature = "std", target_arch = "x86_64", not(target_feature = "avx2")))]
#[target_feature(enable = "avx2")]
fn accumulate_dots_avx2<const IN: usize, const OUT: usize>(
    input: &[i8; IN],
    weights: &[[i8; IN]; OUT],
    sums: &mut [i32; OUT],
) {
    accumulate_dots(input, weights, sums)
}

/// How many output rows share each loaded input: each input is loaded once for four
/// multiply-accumulates.
const ROWS_PER_BLOCK: usize = 4;

/// `sums[j] += sum_i x[i] * w[j][i]`, four rows at a time, one int8 product at a time.
#[inline]
pub fn accumulate_rows<const IN: usize, const OUT: usize>(
    input: &[i8; IN],
    weights: &[[i8; IN]; OUT],
    sums: &mut [i32; OUT],
) {
    let mut j = 0;
    while j + ROWS_PER_BLOCK <= OUT {
        let [r0, r1, r2, r3] = [
            &weights[j],
            &weights[j + 1],
            &weights[j + 2],
            &weights[j + 3],
        ];
        let (mut a0, mut a1, mut a2, mut a3) = (sums[j], sums[j + 1], sums[j + 2], sums[j + 3]);
        for i in 0..IN {
            let x = input[i] as i32;
            a0 = a0.wrapping_add(x * r0[i] as i32);
            a1 = a1.wrapping_add(x * r1[i] as i32);
            a2 = a2.wrapping_add(x * r2[i] as i32);
            a3 = a3.wrapping_add(x * r3[i] as i32);
        }
        [sums[j], sums[j + 1], sums[j + 2], sums[j + 3]] = [a0, a1, a2, a3];
        j += ROWS_PER_BLOCK;
    }
    while j < OUT {
        sums[j] = dot(input, &weights[j]).wrapping_add(sums[j]);
        j += 1;
    }
}

/// The same sums with the Arm DSP extension's `SMLAD`: four inputs are loaded as one word and
/// sign-extended into two pairs of 16-bit halves (`SXTB16`), once for four rows; each row's
/// word likewise, and two `SMLAD`s add its four products. `D` issues the instructions
/// ([`Emulated`](super::arm_dsp::Emulated) computes them anywhere, for tests).
#[inline]
pub fn accumulate_pairs<D: super::arm_dsp::Dsp, const IN: usize, const OUT: usize>(
    input: &[i8; IN],
    weights: &[[i8; IN]; OUT],
    sums: &mut [i32; OUT],
) {
    let whole = IN / 4 * 4;
    let word = |values: &[i8; IN], i: usize| {
        u32::from_le_bytes([
            values[i] as u8,
            values[i + 1] as u8,
            values[i + 2] as u8,
            values[i + 3] as u8,
        ])
    };
    let tail = |row: &[i8; IN], mut sum: i32| {
        for i in whole..IN {
            sum = sum.wrapping_add(input[i] as i32 * row[i] as i32);
        }
        sum
    };
    let mut j = 0;
    while j + ROWS_PER_BLOCK <= OUT {
        let [r0, r1, r2, r3] = [
            &weights[j],
            &weights[j + 1],
            &weights[j + 2],
            &weights[j + 3],
        ];
        let (a0, a1, a2, a3) = (sums[j], sums[j + 1], sums[j + 2], sums[j + 3]);
        // Four inputs against the four rows: 2 + 4 * 5 instructions for 16 products.
        let step = |i: usize, [a0, a1, a2, a3]: [i32; 4]| {
            let x = word(input, i);
            let (x02, x13) = (D::sxtb16(x), D::sxtb16_ror8(x));
            let row = |r: &[i8; IN], a: i32| {
                let w = word(r, i);
                D::smlad(D::sxtb16_ror8(w), x13, D::smlad(D::sxtb16(w), x02, a))
            };
            [row(r0, a0), row(r1, a1), row(r2, a2), row(r3, a3)]
        };
        let mut a = [a0, a1, a2, a3];
        let mut i = 0;
        // Two steps per iteration halve the loop's own instructions.
        while i + 8 <= whole {
            a = step(i + 4, step(i, a));
            i += 8;
        }
        if i < whole {
            a = step(i, a);
        }
        let [a0, a1, a2, a3] = a;
        [sums[j], sums[j + 1], sums[j + 2], sums[j + 3]] =
            [tail(r0, a0), tail(r1, a1), tail(r2, a2), tail(r3, a3)];
        j += ROWS_PER_BLOCK;
    }
    while j < OUT {
        let row = &weights[j];
        let mut a = sums[j];
        let mut i = 0;
        while i < whole {
            let (x, w) = (word(input, i), word(row, i));
            a = D::smlad(
                D::sxtb16_ror8(w),
                D::sxtb16_ror8(x),
                D::smlad(D::sxtb16(w), D::sxtb16(x), a),
            );
            i += 4;
        }
        sums[j] = tail(row, a);
        j += 1;
    }
}

/// `sum_i a[i]` in wrapping i32.
#[inline]
pub fn sum<const N: usize>(a: &[i8; N]) -> i32 {
    a.iter().fold(0i32, |acc, &x| acc.wrapping_add(x as i32))
}

/// `sum_i a[i] * b[i]` in wrapping i32.
#[inline]
pub fn dot<const N: usize>(a: &[i8; N], b: &[i8; N]) -> i32 {
    a.iter()
        .zip(b)
        .fold(0i32, |acc, (&x, &w)| acc.wrapping_add(x as i32 * w as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fully connected layer as TFLite's reference loop writes it: the input offset
    /// inside the product, no blocking.
    #[allow(clippy::too_many_arguments)]
    fn fully_connected_reference<const IN: usize, const OUT: usize>(
        rounding: Rounding,
        input: &[i8; IN],
        input_zero_point: i32,
        weights: &[[i8; IN]; OUT],
        bias: &[i32; OUT],
        multiplier: &[i32; OUT],
        shift: &[i8; OUT],
        output_zero_point: i32,
        output_min: i8,
    ) -> [i8; OUT] {
        core::array::from_fn(|j| {
            let mut acc = bias[j];
            for i in 0..IN {
                acc += (input[i] as i32 - input_zero_point) * weights[j][i] as i32;
            }
            let y = match rounding {
                // The single rounding as exact rational arithmetic: floor(x m 2^s / 2^31 + 1/2).
                Rounding::Single => {
                    let exact = acc as i128 * multiplier[j] as i128;
                    let denominator = 1i128 << (31 - shift[j] as i32);
                    (exact * 2 + denominator).div_euclid(2 * denominator) as i32
                }
                Rounding::Double => {
                    multiply_by_quantized_multiplier(acc, multiplier[j], shift[j] as i32)
                }
            } + output_zero_point;
            y.clamp(output_min as i32, 127) as i8
        })
    }

    /// A tiny portable generator (PCG32), so the cases are the same everywhere.
    struct Pcg(u64);
    impl Pcg {
        fn next(&mut self) -> u32 {
            let old = self.0;
            self.0 = old
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
            xorshifted.rotate_right((old >> 59) as u32)
        }
        fn byte(&mut self) -> i8 {
            self.next() as i8
        }
    }

    fn check_fully_connected<const IN: usize, const OUT: usize>(rng: &mut Pcg) {
        let rounding = if rng.next().is_multiple_of(2) {
            Rounding::Single
        } else {
            Rounding::Double
        };
        let input: [i8; IN] = core::array::from_fn(|_| rng.byte());
        let weights: [[i8; IN]; OUT] =
            core::array::from_fn(|_| core::array::from_fn(|_| rng.byte().max(-127)));
        let bias: [i32; OUT] = core::array::from_fn(|_| (rng.next() % 20_001) as i32 - 10_000);
        let multiplier: [i32; OUT] = core::array::from_fn(|_| (1 << 30) + (rng.next() >> 2) as i32);
        let shift: [i8; OUT] = core::array::from_fn(|_| -((rng.next() % 12) as i8) - 1);
        let input_zero_point = rng.byte() as i32;
        let output_zero_point = rng.byte() as i32;
        let output_min = if rng.next().is_multiple_of(2) {
            -128
        } else {
            output_zero_point as i8
        };
        let folded_bias: [i32; OUT] = core::array::from_fn(|j| {
            bias[j] - input_zero_point * weights[j].iter().map(|&w| w as i32).sum::<i32>()
        });
        let requantize = Requantize {
            folded_bias: &folded_bias,
            multiplier: &multiplier,
            shift: &shift,
            output_zero_point,
            output_min,
            rounding,
        };
        assert_eq!(
            fully_connected(&input, &weights, &requantize),
            fully_connected_reference(
                rounding,
                &input,
                input_zero_point,
                &weights,
                &bias,
                &multiplier,
                &shift,
                output_zero_point,
                output_min
            )
        );
    }

    #[test]
    fn fully_connected_matches_the_reference_loop_on_odd_widths() {
        let mut rng = Pcg(7);
        for _ in 0..50 {
            check_fully_connected::<1, 1>(&mut rng);
            check_fully_connected::<3, 5>(&mut rng);
            check_fully_connected::<17, 9>(&mut rng);
            check_fully_connected::<64, 32>(&mut rng);
            check_fully_connected::<33, 10>(&mut rng);
        }
    }

    fn check_pairs<const IN: usize, const OUT: usize>(rng: &mut Pcg) {
        let input: [i8; IN] = core::array::from_fn(|_| rng.byte());
        let weights: [[i8; IN]; OUT] =
            core::array::from_fn(|_| core::array::from_fn(|_| rng.byte()));
        let start: [i32; OUT] = core::array::from_fn(|_| rng.next() as i32);
        let (mut rows, mut pairs, mut dots) = (start, start, start);
        accumulate_rows(&input, &weights, &mut rows);
        accumulate_dots(&input, &weights, &mut dots);
        assert_eq!(rows, dots);
        accumulate_pairs::<crate::kernels::arm_dsp::Emulated, IN, OUT>(
            &input, &weights, &mut pairs,
        );
        assert_eq!(rows, pairs);
    }

    #[test]
    fn every_accumulation_path_gives_the_same_sums() {
        let mut rng = Pcg(11);
        // Miri (which runs this for the AVX2 dispatch's `unsafe`) is slow: two rounds there.
        for _ in 0..if cfg!(miri) { 2 } else { 50 } {
            check_pairs::<1, 1>(&mut rng);
            check_pairs::<4, 4>(&mut rng);
            check_pairs::<7, 9>(&mut rng);
            check_pairs::<64, 32>(&mut rng);
            check_pairs::<33, 10>(&mut rng);
            check_pairs::<16, 3>(&mut rng);
        }
    }

    #[test]
    fn emulated_dsp_instructions_follow_the_arm_manual() {
        use crate::kernels::arm_dsp::{Dsp, Emulated};
        // Bytes 0x80 (-128), 0x7f (127), 0xff (-1), 0x01 (1), low byte first.
        let x = u32::from_le_bytes([0x80, 0x7f, 0xff, 0x01]);
        assert_eq!(Emulated::sxtb16(x), 0xffff_ff80);
        assert_eq!(Emulated::sxtb16_ror8(x), 0x0001_007f);
        // -128 * 127 + -1 * 1, plus 5.
        assert_eq!(
            Emulated::smlad(Emulated::sxtb16(x), Emulated::sxtb16_ror8(x), 5),
            -16_252
        );
        assert_eq!(
            Emulated::smlad(0x0000_8000, 0x0000_8000, i32::MAX),
            i32::MIN + (1 << 30) - 1
        );
    }

    #[test]
    fn rounding_divide_rounds_half_away_from_zero() {
        assert_eq!(rounding_divide_by_power_of_two(5, 1), 3);
        assert_eq!(rounding_divide_by_power_of_two(-5, 1), -3);
        assert_eq!(rounding_divide_by_power_of_two(4, 1), 2);
        assert_eq!(rounding_divide_by_power_of_two(-7, 2), -2);
        assert_eq!(rounding_divide_by_power_of_two(-6, 2), -2);
        assert_eq!(rounding_divide_by_power_of_two(-5, 2), -1);
        assert_eq!(rounding_divide_by_power_of_two(i32::MIN, 31), -1);
        assert_eq!(rounding_divide_by_power_of_two(17, 0), 17);
    }

    #[test]
    fn doubling_high_multiply_saturates_and_rounds() {
        assert_eq!(
            saturating_rounding_doubling_high_mul(i32::MIN, i32::MIN),
            i32::MAX
        );
        assert_eq!(
            saturating_rounding_doubling_high_mul(1 << 30, 1 << 30),
            1 << 29
        );
        // 3 * 2^30 / 2^31 = 1.5 rounds up, and so does -1.5 (VQRDMULH's rule: the nudge and
        // C's truncating division round a negative tie toward zero).
        assert_eq!(saturating_rounding_doubling_high_mul(3, 1 << 30), 2);
        assert_eq!(saturating_rounding_doubling_high_mul(-3, 1 << 30), -1);
        assert_eq!(saturating_rounding_doubling_high_mul(-5, 1 << 30), -2);
        // A multiplier of one half with shift 1 is the identity.
        assert_eq!(multiply_by_quantized_multiplier(12_345, 1 << 30, 1), 12_345);
        assert_eq!(
            multiply_by_quantized_multiplier(-12_345, 1 << 30, 1),
            -12_345
        );
    }

    #[test]
    fn fixed_point_exp_and_reciprocal_are_close_to_the_real_functions() {
        assert_eq!(exp_on_negative_values(0), i32::MAX);
        for k in 1..2_000 {
            let x = -(k as f64) / 100.0;
            let raw = (x * (1u64 << 26) as f64) as i32;
            let got = exp_on_negative_values(raw) as f64 / 2f64.powi(31);
            assert!(
                (got - x.exp()).abs() < 2e-6,
                "exp({x}): {got} vs {}",
                x.exp()
            );
        }
        for k in 0..1_000 {
            let a = k as f64 / 1_000.0;
            let got =
                one_over_one_plus_x_for_x_in_0_1((a * 2f64.powi(31)) as i32) as f64 / 2f64.powi(31);
            assert!((got - 1.0 / (1.0 + a)).abs() < 1e-8, "1/(1+{a}): {got}");
        }
    }

    #[test]
    fn softmax_of_equal_inputs_is_uniform_and_a_clear_winner_takes_all() {
        // beta * scale = 1/16 as Q0.31 with a left shift: the constants TFLite derives for an
        // input scale of 1/16.
        let constants = SoftmaxConstants {
            input_multiplier: 1 << 30,
            input_left_shift: 23,
            diff_min: -248,
            rounding: Rounding::Double,
        };
        // Four equal inputs: 1/4 each, 64/256 - 128 = -64.
        assert_eq!(softmax(&[5i8; 4], &constants), [-64; 4]);
        let out = softmax(&[127, -128, -128], &constants);
        assert_eq!(out, [127, -128, -128]);
        let single = SoftmaxConstants {
            rounding: Rounding::Single,
            ..constants
        };
        assert_eq!(softmax(&[5i8; 4], &single), [-64; 4]);
    }
}
