//! Element-wise int8 activations through a 256-entry table, built as
//! TFLite (LiteRT) builds its LOGISTIC and TANH tables (`LUTPopulate`):
//! dequantize each of the 256 inputs in f32, apply the float function,
//! multiply by the output's inverse scale, round half away from zero, add
//! the zero point, clamp.
//!
//! The float functions are `1 / (1 + expf(−x))` and `tanhf(x)`, with the
//! `libm` crate's `expf`/`tanhf` standing for the C library's. A table
//! entry can differ from LiteRT's only where the two libraries' results
//! differ by an ULP *and* that ULP straddles a rounding edge of
//! `value · 256`; `tools/check_litert.py` feeds every one of the 256
//! inputs through LiteRT for each table in the tests.

use super::{Arithmetic, Quant};

/// Which function a table holds.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LutKind {
    /// TFLite LOGISTIC (σ); output quantization [`Quant::LOGISTIC_OUTPUT`].
    Logistic,
    /// TFLite TANH; output quantization [`Quant::TANH_OUTPUT`].
    Tanh,
}

impl LutKind {
    /// The output quantization TFLite requires for this function.
    pub const fn output(self) -> Quant {
        match self {
            LutKind::Logistic => Quant::LOGISTIC_OUTPUT,
            LutKind::Tanh => Quant::TANH_OUTPUT,
        }
    }

    /// The float function, as LiteRT writes it.
    pub fn eval(self, x: f32) -> f32 {
        match self {
            LutKind::Logistic => 1.0 / (1.0 + libm::expf(-x)),
            LutKind::Tanh => libm::tanhf(x),
        }
    }

    /// The interval `(lo, hi)` of inputs outside which the table's output
    /// is constant: below `lo` the output is −128 and above `hi` it is 127
    /// (the values where `f(x) / s_out + zero_point` rounds to the end of
    /// int8, computed in f64 from the inverse function). An input range
    /// wider than this spends int8 steps on inputs that all give the same
    /// output; [`quantize_network`](super::quantize_network) clips to it.
    ///
    /// ```
    /// use neurokern::int8::LutKind;
    /// let (lo, hi) = LutKind::Tanh.saturation();
    /// // tanh rounds to 127/128 from atanh(126.5/128) and to −1 below atanh(−127.5/128)
    /// assert!((hi - 2.5669).abs() < 1e-3 && (lo + 3.1182).abs() < 1e-3);
    /// ```
    pub fn saturation(self) -> (f32, f32) {
        // the output value where rounding reaches −128 (from above) and 127
        let out = self.output();
        let s = out.scale as f64;
        let y_lo = (-127.5 - out.zero_point as f64) * s;
        let y_hi = (126.5 - out.zero_point as f64) * s;
        let inverse = |y: f64| match self {
            LutKind::Logistic => libm::log(y / (1.0 - y)),
            LutKind::Tanh => libm::atanh(y),
        };
        (inverse(y_lo) as f32, inverse(y_hi) as f32)
    }

    /// The table for inputs quantized as `input`, indexed by `q as u8`
    /// (entry 0 is input 0, entry 255 is input −1, as TFLite orders it).
    ///
    /// ```
    /// use neurokern::int8::{LutKind, Quant};
    /// let t = LutKind::Logistic.table(Quant::new(0.1, 0));
    /// assert_eq!(t[0], 0);            // σ(0) = 0.5 → 128 − 128
    /// assert_eq!(t[127], 127);        // σ(12.7) → 255.99… → clamped
    /// assert_eq!(t[128], -128);       // σ(−12.8) ≈ 0
    /// ```
    pub fn table(self, input: Quant) -> [i8; 256] {
        let out = self.output();
        let inverse = 1.0 / out.scale;
        let mut t = [0i8; 256];
        for q in -128i32..=127 {
            let x = input.scale * (q - input.zero_point) as f32;
            let r = libm::roundf(self.eval(x) * inverse) as i32 + out.zero_point;
            t[q as i8 as u8 as usize] = r.clamp(-128, 127) as i8;
        }
        t
    }
}

impl LutKind {
    /// The table as `arithmetic` builds it: LiteRT's [`LutKind::table`],
    /// or TFLite Micro's (its fixed-point function evaluated on each of the
    /// 256 inputs: gemmlowp's `logistic` / `tanh` in Q4.27 as TFLM runs them).
    pub fn table_as(self, input: Quant, arithmetic: Arithmetic) -> [i8; 256] {
        match arithmetic {
            Arithmetic::LiteRt => self.table(input),
            Arithmetic::Tflm => super::tflm::table(self, input),
        }
    }
}

/// A table layer: `y[k] = table[x[k] as u8]` (a record).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lut<'a> {
    /// The function.
    pub kind: LutKind,
    /// Width (inputs = outputs).
    pub width: usize,
    /// The input's quantization (the table was built for it).
    pub input: Quant,
    /// The table ([`LutKind::table`]).
    pub table: &'a [i8; 256],
}

impl Lut<'_> {
    /// Runs the table over `x` into `y` (`min(x.len(), y.len())`
    /// elements). On x86-64 hosts the lookup runs on the SIMD body
    /// [`dispatch`](crate::dispatch) selected (AVX-512 VBMI byte permutes,
    /// or AVX2 `vpshufb`); every body gives the same bytes.
    #[inline]
    pub fn run(&self, x: &[i8], y: &mut [i8]) {
        crate::dispatch::lut_i8(self.table, x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outside [`LutKind::saturation`] every entry is the end of int8, and
    /// a step (1/16) inside it none is: the interval is not looser than it
    /// must be.
    #[test]
    fn saturation_bounds_the_inputs_whose_output_moves() {
        for kind in [LutKind::Logistic, LutKind::Tanh] {
            let (lo, hi) = kind.saturation();
            assert!(lo < 0.0 && hi > 0.0, "{kind:?}");
            let input = Quant::new(1.0 / 16.0, 0);
            let t = kind.table(input);
            for q in -128i32..=127 {
                let x = input.dequantize(q as i8);
                let y = t[q as i8 as u8 as usize];
                if x > hi {
                    assert_eq!(y, 127, "{kind:?} {x}");
                } else if x < lo {
                    assert_eq!(y, -128, "{kind:?} {x}");
                } else if x < hi - 1.0 / 16.0 && x > lo + 1.0 / 16.0 {
                    assert!(y > -128 && y < 127, "{kind:?} {x} → {y}");
                }
            }
        }
        // σ: 254.5/256 at ln(254.5/1.5), 0.5/256 at ln(0.5/255.5)
        let (lo, hi) = LutKind::Logistic.saturation();
        assert!(
            (hi - 5.1338).abs() < 1e-3 && (lo + 6.2363).abs() < 1e-3,
            "{lo} {hi}"
        );
    }
}
