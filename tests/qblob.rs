//! The int8 blob (`NKQ8`): round trips, every fault named, and no byte
//! pattern that makes the parser panic or accept a non-canonical blob.
#![cfg(feature = "std")]
use neurokern::activation::Act;
use neurokern::fingerprint::Sine;
use neurokern::int8::blob::{MAX_QLAYERS, QMAGIC};
use neurokern::int8::{
    quantize_network, Aligned, Arithmetic, Fused, Interface, LeakyRelu, LutKind, OwnedLayer,
    OwnedModel, PtqOptions, QBlob, QBlobError, QError, Quant,
};
use neurokern::mlp;
use neurokern::nn::init::{Init, SplitMix64};
use neurokern::nn::io::crc32;
use neurokern::nn::{Dense, Network};

type Mixed = mlp![Dense<5, 7>, Dense<7, 6>, Dense<6, 4>, Dense<4, 3>];

/// A model with every layer kind: per-channel and per-tensor fully
/// connected, σ and tanh tables, leaky ReLU, ReLU6.
fn mixed(arithmetic: Arithmetic, per_channel: bool) -> OwnedModel {
    let mut net = Network::<Mixed>::new(mlp![
        Dense::new(Act::Sigmoid),
        Dense::new(Act::LeakyRelu(0.1)),
        Dense::new(Act::Tanh),
        Dense::new(Act::Relu6)
    ]);
    net.init(Init::Auto, &mut SplitMix64::new(3));
    let calib: Vec<[f32; 5]> = (0..64)
        .map(|k| core::array::from_fn(|i| ((k * 7 + i * 3) % 13) as f32 / 4.0 - 1.5))
        .collect();
    let options = PtqOptions::default()
        .per_channel(per_channel)
        .arithmetic(arithmetic);
    quantize_network(&net, &calib, options).unwrap()
}

fn sine(arithmetic: Arithmetic) -> OwnedModel {
    let net = Network::<Sine>::from_bytes(include_bytes!("../firmware/data/sine.nkb")).unwrap();
    let calib: Vec<[f32; 1]> = (0..256).map(|k| [k as f32 / 127.5 - 1.0]).collect();
    quantize_network(&net, &calib, PtqOptions::default().arithmetic(arithmetic)).unwrap()
}

/// Bytes at a 4-aligned address (a `Vec<u32>` underneath).
struct Buf(Vec<u32>, usize);
impl Buf {
    fn new(bytes: &[u8]) -> Buf {
        let mut words = vec![0u32; bytes.len().div_ceil(4) + 1];
        bytemuck::cast_slice_mut::<u32, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        Buf(words, bytes.len())
    }
    fn bytes(&self) -> &[u8] {
        &bytemuck::cast_slice(&self.0)[..self.1]
    }
}

fn parse(bytes: &[u8]) -> Result<OwnedModel, QBlobError> {
    let buf = Buf::new(bytes);
    let parsed = QBlob::<MAX_QLAYERS>::parse_with_capacity(buf.bytes()).map(|_| ());
    parsed?;
    OwnedModel::from_blob(bytes).map(|(m, _)| m)
}

