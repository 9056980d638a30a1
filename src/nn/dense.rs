//! The dense layer: `y = φ(Wx + b)` with const-generic shapes.
//!
//! Weights are stored input-major, `w[i][o]` (the transpose of PyTorch's
//! `[out, in]`), so the forward pass is a sequence of `axpy`s over output
//! blocks with no horizontal reduction; it runs in the slice-level
//! [`dense_core`](super::dense_core), which [`BlobModel`](super::io::BlobModel)
//! shares. (Back-propagation's `dx = Wᵀ·dz` is a true dot product over
//! contiguous memory and uses the crate's canonical 8-partial-sum order.)

use super::dense_core::dense_core;
use super::{Layer, LayerKind, LayerRecord, LayerRecordMut, ParamSet};
use crate::activation::{Act, Activation};
use crate::lanes;

/// The parameters of a [`Dense`] layer (also the type of its gradients and
/// optimiser moments): `w[i][o]`, input-major, and `b[o]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DenseParams<const IN: usize, const OUT: usize> {
    /// Weights, `w[i][o]` = the weight from input `i` to output `o`.
    pub w: [[f32; OUT]; IN],
    /// Biases.
    pub b: [f32; OUT],
}

impl<const IN: usize, const OUT: usize> DenseParams<IN, OUT> {
    /// All zeros.
    pub const ZERO: Self = Self {
        w: [[0.0; OUT]; IN],
        b: [0.0; OUT],
    };
}

impl<const IN: usize, const OUT: usize> ParamSet for DenseParams<IN, OUT> {
    const LEN: usize = IN * OUT + OUT;
    const ZERO: Self = Self::ZERO;

    const SEGMENTS: usize = 2;

    fn segment(&self, i: usize) -> &[f32] {
        match i {
            0 => self.w.as_flattened(),
            1 => &self.b,
            _ => segment_out_of_range(i, 2),
        }
    }
    fn segment_mut(&mut self, i: usize) -> &mut [f32] {
        match i {
            0 => self.w.as_flattened_mut(),
            1 => &mut self.b,
            _ => segment_out_of_range(i, 2),
        }
    }
}

#[cold]
#[track_caller]
pub(crate) fn segment_out_of_range(i: usize, n: usize) -> ! {
    panic!("neurokern::ParamSet::segment: index {i} but the set has {n} segments")
}

/// A fully connected layer `y = φ(Wx + b)` from `[f32; IN]` to `[f32; OUT]`:
/// the architecture (its activation φ); the weights are a
/// [`DenseParams<IN, OUT>`](DenseParams).
///
/// ```
/// use neurokern::activation::Act;
/// use neurokern::nn::{Dense, DenseParams, Layer};
///
/// // y = relu(2·x0 − x1 + 0.5)
/// let layer = Dense::<2, 1>::new(Act::Relu);
/// let p = DenseParams { w: [[2.0], [-1.0]], b: [0.5] };
/// let mut y = [0.0];
/// layer.forward(&p, &[1.0, 3.0], &mut y);
/// assert_eq!(y, [0.0]);
/// layer.forward(&p, &[1.0, 1.0], &mut y);
/// assert_eq!(y, [1.5]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dense<const IN: usize, const OUT: usize> {
    /// The activation φ.
    pub act: Act,
}

impl<const IN: usize, const OUT: usize> Dense<IN, OUT> {
    /// A dense layer with activation `act`.
    ///
    /// ```
    /// static LAYER: neurokern::nn::Dense<4, 3> =
    ///     neurokern::nn::Dense::new(neurokern::activation::Act::Tanh);
    /// assert_eq!(LAYER.act, neurokern::activation::Act::Tanh);
    /// ```
    pub const fn new(act: Act) -> Self {
        Self { act }
    }
}

/// `y = φ(Wx + b)`: the shared slice-level core.
#[inline]
pub(crate) fn dense_forward<const IN: usize, const OUT: usize>(
    act: Act,
    p: &DenseParams<IN, OUT>,
    x: &[f32; IN],
    y: &mut [f32; OUT],
) {
    dense_core(act, p.w.as_flattened(), &p.b[..], x, y);
}

/// What a [`Dense`] layer keeps from the forward pass for the backward
/// pass: the pre-activation `z = Wx + b` and the output `y = φ(z)`.
///
/// Back-propagation takes φ' from `y` where the activation allows it
/// ([`Act::has_derivative_from_output`]: σ, tanh, the ReLU family with a
/// non-negative slope — no exponential) and from `z` otherwise (SiLU, GELU,
/// ELU, softplus, the hard variants, leaky ReLU with α < 0). The activation
/// is a run-time value, so the cache has room for both.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DenseCache<const OUT: usize> {
    /// The pre-activation `Wx + b`.
    pub z: [f32; OUT],
    /// The output `φ(z)`.
    pub y: [f32; OUT],
}

impl<const IN: usize, const OUT: usize> Layer for Dense<IN, OUT> {
    type Input = [f32; IN];
    type Output = [f32; OUT];
    type Params = DenseParams<IN, OUT>;
    type Cache = DenseCache<OUT>;
    const CACHE: Self::Cache = DenseCache {
        z: [0.0; OUT],
        y: [0.0; OUT],
    };

    const DEPTH: usize = 1;
    const ACTIVATIONS: usize = OUT;
    const DEFAULT: Self = Self::new(Act::Identity);

    fn forward(&self, p: &Self::Params, x: &[f32; IN], y: &mut [f32; OUT]) {
        dense_forward(self.act, p, x, y);
    }

    fn forward_cached(&self, p: &Self::Params, x: &[f32; IN], cache: &mut DenseCache<OUT>) {
        // the same operations per element as the fused inference pass
        dense_forward(Act::Identity, p, x, &mut cache.z);
        self.act.forward(&cache.z, &mut cache.y);
    }

    fn output(cache: &DenseCache<OUT>) -> &[f32; OUT] {
        &cache.y
    }

    fn backward(
        &self,
        p: &Self::Params,
        x: &[f32; IN],
        cache: &DenseCache<OUT>,
        dy: &mut [f32; OUT],
        dx: Option<&mut [f32; IN]>,
        grads: &mut DenseParams<IN, OUT>,
    ) {
        // dz = dy ⊙ φ'(z): from the cached output where φ allows it (no
        // exponential), from the cached pre-activation otherwise
        if self.act.has_derivative_from_output() {
            self.act.backward_from_output_in_place(&cache.y, dy);
        } else {
            self.act.backward_in_place(&cache.z, dy);
        }
        let dz = &*dy;
        for (gw, xi) in grads.w.iter_mut().zip(x) {
            lanes::axpy(*xi, dz, gw);
        }
        lanes::axpy(1.0, dz, &mut grads.b);
        if let Some(dx) = dx {
            for (d, wr) in dx.iter_mut().zip(&p.w) {
                *d = lanes::dot(wr, dz);
            }
        }
    }

    fn for_each_layer(&self, p: &Self::Params, f: &mut impl FnMut(LayerRecord<'_>)) {
        f(LayerRecord {
            kind: LayerKind::Dense,
            fan_in: IN,
            fan_out: OUT,
            act: self.act,
            weights: p.w.as_flattened(),
            bias: &p.b,
        });
    }

    fn for_each_layer_mut(&mut self, p: &mut Self::Params, f: &mut impl FnMut(LayerRecordMut<'_>)) {
        f(LayerRecordMut {
            kind: LayerKind::Dense,
            fan_in: IN,
            fan_out: OUT,
            act: &mut self.act,
            weights: p.w.as_flattened_mut(),
            bias: &mut p.b,
        });
    }
}
