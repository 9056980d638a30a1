//! TensorFlow Lite's fixed-point rescaling: a real factor `M > 0` stored as
//! a 31-bit mantissa and a power of two, applied to an `i32`.
//!
//! TFLite has two roundings, chosen when it is compiled
//! (`TFLITE_SINGLE_ROUNDING`, tensorflow/lite/kernels/internal/common.cc):
//! *single rounding*, one 64-bit product rounded half up once
//! ([`Multiplier::apply`]) — what the LiteRT runtime on PyPI
//! (`ai-edge-litert` 2.3) is built with, found by replaying its fully
//! connected layers (`tools/check_litert.py` checks every output) — and
//! gemmlowp's *double rounding* (`SaturatingRoundingDoublingHighMul`, then
//! `RoundingDivideByPOT`; [`Multiplier::apply_double_rounding`]), TFLite
//! Micro's default. They differ by one in a few outputs in a thousand.
//! This is our own code for TFLite's `QuantizeMultiplier` and
//! `MultiplyByQuantizedMultiplier`.

/// A real multiplier `M ≈ mantissa · 2^(shift − 31)`, `mantissa` in
/// `[2^30, 2^31)` (or 0): what TFLite calls `quantized_multiplier` and
/// `shift`.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Multiplier {
    /// The mantissa, a Q0.31 fixed-point number in `[0.5, 1)` (0 for `M = 0`).
    pub mantissa: i32,
    /// The power of two: positive shifts left, negative right.
    pub shift: i32,
}

impl Multiplier {
    /// `M = 1`.
    pub const ONE: Multiplier = Multiplier {
        mantissa: 1 << 30,
        shift: 1,
    };

    /// TFLite's `QuantizeMultiplier`: the mantissa of `real` rounded to 31
    /// bits (half away from zero), a mantissa that rounds up to 1 folded into
    /// the shift, and factors below 2^−31 flushed to zero.
    ///
    /// ```
    /// use neurokern::int8::Multiplier;
    /// let m = Multiplier::from_real(0.25);
    /// assert_eq!((m.mantissa, m.shift), (1 << 30, -1));
    /// assert_eq!(m.apply(1000), 250);
    /// assert_eq!(Multiplier::from_real(0.0), Multiplier { mantissa: 0, shift: 0 });
    /// ```
    pub fn from_real(real: f64) -> Multiplier {
        if real == 0.0 || !real.is_finite() {
            return Multiplier {
                mantissa: 0,
                shift: 0,
            };
        }
        let (q, mut shift) = frexp(real);
        let mut q_fixed = libm::round(q * (1u64 << 31) as f64) as i64;
        if q_fixed == 1 << 31 {
            q_fixed /= 2;
            shift += 1;
        }
        if shift < -31 {
            shift = 0;
            q_fixed = 0;
        }
        if shift > 30 {
            // single rounding's limit, saturated as TFLite does
            shift = 30;
            q_fixed = (1 << 31) - 1;
        }
        Multiplier {
            mantissa: q_fixed as i32,
            shift,
        }
    }

    /// `[mantissa, shift]`: how a [`FullyConnected`](super::FullyConnected)
    /// record and the int8 blob keep it.
    pub const fn pair(self) -> [i32; 2] {
        [self.mantissa, self.shift]
    }

    /// The multiplier `[mantissa, shift]` stands for, if it is one
    /// [`Multiplier::from_real`] can make: a mantissa in `[2^30, 2^31)` and a
    /// shift in `−31..=30`, or both zero.
    ///
    /// ```
    /// use neurokern::int8::Multiplier;
    /// let m = Multiplier::from_real(0.3);
    /// assert_eq!(Multiplier::from_pair(m.pair()), Some(m));
    /// assert_eq!(Multiplier::from_pair([1 << 29, 0]), None);
    /// assert_eq!(Multiplier::from_pair([1 << 30, 31]), None);
    /// ```
    pub const fn from_pair(pair: [i32; 2]) -> Option<Multiplier> {
        let [mantissa, shift] = pair;
        let zero = mantissa == 0 && shift == 0;
        let normal = mantissa >= 1 << 30 && shift >= -31 && shift <= 30;
        if zero || normal {
            Some(Multiplier { mantissa, shift })
        } else {
            None
        }
    }

