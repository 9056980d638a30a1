//! ELU(α): x for x > 0, α·(e^x − 1) below (Clevert et al., 2016).
//!
//! The negative branch needs e^x − 1 without the cancellation of computing
//! e^x first. `expm1` here: for x ≥ −ln2/2 the polynomial
//! `x + x²/2 + x³·P(x)` directly; below, `k = ⌊x/ln 2⌋`, `r = x − k·ln 2 ∈
//! [0, ln 2)` (Cody–Waite, as in the exp core) and
//! `e^x − 1 = (2^k − 1) + 2^k·(e^r − 1)`, where `2^k − 1` is exact and the
//! two terms do not cancel (Muller, *Elementary Functions*, ch. 11 describes
//! the reduction). P was fitted by `tools/fit_activations.py` (relative
//! error 1.9e−10 on [−ln2/2, ln 2]). Below −30, e^x − 1 rounds to −1.
//!
//! ELU(−0) = −0, ELU(−∞) = −α. The derivative follows PyTorch: 1 for
//! x > 0, α·e^x for x ≤ 0 (α at 0).

use super::accuracy::{Bound, Contract};
use super::exp::{exp_scaled, floor_log2e, pow2, reduce};
use super::kernel::Kernel;
use super::{flat_functions, impl_activation};
use crate::lanes::Lane;

/// ELU with scale `alpha` for negative inputs, as an
/// [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, Elu};
/// let e = Elu::new(1.0);
/// assert_eq!(e.forward_array([f32::NEG_INFINITY, 2.0]), [-1.0, 2.0]);
/// assert_eq!(Elu::default().alpha, 1.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Elu {
    /// The value ELU approaches as x → −∞ is −α (conventionally 1).
    pub alpha: f32,
}

impl Elu {
    /// The usual α, 1.
    pub const DEFAULT_ALPHA: f32 = 1.0;

    /// An ELU with the given α.
    ///
    /// ```
    /// assert_eq!(neurokern::activation::Elu::new(0.5).alpha, 0.5);
    /// ```
    pub const fn new(alpha: f32) -> Self {
        Self { alpha }
    }
}

impl Default for Elu {
    fn default() -> Self {
        Self::new(Self::DEFAULT_ALPHA)
    }
}

/// P(r) in `e^r − 1 = r + r²/2 + r³·P(r)` (tools/fit_activations.py).
const P: [f32; 6] = [
    0.166_666_66,
    0.041_666_694,
    0.008_333_561,
    0.001_388_198_9,
    0.000_197_504_08,
    2.885_640_8e-5,
];
/// ln 2 / 2: above it the polynomial is used directly.
const HALF_LN2: f32 = 0.346_573_6;

/// `e^r − 1` for r ∈ [−ln2/2, ln 2].
#[inline(always)]
fn expm1_poly<L: Lane>(r: L) -> L {
    let p = L::splat(P[0])
        + r * (L::splat(P[1])
            + r * (L::splat(P[2])
                + r * (L::splat(P[3]) + r * (L::splat(P[4]) + r * L::splat(P[5])))));
    let r2 = r * r;
    r + (r2 * L::splat(0.5) + (r2 * r) * p)
}

/// `e^x − 1` for x ≤ 0 (and NaN).
#[inline(always)]
pub(crate) fn expm1_neg<L: Lane>(x: L) -> L {
    let xc = x.max_keep_nan(L::splat(-30.0));
    let small = expm1_poly(xc);
    let (biased, k) = floor_log2e(xc);
    let r = reduce(xc, k);
    let two_k = pow2::<L, 0>(biased);
    let big = (two_k - L::splat(1.0)) + two_k * expm1_poly(r);
    L::select(xc.lt(L::splat(-HALF_LN2)), big, small)
}

impl Kernel for Elu {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        if L::N == 1 {
            L::select_with(
                x.lt(L::splat(0.0)),
                || L::splat(self.alpha) * expm1_neg(x),
                || x,
            )
        } else {
            L::select(x.lt(L::splat(0.0)), L::splat(self.alpha) * expm1_neg(x), x)
        }
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        // α·e^x with e^x scaled by 2^64 (normal down to x = −110); the last
        // multiply rounds a subnormal result once more
        let e = exp_scaled::<L, 64>(x.max_keep_nan(L::splat(-110.0)).min_keep_nan(L::splat(0.0)));
        let neg = (L::splat(self.alpha) * e) * L::splat(5.421_011e-20);
        L::select(x.gt(L::splat(0.0)), L::splat(1.0), neg)
    }
}

impl_activation!(Elu, "Elu");

impl Contract for Elu {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "elu",
            max_ulp: 2.0,
            domain: "all f32, α = 1",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "elu_derivative",
            max_ulp: 2.0,
            domain: "result ≥ 2^−126, α = 1",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
}

flat_functions! {
    kernel: (alpha) => Elu::new(alpha),
    example: (1.0),
    what: "ELU(α, x) = x for x > 0, α·(e^x − 1) otherwise,",
    derivative_what: "ELU'(α, x) = 1 for x > 0, α·e^x otherwise,",
    elu, elu_in_place, elu_scalar, elu_derivative, elu_derivative_scalar,
}
