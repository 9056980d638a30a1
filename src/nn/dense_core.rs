//! The dense core: `y = φ(Wx + b)` over slices, shared by the typed
//! [`Dense`](super::Dense) layer and [`BlobModel`](super::io::BlobModel)
//! (and through it the C API), so there is one forward pass, compiled once
//! rather than once per layer shape.
//!
//! Weights are input-major, `w[i·fan_out + o]`. Each output accumulates
//! `w[i][o]·x[i]` from +0 in increasing `i`, then adds its bias: every
//! output lane is its own sequential sum, so the SIMD tiles (up to 64
//! outputs at a time, sharing each broadcast of `x[i]`), the four-accumulator
//! scalar block and the one-output tail run the same sequence, and results
//! are identical on every backend.
//!
//! The weights are read through [`Floats`]: an `&[f32]` (a typed network's
//! parameters) or [`LeF32`] (a blob's little-endian bytes, in flash or RAM,
//! at any alignment — read without a copy and without `unsafe`).

use crate::activation::kernel::Kernel;
use crate::activation::{Act, Activation, Identity, LeakyRelu, Relu, Sigmoid, Tanh};
use crate::lanes::{self, Lane};
use wide::f32x8;

/// A read-only run of `f32` values: a slice, or little-endian bytes.
pub(crate) trait Floats: Copy {
    /// The consecutive runs of `n` values (a weight matrix's rows).
    type Rows: Iterator<Item = Self>;
    /// How many values.
    fn len(self) -> usize;
    /// The values `from .. to` (panics when out of range, like slicing).
    fn sub(self, from: usize, to: usize) -> Self;
    /// The consecutive runs of `n` values, `n > 0`.
    fn rows(self, n: usize) -> Self::Rows;
    /// The `L::N` values starting at `at`.
    fn lanes<L: Lane>(self, at: usize) -> L;
}

impl<'a> Floats for &'a [f32] {
    type Rows = core::slice::ChunksExact<'a, f32>;
    #[inline(always)]
    fn len(self) -> usize {
        <[f32]>::len(self)
    }
    #[inline(always)]
    fn rows(self, n: usize) -> Self::Rows {
        self.chunks_exact(n)
    }
    #[inline(always)]
    fn sub(self, from: usize, to: usize) -> Self {
        &self[from..to]
    }
    #[inline(always)]
    fn lanes<L: Lane>(self, at: usize) -> L {
        L::load(&self[at..])
    }
}

/// `f32` values stored as little-endian bytes (a blob's parameters).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LeF32<'a>(pub &'a [u8]);

impl<'a> Floats for LeF32<'a> {
    type Rows = core::iter::Map<core::slice::ChunksExact<'a, u8>, fn(&'a [u8]) -> LeF32<'a>>;
    #[inline(always)]
    fn len(self) -> usize {
        self.0.len() / 4
    }
    #[inline(always)]
    fn rows(self, n: usize) -> Self::Rows {
        self.0.chunks_exact(4 * n).map(LeF32)
    }
    #[inline(always)]
    fn sub(self, from: usize, to: usize) -> Self {
        LeF32(&self.0[4 * from..4 * to])
    }
    #[inline(always)]
    fn lanes<L: Lane>(self, at: usize) -> L {
        // the dense core's lanes are at most eight wide (`f32x8`)
        let mut v = [0.0f32; 8];
        let bytes = &self.0[4 * at..4 * (at + L::N)];
        for (v, b) in v.iter_mut().zip(bytes.chunks_exact(4)) {
            *v = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        L::load(&v[..L::N])
    }
}

/// Whether the dense core uses its vector tiles: the target has vector
/// registers and the kernels' body has not been forced to scalar
/// ([`crate::dispatch::force`]), which the tests do to run the
/// microcontroller path on the host. On a Cortex-M this is a constant.
#[inline(always)]
fn vectors() -> bool {
    lanes::SIMD && crate::dispatch::selected() != crate::dispatch::Isa::Scalar
}

