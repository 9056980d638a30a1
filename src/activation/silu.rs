//! SiLU (swish) x·σ(x) and its derivative.
//!
//! * SiLU(x) = `(x·c) / (c + W)` with `W = e^−x · c`, `c = 2^−64` — σ's
//!   form with x folded into the numerator, so the result rounds once after
//!   the exponential (≤ 2 ULP) instead of once more for the product. `x·c`
//!   is exact for |x| ≥ 2^−60; below, SiLU(x) = x/2 (its relative distance
//!   from x·σ(x) is under 2^−61). The numerator's x is clamped to −110,
//!   where x·σ(x) already rounds to −0, so SiLU(−∞) = −0 (the limit; PyTorch
//!   returns NaN there).
//! * SiLU'(x) = σ(x) + x·σ'(x), as one fraction in `t = e^−|x|` (see
//!   [`swish_derivative`]), no y(1−y) cancellation for large x. It crosses
//!   zero at x ≈ −1.2785, where `(1 + t) + x` cancels: the bound there is
//!   absolute.
//!
//! No derivative from the output: SiLU is not one-to-one (its minimum is at
//! x ≈ −1.2785), so a layer using it keeps its pre-activation for training.

use super::accuracy::{Bound, Contract};
use super::exp::{clamp, exp_scaled, one_plus_t_squared_scaled, C, SCALE_UP, SCALE_UP_INV};
use super::kernel::Kernel;
use super::{flat_functions, impl_activation};
use crate::lanes::Lane;

/// SiLU / swish x·σ(x) (Elfwing et al. 2018; Ramachandran et al. 2017), as
/// an [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, Silu};
/// assert_eq!(Silu.forward_array([0.0, f32::INFINITY]), [0.0, f32::INFINITY]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Silu;

/// Below this |x|, SiLU(x) = x/2 to within 2^−61 relative.
const TINY: f32 = 8.673_617e-19; // 2^−60

impl Kernel for Silu {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        let w = exp_scaled::<L, -64>(clamp(-x, -40.0, 110.0));
        let num = x.max_keep_nan(L::splat(-110.0)) * L::splat(C);
        let big = num / (L::splat(C) + w);
        L::select(x.abs().lt(L::splat(TINY)), x * L::splat(0.5), big)
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        let t = exp_scaled::<L, 100>(-x.abs().min_keep_nan(L::splat(150.0)));
        swish_derivative(t, x.lt(L::splat(0.0)), x)
    }
}

/// `σ(v) + xd·σ'(v)` from `T = e^−|v|·2^100` and the sign of v: the
/// derivative of x·σ(v(x)) with `xd = x·v'(x)` (SiLU: v = x, xd = x; the
/// tanh-GELU: v = 2u, xd = x·2u'). With `t = e^−|v|` it is
/// `t·((1 + t) + xd) / (1 + t)²` for v < 0 and `((1 + t) + xd·t) / (1 + t)²`
/// for v ≥ 0: one exponential, and one final division that rounds a
/// subnormal result once (σ and x·σ' rounded separately lose 46 ULP near
/// x = −91). The caller clamps |v| to 150 (T stays normal); xd is clamped
/// to [−10^4, 2^100], so that ∞·0 never appears and a clamped t (e^−150)
/// times xd still rounds to 0.
#[inline(always)]
pub(crate) fn swish_derivative<L: Lane>(big_t: L, neg: L::Mask, xd: L) -> L {
    let t = big_t * L::splat(SCALE_UP_INV);
    let xd = clamp(xd, -1.0e4, SCALE_UP);
    let one_t = L::splat(1.0) + t;
    let num = L::select(
        neg,
        big_t * (one_t + xd),
        (one_t + xd * t) * L::splat(SCALE_UP),
    );
    num / one_plus_t_squared_scaled(big_t)
}

impl_activation!(Silu, "Silu");

impl Contract for Silu {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "silu",
            max_ulp: 3.0,
            domain: "|result| ≥ 2^−126",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "silu_derivative",
            max_ulp: 5.0,
            domain: "|result| ≥ 2^−126, x outside [−2.5, −0.5]; there |error| ≤ 1e−7",
            max_abs: 1.0e-7,
            abs_within: [-2.5, -0.5],
        },
    ];
}

flat_functions! {
    kernel: () => Silu,
    example: (),
    what: "SiLU(x) = x·σ(x)",
    derivative_what: "SiLU'(x) = σ(x)·(1 + x·(1 − σ(x)))",
    silu, silu_in_place, silu_scalar, silu_derivative, silu_derivative_scalar,
}
