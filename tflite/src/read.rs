//! `.tflite` → [`OwnedModel`].
#![forbid(unsafe_code)]

use neurokern::int8::{Arithmetic, Fused, LeakyRelu, LutKind, OwnedLayer, OwnedModel, Quant};

use crate::fb;
use fb::{BuiltinOperator as Op, TensorType};

/// A model read from a `.tflite` file.
#[derive(Clone, Debug, PartialEq)]
pub struct TfliteModel {
    /// The int8 network.
    pub model: OwnedModel,
    /// The file takes float input through a QUANTIZE operator.
    pub float_input: bool,
    /// The file returns float output through a DEQUANTIZE operator.
    pub float_output: bool,
    /// The file's description string.
    pub description: String,
}

impl TfliteModel {
    /// The model's interface (int8 or f32 at each edge), as an int8 blob
    /// records it.
    pub fn interface(&self) -> neurokern::int8::Interface {
        neurokern::int8::Interface {
            float_input: self.float_input,
            float_output: self.float_output,
        }
    }
}

/// Why a file was refused. Every refusal names what it found.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// Not a valid FlatBuffer of the TFLite schema.
    Format(planus::Error),
    /// Something outside the supported subset.
    Unsupported(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Format(e) => write!(f, "not a valid .tflite file: {e}"),
            ReadError::Unsupported(s) => write!(f, "unsupported .tflite model: {s}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<planus::Error> for ReadError {
    fn from(e: planus::Error) -> Self {
        ReadError::Format(e)
    }
}

fn unsupported<T>(s: impl Into<String>) -> Result<T, ReadError> {
    Err(ReadError::Unsupported(s.into()))
}

/// Reads a `.tflite` file (see the crate docs for the subset) to follow
/// LiteRT's arithmetic, what Python's TFLite interpreter gives: the same as
/// [`read_with`]`(bytes, Arithmetic::LiteRt)`.
pub fn read(bytes: &[u8]) -> Result<TfliteModel, ReadError> {
    read_with(bytes, Arithmetic::LiteRt)
}

/// Reads a `.tflite` file to follow `arithmetic`: the rounding of the
/// runtime the model was validated on (LiteRT, or TensorFlow Lite Micro and
/// CMSIS-NN). The file does not say which; the caller does.
pub fn read_with(bytes: &[u8], arithmetic: Arithmetic) -> Result<TfliteModel, ReadError> {
    let root = <fb::ModelRef<'_> as planus::ReadAsRoot>::read_as_root(bytes)?;
    let model = fb::Model::try_from(root)?;
    let subgraphs = model.subgraphs.unwrap_or_default();
    if subgraphs.len() != 1 {
        return unsupported(format!("{} subgraphs (one is supported)", subgraphs.len()));
    }
    let g = &subgraphs[0];
    let tensors = g.tensors.as_deref().unwrap_or_default();
    let buffers = model.buffers.as_deref().unwrap_or_default();
    let codes = model.operator_codes.as_deref().unwrap_or_default();
    let ops = g.operators.as_deref().unwrap_or_default();
    let (inputs, outputs) = (
        g.inputs.as_deref().unwrap_or_default(),
        g.outputs.as_deref().unwrap_or_default(),
    );
    if inputs.len() != 1 || outputs.len() != 1 {
        return unsupported(format!(
            "{} inputs and {} outputs (one each is supported)",
            inputs.len(),
            outputs.len()
        ));
    }
    let tensor = |i: i32| -> Result<&fb::Tensor, ReadError> {
        usize::try_from(i)
            .ok()
            .and_then(|i| tensors.get(i))
            .ok_or_else(|| ReadError::Unsupported(format!("tensor index {i} out of range")))
    };
    let quant = |t: &fb::Tensor| -> Result<Quant, ReadError> {
        let q = t.quantization.as_deref();
        let scale = q.and_then(|q| q.scale.as_deref()).unwrap_or_default();
        let zp = q.and_then(|q| q.zero_point.as_deref()).unwrap_or_default();
        if scale.len() != 1 || zp.len() > 1 {
            return unsupported(format!(
                "tensor {:?}: {} scales (one per tensor expected)",
                name(t),
                scale.len()
            ));
        }
        let q = Quant::new(scale[0], zp.first().copied().unwrap_or(0) as i32);
        if !q.is_valid() || zp.first().is_some_and(|&z| !(-128..=127).contains(&z)) {
            return unsupported(format!(
                "tensor {:?}: scale {} zero point {:?}",
                name(t),
                scale[0],
                zp
            ));
        }
        Ok(q)
    };
    let data = |t: &fb::Tensor| -> Result<&[u8], ReadError> {
        let b = buffers.get(t.buffer as usize).ok_or_else(|| {
            ReadError::Unsupported(format!("tensor {:?}: buffer {} missing", name(t), t.buffer))
        })?;
        if b.offset != 0 || b.size != 0 {
            return unsupported(format!("tensor {:?}: data outside the flatbuffer", name(t)));
        }
        Ok(b.data.as_deref().unwrap_or_default())
    };
    let width = |t: &fb::Tensor| -> Result<usize, ReadError> {
        match t.shape.as_deref().unwrap_or_default() {
            [n] | [1, n] if *n > 0 => Ok(*n as usize),
            s => unsupported(format!(
                "tensor {:?}: shape {s:?} (batch 1, one feature axis)",
                name(t)
            )),
        }
    };

    let mut current = inputs[0];
    let mut float_input = false;
    let mut float_output = false;
    let mut layers = Vec::new();
    let mut model_input = None;
    for (k, op) in ops.iter().enumerate() {
        let code = codes.get(op.opcode_index as usize).ok_or_else(|| {
            ReadError::Unsupported(format!("operator {k}: opcode index out of range"))
        })?;
        // TFLite's rule: the larger of the two fields is the operator
        let builtin = if (code.deprecated_builtin_code as i32) > code.builtin_code as i32 {
            Op::try_from(code.deprecated_builtin_code as i32)
                .map_err(|_| ReadError::Unsupported(format!("operator {k}: unknown code")))?
        } else {
            code.builtin_code
        };
        let op_in = op.inputs.as_deref().unwrap_or_default();
        let op_out = op.outputs.as_deref().unwrap_or_default();
        if op_in.first() != Some(&current) || op_out.len() != 1 {
            return unsupported(format!(
                "operator {k} ({builtin:?}) does not continue a chain"
            ));
        }
        let (x, y) = (tensor(current)?, tensor(op_out[0])?);
        current = op_out[0];
        let last = k + 1 == ops.len();
        match builtin {
            Op::Quantize
                if k == 0 && x.type_ == TensorType::Float32 && y.type_ == TensorType::Int8 =>
            {
                float_input = true;
                continue;
            }
            Op::Dequantize
                if last && x.type_ == TensorType::Int8 && y.type_ == TensorType::Float32 =>
            {
                float_output = true;
                continue;
            }
            _ => {}
        }
        if x.type_ != TensorType::Int8 || y.type_ != TensorType::Int8 {
            return unsupported(format!(
                "operator {k} ({builtin:?}): {:?} → {:?} (int8 expected)",
                x.type_, y.type_
            ));
        }
        let (qx, qy) = (quant(x)?, quant(y)?);
        model_input.get_or_insert(qx);
        match builtin {
            Op::FullyConnected => {
                let fused = match &op.builtin_options {
                    Some(fb::BuiltinOptions::FullyConnectedOptions(o)) => {
                        if o.weights_format != fb::FullyConnectedOptionsWeightsFormat::Default {
                            return unsupported(format!("operator {k}: shuffled weights"));
                        }
                        match o.fused_activation_function {
                            fb::ActivationFunctionType::None => Fused::None,
                            fb::ActivationFunctionType::Relu => Fused::Relu,
                            fb::ActivationFunctionType::Relu6 => Fused::Relu6,
                            fb::ActivationFunctionType::ReluN1To1 => Fused::Relu1,
                            a => return unsupported(format!("operator {k}: fused {a:?}")),
                        }
                    }
                    None => Fused::None,
                    Some(_) => {
                        return unsupported(format!("operator {k}: options of another operator"))
                    }
                };
                let w = tensor(*op_in.get(1).unwrap_or(&-1))?;
                let (fan_out, fan_in) = match w.shape.as_deref().unwrap_or_default() {
                    [o, i] if *o > 0 && *i > 0 => (*o as usize, *i as usize),
                    s => return unsupported(format!("operator {k}: weight shape {s:?}")),
                };
                if w.type_ != TensorType::Int8 {
                    return unsupported(format!(
                        "operator {k}: {:?} weights (int8 expected)",
                        w.type_
                    ));
                }
                let wq = w.quantization.as_deref();
                let scales = wq.and_then(|q| q.scale.clone()).unwrap_or_default();
                let zps = wq.and_then(|q| q.zero_point.clone()).unwrap_or_default();
                if !(scales.len() == 1 || scales.len() == fan_out) || zps.iter().any(|&z| z != 0) {
                    return unsupported(format!(
                        "operator {k}: weight quantization {} scales, zero points {zps:?}",
                        scales.len()
                    ));
                }
                if scales.len() > 1 && wq.is_some_and(|q| q.quantized_dimension != 0) {
                    return unsupported(format!("operator {k}: per-channel scales on axis 1"));
                }
                let weights: Vec<i8> = data(w)?.iter().map(|&b| b as i8).collect();
                if weights.len() != fan_in * fan_out || fan_in != width(x)? || fan_out != width(y)?
                {
                    return unsupported(format!(
                        "operator {k}: weights hold {} values for {fan_in}→{fan_out}",
                        weights.len()
                    ));
                }
                let bias = match op_in.get(2) {
                    None | Some(-1) => vec![0; fan_out],
                    Some(&b) => {
                        let b = tensor(b)?;
                        if b.type_ != TensorType::Int32 {
                            return unsupported(format!(
                                "operator {k}: {:?} bias (int32 expected)",
                                b.type_
                            ));
                        }
                        let d = data(b)?;
                        if d.len() != 4 * fan_out {
                            return unsupported(format!("operator {k}: bias of {} bytes", d.len()));
                        }
                        d.chunks_exact(4)
                            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                            .collect()
                    }
                };
                layers.push(OwnedLayer::fully_connected(
                    fan_in, fan_out, weights, bias, scales, qx, qy, fused,
                ));
            }
            Op::Logistic | Op::Tanh => {
                let kind = if builtin == Op::Logistic {
                    LutKind::Logistic
                } else {
                    LutKind::Tanh
                };
                if qy != kind.output() {
                    return unsupported(format!(
                        "operator {k}: {builtin:?} output {qy:?} (TFLite requires {:?})",
                        kind.output()
                    ));
                }
                let n = width(x)?;
                layers.push(OwnedLayer::lut_as(kind, n, qx, arithmetic));
            }
            Op::LeakyRelu => {
                let alpha = match &op.builtin_options {
                    Some(fb::BuiltinOptions::LeakyReluOptions(o)) => o.alpha,
                    _ => {
                        return unsupported(format!("operator {k}: LEAKY_RELU without its options"))
                    }
                };
                layers.push(OwnedLayer::LeakyRelu(LeakyRelu::new(
                    width(x)?,
                    alpha,
                    qx,
                    qy,
                )));
            }
            other => return unsupported(format!("operator {k}: {other:?}")),
        }
    }
    if current != outputs[0] {
        return unsupported("the chain of operators does not end at the subgraph's output");
    }
    let output = match layers.last() {
        Some(_) => quant(tensor(
            ops.iter()
                .rev()
                .find_map(|o| {
                    // the int8 output: the last int8 tensor of the chain
                    let out = o.outputs.as_deref()?[0];
                    let t = tensors.get(out as usize)?;
                    (t.type_ == TensorType::Int8).then_some(out)
                })
                .unwrap_or(-1),
        )?)?,
        None => return unsupported("no FULLY_CONNECTED, LOGISTIC, TANH or LEAKY_RELU operator"),
    };
    let model = OwnedModel {
        input: model_input.unwrap_or(output),
        output,
        layers,
        arithmetic,
    };
    model
        .with_model(|_| ())
        .map_err(|e| ReadError::Unsupported(e.to_string()))?;
    Ok(TfliteModel {
        model,
        float_input,
        float_output,
        description: model_description(root),
    })
}

fn model_description(root: fb::ModelRef<'_>) -> String {
    root.description()
        .ok()
        .flatten()
        .unwrap_or_default()
        .to_string()
}

fn name(t: &fb::Tensor) -> &str {
    t.name.as_deref().unwrap_or("")
}
