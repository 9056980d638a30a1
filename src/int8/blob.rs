//! The int8 model as a versioned binary blob that firmware reads in place
//! from flash: [`QBlob::parse`] checks every byte once and then lends the
//! same [`QLayer`] records a `static` model holds, their weights, biases,
//! multipliers and tables borrowed from the blob (no copy).
//!
//! # Format `NKQ8`, version 1
//!
//! Little-endian; every section starts at a multiple of 4 from the start of
//! the blob, which must itself be 4-byte aligned.
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `b"NKQ8"` |
//! | 4 | 2 | version, `1` (u16) |
//! | 6 | 2 | number of layers `n` (u16, 1..=[`MAX_QLAYERS`]) |
//! | 8 | 4 | length of the whole blob in bytes, CRC included (u32) |
//! | 12 | 8 | input quantization: scale f32, zero point i32 |
//! | 20 | 8 | output quantization |
//! | 28 | 4 | interface flags (u32): bit 0 the model takes f32 (QUANTIZE at its input), bit 1 it gives f32 (DEQUANTIZE at its output); the other bits zero |
//! | 32 | … | `n` layer records, each starting with a kind byte |
//! | end − 4 | 4 | CRC-32 (IEEE 802.3) of every byte before it (u32) |
//!
//! Layer records (`q` = a quantization, scale f32 then zero point i32):
//!
//! | kind | record |
//! |---|---|
//! | 1 fully connected | kind u8, arithmetic u8 (0 LiteRT, 1 TFLite Micro), clamp min i8, clamp max i8; `fan_in` u32, `fan_out` u32, scales `c` u32 (1 or `fan_out`); input q, output q; `c` weight scales f32; `c` multipliers (mantissa i32, shift i32); `fan_out` folded biases i32 ([`FullyConnected::folded_bias`]); `fan_in·fan_out` weights i8, output-major; zero bytes up to a multiple of 4 |
//! | 2 table | kind u8, function u8 (0 LOGISTIC, 1 TANH), 2 zero bytes; width u32; input q; 256 table bytes |
//! | 3 leaky ReLU | kind u8, 3 zero bytes; width u32; α f32; input q, output q; identity and negative multipliers (mantissa i32, shift i32 each) |
//!
//! The checks, in order: magic, version, length, alignment, CRC, then every
//! field — quantizations valid, shapes 1 to 65,536, multipliers equal to the
//! ones the scales give (as [`OwnedModel`](super::OwnedModel) derives them),
//! tables equal to one of the two arithmetics' tables for their input,
//! padding zero — and finally that the layers chain. Parsing never panics
//! and never reads out of bounds, whatever the bytes.
//!
//! ```
//! # use neurokern::int8::*;
//! let q = Quant::new(0.5, 0);
//! let owned = OwnedModel { input: q, output: q, arithmetic: Arithmetic::Tflm,
//!     layers: vec![OwnedLayer::fully_connected(2, 1, vec![2, -3], vec![7], vec![0.25], q, q, Fused::Relu)] };
//! let bytes = owned.to_blob(Interface::INT8).unwrap();
//! // firmware: `static BLOB: &Aligned<[u8]> = &Aligned(*include_bytes!("model.nkq"));`
//! let mut storage = Aligned([0u8; 128]);
//! storage.0[..bytes.len()].copy_from_slice(&bytes);
//! let blob = QBlob::parse(&storage.0[..bytes.len()]).unwrap();
//! assert_eq!(blob.interface(), Interface::INT8);
//! let mut y = [0i8];
//! blob.model().run(&[4, 1], &mut y, &mut [0; 4]).unwrap();
//! assert_eq!(y, [3]); // (2·4 − 3·1 + 7) · (0.5 · 0.25 / 0.5) = 12 · 0.25
//! ```

use super::QBlobError;
use super::{
    Arithmetic, FullyConnected, LeakyRelu, Lut, LutKind, Multiplier, QError, QLayer, QModel, Quant,
};
use crate::nn::io::crc32;

