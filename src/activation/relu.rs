//! ReLU: exact (one compare and a select), NaN-preserving. Leaky ReLU is in
//! `leaky_relu.rs`.
//!
//! * ReLU(x) = x for x > 0, +0 otherwise; ReLU(−0) = +0, ReLU(NaN) = NaN.
//! * The derivative is 1 for x > 0 and 0 for x ≤ 0, by the usual
//!   convention at 0; NaN gives NaN. From the output it is the same
//!   function, since y > 0 exactly when x > 0.

use super::kernel::{self, Kernel, KernelFromOutput};
use super::accuracy::{Bound, Contract};
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

/// `1` for x > 0, `low` for x ≤ 0, NaN for NaN.
#[inline(always)]
pub(super) fn step<L: Lane>(x: L, low: L) -> L {
    let zero = L::splat(0.0);
    L::select(x.gt(zero), L::splat(1.0), L::select(x.le(zero), low, x))
}

impl Kernel for Relu {
    const CHEAP: bool = true;
    const ZERO_NEGATIVES: bool = true;
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
            // one integer compare of the bits (no FPU compare and flag
            // transfer, no soft-float call): +0 stays x = +0, as x ≤ 0
            // would give, and a NaN of either sign stays x
            let b = x.to_bits();
            L::from_bits(L::bits_select(x.is_negative_number(), L::bits_splat(0), b))
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

impl_activation!(Relu, "Relu");
impl_from_output!(Relu, "Relu");

impl Contract for Relu {
    const BOUNDS: &'static [Bound] = &[
        Bound {
            function: "relu",
            max_ulp: 0.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
        Bound {
            function: "relu_derivative",
            max_ulp: 0.0,
            domain: "all f32",
            max_abs: 0.0,
            abs_within: [0.0, 0.0],
        },
    ];
}

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
