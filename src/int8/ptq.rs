//! Post-training quantization of this crate's float networks, and the owned
//! (heap) form of an int8 model that it and the `.tflite` reader produce.
//!
//! The scheme is TFLite's full-integer default: each activation tensor
//! asymmetric int8 over the range the calibration inputs reach (widened to
//! contain 0), weights symmetric int8 in `[−127, 127]` per output channel
//! (or per tensor), biases int32 at scale `s_in · s_w`, LOGISTIC and TANH
//! outputs at their fixed quantizations. A dense layer becomes a fully
//! connected layer with ReLU / ReLU6 fused as a clamp, or followed by a
//! LOGISTIC, TANH or LEAKY_RELU layer.

use std::format;
use std::string::ToString;
use std::vec::Vec;

use super::{
    FullyConnected, Fused, LeakyRelu, Lut, LutKind, Multiplier, QError, QLayer, QModel, Quant,
};
use crate::activation::{Act, Activation};
use crate::nn::{Layer, LayerKind, Network, Vector};

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

/// An owned int8 model: what [`quantize_network`] and the `.tflite` reader
/// return. [`OwnedModel::with_model`] lends the checked [`QModel`] view.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedModel {
    /// The input's quantization.
    pub input: Quant,
    /// The output's quantization.
    pub output: Quant,
    /// The layers, in order.
    pub layers: Vec<OwnedLayer>,
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

/// How to quantize.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PtqOptions {
    /// One weight scale per output channel (TFLite's default for fully
    /// connected layers) rather than one per layer.
    pub per_channel: bool,
    /// Clip the calibrated range of a tensor that feeds a LOGISTIC or TANH
    /// table to the inputs where the table is not saturated
    /// ([`LutKind::saturation`], widened by two steps): outside it every
    /// input gives the same int8 output, so the clip changes no output
    /// there and spends the 256 steps where the function moves. For the
    /// sine network this cuts the int8 MSE from 9.0e−4 to 7.7e−4
    /// (`tests/int8.rs`). TensorFlow's converter calibrates to the full
    /// range (`false`, [`PtqOptions::TFLITE`]).
    pub clip_to_saturation: bool,
}

impl Default for PtqOptions {
    fn default() -> Self {
        PtqOptions {
            per_channel: true,
            clip_to_saturation: true,
        }
    }
}

impl PtqOptions {
    /// TensorFlow's converter's choices: per-channel weights, activation
    /// ranges as calibrated.
    pub const TFLITE: PtqOptions = PtqOptions {
        per_channel: true,
        clip_to_saturation: false,
    };

    /// These options with per-channel (`true`) or per-tensor weight scales.
    pub const fn per_channel(self, per_channel: bool) -> PtqOptions {
        PtqOptions {
            per_channel,
            ..self
        }
    }

    /// These options with or without clipping table inputs to
    /// [`LutKind::saturation`].
    pub const fn clip_to_saturation(self, clip: bool) -> PtqOptions {
        PtqOptions {
            clip_to_saturation: clip,
            ..self
        }
    }
}

/// Why a network could not be quantized.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum PtqError {
    /// No calibration inputs were given.
    NoCalibration,
    /// Layer `index` uses an activation with no int8 form here (TFLite
    /// has int8 kernels for identity, ReLU, ReLU6, leaky ReLU, σ, tanh).
    Unsupported {
        /// The layer.
        index: usize,
        /// Its activation.
        act: Act,
    },
    /// A layer kind other than dense.
    UnsupportedKind {
        /// The layer.
        index: usize,
    },
    /// A weight, bias or calibration value is NaN or infinite.
    NotFinite,
}

impl core::fmt::Display for PtqError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PtqError::NoCalibration => write!(f, "quantization needs at least one calibration input"),
            PtqError::Unsupported { index, act } => write!(
                f,
                "layer {index}: {} has no int8 kernel (identity, relu, relu6, leaky_relu, sigmoid, tanh have)",
                act.name()
            ),
            PtqError::UnsupportedKind { index } => write!(f, "layer {index}: only dense layers can be quantized"),
            PtqError::NotFinite => write!(f, "a weight, bias or calibration value is not finite"),
        }
    }
}

impl std::error::Error for PtqError {}

struct FloatLayer {
    fan_in: usize,
    fan_out: usize,
    act: Act,
    w: Vec<f32>, // input-major, as the crate stores it
    b: Vec<f32>,
}

