//! Weights in and out: a versioned little-endian blob, no_std, no heap.
//!
//! # Format (version 2)
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `b"NKRN"` |
//! | 4 | 2 | version, `2` (u16 LE) |
//! | 6 | 2 | number of layers `n` (u16 LE, 1..=32) |
//! | 8 | 16·n | per layer: `fan_in` u32, `fan_out` u32, activation code u8 ([`Act::code`]), layer kind u8 ([`LayerKind::code`](super::LayerKind::code), 0 = dense), 2 zero bytes, α f32 (leaky ReLU's and ELU's parameter, else 0) |
//! | 8 + 16n | 4·P | parameters, f32 LE, layer by layer: weights input-major `w[i][o]`, then biases |
//! | end − 4 | 4 | CRC-32 (IEEE 802.3) of every byte before it (u32 LE) |
//!
//! Version 1 blobs (written before the layer-kind byte and the activations
//! after ReLU existed) still load: the same layout, with the kind byte zero
//! and activation codes 0–4 only.
//!
//! Parsing never panics and never reads out of bounds, whatever the bytes:
//! every malformed input gets its own [`BlobError`].
//!
//! ```
//! use neurokern::{activation::Act, mlp};
//! use neurokern::nn::{init::{Init, SplitMix64}, Dense, Network};
//!
//! type Net = mlp![Dense<2, 4>, Dense<4, 1>];
//! let mut net = Network::<Net>::new(mlp![Dense::new(Act::Relu), Dense::new(Act::Sigmoid)]);
//! net.init(Init::Auto, &mut SplitMix64::new(9));
//!
//! let mut buf = [0u8; Network::<Net>::BLOB_BYTES];
//! let n = net.to_bytes(&mut buf).unwrap();
//! let back = Network::<Net>::from_bytes(&buf[..n]).unwrap();
//! assert_eq!(back, net);
//! ```

use super::dense_core::{dense_core, LeF32};
use super::{Layer, LayerKind, Network, ParamSet};
use crate::activation::Act;
use core::fmt;

/// The four bytes every blob starts with.
pub const MAGIC: [u8; 4] = *b"NKRN";
/// The format version this crate writes (it also reads [`VERSION_1`]).
pub const VERSION: u16 = 2;
/// The first format version: no layer-kind byte, activation codes 0–4.
pub const VERSION_1: u16 = 1;
/// The highest activation code a version-1 blob may use (leaky ReLU).
pub(crate) const V1_MAX_CODE: u8 = 4;
/// The most layers a blob may describe.
pub const MAX_LAYERS: usize = 32;
/// The widest layer a blob may describe (inputs or outputs).
pub const MAX_WIDTH: u32 = 1 << 16;

/// A parameter is finite for the activations that have one (leaky ReLU's
/// and ELU's α, either sign) and all-zero bits for the others.
pub(crate) const fn param_ok(act: Act, raw: f32) -> bool {
    if act.has_param() {
        raw.is_finite()
    } else {
        raw.to_bits() == 0
    }
}

const HEADER: usize = 8;
const LAYER: usize = 16;
const CRC: usize = 4;

