//! `V<N>`: `N` lanes of `f32` as a plain array, vectorised by the compiler.
//!
//! Every operation is written element by element, exactly as the scalar
//! `f32` lane performs it, so `V<N>` returns the scalar body's bits by
//! construction. LLVM turns each element loop into one vector instruction of
//! whatever width the *enclosing function* is compiled for: inside
//! `#[target_feature(enable = "avx512f")]` a `V<16>` is one zmm register,
//! inside an AVX2 function a `V<8>` is one ymm register, and in a baseline
//! x86-64 build a `V<4>` is one SSE register. That is what lets one binary
//! carry an SSE2, an AVX2 and an AVX-512 body of the same kernel and choose
//! at run time (`crate::dispatch`), which `wide`'s types cannot do: they fix
//! their representation from the compile-time target features.
//!
//! Selects are written as `if m { a } else { b }` on ordered compares, the
//! shape LLVM matches to `minps`/`maxps` when it is a clamp: `vminps(hi, x)`
//! returns its second operand when either is NaN, which is exactly
//! `if hi < x { hi } else { x }`, so a NaN passes through a clamp in one
//! instruction instead of a compare and a blend.

// Index loops over `0..N` on purpose: the plainest shape for LLVM to turn
// into one vector instruction.
#![allow(clippy::needless_range_loop)]

use super::Lane;
use core::ops::{Add, Div, Mul, Neg, Sub};

/// `N` lanes of `f32`; see the module docs.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct V<const N: usize>(pub(crate) [f32; N]);

macro_rules! v_binop {
    ($tr:ident, $m:ident, $op:tt) => {
        impl<const N: usize> $tr for V<N> {
            type Output = Self;
            #[inline(always)]
            fn $m(self, rhs: Self) -> Self {
                let mut r = self.0;
                for i in 0..N {
                    r[i] = self.0[i] $op rhs.0[i];
                }
                V(r)
            }
        }
    };
}
v_binop!(Add, add, +);
v_binop!(Sub, sub, -);
v_binop!(Mul, mul, *);
v_binop!(Div, div, /);

impl<const N: usize> Neg for V<N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        let mut r = self.0;
        for v in r.iter_mut() {
            *v = -*v;
        }
        V(r)
    }
}

#[inline(always)]
fn zip_with<const N: usize, T: Copy, U: Copy, R: Copy + Default>(
    a: [T; N],
    b: [U; N],
    f: impl Fn(T, U) -> R,
) -> [R; N] {
    let mut r = [R::default(); N];
    for i in 0..N {
        r[i] = f(a[i], b[i]);
    }
    r
}

impl<const N: usize> Lane for V<N> {
    const N: usize = N;
    /// All ones where true, zero where false: a bit mask, so a select is a
    /// blend of bit patterns (`[bool; N]` made LLVM pack and unpack bytes).
    type Mask = [u32; N];
    type Bits = [u32; N];

    #[inline(always)]
    fn splat(v: f32) -> Self {
        V([v; N])
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        let mut a = [0.0f32; N];
        a.copy_from_slice(&s[..N]);
        V(a)
    }
    #[inline(always)]
    fn store(self, s: &mut [f32]) {
        s[..N].copy_from_slice(&self.0);
    }
    #[inline(always)]
    fn lt(self, rhs: Self) -> [u32; N] {
        zip_with(self.0, rhs.0, |a, b| ((a < b) as u32).wrapping_neg())
    }
    #[inline(always)]
    fn le(self, rhs: Self) -> [u32; N] {
        zip_with(self.0, rhs.0, |a, b| ((a <= b) as u32).wrapping_neg())
    }
    #[inline(always)]
    fn gt(self, rhs: Self) -> [u32; N] {
        zip_with(self.0, rhs.0, |a, b| ((a > b) as u32).wrapping_neg())
    }
    #[inline(always)]
    fn is_nan(self) -> [u32; N] {
        let mut r = [0u32; N];
        for i in 0..N {
            r[i] = (self.0[i].is_nan() as u32).wrapping_neg();
        }
        r
    }
    #[inline(always)]
    fn is_negative_number(self) -> [u32; N] {
        let mut r = [0u32; N];
        for i in 0..N {
            r[i] = (super::soft::is_negative_number(self.0[i].to_bits()) as u32).wrapping_neg();
        }
        r
    }
    #[inline(always)]
    fn select(m: [u32; N], a: Self, b: Self) -> Self {
        // A blend of the bit patterns, not `if m { a } else { b }`: with
        // both arms in stack arrays LLVM would select between their
        // *addresses* and load lane by lane (tanh ran 10× slower).
        let mut r = b.0;
        for i in 0..N {
            r[i] = f32::from_bits((a.0[i].to_bits() & m[i]) | (b.0[i].to_bits() & !m[i]));
        }
        V(r)
    }
    #[inline(always)]
    fn min_keep_nan(self, hi: Self) -> Self {
        let mut r = self.0;
        for i in 0..N {
            r[i] = if hi.0[i] < self.0[i] {
                hi.0[i]
            } else {
                self.0[i]
            };
        }
        V(r)
    }
    #[inline(always)]
    fn max_keep_nan(self, lo: Self) -> Self {
        let mut r = self.0;
        for i in 0..N {
            r[i] = if lo.0[i] > self.0[i] {
                lo.0[i]
            } else {
                self.0[i]
            };
        }
        V(r)
    }
    #[inline(always)]
    fn to_bits(self) -> [u32; N] {
        let mut r = [0u32; N];
        for i in 0..N {
            r[i] = self.0[i].to_bits();
        }
        r
    }
    #[inline(always)]
    fn from_bits(b: [u32; N]) -> Self {
        let mut r = [0.0f32; N];
        for i in 0..N {
            r[i] = f32::from_bits(b[i]);
        }
        V(r)
    }
    #[inline(always)]
    fn bits_splat(v: u32) -> [u32; N] {
        [v; N]
    }
    #[inline(always)]
    fn bits_sub(a: [u32; N], b: [u32; N]) -> [u32; N] {
        zip_with(a, b, u32::wrapping_sub)
    }
    #[inline(always)]
    fn bits_and(a: [u32; N], b: [u32; N]) -> [u32; N] {
        zip_with(a, b, |a, b| a & b)
    }
    #[inline(always)]
    fn bits_or(a: [u32; N], b: [u32; N]) -> [u32; N] {
        zip_with(a, b, |a, b| a | b)
    }
    #[inline(always)]
    fn bits_shl<const S: u32>(a: [u32; N]) -> [u32; N] {
        let mut r = a;
        for v in r.iter_mut() {
            *v <<= S;
        }
        r
    }
    #[inline(always)]
    fn bits_select(m: [u32; N], a: [u32; N], b: [u32; N]) -> [u32; N] {
        let mut r = b;
        for i in 0..N {
            r[i] = (a[i] & m[i]) | (b[i] & !m[i]);
        }
        r
    }
}