/// The four bytes every int8 blob starts with.
pub const QMAGIC: [u8; 4] = *b"NKQ8";
/// The format version this crate writes and reads.
pub const QVERSION: u16 = 1;
/// The most layers an int8 blob may hold.
pub const MAX_QLAYERS: usize = 32;
/// The layers a [`QBlob`] holds unless told otherwise.
pub const DEFAULT_QLAYERS: usize = 16;
/// The widest tensor a blob may describe.
const MAX_WIDTH: u32 = 1 << 16;
const HEADER: usize = 32;
const CRC: usize = 4;

const FC: u8 = 1;
const TABLE: u8 = 2;
const LEAKY: u8 = 3;

/// Bytes (or anything) at a 4-byte aligned address: how firmware includes
/// a blob, `static BLOB: &Aligned<[u8]> = &Aligned(*include_bytes!("m.nkq"));`,
/// then parses `&BLOB.0`.
#[repr(C, align(4))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Aligned<T: ?Sized>(pub T);

/// What a model's caller hands it and gets back: int8, or f32 quantized
/// and dequantized at the edges ([`QModel::predict`]). Recorded in the
/// blob so that a tool runs the model on what it was validated with.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Interface {
    /// The model takes f32 (a `.tflite` with QUANTIZE at its input).
    pub float_input: bool,
    /// The model gives f32 (DEQUANTIZE at its output).
    pub float_output: bool,
}

impl Interface {
    /// int8 in, int8 out.
    pub const INT8: Interface = Interface {
        float_input: false,
        float_output: false,
    };
    /// f32 in, f32 out.
    pub const FLOAT: Interface = Interface {
        float_input: true,
        float_output: true,
    };
}

/// A parsed int8 blob: the checked layer records, borrowing the blob's
/// bytes, with room for `MAX` layers (on the stack or in a `static`).
#[derive(Clone, Debug)]
pub struct QBlob<'a, const MAX: usize = DEFAULT_QLAYERS> {
    input: Quant,
    output: Quant,
    layers: heapless::Vec<QLayer<'a>, MAX>,
    max_width: usize,
    interface: Interface,
}

impl<'a> QBlob<'a> {
    /// Checks every byte of `bytes` (see the [module docs](self)) and
    /// borrows it; room for [`DEFAULT_QLAYERS`] layers.
    ///
    /// # Errors
    /// The first [`QBlobError`] found; never panics.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, QBlobError> {
        Self::parse_with_capacity(bytes)
    }
}

impl<'a, const MAX: usize> QBlob<'a, MAX> {
    /// [`QBlob::parse`] with room for `MAX` layers.
    ///
    /// # Errors
    /// The first [`QBlobError`] found; never panics. [`QBlobError::Capacity`]
    /// is reported only for a blob valid in every other way.
    pub fn parse_with_capacity(bytes: &'a [u8]) -> Result<Self, QBlobError> {
        let got = bytes.len();
        if got < HEADER + CRC {
            return Err(QBlobError::Truncated {
                needed: HEADER + CRC,
                got,
            });
        }
        let found = [bytes[0], bytes[1], bytes[2], bytes[3]];
        if found != QMAGIC {
            return Err(QBlobError::BadMagic { found });
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != QVERSION {
            return Err(QBlobError::UnsupportedVersion { found: version });
        }
        let stated = u32_at(bytes, 8) as usize;
        if got < stated || stated < HEADER + CRC {
            return Err(QBlobError::Truncated {
                needed: stated.max(HEADER + CRC),
                got,
            });
        }
        if got > stated {
            return Err(QBlobError::TrailingBytes {
                expected: stated,
                got,
            });
        }
        if cfg!(target_endian = "big") {
            return Err(QBlobError::BigEndian);
        }
        let offset = bytes.as_ptr() as usize % 4;
        if offset != 0 || !got.is_multiple_of(4) {
            return Err(QBlobError::Misaligned { offset });
        }
        let end = got - CRC;
        let (stored, computed) = (u32_at(bytes, end), crc32(&bytes[..end]));
        if stored != computed {
            return Err(QBlobError::Checksum { stored, computed });
        }
        let n = usize::from(u16::from_le_bytes([bytes[6], bytes[7]]));
        if n == 0 || n > MAX_QLAYERS {
            return Err(QBlobError::LayerCount { found: n });
        }
        let mut r = Reader {
            bytes: &bytes[..end],
            at: 12,
            layer: None,
        };
        let input = r.quant("input quantization")?;
        let output = r.quant("output quantization")?;
        let flags = r.u32()?;
        if flags > 3 {
            return Err(r.bad("interface flags"));
        }
        let interface = Interface {
            float_input: flags & 1 != 0,
            float_output: flags & 2 != 0,
        };
        let mut layers = heapless::Vec::new();
        let (mut width, mut quant) = (0usize, input);
        for index in 0..n {
            r.layer = Some(index);
            let layer = r.layer_record()?;
            let ((i, o), (qi, qo)) = (layer.shape(), layer.quants());
            if (index > 0 && i != width) || qi != quant {
                return Err(QBlobError::Model(QError::Mismatch { index }));
            }
            (width, quant) = (o, qo);
            // a record past `MAX` is checked like the others but not kept
            let _ = layers.push(layer);
        }
        if r.at != end {
            return Err(QBlobError::Layout { layer: n - 1 });
        }
        if quant != output {
            return Err(QBlobError::Model(QError::Mismatch { index: n }));
        }
        if n > MAX {
            return Err(QBlobError::Capacity {
                found: n,
                capacity: MAX,
            });
        }
        // the same checks once more, by the one function that defines them
        let max_width = QModel::new(input, output, &layers)
            .map_err(QBlobError::Model)?
            .max_width();
        Ok(QBlob {
            input,
            output,
            layers,
            max_width,
            interface,
        })
    }

    /// The model, ready to run.
    pub fn model(&self) -> QModel<'_> {
        QModel::checked(self.input, self.output, &self.layers, self.max_width)
    }

