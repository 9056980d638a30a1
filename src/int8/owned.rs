//! The owned (heap) form of an int8 model: what post-training quantization
//! ([`super::quantize_network`]) and the `.tflite` reader produce, with the
//! checked borrowed view ([`QModel`]) it lends, and its Rust source form for
//! firmware ([`OwnedModel::to_rust`]).

use std::format;
use std::string::ToString;
use std::vec::Vec;

use super::{
    Arithmetic, FullyConnected, Fused, LeakyRelu, Lut, LutKind, Multiplier, QError, QLayer, QModel,
    Quant,
};

/// One owned int8 layer ([`QLayer`] with its slices in `Vec`s).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum OwnedLayer {
    /// A fully connected layer.
    FullyConnected {
        /// Inputs.
        fan_in: usize,
        /// Outputs.
        fan_out: usize,
        /// Output-major weights.
        weights: Vec<i8>,
        /// Biases.
        bias: Vec<i32>,
        /// One or `fan_out` scales.
        weight_scales: Vec<f32>,
        /// The input's quantization.
        input: Quant,
        /// The output's quantization.
        output: Quant,
        /// The fused activation.
        fused: Fused,
    },
    /// LOGISTIC or TANH.
    Lut {
        /// The function.
        kind: LutKind,
        /// Width.
        width: usize,
        /// The input's quantization.
        input: Quant,
        /// The table.
        table: [i8; 256],
    },
    /// LEAKY_RELU.
    LeakyRelu(LeakyRelu),
}

/// An owned int8 model: what [`quantize_network`](super::quantize_network) and the `.tflite` reader
/// return. [`OwnedModel::with_model`] lends the checked [`QModel`] view.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedModel {
    /// The input's quantization.
    pub input: Quant,
    /// The output's quantization.
    pub output: Quant,
    /// The layers, in order.
    pub layers: Vec<OwnedLayer>,
    /// Whose rounding the model follows (the runtime it was validated on).
    pub arithmetic: Arithmetic,
}

impl OwnedLayer {
    /// A fully connected layer (weights output-major, `w[o * fan_in + i]`;
    /// one or `fan_out` weight scales).
    #[allow(clippy::too_many_arguments)]
    pub fn fully_connected(
        fan_in: usize,
        fan_out: usize,
        weights: Vec<i8>,
        bias: Vec<i32>,
        weight_scales: Vec<f32>,
        input: Quant,
        output: Quant,
        fused: Fused,
    ) -> OwnedLayer {
        OwnedLayer::FullyConnected {
            fan_in,
            fan_out,
            weights,
            bias,
            weight_scales,
            input,
            output,
            fused,
        }
    }

    /// A LOGISTIC or TANH layer with its table built for `input`.
    pub fn lut(kind: LutKind, width: usize, input: Quant) -> OwnedLayer {
        OwnedLayer::Lut {
            kind,
            width,
            input,
            table: kind.table(input),
        }
    }

    /// A fully connected layer with its multipliers computed as LiteRT
    /// computes them: `(s_in · s_w) / s_out` in f64.
    fn multipliers(input: Quant, output: Quant, weight_scales: &[f32]) -> Vec<Multiplier> {
        weight_scales
            .iter()
            .map(|&s| Multiplier::from_real(input.scale as f64 * s as f64 / output.scale as f64))
            .collect()
    }
}

