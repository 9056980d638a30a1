//! Activation functions and their derivatives on `f32` slices, arrays and
//! scalars: SIMD (eight lanes through `wide`), no heap, no std.
//!
//! # Three ways in
//!
//! * **Flat functions**: [`sigmoid`], [`tanh`], [`relu`], [`leaky_relu`],
//!   their `_derivative`, `_derivative_from_output`, `_in_place` and
//!   `_scalar` forms.
//! * **The [`Activation`] trait**, implemented by the unit types [`Identity`],
//!   [`Sigmoid`], [`Tanh`], [`Relu`] and [`LeakyRelu`]: adds fixed-size array
//!   forms and the fused backward pass `dx = dy ⊙ φ'`.
//! * **The [`Act`] enum**, which picks an activation at run time (the MLP
//!   stores one per layer) and implements the same trait.
//!
//! All three run the same kernel body, so a scalar call, a slice call and an
//! array call return the same bits for the same input, whatever the slice
//! length or offset, and on every target.
//!
//! # Accuracy
//!
//! See the crate-level table ([`ACCURACY`] holds the same figures, and a test
//! checks both against a sweep of the f32 inputs).
//!
//! # Special values
//!
//! NaN in gives NaN out for every function (ReLU included: a NaN in training
//! must show). ±∞ saturate exactly: σ(−∞) = 0, σ(+∞) = 1, tanh(±∞) = ±1, and
//! every derivative of σ and tanh at ±∞ is +0. Results that should be
//! subnormal are not flushed: σ(−100) = 3.7e−44. ReLU(−0) = +0.

// the table of activations comes first: it declares the kernel files below
#[macro_use]
mod act;
pub use act::Act;

mod accuracy;
mod exp;
pub(crate) mod kernel;
mod twofold;
pub use accuracy::{Bound, ACCURACY};

/// One module per row of the table, its public items re-exported here.
macro_rules! kernel_modules {
    (($d:tt) $(
        $v:ident ( $($p:ident = $pd:literal)? ) in $m:ident = $k:expr, $code:literal, $name:literal,
        $fo:ident, $doc:literal;
    )*) => {
        $( mod $m; pub use $m::*; )*
    };
}
activation_table!(kernel_modules, $);

/// An activation function φ with its derivative, on slices, arrays and
/// scalars.
///
/// Every method of an implementation runs the same kernel body, so
/// `forward_scalar(x)` equals `forward(&[x], ..)` bit for bit.
///
/// # Panics
///
/// The slice methods panic when the slices differ in length; the message
/// names both lengths (like [`slice::copy_from_slice`]).
///
/// # Example
///
/// ```
/// use neurokern::activation::{Activation, Silu};
///
/// let x = [-1.0f32, 0.0, 2.0];
/// let mut y = [0.0; 3];
/// Silu.forward(&x, &mut y);
/// // the fused backward pass: dx = dy ⊙ φ'(x)
/// let dy = [1.0f32; 3];
/// let mut dx = [0.0; 3];
/// Silu.backward(&x, &dy, &mut dx);
/// assert_eq!(dx[1], 0.5);
/// ```
pub trait Activation: Copy {
    /// `y[i] = φ(x[i])`.
    fn forward(&self, x: &[f32], y: &mut [f32]);
    /// `xy[i] = φ(xy[i])`.
    fn forward_in_place(&self, xy: &mut [f32]);
    /// φ over a fixed-size array, returned by value.
    fn forward_array<const N: usize>(&self, x: [f32; N]) -> [f32; N];
    /// φ(x) for one value; the same bits as the slice form.
    fn forward_scalar(&self, x: f32) -> f32;
    /// `d[i] = φ'(x[i])`, from the input.
    fn derivative(&self, x: &[f32], d: &mut [f32]);
    /// φ'(x) for one value.
    fn derivative_scalar(&self, x: f32) -> f32;
    /// Fused backward pass `dx[i] = dy[i] · φ'(x[i])`.
    fn backward(&self, x: &[f32], dy: &[f32], dx: &mut [f32]);
    /// `grad[i] = grad[i] · φ'(x[i])`: the upstream gradient is overwritten.
    fn backward_in_place(&self, x: &[f32], grad: &mut [f32]);
}

