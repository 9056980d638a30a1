//! [`Act`]: an activation chosen at run time.

use super::{Activation, Identity, LeakyRelu, Relu, Sigmoid, Tanh};

/// An activation chosen at run time: what a dense layer stores.
///
/// Each method matches once and then runs the chosen kernel over the whole
/// slice, so the dispatch costs one branch per call, not per element.
///
/// ```
/// use neurokern::activation::{Act, Activation};
///
/// let mut y = [0.0f32; 3];
/// for act in [Act::Relu, Act::LeakyRelu(0.1), Act::Tanh] {
///     act.forward(&[-1.0, 0.0, 1.0], &mut y);
///     assert_eq!(y[1].abs(), 0.0);
/// }
/// assert_eq!(Act::LeakyRelu(0.1).forward_scalar(-1.0), -0.1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Act {
    /// φ(x) = x: linear output layers.
    #[default]
    Identity,
    /// The logistic sigmoid.
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// max(x, 0).
    Relu,
    /// x for x ≥ 0, α·x below.
    LeakyRelu(f32),
}

macro_rules! dispatch {
    ($self:expr, $k:ident => $e:expr) => {
        match *$self {
            Act::Identity => {
                let $k = Identity;
                $e
            }
            Act::Sigmoid => {
                let $k = Sigmoid;
                $e
            }
            Act::Tanh => {
                let $k = Tanh;
                $e
            }
            Act::Relu => {
                let $k = Relu;
                $e
            }
            Act::LeakyRelu(alpha) => {
                let $k = LeakyRelu::new(alpha);
                $e
            }
        }
    };
}

impl Act {
    /// A short lower-case name: `identity`, `sigmoid`, `tanh`, `relu`,
    /// `leaky_relu`.
    ///
    /// ```
    /// assert_eq!(neurokern::activation::Act::LeakyRelu(0.01).name(), "leaky_relu");
    /// ```
    pub const fn name(&self) -> &'static str {
        match self {
            Act::Identity => "identity",
            Act::Sigmoid => "sigmoid",
            Act::Tanh => "tanh",
            Act::Relu => "relu",
            Act::LeakyRelu(_) => "leaky_relu",
        }
    }

    /// The one-byte code used by the weight blob format (0 identity,
    /// 1 sigmoid, 2 tanh, 3 relu, 4 leaky ReLU).
    ///
    /// ```
    /// use neurokern::activation::Act;
    /// assert_eq!(Act::from_code(Act::Tanh.code(), 0.0), Some(Act::Tanh));
    /// ```
    pub const fn code(&self) -> u8 {
        match self {
            Act::Identity => 0,
            Act::Sigmoid => 1,
            Act::Tanh => 2,
            Act::Relu => 3,
            Act::LeakyRelu(_) => 4,
        }
    }

    /// The activation for a code from [`Act::code`] (`alpha` is used by leaky
    /// ReLU only); `None` for an unknown code.
    ///
    /// ```
    /// use neurokern::activation::Act;
    /// assert_eq!(Act::from_code(4, 0.2), Some(Act::LeakyRelu(0.2)));
    /// assert_eq!(Act::from_code(9, 0.0), None);
    /// ```
    pub const fn from_code(code: u8, alpha: f32) -> Option<Act> {
        Some(match code {
            0 => Act::Identity,
            1 => Act::Sigmoid,
            2 => Act::Tanh,
            3 => Act::Relu,
            4 => Act::LeakyRelu(alpha),
            _ => return None,
        })
    }

    /// The slope parameter (leaky ReLU's α; 0 for the others).
    ///
    /// ```
    /// assert_eq!(neurokern::activation::Act::LeakyRelu(0.3).alpha(), 0.3);
    /// ```
    pub const fn alpha(&self) -> f32 {
        match self {
            Act::LeakyRelu(a) => *a,
            _ => 0.0,
        }
    }
}

impl Activation for Act {
    #[track_caller]
    fn forward(&self, x: &[f32], y: &mut [f32]) {
        dispatch!(self, k => k.forward(x, y))
    }
    fn forward_in_place(&self, xy: &mut [f32]) {
        dispatch!(self, k => k.forward_in_place(xy))
    }
    fn forward_array<const N: usize>(&self, x: [f32; N]) -> [f32; N] {
        dispatch!(self, k => k.forward_array(x))
    }
    fn forward_scalar(&self, x: f32) -> f32 {
        dispatch!(self, k => k.forward_scalar(x))
    }
    #[track_caller]
    fn derivative(&self, x: &[f32], d: &mut [f32]) {
        dispatch!(self, k => k.derivative(x, d))
    }
    fn derivative_scalar(&self, x: f32) -> f32 {
        dispatch!(self, k => k.derivative_scalar(x))
    }
    #[track_caller]
    fn derivative_from_output(&self, y: &[f32], d: &mut [f32]) {
        dispatch!(self, k => k.derivative_from_output(y, d))
    }
    fn derivative_from_output_scalar(&self, y: f32) -> f32 {
        dispatch!(self, k => k.derivative_from_output_scalar(y))
    }
    #[track_caller]
    fn backward(&self, x: &[f32], dy: &[f32], dx: &mut [f32]) {
        dispatch!(self, k => k.backward(x, dy, dx))
    }
    #[track_caller]
    fn backward_in_place(&self, x: &[f32], grad: &mut [f32]) {
        dispatch!(self, k => k.backward_in_place(x, grad))
    }
    #[track_caller]
    fn backward_from_output(&self, y: &[f32], dy: &[f32], dx: &mut [f32]) {
        dispatch!(self, k => k.backward_from_output(y, dy, dx))
    }
    #[track_caller]
    fn backward_from_output_in_place(&self, y: &[f32], grad: &mut [f32]) {
        dispatch!(self, k => k.backward_from_output_in_place(y, grad))
    }
}
