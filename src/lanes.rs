//! The lane trait: one kernel body for scalar `f32` and `wide::f32x8`.
//!
//! Every kernel in this crate is written once, generic over [`Lane`]. The
//! trait exposes only IEEE-754 basic operations (`+ − × ÷`, ordered compares,
//! select, and integer operations on the bit pattern), so the eight-lane SIMD
//! body, the scalar tail, a build without AVX and a Cortex-M build (where
//! `wide` falls back to plain arrays) execute the same rounding sequence and
//! return the same bits. Fused multiply-add, approximate reciprocals and
//! `wide`'s own transcendental helpers are deliberately absent.
//!
//! The module also owns the two loops that apply a kernel to slices (an
//! eight-lane body plus a scalar tail) and the canonical summation order used
//! by every dot product in the crate.

use core::ops::{Add, Div, Mul, Neg, Sub};
use wide::{f32x8, u32x8};

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
        self < rhs
    }
    #[inline(always)]
    fn le(self, rhs: Self) -> bool {
        self <= rhs
    }
    #[inline(always)]
    fn gt(self, rhs: Self) -> bool {
        self > rhs
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        self.is_nan()
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
}

/// Four independent lanes of `L`, operated on side by side.
///
/// Each operation of a kernel on `X4<f32x8>` issues four independent
/// instructions back to back, so the CPU's scheduler always has work that does
/// not wait on the ~80-cycle dependency chain of one exp evaluation. It is
/// purely a scheduling device: every lane still goes through exactly the same
/// IEEE operations, so results are unchanged bit for bit.
#[derive(Clone, Copy)]
pub(crate) struct X4<L>([L; 4]);

macro_rules! x4_binop {
    ($tr:ident, $m:ident) => {
        impl<L: Lane> core::ops::$tr for X4<L> {
            type Output = Self;
            #[inline(always)]
            fn $m(self, rhs: Self) -> Self {
                X4(core::array::from_fn(|i| self.0[i].$m(rhs.0[i])))
            }
        }
    };
}
x4_binop!(Add, add);
x4_binop!(Sub, sub);
x4_binop!(Mul, mul);
x4_binop!(Div, div);

impl<L: Lane> Neg for X4<L> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        X4(core::array::from_fn(|i| -self.0[i]))
    }
}

impl<L: Lane> Lane for X4<L> {
    const N: usize = 4 * L::N;
    type Mask = [L::Mask; 4];
    type Bits = [L::Bits; 4];

    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        X4(core::array::from_fn(|i| L::load(&s[i * L::N..])))
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        for (i, l) in self.0.into_iter().enumerate() {
            l.store(&mut s[i * L::N..]);
        }
    }

    #[inline(always)]
    fn splat(v: f32) -> Self {
        X4([L::splat(v); 4])
    }
    #[inline(always)]
    fn lt(self, rhs: Self) -> Self::Mask {
        core::array::from_fn(|i| self.0[i].lt(rhs.0[i]))
    }
    #[inline(always)]
    fn le(self, rhs: Self) -> Self::Mask {
        core::array::from_fn(|i| self.0[i].le(rhs.0[i]))
    }
    #[inline(always)]
    fn gt(self, rhs: Self) -> Self::Mask {
        core::array::from_fn(|i| self.0[i].gt(rhs.0[i]))
    }
    #[inline(always)]
    fn is_nan(self) -> Self::Mask {
        core::array::from_fn(|i| self.0[i].is_nan())
    }
    #[inline(always)]
    fn select(m: Self::Mask, a: Self, b: Self) -> Self {
        X4(core::array::from_fn(|i| L::select(m[i], a.0[i], b.0[i])))
    }
    #[inline(always)]
    fn to_bits(self) -> Self::Bits {
        core::array::from_fn(|i| self.0[i].to_bits())
    }
    #[inline(always)]
    fn from_bits(b: Self::Bits) -> Self {
        X4(core::array::from_fn(|i| L::from_bits(b[i])))
    }
    #[inline(always)]
    fn bits_splat(v: u32) -> Self::Bits {
        [L::bits_splat(v); 4]
    }
    #[inline(always)]
    fn bits_sub(a: Self::Bits, b: Self::Bits) -> Self::Bits {
        core::array::from_fn(|i| L::bits_sub(a[i], b[i]))
    }
    #[inline(always)]
    fn bits_and(a: Self::Bits, b: Self::Bits) -> Self::Bits {
        core::array::from_fn(|i| L::bits_and(a[i], b[i]))
    }
    #[inline(always)]
    fn bits_or(a: Self::Bits, b: Self::Bits) -> Self::Bits {
        core::array::from_fn(|i| L::bits_or(a[i], b[i]))
    }
    #[inline(always)]
    fn bits_shl<const S: u32>(a: Self::Bits) -> Self::Bits {
        core::array::from_fn(|i| L::bits_shl::<S>(a[i]))
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

/// Elements per iteration of the widest body.
const BLOCK: usize = 4 * WIDTH;

#[inline(always)]
fn load32(s: &[f32]) -> X4<f32x8> {
    X4::load(s)
}

#[inline(always)]
fn store32(v: X4<f32x8>, s: &mut [f32]) {
    v.store(s)
}

/// A lane-generic function of one input.
pub(crate) trait Map1 {
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

/// `y[i] = f(x[i])`: eight lanes at a time, then the scalar tail.
#[inline(always)]
pub(crate) fn map1<F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &mut y[..n]);
    if !SIMD {
        for (xi, yi) in x.iter().zip(y.iter_mut()) {
            *yi = f.apply(*xi);
        }
        return;
    }
    let mut xb = x.chunks_exact(BLOCK);
    let mut yb = y.chunks_exact_mut(BLOCK);
    for (xs, ys) in (&mut xb).zip(&mut yb) {
        store32(f.apply(load32(xs)), ys);
    }
    let mut xc = xb.remainder().chunks_exact(WIDTH);
    let mut yc = yb.into_remainder().chunks_exact_mut(WIDTH);
    for (xs, ys) in (&mut xc).zip(&mut yc) {
        store8(f.apply(load8(xs)), ys);
    }
    for (xi, yi) in xc.remainder().iter().zip(yc.into_remainder()) {
        *yi = f.apply(*xi);
    }
}

