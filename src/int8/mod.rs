//! Integer inference for cores without an FPU, with TensorFlow Lite's int8
//! semantics bit for bit: fully connected layers with int32 accumulators and
//! fixed-point requantization, fused ReLU / ReLU6 clamps, leaky ReLU, and
//! LOGISTIC / TANH through 256-entry tables.
//!
//! A network is a [`QModel`]: its input and output quantization and a slice
//! of layer records ([`QLayer`]), each holding everything it needs
//! precomputed (weights, folded bias, multipliers, clamp, table), so firmware keeps
//! a whole model in a `static` in flash and runs it with two scratch buffers
//! of [`QModel::max_width`] bytes each. Integer arithmetic has no rounding
//! choices left to the hardware, so the outputs are the same bits on every
//! target; `tools/check_litert.py` compares them with LiteRT (TFLite's
//! runtime) in CI.
//!
//! With the `std` feature, [`quantize_network`] makes a model from one of
//! this crate's trained float networks (post-training quantization:
//! calibration inputs give each tensor's range; weights symmetric per
//! channel), and the `neurokern-tflite` crate reads and writes `.tflite`
//! files.
//!
//! ```
//! use neurokern::int8::{Arithmetic, Fused, FullyConnected, LutKind, Lut, Multiplier, QLayer, QModel, Quant};
//!
//! // 2 → 2 fully connected, then σ: weights per tensor, scale 0.01
//! let input = Quant::new(0.02, 0);
//! let hidden = Quant::new(0.05, 3);
//! static TABLE: std::sync::OnceLock<[i8; 256]> = std::sync::OnceLock::new();
//! let table = TABLE.get_or_init(|| LutKind::Logistic.table(Quant::new(0.05, 3)));
//! let m = [Multiplier::from_real(0.02 * 0.01 / 0.05).pair()];
//! let layers = [
//!     QLayer::FullyConnected(FullyConnected {
//!         fan_in: 2, fan_out: 2,
//!         // the input's zero point is 0, so the folded bias is TFLite's
//!         weights: &[100, -50, 25, 127], folded_bias: &[0, 100],
//!         weight_scales: &[0.01], multipliers: &m,
//!         input, output: hidden, clamp: Fused::None.range(hidden),
//!         arithmetic: Arithmetic::LiteRt,
//!     }),
//!     QLayer::Lut(Lut { kind: LutKind::Logistic, width: 2, input: hidden, table }),
//! ];
//! let model = QModel::new(input, Quant::LOGISTIC_OUTPUT, &layers).unwrap();
//! let mut scratch = [0i8; 8]; // 2 · max_width + inputs + outputs
//! let mut y = [0.0f32; 2];
//! model.predict(&[0.5, -1.0], &mut y, &mut scratch).unwrap();
//! // σ(1.0) = 0.731, σ(−1.125) = 0.245, within the quantization steps
//! assert!((y[0] - 0.731).abs() < 0.01 && (y[1] - 0.245).abs() < 0.01);
//! ```
#![forbid(unsafe_code)]

pub mod blob;
mod blob_error;
mod fully_connected;
mod leaky_relu;
mod lut;
mod multiplier;
#[cfg(feature = "std")]
mod owned;
#[cfg(feature = "std")]
mod packed;
#[cfg(feature = "std")]
mod ptq;
mod quant;
mod requant;
mod tflm;

pub use blob::{Aligned, Interface, QBlob};
pub use blob_error::QBlobError;
pub use fully_connected::{fold_bias, FullyConnected};
pub use leaky_relu::LeakyRelu;
pub use lut::{Lut, LutKind};
pub use multiplier::{Arithmetic, Multiplier};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use owned::{OwnedLayer, OwnedModel};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use packed::PackedModel;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use ptq::{quantize_network, PtqError, PtqOptions};
pub use quant::{Fused, Quant};