/// Range tracker.
#[derive(Clone, Copy)]
struct Range(f32, f32);
impl Range {
    const EMPTY: Range = Range(f32::INFINITY, f32::NEG_INFINITY);
    fn add(&mut self, v: &[f32]) {
        for &v in v {
            self.0 = self.0.min(v);
            self.1 = self.1.max(v);
        }
    }
    fn quant(self) -> Quant {
        Quant::from_range(self.0, self.1)
    }
    /// Clipped to `[lo, hi]` widened by two steps of the clipped range (so
    /// that the end codes still dequantize beyond the saturation points).
    fn clip_to(self, (lo, hi): (f32, f32)) -> Range {
        let margin = 2.0 * (hi - lo) / 255.0;
        Range(self.0.max(lo - margin), self.1.min(hi + margin))
    }
}

/// Post-training quantization of a trained float network.
///
/// `calibration` inputs are run through the float network to find the
/// range of every tensor; the returned model holds int8 weights and int32
/// biases.
///
/// ```
/// use neurokern::{activation::Act, mlp, nn::{Dense, DenseParams, Network}};
/// use neurokern::int8::{quantize_network, PtqOptions};
/// type Net = mlp![Dense<2, 3>, Dense<3, 1>];
/// let mut net = Network::<Net>::new(mlp![Dense::new(Act::Relu), Dense::new(Act::Sigmoid)]);
/// net.params.0 = DenseParams { w: [[0.5, -1.0, 0.25], [1.0, 0.5, -0.5]], b: [0.1, 0.0, -0.2] };
/// net.params.1 = DenseParams { w: [[1.0], [-2.0], [0.5]], b: [0.3] };
/// let calib: Vec<[f32; 2]> = (0..64).map(|k| [k as f32 / 32.0 - 1.0, 1.0 - k as f32 / 40.0]).collect();
/// let q = quantize_network(&net, &calib, PtqOptions::default()).unwrap();
/// let (mut yf, mut yq) = ([0.0f32], [0.0f32]);
/// net.forward(&[0.3, -0.4], &mut yf);
/// q.predict(&[0.3, -0.4], &mut yq).unwrap();
/// assert!((yf[0] - yq[0]).abs() < 0.02, "{yf:?} {yq:?}");
/// ```
pub fn quantize_network<L: Layer>(
    net: &Network<L>,
    calibration: &[L::Input],
    options: PtqOptions,
) -> Result<OwnedModel, PtqError> {
    if calibration.is_empty() {
        return Err(PtqError::NoCalibration);
    }
    let mut layers = Vec::new();
    let mut bad_kind = None;
    net.layers.for_each_layer(&net.params, &mut |r| {
        if r.kind != LayerKind::Dense {
            bad_kind.get_or_insert(layers.len());
        }
        layers.push(FloatLayer {
            fan_in: r.fan_in,
            fan_out: r.fan_out,
            act: r.act,
            w: r.weights.to_vec(),
            b: r.bias.to_vec(),
        });
    });
    if let Some(index) = bad_kind {
        return Err(PtqError::UnsupportedKind { index });
    }
    for (index, l) in layers.iter().enumerate() {
        if !matches!(
            l.act,
            Act::Identity | Act::Relu | Act::Relu6 | Act::LeakyRelu(_) | Act::Sigmoid | Act::Tanh
        ) {
            return Err(PtqError::Unsupported { index, act: l.act });
        }
        if l.w.iter().chain(&l.b).any(|v| !v.is_finite()) {
            return Err(PtqError::NotFinite);
        }
    }

    // Calibration: the range of the input, of every pre-activation z and of
    // every activation output y.
    let mut input_range = Range::EMPTY;
    let mut z_ranges = std::vec![Range::EMPTY; layers.len()];
    let mut y_ranges = std::vec![Range::EMPTY; layers.len()];
    for x in calibration {
        let mut v = x.as_slice().to_vec();
        if v.iter().any(|v| !v.is_finite()) {
            return Err(PtqError::NotFinite);
        }
        input_range.add(&v);
        for (k, l) in layers.iter().enumerate() {
            let mut z = l.b.clone();
            for (i, &xi) in v.iter().enumerate() {
                for (o, z) in z.iter_mut().enumerate() {
                    *z += l.w[i * l.fan_out + o] * xi;
                }
            }
            z_ranges[k].add(&z);
            l.act.forward_in_place(&mut z);
            y_ranges[k].add(&z);
            v = z;
        }
    }

    let input = input_range.quant();
    let mut q = input;
    let mut out = Vec::new();
    for (k, l) in layers.iter().enumerate() {
        // the fully connected layer's output: z, or y when the activation
        // is fused as a clamp
        let (fused, fc_out) = match l.act {
            Act::Identity => (Fused::None, z_ranges[k].quant()),
            Act::Relu => (Fused::Relu, y_ranges[k].quant()),
            Act::Relu6 => (Fused::Relu6, y_ranges[k].quant()),
            Act::Sigmoid | Act::Tanh if options.clip_to_saturation => {
                let kind = if l.act == Act::Sigmoid {
                    LutKind::Logistic
                } else {
                    LutKind::Tanh
                };
                (Fused::None, z_ranges[k].clip_to(kind.saturation()).quant())
            }
            _ => (Fused::None, z_ranges[k].quant()),
        };
        let (weights, weight_scales) = quantize_weights(l, options.per_channel);
        let bias =
            l.b.iter()
                .enumerate()
                .map(|(o, &b)| {
                    let s = weight_scales[if weight_scales.len() > 1 { o } else { 0 }];
                    let r = libm::round(b as f64 / (q.scale as f64 * s as f64));
                    r.clamp(i32::MIN as f64, i32::MAX as f64) as i32
                })
                .collect();
        out.push(OwnedLayer::FullyConnected {
            fan_in: l.fan_in,
            fan_out: l.fan_out,
            weights,
            bias,
            weight_scales,
            input: q,
            output: fc_out,
            fused,
        });
        q = fc_out;
        match l.act {
            Act::Sigmoid | Act::Tanh => {
                let kind = if l.act == Act::Sigmoid {
                    LutKind::Logistic
                } else {
                    LutKind::Tanh
                };
                out.push(OwnedLayer::Lut {
                    kind,
                    width: l.fan_out,
                    input: q,
                    table: kind.table(q),
                });
                q = kind.output();
            }
            Act::LeakyRelu(alpha) => {
                let y = y_ranges[k].quant();
                out.push(OwnedLayer::LeakyRelu(LeakyRelu::new(
                    l.fan_out, alpha, q, y,
                )));
                q = y;
            }
            _ => {}
        }
    }
    Ok(OwnedModel {
        input,
        output: q,
        layers: out,
    })
}

