//! The weight blob: round trip, every malformed case with its own error, and
//! random bytes / truncations that must never panic.

use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::init::{Init, SplitMix64};
use neurokern::nn::io::{crc32, BlobError, BlobModel};
use neurokern::nn::{Dense, Network};
use rand_core::RngCore;

type Net = mlp![Dense<3, 5>, Dense<5, 2>];
const BYTES: usize = Network::<Net>::BLOB_BYTES;

fn net() -> Network<Net> {
    let mut n = Network::<Net>::new(mlp![
        Dense::new(Act::LeakyRelu(0.2)),
        Dense::new(Act::Sigmoid)
    ]);
    n.init(Init::Auto, &mut SplitMix64::new(3));
    n.params.0.b = [0.1, -0.2, 0.3, -0.4, 0.5];
    n
}

fn blob() -> [u8; BYTES] {
    let mut b = [0u8; BYTES];
    assert_eq!(net().to_bytes(&mut b), Ok(BYTES));
    b
}

/// `parse_with_capacity::<K>` gives `parse`'s verdict for every blob that
/// fits in `K` layers, and `Capacity` only for a blob `parse` accepts that
/// is deeper (issue 25: it once reported `Capacity` for corrupt blobs).
fn capacity_agrees_with_parse(b: &[u8]) {
    fn with<const K: usize>(b: &[u8], full: Result<usize, BlobError>) {
        let got = BlobModel::<K>::parse_with_capacity(b).map(|m| m.layers().len());
        let want = match full {
            Ok(n) if n > K => Err(BlobError::Capacity {
                found: n,
                capacity: K,
            }),
            other => other,
        };
        assert_eq!(got, want, "capacity {K}");
    }
    let full = BlobModel::parse(b).map(|m| m.layers().len());
    with::<0>(b, full);
    with::<1>(b, full);
    with::<2>(b, full);
    with::<3>(b, full);
}

/// Rewrites the trailing CRC so that only the intended defect remains.
fn reseal(b: &mut [u8]) {
    let n = b.len() - 4;
    let c = crc32(&b[..n]);
    b[n..].copy_from_slice(&c.to_le_bytes());
}

#[test]
fn round_trip_is_exact_and_blob_model_agrees() {
    let b = blob();
    let back = Network::<Net>::from_bytes(&b).unwrap();
    assert_eq!(back, net());
    assert_eq!(BYTES, 8 + 2 * 16 + 4 * (3 * 5 + 5 + 5 * 2 + 2) + 4);
    let m = BlobModel::parse(&b).unwrap();
    assert_eq!((m.input_len(), m.output_len(), m.param_count()), (3, 2, 32));
    assert_eq!(m.layers()[0].act, Act::LeakyRelu(0.2));
    let mut rng = SplitMix64::new(8);
    for _ in 0..200 {
        let x: [f32; 3] = core::array::from_fn(|_| neurokern::nn::init::normal(&mut rng) * 3.0);
        let (mut y1, mut y2) = ([0.0f32; 2], [0.0f32; 2]);
        net().forward(&x, &mut y1);
        let mut scratch = vec![0.0; m.scratch_len()];
        m.predict(&x, &mut y2, &mut scratch).unwrap();
        assert_eq!(
            y1.map(f32::to_bits),
            y2.map(f32::to_bits),
            "blob predict differs at {x:?}"
        );
    }
}