/// `xy[i] = f(xy[i])` in place.
#[inline(always)]
pub(crate) fn map1_in_place<F: Map1>(f: &F, xy: &mut [f32]) {
    if !SIMD {
        for v in xy.iter_mut() {
            *v = f.apply(*v);
        }
        return;
    }
    let mut b = xy.chunks_exact_mut(BLOCK);
    for s in &mut b {
        let v = f.apply(load32(s));
        store32(v, s);
    }
    let mut c = b.into_remainder().chunks_exact_mut(WIDTH);
    for s in &mut c {
        let v = f.apply(load8(s));
        store8(v, s);
    }
    for v in c.into_remainder() {
        *v = f.apply(*v);
    }
}

/// `out[i] = f(a[i], b[i])`.
#[inline(always)]
pub(crate) fn map2<F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
    let n = a.len().min(b.len()).min(out.len());
    let (a, b, out) = (&a[..n], &b[..n], &mut out[..n]);
    if !SIMD {
        for ((ai, bi), oi) in a.iter().zip(b).zip(out.iter_mut()) {
            *oi = f.apply(*ai, *bi);
        }
        return;
    }
    let mut ab = a.chunks_exact(BLOCK);
    let mut bb = b.chunks_exact(BLOCK);
    let mut ob = out.chunks_exact_mut(BLOCK);
    for ((as_, bs), os) in (&mut ab).zip(&mut bb).zip(&mut ob) {
        store32(f.apply(load32(as_), load32(bs)), os);
    }
    let mut ac = ab.remainder().chunks_exact(WIDTH);
    let mut bc = bb.remainder().chunks_exact(WIDTH);
    let mut oc = ob.into_remainder().chunks_exact_mut(WIDTH);
    for ((as_, bs), os) in (&mut ac).zip(&mut bc).zip(&mut oc) {
        store8(f.apply(load8(as_), load8(bs)), os);
    }
    for ((ai, bi), oi) in ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .zip(oc.into_remainder())
    {
        *oi = f.apply(*ai, *bi);
    }
}

/// `b[i] = f(a[i], b[i])`: the second operand is overwritten with the result.
#[inline(always)]
pub(crate) fn map2_in_place<F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &mut b[..n]);
    if !SIMD {
        for (ai, bi) in a.iter().zip(b.iter_mut()) {
            *bi = f.apply(*ai, *bi);
        }
        return;
    }
    let mut ab = a.chunks_exact(BLOCK);
    let mut bb = b.chunks_exact_mut(BLOCK);
    for (as_, bs) in (&mut ab).zip(&mut bb) {
        let v = f.apply(load32(as_), load32(bs));
        store32(v, bs);
    }
    let mut ac = ab.remainder().chunks_exact(WIDTH);
    let mut bc = bb.into_remainder().chunks_exact_mut(WIDTH);
    for (as_, bs) in (&mut ac).zip(&mut bc) {
        let v = f.apply(load8(as_), load8(bs));
        store8(v, bs);
    }
    for (ai, bi) in ac.remainder().iter().zip(bc.into_remainder()) {
        *bi = f.apply(*ai, *bi);
    }
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
