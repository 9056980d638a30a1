//! TFLite's FULLY_CONNECTED for int8: `y = clamp(M·(W(x − zp_in) + b) + zp_out)`
//! with int8 weights (zero point 0), int32 bias and accumulators, and one
//! fixed-point multiplier per tensor or per output channel.
//!
//! The record keeps the bias with the input's zero point folded in,
//! `b − zp_in·Σw` (the same integer modulo 2^32 as TFLite's
//! `Σ w·(x − zp_in) + b`), so a row costs one dot product `Σ w·x` and one
//! add; [`fold_bias`] computes it from TFLite's bias and
//! [`FullyConnected::tflite_bias`] gives TFLite's back.

use super::requant::{inline_form, requantize, Out};
use super::{Arithmetic, Multiplier, Quant};
use crate::dispatch::InlineOut;

/// One int8 fully connected layer (a record: everything is precomputed, so a
/// `static` of it lives in flash).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FullyConnected<'a> {
    /// Inputs.
    pub fan_in: usize,
    /// Outputs.
    pub fan_out: usize,
    /// Weights, output-major as TFLite stores them: `w[o * fan_in + i]`.
    pub weights: &'a [i8],
    /// Bias per output with the input's zero point folded in:
    /// `b[o] − input.zero_point · Σ_i w[o][i]`, where `b` is TFLite's bias
    /// (scale `input.scale · weight_scale[o]`); see [`fold_bias`].
    pub folded_bias: &'a [i32],
    /// Weight scales: one (per tensor) or `fan_out` (per channel).
    pub weight_scales: &'a [f32],
    /// The input's quantization.
    pub input: Quant,
    /// The output's quantization.
    pub output: Quant,
    /// `input.scale · weight_scale / output.scale` as fixed point, one or
    /// `fan_out` as the weight scales, each `[mantissa, shift]`
    /// ([`Multiplier::pair`]): plain integers, so a blob in flash lends
    /// them without a copy.
    pub multipliers: &'a [[i32; 2]],
    /// The output clamp (from the fused activation, [`super::Fused::range`]).
    pub clamp: (i8, i8),
    /// How the accumulator is requantized: LiteRT's single rounding or
    /// TFLite Micro's double rounding.
    pub arithmetic: Arithmetic,
}

impl FullyConnected<'_> {
    /// Whether the slices have the lengths the shape asks for.
    pub fn is_consistent(&self) -> bool {
        let per = |n: usize| n == 1 || n == self.fan_out;
        self.weights.len() == self.fan_in * self.fan_out
            && self.folded_bias.len() == self.fan_out
            && per(self.weight_scales.len())
            && self.multipliers.len() == self.weight_scales.len()
            && self
                .multipliers
                .iter()
                .all(|&p| Multiplier::from_pair(p).is_some())
            && self.input.is_valid()
            && self.output.is_valid()
            && self.clamp.0 <= self.clamp.1
            && self.fan_in > 0
            && self.fan_out > 0
    }

    /// Runs the layer: `x.len() == fan_in`, `y.len() == fan_out` (checked by
    /// the model before it calls this; shorter slices stop early). The
    /// dispatch module hands over the row sums (bias included) a chunk of
    /// rows at a time; the requantization runs over each chunk as a loop of
    /// its own, its constants in registers.
    pub fn run(&self, x: &[i8], y: &mut [i8]) {
        let out = self.out();
        let fan_in = self.fan_in;
        let n = y
            .len()
            .min(self.folded_bias.len())
            .min(self.weights.len() / fan_in);
        // a short input: the sums stop where it ends
        let cols = fan_in.min(x.len());
        let sink = Requantizer {
            layer: self,
            out,
            y,
        };
        crate::dispatch::dot_chunks_i8(self.weights, fan_in, cols, n, x, self.folded_bias, sink);
    }

    /// [`FullyConnected::run`] on this layer's weights packed by
    /// `dispatch::pack_i8` (`panels`, `offset`), for
    /// [`PackedModel`](super::PackedModel): the same integers. `x.len() ==
    /// fan_in`, `y.len() == fan_out` (the model checks them).
    #[cfg(feature = "std")]
    pub(crate) fn run_packed(&self, panels: &[i8], offset: &[i32], x: &[i8], y: &mut [i8]) {
        let out = self.out();
        let (rows, cols) = (self.fan_out, self.fan_in);
        let sink = Requantizer {
            layer: self,
            out,
            y,
        };
        let bias = self.folded_bias;
        crate::dispatch::packed_chunks_i8(panels, rows, cols, x, bias, offset, sink);
    }

    /// Where a requantized row goes: the output's zero point and the clamp.
    fn out(&self) -> Out {
        Out {
            zero_point: self.output.zero_point,
            lo: self.clamp.0 as i32,
            hi: self.clamp.1 as i32,
        }
    }

    /// TFLite's bias of output `o` (the record keeps it folded):
    /// `folded_bias[o] + input.zero_point · Σ_i w[o][i]`.
    ///
    /// # Panics
    /// If `o ≥ fan_out` or the record is not consistent.
    pub fn tflite_bias(&self, o: usize) -> i32 {
        let row = &self.weights[o * self.fan_in..(o + 1) * self.fan_in];
        self.folded_bias[o].wrapping_add(self.input.zero_point.wrapping_mul(sum(row)))
    }
}