/// An activation whose derivative can be computed from its cached output
/// y = φ(x) instead of the input: σ' = y(1 − y), tanh' = 1 − y², and the
/// ReLU family (for a non-negative slope). Back-propagation then needs no
/// exponential and no copy of the pre-activation.
///
/// SiLU, GELU and hard-swish are not one-to-one, so their derivative cannot
/// be recovered from y; they implement [`Activation`] only.
///
/// ```
/// use neurokern::activation::{Activation, FromOutput, Sigmoid};
///
/// let y = Sigmoid.forward_array([0.0f32, 3.0]);
/// let mut dx = [0.0; 2];
/// Sigmoid.backward_from_output(&y, &[1.0, 1.0], &mut dx);
/// assert_eq!(dx[0], 0.25);
/// ```
pub trait FromOutput: Activation {
    /// `d[i] = φ'(x[i])` computed from the cached output `y[i] = φ(x[i])`.
    fn derivative_from_output(&self, y: &[f32], d: &mut [f32]);
    /// φ' from one cached output value.
    fn derivative_from_output_scalar(&self, y: f32) -> f32;
    /// Fused backward pass from the cached output: `dx[i] = dy[i] · φ'(x[i])`
    /// with φ' computed from `y`.
    fn backward_from_output(&self, y: &[f32], dy: &[f32], dx: &mut [f32]);
    /// `grad[i] = grad[i] · φ'` with φ' computed from the cached output `y`.
    fn backward_from_output_in_place(&self, y: &[f32], grad: &mut [f32]);
}

/// Implements [`Activation`] for a type that implements the internal kernel
/// trait, naming the type in panic messages.
macro_rules! impl_activation {
    ($t:ty, $name:literal) => {
        impl $crate::activation::Activation for $t {
            #[track_caller]
            fn forward(&self, x: &[f32], y: &mut [f32]) {
                $crate::activation::kernel::forward(*self, concat!($name, "::forward"), x, y)
            }
            fn forward_in_place(&self, xy: &mut [f32]) {
                $crate::activation::kernel::forward_in_place(*self, xy)
            }
            fn forward_array<const N: usize>(&self, x: [f32; N]) -> [f32; N] {
                $crate::activation::kernel::forward_array(*self, x)
            }
            #[inline]
            fn forward_scalar(&self, x: f32) -> f32 {
                $crate::activation::kernel::Kernel::f(self, x)
            }
            #[track_caller]
            fn derivative(&self, x: &[f32], d: &mut [f32]) {
                $crate::activation::kernel::derivative(*self, concat!($name, "::derivative"), x, d)
            }
            #[inline]
            fn derivative_scalar(&self, x: f32) -> f32 {
                $crate::activation::kernel::Kernel::df(self, x)
            }
            #[track_caller]
            fn backward(&self, x: &[f32], dy: &[f32], dx: &mut [f32]) {
                $crate::activation::kernel::backward(*self, concat!($name, "::backward"), x, dy, dx)
            }
            #[track_caller]
            fn backward_in_place(&self, x: &[f32], grad: &mut [f32]) {
                $crate::activation::kernel::backward_in_place(
                    *self,
                    concat!($name, "::backward_in_place"),
                    x,
                    grad,
                )
            }
        }
    };
}
pub(crate) use impl_activation;

/// Implements [`FromOutput`] for a type that implements the internal
/// `KernelFromOutput` trait.
macro_rules! impl_from_output {
    ($t:ty, $name:literal) => {
        impl $crate::activation::FromOutput for $t {
            #[track_caller]
            fn derivative_from_output(&self, y: &[f32], d: &mut [f32]) {
                $crate::activation::kernel::derivative_from_output(
                    *self,
                    concat!($name, "::derivative_from_output"),
                    y,
                    d,
                )
            }
            #[inline]
            fn derivative_from_output_scalar(&self, y: f32) -> f32 {
                $crate::activation::kernel::KernelFromOutput::df_from_output(self, y)
            }
            #[track_caller]
            fn backward_from_output(&self, y: &[f32], dy: &[f32], dx: &mut [f32]) {
                $crate::activation::kernel::backward_from_output(
                    *self,
                    concat!($name, "::backward_from_output"),
                    y,
                    dy,
                    dx,
                )
            }
            #[track_caller]
            fn backward_from_output_in_place(&self, y: &[f32], grad: &mut [f32]) {
                $crate::activation::kernel::backward_from_output_in_place(
                    *self,
                    concat!($name, "::backward_from_output_in_place"),
                    y,
                    grad,
                )
            }
        }
    };
}
pub(crate) use impl_from_output;

