//! The owned (heap) form of an int8 model: what post-training quantization
//! ([`super::quantize_network`]) and the `.tflite` reader produce, with the
//! checked borrowed view ([`QModel`]) it lends, and its Rust source form for
//! firmware ([`OwnedModel::to_rust`]).

use std::format;
use std::string::ToString;
use std::vec::Vec;

use super::{
    fold_bias, Arithmetic, FullyConnected, Fused, Interface, LeakyRelu, Lut, LutKind, Multiplier,
    QBlob, QBlobError, QError, QLayer, QModel, Quant,
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

    /// A LOGISTIC or TANH layer with LiteRT's table for `input`.
    pub fn lut(kind: LutKind, width: usize, input: Quant) -> OwnedLayer {
        Self::lut_as(kind, width, input, Arithmetic::LiteRt)
    }

    /// A LOGISTIC or TANH layer with `arithmetic`'s table for `input`
    /// ([`LutKind::table_as`]).
    pub fn lut_as(kind: LutKind, width: usize, input: Quant, arithmetic: Arithmetic) -> OwnedLayer {
        OwnedLayer::Lut {
            kind,
            width,
            input,
            table: kind.table_as(input, arithmetic),
        }
    }

    /// A fully connected layer's multipliers, computed as LiteRT computes
    /// them (`(s_in · s_w) / s_out` in f64), as `[mantissa, shift]` pairs.
    fn multipliers(input: Quant, output: Quant, weight_scales: &[f32]) -> Vec<[i32; 2]> {
        weight_scales
            .iter()
            .map(|&s| {
                Multiplier::from_real(input.scale as f64 * s as f64 / output.scale as f64).pair()
            })
            .collect()
    }

    /// TFLite's bias with the input's zero point folded in ([`fold_bias`]);
    /// empty when the shapes disagree (the model check then names the layer).
    fn folded(weights: &[i8], bias: &[i32], zero_point: i32) -> Vec<i32> {
        let mut out = std::vec![0; bias.len()];
        if !bias.is_empty() && weights.len().is_multiple_of(bias.len()) {
            fold_bias(weights, bias, zero_point, &mut out);
            out
        } else {
            Vec::new()
        }
    }
}

