//! The tanh approximation of GELU (PyTorch's `approximate='tanh'`):
//! `½x·(1 + tanh(u))`, `u = √(2/π)·(x + 0.044715·x³)`, evaluated as
//! `x·σ(2u)` (the same function: 1 + tanh u = 2σ(2u)).
//!
//! The bound is against this formula, not against exact GELU (from which it
//! differs by up to 4.7e−4 absolute). `2u` reaches 110 in magnitude where
//! the result is still a normal number, so it is formed exactly enough with
//! Dekker products and sums (`twofold`) and handed to the exp core in two
//! parts; otherwise one f32 rounding of 2u would cost ~100 ULP in the left
//! tail. x is clamped to ±20 inside σ (σ(2u) is exactly 1 or rounds to 0
//! beyond) and to −20 in the product, so gelu_tanh(−∞) = −0.

use super::accuracy::{Bound, Contract};
use super::exp::{exp_scaled2, C};
use super::kernel::Kernel;
use super::silu::swish_derivative;
use super::twofold::{two_prod, two_sum};
use super::{flat_functions, impl_activation};
use crate::lanes::Lane;

/// GELU's tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as an
/// [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, GeluTanh};
/// assert_eq!(GeluTanh.forward_array([0.0, f32::INFINITY]), [0.0, f32::INFINITY]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GeluTanh;

/// 2·√(2/π) = K_HI + K_LO.
const K_HI: f32 = 1.595_769_2;
const K_LO: f32 = -4.534_068e-8;
/// 0.044715 = A_HI + A_LO.
const A_HI: f32 = 0.044_715;
const A_LO: f32 = 1.546_144_4e-9;

/// `−2u` as `(hi, lo)` for x in [−20, 20].
#[inline(always)]
fn minus_two_u<L: Lane>(x: L) -> (L, L) {
    let (s, se) = two_prod(x, x);
    let (c, ce) = two_prod(x, s);
    let ce = ce + x * se;
    let (a3, a3e) = two_prod(L::splat(A_HI), c);
    let a3e = a3e + (L::splat(A_HI) * ce + L::splat(A_LO) * c);
    let (w, we) = two_sum(x, a3);
    let we = we + a3e;
    let (v, ve) = two_prod(L::splat(K_HI), w);
    let ve = ve + (L::splat(K_HI) * we + L::splat(K_LO) * w);
    (-v, -ve)
}

impl Kernel for GeluTanh {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        let xc = x.max_keep_nan(L::splat(-20.0));
        let (hi, lo) = minus_two_u(xc.min_keep_nan(L::splat(20.0)));
        // σ(2u) = c/(c + W), W = e^−2u·c; −2u ≤ −40 means σ = 1
        let hic = hi
            .min_keep_nan(L::splat(110.0))
            .max_keep_nan(L::splat(-40.0));
        let w = exp_scaled2::<L, -64>(hic, lo);
        // x·σ(2u) = (x·c)/(c + W): one rounding after the exponential; x·c
        // is exact for |x| ≥ 2^−60, below which the result is x/2
        let big = (xc * L::splat(C)) / (L::splat(C) + w);
        L::select(x.abs().lt(L::splat(8.673_617e-19)), x * L::splat(0.5), big)
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        let xc = x.max_keep_nan(L::splat(-20.0)).min_keep_nan(L::splat(20.0));
        let (hi, lo) = minus_two_u(xc);
        // t = e^−|2u|·2^100 from the two-part argument
        let neg = hi.gt(L::splat(0.0)); // −2u > 0: 2u < 0
        let a_hi = L::select(neg, -hi, hi).max_keep_nan(L::splat(-150.0));
        let t = exp_scaled2::<L, 100>(a_hi, L::select(neg, -lo, lo));
        // x·d(2u)/dx = x·K·(1 + 3·0.044715·x²)
        let du = L::splat(K_HI) * (L::splat(1.0) + L::splat(3.0 * A_HI) * (xc * xc));
        swish_derivative(t, neg, x * du)
    }
}

impl_activation!(GeluTanh, "GeluTanh");

impl Contract for GeluTanh {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "gelu_tanh",
            max_ulp: 3.0,
            domain: "|result| ≥ 2^−126, against its own formula",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "gelu_tanh_derivative",
            max_ulp: 7.0,
            domain: "|result| ≥ 2^−126, x outside [−2.5, −0.5]; there |error| ≤ 1e−7",
            max_abs: 1.0e-7,
            abs_within: [-2.5, -0.5],
        },
    ];
}

flat_functions! {
    kernel: () => GeluTanh,
    example: (),
    what: "GELU's tanh approximation ½x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (PyTorch's `approximate='tanh'`)",
    derivative_what: "The tanh-GELU's derivative",
    gelu_tanh, gelu_tanh_in_place, gelu_tanh_scalar, gelu_tanh_derivative,
    gelu_tanh_derivative_scalar,
}