/// One int8 layer: a record whose kind says how it is run. A new operation
/// is a new file and a new variant here.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum QLayer<'a> {
    /// TFLite FULLY_CONNECTED (with its fused clamp).
    FullyConnected(FullyConnected<'a>),
    /// TFLite LOGISTIC or TANH, as a table.
    Lut(Lut<'a>),
    /// TFLite LEAKY_RELU.
    LeakyRelu(LeakyRelu),
}

impl QLayer<'_> {
    /// `(inputs, outputs)`.
    pub fn shape(&self) -> (usize, usize) {
        match self {
            QLayer::FullyConnected(l) => (l.fan_in, l.fan_out),
            QLayer::Lut(l) => (l.width, l.width),
            QLayer::LeakyRelu(l) => (l.width, l.width),
        }
    }

    /// The quantization of its input and of its output.
    pub fn quants(&self) -> (Quant, Quant) {
        match self {
            QLayer::FullyConnected(l) => (l.input, l.output),
            QLayer::Lut(l) => (l.input, l.kind.output()),
            QLayer::LeakyRelu(l) => (l.input, l.output),
        }
    }

    /// Runs the layer (`x`, `y` of its shape).
    #[inline]
    pub fn run(&self, x: &[i8], y: &mut [i8]) {
        match self {
            QLayer::FullyConnected(l) => l.run(x, y),
            QLayer::Lut(l) => l.run(x, y),
            QLayer::LeakyRelu(l) => l.run(x, y),
        }
    }

    fn is_consistent(&self) -> bool {
        match self {
            QLayer::FullyConnected(l) => l.is_consistent(),
            QLayer::Lut(l) => l.width > 0 && l.input.is_valid(),
            QLayer::LeakyRelu(l) => l.width > 0 && l.input.is_valid() && l.output.is_valid(),
        }
    }
}

/// Why a model or a call was refused.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QError {
    /// The model has no layers.
    Empty,
    /// Layer `index`'s slices do not match its shape, or a quantization is
    /// invalid.
    Inconsistent {
        /// The layer.
        index: usize,
    },
    /// Layer `index` takes a different width, or a different quantization,
    /// from what the layer before it produces.
    Mismatch {
        /// The layer.
        index: usize,
    },
    /// An input, output or scratch slice has the wrong length.
    Length {
        /// What was expected.
        expected: usize,
        /// What was given.
        got: usize,
    },
}

impl core::fmt::Display for QError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            QError::Empty => write!(f, "the int8 model has no layers"),
            QError::Inconsistent { index } => {
                write!(f, "int8 layer {index}: slices do not match its shape or a quantization is invalid")
            }
            QError::Mismatch { index } => {
                write!(
                    f,
                    "int8 layer {index}: its input does not match the previous layer's output"
                )
            }
            QError::Length { expected, got } => {
                write!(f, "expected a slice of {expected}, got {got}")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for QError {}

/// An int8 network: checked once by [`QModel::new`], then run with caller
/// scratch (no heap).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QModel<'a> {
    input: Quant,
    output: Quant,
    layers: &'a [QLayer<'a>],
    max_width: usize,
}