/// What is wrong with a blob (or a buffer to write one into).
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlobError {
    /// The blob ends before the `needed` bytes its header implies.
    Truncated {
        /// Bytes the header implies.
        needed: usize,
        /// Bytes given.
        got: usize,
    },
    /// More bytes than the header implies.
    TrailingBytes {
        /// Bytes the header implies.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// The first four bytes are not `b"NKRN"`.
    BadMagic {
        /// The bytes found.
        found: [u8; 4],
    },
    /// A version this crate does not read.
    UnsupportedVersion {
        /// The version found.
        found: u16,
    },
    /// Zero layers, or more than [`MAX_LAYERS`].
    LayerCount {
        /// Layers in the blob.
        found: usize,
    },
    /// A layer with no inputs or outputs, or wider than [`MAX_WIDTH`].
    BadShape {
        /// Layer index.
        layer: usize,
        /// Its inputs.
        fan_in: u32,
        /// Its outputs.
        fan_out: u32,
    },
    /// A layer's inputs differ from the previous layer's outputs.
    BrokenChain {
        /// Layer index.
        layer: usize,
        /// Outputs of the previous layer.
        previous_out: u32,
        /// Inputs of this layer.
        fan_in: u32,
    },
    /// An activation code this crate does not know.
    UnknownActivation {
        /// Layer index.
        layer: usize,
        /// The code.
        code: u8,
    },
    /// Reserved bytes are not zero.
    ReservedNotZero {
        /// Layer index.
        layer: usize,
    },
    /// A layer kind this build does not know (blob version 2's kind byte).
    UnknownLayerKind {
        /// Layer index.
        layer: usize,
        /// The kind byte.
        kind: u8,
    },
    /// A parameter (leaky ReLU's or ELU's α) that is NaN or infinite, or a
    /// non-zero parameter on a layer whose activation has none (reading and
    /// writing it again would change the bytes).
    BadSlope {
        /// Layer index.
        layer: usize,
        /// The slope's bits, as stored (a NaN keeps its payload here).
        bits: u32,
    },
    /// The CRC-32 does not match the contents.
    Checksum {
        /// The CRC stored in the blob.
        stored: u32,
        /// The CRC of the contents.
        computed: u32,
    },
    /// A parameter is NaN or infinite.
    NonFiniteParameter {
        /// Index of the parameter, in canonical order.
        index: usize,
    },
    /// The blob's layer count differs from the network type's.
    DepthMismatch {
        /// Layers in the type.
        expected: usize,
        /// Layers in the blob.
        found: usize,
    },
    /// A layer's shape differs from the network type's.
    ShapeMismatch {
        /// Layer index.
        layer: usize,
        /// `(fan_in, fan_out)` of the type.
        expected: (usize, usize),
        /// `(fan_in, fan_out)` in the blob.
        found: (usize, usize),
    },
    /// A valid blob with more layers than the [`BlobModel`]'s capacity.
    Capacity {
        /// Layers in the blob.
        found: usize,
        /// The model's capacity.
        capacity: usize,
    },
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        got: usize,
    },
}

impl fmt::Display for BlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use BlobError::*;
        match *self {
            Truncated { needed, got } => {
                write!(f, "blob truncated: {got} bytes, header implies {needed}")
            }
            TrailingBytes { expected, got } => {
                write!(
                    f,
                    "blob has {got} bytes, header implies {expected}: trailing bytes"
                )
            }
            BadMagic { found } => write!(
                f,
                "not a neurokern blob: magic {found:?}, expected b\"NKRN\""
            ),
            UnsupportedVersion { found } => write!(
                f,
                "blob version {found}; this build reads version {VERSION}"
            ),
            LayerCount { found } => {
                write!(f, "blob has {found} layers; 1 to {MAX_LAYERS} are allowed")
            }
            BadShape {
                layer,
                fan_in,
                fan_out,
            } => {
                write!(f, "layer {layer} has shape {fan_in}x{fan_out}; each side must be 1 to {MAX_WIDTH}")
            }
            BrokenChain {
                layer,
                previous_out,
                fan_in,
            } => write!(
                f,
                "layer {layer} takes {fan_in} inputs but the previous layer gives {previous_out}"
            ),
            UnknownActivation { layer, code } => {
                write!(f, "layer {layer} has unknown activation code {code}")
            }
            ReservedNotZero { layer } => write!(f, "layer {layer} has non-zero reserved bytes"),
            UnknownLayerKind { layer, kind } => {
                write!(f, "layer {layer} has unknown layer kind {kind}")
            }
            Capacity { found, capacity } => write!(
                f,
                "blob has {found} layers; this BlobModel holds at most {capacity}"
            ),
            BadSlope { layer, bits } => write!(
                f,
                "layer {layer} has parameter {} ({bits:#010x}): leaky ReLU's and ELU's must be \
                 finite, every other activation's must be 0",
                f32::from_bits(bits)
            ),
            Checksum { stored, computed } => {
                write!(
                    f,
                    "checksum mismatch: stored {stored:#010x}, contents give {computed:#010x}"
                )
            }
            NonFiniteParameter { index } => write!(f, "parameter {index} is NaN or infinite"),
            DepthMismatch { expected, found } => {
                write!(
                    f,
                    "blob has {found} layers but the network type has {expected}"
                )
            }
            ShapeMismatch {
                layer,
                expected,
                found,
            } => write!(
                f,
                "layer {layer} is {}x{} in the blob but {}x{} in the network type",
                found.0, found.1, expected.0, expected.1
            ),
            BufferTooSmall { needed, got } => {
                write!(f, "buffer of {got} bytes; the blob needs {needed}")
            }
        }
    }
}

