//! [`Network`]: an architecture and its parameters, side by side.

use super::init::Init;
use super::{Layer, ParamSet};
use rand_core::RngCore;

/// A network: the architecture `layers` (a [`Dense`](super::Dense) or
/// [`Chain`](super::Chain) of them) and its parameters.
///
/// Every byte is known at compile time ([`Network::INFERENCE_BYTES`]), and
/// the constructors are `const`, so a network can live in a `static`.
///
/// ```
/// use neurokern::{activation::Act, mlp};
/// use neurokern::nn::{init::{Init, SplitMix64}, Dense, Network};
///
/// type Net = mlp![Dense<2, 8>, Dense<8, 1>];
/// let mut net = Network::<Net>::new(mlp![Dense::new(Act::Relu), Dense::new(Act::Sigmoid)]);
/// net.init(Init::Auto, &mut SplitMix64::new(7));
/// let mut y = [0.0f32];
/// net.forward(&[0.5, -1.0], &mut y);
/// assert!(y[0] > 0.0 && y[0] < 1.0);
/// assert_eq!(Network::<Net>::INFERENCE_BYTES, core::mem::size_of::<Network<Net>>() + (8 + 1) * 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Network<L: Layer> {
    /// The architecture (activations).
    pub layers: L,
    /// The weights and biases.
    pub params: L::Params,
}

impl<L: Layer> Network<L> {
    /// Bytes of the network itself (parameters and activations).
    pub const MODEL_BYTES: usize = core::mem::size_of::<Self>();
    /// Bytes needed to run inference: the network plus the largest amount of
    /// activations a forward pass holds on the stack at once (bounded by the
    /// sum of all layer outputs).
    pub const INFERENCE_BYTES: usize = Self::MODEL_BYTES + Self::RAM_BYTES;
    /// Of [`Network::INFERENCE_BYTES`], what a network in a `static` keeps
    /// in flash (read-only memory): the network itself.
    pub const FLASH_BYTES: usize = Self::MODEL_BYTES;
    /// Of [`Network::INFERENCE_BYTES`], what must be RAM when the network is
    /// a `static` in flash: the activations a forward pass holds on the
    /// stack (bounded by the sum of all layer outputs).
    ///
    /// ```
    /// use neurokern::{mlp, nn::{Dense, Network}};
    /// type Sine = mlp![Dense<1, 16>, Dense<16, 16>, Dense<16, 1>];
    /// assert_eq!(Network::<Sine>::FLASH_BYTES + Network::<Sine>::RAM_BYTES,
    ///            Network::<Sine>::INFERENCE_BYTES);
    /// assert_eq!(Network::<Sine>::RAM_BYTES, 4 * (16 + 16 + 1));
    /// ```
    pub const RAM_BYTES: usize = 4 * L::ACTIVATIONS;

    /// The architecture with all parameters zero.
    pub const fn new(layers: L) -> Self {
        Self {
            layers,
            params: L::Params::ZERO,
        }
    }

    /// The architecture with the given parameters.
    ///
    /// ```
    /// use neurokern::{activation::Act, nn::{Dense, DenseParams, Network}};
    /// static NET: Network<Dense<1, 1>> = Network::with_params(
    ///     Dense::new(Act::Relu), DenseParams { w: [[2.0]], b: [-1.0] });
    /// let mut y = [0.0];
    /// NET.forward(&[3.0], &mut y);
    /// assert_eq!(y, [5.0]);
    /// ```
    pub const fn with_params(layers: L, params: L::Params) -> Self {
        Self { layers, params }
    }

    /// Inference: `y = f(x)`.
    ///
    /// ```
    /// use neurokern::{activation::Act, nn::{Dense, Network}};
    /// let net = Network::new(Dense::<3, 2>::new(Act::Sigmoid));
    /// let mut y = [0.0; 2];
    /// net.forward(&[1.0, 2.0, 3.0], &mut y);
    /// assert_eq!(y, [0.5, 0.5]);
    /// ```
    pub fn forward(&self, x: &L::Input, y: &mut L::Output) {
        self.layers.forward(&self.params, x, y);
    }

    /// Inference on a batch: `ys[k] = f(xs[k])`.
    ///
    /// # Panics
    ///
    /// When `xs.len() != ys.len()`; the message names both lengths.
    ///
    /// ```
    /// use neurokern::{activation::Act, nn::{Dense, Network}};
    /// let net = Network::new(Dense::<1, 1>::new(Act::Tanh));
    /// let mut ys = [[9.0f32]; 2];
    /// net.forward_batch(&[[1.0], [2.0]], &mut ys);
    /// assert_eq!(ys, [[0.0], [0.0]]);
    /// ```
    #[track_caller]
    pub fn forward_batch(&self, xs: &[L::Input], ys: &mut [L::Output]) {
        crate::lanes::check_len("Network::forward_batch", "xs", xs.len(), "ys", ys.len());
        for (x, y) in xs.iter().zip(ys.iter_mut()) {
            self.forward(x, y);
        }
    }

    /// Initialises every layer's weights with `scheme` (biases to zero),
    /// drawing from `rng`; the same seed gives the same weights on every
    /// target.
    ///
    /// ```
    /// use neurokern::{activation::Act, nn::{init::{Init, SplitMix64}, Dense, Network}};
    /// let mut a = Network::new(Dense::<4, 4>::new(Act::Tanh));
    /// let mut b = a;
    /// a.init(Init::XavierUniform, &mut SplitMix64::new(1));
    /// b.init(Init::XavierUniform, &mut SplitMix64::new(1));
    /// assert_eq!(a, b);
    /// ```
    pub fn init(&mut self, scheme: Init, rng: &mut impl RngCore) {
        self.layers.for_each_layer_mut(&mut self.params, &mut |r| {
            scheme.fill(r.fan_in, r.fan_out, *r.act, r.weights, rng);
            r.bias.fill(0.0);
        });
    }
}
