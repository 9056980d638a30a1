//! Hard sigmoid ReLU6(x + 3)/6 (Howard et al., MobileNetV3, 2019): σ's
//! shape from one add, two clamps and one division.
//!
//! `x + 3` is exact near the lower kink (Sterbenz), and the division by 6 is
//! correctly rounded, so the result is within 1 ULP. The derivative follows
//! PyTorch: 1/6 strictly inside (−3, 3), 0 outside and at both kinks.

use super::accuracy::{Bound, Contract};
use super::exp::clamp;
use super::kernel::Kernel;
use super::{flat_functions, impl_activation};
use crate::lanes::Lane;

/// Hard sigmoid min(max(x + 3, 0), 6) / 6, as an
/// [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, HardSigmoid};
/// assert_eq!(HardSigmoid.forward_array([-4.0, 0.0, 3.0]), [0.0, 0.5, 1.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HardSigmoid;

/// 1/6 rounded to f32: the slope between the kinks.
pub(crate) const SIXTH: f32 = 1.0 / 6.0;

/// `1/6` strictly inside (−3, 3), `0` outside, NaN for NaN.
#[inline(always)]
pub(crate) fn inside<L: Lane>(x: L, v: L) -> L {
    let m = L::splat(3.0);
    let out = L::select(x.is_nan(), x, L::splat(0.0));
    L::select(x.gt(-m), L::select(x.lt(m), v, out), out)
}

impl Kernel for HardSigmoid {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        clamp(x + L::splat(3.0), 0.0, 6.0) / L::splat(6.0)
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        inside(x, L::splat(SIXTH))
    }
}

impl_activation!(HardSigmoid, "HardSigmoid");

impl Contract for HardSigmoid {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "hard_sigmoid",
            max_ulp: 1.5,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "hard_sigmoid_derivative",
            max_ulp: 0.5,
            domain: "all f32 (1/6 rounded to f32 inside (−3, 3))",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
}

flat_functions! {
    kernel: () => HardSigmoid,
    example: (),
    what: "Hard sigmoid min(max(x + 3, 0), 6)/6",
    derivative_what: "The hard sigmoid's derivative (1/6 inside (−3, 3), else 0)",
    hard_sigmoid, hard_sigmoid_in_place, hard_sigmoid_scalar, hard_sigmoid_derivative,
    hard_sigmoid_derivative_scalar,
}