impl core::error::Error for BlobError {}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), table-driven.
///
/// ```
/// assert_eq!(neurokern::nn::io::crc32(b"123456789"), 0xcbf4_3926);
/// ```
pub const fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    // a `while` loop, so that it also runs at compile time (`nn::flash`)
    let mut c = !0u32;
    let mut i = 0;
    while i < bytes.len() {
        c = TABLE[((c ^ bytes[i] as u32) & 0xff) as usize] ^ (c >> 8);
        i += 1;
    }
    !c
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn f32_at(b: &[u8], at: usize) -> f32 {
    f32::from_bits(u32_at(b, at))
}

/// One layer as described by a blob.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerDesc {
    /// Inputs.
    pub fan_in: usize,
    /// Outputs.
    pub fan_out: usize,
    /// Activation.
    pub act: Act,
    /// Byte offset of the layer's weights in the blob.
    pub offset: usize,
}

/// A validated blob, borrowed: its layers, and inference straight from its
/// bytes (no copy, no heap): what a C API without compile-time shapes needs.
///
/// ```
/// use neurokern::{activation::Act, nn::{io::BlobModel, Dense, DenseParams, Network}};
/// let net = Network::with_params(Dense::<2, 1>::new(Act::Identity), DenseParams { w: [[1.0], [2.0]], b: [0.5] });
/// let mut buf = [0u8; Network::<Dense<2, 1>>::BLOB_BYTES];
/// net.to_bytes(&mut buf).unwrap();
/// let model = BlobModel::parse(&buf).unwrap();
/// let mut y = [0.0];
/// let mut scratch = [0.0; 4];
/// model.predict(&[1.0, 1.0], &mut y, &mut scratch).unwrap();
/// assert_eq!(y, [3.5]);
/// ```
///
/// `MAX` is the most layers it can hold (default [`MAX_LAYERS`], 32): each
/// costs 20 bytes on a 32-bit core, so firmware that knows its network's
/// depth saves stack with a smaller capacity.
///
/// ```
/// # use neurokern::{activation::Act, nn::{io::{BlobError, BlobModel}, Dense, DenseParams, Network}};
/// # let net = Network::with_params(Dense::<2, 1>::new(Act::Identity), DenseParams { w: [[1.0], [2.0]], b: [0.5] });
/// # let mut buf = [0u8; Network::<Dense<2, 1>>::BLOB_BYTES];
/// # net.to_bytes(&mut buf).unwrap();
/// let small = BlobModel::<2>::parse_with_capacity(&buf).unwrap();
/// assert!(core::mem::size_of_val(&small) < core::mem::size_of::<BlobModel>());
/// assert_eq!(
///     BlobModel::<0>::parse_with_capacity(&buf).unwrap_err(),
///     BlobError::Capacity { found: 1, capacity: 0 }
/// );
/// ```
#[derive(Clone, Debug)]
pub struct BlobModel<'a, const MAX: usize = MAX_LAYERS> {
    bytes: &'a [u8],
    layers: heapless::Vec<LayerDesc, MAX>,
    params: usize,
}

/// Why [`BlobModel::predict`] refused to run.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PredictError {
    /// `x` is not the model's input length.
    InputLength {
        /// Expected.
        expected: usize,
        /// Given.
        got: usize,
    },
    /// `y` is not the model's output length.
    OutputLength {
        /// Expected.
        expected: usize,
        /// Given.
        got: usize,
    },
    /// The scratch buffer is shorter than [`BlobModel::scratch_len`].
    ScratchTooShort {
        /// Needed.
        needed: usize,
        /// Given.
        got: usize,
    },
}

impl fmt::Display for PredictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PredictError::InputLength { expected, got } => {
                write!(f, "input has {got} values, the model takes {expected}")
            }
            PredictError::OutputLength { expected, got } => write!(
                f,
                "output has room for {got} values, the model gives {expected}"
            ),
            PredictError::ScratchTooShort { needed, got } => {
                write!(f, "scratch of {got} floats; the model needs {needed}")
            }
        }
    }
}

impl core::error::Error for PredictError {}

