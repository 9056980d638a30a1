//! Exact products and sums of two f32 without fused multiply-add (Dekker,
//! "A floating-point technique for extending the available precision", 1971;
//! Knuth, TAOCP vol. 2, 4.2.2): the argument of the tanh-GELU's exponential
//! reaches 110 in magnitude and must be known to ~2^−30 absolute, which one
//! f32 cannot hold. Only `+ − ×` and a bit mask, so every backend agrees.

use crate::lanes::Lane;

/// `x = hi + lo` with `hi` the upper 12 significant bits (a mask of the low
/// 12 mantissa bits) and `lo` exact with at most 12 significant bits.
#[inline(always)]
pub(crate) fn split<L: Lane>(x: L) -> (L, L) {
    let hi = L::from_bits(L::bits_and(x.to_bits(), L::bits_splat(0xffff_f000)));
    (hi, x - hi)
}

/// `a·b = p + e` exactly (Dekker's product; the 12-bit halves multiply
/// exactly), for products far from overflow and underflow.
#[inline(always)]
pub(crate) fn two_prod<L: Lane>(a: L, b: L) -> (L, L) {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
    (p, e)
}

/// `a + b = s + e` exactly (Knuth's TwoSum, no ordering requirement).
#[inline(always)]
pub(crate) fn two_sum<L: Lane>(a: L, b: L) -> (L, L) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_and_sums_are_exact() {
        let mut s = 0x1234_5678u32;
        for _ in 0..100_000 {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let a = f32::from_bits(0x3c00_0000 + (s % 0x0700_0000));
            let b = -f32::from_bits(0x3d00_0000 + (s.rotate_left(7) % 0x0600_0000));
            let (p, e) = two_prod(a, b);
            assert_eq!(
                f64::from(p) + f64::from(e),
                f64::from(a) * f64::from(b),
                "{a} * {b}"
            );
            let (q, f) = two_sum(a, b);
            assert_eq!(
                f64::from(q) + f64::from(f),
                f64::from(a) + f64::from(b),
                "{a} + {b}"
            );
        }
    }
}