/// Replaces the CRC so that a mutation reaches the field checks.
fn reseal(b: &mut [u8]) {
    let n = b.len() - 4;
    let crc = crc32(&b[..n]);
    b[n..].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn models_round_trip_and_run_the_same() {
    for arithmetic in Arithmetic::ALL {
        for m in [
            mixed(arithmetic, true),
            mixed(arithmetic, false),
            sine(arithmetic),
        ] {
            let bytes = m.to_blob(Interface::INT8).unwrap();
            // the same model back (a fused activation whose clamp is int8's
            // whole range reads back as `Fused::None`: the same arithmetic)
            let (back, _) = OwnedModel::from_blob(&bytes).unwrap();
            assert_eq!(back.to_blob(Interface::INT8).unwrap(), bytes);
            assert_eq!((back.input, back.output), (m.input, m.output));
            assert_eq!(back.layers.len(), m.layers.len());
            let buf = Buf::new(&bytes);
            let blob = QBlob::parse(buf.bytes()).unwrap();
            let model = blob.model();
            let (n_in, n_out) = (model.fan_in(), model.fan_out());
            let mut scratch = vec![0i8; 2 * model.max_width()];
            for k in 0..256 {
                let x: Vec<i8> = (0..n_in).map(|i| (k * 31 + i * 17) as u8 as i8).collect();
                let (mut a, mut b) = (vec![0i8; n_out], vec![0i8; n_out]);
                model.run(&x, &mut a, &mut scratch).unwrap();
                m.run(&x, &mut b).unwrap();
                assert_eq!(a, b, "{arithmetic:?} input {k}");
            }
        }
    }
}

/// The header records the arithmetic, and it changes the outputs.
#[test]
fn the_blob_keeps_the_arithmetic() {
    let (a, b) = (sine(Arithmetic::LiteRt), sine(Arithmetic::Tflm));
    let (ba, bb) = (
        a.to_blob(Interface::INT8).unwrap(),
        b.to_blob(Interface::INT8).unwrap(),
    );
    assert_ne!(ba, bb);
    assert_eq!(
        OwnedModel::from_blob(&bb).unwrap().0.arithmetic,
        Arithmetic::Tflm
    );
    let differ = (-128..=127i32)
        .filter(|&x| {
            let (mut ya, mut yb) = ([0i8], [0i8]);
            a.run(&[x as i8], &mut ya).unwrap();
            b.run(&[x as i8], &mut yb).unwrap();
            ya != yb
        })
        .count();
    assert!(differ > 0, "the two arithmetics agree on every input");
}

#[test]
fn each_fault_is_named() {
    let good = mixed(Arithmetic::LiteRt, true)
        .to_blob(Interface::INT8)
        .unwrap();
    let n = good.len();
    let err = |b: &[u8]| parse(b).unwrap_err();

    assert_eq!(
        err(&good[..10]),
        QBlobError::Truncated {
            needed: 36,
            got: 10
        }
    );
    assert_eq!(
        err(&good[..n - 4]),
        QBlobError::Truncated {
            needed: n,
            got: n - 4
        }
    );
    let mut long = good.clone();
    long.extend_from_slice(&[0; 4]);
    assert_eq!(
        err(&long),
        QBlobError::TrailingBytes {
            expected: n,
            got: n + 4
        }
    );
    let mut b = good.clone();
    b[0] = b'X';
    assert_eq!(
        err(&b),
        QBlobError::BadMagic {
            found: [b'X', QMAGIC[1], QMAGIC[2], QMAGIC[3]]
        }
    );
    let mut b = good.clone();
    b[4] = 9;
    assert_eq!(err(&b), QBlobError::UnsupportedVersion { found: 9 });
    let mut b = good.clone();
    b[40] ^= 1;
    assert!(matches!(err(&b), QBlobError::Checksum { .. }));

    // misaligned: the same bytes one past a 4-aligned address
    let mut words = vec![0u32; n / 4 + 2];
    let all: &mut [u8] = bytemuck::cast_slice_mut(&mut words);
    all[1..n + 1].copy_from_slice(&good);
    assert_eq!(
        QBlob::parse(&all[1..n + 1]).unwrap_err(),
        QBlobError::Misaligned { offset: 1 }
    );

    // field faults, the CRC made right again so that they are reached
    let field = |at: usize, value: &[u8]| {
        let mut b = good.clone();
        b[at..at + value.len()].copy_from_slice(value);
        reseal(&mut b);
        err(&b)
    };
    assert_eq!(field(6, &[0, 0]), QBlobError::LayerCount { found: 0 });
    assert_eq!(
        field(12, &0f32.to_le_bytes()),
        QBlobError::BadField {
            layer: None,
            field: "input quantization"
        }
    );
    assert_eq!(
        field(28, &[4]),
        QBlobError::BadField {
            layer: None,
            field: "interface flags"
        }
    );
    // layer 0 starts at 32: kind, arithmetic, clamp min, clamp max
    assert_eq!(
        field(32, &[9]),
        QBlobError::UnknownLayerKind { layer: 0, kind: 9 }
    );
    assert_eq!(
        field(33, &[7]),
        QBlobError::BadField {
            layer: Some(0),
            field: "arithmetic"
        }
    );
    assert_eq!(
        field(34, &[5, 4]),
        QBlobError::BadField {
            layer: Some(0),
            field: "clamp"
        }
    );
    assert_eq!(
        field(36, &0u32.to_le_bytes()),
        QBlobError::BadField {
            layer: Some(0),
            field: "fan_in"
        }
    );
    // the first multiplier's mantissa (after 32 bytes of record and 7 scales)
    let m0 = 32 + 32 + 4 * 7;
    assert!(matches!(
        field(m0, &(1i32 << 30).to_le_bytes()),
        QBlobError::BadField {
            layer: Some(0),
            field
        } if field.starts_with("multipliers")
    ));
    // the output the header states is not what the last layer gives
    assert_eq!(
        field(20, &1.5f32.to_le_bytes()),
        QBlobError::Model(QError::Mismatch { index: 7 })
    );
}

#[test]
fn a_changed_table_entry_is_refused() {
    let good = sine(Arithmetic::LiteRt).to_blob(Interface::INT8).unwrap();
    let (model, _) = OwnedModel::from_blob(&good).unwrap();
    assert!(matches!(model.layers[1], OwnedLayer::Lut { .. }));
    // layer 1 (the table) starts after layer 0's record
    let l0 = 32 + 12 * 16 + 4 * 16 + 16;
    let table = 32 + l0 + 16;
    let mut b = good.clone();
    b[table + 5] = b[table + 5].wrapping_add(1);
    reseal(&mut b);
    assert!(matches!(
        parse(&b).unwrap_err(),
        QBlobError::BadField { layer: Some(1), field } if field.starts_with("table")
    ));
}

#[test]
fn capacity_is_reported_only_for_an_otherwise_valid_blob() {
    let good = mixed(Arithmetic::LiteRt, true)
        .to_blob(Interface::INT8)
        .unwrap();
    let buf = Buf::new(&good);
    assert_eq!(
        QBlob::<'_, 2>::parse_with_capacity(buf.bytes()).unwrap_err(),
        QBlobError::Capacity {
            found: 7,
            capacity: 2
        }
    );
    let mut bad = good.clone();
    bad[33] = 7;
    reseal(&mut bad);
    let buf = Buf::new(&bad);
    assert!(matches!(
        QBlob::<'_, 2>::parse_with_capacity(buf.bytes()).unwrap_err(),
        QBlobError::BadField { .. }
    ));
}

/// Every byte changed (two ways, the CRC made right again): the parser
/// never panics, and what it accepts runs and writes back to the same bytes.
#[test]
fn no_byte_makes_the_parser_panic_or_accept_garbage() {
    let good = mixed(Arithmetic::Tflm, false)
        .to_blob(Interface::INT8)
        .unwrap();
    let mut accepted = 0;
    for at in 0..good.len() - 4 {
        for delta in [1u8, 0x80] {
            let mut b = good.clone();
            b[at] = b[at].wrapping_add(delta);
            reseal(&mut b);
            let buf = Buf::new(&b);
            if let Ok(blob) = QBlob::<MAX_QLAYERS>::parse_with_capacity(buf.bytes()) {
                accepted += 1;
                let model = blob.model();
                let mut out = vec![0u8; model.blob_len()];
                model.write_blob(blob.interface(), &mut out).unwrap();
                assert_eq!(out, b, "byte {at} + {delta} accepted but not canonical");
                let mut y = vec![0i8; model.fan_out()];
                let x = vec![3i8; model.fan_in()];
                model
                    .run(&x, &mut y, &mut vec![0; 2 * model.max_width()])
                    .unwrap();
            };
        }
    }
    // weights and biases may be anything: those changes are accepted
    assert!(accepted > 0);
}

#[test]
fn a_model_deeper_than_a_blob_is_refused() {
    let q = Quant::new(0.5, 0);
    let layer = OwnedLayer::LeakyRelu(LeakyRelu::new(2, 0.5, q, q));
    let deep = OwnedModel {
        input: q,
        output: q,
        arithmetic: Arithmetic::LiteRt,
        layers: vec![layer; MAX_QLAYERS + 1],
    };
    assert_eq!(
        deep.to_blob(Interface::INT8).unwrap_err(),
        QBlobError::LayerCount {
            found: MAX_QLAYERS + 1
        }
    );
    let _ = (Fused::None, LutKind::Tanh, Aligned(0u8));
}
