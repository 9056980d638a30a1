//! TFLite's FULLY_CONNECTED for int8: `y = clamp(M·(W(x − zp_in) + b) + zp_out)`
//! with int8 weights (zero point 0), int32 bias and accumulators, and one
//! fixed-point multiplier per tensor or per output channel.

use super::{Arithmetic, Multiplier, Quant};

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
    /// Bias per output, quantized with scale `input.scale · weight_scale[o]`.
    pub bias: &'a [i32],
    /// Weight scales: one (per tensor) or `fan_out` (per channel).
    pub weight_scales: &'a [f32],
    /// The input's quantization.
    pub input: Quant,
    /// The output's quantization.
    pub output: Quant,
    /// `input.scale · weight_scale / output.scale` as fixed point: one or
    /// `fan_out`, as the weight scales.
    pub multipliers: &'a [Multiplier],
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
            && self.bias.len() == self.fan_out
            && per(self.weight_scales.len())
            && self.multipliers.len() == self.weight_scales.len()
            && self.input.is_valid()
            && self.output.is_valid()
            && self.clamp.0 <= self.clamp.1
            && self.fan_in > 0
            && self.fan_out > 0
    }

    /// Runs the layer: `x.len() == fan_in`, `y.len() == fan_out` (checked by
    /// the model before it calls this; shorter slices stop early).
    pub fn run(&self, x: &[i8], y: &mut [i8]) {
        let zp_in = self.input.zero_point;
        let zp_out = self.output.zero_point;
        let per_channel = self.multipliers.len() > 1;
        for (o, (y, row)) in y
            .iter_mut()
            .zip(self.weights.chunks_exact(self.fan_in))
            .enumerate()
        {
            let acc = dot(row, x, zp_in).wrapping_add(self.bias[o]);
            let m = self.multipliers[if per_channel { o } else { 0 }];
            let v = m.apply_as(acc, self.arithmetic).wrapping_add(zp_out);
            *y = v.clamp(self.clamp.0 as i32, self.clamp.1 as i32) as i8;
        }
    }
}

/// `Σ w[i]·(x[i] − zp)` in i32, which is `Σ w·x − zp·Σ w`: the same
/// integer whatever the order (no overflow below 2^16 inputs), so hosts may
/// vectorise it freely; written as the two sums so that LLVM turns the
/// first into widening multiply-adds (`vpmaddwd`/`vpdpbusd` on x86, `smlad`
/// on a Cortex-M4).
#[inline]
fn dot(w: &[i8], x: &[i8], zp: i32) -> i32 {
    let mut wx = 0i32;
    let mut sw = 0i32;
    for (&w, &x) in w.iter().zip(x) {
        wx = wx.wrapping_add(w as i32 * x as i32);
        sw = sw.wrapping_add(w as i32);
    }
    wx.wrapping_sub(zp.wrapping_mul(sw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_is_the_offset_sum() {
        let w = [3i8, -128, 127, 0, -7];
        let x = [-128i8, 127, 5, 9, -1];
        for zp in [-128, -3, 0, 17, 127] {
            let direct: i32 = w
                .iter()
                .zip(&x)
                .map(|(&w, &x)| w as i32 * (x as i32 - zp))
                .sum();
            assert_eq!(dot(&w, &x, zp), direct, "zp {zp}");
        }
    }

    /// The record's arithmetic decides the rounding: 15 · 0.1 (stored just
    /// below 0.1) rounds to 1 once, to 2 in TFLite Micro's two steps.
    #[test]
    fn the_arithmetic_field_chooses_the_rounding() {
        let m = [Multiplier::from_real(0.1)];
        let mut fc = FullyConnected {
            fan_in: 1,
            fan_out: 1,
            weights: &[15],
            bias: &[0],
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
        let m = [Multiplier::from_real(0.5), Multiplier::from_real(0.25)];
        let fc = FullyConnected {
            fan_in: 2,
            fan_out: 2,
            weights: &[10, 20, 10, 20],
            bias: &[0, 0],
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
        bad.bias = &[0];
        assert!(!bad.is_consistent());
    }
}