    /// What the model was validated with: int8 or f32 at each edge.
    pub fn interface(&self) -> Interface {
        self.interface
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// A cursor over the layer records; every read is bounds-checked and
/// 4-aligned.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    layer: Option<usize>,
}

impl<'a> Reader<'a> {
    fn bad(&self, field: &'static str) -> QBlobError {
        QBlobError::BadField {
            layer: self.layer,
            field,
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], QBlobError> {
        let layout = QBlobError::Layout {
            layer: self.layer.unwrap_or(0),
        };
        let padded = n.checked_add(3).ok_or(layout)? & !3;
        let end = self.at.checked_add(padded).ok_or(layout)?;
        let s = self.bytes.get(self.at..end).ok_or(layout)?;
        self.at = end;
        if s[n..].iter().any(|&b| b != 0) {
            return Err(self.bad("padding"));
        }
        Ok(&s[..n])
    }

    fn u32(&mut self) -> Result<u32, QBlobError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    fn f32(&mut self) -> Result<f32, QBlobError> {
        self.u32().map(f32::from_bits)
    }

    fn quant(&mut self, field: &'static str) -> Result<Quant, QBlobError> {
        let q = Quant::new(self.f32()?, self.u32()? as i32);
        if q.is_valid() {
            Ok(q)
        } else {
            Err(self.bad(field))
        }
    }

    fn width(&mut self, field: &'static str) -> Result<usize, QBlobError> {
        match self.u32()? {
            w @ 1..=MAX_WIDTH => Ok(w as usize),
            _ => Err(self.bad(field)),
        }
    }

    /// `n` words borrowed in place (the blob is aligned and `at` is a
    /// multiple of 4, so the cast cannot fail; its error is mapped anyway).
    fn words<T: bytemuck::Pod>(&mut self, n: usize) -> Result<&'a [T], QBlobError> {
        let size = core::mem::size_of::<T>();
        let layout = QBlobError::Layout {
            layer: self.layer.unwrap_or(0),
        };
        let bytes = self.take(n.checked_mul(size).ok_or(layout)?)?;
        bytemuck::try_cast_slice(bytes).map_err(|_| QBlobError::Misaligned { offset: 0 })
    }

    fn multiplier(&mut self, field: &'static str) -> Result<Multiplier, QBlobError> {
        let pair = [self.u32()? as i32, self.u32()? as i32];
        Multiplier::from_pair(pair).ok_or(self.bad(field))
    }

    fn layer_record(&mut self) -> Result<QLayer<'a>, QBlobError> {
        let tag = self.take(4)?;
        match tag[0] {
            FC => self.fully_connected([tag[1], tag[2], tag[3]]),
            TABLE => self.table([tag[1], tag[2], tag[3]]),
            LEAKY => self.leaky_relu([tag[1], tag[2], tag[3]]),
            kind => Err(QBlobError::UnknownLayerKind {
                layer: self.layer.unwrap_or(0),
                kind,
            }),
        }
    }