/// The five flat functions of an activation (slice, in place, scalar,
/// derivative, derivative scalar), with their documentation, from one
/// declaration in the activation's own file. `params` become leading `f32`
/// arguments (ELU's α), `example` gives values for them in the doc tests.
macro_rules! flat_functions {
    (
        kernel: ($($p:ident),*) => $k:expr,
        example: ($($pv:literal),*),
        what: $what:literal,
        derivative_what: $dwhat:literal,
        $f:ident, $fi:ident, $fs:ident, $d:ident, $ds:ident $(,)?
    ) => {
        #[doc = concat!($what, " for every element.")]
        ///
        /// The accuracy bound is in [`ACCURACY`](crate::activation::ACCURACY).
        ///
        /// # Panics
        ///
        /// When `x.len() != y.len()`; the message names both lengths.
        ///
        /// # Example
        ///
        /// ```
        /// let x = [-2.0f32, 0.5, 3.0];
        /// let mut y = [0.0; 3];
        #[doc = concat!("neurokern::activation::", stringify!($f), "(", $(stringify!($pv), ", ",)* "&x, &mut y);")]
        #[doc = concat!("assert_eq!(y[1], neurokern::activation::", stringify!($fs), "(", $(stringify!($pv), ", ",)* "0.5));")]
        /// ```
        #[track_caller]
        pub fn $f($($p: f32,)* x: &[f32], y: &mut [f32]) {
            $crate::activation::kernel::forward($k, stringify!($f), x, y)
        }

        #[doc = concat!($what, " in place.")]
        ///
        /// ```
        /// let mut v = [0.5f32; 4];
        #[doc = concat!("neurokern::activation::", stringify!($fi), "(", $(stringify!($pv), ", ",)* "&mut v);")]
        #[doc = concat!("assert_eq!(v[3], neurokern::activation::", stringify!($fs), "(", $(stringify!($pv), ", ",)* "0.5));")]
        /// ```
        pub fn $fi($($p: f32,)* xy: &mut [f32]) {
            $crate::activation::kernel::forward_in_place($k, xy)
        }

        #[doc = concat!($what, " for one value; the same bits as [`", stringify!($f), "`].")]
        ///
        /// ```
        #[doc = concat!("let y = neurokern::activation::", stringify!($fs), "(", $(stringify!($pv), ", ",)* "f32::NAN);")]
        /// assert!(y.is_nan());
        /// ```
        #[inline]
        pub fn $fs($($p: f32,)* x: f32) -> f32 {
            $crate::activation::kernel::Kernel::f(&$k, x)
        }

        #[doc = concat!($dwhat, " for every element, from the input.")]
        ///
        /// # Panics
        ///
        /// When `x.len() != d.len()`; the message names both lengths.
        ///
        /// ```
        /// let mut d = [0.0f32; 2];
        #[doc = concat!("neurokern::activation::", stringify!($d), "(", $(stringify!($pv), ", ",)* "&[1.0, 4.0], &mut d);")]
        #[doc = concat!("assert_eq!(d[0], neurokern::activation::", stringify!($ds), "(", $(stringify!($pv), ", ",)* "1.0));")]
        /// ```
        #[track_caller]
        pub fn $d($($p: f32,)* x: &[f32], d: &mut [f32]) {
            $crate::activation::kernel::derivative($k, stringify!($d), x, d)
        }

        #[doc = concat!($dwhat, " for one value; the same bits as [`", stringify!($d), "`].")]
        ///
        /// ```
        #[doc = concat!("assert!(neurokern::activation::", stringify!($ds), "(", $(stringify!($pv), ", ",)* "f32::NAN).is_nan());")]
        /// ```
        #[inline]
        pub fn $ds($($p: f32,)* x: f32) -> f32 {
            $crate::activation::kernel::Kernel::df(&$k, x)
        }
    };
}
pub(crate) use flat_functions;
