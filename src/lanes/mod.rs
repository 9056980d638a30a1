//! The lane trait: one kernel body for scalar `f32` and every vector width.
//!
//! Every kernel in this crate is written once, generic over [`Lane`]. The
//! trait exposes only IEEE-754 basic operations (`+ − × ÷`, ordered compares,
//! select, and integer operations on the bit pattern), so every body — the
//! `f32` loops that LLVM vectorises 4, 8 or 16 wide (one copy per
//! target-feature set, chosen at run time by [`crate::dispatch`]), the
//! scalar `f32` path of a Cortex-M, and `wide::f32x8` (used by the dense
//! layer) — executes the same rounding sequence and returns the same bits. Fused multiply-add, approximate
//! reciprocals and `wide`'s own transcendental helpers are deliberately
//! absent.
//!
//! The module also owns the loops that apply a kernel to slices
//! ([`drivers`]) and the canonical summation order used by every dot product
//! in the crate.

use core::ops::{Add, Div, Mul, Neg, Sub};
use wide::{f32x8, u32x8};

pub(crate) mod drivers;
mod soft;

pub(crate) use drivers::{map1, map1_in_place, map2, map2_in_place};

/// Number of `f32` lanes in the SIMD body.
pub(crate) const WIDTH: usize = 8;

/// Whether the target has vector registers worth using. Without them (the
/// Cortex-M cores), `wide` would emulate eight lanes with arrays, which costs
/// registers, stack and flash for nothing: there the drivers run the scalar
/// `f32` body only. Both bodies perform the same operations per element, so
/// the results are the same bits either way.
pub(crate) const SIMD: bool = cfg!(any(
    target_feature = "sse2",
    target_feature = "neon",
    target_feature = "simd128"
));

/// Whether the target computes floats in software (no FPU: Cortex-M0/M0+,
/// soft-float Cortex-M3/M4, RISC-V without the F extension). There the
/// scalar lane compares on the bit patterns ([`soft`]) instead of calling
/// the soft-float library; the answers are the same.
pub(crate) const SOFT_FLOAT: bool = cfg!(all(
    any(
        target_arch = "arm",
        target_arch = "riscv32",
        target_arch = "riscv64"
    ),
    not(any(target_abi = "eabihf", target_feature = "f"))
));