/// `z = φ(Wx + b)` for the `T · L::N` outputs starting at `o0`, in the
/// canonical order. `T` independent accumulators share each broadcast of
/// `x[i]`, so the weights are the only memory traffic per product.
#[inline(always)]
fn tile<K: Kernel, L: Lane, S: Floats, const T: usize>(
    k: K,
    w: S,
    b: S,
    x: &[f32],
    fan_out: usize,
    o0: usize,
    z: &mut [f32],
) {
    let mut acc = [L::splat(0.0); T];
    for (row, xi) in w.rows(fan_out).zip(x) {
        let xb = L::splat(*xi);
        // one bounds check per row; the tile offsets below are then in range
        let row = row.sub(o0, o0 + T * L::N);
        for (t, a) in acc.iter_mut().enumerate() {
            *a = *a + row.lanes::<L>(t * L::N) * xb;
        }
    }
    for (t, a) in acc.into_iter().enumerate() {
        let o = o0 + t * L::N;
        k.f(a + b.lanes::<L>(o)).store(&mut z[o..]);
    }
}

/// `z = Wx + b` for outputs `o0 .. o0 + 4` with four named scalar
/// accumulators: the same operations as [`tile`], written so that a
/// size-optimising compiler (which does not unroll) still keeps them in
/// registers on a Cortex-M4F.
#[inline(always)]
fn affine4<S: Floats>(w: S, b: S, x: &[f32], fan_out: usize, o0: usize, z: &mut [f32]) {
    let (mut a0, mut a1, mut a2, mut a3) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for (row, xi) in w.rows(fan_out).zip(x) {
        let r = row.sub(o0, o0 + 4);
        a0 += r.lanes::<f32>(0) * xi;
        a1 += r.lanes::<f32>(1) * xi;
        a2 += r.lanes::<f32>(2) * xi;
        a3 += r.lanes::<f32>(3) * xi;
    }
    let (b, z) = (b.sub(o0, o0 + 4), &mut z[o0..o0 + 4]);
    z[0] = a0 + b.lanes::<f32>(0);
    z[1] = a1 + b.lanes::<f32>(1);
    z[2] = a2 + b.lanes::<f32>(2);
    z[3] = a3 + b.lanes::<f32>(3);
}

/// `z = φ(Wx + b)` for all outputs: tiles of up to 64 outputs (eight
/// `f32x8` accumulators), then single outputs, with φ applied in registers
/// before the store.
#[inline]
fn affine_act<K: Kernel, S: Floats>(k: K, w: S, b: S, x: &[f32], z: &mut [f32]) {
    let fan_out = z.len();
    let mut o = 0;
    let simd = vectors();
    if !simd {
        // no vector registers: four scalar accumulators share each x[i]
        while o + 4 <= fan_out {
            affine4(w, b, x, fan_out, o, z);
            o += 4;
        }
    }
    while simd && o + 8 <= fan_out {
        let blocks = (fan_out - o) / 8;
        match blocks {
            1 => tile::<K, f32x8, S, 1>(k, w, b, x, fan_out, o, z),
            2 => tile::<K, f32x8, S, 2>(k, w, b, x, fan_out, o, z),
            3 => tile::<K, f32x8, S, 3>(k, w, b, x, fan_out, o, z),
            4 => tile::<K, f32x8, S, 4>(k, w, b, x, fan_out, o, z),
            5 => tile::<K, f32x8, S, 5>(k, w, b, x, fan_out, o, z),
            6 => tile::<K, f32x8, S, 6>(k, w, b, x, fan_out, o, z),
            7 => tile::<K, f32x8, S, 7>(k, w, b, x, fan_out, o, z),
            _ => tile::<K, f32x8, S, 8>(k, w, b, x, fan_out, o, z),
        }
        o += 8 * blocks.min(8);
    }
    while o < fan_out {
        tile::<K, f32, S, 1>(k, w, b, x, fan_out, o, z);
        o += 1;
    }
}

