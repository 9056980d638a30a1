//! Hard swish x·ReLU6(x + 3)/6 (Howard et al., MobileNetV3, 2019).
//!
//! Formed as `(x·(x + 3))/6` on [−3, 3] and `x` above: three correctly
//! rounded steps (≤ 1.5 ULP), monotone on each side of the minimum at −1.5,
//! and finite for every finite x — PyTorch's `x · ReLU6(x + 3) / 6`
//! overflows to ∞ above 5.7e37. Below −3 the result is −0 (also for
//! x = −∞, where the product would be NaN). The derivative
//! follows PyTorch: 0 below −3, `x/3 + 1/2` on [−3, 3] (computed as
//! `(x + 1.5)/3`, one rounding, exact zero at −1.5), 1 above 3.

use super::accuracy::{Bound, Contract};
use super::kernel::Kernel;
use super::{flat_functions, impl_activation};
use crate::lanes::Lane;

/// Hard swish x·min(max(x + 3, 0), 6)/6, as an
/// [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, HardSwish};
/// assert_eq!(HardSwish.forward_array([-4.0, 0.0, 3.0]), [-0.0, 0.0, 3.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HardSwish;

impl Kernel for HardSwish {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        // (x·(x + 3))/6 on [−3, 3]: there the product cannot overflow, and
        // x + 3 is exact on [−3, −1] (Sterbenz), so the falling branch is a
        // rounded exact parabola — monotone; x·((x + 3)/6) was not
        let mid = (x * (x + L::splat(3.0))) / L::splat(6.0);
        let y = L::select(x.lt(L::splat(3.0)), mid, x);
        L::select(x.lt(L::splat(-3.0)), L::splat(-0.0), y)
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        let mid = (x + L::splat(1.5)) / L::splat(3.0);
        let upper = L::select(x.gt(L::splat(3.0)), L::splat(1.0), x); // NaN stays
        L::select(
            x.lt(L::splat(-3.0)),
            L::splat(0.0),
            L::select(x.le(L::splat(3.0)), mid, upper),
        )
    }
}

impl_activation!(HardSwish, "HardSwish");

impl Contract for HardSwish {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "hard_swish",
            max_ulp: 2.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "hard_swish_derivative",
            max_ulp: 1.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
}

flat_functions! {
    kernel: () => HardSwish,
    example: (),
    what: "Hard swish x·min(max(x + 3, 0), 6)/6",
    derivative_what: "The hard swish's derivative (0 below −3, x/3 + 1/2 up to 3, then 1)",
    hard_swish, hard_swish_in_place, hard_swish_scalar, hard_swish_derivative,
    hard_swish_derivative_scalar,
}
