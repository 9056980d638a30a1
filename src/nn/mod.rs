//! A multilayer perceptron whose every byte is known at compile time: dense
//! layers with const-generic shapes, composed into networks of any depth,
//! that infer and train (back-propagation, SGD / momentum / Adam) with no
//! heap.
//!
//! # Shapes are types
//!
//! A [`Dense<IN, OUT>`](Dense) maps `[f32; IN]` to `[f32; OUT]`. Layers are
//! chained with [`Chain`] (or the [`mlp!`](crate::mlp) macro); a chain only
//! implements [`Layer`] when each layer's output type is the next layer's
//! input type, so a mismatched network does not compile.
//!
//! ```
//! use neurokern::activation::Act;
//! use neurokern::mlp;
//! use neurokern::nn::{Dense, Layer, Network};
//!
//! // 2 → 8 → 1, tanh then sigmoid
//! type Xor = mlp![Dense<2, 8>, Dense<8, 1>];
//! let net = Network::<Xor>::new(mlp![Dense::new(Act::Tanh), Dense::new(Act::Sigmoid)]);
//! let mut y = [0.0f32; 1];
//! net.forward(&[1.0, 0.0], &mut y);
//! assert_eq!(y, [0.5]); // all weights are zero until initialised
//! assert_eq!(Xor::PARAMS, 2 * 8 + 8 + 8 + 1);
//! ```
//!
//! # Parameters as segments
//!
//! Stable Rust cannot name an array of `IN * OUT + OUT` floats in a generic
//! type, so a network's parameters are not one array. Instead every
//! [`ParamSet`] (a layer's [`DenseParams`], a chain of them) is a fixed
//! sequence of contiguous `f32` segments, visited in one canonical order by
//! [`ParamSet::for_each`] and friends. Optimisers walk parameters, gradients
//! and moments segment by segment; [`ParamSet::copy_to`] and
//! [`ParamSet::copy_from`] give the flat `&[f32]` view in that same order.
//! Gradients and optimiser moments have the parameters' own type, so they can
//! sit in `static`s beside the network.

mod chain;
mod dense;
mod dense_core;
pub mod flash;
pub mod init;
pub mod io;
pub mod loss;
mod memory;
mod network;
pub mod optim;
mod repeat;
#[cfg(feature = "safetensors")]
#[cfg_attr(docsrs, doc(cfg(feature = "safetensors")))]
pub mod safetensors;
mod train;

pub use chain::Chain;
pub use dense::{Dense, DenseCache, DenseParams};
pub use memory::fits;
pub use network::Network;
pub use repeat::Repeat;
pub use train::{TrainError, Trainer};

/// A fixed-size vector of `f32`: the input or output of a layer.
///
/// Implemented for `[f32; N]`.
pub trait Vector: Copy {
    /// Number of elements.
    const LEN: usize;
    /// All zeros.
    const ZERO: Self;
    /// The elements.
    fn as_slice(&self) -> &[f32];
    /// The elements, mutably.
    fn as_mut_slice(&mut self) -> &mut [f32];
}

impl<const N: usize> Vector for [f32; N] {
    const LEN: usize = N;
    const ZERO: Self = [0.0; N];
    fn as_slice(&self) -> &[f32] {
        self
    }
    fn as_mut_slice(&mut self) -> &mut [f32] {
        self
    }
}

/// A fixed collection of `f32` parameters (or gradients, or optimiser
/// moments of the same shape), visited as contiguous segments in one
/// canonical order.
pub trait ParamSet: Sized {
    /// Total number of scalars.
    const LEN: usize;
    /// All zeros (for gradients and moments in `static`s).
    const ZERO: Self;
    /// Number of contiguous segments (two per dense layer: weights, biases).
    const SEGMENTS: usize;

    /// Segment `i` (`i < SEGMENTS`), in canonical order.
    ///
    /// # Panics
    ///
    /// When `i >= Self::SEGMENTS`.
    fn segment(&self, i: usize) -> &[f32];
    /// Segment `i`, mutably.
    ///
    /// # Panics
    ///
    /// When `i >= Self::SEGMENTS`.
    fn segment_mut(&mut self, i: usize) -> &mut [f32];