/// A bundle of `f32` lanes supporting only operations that round identically
/// on every backend.
pub(crate) trait Lane:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// Number of f32 lanes.
    const N: usize;
    /// A lane-wise boolean.
    type Mask: Copy;
    /// The raw bits of each lane, as `u32` lanes with wrapping arithmetic.
    type Bits: Copy;

    fn splat(v: f32) -> Self;
    /// The first `N` elements of `s`.
    fn load(s: &[f32]) -> Self;
    /// Writes the lanes to the first `N` elements of `s`.
    fn store(self, s: &mut [f32]);
    /// Ordered `<` (false when either side is NaN).
    fn lt(self, rhs: Self) -> Self::Mask;
    /// Ordered `<=`.
    fn le(self, rhs: Self) -> Self::Mask;
    /// Ordered `>`.
    fn gt(self, rhs: Self) -> Self::Mask;
    /// True where the lane is NaN.
    fn is_nan(self) -> Self::Mask;
    /// True where the sign bit is set and the lane is not NaN: x < 0 or
    /// x = −0. One signed integer compare of the bit pattern
    /// (`bits as i32 <= 0xff80_0000 as i32`: −0 … −∞ are the most negative
    /// `i32`s, the negative NaNs lie above them), so on a scalar core it
    /// costs what an integer compare costs, with or without an FPU.
    fn is_negative_number(self) -> Self::Mask;
    /// `if m { a } else { b }` lane-wise.
    fn select(m: Self::Mask, a: Self, b: Self) -> Self;

    /// `select(m, a(), b())`, where a single lane may evaluate only the arm
    /// it needs (the arms are pure, so the result is the same bits).
    #[inline(always)]
    fn select_with(m: Self::Mask, a: impl FnOnce() -> Self, b: impl FnOnce() -> Self) -> Self {
        Self::select(m, a(), b())
    }

    fn to_bits(self) -> Self::Bits;
    fn from_bits(b: Self::Bits) -> Self;
    fn bits_splat(v: u32) -> Self::Bits;
    fn bits_sub(a: Self::Bits, b: Self::Bits) -> Self::Bits;
    fn bits_and(a: Self::Bits, b: Self::Bits) -> Self::Bits;
    fn bits_or(a: Self::Bits, b: Self::Bits) -> Self::Bits;
    fn bits_shl<const S: u32>(a: Self::Bits) -> Self::Bits;
    /// `if m { a } else { b }` lane-wise on bit patterns: on a scalar core
    /// the value stays in an integer register (no FPU transfer).
    fn bits_select(m: Self::Mask, a: Self::Bits, b: Self::Bits) -> Self::Bits;

    /// `min(self, hi)` where a NaN `self` stays NaN: `if hi < self { hi } else
    /// { self }`, the operand order of x86's `minps`, so it is one
    /// instruction on every SIMD body.
    #[inline(always)]
    fn min_keep_nan(self, hi: Self) -> Self {
        Self::select(hi.lt(self), hi, self)
    }

    /// `max(self, lo)` where a NaN `self` stays NaN (`maxps`'s operand order).
    #[inline(always)]
    fn max_keep_nan(self, lo: Self) -> Self {
        Self::select(lo.gt(self), lo, self)
    }

    /// |x|, by clearing the sign bit (exact, NaN stays NaN).
    #[inline(always)]
    fn abs(self) -> Self {
        Self::from_bits(Self::bits_and(
            self.to_bits(),
            Self::bits_splat(0x7fff_ffff),
        ))
    }

    /// `self` (assumed non-negative) with the sign bit of `sign` (exact).
    #[inline(always)]
    fn with_sign_of(self, sign: Self) -> Self {
        let s = Self::bits_and(sign.to_bits(), Self::bits_splat(0x8000_0000));
        Self::from_bits(Self::bits_or(self.to_bits(), s))
    }
}

