//! An int8 model prepared for a host: each fully connected layer's weights
//! copied once into the layout of the host's widest dot product (sixteen
//! rows interleaved by four columns, as XNNPACK packs them when it loads a
//! model), so that AVX-512 VNNI computes sixteen rows' sums per
//! instruction with no horizontal sums. The same integers as
//! [`QModel::run`] on every body; a copy of the weights, so for hosts —
//! firmware runs the [`QModel`] where its weights lie.

use std::vec::Vec;

use super::{expect, QError, QLayer, QModel};
use crate::dispatch::{pack_i8, packed_len, packed_pays, packing_pays};

/// One fully connected layer's packed weights (from byte `start` of
/// `bytes`, a 64-byte boundary: one cache line per load) and each row's
/// offset.
#[derive(Debug)]
struct Panels {
    bytes: Vec<i8>,
    start: usize,
    len: usize,
    offset: Vec<i32>,
}

impl Panels {
    fn weights(&self) -> &[i8] {
        &self.bytes[self.start..self.start + self.len]
    }
}

/// A [`QModel`] with its fully connected layers' weights packed for this
/// host's int8 dot products: the same outputs as [`QModel::run`], faster on
/// CPUs with AVX-512 VNNI (`cargo bench -p neurokern-tflite --bench ad01`
/// prints both). Built once (it copies the weights: [`PackedModel::packed_bytes`]),
/// then run with caller scratch like the model it borrows.
///
/// ```
/// use neurokern::int8::{Fused, OwnedLayer, OwnedModel, PackedModel, Quant};
/// let q = Quant { scale: 0.05, zero_point: 0 };
/// let model = OwnedModel {
///     input: q,
///     output: q,
///     layers: vec![OwnedLayer::fully_connected(
///         3, 2, vec![1, 2, 3, -4, 5, -6], vec![0, 10], vec![0.01], q, q, Fused::None,
///     )],
///     arithmetic: Default::default(),
/// };
/// model.with_model(|m| {
///     let packed = PackedModel::new(m);
///     let (mut y, mut z) = ([0i8; 2], [0i8; 2]);
///     let mut scratch = vec![0i8; 2 * m.max_width()];
///     packed.run(&[10, 20, 30], &mut y, &mut scratch).unwrap();
///     m.run(&[10, 20, 30], &mut z, &mut scratch).unwrap();
///     assert_eq!(y, z);
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct PackedModel<'m> {
    model: QModel<'m>,
    panels: Vec<Option<Panels>>,
    always: bool,
}

impl<'m> PackedModel<'m> {
    /// Packs every fully connected layer of `model` if this CPU has
    /// AVX-512 VNNI; elsewhere it packs nothing and runs the model as it is
    /// ([`PackedModel::packed_bytes`] is 0).
    pub fn new(model: QModel<'m>) -> Self {
        Self::build(model, packing_pays(), false)
    }

    /// Packs on every CPU and runs the packed weights on every body: on
    /// AVX-512 VNNI as [`PackedModel::new`], elsewhere through a plain loop
    /// over the packed layout, slower than [`QModel::run`]. For tests and
    /// comparisons: every body gives the same outputs.
    pub fn always(model: QModel<'m>) -> Self {
        Self::build(model, true, true)
    }

    fn build(model: QModel<'m>, pack: bool, always: bool) -> Self {
        let panels = model
            .layers()
            .iter()
            .map(|l| match l {
                QLayer::FullyConnected(fc) if pack => {
                    let (rows, cols) = (fc.fan_out, fc.fan_in);
                    let len = packed_len(rows, cols);
                    let mut bytes = std::vec![0i8; len + 63];
                    let start = bytes.as_ptr().align_offset(64).min(63);
                    let mut offset = std::vec![0i32; rows];
                    let weights = &mut bytes[start..start + len];
                    pack_i8(fc.weights, cols, rows, cols, weights, &mut offset);
                    Some(Panels {
                        bytes,
                        start,
                        len,
                        offset,
                    })
                }
                _ => None,
            })
            .collect();
        PackedModel {
            model,
            panels,
            always,
        }
    }

    /// The model it runs.
    pub fn model(&self) -> QModel<'m> {
        self.model
    }

    /// Bytes of packed weights and row offsets it holds.
    pub fn packed_bytes(&self) -> usize {
        self.panels
            .iter()
            .flatten()
            .map(|p| p.len + 4 * p.offset.len())
            .sum()
    }

    /// [`QModel::run`], with the packed weights: the same checks, scratch
    /// and outputs.
    pub fn run(&self, x: &[i8], y: &mut [i8], scratch: &mut [i8]) -> Result<(), QError> {
        let m = &self.model;
        expect(m.fan_in(), x.len())?;
        expect(m.fan_out(), y.len())?;
        if scratch.len() < 2 * m.max_width() {
            return Err(QError::Length {
                expected: 2 * m.max_width(),
                got: scratch.len(),
            });
        }
        // the packed weights where the selected body gains from them (a
        // benchmark may force another); the model's own elsewhere
        let packed = self.always || packed_pays();
        m.run_layers(x, y, scratch, |k, l, x, y| match (l, &self.panels[k]) {
            (QLayer::FullyConnected(fc), Some(p)) if packed => {
                fc.run_packed(p.weights(), &p.offset, x, y)
            }
            _ => l.run(x, y),
        });
        Ok(())
    }
}
