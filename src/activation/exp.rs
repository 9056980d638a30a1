//! The shared exponential core: `e^z · 2^S` for a clamped `z` and a
//! compile-time scale `S`.
//!
//! Sigmoid and tanh are written as `c / (c + W)` with `W = e^z · c`
//! (`c = 2^−64`), and their derivatives as `T / ((1+t)²·2^100)` with
//! `T = e^−a · 2^100`. The scale keeps `W` and `T` *normal* numbers over the
//! whole range the kernels use, so the one division each kernel ends with
//! rounds a subnormal result exactly once (σ(−100) is 3.7e−44, not 0) and no
//! intermediate overflows.
//!
//! Method (range reduction after Cody & Waite, *Software Manual for the
//! Elementary Functions*, 1980, ch. 6): `k = ⌊z / ln 2⌋`, `r = z − k·ln 2` in
//! two pieces (`LN2_HI` has 16 significant bits, so `k·LN2_HI` is exact for
//! |k| < 2^8 and the subtraction is exact), `r ∈ [0, ln 2)`;
//! `e^r ≈ 1 + r + r²·Q(r)` with `Q` of degree 4 and positive coefficients;
//! and the result is `e^r · 2^(k+S)`, the power of two built directly in the
//! exponent field. The floor is the magic-bias rounding of `z/ln2 − ½`:
//! `(v + 1.5·2^23) − 1.5·2^23`, which IEEE round-to-nearest-even defines on
//! every target.
//!
//! **Why floor, not round:** with `r ∈ [0, ln 2)` every operation of the
//! polynomial is non-decreasing in `r` (positive coefficients, positive `r`),
//! and at each step of `k` the polynomial meets `p(0) = 1` exactly from below
//! (`p(ln2⁻) ≤ 2`), so the computed `e^z` is monotone over all `z`. Every
//! later operation of σ and tanh is monotone too, which is what makes them
//! monotone over every f32 input (checked exhaustively by the tests).
//!
//! The coefficients of `Q` were fitted by `tools/fit_poly.py` (Lawson-weighted
//! least squares on the relative error; within 8.5e−9 of e^r on [0, ln 2]).
//! Only `+ − ×`, compares/selects and integer operations on bits are used, so
//! every backend returns the same bits. NaN propagates through the polynomial
//! (`NaN × scale` is NaN whatever the scale bits are).

use crate::lanes::Lane;

/// `2^100`: the scale of the derivative kernels' `T = e^−a · 2^100`.
pub(crate) const SCALE_UP: f32 = 1.267_650_6e30;
/// `2^−100`.
pub(crate) const SCALE_UP_INV: f32 = 7.888_609e-31;
/// `2^−64`: the scale `c` of the forward kernels' `W = e^z · c`.
pub(crate) const C: f32 = 5.421_011e-20;

/// 1 / ln 2, rounded to f32.
const LOG2E: f32 = core::f32::consts::LOG2_E;
/// ln 2 = LN2_HI + LN2_LO; LN2_HI = 0x3f317200 has 16 significant bits.
const LN2_HI: f32 = 0.693_145_75;
const LN2_LO: f32 = 1.428_606_8e-6;
/// 1.5 · 2^23: adding it rounds to an integer held in the low mantissa bits.
const MAGIC: f32 = 12_582_912.0;

/// Coefficients of `Q(r)` in `e^r ≈ 1 + r + r²·Q(r)` (tools/fit_poly.py, degree 6).
const C2: f32 = 0.500_002_26;
const C3: f32 = 0.166_631_9;
const C4: f32 = 0.041_854_993;
const C5: f32 = 0.007_868_41;
const C6: f32 = 0.001_912_496_5;

/// `v` limited to `[lo, hi]`; NaN stays NaN. Two instructions on every SIMD
/// body (`minps`, `maxps` in the operand order that passes a NaN through).
#[inline(always)]
pub(crate) fn clamp<L: Lane>(v: L, lo: f32, hi: f32) -> L {
    v.min_keep_nan(L::splat(hi)).max_keep_nan(L::splat(lo))
}

/// `e^z · 2^S`, within about 1 ULP, monotone non-decreasing in `z`; NaN gives
/// NaN.
///
/// The caller clamps `z` so that `⌊z/ln2⌋ + S` stays in [−126, 127]
/// (the power of two must be a normal number).
#[inline(always)]
pub(crate) fn exp_scaled<L: Lane, const S: i32>(z: L) -> L {
    let (biased, k) = floor_log2e(z);
    let r = (z - k * L::splat(LN2_HI)) - k * L::splat(LN2_LO);
    exp_poly(r) * pow2::<L, S>(biased)
}

