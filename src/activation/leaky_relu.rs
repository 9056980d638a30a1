//! Leaky ReLU: exact on x ≥ 0, one correctly rounded multiply below,
//! NaN-preserving.
//!
//! * leaky(x) = x for x ≥ 0 (and for −0, which stays −0), α·x for x < 0.
//! * The derivative is 1 for x > 0 and α for x ≤ 0, by the usual convention
//!   at 0; NaN gives NaN. From the output it is the same function for
//!   α ≥ 0, since y > 0 exactly when x > 0.

use super::kernel::{self, Kernel, KernelFromOutput};
use super::relu::step;
use super::accuracy::{Bound, Contract};
use super::{impl_activation, impl_from_output};
use crate::lanes::Lane;

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
    /// Slope for x < 0: conventionally small and positive (0.01), but any
    /// finite value works, negative included — networks with a negative α
    /// train (back-propagation then takes φ' from the pre-activation) and
    /// load from blobs; a NaN or infinite α is refused by training, by
    /// `to_bytes` and by every blob reader.
    pub alpha: f32,
}

impl LeakyRelu {
    /// The usual default slope, 0.01 (Maas et al., 2013).
    pub const DEFAULT_ALPHA: f32 = 0.01;

    /// A leaky ReLU with slope `alpha` for x < 0 (any finite value; see
    /// [`LeakyRelu::alpha`]).
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

impl_activation!(LeakyRelu, "LeakyRelu");
impl_from_output!(LeakyRelu, "LeakyRelu");

impl Contract for LeakyRelu {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "leaky_relu",
            max_ulp: 0.5,
            domain: "all f32 (α·x correctly rounded)",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "leaky_relu_derivative",
            max_ulp: 0.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
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
