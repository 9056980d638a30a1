//! [`OwnedModel`] → `.tflite`.
#![forbid(unsafe_code)]

use neurokern::int8::{Fused, LutKind, OwnedLayer, OwnedModel, Quant};

use crate::fb;
use fb::{BuiltinOperator as Op, TensorType};

/// How to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// Float input and output through QUANTIZE and DEQUANTIZE operators
    /// (what a converter run without `inference_input_type = int8` writes).
    pub float_io: bool,
    /// The model's description string.
    pub description: String,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            float_io: false,
            description: "neurokern int8".into(),
        }
    }
}

/// Why a model could not be written.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteError {
    /// The model does not pass [`OwnedModel::with_model`]'s checks.
    Invalid(String),
    /// A layer this writer does not know.
    Unsupported(String),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Invalid(s) => write!(f, "invalid int8 model: {s}"),
            WriteError::Unsupported(s) => write!(f, "cannot write to .tflite: {s}"),
        }
    }
}

impl std::error::Error for WriteError {}

struct Graph {
    tensors: Vec<fb::Tensor>,
    buffers: Vec<fb::Buffer>,
    codes: Vec<fb::OperatorCode>,
    ops: Vec<fb::Operator>,
}

impl Graph {
    fn tensor(
        &mut self,
        name: String,
        shape: Vec<i32>,
        type_: TensorType,
        q: Option<(Vec<f32>, i64)>,
        data: Option<Vec<u8>>,
    ) -> i32 {
        let buffer = match data {
            Some(d) => {
                self.buffers.push(fb::Buffer {
                    data: Some(d),
                    ..Default::default()
                });
                (self.buffers.len() - 1) as u32
            }
            None => 0,
        };
        let quantization = q.map(|(scale, zp)| {
            Box::new(fb::QuantizationParameters {
                zero_point: Some(vec![zp; scale.len()]),
                scale: Some(scale),
                ..Default::default()
            })
        });
        self.tensors.push(fb::Tensor {
            shape: Some(shape),
            type_,
            buffer,
            name: Some(name),
            quantization,
            ..Default::default()
        });
        (self.tensors.len() - 1) as i32
    }

    fn act(&mut self, name: String, n: usize, q: Quant) -> i32 {
        let quant = Some((vec![q.scale], q.zero_point as i64));
        self.tensor(name, vec![1, n as i32], TensorType::Int8, quant, None)
    }

    fn op(
        &mut self,
        code: Op,
        version: i32,
        inputs: Vec<i32>,
        output: i32,
        options: Option<fb::BuiltinOptions>,
    ) {
        let index = match self
            .codes
            .iter()
            .position(|c| c.builtin_code == code && c.version == version)
        {
            Some(i) => i,
            None => {
                self.codes.push(fb::OperatorCode {
                    deprecated_builtin_code: (code as i32).min(127) as i8,
                    builtin_code: code,
                    version,
                    ..Default::default()
                });
                self.codes.len() - 1
            }
        };
        self.ops.push(fb::Operator {
            opcode_index: index as u32,
            inputs: Some(inputs),
            outputs: Some(vec![output]),
            builtin_options: options,
            ..Default::default()
        });
    }
}

