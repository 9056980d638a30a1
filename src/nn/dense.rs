//! The dense layer: `y = φ(Wx + b)` with const-generic shapes.
//!
//! Weights are stored input-major, `w[i][o]` (the transpose of PyTorch's
//! `[out, in]`), so the forward pass is a sequence of `axpy`s over output
//! blocks: every output lane accumulates its own sum and no horizontal
//! reduction is needed. Each output accumulates `w[i][o]·x[i]` from +0 in
//! increasing `i`, then adds its bias: every output lane is its own sequential
//! sum, so the SIMD tiles (up to 64 outputs at a time, sharing each broadcast
//! of `x[i]`) and the scalar tail (one output) run the same sequence, and
//! results are identical on every backend. (Back-propagation's `dx = Wᵀ·dz`
//! is a true dot product over contiguous memory and uses the crate's
//! canonical 8-partial-sum order.)

use super::{Layer, LayerKind, LayerRecord, LayerRecordMut, ParamSet};
use crate::activation::kernel::Kernel;
use crate::activation::{Act, Activation, Identity, LeakyRelu, Relu, Sigmoid, Tanh};
use crate::lanes::{self, Lane};
use wide::f32x8;

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

/// `z = Wx + b` for the `T · L::N` outputs starting at `o0`, in the canonical
/// order: each output accumulates `w[i][o]·x[i]` from +0 in increasing `i`,
/// then adds its bias. `T` independent accumulators share each broadcast of
/// `x[i]`, so the weights are the only memory traffic per product.
#[inline(always)]
fn affine_tile<K: Kernel, L: Lane, const T: usize, const IN: usize, const OUT: usize>(
    k: K,
    p: &DenseParams<IN, OUT>,
    x: &[f32; IN],
    o0: usize,
    z: &mut [f32; OUT],
) {
    let mut acc = [L::splat(0.0); T];
    for (wr, xi) in p.w.iter().zip(x) {
        let xb = L::splat(*xi);
        // one bounds check per row; the tile offsets below are then provably in range
        let row = &wr[o0..o0 + T * L::N];
        for (t, a) in acc.iter_mut().enumerate() {
            *a = *a + L::load(&row[t * L::N..]) * xb;
        }
    }
    for (t, a) in acc.into_iter().enumerate() {
        let o = o0 + t * L::N;
        k.f(a + L::load(&p.b[o..])).store(&mut z[o..]);
    }
}

/// `z = Wx + b` for outputs `o0 .. o0 + 4` with four named scalar
/// accumulators: the same operations as [`affine_tile`], written so that a
/// size-optimising compiler (which does not unroll) still keeps them in
/// registers on a Cortex-M4F.
#[inline(always)]
fn affine4<const IN: usize, const OUT: usize>(
    p: &DenseParams<IN, OUT>,
    x: &[f32; IN],
    o0: usize,
    z: &mut [f32; OUT],
) {
    let (mut a0, mut a1, mut a2, mut a3) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for (wr, xi) in p.w.iter().zip(x) {
        let r = &wr[o0..o0 + 4];
        a0 += r[0] * xi;
        a1 += r[1] * xi;
        a2 += r[2] * xi;
        a3 += r[3] * xi;
    }
    let (b, z) = (&p.b[o0..o0 + 4], &mut z[o0..o0 + 4]);
    z[0] = a0 + b[0];
    z[1] = a1 + b[1];
    z[2] = a2 + b[2];
    z[3] = a3 + b[3];
}

/// Whether the dense layer uses its vector tiles: the target has vector
/// registers and the kernels' body has not been forced to scalar
/// ([`crate::dispatch::force`]), which the tests do to run the
/// microcontroller path on the host. On a Cortex-M this is a constant.
#[inline(always)]
fn vectors() -> bool {
    lanes::SIMD && crate::dispatch::selected() != crate::dispatch::Isa::Scalar
}

