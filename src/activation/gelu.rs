//! GELU, the exact x·Φ(x) (Hendrycks & Gimpel, 2016; PyTorch's default
//! `approximate='none'`), and its derivative Φ(x) + x·φ(x).
//!
//! Φ is the standard normal CDF. Three pieces, each a polynomial fitted by
//! `tools/fit_activations.py` (Lawson-weighted least squares, coefficients
//! rounded to f32 one at a time):
//! * |x| ≤ 3/4: `Φ(x) = 1/2 + x·E(x²)`, and `Φ(x) + x·φ(x) = 1/2 + x·F(x²)`;
//! * beyond, with t = |x|, the normal tail `Φ(−t) = e^−t²/2 · m(t)` where
//!   m is Mills' ratio over √(2π): `m(t) = M(t − 13/8)` on [3/4, 5/2] and
//!   `t·m(t) = R(1/t² − 11/128)` on [5/2, 14.5] (R carries the asymptotic
//!   1/t, so the left tail is `−R · e^−t²/2` with no division).
//!   `e^−t²/2` takes its argument in two parts — `t = t_hi + t_lo` with
//!   t_hi's 12 bits squaring exactly — so the 100-sized exponent keeps the
//!   bits one f32 would lose; it is pre-scaled by 2^64 so that the tail
//!   stays normal until the final multiply.
//! * the left tail is `x·Φ(x)`, the right `x·(1 − Φ(−x))`.
//!
//! GELU(−∞) = −0 (the limit), GELU(+∞) = +∞. The derivative crosses zero at
//! x ≈ −0.7518, where its bound is absolute.

use super::accuracy::{Bound, Contract};
use super::exp::exp_scaled2;
use super::kernel::Kernel;
use super::twofold::split;
use super::{flat_functions, impl_activation};
use crate::lanes::Lane;

/// GELU x·Φ(x) with the exact normal CDF, as an
/// [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, Gelu};
/// assert_eq!(Gelu.forward_array([0.0, f32::INFINITY]), [0.0, f32::INFINITY]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gelu;

/// Where the middle polynomial hands over to the tails.
const A: f32 = 0.75;
/// Where the tail switches from M to R.
const B: f32 = 2.5;
/// t is clamped here: beyond, GELU and GELU' round to ±0 (R is fitted up
/// to 14.5; at 15 its extrapolation only changes values that round to 0).
const T_MAX: f32 = 15.0;
/// 1/√(2π).
const INV_SQRT_2PI: f32 = 0.398_942_3;
/// 2^−64, undoing the tail's scale.
const UNSCALE: f32 = 5.421_011e-20;

/// Φ(x) = 1/2 + x·E(x²) on |x| ≤ 3/4.
const E: [f32; 6] = [
    0.398_942_3,
    -0.066_490_74,
    0.009_976_871,
    -0.001_200_02,
    0.000_136_797_33,
    -2.219_061_4e-5,
];
/// Φ(x) + x·φ(x) = 1/2 + x·F(x²) on |x| ≤ 3/4.
const F: [f32; 6] = [
    0.797_884_6,
    -0.265_962_42,
    0.059_850_77,
    -0.009_537_447,
    0.001_221_181_8,
    -0.000_148_850_35,
];
/// m(t) = M(t − 13/8) on [3/4, 5/2].
const M_CENTER: f32 = 1.625;
const M: [f32; 10] = [
    0.195_023_1,
    -0.082_029_72,
    0.030_862_6,
    -0.010_626_222,
    0.003_397_658_2,
    -0.001_019_996_1,
    0.000_291_550_47,
    -7.956_925_4e-5,
    2.071_303e-5,
    -4.675_825_5e-6,
];
/// t·m(t) = R(1/t² − 11/128) on [5/2, 14.5].
const R_CENTER: f32 = 0.085_937_5;
const R: [f32; 9] = [
    0.371_038_32,
    -0.269_600_4,
    0.487_632_36,
    -1.265_021_2,
    4.071_437,
    -14.484_414,
    51.297_947,
    -370.994_8,
    2_507.753_7,
];

