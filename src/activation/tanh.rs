//! The hyperbolic tangent and its derivative.
//!
//! For |x| < atanh(1/2) ≈ 0.5493 tanh is an odd polynomial
//! `a + a³·P(a²)` (P of degree 4, fitted by `tools/fit_poly.py`, relative
//! error 5.4e−9 before f32 evaluation). Above, with `W = e^2|x| · c` from the
//! shared exp core (`c = 2^−64`), `tanh|x| = 1 − 2c/(c + W)`: the correction
//! term is at most 1/2 there, so its rounding errors are damped before the
//! final subtraction, and every step is monotone in `W`.
//! The sign is copied from x at the end, so tanh is odd bit for bit and
//! tanh(−0) = −0.
//!
//! tanh'(x) = 1 − tanh² = 4t/(1+t)², computed as `4T / ((1+t)²·2^100)` like σ', so it
//! keeps its relative accuracy for large |x| where `1 − y²` is 0.

use super::exp::{exp_scaled, one_plus_t_squared_scaled, C};
use super::kernel::{self, Kernel, KernelFromOutput};
use super::accuracy::{Bound, Contract};
use super::{impl_activation, impl_from_output};
use crate::lanes::Lane;

/// atanh(1/2): below it the polynomial is used, above it the exponential.
const SWITCH: f32 = 0.549_306_1;
/// P(s) in tanh(a) = a + a³·P(a²) on [0, atanh(1/2)] (tools/fit_poly.py).
const P0: f32 = -0.333_333_16;
const P1: f32 = 0.133_325_93;
const P2: f32 = -0.053_853_095;
const P3: f32 = 0.021_075_156;
const P4: f32 = -0.006_279_474_6;

/// The hyperbolic tangent, as an [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, Tanh};
/// assert_eq!(Tanh.forward_array([-0.0, f32::INFINITY]).map(f32::to_bits),
///            [(-0.0f32).to_bits(), 1.0f32.to_bits()]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tanh;

impl Kernel for Tanh {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        let a = x.abs();
        let m = a.lt(L::splat(SWITCH));
        let y = if L::N == 1 {
            // a scalar lane evaluates only the branch it needs (a
            // microcontroller saves the exponential for |x| < 0.55)
            L::select_with(m, || small(a), || large(a))
        } else {
            // vectors compute both; direct calls of `#[inline(always)]`
            // functions, never closures, so that nothing leaves the
            // `#[target_feature]` block function (a closure did, and ran
            // without AVX)
            L::select(m, small(a), large(a))
        };
        y.with_sign_of(x)
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        let a = x.abs();
        let t = exp_scaled::<L, 100>(-(a + a).min_keep_nan(L::splat(110.0)));
        (t * L::splat(4.0)) / one_plus_t_squared_scaled(t)
    }
}

impl KernelFromOutput for Tanh {
    #[inline(always)]
    fn df_from_output<L: Lane>(&self, y: L) -> L {
        (L::splat(1.0) - y) * (L::splat(1.0) + y)
    }
}

/// tanh(a) for 0 ≤ a < atanh(½): the odd polynomial.
#[inline(always)]
fn small<L: Lane>(a: L) -> L {
    let s = a * a;
    let p = L::splat(P0)
        + s * (L::splat(P1) + s * (L::splat(P2) + s * (L::splat(P3) + s * L::splat(P4))));
    a + (a * s) * p
}

/// tanh(a) for a ≥ atanh(½) (and NaN): `1 − 2c/(c + e^2a·c)`. `2a ≥ 0`
/// already (a = |x|), so only the upper clamp is needed.
#[inline(always)]
fn large<L: Lane>(a: L) -> L {
    let w = exp_scaled::<L, -64>((a + a).min_keep_nan(L::splat(110.0)));
    L::splat(1.0) - L::splat(C + C) / (L::splat(C) + w)
}

impl_activation!(Tanh, "Tanh");
impl_from_output!(Tanh, "Tanh");