/// Where the dispatch module hands a layer's row sums: requantized into
/// `y`, one chunk of rows at a time.
struct Requantizer<'l, 'a, 'y> {
    layer: &'l FullyConnected<'a>,
    out: Out,
    y: &'y mut [i8],
}

impl crate::dispatch::Sink for Requantizer<'_, '_, '_> {
    #[inline(always)]
    fn take(&mut self, first: usize, sums: &[i32]) {
        let last = first + sums.len();
        let l = self.layer;
        let multipliers = if l.multipliers.len() > 1 {
            &l.multipliers[first..last]
        } else {
            l.multipliers
        };
        requantize(
            sums,
            multipliers,
            l.arithmetic,
            self.out,
            &mut self.y[first..last],
        );
    }

    #[inline(always)]
    fn inline(&mut self) -> Option<(InlineOut, &mut [i8])> {
        let [pair] = self.layer.multipliers else {
            return None;
        };
        let form = inline_form(*pair, self.layer.arithmetic)?;
        let out = InlineOut {
            form,
            zero_point: self.out.zero_point,
            lo: self.out.lo,
            hi: self.out.hi,
        };
        Some((out, &mut *self.y))
    }
}

/// Folds the input's zero point into TFLite's bias: `out[o] = bias[o] −
/// zero_point · Σ_i weights[o·fan_in + i]` (wrapping, as the int32
/// accumulator does), what [`FullyConnected::folded_bias`] holds.
///
/// ```
/// use neurokern::int8::fold_bias;
/// let mut folded = [0i32; 2];
/// fold_bias(&[1, 2, -3, 4], &[10, 20], 5, &mut folded);
/// assert_eq!(folded, [10 - 5 * 3, 20 - 5 * 1]);
/// ```
///
/// # Panics
/// If `out.len() != bias.len()` or `weights.len()` is not a multiple of
/// `bias.len()` (the rows, `fan_in` weights each).
pub fn fold_bias(weights: &[i8], bias: &[i32], zero_point: i32, out: &mut [i32]) {
    assert!(
        out.len() == bias.len() && (bias.is_empty() || weights.len().is_multiple_of(bias.len())),
        "fold_bias: {} weights, {} biases, {} outputs",
        weights.len(),
        bias.len(),
        out.len()
    );
    if bias.is_empty() {
        return;
    }
    let fan_in = weights.len() / bias.len();
    if fan_in == 0 {
        out.copy_from_slice(bias);
        return;
    }
    for ((out, &b), row) in out.iter_mut().zip(bias).zip(weights.chunks_exact(fan_in)) {
        *out = b.wrapping_sub(zero_point.wrapping_mul(sum(row)));
    }
}

