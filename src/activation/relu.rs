//! ReLU and leaky ReLU: exact (one compare and a select; leaky adds one
//! correctly rounded multiply), NaN-preserving.
//!
//! * ReLU(x) = x for x > 0, +0 otherwise; ReLU(−0) = +0, ReLU(NaN) = NaN.
//! * leaky(x) = x for x ≥ 0 (and for −0, which stays −0), α·x for x < 0.
//! * Derivatives are 1 for x > 0 and 0 (α) for x ≤ 0, by the usual
//!   convention at 0; NaN gives NaN. From the output they are the same
//!   function (for α ≥ 0), since y > 0 exactly when x > 0.

use super::kernel::{self, Kernel, KernelFromOutput};
use super::{impl_activation, impl_from_output};
use crate::lanes::Lane;

/// The rectified linear unit max(x, 0), as an [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, Relu};
/// assert_eq!(Relu.forward_array([-2.0, 3.0]), [0.0, 3.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu;

/// Leaky ReLU with slope `alpha` for negative inputs, as an
/// [`Activation`](super::Activation).
///
/// ```
/// use neurokern::activation::{Activation, LeakyRelu};
/// let l = LeakyRelu::new(0.1);
/// assert_eq!(l.forward_array([-2.0, 3.0]), [-0.2, 3.0]);
/// assert_eq!(LeakyRelu::default().alpha, 0.01);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu {
    /// Slope for x < 0 (conventionally small and positive, e.g. 0.01).
    pub alpha: f32,
}

impl LeakyRelu {
    /// The usual default slope, 0.01 (Maas et al., 2013).
    pub const DEFAULT_ALPHA: f32 = 0.01;

    /// A leaky ReLU with the given negative slope.
    ///
    /// ```
    /// assert_eq!(neurokern::activation::LeakyRelu::new(0.2).alpha, 0.2);
    /// ```
    pub const fn new(alpha: f32) -> Self {
        Self { alpha }
    }
}

impl Default for LeakyRelu {
    fn default() -> Self {
        Self::new(Self::DEFAULT_ALPHA)
    }
}

/// `1` for x > 0, `low` for x ≤ 0, NaN for NaN.
#[inline(always)]
fn step<L: Lane>(x: L, low: L) -> L {
    let zero = L::splat(0.0);
    L::select(x.gt(zero), L::splat(1.0), L::select(x.le(zero), low, x))
}

impl Kernel for Relu {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        // With SIMD, the final `+ 0.0` also keeps LLVM from turning the
        // in-place form into a masked store, which is microcoded and ten
        // times slower on AMD Zen. A NaN stays a NaN (its payload is not
        // part of the contract).
        if crate::lanes::SIMD {
            // `maxps(0, x)` keeps a NaN x; `+ 0` turns −0 into +0: two
            // instructions, the same bits as the select below
            x.max_keep_nan(L::splat(0.0)) + L::splat(0.0)
        } else {
            L::select(x.le(L::splat(0.0)), L::splat(0.0), x)
        }
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        step(x, L::splat(0.0))
    }
}

impl KernelFromOutput for Relu {
    #[inline(always)]
    fn df_from_output<L: Lane>(&self, y: L) -> L {
        step(y, L::splat(0.0))
    }
}

impl Kernel for LeakyRelu {
    #[inline(always)]
    fn f<L: Lane>(&self, x: L) -> L {
        if crate::lanes::SIMD {
            // x · (α or 1): one multiply, exact on the x ≥ 0 arm, and no
            // masked store in the in-place form (see `Relu`).
            L::select(x.lt(L::splat(0.0)), L::splat(self.alpha), L::splat(1.0)) * x
        } else {
            // one lane: multiply only where x < 0 (on a core without an
            // FPU the multiply is a library call of ~110 instructions);
            // x · 1 = x, so the bits are the same
            L::select_with(x.lt(L::splat(0.0)), || L::splat(self.alpha) * x, || x)
        }
    }
    #[inline(always)]
    fn df<L: Lane>(&self, x: L) -> L {
        step(x, L::splat(self.alpha))
    }
}

impl KernelFromOutput for LeakyRelu {
    #[inline(always)]
    fn df_from_output<L: Lane>(&self, y: L) -> L {
        step(y, L::splat(self.alpha))
    }
}

impl_activation!(Relu, "Relu");
impl_from_output!(Relu, "Relu");
impl_activation!(LeakyRelu, "LeakyRelu");
impl_from_output!(LeakyRelu, "LeakyRelu");