impl<'a> BlobModel<'a> {
    /// Validates `bytes` (every check of the format, including the checksum
    /// and finite parameters) and borrows it; room for [`MAX_LAYERS`] layers.
    ///
    /// # Errors
    ///
    /// The first [`BlobError`] found; never panics.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, BlobError> {
        Self::parse_with_capacity(bytes)
    }
}

impl<'a, const MAX: usize> BlobModel<'a, MAX> {
    /// [`BlobModel::parse`] with room for `MAX` layers.
    ///
    /// # Errors
    ///
    /// The first [`BlobError`] found; never panics. The whole blob is
    /// checked first, so [`BlobError::Capacity`] means a blob valid in every
    /// other way (the verdict of [`BlobModel::parse`]) that is deeper than
    /// `MAX`: any other fault is reported as itself.
    pub fn parse_with_capacity(bytes: &'a [u8]) -> Result<Self, BlobError> {
        let got = bytes.len();
        if got < HEADER {
            return Err(BlobError::Truncated {
                needed: HEADER + CRC,
                got,
            });
        }
        let found = [bytes[0], bytes[1], bytes[2], bytes[3]];
        if found != MAGIC {
            return Err(BlobError::BadMagic { found });
        }
        let version = u16_at(bytes, 4);
        if version != VERSION && version != VERSION_1 {
            return Err(BlobError::UnsupportedVersion { found: version });
        }
        let n = usize::from(u16_at(bytes, 6));
        if n == 0 || n > MAX_LAYERS {
            return Err(BlobError::LayerCount { found: n });
        }
        let header = HEADER + LAYER * n;
        if got < header + CRC {
            return Err(BlobError::Truncated {
                needed: header + CRC,
                got,
            });
        }
        let mut layers = heapless::Vec::new();
        let mut offset = header;
        let mut previous_out = None;
        for layer in 0..n {
            let at = HEADER + LAYER * layer;
            let (fan_in, fan_out) = (u32_at(bytes, at), u32_at(bytes, at + 4));
            if fan_in == 0 || fan_out == 0 || fan_in > MAX_WIDTH || fan_out > MAX_WIDTH {
                return Err(BlobError::BadShape {
                    layer,
                    fan_in,
                    fan_out,
                });
            }
            if let Some(previous_out) = previous_out {
                if previous_out != fan_in {
                    return Err(BlobError::BrokenChain {
                        layer,
                        previous_out,
                        fan_in,
                    });
                }
            }
            previous_out = Some(fan_out);
            let code = bytes[at + 8];
            if bytes[at + 10..at + 12] != [0, 0] || (version == VERSION_1 && bytes[at + 9] != 0) {
                return Err(BlobError::ReservedNotZero { layer });
            }
            let kind = bytes[at + 9];
            if LayerKind::from_code(kind).is_none() {
                return Err(BlobError::UnknownLayerKind { layer, kind });
            }
            let alpha = f32_at(bytes, at + 12);
            let act = Act::from_code(code, alpha)
                .filter(|_| version != VERSION_1 || code <= V1_MAX_CODE)
                .ok_or(BlobError::UnknownActivation { layer, code })?;
            if !param_ok(act, alpha) {
                return Err(BlobError::BadSlope {
                    layer,
                    bits: alpha.to_bits(),
                });
            }
            let (fi, fo) = (fan_in as usize, fan_out as usize);
            // at most 32 layers of 2^16·(2^16+1) floats: fits in u64, checked anyway
            let count = fi.checked_mul(fo).and_then(|w| w.checked_add(fo));
            let end = count
                .and_then(|c| c.checked_mul(4))
                .and_then(|b| b.checked_add(offset));
            let end = end.ok_or(BlobError::Truncated {
                needed: usize::MAX,
                got,
            })?;
            // a record past `MAX` is checked like the others but not kept:
            // `Capacity` is reported only for a blob valid in every other way
            let _ = layers.push(LayerDesc {
                fan_in: fi,
                fan_out: fo,
                act,
                offset,
            });
            offset = end;
        }
        let expected = offset.checked_add(CRC).ok_or(BlobError::Truncated {
            needed: usize::MAX,
            got,
        })?;
        if got < expected {
            return Err(BlobError::Truncated {
                needed: expected,
                got,
            });
        }
        if got > expected {
            return Err(BlobError::TrailingBytes { expected, got });
        }
        let stored = u32_at(bytes, offset);
        let computed = crc32(&bytes[..offset]);
        if stored != computed {
            return Err(BlobError::Checksum { stored, computed });
        }
        let params = (offset - header) / 4;
        for index in 0..params {
            if !f32_at(bytes, header + 4 * index).is_finite() {
                return Err(BlobError::NonFiniteParameter { index });
            }
        }
        if n > MAX {
            return Err(BlobError::Capacity {
                found: n,
                capacity: MAX,
            });
        }
        Ok(Self {
            bytes,
            layers,
            params,
        })
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[LayerDesc] {
        &self.layers
    }
    /// Number of trainable scalars.
    pub fn param_count(&self) -> usize {
        self.params
    }
    /// Inputs of the first layer.
    pub fn input_len(&self) -> usize {
        self.layers[0].fan_in
    }
    /// Outputs of the last layer.
    pub fn output_len(&self) -> usize {
        self.layers[self.layers.len() - 1].fan_out
    }
    /// Floats of scratch [`BlobModel::predict`] needs: room for two layers'
    /// activations.
    pub fn scratch_len(&self) -> usize {
        2 * self
            .layers
            .iter()
            .map(|l| l.fan_in.max(l.fan_out))
            .max()
            .unwrap_or(0)
    }

    /// Copies the parameters of every layer, in canonical order (the order of
    /// [`ParamSet::copy_to`]), into the first [`BlobModel::param_count`]
    /// elements of `out` (fewer if `out` is shorter).
    pub fn copy_params(&self, out: &mut [f32]) {
        let start = self.layers[0].offset;
        for (i, v) in out.iter_mut().enumerate().take(self.params) {
            *v = f32_at(self.bytes, start + 4 * i);
        }
    }

    /// Inference from the blob's bytes, bit-identical to the same network run
    /// through the const-generic [`Network`].
    ///
    /// # Errors
    ///
    /// When `x`, `y` or `scratch` have the wrong length; never panics.
    pub fn predict(
        &self,
        x: &[f32],
        y: &mut [f32],
        scratch: &mut [f32],
    ) -> Result<(), PredictError> {
        if x.len() != self.input_len() {
            return Err(PredictError::InputLength {
                expected: self.input_len(),
                got: x.len(),
            });
        }
        if y.len() != self.output_len() {
            return Err(PredictError::OutputLength {
                expected: self.output_len(),
                got: y.len(),
            });
        }
        let needed = self.scratch_len();
        if scratch.len() < needed {
            return Err(PredictError::ScratchTooShort {
                needed,
                got: scratch.len(),
            });
        }
        let (a, b) = scratch[..needed].split_at_mut(needed / 2);
        a[..x.len()].copy_from_slice(x);
        let (mut cur, mut next) = (a, b);
        for l in &self.layers {
            // the typed network's dense core, reading the weights in place
            let at = l.offset;
            let (w, b) = self.bytes[at..at + 4 * (l.fan_in + 1) * l.fan_out]
                .split_at(4 * l.fan_in * l.fan_out);
            dense_core(
                l.act,
                LeF32(w),
                LeF32(b),
                &cur[..l.fan_in],
                &mut next[..l.fan_out],
            );
            core::mem::swap(&mut cur, &mut next);
        }
        y.copy_from_slice(&cur[..y.len()]);
        Ok(())
    }
}

impl<L: Layer> Network<L> {
    /// Size of this network's blob in bytes.
    pub const BLOB_BYTES: usize = HEADER + LAYER * L::DEPTH + 4 * L::PARAMS + CRC;