    fn fully_connected(&mut self, tag: [u8; 3]) -> Result<QLayer<'a>, QBlobError> {
        let arithmetic = arithmetic_from_code(tag[0]).ok_or(self.bad("arithmetic"))?;
        let clamp = (tag[1] as i8, tag[2] as i8);
        if clamp.0 > clamp.1 {
            return Err(self.bad("clamp"));
        }
        let fan_in = self.width("fan_in")?;
        let fan_out = self.width("fan_out")?;
        let scales = self.u32()? as usize;
        if scales != 1 && scales != fan_out {
            return Err(self.bad("number of weight scales"));
        }
        let input = self.quant("input quantization")?;
        let output = self.quant("output quantization")?;
        let weight_scales: &[f32] = self.words(scales)?;
        if !weight_scales.iter().all(|s| s.is_finite() && *s > 0.0) {
            return Err(self.bad("weight scales"));
        }
        let multipliers: &[[i32; 2]] = self.words(scales)?;
        let derived = |s: &f32| {
            Multiplier::from_real(input.scale as f64 * *s as f64 / output.scale as f64).pair()
        };
        if !multipliers
            .iter()
            .zip(weight_scales)
            .all(|(m, s)| *m == derived(s))
        {
            return Err(self.bad("multipliers (they must be the ones the scales give)"));
        }
        let folded_bias = self.words(fan_out)?;
        let count = fan_in.checked_mul(fan_out).ok_or(self.bad("fan_in"))?;
        let weights = bytemuck::cast_slice(self.take(count)?);
        Ok(QLayer::FullyConnected(FullyConnected {
            fan_in,
            fan_out,
            weights,
            folded_bias,
            weight_scales,
            input,
            output,
            multipliers,
            clamp,
            arithmetic,
        }))
    }

    fn table(&mut self, tag: [u8; 3]) -> Result<QLayer<'a>, QBlobError> {
        let kind = match tag[0] {
            0 => LutKind::Logistic,
            1 => LutKind::Tanh,
            _ => return Err(self.bad("table function")),
        };
        if tag[1..] != [0, 0] {
            return Err(self.bad("reserved bytes"));
        }
        let width = self.width("width")?;
        let input = self.quant("input quantization")?;
        let table: &[i8; 256] = bytemuck::cast_slice(self.take(256)?)
            .try_into()
            .map_err(|_| self.bad("table"))?;
        if !Arithmetic::ALL
            .iter()
            .any(|&a| *table == kind.table_as(input, a))
        {
            return Err(self.bad("table (it must be LiteRT's or TFLite Micro's for its input)"));
        }
        Ok(QLayer::Lut(Lut {
            kind,
            width,
            input,
            table,
        }))
    }

    fn leaky_relu(&mut self, tag: [u8; 3]) -> Result<QLayer<'a>, QBlobError> {
        if tag != [0, 0, 0] {
            return Err(self.bad("reserved bytes"));
        }
        let width = self.width("width")?;
        let alpha = self.f32()?;
        if !alpha.is_finite() {
            return Err(self.bad("alpha"));
        }
        let input = self.quant("input quantization")?;
        let output = self.quant("output quantization")?;
        let identity = self.multiplier("identity multiplier")?;
        let negative = self.multiplier("negative multiplier")?;
        let derived = LeakyRelu::new(width, alpha, input, output);
        if (identity, negative) != (derived.identity, derived.negative) {
            return Err(self.bad("multipliers (they must be the ones α and the scales give)"));
        }
        Ok(QLayer::LeakyRelu(derived))
    }
}

fn arithmetic_code(a: Arithmetic) -> u8 {
    match a {
        Arithmetic::LiteRt => 0,
        Arithmetic::Tflm => 1,
    }
}

fn arithmetic_from_code(code: u8) -> Option<Arithmetic> {
    Arithmetic::ALL
        .into_iter()
        .find(|&a| arithmetic_code(a) == code)
}

fn padded(n: usize) -> usize {
    (n + 3) & !3
}