/// `y = φ(Wx + b)` for all outputs: tiles of up to 64 outputs (eight
/// `f32x8` accumulators), then single outputs, with φ applied in registers
/// before the store. Every tile shape performs, per output, the same
/// operation sequence as the scalar reference.
#[inline]
fn affine_act<K: Kernel, const IN: usize, const OUT: usize>(
    k: K,
    p: &DenseParams<IN, OUT>,
    x: &[f32; IN],
    z: &mut [f32; OUT],
) {
    let mut o = 0;
    let simd = vectors();
    if !simd {
        // no vector registers: four scalar accumulators share each x[i]
        while o + 4 <= OUT {
            affine4(p, x, o, z);
            o += 4;
        }
    }
    while simd && o + 8 <= OUT {
        let blocks = (OUT - o) / 8;
        match blocks {
            1 => affine_tile::<K, f32x8, 1, IN, OUT>(k, p, x, o, z),
            2 => affine_tile::<K, f32x8, 2, IN, OUT>(k, p, x, o, z),
            3 => affine_tile::<K, f32x8, 3, IN, OUT>(k, p, x, o, z),
            4 => affine_tile::<K, f32x8, 4, IN, OUT>(k, p, x, o, z),
            5 => affine_tile::<K, f32x8, 5, IN, OUT>(k, p, x, o, z),
            6 => affine_tile::<K, f32x8, 6, IN, OUT>(k, p, x, o, z),
            7 => affine_tile::<K, f32x8, 7, IN, OUT>(k, p, x, o, z),
            _ => affine_tile::<K, f32x8, 8, IN, OUT>(k, p, x, o, z),
        }
        o += 8 * blocks.min(8);
    }
    while o < OUT {
        affine_tile::<K, f32, 1, IN, OUT>(k, p, x, o, z);
        o += 1;
    }
}

/// `y = φ(Wx + b)`, dispatching on the activation once per call.
pub(crate) fn dense_forward<const IN: usize, const OUT: usize>(
    act: Act,
    p: &DenseParams<IN, OUT>,
    x: &[f32; IN],
    y: &mut [f32; OUT],
) {
    if !vectors() {
        // Without vector registers, fusing φ into every tile shape would
        // inline a copy of the kernel per tile and per layer: flash for
        // nothing. Apply it once over the outputs instead (same operations).
        affine_act(Identity, p, x, y);
        act.forward_in_place(y);
        return;
    }
    match act {
        // the article's activations are fused into every tile shape (φ in
        // registers before the store)
        Act::Identity => affine_act(Identity, p, x, y),
        Act::Sigmoid => affine_act(Sigmoid, p, x, y),
        Act::Tanh => affine_act(Tanh, p, x, y),
        Act::Relu => affine_act(Relu, p, x, y),
        Act::LeakyRelu(alpha) => affine_act(LeakyRelu::new(alpha), p, x, y),
        // the others run as a second pass over the outputs (the same
        // operations per element, so the same bits): fusing twelve kernels
        // into eight tile shapes of every layer shape tripled the crate's
        // compile time for a pass over data already in L1
        _ => {
            affine_act(Identity, p, x, y);
            act.forward_in_place(y);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical order, one output at a time in plain scalar code.
    fn affine_reference<const IN: usize, const OUT: usize>(
        p: &DenseParams<IN, OUT>,
        x: &[f32; IN],
    ) -> [f32; OUT] {
        core::array::from_fn(|o| {
            let mut acc = 0.0f32;
            for (row, xi) in p.w.iter().zip(x) {
                acc += row[o] * xi;
            }
            acc + p.b[o]
        })
    }

    fn filled<const IN: usize, const OUT: usize>(seed: u32) -> (DenseParams<IN, OUT>, [f32; IN]) {
        let mut s = seed | 1;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s as f32 / u32::MAX as f32 - 0.5) * 3.0
        };
        let mut p = DenseParams::<IN, OUT>::ZERO;
        p.for_each_mut(&mut |seg| seg.iter_mut().for_each(|v| *v = next()));
        (p, core::array::from_fn(|_| next()))
    }

    fn check<const IN: usize, const OUT: usize>() {
        for seed in 1..4 {
            let (p, x) = filled::<IN, OUT>(seed);
            let mut z = [0.0f32; OUT];
            dense_forward(Act::Identity, &p, &x, &mut z);
            let want = affine_reference(&p, &x);
            for o in 0..OUT {
                assert_eq!(z[o].to_bits(), want[o].to_bits(), "{IN}x{OUT} output {o}");
            }
        }
    }

    #[test]
    fn simd_blocks_match_the_scalar_order() {
        check::<1, 1>();
        check::<1, 16>();
        check::<2, 8>();
        check::<3, 7>();
        check::<9, 33>();
        check::<16, 16>();
        check::<17, 45>();
        check::<64, 64>();
        check::<64, 10>();
    }
}
