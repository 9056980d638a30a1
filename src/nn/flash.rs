//! Networks in flash: decode a weight blob at compile time.
//!
//! [`Network::from_bytes`](super::Network::from_bytes) decodes a blob at run
//! time into a network *value*: on a microcontroller the weights land on the
//! stack (and are copied as the value moves), though they already sit in
//! flash. The `const fn`s here decode the same blob while the firmware is
//! compiled, so the network is a `static` placed in flash and inference
//! needs only its activations on the stack (the sine network: 3.6 KB of
//! stack with `from_bytes`, a few hundred bytes this way). Every check of
//! [`BlobModel::parse`](super::io::BlobModel::parse) that can fail here —
//! magic, version, checksum, layer count, shapes, activation codes, slopes,
//! finite parameters — fails the *build*, with a message.
//!
//! ```
//! use neurokern::{activation::Act, mlp};
//! use neurokern::nn::{flash, Chain, Dense, Network};
//!
//! type Net = mlp![Dense<2, 3>, Dense<3, 1>];
//! // in firmware: `static BLOB: &[u8] = include_bytes!("net.nkb");` and
//! // `static NET: Network<Net> = Network::with_params(…)` with the same
//! // expression as below, evaluated by the compiler
//! # let mut n = Network::<Net>::new(mlp![Dense::new(Act::Tanh), Dense::new(Act::Identity)]);
//! # n.params.1.b = [0.5];
//! # let mut bytes = vec![0u8; Network::<Net>::BLOB_BYTES];
//! # n.to_bytes(&mut bytes).unwrap();
//! let blob: &[u8] = &bytes;
//! let net: Network<Net> = Network::with_params(
//!     Chain::new(Dense::new(flash::activation(blob, 0)), Dense::new(flash::activation(blob, 1))),
//!     (flash::dense::<2, 3>(blob, 0), flash::dense::<3, 1>(blob, 1)),
//! );
//! assert_eq!(net, Network::<Net>::from_bytes(blob).unwrap());
//! ```
//!
//! In firmware the same expression initialises a `static` (see
//! `firmware/src/bin/sine.rs`), and a malformed blob stops the build:
//!
//! ```compile_fail,E0080
//! use neurokern::nn::{flash, DenseParams};
//! static BAD: DenseParams<1, 1> = flash::dense::<1, 1>(b"not a blob", 0);
//! ```

use super::io::{crc32, param_ok, MAGIC, MAX_LAYERS, MAX_WIDTH, V1_MAX_CODE, VERSION, VERSION_1};
use super::{DenseParams, LayerKind};
use crate::activation::Act;

const HEADER: usize = 8;
const LAYER: usize = 16;

const fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
const fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Checks the whole blob and returns its layer count; panics (at compile
/// time, in a `const` or `static`) with a message on any defect.
pub const fn check(blob: &[u8]) -> usize {
    assert!(blob.len() >= HEADER + 4, "neurokern blob: truncated header");
    assert!(
        blob[0] == MAGIC[0] && blob[1] == MAGIC[1] && blob[2] == MAGIC[2] && blob[3] == MAGIC[3],
        "neurokern blob: bad magic (not NKRN)"
    );
    let version = u16_at(blob, 4);
    assert!(
        version == VERSION || version == VERSION_1,
        "neurokern blob: unsupported version"
    );
    let n = u16_at(blob, 6) as usize;
    assert!(n >= 1 && n <= MAX_LAYERS, "neurokern blob: 1 to 32 layers");
    let (body, crc) = blob.split_at(blob.len() - 4);
    assert!(
        crc32(body) == u32_at(crc, 0),
        "neurokern blob: checksum mismatch"
    );
    let mut at = HEADER + LAYER * n;
    let mut layer = 0;
    let mut previous_out = 0;
    while layer < n {
        let d = HEADER + LAYER * layer;
        let (fi, fo) = (u32_at(blob, d), u32_at(blob, d + 4));
        assert!(
            fi >= 1 && fo >= 1 && fi <= MAX_WIDTH && fo <= MAX_WIDTH,
            "neurokern blob: bad layer shape"
        );
        assert!(
            layer == 0 || fi == previous_out,
            "neurokern blob: layers do not chain"
        );
        previous_out = fo;
        assert!(
            blob[d + 10] == 0 && blob[d + 11] == 0 && (version != VERSION_1 || blob[d + 9] == 0),
            "neurokern blob: reserved bytes are not zero"
        );
        assert!(
            LayerKind::from_code(blob[d + 9]).is_some(),
            "neurokern blob: unknown layer kind"
        );
        let act = activation_at(blob, d);
        assert!(
            version != VERSION_1 || act.code() <= V1_MAX_CODE,
            "neurokern blob: unknown activation code"
        );
        at += 4 * (fi as usize * fo as usize + fo as usize);
        layer += 1;
    }
    assert!(
        at + 4 == blob.len(),
        "neurokern blob: length differs from its header"
    );
    n
}

const fn activation_at(blob: &[u8], d: usize) -> Act {
    let alpha = f32::from_bits(u32_at(blob, d + 12));
    let act = match Act::from_code(blob[d + 8], alpha) {
        Some(a) => a,
        None => panic!("neurokern blob: unknown activation code"),
    };
    assert!(param_ok(act, alpha), "neurokern blob: bad slope");
    act
}

/// The activation of layer `layer` (counting from 0).
///
/// # Panics
///
/// When the blob is malformed or has no such layer — at compile time when
/// called in a `const` or `static`.
pub const fn activation(blob: &[u8], layer: usize) -> Act {
    let n = check(blob);
    assert!(layer < n, "neurokern blob: no such layer");
    activation_at(blob, HEADER + LAYER * layer)
}

/// The weights and biases of layer `layer`, whose shape must be
/// `IN × OUT`.
///
/// # Panics
///
/// When the blob is malformed, has no such layer, the layer's shape is not
/// `IN × OUT`, or a parameter is NaN or infinite — at compile time when
/// called in a `const` or `static`.
pub const fn dense<const IN: usize, const OUT: usize>(
    blob: &[u8],
    layer: usize,
) -> DenseParams<IN, OUT> {
    let n = check(blob);
    assert!(layer < n, "neurokern blob: no such layer");
    let mut at = HEADER + LAYER * n;
    let mut l = 0;
    while l < layer {
        let d = HEADER + LAYER * l;
        let (fi, fo) = (u32_at(blob, d) as usize, u32_at(blob, d + 4) as usize);
        at += 4 * (fi * fo + fo);
        l += 1;
    }
    let d = HEADER + LAYER * layer;
    assert!(
        u32_at(blob, d) as usize == IN && u32_at(blob, d + 4) as usize == OUT,
        "neurokern blob: the layer's shape differs from the type's"
    );
    let mut p = DenseParams::<IN, OUT>::ZERO;
    let mut i = 0;
    while i < IN {
        let mut o = 0;
        while o < OUT {
            p.w[i][o] = finite(u32_at(blob, at));
            at += 4;
            o += 1;
        }
        i += 1;
    }
    let mut o = 0;
    while o < OUT {
        p.b[o] = finite(u32_at(blob, at));
        at += 4;
        o += 1;
    }
    p
}

const fn finite(bits: u32) -> f32 {
    let v = f32::from_bits(bits);
    assert!(
        v.is_finite(),
        "neurokern blob: a parameter is NaN or infinite"
    );
    v
}
