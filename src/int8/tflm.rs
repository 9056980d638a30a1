//! TensorFlow Lite Micro's int8 LOGISTIC and TANH, evaluated once per
//! input to fill a 256-entry table (so a lookup stays one load and the
//! outputs are TFLM's bit for bit).
//!
//! TFLM computes these per element in 32-bit fixed point: its `Prepare`
//! turns the input scale into a multiplier into Q4.27 (`kInputIntegerBits =
//! 4`, `frexp` of `scale · 2^27`, no saturation of the mantissa) and an
//! input radius beyond which the output saturates; the kernels
//! (`reference_integer_ops::Logistic` / `Tanh`) rescale `x − zero_point`
//! with double rounding and call gemmlowp's fixed-point `logistic` / `tanh`
//! (`fixedpoint.h`: `exp_on_negative_values` — a Taylor polynomial around
//! −1/8 on [−1/4, 0) and a barrel shifter of `exp(−2^k)` constants — then a
//! Newton–Raphson reciprocal in Q2.29), and round the Q0.31 result to the
//! int8 output. This file is our own implementation of those published
//! methods; the constants are the ones the method defines (`exp(−1/8)`,
//! `exp(−2^k)`, 48/17, −32/17, 1/3, in Q0.31 or Q2.29), and the tests in
//! `tools/check_litert.py` compare every entry with the `tflite-micro`
//! runtime.

use super::multiplier::{doubling_high_mul, rounding_shift_right};
use super::{LutKind, Multiplier, Quant};

/// TFLM's table for `kind` with inputs quantized as `input`, indexed by
/// `q as u8`.
pub(crate) fn table(kind: LutKind, input: Quant) -> [i8; 256] {
    let (multiplier, radius) = prepare(input.scale);
    let mut t = [0i8; 256];
    for q in -128i32..=127 {
        let x = q - input.zero_point;
        let y = if x <= -radius {
            -128
        } else if x >= radius {
            127
        } else {
            let a = multiplier.apply_double_rounding(x); // Q4.27
            match kind {
                LutKind::Logistic => {
                    let r = rounding_shift_right(logistic_q4(a), 23) - 128;
                    r.clamp(-128, 127)
                }
                LutKind::Tanh => rounding_shift_right(tanh_q4(a), 24).clamp(-128, 127),
            }
        };
        t[q as i8 as u8 as usize] = y as i8;
    }
    t
}

/// TFLM's `Prepare`: `scale · 2^27` as mantissa and exponent (`frexp`,
/// mantissa rounded half away from zero to 31 bits), and the radius
/// `⌊15 · 2^27 / 2^shift⌋` (`CalculateInputRadius(4, shift, 31)`).
fn prepare(scale: f32) -> (Multiplier, i32) {
    let real = scale as f64 * (1u64 << 27) as f64;
    let (q, shift) = super::multiplier::frexp(real);
    // C++'s static_cast<int32_t> of 2^31 wraps on every target TFLM runs
    // on; neurokern does the same so the (unreachable in practice) case
    // stays the runtime's
    let mantissa = libm::round(q * (1u64 << 31) as f64) as i64 as i32;
    let max_rescaled = 15.0 * (1u64 << 27) as f64 / libm::exp2(shift as f64);
    let radius = libm::floor(max_rescaled).min(i32::MAX as f64) as i32;
    (Multiplier { mantissa, shift }, radius)
}

// gemmlowp's fixed point, raw i32 values: `qN` has N integer bits and
// 31 − N fractional bits.

const Q0_ONE: i32 = i32::MAX;
const Q2_ONE: i32 = 1 << 29;

/// Multiply two fixed-point numbers (integer bits add).
fn mul(a: i32, b: i32) -> i32 {
    doubling_high_mul(a, b)
}

/// `x · 2^e` for `e > 0` saturating, rounding for `e < 0`.
fn mul_pot(x: i32, e: i32) -> i32 {
    if e == 0 {
        x
    } else if e > 0 {
        let threshold = (1i32 << (31 - e)) - 1;
        if x > threshold {
            i32::MAX
        } else if x < -threshold {
            i32::MIN
        } else {
            x << e
        }
    } else {
        rounding_shift_right(x, -e)
    }
}

/// `exp(a)` for `a` in Q0.31, `−1/4 ≤ a < 0`: the Taylor polynomial of
/// degree 4 around −1/8, in Q0.31.
fn exp_quarter(a: i32) -> i32 {
    const EXP_MINUS_ONE_EIGHTH: i32 = 1_895_147_668; // exp(−1/8) · 2^31
    const ONE_THIRD: i32 = 715_827_883; // 2^31 / 3
    let x = a.wrapping_add(1 << 28); // a + 1/8
    let x2 = mul(x, x);
    let x3 = mul(x2, x);
    let x4 = mul(x2, x2);
    let x4_over_4 = mul_pot(x4, -2);
    let poly = mul_pot(
        mul(x4_over_4.wrapping_add(x3), ONE_THIRD).wrapping_add(x2),
        -1,
    );
    EXP_MINUS_ONE_EIGHTH.wrapping_add(mul(EXP_MINUS_ONE_EIGHTH, x.wrapping_add(poly)))
}