/// `y = φ(Wx + b)` with `fan_in = x.len()`, `fan_out = y.len()`, `w` holding
/// `fan_in · fan_out` weights input-major and `b` holding `fan_out` biases;
/// dispatches on the activation once per call.
///
/// Panics when `w` or `b` is shorter than that.
pub(crate) fn dense_core<S: Floats>(act: Act, w: S, b: S, x: &[f32], y: &mut [f32]) {
    assert!(
        w.len() >= x.len() * y.len() && b.len() >= y.len(),
        "neurokern: dense core given fewer weights than its shape"
    );
    if !vectors() {
        // Without vector registers, fusing φ into every tile shape would
        // inline a copy of the kernel per tile: flash for nothing. Apply it
        // once over the outputs instead (same operations).
        affine_act(Identity, w, b, x, y);
        act.forward_in_place(y);
        return;
    }
    match act {
        // the article's activations are fused into every tile shape (φ in
        // registers before the store)
        Act::Identity => affine_act(Identity, w, b, x, y),
        Act::Sigmoid => affine_act(Sigmoid, w, b, x, y),
        Act::Tanh => affine_act(Tanh, w, b, x, y),
        Act::Relu => affine_act(Relu, w, b, x, y),
        Act::LeakyRelu(alpha) => affine_act(LeakyRelu::new(alpha), w, b, x, y),
        // the others run as a second pass over the outputs (the same
        // operations per element, so the same bits): fusing every kernel
        // into eight tile shapes tripled the crate's compile time for a pass
        // over data already in L1
        _ => {
            affine_act(Identity, w, b, x, y);
            act.forward_in_place(y);
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::{vec, vec::Vec};

    /// The canonical order, one output at a time in plain scalar code.
    fn reference(w: &[f32], b: &[f32], x: &[f32]) -> Vec<f32> {
        (0..b.len())
            .map(|o| {
                let mut acc = 0.0f32;
                for (i, xi) in x.iter().enumerate() {
                    acc += w[i * b.len() + o] * xi;
                }
                acc + b[o]
            })
            .collect()
    }

    fn filled(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s as f32 / u32::MAX as f32 - 0.5) * 3.0
            })
            .collect()
    }

    #[test]
    fn every_tile_shape_and_both_sources_match_the_scalar_order() {
        let shapes = [
            (1, 1),
            (1, 16),
            (2, 8),
            (3, 7),
            (9, 33),
            (16, 16),
            (17, 45),
            (64, 64),
            (64, 10),
            (5, 130),
        ];
        for (fan_in, fan_out) in shapes {
            for seed in 1..4 {
                let w = filled(fan_in * fan_out, seed);
                let b = filled(fan_out, seed + 10);
                let x = filled(fan_in, seed + 20);
                let want = reference(&w, &b, &x);
                let mut z = vec![0.0f32; fan_out];
                dense_core(Act::Identity, &w[..], &b[..], &x, &mut z);
                let bytes: Vec<u8> = w.iter().flat_map(|v| v.to_le_bytes()).collect();
                let bbytes: Vec<u8> = b.iter().flat_map(|v| v.to_le_bytes()).collect();
                // an odd offset: blob bytes need no alignment
                let mut odd = vec![0u8];
                odd.extend_from_slice(&bytes);
                let mut zb = vec![0.0f32; fan_out];
                dense_core(Act::Identity, LeF32(&odd[1..]), LeF32(&bbytes), &x, &mut zb);
                for o in 0..fan_out {
                    assert_eq!(
                        z[o].to_bits(),
                        want[o].to_bits(),
                        "{fan_in}x{fan_out} output {o}"
                    );
                    assert_eq!(
                        zb[o].to_bits(),
                        want[o].to_bits(),
                        "bytes {fan_in}x{fan_out} output {o}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_changed_weight_changes_the_output() {
        // the comparison above can fail: one weight differs, one output moves
        let (w, b, x) = (filled(64, 1), filled(8, 2), filled(8, 3));
        let mut w2 = w.clone();
        w2[8 * 3 + 5] += 1.0;
        let (mut z, mut z2) = (vec![0.0f32; 8], vec![0.0f32; 8]);
        dense_core(Act::Identity, &w[..], &b[..], &x, &mut z);
        dense_core(Act::Identity, &w2[..], &b[..], &x, &mut z2);
        let differ: Vec<usize> = (0..8).filter(|&o| z[o] != z2[o]).collect();
        assert_eq!(differ, [5]);
    }
}
