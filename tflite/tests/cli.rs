//! The `neurokern-tflite` binary: what it prints, what it writes, and what
//! it refuses (an error naming the fault, a non-zero exit, no output file).

use neurokern::int8::{Arithmetic, Fused, OwnedLayer, OwnedModel, Quant};
use std::path::PathBuf;
use std::process::Command;

fn tool(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_neurokern-tflite"))
        .args(args)
        .output()
        .unwrap()
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "neurokern-tflite-cli-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A 3 → 2 model with an int8 interface, written as a `.tflite`.
fn model(d: &std::path::Path) -> PathBuf {
    let (qi, qo) = (Quant::new(0.05, -3), Quant::new(0.1, 4));
    let m = OwnedModel {
        input: qi,
        output: qo,
        arithmetic: Arithmetic::LiteRt,
        layers: vec![OwnedLayer::fully_connected(
            3,
            2,
            vec![64, -127, 5, 90, 33, -70],
            vec![100, -250],
            vec![0.013],
            qi,
            qo,
            Fused::None,
        )],
    };
    let bytes = neurokern_tflite::write(&m, &neurokern_tflite::WriteOptions::default()).unwrap();
    let p = d.join("m.tflite");
    std::fs::write(&p, bytes).unwrap();
    p
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn convert_prints_the_model_and_writes_rust() {
    let d = dir("convert");
    let m = model(&d);
    let rs = d.join("model.rs");
    let out = tool(&[
        "convert",
        s(&m),
        "--arithmetic",
        "tflm",
        "--rust",
        s(&rs),
        "--name",
        "NET",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("3 int8 in -> 2 int8 out, 6 MACs"), "{text}");
    assert!(text.contains("TFLite Micro"), "{text}");
    let src = std::fs::read_to_string(&rs).unwrap();
    assert!(
        src.contains("pub static NET_LAYERS: [QLayer<'static>; 1]"),
        "{src}"
    );
    assert!(src.contains("arithmetic: Arithmetic::Tflm"), "{src}");
}

#[test]
fn run_gives_each_arithmetic_its_rounding() {
    let d = dir("run");
    let m = model(&d);
    // every int8 input row the model's first output can tell apart
    let rows: Vec<u8> = (0..=255u8)
        .flat_map(|b| [b, b.wrapping_mul(7), 3])
        .collect();
    let input = d.join("x.i8");
    std::fs::write(&input, &rows).unwrap();
    let mut outs = Vec::new();
    for a in ["litert", "tflm"] {
        let y = d.join(format!("y.{a}"));
        let out = tool(&["run", s(&m), s(&input), s(&y), "--arithmetic", a]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let y = std::fs::read(&y).unwrap();
        assert_eq!(y.len(), 256 * 2);
        outs.push(y);
    }
    // the two roundings differ on some of these rows (the model's
    // multiplier is not a power of two), so the option reached the layer
    assert_ne!(outs[0], outs[1]);
    // and the library gives the same bytes
    let t = neurokern_tflite::read_with(&std::fs::read(&m).unwrap(), Arithmetic::Tflm).unwrap();
    let mut y = [0i8; 2];
    t.model.run(&[1, 7, 3], &mut y).unwrap();
    assert_eq!([y[0] as u8, y[1] as u8], [outs[1][2], outs[1][3]]);
}

/// `convert --blob` writes the blob the library writes; `run` on it gives
/// the `.tflite`'s outputs with the arithmetic the blob carries, and
/// refuses another.
#[test]
fn convert_writes_a_blob_that_run_reads() {
    let d = dir("blob");
    let m = model(&d);
    let blob = d.join("m.nkq");
    let out = tool(&["convert", s(&m), "--arithmetic", "tflm", "--blob", s(&blob)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("int8 blob NKQ8 version 1"), "{text}");
    let bytes = std::fs::read(&blob).unwrap();
    let t = neurokern_tflite::read_with(&std::fs::read(&m).unwrap(), Arithmetic::Tflm).unwrap();
    assert_eq!(bytes, t.model.to_blob(t.interface()).unwrap());

    let rows: Vec<u8> = (0..=255u8)
        .flat_map(|b| [b, b.wrapping_mul(7), 3])
        .collect();
    let input = d.join("x.i8");
    std::fs::write(&input, &rows).unwrap();
    let (from_tflite, from_blob) = (d.join("y.tflite"), d.join("y.blob"));
    assert!(tool(&[
        "run",
        s(&m),
        s(&input),
        s(&from_tflite),
        "--arithmetic",
        "tflm"
    ])
    .status
    .success());
    assert!(tool(&["run", s(&blob), s(&input), s(&from_blob)])
        .status
        .success());
    assert_eq!(
        std::fs::read(&from_tflite).unwrap(),
        std::fs::read(&from_blob).unwrap()
    );

    let other = d.join("y.other");
    let out = tool(&[
        "run",
        s(&blob),
        s(&input),
        s(&other),
        "--arithmetic",
        "litert",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("the blob follows the tflm arithmetic"));
    assert!(!other.exists());

    // a blob with one byte changed is refused by its checksum, naming it
    let mut bad = bytes.clone();
    bad[50] ^= 1;
    let bad_blob = d.join("bad.nkq");
    std::fs::write(&bad_blob, &bad).unwrap();
    let out = tool(&["run", s(&bad_blob), s(&input), s(&other)]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.nkq: checksum mismatch"), "{err}");
    assert!(!other.exists());
}

#[test]
fn bad_input_is_refused_and_leaves_no_output() {
    let d = dir("bad");
    let m = model(&d);
    let short = d.join("short.i8");
    std::fs::write(&short, [1u8, 2, 3, 4]).unwrap(); // not a whole row of 3
    let junk = d.join("junk.tflite");
    std::fs::write(&junk, b"not a flatbuffer at all").unwrap();
    for (args, says) in [
        (
            vec!["run", s(&m), s(&short), "OUT"],
            "not a whole number of rows of 3 int8",
        ),
        (vec!["run", s(&junk), s(&short), "OUT"], "junk.tflite"),
        (
            vec!["convert", s(&m), "--arithmetic", "gemmlowp"],
            "litert or tflm",
        ),
        (vec!["convert", s(&m), "--name", "lower"], "upper-case"),
        (
            vec!["convert", "/nonexistent/m.tflite"],
            "/nonexistent/m.tflite",
        ),
        (vec!["frobnicate"], "unknown command"),
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "OUT" {
                    s(&d.join("y.out")).to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = tool(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!d.join("y.out").exists(), "{args:?} left an output file");
        assert!(
            !d.join("y.partial").exists(),
            "{args:?} left a partial file"
        );
    }
}