impl Lane for f32 {
    const N: usize = 1;
    type Mask = bool;
    type Bits = u32;

    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        s[0]
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        s[0] = self;
    }

    #[inline(always)]
    fn splat(v: f32) -> Self {
        v
    }
    #[inline(always)]
    fn lt(self, rhs: Self) -> bool {
        if SOFT_FLOAT {
            soft::lt(self, rhs)
        } else {
            self < rhs
        }
    }
    #[inline(always)]
    fn le(self, rhs: Self) -> bool {
        if SOFT_FLOAT {
            soft::le(self, rhs)
        } else {
            self <= rhs
        }
    }
    #[inline(always)]
    fn gt(self, rhs: Self) -> bool {
        if SOFT_FLOAT {
            soft::lt(rhs, self)
        } else {
            self > rhs
        }
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        if SOFT_FLOAT {
            soft::is_nan(self.to_bits())
        } else {
            self.is_nan()
        }
    }
    #[inline(always)]
    fn is_negative_number(self) -> bool {
        soft::is_negative_number(self.to_bits())
    }
    #[inline(always)]
    fn select(m: bool, a: Self, b: Self) -> Self {
        if m {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn select_with(m: bool, a: impl FnOnce() -> Self, b: impl FnOnce() -> Self) -> Self {
        if m {
            a()
        } else {
            b()
        }
    }
    #[inline(always)]
    fn to_bits(self) -> u32 {
        f32::to_bits(self)
    }
    #[inline(always)]
    fn from_bits(b: u32) -> Self {
        f32::from_bits(b)
    }
    #[inline(always)]
    fn bits_splat(v: u32) -> u32 {
        v
    }
    #[inline(always)]
    fn bits_sub(a: u32, b: u32) -> u32 {
        a.wrapping_sub(b)
    }
    #[inline(always)]
    fn bits_and(a: u32, b: u32) -> u32 {
        a & b
    }
    #[inline(always)]
    fn bits_or(a: u32, b: u32) -> u32 {
        a | b
    }
    #[inline(always)]
    fn bits_shl<const S: u32>(a: u32) -> u32 {
        a << S
    }
    #[inline(always)]
    fn bits_select(m: bool, a: u32, b: u32) -> u32 {
        if m {
            a
        } else {
            b
        }
    }
}

impl Lane for f32x8 {
    const N: usize = WIDTH;
    type Mask = f32x8;
    type Bits = u32x8;

    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        load8(s)
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        store8(self, s)
    }

    #[inline(always)]
    fn splat(v: f32) -> Self {
        f32x8::splat(v)
    }
    #[inline(always)]
    fn lt(self, rhs: Self) -> Self {
        self.simd_lt(rhs)
    }
    #[inline(always)]
    fn le(self, rhs: Self) -> Self {
        self.simd_le(rhs)
    }
    #[inline(always)]
    fn gt(self, rhs: Self) -> Self {
        self.simd_gt(rhs)
    }
    #[inline(always)]
    fn is_nan(self) -> Self {
        self.simd_ne(self)
    }
    #[inline(always)]
    fn is_negative_number(self) -> Self {
        let b = self.to_bits().to_array();
        f32x8::from(core::array::from_fn::<f32, 8, _>(|i| {
            f32::from_bits((soft::is_negative_number(b[i]) as u32).wrapping_neg())
        }))
    }
    #[inline(always)]
    fn select(m: Self, a: Self, b: Self) -> Self {
        m.select(a, b)
    }
    #[inline(always)]
    fn to_bits(self) -> u32x8 {
        f32x8::to_bits(self)
    }
    #[inline(always)]
    fn from_bits(b: u32x8) -> Self {
        f32x8::from_bits(b)
    }
    #[inline(always)]
    fn bits_splat(v: u32) -> u32x8 {
        u32x8::splat(v)
    }
    #[inline(always)]
    fn bits_sub(a: u32x8, b: u32x8) -> u32x8 {
        a - b
    }
    #[inline(always)]
    fn bits_and(a: u32x8, b: u32x8) -> u32x8 {
        a & b
    }
    #[inline(always)]
    fn bits_or(a: u32x8, b: u32x8) -> u32x8 {
        a | b
    }
    #[inline(always)]
    fn bits_shl<const S: u32>(a: u32x8) -> u32x8 {
        a << S
    }
    #[inline(always)]
    fn bits_select(m: f32x8, a: u32x8, b: u32x8) -> u32x8 {
        let m = m.to_bits();
        (a & m) | (b & !m)
    }
}

#[inline(always)]
fn load8(s: &[f32]) -> f32x8 {
    let mut a = [0.0f32; WIDTH];
    a.copy_from_slice(&s[..WIDTH]);
    f32x8::new(a)
}

#[inline(always)]
fn store8(v: f32x8, s: &mut [f32]) {
    s[..WIDTH].copy_from_slice(v.as_array());
}

/// A lane-generic function of one input.
pub(crate) trait Map1 {
    /// A few instructions per element (ReLU): the scalar loop runs eight
    /// elements per iteration, so the loop's own pointers, counter and
    /// branch, half of ReLU's cost on a Cortex-M4F, are paid once per eight.
    /// Expensive kernels keep the plain loop (unrolling them only adds
    /// flash). Only speed and code size depend on it, never a result.
    const UNROLL: bool = false;
    /// The function is ReLU on the bit patterns: +0 for every negative
    /// number and −0, `x` itself otherwise (NaN kept) — integer work, which
    /// a core's integer vector lanes do exactly where its float lanes would
    /// not (Helium flushes subnormals: `dispatch`).
    const ZERO_NEGATIVES: bool = false;
    fn apply<L: Lane>(&self, x: L) -> L;
}