/// `e^(hi + lo) · 2^S` for an argument carried in two parts (`|lo|` well
/// below an ULP of `hi`), so that an argument of magnitude 100 keeps the
/// bits that a single f32 would round away (GELU's `−x²/2`, the tanh-GELU's
/// `2u`). `hi − k·LN2_HI` is exact when `hi` has at most 24 significant bits
/// and is within a factor of two of `k·ln 2` (Sterbenz), so `lo` survives.
#[inline(always)]
pub(crate) fn exp_scaled2<L: Lane, const S: i32>(hi: L, lo: L) -> L {
    let (biased, k) = floor_log2e(hi + lo);
    let r = ((hi - k * L::splat(LN2_HI)) - k * L::splat(LN2_LO)) + lo;
    exp_poly(r) * pow2::<L, S>(biased)
}

/// `k = ⌊z / ln 2⌋` as a float, and the same value biased by `MAGIC`
/// (whose low mantissa bits hold k as an integer).
#[inline(always)]
pub(crate) fn floor_log2e<L: Lane>(z: L) -> (L, L) {
    let biased = (z * L::splat(LOG2E) - L::splat(0.5)) + L::splat(MAGIC);
    (biased, biased - L::splat(MAGIC))
}

/// `z − k·ln 2` in the two Cody–Waite pieces.
#[inline(always)]
pub(crate) fn reduce<L: Lane>(z: L, k: L) -> L {
    (z - k * L::splat(LN2_HI)) - k * L::splat(LN2_LO)
}

/// `2^(k+S)` built in the exponent field from `MAGIC + k`.
#[inline(always)]
pub(crate) fn pow2<L: Lane, const S: i32>(biased: L) -> L {
    // bits(MAGIC + k) − bits(MAGIC) = k; add the biased exponent of 2^S
    let offset = MAGIC.to_bits().wrapping_sub((127 + S) as u32);
    let e = L::bits_sub(biased.to_bits(), L::bits_splat(offset));
    L::from_bits(L::bits_shl::<23>(e))
}

/// `e^r` for `r ∈ [0, ln 2)`.
#[inline(always)]
fn exp_poly<L: Lane>(r: L) -> L {
    // Estrin's scheme: shorter dependency chain than Horner, and still only
    // sums and products of non-negative terms for r ≥ 0 (monotone).
    let r2 = r * r;
    let lo = L::splat(C2) + r * L::splat(C3);
    let hi = (L::splat(C4) + r * L::splat(C5)) + r2 * L::splat(C6);
    let q = lo + r2 * hi;
    L::splat(1.0) + (r + r2 * q)
}

/// `(1 + t)² · 2^100` from `T = t · 2^100` (t ≤ 1), expanded as
/// `1 + t·(2 + t)` so only the last addition rounds at full weight. Dividing
/// `T` (or `4T`) by it gives `t/(1+t)²` with a single rounding, subnormal
/// results included.
#[inline(always)]
pub(crate) fn one_plus_t_squared_scaled<L: Lane>(big_t: L) -> L {
    let t = big_t * L::splat(SCALE_UP_INV);
    (L::splat(1.0) + t * (L::splat(2.0) + t)) * L::splat(SCALE_UP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_what_they_claim() {
        assert_eq!(SCALE_UP, 2f32.powi(100));
        assert_eq!(SCALE_UP_INV, 2f32.powi(-100));
        assert_eq!(C, 2f32.powi(-64));
        assert_eq!(LN2_HI.to_bits(), 0x3f31_7200);
        assert_eq!(LN2_HI.to_bits() & 0xff, 0, "k·LN2_HI must be exact");
        assert_eq!(MAGIC.to_bits(), 0x4b40_0000);
        let ln2 = core::f64::consts::LN_2;
        assert!((f64::from(LN2_HI) + f64::from(LN2_LO) - ln2).abs() < 1e-13);
    }

    #[test]
    fn matches_f64_exp_and_is_monotone() {
        let mut z = -42.0f32;
        let mut prev = 0.0f32;
        while z < 110.0 {
            let got = exp_scaled::<f32, -64>(z);
            let want = f64::from(z).exp() * 2f64.powi(-64);
            assert!(
                ((f64::from(got) - want) / want).abs() < 1.5 * f64::from(f32::EPSILON),
                "z = {z}"
            );
            assert!(got >= prev, "not monotone at {z}");
            prev = got;
            z += 0.0013;
        }
        assert!(exp_scaled::<f32, 100>(f32::NAN).is_nan());
        assert_eq!(exp_scaled::<f32, 100>(0.0), SCALE_UP);
    }
}