/// `c[0] + v·(c[1] + v·(…))`.
#[inline(always)]
pub(crate) fn horner<L: Lane, const N: usize>(v: L, c: &[f32; N]) -> L {
    let mut acc = L::splat(c[N - 1]);
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        acc = L::splat(c[i]) + v * acc;
    }
    acc
}

/// The pieces both directions need, for `t = min(|x|, 14.5)`.
struct Tail<L: Lane> {
    /// `e^−t²/2 · 2^64`.
    g: L,
    /// m(t) (valid for t < 5/2).
    m_near: L,
    /// t·m(t) (valid for t ≥ 5/2).
    tm_far: L,
    /// t < 5/2.
    near: <L as Lane>::Mask,
}

#[inline(always)]
fn tail<L: Lane>(t: L) -> Tail<L> {
    let (th, tl) = split(t);
    let hi = -(th * th) * L::splat(0.5);
    let lo = -(tl * (t + th)) * L::splat(0.5);
    let g = exp_scaled2::<L, 64>(hi, lo);
    let m_near = horner(t - L::splat(M_CENTER), &M);
    let u = L::splat(1.0) / (t * t);
    let tm_far = horner(u - L::splat(R_CENTER), &R);
    Tail {
        g,
        m_near,
        tm_far,
        near: t.lt(L::splat(B)),
    }
}

impl Kernel for Gelu {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        let a = x.abs();
        let t = a.min_keep_nan(L::splat(T_MAX));
        let k = tail(t);
        // left: x·m(t)·e^−t²/2
        let xm = L::select(k.near, x * k.m_near, -k.tm_far);
        let left = (xm * k.g) * L::splat(UNSCALE);
        // right: x·(1 − m(t)·e^−t²/2)
        let m = L::select(k.near, k.m_near, k.tm_far / t);
        let right = x * (L::splat(1.0) - (m * k.g) * L::splat(UNSCALE));
        let mid = x * (L::splat(0.5) + x * horner(x * x, &E));
        L::select(
            a.le(L::splat(A)),
            mid,
            L::select(x.lt(L::splat(0.0)), left, right),
        )
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        let a = x.abs();
        let t = a.min_keep_nan(L::splat(T_MAX));
        let k = tail(t);
        let m = L::select(k.near, k.m_near, k.tm_far / t);
        // φ(t)·(m/φ-scale − t): Φ(−t) − t·φ(t), and 1 − Φ(−t) + t·φ(t)
        let diff = (m - t * L::splat(INV_SQRT_2PI)) * k.g;
        let left = diff * L::splat(UNSCALE);
        let right = L::splat(1.0) - diff * L::splat(UNSCALE);
        let mid = L::splat(0.5) + x * horner(x * x, &F);
        L::select(
            a.le(L::splat(A)),
            mid,
            L::select(x.lt(L::splat(0.0)), left, right),
        )
    }
}

impl_activation!(Gelu, "Gelu");

impl Contract for Gelu {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "gelu",
            max_ulp: 4.0,
            domain: "|result| ≥ 2^−126",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "gelu_derivative",
            max_ulp: 5.0,
            domain: "|result| ≥ 2^−126, x outside [−2.5, −0.5]; there |error| ≤ 1e−7",
            max_abs: 1.0e-7,
            abs_within: [-2.5, -0.5],
        },
    ];
}

flat_functions! {
    kernel: () => Gelu,
    example: (),
    what: "GELU(x) = x·Φ(x), Φ the standard normal CDF (PyTorch's `approximate='none'`),",
    derivative_what: "GELU'(x) = Φ(x) + x·φ(x)",
    gelu, gelu_in_place, gelu_scalar, gelu_derivative, gelu_derivative_scalar,
}