impl<'a> QModel<'a> {
    /// Checks that every layer is consistent and that each takes what the
    /// previous one produces (width and quantization), the first the model's
    /// input and the last the model's output.
    pub fn new(input: Quant, output: Quant, layers: &'a [QLayer<'a>]) -> Result<Self, QError> {
        if layers.is_empty() {
            return Err(QError::Empty);
        }
        let (mut width, mut quant) = (layers[0].shape().0, input);
        let mut max_width = width;
        for (index, l) in layers.iter().enumerate() {
            if !l.is_consistent() {
                return Err(QError::Inconsistent { index });
            }
            let ((i, o), (qi, qo)) = (l.shape(), l.quants());
            if i != width || qi != quant {
                return Err(QError::Mismatch { index });
            }
            (width, quant) = (o, qo);
            max_width = max_width.max(o);
        }
        if quant != output {
            return Err(QError::Mismatch {
                index: layers.len(),
            });
        }
        Ok(QModel {
            input,
            output,
            layers,
            max_width,
        })
    }

    /// A model whose checks have passed (`max_width` as `new` computes it).
    pub(crate) fn checked(
        input: Quant,
        output: Quant,
        layers: &'a [QLayer<'a>],
        max_width: usize,
    ) -> Self {
        QModel {
            input,
            output,
            layers,
            max_width,
        }
    }

    /// The input's quantization.
    pub fn input_quant(&self) -> Quant {
        self.input
    }
    /// The output's quantization.
    pub fn output_quant(&self) -> Quant {
        self.output
    }
    /// The layers.
    pub fn layers(&self) -> &'a [QLayer<'a>] {
        self.layers
    }
    /// Inputs.
    pub fn fan_in(&self) -> usize {
        self.layers[0].shape().0
    }
    /// Outputs.
    pub fn fan_out(&self) -> usize {
        self.layers[self.layers.len() - 1].shape().1
    }
    /// The widest tensor: [`QModel::run`] needs `2 · max_width` bytes of scratch.
    pub fn max_width(&self) -> usize {
        self.max_width
    }

    /// Runs the int8 network: `x` quantized as [`QModel::input_quant`], `y`
    /// as [`QModel::output_quant`], `scratch` at least `2 · max_width` bytes.
    pub fn run(&self, x: &[i8], y: &mut [i8], scratch: &mut [i8]) -> Result<(), QError> {
        expect(self.fan_in(), x.len())?;
        expect(self.fan_out(), y.len())?;
        if scratch.len() < 2 * self.max_width {
            return Err(QError::Length {
                expected: 2 * self.max_width,
                got: scratch.len(),
            });
        }
        self.run_layers(x, y, scratch, |_, l, x, y| l.run(x, y));
        Ok(())
    }

    /// The layers in turn from `x` to `y` through the two halves of
    /// `scratch` (checked by the caller), layer `k` run by `run(k, layer,
    /// input, output)`.
    fn run_layers(
        &self,
        x: &[i8],
        y: &mut [i8],
        scratch: &mut [i8],
        mut run: impl FnMut(usize, &QLayer<'a>, &[i8], &mut [i8]),
    ) {
        let (a, b) = scratch.split_at_mut(self.max_width);
        a[..x.len()].copy_from_slice(x);
        let (mut src, mut dst) = (a, b);
        for (k, l) in self.layers.iter().enumerate() {
            let (i, o) = l.shape();
            run(k, l, &src[..i], &mut dst[..o]);
            core::mem::swap(&mut src, &mut dst);
        }
        y.copy_from_slice(&src[..y.len()]);
    }

    /// Quantizes `x`, runs, dequantizes into `y` (QUANTIZE and DEQUANTIZE at
    /// the edges, as a float-interface `.tflite` model does). `scratch`:
    /// `2 · max_width + fan_in + fan_out` bytes.
    pub fn predict(&self, x: &[f32], y: &mut [f32], scratch: &mut [i8]) -> Result<(), QError> {
        expect(self.fan_in(), x.len())?;
        expect(self.fan_out(), y.len())?;
        let need = 2 * self.max_width + x.len() + y.len();
        if scratch.len() < need {
            return Err(QError::Length {
                expected: need,
                got: scratch.len(),
            });
        }
        let (qx, rest) = scratch.split_at_mut(x.len());
        let (qy, rest) = rest.split_at_mut(y.len());
        self.input.quantize_slice(x, qx);
        self.run(qx, qy, rest)?;
        self.output.dequantize_slice(qy, y);
        Ok(())
    }
}

fn expect(expected: usize, got: usize) -> Result<(), QError> {
    if expected == got {
        Ok(())
    } else {
        Err(QError::Length { expected, got })
    }
}