fn sum(row: &[i8]) -> i32 {
    row.iter().map(|&w| w as i32).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folded bias gives TFLite's `Σ w·(x − zp) + b`, and
    /// `tflite_bias` gives `b` back.
    #[test]
    fn the_folded_bias_is_the_offset_sum() {
        let w = [3i8, -128, 127, 0, -7];
        let x = [-128i8, 127, 5, 9, -1];
        for zp in [-128, -3, 0, 17, 127] {
            let direct: i32 = w
                .iter()
                .zip(&x)
                .map(|(&w, &x)| w as i32 * (x as i32 - zp))
                .sum::<i32>()
                + 1000;
            let mut folded = [0];
            fold_bias(&w, &[1000], zp, &mut folded);
            let dot: i32 = w.iter().zip(&x).map(|(&w, &x)| w as i32 * x as i32).sum();
            assert_eq!(dot + folded[0], direct, "zp {zp}");
            let m = [Multiplier::ONE.pair()];
            let fc = FullyConnected {
                fan_in: 5,
                fan_out: 1,
                weights: &w,
                folded_bias: &folded,
                weight_scales: &[1.0],
                input: Quant::new(1.0, zp),
                output: Quant::new(1.0, 0),
                multipliers: &m,
                clamp: (-128, 127),
                arithmetic: Arithmetic::LiteRt,
            };
            assert_eq!(fc.tflite_bias(0), 1000);
        }
    }

    /// The record's arithmetic decides the rounding: 15 · 0.1 (stored just
    /// below 0.1) rounds to 1 once, to 2 in TFLite Micro's two steps.
    #[test]
    fn the_arithmetic_field_chooses_the_rounding() {
        let m = [Multiplier::from_real(0.1).pair()];
        let mut fc = FullyConnected {
            fan_in: 1,
            fan_out: 1,
            weights: &[15],
            folded_bias: &[0],
            weight_scales: &[0.1],
            input: Quant::new(1.0, 0),
            output: Quant::new(1.0, 0),
            multipliers: &m,
            clamp: (-128, 127),
            arithmetic: Arithmetic::LiteRt,
        };
        let mut y = [0i8];
        fc.run(&[1], &mut y);
        assert_eq!(y, [1]);
        fc.arithmetic = Arithmetic::Tflm;
        fc.run(&[1], &mut y);
        assert_eq!(y, [2]);
        fc.run(&[-1], &mut y);
        assert_eq!(y, [-2]);
    }

    #[test]
    fn per_channel_uses_each_multiplier() {
        let m = [
            Multiplier::from_real(0.5).pair(),
            Multiplier::from_real(0.25).pair(),
        ];
        let fc = FullyConnected {
            fan_in: 2,
            fan_out: 2,
            weights: &[10, 20, 10, 20],
            folded_bias: &[0, 0],
            weight_scales: &[1.0, 0.5],
            input: Quant::new(1.0, 0),
            output: Quant::new(1.0, 0),
            multipliers: &m,
            clamp: (-128, 127),
            arithmetic: Arithmetic::LiteRt,
        };
        assert!(fc.is_consistent());
        let mut y = [0i8; 2];
        fc.run(&[1, 2], &mut y);
        assert_eq!(y, [25, 13]); // 50·0.5, 50·0.25 = 12.5 → 13
        let mut bad = fc;
        bad.folded_bias = &[0];
        assert!(!bad.is_consistent());
        let mut bad = fc;
        bad.multipliers = &[[1 << 29, 0], [1 << 30, 0]]; // mantissa below 2^30
        assert!(!bad.is_consistent());
    }
}
