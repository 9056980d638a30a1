//! The `.tflite` reader and writer: TensorFlow's converter's model runs here
//! with LiteRT's outputs, models round-trip, bad files are refused.
use neurokern::int8::{Arithmetic, Fused, OwnedLayer, OwnedModel, Quant};
use neurokern_tflite::{read, write, ReadError, WriteOptions};

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// LiteRT's outputs for every int8 input, recorded by
/// tools/make_tflite_fixture.py (TensorFlow's converter and LiteRT, not
/// this crate).
fn litert_cases() -> Vec<(i8, i8)> {
    let v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/data/tf_sine.json")).unwrap(),
    )
    .unwrap();
    v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c[0][0].as_i64().unwrap() as i8,
                c[1][0].as_i64().unwrap() as i8,
            )
        })
        .collect()
}

fn mismatches(bytes: &[u8]) -> usize {
    let m = read(bytes).unwrap().model;
    litert_cases()
        .iter()
        .filter(|&&(x, want)| {
            let mut y = [0i8];
            m.run(&[x], &mut y).unwrap();
            y[0] != want
        })
        .count()
}

#[test]
fn tensorflow_converter_model_matches_litert() {
    let bytes = std::fs::read(root().join("tests/data/tf_sine.tflite")).unwrap();
    let t = read(&bytes).unwrap();
    assert!(!t.float_input && !t.float_output);
    // FULLY_CONNECTED(relu), FULLY_CONNECTED, TANH, FULLY_CONNECTED
    assert_eq!(t.model.layers.len(), 4);
    assert_eq!(litert_cases().len(), 256);
    assert_eq!(mismatches(&bytes), 0);
}

#[test]
fn a_changed_weight_is_caught() {
    // the comparison above must be able to fail: change one weight of the
    // first layer (found through the reader, then patched in the file)
    let mut bytes = std::fs::read(root().join("tests/data/tf_sine.tflite")).unwrap();
    let m = read(&bytes).unwrap().model;
    let OwnedLayer::FullyConnected { weights, .. } = &m.layers[0] else {
        panic!("first layer")
    };
    let pattern: Vec<u8> = weights.iter().map(|&w| w as u8).collect();
    let at = bytes
        .windows(pattern.len())
        .position(|w| w == pattern.as_slice())
        .expect("weights in the file");
    bytes[at] = bytes[at].wrapping_add(40);
    assert!(mismatches(&bytes) > 0);
}

#[test]
fn written_models_read_back_equal() {
    let q = Quant::new(0.05, -3);
    let h = Quant::new(0.02, 10);
    for per_channel in [false, true] {
        let scales = if per_channel {
            vec![0.01, 0.02, 0.005]
        } else {
            vec![0.01]
        };
        let model = OwnedModel {
            arithmetic: Arithmetic::LiteRt,
            input: q,
            output: Quant::LOGISTIC_OUTPUT,
            layers: vec![
                OwnedLayer::fully_connected(
                    2,
                    3,
                    vec![1, -2, 3, -4, 5, -127],
                    vec![7, -9, 100],
                    scales,
                    q,
                    h,
                    Fused::Relu6,
                ),
                OwnedLayer::lut(neurokern::int8::LutKind::Logistic, 3, h),
            ],
        };
        for float_io in [false, true] {
            let bytes = write(
                &model,
                &WriteOptions {
                    float_io,
                    description: "t".into(),
                },
            )
            .unwrap();
            assert_eq!(&bytes[4..8], b"TFL3");
            let back = read(&bytes).unwrap();
            assert_eq!(back.model, model);
            assert_eq!((back.float_input, back.float_output), (float_io, float_io));
        }
    }
}

#[test]
fn bad_files_are_refused_without_panicking() {
    let bytes = std::fs::read(root().join("tests/data/tf_sine.tflite")).unwrap();
    assert!(matches!(read(&bytes[..100]), Err(ReadError::Format(_))));
    assert!(matches!(read(b"not a model"), Err(ReadError::Format(_))));
    // every single-byte change either reads or is refused, never panics
    let mut s = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..3000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let mut b = bytes.clone();
        let i = (s % b.len() as u64) as usize;
        b[i] ^= (s >> 32) as u8 | 1;
        let _ = read(&b);
    }
}
