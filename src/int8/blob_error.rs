//! What can be wrong with an int8 blob ([`super::QBlob`]).

use super::QError;
use core::fmt;

/// What is wrong with an int8 blob, or with a buffer to write one into.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QBlobError {
    /// Fewer bytes than the header (28) or than the length it states.
    Truncated {
        /// Bytes the header states (or the header's own size).
        needed: usize,
        /// Bytes given.
        got: usize,
    },
    /// More bytes than the length the header states.
    TrailingBytes {
        /// Bytes the header states.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// The first four bytes are not `b"NKQ8"`.
    BadMagic {
        /// The bytes found.
        found: [u8; 4],
    },
    /// A format version this build does not read.
    UnsupportedVersion {
        /// The version found.
        found: u16,
    },
    /// The blob does not start at a 4-byte aligned address (its integers
    /// and floats are borrowed in place, not copied).
    Misaligned {
        /// The address modulo 4.
        offset: usize,
    },
    /// A big-endian target: the blob's little-endian words cannot be
    /// borrowed in place there.
    BigEndian,
    /// The CRC-32 does not match the contents.
    Checksum {
        /// The CRC stored in the blob.
        stored: u32,
        /// The CRC of the contents.
        computed: u32,
    },
    /// Zero layers, or more than [`super::blob::MAX_QLAYERS`].
    LayerCount {
        /// Layers in the blob.
        found: usize,
    },
    /// The layer records end before the stated length, or run past it.
    Layout {
        /// The layer whose record does not fit.
        layer: usize,
    },
    /// A layer kind this build does not know.
    UnknownLayerKind {
        /// Layer index.
        layer: usize,
        /// The kind byte.
        kind: u8,
    },
    /// A field of the header (`layer` = `None`) or of a layer holds a value
    /// it may not: the name says which.
    BadField {
        /// The layer, or `None` for the model's header.
        layer: Option<usize>,
        /// The field.
        field: &'static str,
    },
    /// Every field is valid but the layers do not make a model (widths or
    /// quantizations do not chain): [`QModel::new`](super::QModel::new)'s verdict.
    Model(QError),
    /// A valid blob with more layers than the [`super::QBlob`]'s capacity.
    Capacity {
        /// Layers in the blob.
        found: usize,
        /// The capacity.
        capacity: usize,
    },
    /// The buffer to write a blob into is too small.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        got: usize,
    },
}

impl fmt::Display for QBlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use QBlobError::*;
        match *self {
            Truncated { needed, got } => {
                write!(f, "int8 blob truncated: {got} bytes, needs {needed}")
            }
            TrailingBytes { expected, got } => write!(
                f,
                "int8 blob has {got} bytes, its header states {expected}: trailing bytes"
            ),
            BadMagic { found } => write!(
                f,
                "not a neurokern int8 blob: magic {found:?}, expected b\"NKQ8\""
            ),
            UnsupportedVersion { found } => write!(
                f,
                "int8 blob version {found}; this build reads version {}",
                super::blob::QVERSION
            ),
            Misaligned { offset } => write!(
                f,
                "int8 blob at an address 4k + {offset}: it must be 4-byte aligned"
            ),
            BigEndian => write!(
                f,
                "int8 blobs are read in place on little-endian targets only"
            ),
            Checksum { stored, computed } => write!(
                f,
                "checksum mismatch: stored {stored:#010x}, contents give {computed:#010x}"
            ),
            LayerCount { found } => write!(
                f,
                "int8 blob has {found} layers; 1 to {} are allowed",
                super::blob::MAX_QLAYERS
            ),
            Layout { layer } => write!(
                f,
                "layer {layer}'s record does not fit the length the header states"
            ),
            UnknownLayerKind { layer, kind } => {
                write!(f, "layer {layer} has unknown layer kind {kind}")
            }
            BadField {
                layer: Some(layer),
                field,
            } => write!(f, "layer {layer}: invalid {field}"),
            BadField { layer: None, field } => write!(f, "header: invalid {field}"),
            Model(e) => write!(f, "{e}"),
            Capacity { found, capacity } => write!(
                f,
                "int8 blob has {found} layers; this QBlob holds at most {capacity}"
            ),
            BufferTooSmall { needed, got } => {
                write!(f, "buffer of {got} bytes; the blob needs {needed}")
            }
        }
    }
}

impl core::error::Error for QBlobError {}