/// `exp(a)` for `a ≤ 0` with `int_bits` integer bits (4 or 5), result in
/// Q0.31: `a` split into a part in [−1/4, 0) and multiples of 1/4, 1/2, 1,
/// 2, … (each set bit of the remainder multiplies by the constant
/// `exp(−2^k)`, for the `k` below `int_bits`).
fn exp_negative(a: i32, int_bits: i32) -> i32 {
    let fractional = 31 - int_bits;
    let quarter = 1i32 << (fractional - 2);
    let a_mod = (a & (quarter - 1)).wrapping_sub(quarter);
    let mut result = exp_quarter(mul_pot(a_mod, int_bits));
    let remainder = a_mod.wrapping_sub(a);
    // exp(−2^k) · 2^31 for k = −2 … 4
    const BARREL: [(i32, i32); 7] = [
        (-2, 1_672_461_947),
        (-1, 1_302_514_674),
        (0, 790_015_084),
        (1, 290_630_308),
        (2, 39_332_535),
        (3, 720_401),
        (4, 242),
    ];
    for (k, m) in BARREL {
        if k < int_bits && remainder & (1 << (fractional + k)) != 0 {
            result = mul(result, m);
        }
    }
    if a == 0 {
        Q0_ONE
    } else {
        result
    }
}

/// The Newton–Raphson reciprocal behind both functions: `1/(1 + a)` in
/// Q2.29 for `a` in Q0.31 within [0, 1] (three iterations from 48/17 −
/// 32/17·d, `d = (1 + a)/2`).
fn reciprocal_q2(a: i32) -> i32 {
    const C48_17: i32 = 1_515_870_810; // 48/17 in Q2.29
    const CM32_17: i32 = -1_010_580_540; // −32/17 in Q2.29
    let sum = a as i64 + Q0_ONE as i64;
    let half_denominator = ((sum + if sum >= 0 { 1 } else { -1 }) / 2) as i32;
    let mut x = C48_17.wrapping_add(mul(half_denominator, CM32_17));
    for _ in 0..3 {
        let hx = mul(half_denominator, x);
        let one_minus = Q2_ONE.wrapping_sub(hx);
        x = x.wrapping_add(mul_pot(mul(x, one_minus), 2));
    }
    x
}

/// σ(a) for `a` in Q4.27, in Q0.31.
fn logistic_q4(a: i32) -> i32 {
    if a == 0 {
        return 1 << 30; // one half
    }
    let e = exp_negative(if a > 0 { a.wrapping_neg() } else { a }, 4);
    let x = reciprocal_q2(e);
    // 1/(1 + e) = x/2: the same raw read with one integer bit, rescaled to Q0.31
    let positive = mul_pot(x, 1);
    if a > 0 {
        positive
    } else {
        Q0_ONE.wrapping_sub(positive)
    }
}

/// tanh(a) for `a` in Q4.27, in Q0.31: `(1 − e)/(1 + e)` with
/// `e = exp(−2|a|)` (−|a| read as a Q5.26 number is −2|a|).
fn tanh_q4(a: i32) -> i32 {
    if a == 0 {
        return 0;
    }
    let n = if a < 0 { a } else { a.wrapping_neg() };
    let e = exp_negative(n, 5);
    let x = reciprocal_q2(e);
    let t = mul_pot(x.wrapping_sub(Q2_ONE), 2);
    if a < 0 {
        t.wrapping_neg()
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(raw: i32, integer_bits: i32) -> f64 {
        raw as f64 / (1u64 << (31 - integer_bits)) as f64
    }

    /// The fixed-point functions are within a few Q0.31 steps of the real
    /// ones (a sanity bound; bit-exactness is checked against the runtime).
    #[test]
    fn the_fixed_point_functions_are_close_to_the_real_ones() {
        for k in -120..=120 {
            let a = k << 24; // k/8 in Q4.27
            let x = real(a, 4);
            let s = real(logistic_q4(a), 0);
            assert!((s - 1.0 / (1.0 + (-x).exp())).abs() < 1e-6, "σ({x}) = {s}");
            let t = real(tanh_q4(a), 0);
            assert!((t - x.tanh()).abs() < 1e-6, "tanh({x}) = {t}");
        }
    }

    /// The two arithmetics' LOGISTIC tables differ, rarely: at σ(3.8187…)
    /// = 0.978515… (250.5/256 lies just above), TFLM's fixed point rounds
    /// down where LiteRT's `expf` rounds up. (A scan of 280,000 input
    /// quantizations finds one such entry in 1,637 of them, all LOGISTIC;
    /// the TANH tables agree on every one.) `tools/check_litert.py` runs
    /// these two quantizations through both runtimes.
    #[test]
    fn the_logistic_tables_differ_where_the_runtimes_do() {
        for (scale, zp, q) in [(0.04389321f32, 0, 87i8), (0.13167962, -17, 12)] {
            let input = Quant::new(scale, zp);
            let tflm = table(LutKind::Logistic, input);
            let litert = LutKind::Logistic.table(input);
            let at = q as u8 as usize;
            assert_eq!((tflm[at], litert[at]), (122, 123), "{scale} {zp}");
            let differ = tflm.iter().zip(&litert).filter(|(a, b)| a != b).count();
            assert_eq!(differ, 1, "{scale} {zp}");
        }
    }

    /// σ(0) is one half, tanh odd, and both tables monotone.
    #[test]
    fn the_tables_are_monotone_and_symmetric() {
        for kind in [LutKind::Logistic, LutKind::Tanh] {
            for scale in [0.01f32, 0.05, 0.1, 0.25] {
                let input = Quant::new(scale, 0);
                let t = table(kind, input);
                let at = |q: i32| t[q as i8 as u8 as usize];
                for q in -127..=127 {
                    assert!(at(q) >= at(q - 1), "{kind:?} {scale} {q}");
                }
                if kind == LutKind::Tanh {
                    for q in -127..=127 {
                        assert!((at(q) as i32 + at(-q) as i32).abs() <= 1, "{scale} {q}");
                    }
                }
            }
        }
    }
}