    /// Writes the blob into `buf` and returns its length
    /// ([`Network::BLOB_BYTES`]).
    ///
    /// The written blob is then validated exactly as [`Network::from_bytes`]
    /// validates it, so this never returns `Ok` for a blob the crate would
    /// refuse to read.
    ///
    /// # Errors
    ///
    /// [`BlobError::BufferTooSmall`] when `buf` is shorter than the blob;
    /// otherwise what reading it back would report: [`BlobError::LayerCount`]
    /// for more than [`MAX_LAYERS`] layers, [`BlobError::BadShape`] for a
    /// layer with no inputs or outputs or wider than [`MAX_WIDTH`],
    /// [`BlobError::BadSlope`], [`BlobError::NonFiniteParameter`].
    ///
    /// ```
    /// use neurokern::{mlp, nn::{io::BlobError, Dense, Layer, Network, Repeat}};
    /// type Deep = mlp![Dense<1, 2>, Repeat<2, 40>, Dense<2, 1>]; // 42 layers
    /// let net = Network::<Deep>::new(Deep::DEFAULT);
    /// let mut buf = vec![0u8; Network::<Deep>::BLOB_BYTES];
    /// assert_eq!(net.to_bytes(&mut buf), Err(BlobError::LayerCount { found: 42 }));
    /// ```
    pub fn to_bytes(&self, buf: &mut [u8]) -> Result<usize, BlobError> {
        let needed = Self::BLOB_BYTES;
        if buf.len() < needed {
            return Err(BlobError::BufferTooSmall {
                needed,
                got: buf.len(),
            });
        }
        let buf = &mut buf[..needed];
        buf[..4].copy_from_slice(&MAGIC);
        buf[4..6].copy_from_slice(&VERSION.to_le_bytes());
        buf[6..8].copy_from_slice(&(L::DEPTH as u16).to_le_bytes());
        let mut at = HEADER;
        self.layers.for_each_layer(&self.params, &mut |r| {
            buf[at..at + 4].copy_from_slice(&(r.fan_in as u32).to_le_bytes());
            buf[at + 4..at + 8].copy_from_slice(&(r.fan_out as u32).to_le_bytes());
            buf[at + 8..at + 12].copy_from_slice(&[r.act.code(), r.kind.code(), 0, 0]);
            buf[at + 12..at + 16].copy_from_slice(&r.act.alpha().to_le_bytes());
            at += LAYER;
        });
        self.params.for_each(&mut |seg| {
            for v in seg {
                buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
                at += 4;
            }
        });
        let crc = crc32(&buf[..at]);
        buf[at..at + 4].copy_from_slice(&crc.to_le_bytes());
        if L::DEPTH > usize::from(u16::MAX) {
            // the u16 count above wrapped; parsing would misreport it
            return Err(BlobError::LayerCount { found: L::DEPTH });
        }
        BlobModel::parse(buf)?;
        Ok(needed)
    }

