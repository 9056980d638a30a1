//! ReLU6 min(max(x, 0), 6) (Krizhevsky, 2010; the activation of MobileNetV1
//! and V2, and TensorFlow Lite's fused `RELU6`): exact, two clamps.
//!
//! * ReLU6(x) = 0 for x ≤ 0 (ReLU6(−0) = +0, as [`relu`](super::relu)),
//!   x on (0, 6), 6 above; NaN gives NaN.
//! * The derivative follows PyTorch (`hardtanh`'s backward): 1 strictly
//!   inside (0, 6), 0 outside and at both kinks; NaN gives NaN. From the
//!   output it is the same function, since 0 < y < 6 exactly when
//!   0 < x < 6.

use super::accuracy::{Bound, Contract};
use super::exp::clamp;
use super::kernel::{Kernel, KernelFromOutput};
use super::{flat_functions, impl_activation, impl_from_output};
use crate::lanes::Lane;

/// ReLU6 min(max(x, 0), 6), as an [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, Relu6};
/// assert_eq!(Relu6.forward_array([-1.0, 2.5, 7.0]), [0.0, 2.5, 6.0]);
/// assert_eq!(Relu6.derivative_scalar(6.0), 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu6;

/// `1` strictly inside (0, 6), `0` outside, NaN for NaN.
#[inline(always)]
fn inside<L: Lane>(x: L) -> L {
    let out = L::select(x.is_nan(), x, L::splat(0.0));
    L::select(
        x.gt(L::splat(0.0)),
        L::select(x.lt(L::splat(6.0)), L::splat(1.0), out),
        out,
    )
}

impl Kernel for Relu6 {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        // `+ 0` turns the −0 that the clamp passes through into +0; it is
        // exact for every other value
        clamp(x, 0.0, 6.0) + L::splat(0.0)
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        inside(x)
    }
}

impl KernelFromOutput for Relu6 {
    #[inline(always)]
    fn df_from_output<L: Lane>(&self, y: L) -> L {
        inside(y)
    }
}

impl_activation!(Relu6, "Relu6");
impl_from_output!(Relu6, "Relu6");

impl Contract for Relu6 {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "relu6",
            max_ulp: 0.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "relu6_derivative",
            max_ulp: 0.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
}

flat_functions! {
    kernel: () => Relu6,
    example: (),
    what: "ReLU6 min(max(x, 0), 6), exact",
    derivative_what: "ReLU6's derivative (1 inside (0, 6), else 0)",
    relu6, relu6_in_place, relu6_scalar, relu6_derivative, relu6_derivative_scalar,
}