#[test]
fn each_malformation_has_its_error() {
    let good = blob();
    let parse = |b: &[u8]| Network::<Net>::from_bytes(b).unwrap_err();

    let mut b = good;
    b[0] = b'X';
    assert_eq!(parse(&b), BlobError::BadMagic { found: *b"XKRN" });

    let mut b = good;
    b[4] = 3;
    assert_eq!(parse(&b), BlobError::UnsupportedVersion { found: 3 });

    let mut b = good;
    b[6] = 0;
    assert_eq!(parse(&b), BlobError::LayerCount { found: 0 });
    b[6] = 33;
    assert_eq!(parse(&b), BlobError::LayerCount { found: 33 });

    assert_eq!(
        parse(&good[..5]),
        BlobError::Truncated { needed: 12, got: 5 }
    );
    assert_eq!(
        parse(&good[..30]),
        BlobError::Truncated {
            needed: 8 + 32 + 4,
            got: 30
        }
    );
    assert_eq!(
        parse(&good[..BYTES - 1]),
        BlobError::Truncated {
            needed: BYTES,
            got: BYTES - 1
        }
    );

    let mut long = good.to_vec();
    long.push(0);
    assert_eq!(
        parse(&long),
        BlobError::TrailingBytes {
            expected: BYTES,
            got: BYTES + 1
        }
    );

    let mut b = good;
    b[BYTES - 10] ^= 1; // a parameter bit
    let e = parse(&b);
    assert!(matches!(e, BlobError::Checksum { .. }), "{e:?}");

    let mut b = good;
    b[8 + 8] = 200; // activation code of layer 0
    reseal(&mut b);
    assert_eq!(
        parse(&b),
        BlobError::UnknownActivation {
            layer: 0,
            code: 200
        }
    );

    let mut b = good;
    b[8 + 16 + 9] = 1; // layer kind of layer 1
    reseal(&mut b);
    assert_eq!(parse(&b), BlobError::UnknownLayerKind { layer: 1, kind: 1 });

    let mut b = good;
    b[8 + 16 + 10] = 1; // reserved byte of layer 1
    reseal(&mut b);
    assert_eq!(parse(&b), BlobError::ReservedNotZero { layer: 1 });

    // version 1: no kind byte (it is reserved) and only the first five codes
    let mut b = good;
    b[4] = 1;
    reseal(&mut b);
    assert_eq!(Network::<Net>::from_bytes(&b).unwrap(), net());
    let mut v1 = b;
    v1[8 + 16 + 9] = 1;
    reseal(&mut v1);
    assert_eq!(parse(&v1), BlobError::ReservedNotZero { layer: 1 });
    let mut v1 = b;
    v1[8 + 16 + 8] = Act::Silu.code();
    reseal(&mut v1);
    assert_eq!(
        parse(&v1),
        BlobError::UnknownActivation { layer: 1, code: 5 }
    );

    let mut b = good;
    b[8 + 16..8 + 20].copy_from_slice(&4u32.to_le_bytes()); // layer 1 takes 4, layer 0 gives 5
    reseal(&mut b);
    assert_eq!(
        parse(&b),
        BlobError::BrokenChain {
            layer: 1,
            previous_out: 5,
            fan_in: 4
        }
    );

    let mut b = good;
    b[8..12].copy_from_slice(&0u32.to_le_bytes());
    reseal(&mut b);
    assert_eq!(
        parse(&b),
        BlobError::BadShape {
            layer: 0,
            fan_in: 0,
            fan_out: 5
        }
    );

    let mut b = good;
    b[8 + 32..8 + 36].copy_from_slice(&f32::NAN.to_le_bytes());
    reseal(&mut b);
    assert_eq!(parse(&b), BlobError::NonFiniteParameter { index: 0 });

    // a valid blob of another shape
    let other = Network::<mlp![Dense<3, 4>, Dense<4, 2>]>::new(mlp![
        Dense::new(Act::Relu),
        Dense::new(Act::Relu)
    ]);
    let mut ob = vec![0u8; Network::<mlp![Dense<3, 4>, Dense<4, 2>]>::BLOB_BYTES];
    other.to_bytes(&mut ob).unwrap();
    assert_eq!(
        parse(&ob),
        BlobError::ShapeMismatch {
            layer: 0,
            expected: (3, 5),
            found: (3, 4)
        }
    );
    let single = Network::new(Dense::<3, 2>::new(Act::Relu));
    let mut sb = vec![0u8; Network::<Dense<3, 2>>::BLOB_BYTES];
    single.to_bytes(&mut sb).unwrap();
    assert_eq!(
        parse(&sb),
        BlobError::DepthMismatch {
            expected: 2,
            found: 1
        }
    );

    let mut small = [0u8; 10];
    assert_eq!(
        net().to_bytes(&mut small),
        Err(BlobError::BufferTooSmall {
            needed: BYTES,
            got: 10
        })
    );

    // every error explains itself
    for e in [parse(&good[..5]), parse(&long), parse(&ob)] {
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn random_bytes_and_truncations_never_panic() {
    let good = blob();
    let mut rng = SplitMix64::new(99);
    let mut buf = vec![0u8; 4096];
    for round in 0..20_000 {
        let len = (rng.next_u32() as usize) % 300;
        let b = &mut buf[..len];
        match round % 4 {
            // pure noise
            0 => rng.fill_bytes(b),
            // a valid header, noise after it
            1 => {
                rng.fill_bytes(b);
                let k = len.min(8);
                b[..k].copy_from_slice(&good[..k]);
            }
            // the good blob with a few flipped bytes, resealed half the time
            2 => {
                let k = len.min(BYTES);
                b[..k].copy_from_slice(&good[..k]);
                for _ in 0..3 {
                    if k > 0 {
                        let at = rng.next_u32() as usize % k;
                        b[at] = rng.next_u32() as u8;
                    }
                }
                if k == BYTES && rng.next_u32() & 1 == 0 {
                    reseal(&mut b[..k]);
                }
            }
            // truncations of the good blob
            _ => {
                let k = len.min(BYTES);
                b[..k].copy_from_slice(&good[..k]);
            }
        }
        let r = Network::<Net>::from_bytes(b);
        if let Ok(m) = BlobModel::parse(b) {
            // whatever parses must also run without panicking
            let mut x = vec![0.5f32; m.input_len()];
            let mut y = vec![0.0f32; m.output_len()];
            let mut s = vec![0.0f32; m.scratch_len()];
            m.predict(&x, &mut y, &mut s).unwrap();
            x.push(0.0);
            assert!(m.predict(&x, &mut y, &mut s).is_err());
        }
        if len == BYTES && b == good {
            assert!(r.is_ok());
        }
    }
}

/// Mutations of valid blobs — bit flips, truncations and extensions, edited
/// shape fields and layer counts, non-finite parameters, odd slopes, each
/// resealed with a correct CRC half of the time — never panic, and whatever
/// is accepted reads back into a network that writes the very same bytes.
#[test]
fn mutated_blobs_never_panic_and_accepted_ones_round_trip() {
    let good = blob();
    let mut rng = SplitMix64::new(2024);
    let mut accepted = 0;
    for round in 0..30_000u32 {
        let mut b = good.to_vec();
        match round % 7 {
            0 => {
                for _ in 0..=(rng.next_u32() % 4) {
                    let at = rng.next_u32() as usize % b.len();
                    b[at] ^= 1 << (rng.next_u32() % 8);
                }
            }
            1 => b.truncate(rng.next_u32() as usize % b.len()),
            2 => b.extend(std::iter::repeat_n(0u8, 1 + rng.next_u32() as usize % 9)),
            3 => {
                // a shape field or the layer count
                let fields = [6usize, 8, 12, 24, 28];
                let at = fields[rng.next_u32() as usize % fields.len()];
                let v = [0u32, 1, 2, 3, 5, 7, 65536, 65537, u32::MAX][rng.next_u32() as usize % 9];
                let w = if at == 6 { 2 } else { 4 };
                b[at..at + w].copy_from_slice(&v.to_le_bytes()[..w]);
            }
            4 => {
                // a parameter: NaN, ±∞, subnormal, −0, huge
                let p = 8 + 16 * 2 + 4 * (rng.next_u32() as usize % 32);
                let v = [
                    f32::NAN,
                    f32::INFINITY,
                    -f32::INFINITY,
                    1e-45,
                    -0.0,
                    f32::MAX,
                ][rng.next_u32() as usize % 6];
                b[p..p + 4].copy_from_slice(&v.to_le_bytes());
            }
            5 => {
                // a slope: on the leaky layer (0) or the sigmoid one (1)
                let at = 8 + 16 * (rng.next_u32() as usize % 2) + 12;
                let v =
                    [f32::NAN, -0.5, 0.0, -0.0, 0.25, f32::INFINITY][rng.next_u32() as usize % 6];
                b[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
            _ => {
                // an activation code or a reserved byte
                let at = 8 + 16 * (rng.next_u32() as usize % 2) + 8 + rng.next_u32() as usize % 4;
                b[at] = rng.next_u32() as u8;
            }
        }
        if b.len() >= 4 && rng.next_u32() & 1 == 0 {
            reseal(&mut b);
        }
        let parsed = BlobModel::parse(&b);
        capacity_agrees_with_parse(&b);
        if let Ok(n) = Network::<Net>::from_bytes(&b) {
            assert!(
                parsed.is_ok(),
                "round {round}: typed accepts what BlobModel refuses"
            );
            let mut again = vec![0u8; b.len()];
            assert_eq!(n.to_bytes(&mut again), Ok(b.len()), "round {round}");
            assert_eq!(again, b, "round {round}: accepted blob does not round-trip");
            accepted += 1;
        }
    }
    assert!(
        accepted > 100,
        "the mutations should leave some blobs valid ({accepted})"
    );
}
