//! The logistic sigmoid σ(x) = 1 / (1 + e^−x) and its derivative.
//!
//! * σ(x) = c / (c + W) with `W = e^−x · c`, `c = 2^−64` (the shared exp
//!   core; `−x` clamped to [−40, 110], beyond which σ is 1 or 0). One
//!   division, which rounds a subnormal result once, so σ(−100) is right
//!   rather than flushed. Every step is monotone in `W`, and `W` is monotone
//!   in x, so σ is monotone over all f32.
//! * With `t = e^−|x|`, pre-scaled by 2^100 as `T`:
//! * σ'(x) = t/(1+t)² for every x (it is even), as `T / ((1 + t(2 + t))·2^100)`:
//!   the square is expanded so that only the final `1 + …` rounds at full
//!   weight, and the scaled denominator makes a subnormal result round once.
//!   It never forms `y·(1−y)`, which cancels to 0 for x > 16.6 while the true
//!   σ' is still 6e−8.

use super::exp::{clamp, exp_scaled, one_plus_t_squared_scaled, C};
use super::kernel::{self, Kernel, KernelFromOutput};
use super::accuracy::{Bound, Contract};
use super::{impl_activation, impl_from_output};
use crate::lanes::Lane;

/// The logistic sigmoid σ(x) = 1 / (1 + e^−x), as an [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, Sigmoid};
/// assert_eq!(Sigmoid.forward_array([0.0, f32::INFINITY]), [0.5, 1.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sigmoid;

impl Kernel for Sigmoid {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        let w = exp_scaled::<L, -64>(clamp(-x, -40.0, 110.0));
        L::splat(C) / (L::splat(C) + w)
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        let t = exp_scaled::<L, 100>(-x.abs().min_keep_nan(L::splat(110.0)));
        t / one_plus_t_squared_scaled(t)
    }
}

impl KernelFromOutput for Sigmoid {
    #[inline(always)]
    fn df_from_output<L: Lane>(&self, y: L) -> L {
        y * (L::splat(1.0) - y)
    }
}

impl_activation!(Sigmoid, "Sigmoid");
impl_from_output!(Sigmoid, "Sigmoid");

impl Contract for Sigmoid {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "sigmoid",
            max_ulp: 2.5,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "sigmoid_derivative",
            max_ulp: 3.0,
            domain: "result ≥ 2^−126",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "sigmoid_derivative_from_output",
            max_ulp: 2.0,
            domain: "y in [0, 1], against y(1−y)",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
}

/// σ(x) = 1 / (1 + e^−x) for every element, within 2.5 ULP of the exact
/// result for every f32 input.
///
/// # Panics
///
/// When `x.len() != y.len()`; the message names both lengths.
///
/// # Example
///
/// ```
/// let x = [-100.0f32, 0.0, 1.0];
/// let mut y = [0.0; 3];
/// neurokern::activation::sigmoid(&x, &mut y);
/// assert!(y[0] > 0.0 && y[0] < 1e-43); // subnormal, not flushed
/// assert_eq!(y[1], 0.5);
/// assert!((y[2] - 0.731_058_6).abs() < 1e-7);
/// ```
#[track_caller]
pub fn sigmoid(x: &[f32], y: &mut [f32]) {
    kernel::forward(Sigmoid, "sigmoid", x, y)
}

/// σ in place, within 2.5 ULP: `xy[i] = σ(xy[i])`.
///
/// ```
/// let mut v = [0.0f32, f32::NEG_INFINITY];
/// neurokern::activation::sigmoid_in_place(&mut v);
/// assert_eq!(v, [0.5, 0.0]);
/// ```
pub fn sigmoid_in_place(xy: &mut [f32]) {
    kernel::forward_in_place(Sigmoid, xy)
}

/// σ(x) for one value, within 2.5 ULP; the same bits as [`sigmoid`].
///
/// ```
/// assert_eq!(neurokern::activation::sigmoid_scalar(0.0), 0.5);
/// ```
pub fn sigmoid_scalar(x: f32) -> f32 {
    Sigmoid.f(x)
}

/// σ'(x) = σ(x)(1 − σ(x)) from the input, within 3 ULP wherever σ'(x) ≥ 2^−126
/// and accurate into the subnormal range beyond (it reaches 0 only where the
/// true value rounds to 0, near |x| = 103.3).
///
/// # Panics
///
/// When `x.len() != d.len()`; the message names both lengths.
///
/// # Example
///
/// ```
/// let x = [0.0f32, 20.0];
/// let mut d = [0.0; 2];
/// neurokern::activation::sigmoid_derivative(&x, &mut d);
/// assert_eq!(d[0], 0.25);
/// assert!(d[1] > 2.0e-9); // y(1−y) would give 0 here
/// ```
#[track_caller]
pub fn sigmoid_derivative(x: &[f32], d: &mut [f32]) {
    kernel::derivative(Sigmoid, "sigmoid_derivative", x, d)
}

/// σ'(x) for one value; the same bits as [`sigmoid_derivative`].
///
/// ```
/// assert_eq!(neurokern::activation::sigmoid_derivative_scalar(0.0), 0.25);
/// ```
pub fn sigmoid_derivative_scalar(x: f32) -> f32 {
    Sigmoid.df(x)
}

/// σ' from the cached output: `d[i] = y[i]·(1 − y[i])`, two roundings.
///
/// Cheaper than [`sigmoid_derivative`] (no exponential) and what
/// back-propagation uses, but it loses relative accuracy where y is close to
/// 1 (it is exactly 0 once σ(x) rounds to 1, for x > 16.6).
///
/// # Panics
///
/// When `y.len() != d.len()`; the message names both lengths.
///
/// ```
/// let mut d = [0.0f32; 2];
/// neurokern::activation::sigmoid_derivative_from_output(&[0.5, 1.0], &mut d);
/// assert_eq!(d, [0.25, 0.0]);
/// ```
#[track_caller]
pub fn sigmoid_derivative_from_output(y: &[f32], d: &mut [f32]) {
    kernel::derivative_from_output(Sigmoid, "sigmoid_derivative_from_output", y, d)
}

/// `y·(1 − y)` for one cached output; the same bits as the slice form.
///
/// ```
/// assert_eq!(neurokern::activation::sigmoid_derivative_from_output_scalar(0.5), 0.25);
/// ```
pub fn sigmoid_derivative_from_output_scalar(y: f32) -> f32 {
    Sigmoid.df_from_output(y)
}
