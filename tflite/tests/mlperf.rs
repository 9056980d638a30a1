//! MLPerf Tiny's anomaly detector (`../shared/mlperf-tiny/`, third-party
//! data read in place, never copied here): both int8 models read as they
//! are, the float and dynamic-range ones are refused with an error naming
//! the operator and its types. The outputs are compared with LiteRT and
//! TensorFlow Lite Micro by `tools/check_mlperf.py` (CI).
//!
//! Without the directory the test says it skipped — unless `CI` is set,
//! where the data is always present and its absence is a failure.

use neurokern::int8::{Arithmetic, Fused, OwnedLayer};
use neurokern_tflite::{read, read_with};
use std::path::PathBuf;

fn dir() -> Option<PathBuf> {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/mlperf-tiny");
    if d.join("ad01_int8.tflite").exists() {
        return Some(d);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{} is missing (CI always has it)", d.display());
    }
    eprintln!("skipped: {} not found", d.display());
    None
}

const WIDTHS: [usize; 11] = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640];

#[test]
fn both_int8_models_read_as_they_are() {
    let Some(d) = dir() else { return };
    for (file, float_io) in [
        ("ad01_int8.tflite", false),
        ("model_ToyCar_quant_fullint.tflite", true),
    ] {
        let bytes = std::fs::read(d.join(file)).unwrap();
        for arithmetic in Arithmetic::ALL {
            let t = read_with(&bytes, arithmetic).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(
                (t.float_input, t.float_output),
                (float_io, float_io),
                "{file}"
            );
            assert_eq!(t.model.arithmetic, arithmetic);
            assert_eq!(t.model.layers.len(), 10, "{file}");
            for (k, l) in t.model.layers.iter().enumerate() {
                let OwnedLayer::FullyConnected {
                    fan_in,
                    fan_out,
                    fused,
                    weight_scales,
                    ..
                } = l
                else {
                    panic!("{file}: layer {k} is not fully connected");
                };
                assert_eq!(
                    (*fan_in, *fan_out),
                    (WIDTHS[k], WIDTHS[k + 1]),
                    "{file} {k}"
                );
                let want = if k == 9 { Fused::None } else { Fused::Relu };
                assert_eq!(*fused, want, "{file} {k}");
                assert_eq!(weight_scales.len(), 1, "{file} {k}: per tensor");
            }
        }
    }
}

#[test]
fn float_and_dynamic_range_models_are_refused_by_name() {
    let Some(d) = dir() else { return };
    for (file, says) in [
        (
            "ad01_fp32.tflite",
            "FullyConnected): Float32 → Float32 (int8 expected)",
        ),
        (
            "model_ToyCar_quant.tflite",
            "FullyConnected): Float32 → Float32 (int8 expected)",
        ),
    ] {
        let e = read(&std::fs::read(d.join(file)).unwrap()).unwrap_err();
        assert!(e.to_string().contains(says), "{file}: {e}");
    }
}

/// `PackedModel` runs the anomaly detector to the same outputs as the
/// model it packs, for the 196 windows of the reference spectrogram and
/// both arithmetics: packed for this CPU (`new`) and packed everywhere
/// (`always`, the plain loop over the packed layout off AVX-512 VNNI); the
/// comparison fails when one packed output byte differs.
#[test]
fn the_packed_model_gives_the_model_s_outputs() {
    use neurokern::fingerprint::ad_windows;
    use neurokern::int8::PackedModel;
    let Some(d) = dir() else { return };
    let bytes = std::fs::read(d.join("ad01_int8.tflite")).unwrap();
    let spec = std::fs::read(d.join("normal_id_01_00000000_hist_librosa.bin")).unwrap();
    for arithmetic in Arithmetic::ALL {
        let t = read_with(&bytes, arithmetic).unwrap();
        let frames: Vec<i8> = neurokern_tflite::f32s_le(&spec)
            .into_iter()
            .map(|v| t.model.input.quantize(v))
            .collect();
        t.model
            .with_model(|q| {
                let mut scratch = vec![0i8; 2 * q.max_width()];
                let mut y = vec![0i8; q.fan_out()];
                let (want, n) =
                    ad_windows(&frames, &mut y, |x, y| q.run(x, y, &mut scratch)).unwrap();
                assert_eq!(n, 196);
                for packed in [PackedModel::new(q), PackedModel::always(q)] {
                    let (got, _) =
                        ad_windows(&frames, &mut y, |x, y| packed.run(x, y, &mut scratch)).unwrap();
                    assert_eq!(
                        got,
                        want,
                        "{arithmetic:?} {} packed bytes",
                        packed.packed_bytes()
                    );
                    // one output byte changed changes the fingerprint
                    let (changed, _) = ad_windows(&frames, &mut y, |x, y| {
                        packed.run(x, y, &mut scratch)?;
                        y[0] = y[0].wrapping_add(1);
                        Ok::<(), neurokern::int8::QError>(())
                    })
                    .unwrap();
                    assert_ne!(changed, want);
                }
            })
            .unwrap();
    }
}