impl Contract for Tanh {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "tanh",
            max_ulp: 2.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "tanh_derivative",
            max_ulp: 3.0,
            domain: "result ≥ 2^−126",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "tanh_derivative_from_output",
            max_ulp: 2.0,
            domain: "y in [−1, 1], against 1−y²",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
}

/// tanh(x) for every element, within 2 ULP of the exact result
/// for every f32 input; odd bit for bit.
///
/// # Panics
///
/// When `x.len() != y.len()`; the message names both lengths.
///
/// # Example
///
/// ```
/// let x = [-0.0f32, 0.5, -20.0];
/// let mut y = [0.0; 3];
/// neurokern::activation::tanh(&x, &mut y);
/// assert!(y[0] == 0.0 && y[0].is_sign_negative());
/// assert!((y[1] - 0.462_117_16).abs() < 1e-7);
/// assert_eq!(y[2], -1.0);
/// ```
#[track_caller]
pub fn tanh(x: &[f32], y: &mut [f32]) {
    kernel::forward(Tanh, "tanh", x, y)
}

/// tanh in place, within 2 ULP: `xy[i] = tanh(xy[i])`.
///
/// ```
/// let mut v = [0.0f32, f32::NEG_INFINITY];
/// neurokern::activation::tanh_in_place(&mut v);
/// assert_eq!(v, [0.0, -1.0]);
/// ```
pub fn tanh_in_place(xy: &mut [f32]) {
    kernel::forward_in_place(Tanh, xy)
}

/// tanh(x) for one value, within 2 ULP; the same bits as [`tanh`](fn@tanh).
///
/// ```
/// assert_eq!(neurokern::activation::tanh_scalar(f32::INFINITY), 1.0);
/// ```
pub fn tanh_scalar(x: f32) -> f32 {
    Tanh.f(x)
}

/// tanh'(x) = 1 − tanh²(x) from the input, within 3 ULP wherever the result is
/// ≥ 2^−126, and accurate into the subnormal range beyond.
///
/// # Panics
///
/// When `x.len() != d.len()`; the message names both lengths.
///
/// # Example
///
/// ```
/// let x = [0.0f32, 12.0];
/// let mut d = [0.0; 2];
/// neurokern::activation::tanh_derivative(&x, &mut d);
/// assert_eq!(d[0], 1.0);
/// assert!(d[1] > 1.5e-10); // 1 − y² would give 0 here
/// ```
#[track_caller]
pub fn tanh_derivative(x: &[f32], d: &mut [f32]) {
    kernel::derivative(Tanh, "tanh_derivative", x, d)
}

/// tanh'(x) for one value; the same bits as [`tanh_derivative`].
///
/// ```
/// assert_eq!(neurokern::activation::tanh_derivative_scalar(0.0), 1.0);
/// ```
pub fn tanh_derivative_scalar(x: f32) -> f32 {
    Tanh.df(x)
}

/// tanh' from the cached output: `d[i] = (1 − y[i])·(1 + y[i])`.
///
/// No exponential; loses relative accuracy where |y| is close to 1 (exactly 0
/// once tanh(x) rounds to ±1, for |x| > 9.01).
///
/// # Panics
///
/// When `y.len() != d.len()`; the message names both lengths.
///
/// ```
/// let mut d = [0.0f32; 2];
/// neurokern::activation::tanh_derivative_from_output(&[0.0, -1.0], &mut d);
/// assert_eq!(d, [1.0, 0.0]);
/// ```
#[track_caller]
pub fn tanh_derivative_from_output(y: &[f32], d: &mut [f32]) {
    kernel::derivative_from_output(Tanh, "tanh_derivative_from_output", y, d)
}

/// `(1 − y)(1 + y)` for one cached output; the same bits as the slice form.
///
/// ```
/// assert_eq!(neurokern::activation::tanh_derivative_from_output_scalar(0.0), 1.0);
/// ```
pub fn tanh_derivative_from_output_scalar(y: f32) -> f32 {
    Tanh.df_from_output(y)
}
