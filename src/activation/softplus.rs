//! Softplus log(1 + e^x) and its derivative σ(x).
//!
//! softplus(x) = max(x, 0) + log1p(t) with `t = e^−|x|` ∈ (0, 1] from the
//! exp core (pre-scaled by 2^64, so t stays normal down to x = −110):
//! * `log1p(t) = 2s + 2s·s²·Q(s²)`, `s = t/(2 + t)` ∈ (0, 1/3] — the atanh
//!   series (Muller, *Elementary Functions*, ch. 11), Q fitted by
//!   `tools/fit_activations.py` (relative error 1.1e−10); the roundings of
//!   `2 + t` and of the quotient are recovered exactly (Fast2Sum, Dekker's
//!   product) and carried as a low part of s, so only the last addition
//!   rounds at full weight;
//! * for t < 2^−24, log1p(t) = t to within a quarter ULP, and softplus(x) for
//!   x ≤ −16.6 is t itself, rounded once (subnormal results included);
//! * for x > 0 the sum `x + log1p(t)` equals x once t is below half an ULP
//!   of x (x > 16.6 or so), as it should.
//!
//! The derivative is σ(x) (the crate's sigmoid kernel, ≤ 2.5 ULP).

use super::accuracy::{Bound, Contract};
use super::exp::{exp_scaled, C};
use super::kernel::Kernel;
use super::twofold::two_prod;
use super::{flat_functions, impl_activation, Sigmoid};
use crate::lanes::Lane;

/// Softplus log(1 + e^x), a smooth ReLU, as an [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, Softplus};
/// assert_eq!(Softplus.forward_array([f32::NEG_INFINITY, 100.0]), [0.0, 100.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Softplus;

/// Q(v) in `log1p(t) = 2s + 2s·v·Q(v)`, `v = s²` (tools/fit_activations.py).
const Q: [f32; 5] = [
    0.333_333_37,
    0.199_994_74,
    0.143_076_05,
    0.107_219_75,
    0.121_224_6,
];
/// G(v) = G0 + v·G1(v) in `softplus(x) = x/2 + G(x²)` near 0 (tools/fit_activations.py):
/// G(v) = log(2·cosh(√v/2)), even, so no exponential and no logarithm.
const G0: f32 = core::f32::consts::LN_2;
const G1: [f32; 6] = [
    0.124_999_93,
    -0.005_207_943_3,
    0.000_346_380_26,
    -2.549_664_9e-5,
    1.692_876_5e-6,
    -6.315_805_5e-8,
];
/// The polynomial covers (−NEAR_LO, NEAR_HI]: beyond −1/2 the sum x/2 + G
/// would cancel.
const NEAR_LO: f32 = 0.5;
const NEAR_HI: f32 = 1.5;
/// 2^−24: below it log1p(t) rounds to t.
const EPS: f32 = 5.960_464_5e-8;

/// log1p(t) for t ∈ [2^−24, 1].
#[inline(always)]
fn log1p_unit<L: Lane>(t: L) -> L {
    let two = L::splat(2.0);
    let d = two + t;
    // 2 + t = d + e exactly (Fast2Sum: |2| ≥ |t|)
    let e = t - (d - two);
    // s = t/(2 + t) = s0 + s_lo: the quotient's rounding error recovered
    // from the exact remainder t − s0·(d + e) (Dekker's product; t − p is
    // exact as p ≈ t)
    let s0 = t / d;
    let (p, pe) = two_prod(s0, d);
    let rem = ((t - p) - pe) - s0 * e;
    let s_lo = rem / d;
    let v = s0 * s0;
    let q = L::splat(Q[0])
        + v * (L::splat(Q[1]) + v * (L::splat(Q[2]) + v * (L::splat(Q[3]) + v * L::splat(Q[4]))));
    let s2 = s0 + s0;
    s2 + ((s_lo + s_lo) + (s2 * v) * q)
}

impl Kernel for Softplus {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        let a = x.abs().min_keep_nan(L::splat(110.0));
        let big_t = exp_scaled::<L, 64>(-a);
        let tiny = big_t * L::splat(C); // t itself, rounded once
        let t = L::select(tiny.lt(L::splat(EPS)), L::splat(EPS), tiny);
        let l = L::select(tiny.lt(L::splat(EPS)), tiny, log1p_unit(t));
        let far = L::select(x.gt(L::splat(0.0)), x + l, l);
        // ln 2 + (x/2 + v·G₁(v)): the varying part is summed at its own
        // scale before the one rounding at ln 2's (monotone in practice;
        // G(0) + (… ) rounded as a whole jumped back by an ULP)
        let v = x * x;
        let g1 = super::gelu::horner(v, &G1);
        let near = L::splat(G0) + (x * L::splat(0.5) + v * g1);
        L::select(
            x.gt(L::splat(-NEAR_LO)),
            L::select(x.le(L::splat(NEAR_HI)), near, far),
            far,
        )
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        Sigmoid.f(x)
    }
}

impl_activation!(Softplus, "Softplus");

impl Contract for Softplus {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "softplus",
            max_ulp: 2.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "softplus_derivative",
            max_ulp: 2.5,
            domain: "all f32 (it is σ)",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
}

flat_functions! {
    kernel: () => Softplus,
    example: (),
    what: "Softplus log(1 + e^x)",
    derivative_what: "Softplus'(x) = σ(x)",
    softplus, softplus_in_place, softplus_scalar, softplus_derivative, softplus_derivative_scalar,
}