/// A lane-generic function of two inputs.
pub(crate) trait Map2 {
    fn apply<L: Lane>(&self, a: L, b: L) -> L;
}

/// Panics with a message naming both lengths when they differ.
#[inline]
#[track_caller]
pub(crate) fn check_len(op: &str, a_name: &str, a: usize, b_name: &str, b: usize) {
    if a != b {
        len_mismatch(op, a_name, a, b_name, b);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn len_mismatch(op: &str, a_name: &str, a: usize, b_name: &str, b: usize) -> ! {
    panic!("neurokern::{op}: length mismatch: {a_name}.len() = {a} but {b_name}.len() = {b}")
}

/// Panics unless `len >= needed`, naming both.
#[inline]
#[track_caller]
pub(crate) fn check_len_at_least(op: &str, name: &str, len: usize, needed: usize) {
    if len < needed {
        too_short(op, name, len, needed);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn too_short(op: &str, name: &str, len: usize, needed: usize) -> ! {
    panic!("neurokern::{op}: {name}.len() = {len} but at least {needed} are needed")
}

/// Number of partial sums in the canonical reduction order.
pub(crate) const PARTIALS: usize = 8;

/// Folds eight partial sums in the canonical tree:
/// `((p0+p4) + (p2+p6)) + ((p1+p5) + (p3+p7))`.
#[inline(always)]
pub(crate) fn tree8<L: Lane>(p: [L; PARTIALS]) -> L {
    let t = [p[0] + p[4], p[1] + p[5], p[2] + p[6], p[3] + p[7]];
    (t[0] + t[2]) + (t[1] + t[3])
}

/// `Σ a[i]·b[i]` over the common length, in the crate's canonical order:
/// eight partial sums `p[j]`, each starting at +0 and accumulating the
/// products with `i ≡ j (mod 8)` in increasing `i`, folded by [`tree8`].
///
/// The SIMD body keeps the eight partial sums in the lanes of one `f32x8`, so
/// it performs exactly the operations of [`dot_scalar`]: both return the same
/// bits, and so does every target.
#[inline]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    if !SIMD {
        return dot_scalar(a, b);
    }
    let mut acc = f32x8::splat(0.0);
    let mut ac = a.chunks_exact(WIDTH);
    let mut bc = b.chunks_exact(WIDTH);
    for (x, y) in (&mut ac).zip(&mut bc) {
        acc += load8(x) * load8(y);
    }
    let mut p = acc.to_array();
    for (j, (x, y)) in ac.remainder().iter().zip(bc.remainder()).enumerate() {
        p[j] += x * y;
    }
    tree8(p)
}

/// The reference order of [`dot`], one element at a time.
pub(crate) fn dot_scalar(a: &[f32], b: &[f32]) -> f32 {
    let mut p = [0.0f32; PARTIALS];
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        p[i % PARTIALS] += x * y;
    }
    tree8(p)
}

/// `y[i] += alpha · x[i]`, elementwise (so every backend rounds the same).
#[inline]
pub(crate) fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    struct Axpy(f32);
    impl Map2 for Axpy {
        #[inline(always)]
        fn apply<L: Lane>(&self, x: L, y: L) -> L {
            y + L::splat(self.0) * x
        }
    }
    map2_in_place(&Axpy(alpha), x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_simd_equals_scalar_order_bit_for_bit() {
        let mut s = 0x1234_5678u32;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as f32 / u32::MAX as f32 - 0.5) * 8.0
        };
        for n in 0..70 {
            let a: [f32; 70] = core::array::from_fn(|_| next());
            let b: [f32; 70] = core::array::from_fn(|_| next());
            let (x, y) = (dot(&a[..n], &b[..n]), dot_scalar(&a[..n], &b[..n]));
            assert_eq!(x.to_bits(), y.to_bits(), "n = {n}");
        }
    }
}