    /// Reads a blob written for this network type: shapes must match the
    /// type; activations and parameters come from the blob.
    ///
    /// # Errors
    ///
    /// Any [`BlobError`]; never panics.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BlobError> {
        let model = BlobModel::parse(bytes)?;
        if model.layers().len() != L::DEPTH {
            return Err(BlobError::DepthMismatch {
                expected: L::DEPTH,
                found: model.layers().len(),
            });
        }
        let mut layer = 0;
        let mut mismatch = None;
        let mut net = Self::new(L::DEFAULT);
        net.layers.for_each_layer(&net.params, &mut |r| {
            let d = model.layers()[layer];
            if mismatch.is_none() && (d.fan_in, d.fan_out) != (r.fan_in, r.fan_out) {
                mismatch = Some(BlobError::ShapeMismatch {
                    layer,
                    expected: (r.fan_in, r.fan_out),
                    found: (d.fan_in, d.fan_out),
                });
            }
            layer += 1;
        });
        if let Some(e) = mismatch {
            return Err(e);
        }
        let mut layer = 0;
        let descs = model.layers();
        net.layers.for_each_layer_mut(&mut net.params, &mut |r| {
            *r.act = descs[layer].act;
            for (i, v) in r.weights.iter_mut().chain(r.bias.iter_mut()).enumerate() {
                *v = f32_at(model.bytes, descs[layer].offset + 4 * i);
            }
            layer += 1;
        });
        Ok(net)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_params_matches_param_set_order() {
        use crate::nn::{Dense, DenseParams};
        let net = Network::with_params(
            Dense::<2, 2>::new(Act::Tanh),
            DenseParams {
                w: [[1.0, 2.0], [3.0, 4.0]],
                b: [5.0, 6.0],
            },
        );
        let mut buf = [0u8; Network::<Dense<2, 2>>::BLOB_BYTES];
        net.to_bytes(&mut buf).unwrap();
        let m = BlobModel::parse(&buf).unwrap();
        let mut flat = [0.0; 6];
        m.copy_params(&mut flat);
        let mut want = [0.0; 6];
        net.params.copy_to(&mut want);
        assert_eq!(flat, want);
    }
}