    /// The real factor this multiplier stands for.
    pub fn to_real(self) -> f64 {
        self.mantissa as f64 * libm::exp2((self.shift - 31) as f64)
    }

    /// TFLite's `MultiplyByQuantizedMultiplier` with single rounding (what
    /// LiteRT runs): `(x · mantissa + 2^(30 − shift)) >> (31 − shift)` in
    /// 64 bits, `x · M` rounded half up once.
    ///
    /// ```
    /// use neurokern::int8::Multiplier;
    /// let half = Multiplier::from_real(0.5);
    /// assert_eq!([half.apply(3), half.apply(-3), half.apply(5)], [2, -1, 3]);
    /// let m = Multiplier::from_real(0.1);
    /// // 0.1 is stored just below 0.1, so 15 · M = 1.4999… → 1
    /// assert_eq!([m.apply(15), m.apply(-15), m.apply(1000)], [1, -1, 100]);
    /// ```
    #[inline]
    pub fn apply(self, x: i32) -> i32 {
        let total = 31 - self.shift;
        ((x as i64 * self.mantissa as i64 + (1i64 << (total - 1))) >> total) as i32
    }

    /// TFLite's `MultiplyByQuantizedMultiplier` with double rounding (TFLite
    /// Micro's default build): `x · M`
    /// rounded in two steps exactly as TFLite computes it — the doubling
    /// high multiply `x · mantissa / 2^31` rounds half up (toward +∞), the
    /// right shift rounds half away from zero.
    ///
    /// ```
    /// use neurokern::int8::Multiplier;
    /// let half = Multiplier::from_real(0.5);
    /// assert_eq!([half.apply_double_rounding(3), half.apply_double_rounding(-3), half.apply_double_rounding(5)], [2, -1, 3]);
    /// let m = Multiplier::from_real(0.1);
    /// assert_eq!([m.apply_double_rounding(15), m.apply_double_rounding(-15), m.apply_double_rounding(1000)], [2, -2, 100]);
    /// ```
    #[inline]
    pub fn apply_double_rounding(self, x: i32) -> i32 {
        let left = if self.shift > 0 { self.shift } else { 0 };
        let right = if self.shift > 0 { 0 } else { -self.shift };
        rounding_shift_right(
            doubling_high_mul(x.wrapping_shl(left as u32), self.mantissa),
            right,
        )
    }
}

/// Whose integer arithmetic a model follows: the runtime it was validated
/// on. The two disagree on a large share of the outputs of real models
/// (56,148 of 192,000 outputs of MLPerf Tiny's anomaly detector on random
/// inputs), so a model carries its choice, and neurokern reproduces either
/// bit for bit.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Arithmetic {
    /// LiteRT (TensorFlow Lite on desktops and phones, Python's
    /// `ai-edge-litert`): requantization rounded once
    /// ([`Multiplier::apply`]); LOGISTIC/TANH tables filled from `expf` /
    /// `tanhf`.
    #[default]
    LiteRt,
    /// TensorFlow Lite Micro and CMSIS-NN: gemmlowp's double rounding
    /// ([`Multiplier::apply_double_rounding`]).
    Tflm,
}

impl Arithmetic {
    /// Both, LiteRT first.
    pub const ALL: [Arithmetic; 2] = [Arithmetic::LiteRt, Arithmetic::Tflm];

    /// `"litert"` or `"tflm"` (what the command line takes).
    pub const fn name(self) -> &'static str {
        match self {
            Arithmetic::LiteRt => "litert",
            Arithmetic::Tflm => "tflm",
        }
    }

    /// The arithmetic named `"litert"` or `"tflm"`.
    ///
    /// ```
    /// use neurokern::int8::Arithmetic;
    /// assert_eq!(Arithmetic::from_name("tflm"), Some(Arithmetic::Tflm));
    /// assert_eq!(Arithmetic::from_name("tflite"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Arithmetic> {
        Arithmetic::ALL.into_iter().find(|a| a.name() == name)
    }
}

impl core::fmt::Display for Arithmetic {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Arithmetic::LiteRt => "LiteRT (single rounding)",
            Arithmetic::Tflm => "TFLite Micro / CMSIS-NN (double rounding)",
        })
    }
}