    /// Calls `f` on each segment in order.
    fn for_each(&self, f: &mut impl FnMut(&[f32])) {
        for i in 0..Self::SEGMENTS {
            f(self.segment(i));
        }
    }
    /// Calls `f` on each segment in order, mutably.
    fn for_each_mut(&mut self, f: &mut impl FnMut(&mut [f32])) {
        for i in 0..Self::SEGMENTS {
            f(self.segment_mut(i));
        }
    }
    /// Walks `self` and `other` together, segment by segment.
    fn zip2(&mut self, other: &Self, f: &mut impl FnMut(&mut [f32], &[f32])) {
        for i in 0..Self::SEGMENTS {
            f(self.segment_mut(i), other.segment(i));
        }
    }
    /// Walks `self`, `g` and `m` together.
    fn zip3(&mut self, g: &Self, m: &mut Self, f: &mut impl FnMut(&mut [f32], &[f32], &mut [f32])) {
        for i in 0..Self::SEGMENTS {
            f(self.segment_mut(i), g.segment(i), m.segment_mut(i));
        }
    }
    /// Walks `self`, `g`, `m` and `v` together.
    fn zip4(
        &mut self,
        g: &Self,
        m: &mut Self,
        v: &mut Self,
        f: &mut impl FnMut(&mut [f32], &[f32], &mut [f32], &mut [f32]),
    ) {
        for i in 0..Self::SEGMENTS {
            f(
                self.segment_mut(i),
                g.segment(i),
                m.segment_mut(i),
                v.segment_mut(i),
            );
        }
    }

    /// Sets every scalar to zero.
    fn fill_zero(&mut self) {
        self.for_each_mut(&mut |s| s.fill(0.0));
    }

    /// Copies every scalar, in canonical order, into `out[..Self::LEN]`.
    ///
    /// # Panics
    ///
    /// When `out.len() < Self::LEN`; the message names both lengths.
    fn copy_to(&self, out: &mut [f32]) {
        crate::lanes::check_len_at_least("ParamSet::copy_to", "out", out.len(), Self::LEN);
        let mut at = 0;
        self.for_each(&mut |s| {
            out[at..at + s.len()].copy_from_slice(s);
            at += s.len();
        });
    }

    /// Loads every scalar, in canonical order, from `src[..Self::LEN]`.
    ///
    /// # Panics
    ///
    /// When `src.len() < Self::LEN`; the message names both lengths.
    fn copy_from(&mut self, src: &[f32]) {
        crate::lanes::check_len_at_least("ParamSet::copy_from", "src", src.len(), Self::LEN);
        let mut at = 0;
        self.for_each_mut(&mut |s| {
            let n = s.len();
            s.copy_from_slice(&src[at..at + n]);
            at += n;
        });
    }

    /// `Σ x²` over every scalar (for gradient-norm clipping), segment by
    /// segment in canonical order with the crate's canonical dot product.
    fn sum_of_squares(&self) -> f32 {
        let mut total = 0.0f32;
        self.for_each(&mut |s| total += crate::lanes::dot(s, s));
        total
    }
}

/// A differentiable map from `Self::Input` to `Self::Output`: a [`Dense`]
/// layer or a [`Chain`] of layers. The value holds the architecture (the
/// activations); the trainable parameters are a separate [`ParamSet`] of type
/// `Self::Params`, so that parameters, gradients and optimiser moments all
/// share one type. [`Network`] pairs the two.
pub trait Layer {
    /// `[f32; IN]`.
    type Input: Vector;
    /// `[f32; OUT]`.
    type Output: Vector;
    /// The parameters (and the type of their gradients and moments).
    type Params: ParamSet;
    /// What the forward pass keeps for the backward pass.
    type Cache;

    /// Number of trainable scalars.
    const PARAMS: usize = <Self::Params as ParamSet>::LEN;
    /// An empty cache (for `static`s).
    const CACHE: Self::Cache;

    /// Inference: `y = f(x)`. Intermediate activations live on the stack.
    fn forward(&self, p: &Self::Params, x: &Self::Input, y: &mut Self::Output);

    /// Forward pass for training: keeps what [`Layer::backward`] needs in
    /// `cache`; the output is [`Layer::output`]`(cache)`.
    fn forward_cached(&self, p: &Self::Params, x: &Self::Input, cache: &mut Self::Cache);

    /// The output stored by [`Layer::forward_cached`].
    fn output(cache: &Self::Cache) -> &Self::Output;

    /// Back-propagation. On entry `dy` holds ∂L/∂y; it is used as scratch.
    /// Adds ∂L/∂θ to `grads` (so a mini-batch accumulates) and, if given,
    /// writes ∂L/∂x to `dx`.
    fn backward(
        &self,
        p: &Self::Params,
        x: &Self::Input,
        cache: &Self::Cache,
        dy: &mut Self::Output,
        dx: Option<&mut Self::Input>,
        grads: &mut Self::Params,
    );

    /// Number of dense layers.
    const DEPTH: usize;
    /// Number of activations the layers produce (the sum of their output
    /// widths): what inference keeps in RAM besides the weights.
    const ACTIVATIONS: usize;
    /// The same architecture with every activation set to identity (the
    /// starting point when a blob supplies the activations).
    const DEFAULT: Self;