impl OwnedModel {
    /// Calls `f` with the checked borrowed view of this model.
    ///
    /// Multipliers and folded biases are derived here from the scales and
    /// TFLite's biases (so they cannot disagree with them).
    pub fn with_model<R>(&self, f: impl FnOnce(QModel<'_>) -> R) -> Result<R, QError> {
        let derived: Vec<(Vec<[i32; 2]>, Vec<i32>)> = self
            .layers
            .iter()
            .map(|l| match l {
                OwnedLayer::FullyConnected {
                    input,
                    output,
                    weight_scales,
                    weights,
                    bias,
                    ..
                } => (
                    OwnedLayer::multipliers(*input, *output, weight_scales),
                    OwnedLayer::folded(weights, bias, input.zero_point),
                ),
                _ => (Vec::new(), Vec::new()),
            })
            .collect();
        let layers: Vec<QLayer<'_>> = self
            .layers
            .iter()
            .zip(&derived)
            .map(|(l, (m, folded))| match l {
                OwnedLayer::FullyConnected {
                    fan_in,
                    fan_out,
                    weights,
                    weight_scales,
                    input,
                    output,
                    fused,
                    ..
                } => QLayer::FullyConnected(FullyConnected {
                    fan_in: *fan_in,
                    fan_out: *fan_out,
                    weights,
                    folded_bias: folded,
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
    /// it in flash: a `use neurokern::int8::{…}` line naming what it uses,
    /// `pub static {NAME}_LAYERS: [QLayer<'static>; N]` and
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
            let mut names = std::vec!["Quant", "QLayer"];
            for l in m.layers() {
                names.extend_from_slice(match l {
                    QLayer::FullyConnected(_) => &["FullyConnected", "Arithmetic"][..],
                    QLayer::Lut(_) => &["Lut", "LutKind"][..],
                    QLayer::LeakyRelu(_) => &["LeakyRelu", "Multiplier"][..],
                });
            }
            names.sort_unstable();
            names.dedup();
            let mut s = format!("use neurokern::int8::{{{}}};\n\n", names.join(", "));
            let _ = writeln!(s, "pub const {name}_INPUT: Quant = {};", q(m.input_quant()));
            let _ = writeln!(s, "pub const {name}_OUTPUT: Quant = {};", q(m.output_quant()));
            let _ = writeln!(s, "pub static {name}_LAYERS: [QLayer<'static>; {}] = [", m.layers().len());
            for l in m.layers() {
                match l {
                    QLayer::FullyConnected(f) => {
                        let _ = writeln!(
                            s,
                            "    QLayer::FullyConnected(FullyConnected {{\n        fan_in: {},\n        fan_out: {},\n        weights: &[{}],\n        folded_bias: &[{}],\n        weight_scales: &[{}],\n        input: {},\n        output: {},\n        multipliers: &[{}],\n        clamp: ({}, {}),\n        arithmetic: Arithmetic::{:?},\n    }}),",
                            f.fan_in,
                            f.fan_out,
                            list(&mut f.weights.iter().map(|w| w.to_string())),
                            list(&mut f.folded_bias.iter().map(|b| b.to_string())),
                            list(&mut f.weight_scales.iter().map(|s| format!("f32::from_bits({:#010x})", s.to_bits()))),
                            q(f.input),
                            q(f.output),
                            list(&mut f.multipliers.iter().map(|[m, s]| format!("[{m}, {s}]"))),
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

impl OwnedModel {
    /// The model as an int8 blob ([`crate::int8::blob`]): what
    /// `neurokern-tflite convert --blob` writes and firmware reads in place.
    ///
    /// # Errors
    /// The model's check ([`QError`]), or a model a blob cannot hold (more
    /// than [`MAX_QLAYERS`](super::blob::MAX_QLAYERS) layers).
    pub fn to_blob(&self, interface: Interface) -> Result<Vec<u8>, QBlobError> {
        self.with_model(|m| {
            let mut buf = std::vec![0u8; m.blob_len()];
            m.write_blob(interface, &mut buf).map(|_| buf)
        })
        .map_err(QBlobError::Model)?
    }

    /// Reads an int8 blob back into the owned form (TFLite's biases from
    /// the folded ones, the fused activation from the clamp: the first of
    /// ReLU, none, ReLU6, ReLU1 that gives it), with the
    /// interface it records. The bytes are copied to an aligned buffer
    /// first, so any slice will do.
    ///
    /// ```
    /// # use neurokern::int8::*;
    /// let q = Quant::new(0.5, 3);
    /// let m = OwnedModel { input: q, output: q, arithmetic: Arithmetic::Tflm,
    ///     layers: vec![OwnedLayer::fully_connected(2, 1, vec![2, -3], vec![7], vec![0.25], q, q, Fused::Relu)] };
    /// let blob = m.to_blob(Interface::FLOAT).unwrap();
    /// assert_eq!(OwnedModel::from_blob(&blob).unwrap(), (m, Interface::FLOAT));
    /// ```
    ///
    /// # Errors
    /// Whatever [`QBlob::parse`](super::QBlob::parse) finds; a clamp no
    /// fused activation gives, or layers that disagree on the arithmetic
    /// ([`QBlobError::BadField`]).
    pub fn from_blob(bytes: &[u8]) -> Result<(OwnedModel, Interface), QBlobError> {
        let words: Vec<u32> = bytes
            .chunks(4)
            .map(|c| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                u32::from_le_bytes(w)
            })
            .collect();
        let aligned = &bytemuck::cast_slice::<u32, u8>(&words)[..bytes.len()];
        let blob = QBlob::<'_, { super::blob::MAX_QLAYERS }>::parse_with_capacity(aligned)?;
        let model = blob.model();
        let mut arithmetic = None;
        let mut layers = Vec::new();
        for (index, l) in model.layers().iter().enumerate() {
            let bad = |field| QBlobError::BadField {
                layer: Some(index),
                field,
            };
            layers.push(match l {
                QLayer::FullyConnected(f) => {
                    if *arithmetic.get_or_insert(f.arithmetic) != f.arithmetic {
                        return Err(bad("arithmetic (an OwnedModel has one for every layer)"));
                    }
                    // ReLU before NONE: where the two clamp alike (an output
                    // zero point of −128) a converter wrote RELU
                    let fused = [Fused::Relu, Fused::None, Fused::Relu6, Fused::Relu1]
                        .into_iter()
                        .find(|fu| fu.range(f.output) == f.clamp)
                        .ok_or(bad("clamp (no fused activation gives it)"))?;
                    OwnedLayer::FullyConnected {
                        fan_in: f.fan_in,
                        fan_out: f.fan_out,
                        weights: f.weights.to_vec(),
                        bias: (0..f.fan_out).map(|o| f.tflite_bias(o)).collect(),
                        weight_scales: f.weight_scales.to_vec(),
                        input: f.input,
                        output: f.output,
                        fused,
                    }
                }
                QLayer::Lut(t) => OwnedLayer::Lut {
                    kind: t.kind,
                    width: t.width,
                    input: t.input,
                    table: *t.table,
                },
                QLayer::LeakyRelu(r) => OwnedLayer::LeakyRelu(*r),
            });
        }
        let owned = OwnedModel {
            input: model.input_quant(),
            output: model.output_quant(),
            layers,
            arithmetic: arithmetic.unwrap_or_default(),
        };
        Ok((owned, blob.interface()))
    }
}