impl QModel<'_> {
    /// The bytes [`QModel::write_blob`] writes.
    pub fn blob_len(&self) -> usize {
        let records: usize = self
            .layers()
            .iter()
            .map(|l| match l {
                QLayer::FullyConnected(f) => {
                    32 + 12 * f.weight_scales.len() + 4 * f.fan_out + padded(f.weights.len())
                }
                QLayer::Lut(_) => 16 + 256,
                QLayer::LeakyRelu(_) => 44,
            })
            .sum();
        HEADER + records + CRC
    }

    /// Writes the model as an int8 blob (format in [`crate::int8::blob`])
    /// into `buf`, with the `interface` it was validated with; returns the
    /// bytes written.
    ///
    /// # Errors
    /// [`QBlobError::BufferTooSmall`]; [`QBlobError::LayerCount`] for a
    /// model deeper than [`MAX_QLAYERS`]; [`QBlobError::BadField`] for a
    /// shape wider than a blob holds.
    pub fn write_blob(&self, interface: Interface, buf: &mut [u8]) -> Result<usize, QBlobError> {
        let len = self.blob_len();
        if buf.len() < len {
            return Err(QBlobError::BufferTooSmall {
                needed: len,
                got: buf.len(),
            });
        }
        let n = self.layers().len();
        if n > MAX_QLAYERS {
            return Err(QBlobError::LayerCount { found: n });
        }
        if let Some(layer) = self
            .layers()
            .iter()
            .position(|l| l.shape().0.max(l.shape().1) > MAX_WIDTH as usize)
        {
            return Err(QBlobError::BadField {
                layer: Some(layer),
                field: "width",
            });
        }
        let buf = &mut buf[..len];
        buf.fill(0);
        let mut w = Writer { buf, at: 0 };
        w.put(&QMAGIC);
        w.put(&QVERSION.to_le_bytes());
        w.put(&(n as u16).to_le_bytes());
        w.u32(len as u32);
        w.quant(self.input_quant());
        w.quant(self.output_quant());
        w.u32(interface.float_input as u32 | (interface.float_output as u32) << 1);
        for l in self.layers() {
            match l {
                QLayer::FullyConnected(f) => {
                    let code = arithmetic_code(f.arithmetic);
                    w.put(&[FC, code, f.clamp.0 as u8, f.clamp.1 as u8]);
                    w.u32(f.fan_in as u32);
                    w.u32(f.fan_out as u32);
                    w.u32(f.weight_scales.len() as u32);
                    w.quant(f.input);
                    w.quant(f.output);
                    f.weight_scales.iter().for_each(|s| w.u32(s.to_bits()));
                    f.multipliers
                        .iter()
                        .flatten()
                        .for_each(|&v| w.u32(v as u32));
                    f.folded_bias.iter().for_each(|&b| w.u32(b as u32));
                    w.put(bytemuck::cast_slice(f.weights));
                    w.at = padded(w.at);
                }
                QLayer::Lut(t) => {
                    let function = match t.kind {
                        LutKind::Logistic => 0,
                        LutKind::Tanh => 1,
                    };
                    w.put(&[TABLE, function, 0, 0]);
                    w.u32(t.width as u32);
                    w.quant(t.input);
                    w.put(bytemuck::cast_slice(&t.table[..]));
                }
                QLayer::LeakyRelu(r) => {
                    w.put(&[LEAKY, 0, 0, 0]);
                    w.u32(r.width as u32);
                    w.u32(r.alpha.to_bits());
                    w.quant(r.input);
                    w.quant(r.output);
                    for m in [r.identity, r.negative] {
                        w.u32(m.mantissa as u32);
                        w.u32(m.shift as u32);
                    }
                }
            }
        }
        let crc = crc32(&w.buf[..w.at]);
        w.u32(crc);
        debug_assert_eq!(w.at, len);
        Ok(len)
    }
}

struct Writer<'b> {
    buf: &'b mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn put(&mut self, b: &[u8]) {
        self.buf[self.at..self.at + b.len()].copy_from_slice(b);
        self.at += b.len();
    }
    fn u32(&mut self, v: u32) {
        self.put(&v.to_le_bytes());
    }
    fn quant(&mut self, q: Quant) {
        self.u32(q.scale.to_bits());
        self.u32(q.zero_point as u32);
    }
}