/// Writes `model` as a `.tflite` file that TFLite (LiteRT) and TFLite Micro
/// load: one subgraph, batch-1 tensors `[1, n]`, weights `[out, in]` with
/// per-tensor or per-channel (axis 0) scales, int32 biases.
pub fn write(model: &OwnedModel, options: &WriteOptions) -> Result<Vec<u8>, WriteError> {
    let (fan_in, _) = model
        .with_model(|m| (m.fan_in(), m.fan_out()))
        .map_err(|e| WriteError::Invalid(e.to_string()))?;
    let mut g = Graph {
        tensors: Vec::new(),
        // buffer 0 is the empty sentinel every .tflite file starts with
        buffers: vec![fb::Buffer::default()],
        codes: Vec::new(),
        ops: Vec::new(),
    };
    let mut current;
    let graph_input;
    if options.float_io {
        graph_input = g.tensor(
            "input".into(),
            vec![1, fan_in as i32],
            TensorType::Float32,
            None,
            None,
        );
        current = g.act("input_int8".into(), fan_in, model.input);
        g.op(Op::Quantize, 1, vec![graph_input], current, None);
    } else {
        graph_input = g.act("input".into(), fan_in, model.input);
        current = graph_input;
    }
    for (k, layer) in model.layers.iter().enumerate() {
        match layer {
            OwnedLayer::FullyConnected {
                fan_in,
                fan_out,
                weights,
                bias,
                weight_scales,
                input,
                output,
                fused,
            } => {
                let w = g.tensor(
                    format!("layer{k}/weights"),
                    vec![*fan_out as i32, *fan_in as i32],
                    TensorType::Int8,
                    Some((weight_scales.clone(), 0)),
                    Some(weights.iter().map(|&v| v as u8).collect()),
                );
                let bias_scales = weight_scales.iter().map(|&s| input.scale * s).collect();
                let b = g.tensor(
                    format!("layer{k}/bias"),
                    vec![*fan_out as i32],
                    TensorType::Int32,
                    Some((bias_scales, 0)),
                    Some(bias.iter().flat_map(|v| v.to_le_bytes()).collect()),
                );
                let y = g.act(format!("layer{k}/output"), *fan_out, *output);
                let fused_activation_function = match fused {
                    Fused::None => fb::ActivationFunctionType::None,
                    Fused::Relu => fb::ActivationFunctionType::Relu,
                    Fused::Relu6 => fb::ActivationFunctionType::Relu6,
                    Fused::Relu1 => fb::ActivationFunctionType::ReluN1To1,
                    f => return Err(WriteError::Unsupported(format!("fused {f:?}"))),
                };
                let opts = fb::FullyConnectedOptions {
                    fused_activation_function,
                    ..Default::default()
                };
                // the operator versions TensorFlow's converter writes for
                // these int8 forms (tests/data/tf_sine.tflite)
                let version = if weight_scales.len() > 1 { 12 } else { 4 };
                g.op(
                    Op::FullyConnected,
                    version,
                    vec![current, w, b],
                    y,
                    Some(fb::BuiltinOptions::FullyConnectedOptions(Box::new(opts))),
                );
                current = y;
            }
            OwnedLayer::Lut { kind, width, .. } => {
                let (code, name) = match kind {
                    LutKind::Logistic => (Op::Logistic, "logistic"),
                    LutKind::Tanh => (Op::Tanh, "tanh"),
                    k => return Err(WriteError::Unsupported(format!("table {k:?}"))),
                };
                let y = g.act(format!("layer{k}/{name}"), *width, kind.output());
                g.op(code, 2, vec![current], y, None);
                current = y;
            }
            OwnedLayer::LeakyRelu(l) => {
                let y = g.act(format!("layer{k}/leaky_relu"), l.width, l.output);
                let opts = fb::LeakyReluOptions { alpha: l.alpha };
                g.op(
                    Op::LeakyRelu,
                    2,
                    vec![current],
                    y,
                    Some(fb::BuiltinOptions::LeakyReluOptions(Box::new(opts))),
                );
                current = y;
            }
            other => return Err(WriteError::Unsupported(format!("{other:?}"))),
        }
    }
    let graph_output = if options.float_io {
        let n = g.tensors[current as usize]
            .shape
            .as_ref()
            .map_or(1, |s| s[1]);
        let y = g.tensor("output".into(), vec![1, n], TensorType::Float32, None, None);
        g.op(Op::Dequantize, 2, vec![current], y, None);
        y
    } else {
        current
    };
    let fbm = fb::Model {
        version: 3,
        operator_codes: Some(g.codes),
        subgraphs: Some(vec![fb::SubGraph {
            tensors: Some(g.tensors),
            inputs: Some(vec![graph_input]),
            outputs: Some(vec![graph_output]),
            operators: Some(g.ops),
            name: Some("main".into()),
            ..Default::default()
        }]),
        description: Some(options.description.clone()),
        buffers: Some(g.buffers),
        ..Default::default()
    };
    let mut builder = planus::Builder::new();
    let body = builder.finish(&fbm, None);
    // The file identifier "TFL3" must sit at bytes 4..8, after the root
    // offset. planus 1.3's `finish(.., Some(id))` writes the two in the
    // other order, so the header is built here: 8 bytes in front (keeping
    // 8-byte alignment), the root offset moved 8 further; the body's own
    // root offset stays behind as 4 unused bytes.
    let root = u32::from_le_bytes([body[0], body[1], body[2], body[3]]) + 8;
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&root.to_le_bytes());
    out.extend_from_slice(b"TFL3");
    out.extend_from_slice(body);
    Ok(out)
}