/// ReLU(x) = max(x, 0) for every element, exact; ReLU(−0) = +0 and
/// ReLU(NaN) = NaN.
///
/// # Panics
///
/// When `x.len() != y.len()`; the message names both lengths.
///
/// # Example
///
/// ```
/// let x = [-1.0f32, -0.0, 2.5, f32::NAN];
/// let mut y = [0.0; 4];
/// neurokern::activation::relu(&x, &mut y);
/// assert_eq!(&y[..3], &[0.0, 0.0, 2.5]);
/// assert!(y[1].is_sign_positive() && y[3].is_nan());
/// ```
#[track_caller]
pub fn relu(x: &[f32], y: &mut [f32]) {
    kernel::forward(Relu, "relu", x, y)
}

/// ReLU in place, exact.
///
/// ```
/// let mut v = [-3.0f32, 3.0];
/// neurokern::activation::relu_in_place(&mut v);
/// assert_eq!(v, [0.0, 3.0]);
/// ```
pub fn relu_in_place(xy: &mut [f32]) {
    kernel::forward_in_place(Relu, xy)
}

/// ReLU for one value, exact; the same bits as [`relu`].
///
/// ```
/// assert_eq!(neurokern::activation::relu_scalar(-4.0), 0.0);
/// ```
pub fn relu_scalar(x: f32) -> f32 {
    Relu.f(x)
}

/// ReLU'(x): 1 for x > 0, 0 for x ≤ 0, NaN for NaN; exact.
///
/// # Panics
///
/// When `x.len() != d.len()`; the message names both lengths.
///
/// ```
/// let mut d = [9.0f32; 3];
/// neurokern::activation::relu_derivative(&[-1.0, 0.0, 2.0], &mut d);
/// assert_eq!(d, [0.0, 0.0, 1.0]);
/// ```
#[track_caller]
pub fn relu_derivative(x: &[f32], d: &mut [f32]) {
    kernel::derivative(Relu, "relu_derivative", x, d)
}

/// ReLU'(x) for one value; exact.
///
/// ```
/// assert_eq!(neurokern::activation::relu_derivative_scalar(0.5), 1.0);
/// ```
pub fn relu_derivative_scalar(x: f32) -> f32 {
    Relu.df(x)
}

/// Leaky ReLU: x for x ≥ 0, `alpha·x` (one correctly rounded multiply) for
/// x < 0; exact. NaN gives NaN.
///
/// # Panics
///
/// When `x.len() != y.len()`; the message names both lengths.
///
/// ```
/// let mut y = [0.0f32; 2];
/// neurokern::activation::leaky_relu(0.01, &[-100.0, 5.0], &mut y);
/// assert_eq!(y, [-1.0, 5.0]);
/// ```
#[track_caller]
pub fn leaky_relu(alpha: f32, x: &[f32], y: &mut [f32]) {
    kernel::forward(LeakyRelu::new(alpha), "leaky_relu", x, y)
}

/// Leaky ReLU in place; exact.
///
/// ```
/// let mut v = [-10.0f32, 1.0];
/// neurokern::activation::leaky_relu_in_place(0.5, &mut v);
/// assert_eq!(v, [-5.0, 1.0]);
/// ```
pub fn leaky_relu_in_place(alpha: f32, xy: &mut [f32]) {
    kernel::forward_in_place(LeakyRelu::new(alpha), xy)
}

/// Leaky ReLU for one value; the same bits as [`leaky_relu`].
///
/// ```
/// assert_eq!(neurokern::activation::leaky_relu_scalar(0.5, -2.0), -1.0);
/// ```
pub fn leaky_relu_scalar(alpha: f32, x: f32) -> f32 {
    LeakyRelu::new(alpha).f(x)
}

/// Leaky ReLU'(x): 1 for x > 0, `alpha` for x ≤ 0, NaN for NaN; exact.
///
/// # Panics
///
/// When `x.len() != d.len()`; the message names both lengths.
///
/// ```
/// let mut d = [0.0f32; 2];
/// neurokern::activation::leaky_relu_derivative(0.01, &[-3.0, 3.0], &mut d);
/// assert_eq!(d, [0.01, 1.0]);
/// ```
#[track_caller]
pub fn leaky_relu_derivative(alpha: f32, x: &[f32], d: &mut [f32]) {
    kernel::derivative(LeakyRelu::new(alpha), "leaky_relu_derivative", x, d)
}

/// Leaky ReLU'(x) for one value; exact.
///
/// ```
/// assert_eq!(neurokern::activation::leaky_relu_derivative_scalar(0.1, -1.0), 0.1);
/// ```
pub fn leaky_relu_derivative_scalar(alpha: f32, x: f32) -> f32 {
    LeakyRelu::new(alpha).df(x)
}