/// Symmetric int8 weights in TFLite's output-major layout, with their scales.
fn quantize_weights(l: &FloatLayer, per_channel: bool) -> (Vec<i8>, Vec<f32>) {
    let col_max = |o: usize| {
        (0..l.fan_in)
            .map(|i| l.w[i * l.fan_out + o].abs())
            .fold(0.0f32, f32::max)
    };
    let scale_of = |m: f32| if m > 0.0 { m / 127.0 } else { 1.0 };
    let scales: Vec<f32> = if per_channel {
        (0..l.fan_out).map(|o| scale_of(col_max(o))).collect()
    } else {
        std::vec![scale_of((0..l.fan_out).map(col_max).fold(0.0, f32::max))]
    };
    let mut w = std::vec![0i8; l.fan_in * l.fan_out];
    for o in 0..l.fan_out {
        let s = scales[if per_channel { o } else { 0 }];
        for i in 0..l.fan_in {
            w[o * l.fan_in + i] =
                libm::roundf(l.w[i * l.fan_out + o] / s).clamp(-127.0, 127.0) as i8;
        }
    }
    (w, scales)
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
    /// let m = OwnedModel { input: q, output: q,
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
                            "    QLayer::FullyConnected(FullyConnected {{\n        fan_in: {},\n        fan_out: {},\n        weights: &[{}],\n        bias: &[{}],\n        weight_scales: &[{}],\n        input: {},\n        output: {},\n        multipliers: &[{}],\n        clamp: ({}, {}),\n    }}),",
                            f.fan_in,
                            f.fan_out,
                            list(&mut f.weights.iter().map(|w| w.to_string())),
                            list(&mut f.bias.iter().map(|b| b.to_string())),
                            list(&mut f.weight_scales.iter().map(|s| format!("f32::from_bits({:#010x})", s.to_bits()))),
                            q(f.input),
                            q(f.output),
                            list(&mut f.multipliers.iter().map(|&x| mult(x))),
                            f.clamp.0,
                            f.clamp.1
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