impl OwnedModel {
    /// Calls `f` with the checked borrowed view of this model.
    ///
    /// Multipliers are derived here from the scales (so they cannot
    /// disagree with them).
    pub fn with_model<R>(&self, f: impl FnOnce(QModel<'_>) -> R) -> Result<R, QError> {
        let multipliers: Vec<Vec<Multiplier>> = self
            .layers
            .iter()
            .map(|l| match l {
                OwnedLayer::FullyConnected {
                    input,
                    output,
                    weight_scales,
                    ..
                } => OwnedLayer::multipliers(*input, *output, weight_scales),
                _ => Vec::new(),
            })
            .collect();
        let layers: Vec<QLayer<'_>> = self
            .layers
            .iter()
            .zip(&multipliers)
            .map(|(l, m)| match l {
                OwnedLayer::FullyConnected {
                    fan_in,
                    fan_out,
                    weights,
                    bias,
                    weight_scales,
                    input,
                    output,
                    fused,
                } => QLayer::FullyConnected(FullyConnected {
                    fan_in: *fan_in,
                    fan_out: *fan_out,
                    weights,
                    bias,
                    weight_scales,
                    input: *input,
                    output: *output,
                    multipliers: m,
                    clamp: fused.range(*output),
                    arithmetic: self.arithmetic,
                }),
                OwnedLayer::Lut {
                    kind,
                    width,
                    input,
                    table,
                } => QLayer::Lut(Lut {
                    kind: *kind,
                    width: *width,
                    input: *input,
                    table,
                }),
                OwnedLayer::LeakyRelu(l) => QLayer::LeakyRelu(*l),
            })
            .collect();
        let model = QModel::new(self.input, self.output, &layers)?;
        Ok(f(model))
    }

    /// Runs the int8 network on one int8 input.
    pub fn run(&self, x: &[i8], y: &mut [i8]) -> Result<(), QError> {
        self.with_model(|m| {
            let mut scratch = std::vec![0i8; 2 * m.max_width()];
            m.run(x, y, &mut scratch)
        })?
    }

    /// Quantizes, runs and dequantizes one float input.
    pub fn predict(&self, x: &[f32], y: &mut [f32]) -> Result<(), QError> {
        self.with_model(|m| {
            let mut scratch = std::vec![0i8; 2 * m.max_width() + x.len() + y.len()];
            m.predict(x, y, &mut scratch)
        })?
    }

    /// Bytes of parameters a `static` of this model keeps in flash:
    /// weights, biases (4 B), scales and multipliers (4 + 8 B per channel),
    /// tables (256 B).
    pub fn parameter_bytes(&self) -> usize {
        self.layers
            .iter()
            .map(|l| match l {
                OwnedLayer::FullyConnected {
                    weights,
                    bias,
                    weight_scales,
                    ..
                } => weights.len() + 4 * bias.len() + 12 * weight_scales.len(),
                OwnedLayer::Lut { .. } => 256,
                OwnedLayer::LeakyRelu(_) => 0,
            })
            .sum()
    }
}

impl OwnedModel {
    /// Rust source declaring this model as statics, for firmware that keeps
    /// it in flash: `pub static {NAME}_LAYERS: [QLayer<'static>; N]` and
    /// `pub const {NAME}_INPUT` / `{NAME}_OUTPUT: Quant`, floats written as
    /// their bit patterns. Build the [`QModel`] with
    /// `QModel::new(NAME_INPUT, NAME_OUTPUT, &NAME_LAYERS)`.
    ///
    /// ```
    /// # use neurokern::int8::*;
    /// let q = Quant::new(0.5, 0);
    /// let m = OwnedModel { input: q, output: q, arithmetic: Arithmetic::LiteRt,
    ///     layers: vec![OwnedLayer::fully_connected(1, 1, vec![2], vec![0], vec![0.25], q, q, Fused::None)] };
    /// let src = m.to_rust("NET").unwrap();
    /// assert!(src.contains("pub static NET_LAYERS: [QLayer<'static>; 1]"));
    /// ```
    pub fn to_rust(&self, name: &str) -> Result<std::string::String, QError> {
        use std::fmt::Write;
        let q = |q: Quant| {
            format!(
                "Quant {{ scale: f32::from_bits({:#010x}), zero_point: {} }}",
                q.scale.to_bits(),
                q.zero_point
            )
        };
        let mult = |m: Multiplier| {
            format!(
                "Multiplier {{ mantissa: {}, shift: {} }}",
                m.mantissa, m.shift
            )
        };
        let list =
            |v: &mut dyn Iterator<Item = std::string::String>| v.collect::<Vec<_>>().join(", ");
        self.with_model(|m| {
            let mut s = std::string::String::new();
            let _ = writeln!(s, "pub const {name}_INPUT: Quant = {};", q(m.input_quant()));
            let _ = writeln!(s, "pub const {name}_OUTPUT: Quant = {};", q(m.output_quant()));
            let _ = writeln!(s, "pub static {name}_LAYERS: [QLayer<'static>; {}] = [", m.layers().len());
            for l in m.layers() {
                match l {
                    QLayer::FullyConnected(f) => {
                        let _ = writeln!(
                            s,
                            "    QLayer::FullyConnected(FullyConnected {{\n        fan_in: {},\n        fan_out: {},\n        weights: &[{}],\n        bias: &[{}],\n        weight_scales: &[{}],\n        input: {},\n        output: {},\n        multipliers: &[{}],\n        clamp: ({}, {}),\n        arithmetic: Arithmetic::{:?},\n    }}),",
                            f.fan_in,
                            f.fan_out,
                            list(&mut f.weights.iter().map(|w| w.to_string())),
                            list(&mut f.bias.iter().map(|b| b.to_string())),
                            list(&mut f.weight_scales.iter().map(|s| format!("f32::from_bits({:#010x})", s.to_bits()))),
                            q(f.input),
                            q(f.output),
                            list(&mut f.multipliers.iter().map(|&x| mult(x))),
                            f.clamp.0,
                            f.clamp.1,
                            f.arithmetic
                        );
                    }
                    QLayer::Lut(t) => {
                        let _ = writeln!(
                            s,
                            "    QLayer::Lut(Lut {{\n        kind: LutKind::{:?},\n        width: {},\n        input: {},\n        table: &[{}],\n    }}),",
                            t.kind,
                            t.width,
                            q(t.input),
                            list(&mut t.table.iter().map(|v| v.to_string()))
                        );
                    }
                    QLayer::LeakyRelu(r) => {
                        let _ = writeln!(
                            s,
                            "    QLayer::LeakyRelu(LeakyRelu {{\n        width: {},\n        alpha: f32::from_bits({:#010x}),\n        input: {},\n        output: {},\n        identity: {},\n        negative: {},\n    }}),",
                            r.width,
                            r.alpha.to_bits(),
                            q(r.input),
                            q(r.output),
                            mult(r.identity),
                            mult(r.negative)
                        );
                    }
                }
            }
            s.push_str("];\n");
            s
        })
    }
}