impl Multiplier {
    /// `x · M` rounded as `arithmetic` rounds it.
    ///
    /// ```
    /// use neurokern::int8::{Arithmetic, Multiplier};
    /// let m = Multiplier::from_real(0.1);
    /// assert_eq!(m.apply_as(15, Arithmetic::LiteRt), 1);
    /// assert_eq!(m.apply_as(15, Arithmetic::Tflm), 2);
    /// ```
    #[inline]
    pub fn apply_as(self, x: i32, arithmetic: Arithmetic) -> i32 {
        match arithmetic {
            Arithmetic::LiteRt => self.apply(x),
            Arithmetic::Tflm => self.apply_double_rounding(x),
        }
    }
}

/// `a · b / 2^31` rounded half up (gemmlowp's
/// `SaturatingRoundingDoublingHighMul`), the one overflowing case
/// (`i32::MIN²`) saturated. gemmlowp writes it as a nudge of `2^30`, or
/// `1 − 2^30` for a negative product, then a division truncating toward
/// zero; for every product that equals adding `2^30` and shifting right by
/// 31 (floor), which is what this does — one 64-bit multiply-add and a
/// shift, where the division cost a Cortex-M a dozen instructions more. (The
/// two agree: for `ab = −(q·2^31 + r)`, `0 ≤ r < 2^31`, both give
/// `−q − [r > 2^30]`; the tests compare with an i128 statement of the
/// rounding.)
#[inline]
pub(crate) fn doubling_high_mul(a: i32, b: i32) -> i32 {
    if a == i32::MIN && b == i32::MIN {
        return i32::MAX;
    }
    ((a as i64 * b as i64 + (1 << 30)) >> 31) as i32
}

