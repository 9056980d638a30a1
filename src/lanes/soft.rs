//! Ordered float compares on the bit patterns, for cores without an FPU.
//!
//! On a Cortex-M0 (or a RISC-V `imac` core) every `f32` compare is a call
//! into the compiler's soft-float library, some 20–40 instructions; ReLU
//! cost 45 instructions per element that way. The same answers follow from
//! integer operations on the bits: map each non-NaN pattern to an integer
//! *key* whose signed order is the floats' order (negative patterns have
//! their magnitude bits flipped), and treat NaN and the two zeros apart.
//! The results are identical to IEEE ordered compares for every pair of
//! inputs (`tests` below compare them on specials and millions of pairs),
//! so the kernels return the same bits with either implementation.

/// True for the 2^24 − 2 NaN patterns.
#[inline(always)]
pub(crate) fn is_nan(b: u32) -> bool {
    b & 0x7fff_ffff > 0x7f80_0000
}

/// The sign bit is set and the pattern is not NaN (−0, negative numbers,
/// −∞): as `i32`s these are exactly the values ≤ `0xff80_0000` (−∞); the
/// negative NaNs `0xff80_0001 ..= 0xffff_ffff` lie above it.
#[inline(always)]
pub(crate) fn is_negative_number(b: u32) -> bool {
    b as i32 <= 0xff80_0000u32 as i32
}

/// The order-preserving integer key of a non-NaN pattern (−0 sorts just
/// below +0; the compares below make them equal).
#[inline(always)]
fn key(b: u32) -> i32 {
    let i = b as i32;
    i ^ (((i >> 31) as u32) >> 1) as i32
}

/// Both are zeros, of either sign.
#[inline(always)]
fn both_zero(a: u32, b: u32) -> bool {
    (a | b) & 0x7fff_ffff == 0
}

/// `a < b` as IEEE defines it (false when either is NaN).
#[inline(always)]
pub(crate) fn lt(a: f32, b: f32) -> bool {
    let (a, b) = (a.to_bits(), b.to_bits());
    !is_nan(a) && !is_nan(b) && key(a) < key(b) && !both_zero(a, b)
}

/// `a <= b` as IEEE defines it.
#[inline(always)]
pub(crate) fn le(a: f32, b: f32) -> bool {
    let (a, b) = (a.to_bits(), b.to_bits());
    !is_nan(a) && !is_nan(b) && (key(a) <= key(b) || both_zero(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specials() -> [f32; 18] {
        [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            1e-45,
            -1e-45,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            -f32::NAN,
            f32::from_bits(0x7f80_0001),
            f32::from_bits(0xff80_0001),
            0.5,
            -2.5,
        ]
    }

    #[test]
    fn bit_compares_equal_ieee_compares() {
        let mut s = 0x9e37_79b9u32;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            s
        };
        let sp = specials();
        let mut pairs = 0;
        for &a in &sp {
            for &b in &sp {
                assert_eq!(lt(a, b), a < b, "{a:e} < {b:e}");
                assert_eq!(le(a, b), a <= b, "{a:e} <= {b:e}");
                assert_eq!(is_nan(a.to_bits()), a.is_nan());
                pairs += 1;
            }
        }
        for i in 0..2_000_000 {
            let a = f32::from_bits(next());
            // near pairs too: neighbours in bits, and specials
            let b = match i % 3 {
                0 => f32::from_bits(next()),
                1 => f32::from_bits(a.to_bits().wrapping_add(next() % 3).wrapping_sub(1)),
                _ => sp[(next() % sp.len() as u32) as usize],
            };
            assert_eq!(lt(a, b), a < b, "{a:e} < {b:e}");
            assert_eq!(le(a, b), a <= b, "{a:e} <= {b:e}");
            assert_eq!(lt(b, a), b < a, "{b:e} < {a:e}");
            pairs += 1;
        }
        assert!(pairs > 2_000_000);
    }

    #[test]
    fn negative_number_test_equals_sign_and_not_nan() {
        let want = |b: u32| {
            let x = f32::from_bits(b);
            x.is_sign_negative() && !x.is_nan()
        };
        // every pattern near each boundary, then a stride over all 2^32
        for edge in [0u32, 0x7f80_0000, 0x8000_0000, 0xff80_0000, 0xffff_ffff] {
            for d in 0..64u32 {
                for b in [edge.wrapping_add(d), edge.wrapping_sub(d)] {
                    assert_eq!(is_negative_number(b), want(b), "{b:#010x}");
                }
            }
        }
        let mut b = 0u32;
        let mut n = 0;
        while let Some(next) = b.checked_add(4093) {
            assert_eq!(is_negative_number(b), want(b), "{b:#010x}");
            b = next;
            n += 1;
        }
        assert!(n > 1_000_000);
        assert!(is_negative_number((-0.0f32).to_bits()) && !is_negative_number(0));
        assert!(is_negative_number(f32::NEG_INFINITY.to_bits()));
        assert!(!is_negative_number((-f32::NAN).to_bits()));
    }
}