    /// Calls `f` with each layer's [`LayerRecord`] (kind, shape,
    /// activation, parameter segments), in order: what serialisation and
    /// checks read.
    fn for_each_layer(&self, p: &Self::Params, f: &mut impl FnMut(LayerRecord<'_>));

    /// Calls `f` with each layer's [`LayerRecordMut`], in order:
    /// initialisation and loading write through it.
    fn for_each_layer_mut(&mut self, p: &mut Self::Params, f: &mut impl FnMut(LayerRecordMut<'_>));
}

/// The kind of a layer: how its record's shape and segments are to be read.
/// Blob format v2 stores it as one byte per layer.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LayerKind {
    /// `y = φ(Wx + b)`; weights input-major `w[i * fan_out + o]`, then
    /// `fan_out` biases.
    Dense,
}

impl LayerKind {
    /// The blob v2 byte (0 = dense).
    ///
    /// ```
    /// use neurokern::nn::LayerKind;
    /// assert_eq!(LayerKind::from_code(LayerKind::Dense.code()), Some(LayerKind::Dense));
    /// assert_eq!(LayerKind::from_code(7), None);
    /// ```
    pub const fn code(self) -> u8 {
        match self {
            LayerKind::Dense => 0,
        }
    }

    /// The kind for a blob byte; `None` for a kind this build does not know.
    pub const fn from_code(code: u8) -> Option<LayerKind> {
        match code {
            0 => Some(LayerKind::Dense),
            _ => None,
        }
    }
}

/// One layer, described by itself: what [`Layer::for_each_layer`] yields.
///
/// ```
/// use neurokern::{activation::Act, mlp, nn::{Dense, Layer, LayerKind, Network}};
/// type Net = mlp![Dense<3, 4>, Dense<4, 1>];
/// let net = Network::<Net>::new(mlp![Dense::new(Act::Gelu), Dense::new(Act::Identity)]);
/// let mut shapes = vec![];
/// net.layers.for_each_layer(&net.params, &mut |r| {
///     assert_eq!(r.kind, LayerKind::Dense);
///     shapes.push((r.fan_in, r.fan_out, r.act, r.weights.len(), r.bias.len()));
/// });
/// assert_eq!(shapes, [(3, 4, Act::Gelu, 12, 4), (4, 1, Act::Identity, 4, 1)]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LayerRecord<'a> {
    /// The kind.
    pub kind: LayerKind,
    /// Inputs.
    pub fan_in: usize,
    /// Outputs.
    pub fan_out: usize,
    /// The activation.
    pub act: crate::activation::Act,
    /// The weights (for [`LayerKind::Dense`]: input-major, `w[i * fan_out + o]`).
    pub weights: &'a [f32],
    /// The biases.
    pub bias: &'a [f32],
}

/// One layer, mutably: what [`Layer::for_each_layer_mut`] yields.
#[derive(Debug)]
pub struct LayerRecordMut<'a> {
    /// The kind.
    pub kind: LayerKind,
    /// Inputs.
    pub fan_in: usize,
    /// Outputs.
    pub fan_out: usize,
    /// The activation.
    pub act: &'a mut crate::activation::Act,
    /// The weights (layout as in [`LayerRecord::weights`]).
    pub weights: &'a mut [f32],
    /// The biases.
    pub bias: &'a mut [f32],
}

/// Builds a network type or value from layers, right-nested in [`Chain`]s.
///
/// `mlp![A, B, C]` is `Chain<A, Chain<B, C>>` in type position and
/// `Chain::new(a, Chain::new(b, c))` in expression position.
///
/// ```
/// use neurokern::{activation::Act, mlp, nn::{Dense, Layer, Network}};
///
/// type Sine = mlp![Dense<1, 16>, Dense<16, 16>, Dense<16, 1>];
/// static NET: Network<Sine> = Network::new(
///     mlp![Dense::new(Act::Tanh), Dense::new(Act::Tanh), Dense::new(Act::Identity)]);
/// assert_eq!(Sine::PARAMS, 16 + 16 + 16 * 16 + 16 + 16 + 1);
/// # let _ = &NET;
/// ```
#[macro_export]
macro_rules! mlp {
    ($t:ident < $($g:tt),* > $(,)?) => { $t<$($g),*> };
    ($t:ident < $($g:tt),* >, $($rest:tt)+) => {
        $crate::nn::Chain<$t<$($g),*>, $crate::mlp!($($rest)+)>
    };
    ($e:expr $(,)?) => { $e };
    ($e:expr, $($rest:tt)+) => { $crate::nn::Chain::new($e, $crate::mlp!($($rest)+)) };
}
