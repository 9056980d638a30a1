//! Affine quantization of one tensor, `real = scale · (q − zero_point)`, and
//! the QUANTIZE / DEQUANTIZE operations at a network's edges, computed as
//! TensorFlow Lite's reference kernels compute them (float division, then
//! `round` half away from zero, then the zero point and a clamp).

/// The quantization of one int8 tensor: `real = scale · (q − zero_point)`.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quant {
    /// The real value of one step (> 0).
    pub scale: f32,
    /// The integer that stands for real 0, in `[−128, 127]`.
    pub zero_point: i32,
}

impl Quant {
    /// LOGISTIC's output as TFLite fixes it: scale 1/256, zero point −128.
    pub const LOGISTIC_OUTPUT: Quant = Quant {
        scale: 1.0 / 256.0,
        zero_point: -128,
    };
    /// TANH's output as TFLite fixes it: scale 1/128, zero point 0.
    pub const TANH_OUTPUT: Quant = Quant {
        scale: 1.0 / 128.0,
        zero_point: 0,
    };

    /// A quantization from its two numbers.
    pub const fn new(scale: f32, zero_point: i32) -> Quant {
        Quant { scale, zero_point }
    }

    /// The asymmetric int8 quantization covering `[min, max]` (widened to
    /// contain 0, so that 0 is exact, as TFLite's converter does): 255 steps
    /// over the range and the zero point rounded to an integer.
    ///
    /// ```
    /// use neurokern::int8::Quant;
    /// let q = Quant::from_range(-1.0, 3.0);
    /// assert_eq!(q.zero_point, -64);
    /// assert_eq!(q.dequantize(q.quantize(0.0)), 0.0);
    /// assert_eq!(q.quantize(3.0), 127);
    /// ```
    pub fn from_range(min: f32, max: f32) -> Quant {
        let (min, max) = (min.min(0.0) as f64, max.max(0.0) as f64);
        if max - min <= 0.0 || !(max - min).is_finite() {
            return Quant {
                scale: 1.0,
                zero_point: 0,
            };
        }
        let scale = ((max - min) / 255.0) as f32;
        let zero_point = libm::round(-128.0 - min / scale as f64).clamp(-128.0, 127.0) as i32;
        Quant { scale, zero_point }
    }

    /// TFLite's QUANTIZE: `clamp(round(x / scale) + zero_point)` (the
    /// division in f32, `round` half away from zero); NaN becomes the zero point.
    #[inline]
    pub fn quantize(self, x: f32) -> i8 {
        let r = libm::roundf(x / self.scale) as i32; // `as` saturates, NaN → 0
        r.saturating_add(self.zero_point).clamp(-128, 127) as i8
    }

    /// TFLite's DEQUANTIZE: `scale · (q − zero_point)`, rounded once to f32.
    #[inline]
    pub fn dequantize(self, q: i8) -> f32 {
        // the product of an f32 and an integer below 2^9 is exact in f64, so
        // this rounds once, as TFLite's double-precision product does
        (self.scale as f64 * (q as i32 - self.zero_point) as f64) as f32
    }

    /// QUANTIZE over a slice (`y.len() == x.len()`, else nothing is written
    /// past the shorter).
    pub fn quantize_slice(self, x: &[f32], y: &mut [i8]) {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = self.quantize(x);
        }
    }

    /// DEQUANTIZE over a slice.
    pub fn dequantize_slice(self, q: &[i8], y: &mut [f32]) {
        for (y, &q) in y.iter_mut().zip(q) {
            *y = self.dequantize(q);
        }
    }

    /// Whether the numbers are usable: a finite positive scale and an int8
    /// zero point.
    pub fn is_valid(self) -> bool {
        self.scale.is_finite() && self.scale > 0.0 && (-128..=127).contains(&self.zero_point)
    }
}

/// The activation TFLite fuses into a layer as a clamp of its int8 output.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fused {
    /// No clamp beyond int8's range.
    None,
    /// `max(0, x)`.
    Relu,
    /// `min(max(0, x), 6)`.
    Relu6,
    /// `min(max(−1, x), 1)` (TFLite's RELU_N1_TO_1).
    Relu1,
}

impl Fused {
    /// The clamp `[min, max]` on the output's integers, as TFLite's
    /// `CalculateActivationRangeQuantized` computes it.
    ///
    /// ```
    /// use neurokern::int8::{Fused, Quant};
    /// let out = Quant::new(0.05, -100);
    /// assert_eq!(Fused::Relu.range(out), (-100, 127));
    /// assert_eq!(Fused::Relu6.range(out), (-100, 20));
    /// ```
    pub fn range(self, out: Quant) -> (i8, i8) {
        let q = |f: f32| {
            out.zero_point
                .saturating_add(libm::roundf(f / out.scale) as i32)
        };
        let (lo, hi) = match self {
            Fused::None => (-128, 127),
            Fused::Relu => (q(0.0).max(-128), 127),
            Fused::Relu6 => (q(0.0).max(-128), q(6.0).min(127)),
            Fused::Relu1 => (q(-1.0).max(-128), q(1.0).min(127)),
        };
        (lo.clamp(-128, 127) as i8, hi.clamp(-128, 127) as i8)
    }
}
