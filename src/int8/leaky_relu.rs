//! TFLite's LEAKY_RELU for int8: two fixed-point multipliers, one for
//! inputs at or above the zero point (`s_in / s_out`) and one below
//! (`s_in · α / s_out`), both computed in f32 as LiteRT's `Prepare` does,
//! applied with double rounding: LiteRT's leaky ReLU rounds that way even in
//! the build whose fully connected layers round once (every table entry is
//! checked against it by `tools/check_litert.py`; with single rounding 15
//! of 256 entries differ for α = 0.2).

use super::{Multiplier, Quant};

/// An int8 leaky ReLU (a record).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu {
    /// Width (inputs = outputs).
    pub width: usize,
    /// α.
    pub alpha: f32,
    /// The input's quantization.
    pub input: Quant,
    /// The output's quantization.
    pub output: Quant,
    /// `s_in / s_out`.
    pub identity: Multiplier,
    /// `s_in · α / s_out`.
    pub negative: Multiplier,
}

impl LeakyRelu {
    /// The layer for `α` between two quantizations.
    ///
    /// ```
    /// use neurokern::int8::{LeakyRelu, Quant};
    /// let l = LeakyRelu::new(4, 0.125, Quant::new(0.5, 0), Quant::new(0.5, 0));
    /// let mut y = [0i8; 4];
    /// l.run(&[-128, -8, 0, 100], &mut y);
    /// assert_eq!(y, [-16, -1, 0, 100]);
    /// ```
    pub fn new(width: usize, alpha: f32, input: Quant, output: Quant) -> LeakyRelu {
        // f32 arithmetic, then widened, as LiteRT computes both factors
        let identity = Multiplier::from_real((input.scale / output.scale) as f64);
        let negative = Multiplier::from_real((input.scale * alpha / output.scale) as f64);
        LeakyRelu {
            width,
            alpha,
            input,
            output,
            identity,
            negative,
        }
    }

    /// Runs the layer over `x` into `y`.
    #[inline]
    pub fn run(&self, x: &[i8], y: &mut [i8]) {
        for (y, &x) in y.iter_mut().zip(x) {
            let v = x as i32 - self.input.zero_point;
            let m = if v >= 0 { self.identity } else { self.negative };
            *y = m
                .apply_double_rounding(v)
                .wrapping_add(self.output.zero_point)
                .clamp(-128, 127) as i8;
        }
    }
}