/// `x / 2^e` rounded to nearest, ties away from zero (gemmlowp's
/// `RoundingDivideByPOT`), `0 ≤ e ≤ 31`.
#[inline]
pub(crate) fn rounding_shift_right(x: i32, e: i32) -> i32 {
    let mask = ((1u32 << e) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + (x < 0) as i32;
    (x >> e) + (remainder > threshold) as i32
}

/// `frexp` for finite nonzero `x`: `x = q · 2^e`, `|q|` in `[0.5, 1)`.
pub(crate) fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // subnormal: scale into the normal range first
        let (q, e) = frexp(x * (1u64 << 54) as f64);
        return (q, e - 54);
    }
    let q = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (q, exp - 1022)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same product in exact integer arithmetic (i128), rounded as the
    /// two steps round: the high multiply rounds half up (toward +∞), the
    /// shift rounds half away from zero — an independent statement of
    /// gemmlowp's rounding, not a copy of its code.
    fn oracle(x: i32, m: Multiplier) -> i32 {
        let left = m.shift.max(0);
        let right = (-m.shift).max(0);
        let ab = ((x as i64) << left) as i128 * m.mantissa as i128;
        let q = (ab + (1 << 30)).div_euclid(1 << 31) as i64;
        if right == 0 {
            return q as i32;
        }
        let half = 1i64 << (right - 1);
        let r = if q >= 0 {
            (q + half) >> right
        } else {
            -((-q + half) >> right)
        };
        r as i32
    }

    #[test]
    fn single_rounding_is_one_rounding() {
        let mut s = 0x1234_5678_9abc_def1u64;
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let m = Multiplier::from_real(
                f64::from_bits(0x3f00_0000_0000_0000 | (s & 0x000f_ffff_ffff_ffff)) * 4.0,
            );
            let x = (s >> 40) as i32 - (1 << 23);
            // floor((x·mantissa + 2^(t−1)) / 2^t) in i128, t = 31 − shift
            let t = 31 - m.shift;
            let want = (x as i128 * m.mantissa as i128 + (1i128 << (t - 1))).div_euclid(1i128 << t);
            assert_eq!(m.apply(x) as i128, want, "x {x} m {m:?}");
        }
    }

    #[test]
    fn frexp_splits() {
        for &x in &[1.0, 0.75, 3.0, 1e-300, 5e-324, 123456.789] {
            let (q, e) = frexp(x);
            assert!((0.5..1.0).contains(&q), "{x}");
            assert_eq!(q * libm::exp2(e as f64), x);
        }
    }

    #[test]
    fn quantize_multiplier_cases() {
        // 1.0 = 0.5 · 2^1
        assert_eq!(
            Multiplier::from_real(1.0),
            Multiplier {
                mantissa: 1 << 30,
                shift: 1
            }
        );
        // a mantissa that rounds up to 2^31 moves to the next power
        let just_below = 1.0 - 1e-12;
        assert_eq!(
            Multiplier::from_real(just_below),
            Multiplier {
                mantissa: 1 << 30,
                shift: 1
            }
        );
        // below 2^-31 (after rounding): flushed
        assert_eq!(
            Multiplier::from_real(1e-12),
            Multiplier {
                mantissa: 0,
                shift: 0
            }
        );
        let m = Multiplier::from_real(0.003_141_592_653_589_793);
        assert!((m.to_real() / 0.003_141_592_653_589_793 - 1.0).abs() < 1e-9);
    }

    /// The shift form of the doubling high multiply equals gemmlowp's own
    /// statement of it (a nudge by the product's sign, then a division
    /// truncating toward zero) on ties, near-ties, the extremes and random
    /// products.
    #[test]
    fn doubling_high_mul_is_gemmlowps() {
        fn gemmlowp(a: i32, b: i32) -> i32 {
            if a == i32::MIN && b == i32::MIN {
                return i32::MAX;
            }
            let ab = a as i64 * b as i64;
            let nudge: i64 = if ab >= 0 { 1 << 30 } else { 1 - (1 << 30) };
            ((ab + nudge) / (1i64 << 31)) as i32
        }
        let mut cases = std::vec![
            (i32::MIN, i32::MIN),
            (i32::MIN, i32::MAX),
            (i32::MAX, i32::MAX),
            (i32::MIN, 1),
            (-1, 1 << 30),
            (1, 1 << 30),
            (-3, 1 << 30),
            (3, 1 << 30),
        ];
        // products ±(q·2^31 + 2^30 + d): ties and their neighbours
        for q in [0i64, 1, 5, 1 << 20] {
            for d in -2i64..=2 {
                let p = q * (1 << 31) + (1 << 30) + d;
                for sign in [1i64, -1] {
                    // p = a · 2^k with b = 2^k: pick b = 2 and a = p / 2 where even
                    if p % 2 == 0 && (p / 2) <= i32::MAX as i64 {
                        cases.push(((sign * p / 2) as i32, 2));
                    }
                }
            }
        }
        let mut s = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..100_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            cases.push((s as i32, (s >> 32) as i32));
        }
        for (a, b) in cases {
            assert_eq!(doubling_high_mul(a, b), gemmlowp(a, b), "{a} · {b}");
        }
    }

    #[test]
    fn apply_matches_exact_rounding() {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for _ in 0..200_000 {
            let r = next();
            let real = f64::from_bits(0x3f00_0000_0000_0000 | (r & 0x000f_ffff_ffff_ffff))
                * libm::exp2(((r >> 52) % 40) as f64 - 30.0);
            let m = Multiplier::from_real(real);
            let x = (next() as i32) >> ((next() % 24) as i32 + 8);
            // stay where x · 2^left fits in i32, as TFLite requires
            if m.shift > 0 && (x as i64) << m.shift != ((x as i64) << m.shift) as i32 as i64 {
                continue;
            }
            assert_eq!(m.apply_double_rounding(x), oracle(x, m), "x {x} m {m:?}");
        }
    }

    #[test]
    fn ties_round_as_tflite_rounds_them() {
        let half = Multiplier::from_real(0.5);
        // M = 0.5 is mantissa 2^30, shift 0: all rounding is in the high
        // multiply, which rounds half up: 1.5 → 2, −1.5 → −1, −0.5 → 0
        assert_eq!(
            [
                half.apply_double_rounding(3),
                half.apply_double_rounding(-3),
                half.apply_double_rounding(-1)
            ],
            [2, -1, 0]
        );
        // M = 0.25 is mantissa 2^30, shift −1: the high multiply is exact
        // (x/2 for even x) and the shift rounds half away from zero
        let quarter = Multiplier::from_real(0.25);
        assert_eq!(
            [
                quarter.apply_double_rounding(6),
                quarter.apply_double_rounding(-6),
                quarter.apply_double_rounding(-2)
            ],
            [2, -2, -1]
        );
        // single rounding rounds every tie up: −1.5 → −1, −0.5 → 0
        assert_eq!(
            [quarter.apply(6), quarter.apply(-6), quarter.apply(-2)],
            [2, -1, 0]
        );
    }
}
