//! `neurokern-tflite`: from a `.tflite` file to firmware, and a model run on
//! raw inputs to compare with the runtime it was validated on.
//!
//! ```text
//! neurokern-tflite convert MODEL [--arithmetic litert|tflm] [--rust FILE] [--name NAME] [--blob FILE]
//! neurokern-tflite run MODEL INPUT OUTPUT [--arithmetic litert|tflm]
//!                      [--scores FILE --reference FILE]
//! ```
//!
//! MODEL is a `.tflite` file or an int8 blob (`NKQ8`, written by
//! `convert --blob`). In this repository: `cargo tflite convert …` (an
//! alias). Inputs and outputs are raw little-endian rows: int8 for a model
//! with an int8 interface, f32 for one with QUANTIZE / DEQUANTIZE at its
//! edges.
#![forbid(unsafe_code)]

use neurokern::int8::blob::QMAGIC;
use neurokern::int8::{Arithmetic, Interface, OwnedLayer, OwnedModel};
use neurokern_tflite::read_with;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  neurokern-tflite convert MODEL [--arithmetic litert|tflm] [--rust FILE] [--name NAME] [--blob FILE]
      prints the model (layers, MACs, weight and scratch bytes, arithmetic);
      --rust writes it as Rust statics for firmware (QModel::new(NAME_INPUT, NAME_OUTPUT, &NAME_LAYERS));
      --blob writes it as an int8 blob (NKQ8) that firmware reads in place from flash
      (Rust: QBlob::parse; C: nk_qmodel_from_bytes)
  neurokern-tflite run MODEL INPUT OUTPUT [--arithmetic litert|tflm] [--scores FILE --reference FILE]
      runs every row of INPUT (raw little-endian int8, or f32 for a float-interface model)
      and writes the outputs to OUTPUT in the same form; --scores writes, per row, the
      mean of (dequantized output - reference)^2 in f64 (MLPerf Tiny's anomaly score),
      the reference rows being raw f32
  MODEL: a .tflite file, or an int8 blob written by convert --blob
  --arithmetic: the rounding of the runtime the model was validated on: litert (the
      default: Python's TFLite interpreter) or tflm (TensorFlow Lite Micro, CMSIS-NN);
      a blob carries the arithmetic it was converted with";

/// `println!` that does not panic when stdout is closed (`| head`).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("neurokern-tflite: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The parsed options and positional arguments.
struct Parsed {
    positional: Vec<String>,
    arithmetic: Arithmetic,
    /// `--arithmetic` was given (a blob then must follow it).
    arithmetic_given: bool,
    rust: Option<PathBuf>,
    blob: Option<PathBuf>,
    name: String,
    scores: Option<PathBuf>,
    reference: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut p = Parsed {
        positional: Vec::new(),
        arithmetic: Arithmetic::LiteRt,
        arithmetic_given: false,
        rust: None,
        blob: None,
        name: "MODEL".into(),
        scores: None,
        reference: None,
    };
    let mut seen = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if !a.starts_with("--") {
            p.positional.push(a.clone());
            continue;
        }
        if seen.contains(a) {
            return Err(format!("{a} given twice"));
        }
        seen.push(a.clone());
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--arithmetic" => {
                let v = value()?;
                p.arithmetic = Arithmetic::from_name(&v)
                    .ok_or_else(|| format!("--arithmetic {v:?}: litert or tflm"))?;
                p.arithmetic_given = true;
            }
            "--rust" => p.rust = Some(value()?.into()),
            "--blob" => p.blob = Some(value()?.into()),
            "--name" => {
                let v = value()?;
                let ok = v.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && v.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if !ok {
                    return Err(format!("--name {v:?}: an upper-case Rust identifier"));
                }
                p.name = v;
            }
            "--scores" => p.scores = Some(value()?.into()),
            "--reference" => p.reference = Some(value()?.into()),
            _ => return Err(format!("unknown option {a}\n{USAGE}")),
        }
    }
    Ok(p)
}

fn cli(args: &[String]) -> Result<(), String> {
    let Some(cmd) = args.first() else {
        return Err(USAGE.into());
    };
    let p = parse(&args[1..])?;
    match (cmd.as_str(), p.positional.as_slice()) {
        ("-h" | "--help" | "help", _) => {
            say!("{USAGE}");
            Ok(())
        }
        ("convert", [model]) => convert(Path::new(model), &p),
        ("run", [model, input, output]) => {
            run(Path::new(model), Path::new(input), Path::new(output), &p)
        }
        ("convert" | "run", _) => Err(format!("wrong arguments for {cmd}\n{USAGE}")),
        _ => Err(format!("unknown command {cmd:?}\n{USAGE}")),
    }
}

/// A model read from a `.tflite` file or an int8 blob.
struct Loaded {
    model: OwnedModel,
    interface: Interface,
}

fn load(path: &Path, p: &Parsed) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    if bytes.starts_with(&QMAGIC) {
        let (model, interface) = OwnedModel::from_blob(&bytes).map_err(|e| at(&e))?;
        if p.arithmetic_given && p.arithmetic != model.arithmetic {
            return Err(at(&format_args!(
                "the blob follows the {} arithmetic; --arithmetic {} cannot change it \
                 (convert the .tflite again with it)",
                model.arithmetic.name(),
                p.arithmetic.name()
            )));
        }
        return Ok(Loaded { model, interface });
    }
    let t = read_with(&bytes, p.arithmetic).map_err(|e| at(&e))?;
    Ok(Loaded {
        interface: t.interface(),
        model: t.model,
    })
}

/// Writes `bytes` to `path` through a temporary file beside it, so that a
/// failure leaves no partial output.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
}

fn convert(path: &Path, p: &Parsed) -> Result<(), String> {
    let t = load(path, p)?;
    let m = &t.model;
    say!("{}: {}", path.display(), summary(&t));
    for (k, l) in m.layers.iter().enumerate() {
        say!("  {k:>2}  {}", layer_line(l));
    }
    if let Some(out) = &p.rust {
        let src = m.to_rust(&p.name).map_err(|e| e.to_string())?;
        let text = format!(
            "//! GENERATED by `neurokern-tflite convert {} --arithmetic {} --name {}`. Do not edit.\n{src}",
            path.file_name().and_then(|f| f.to_str()).unwrap_or("MODEL.tflite"),
            m.arithmetic.name(),
            p.name
        );
        write_atomic(out, text.as_bytes())?;
        say!("wrote {}", out.display());
    }
    if let Some(out) = &p.blob {
        let blob = m.to_blob(t.interface).map_err(|e| e.to_string())?;
        write_atomic(out, &blob)?;
        say!(
            "wrote {} ({} bytes, int8 blob NKQ8 version {})",
            out.display(),
            blob.len(),
            neurokern::int8::blob::QVERSION
        );
    }
    Ok(())
}

/// One line: interface, widths, MACs, bytes, arithmetic.
fn summary(t: &Loaded) -> String {
    let m = &t.model;
    let (fan_in, fan_out, max_width) = m
        .with_model(|q| (q.fan_in(), q.fan_out(), q.max_width()))
        .unwrap_or_default();
    let macs: usize = m
        .layers
        .iter()
        .map(|l| match l {
            OwnedLayer::FullyConnected {
                fan_in, fan_out, ..
            } => fan_in * fan_out,
            _ => 0,
        })
        .sum();
    let io = |float: bool| if float { "f32" } else { "int8" };
    format!(
        "{} layers, {fan_in} {} in -> {fan_out} {} out, {macs} MACs, {} bytes of parameters, \
         {} bytes of scratch ({} with f32 in and out), arithmetic: {}\n  input scale {} zero point {}, \
         output scale {} zero point {}",
        m.layers.len(),
        io(t.interface.float_input),
        io(t.interface.float_output),
        m.parameter_bytes(),
        2 * max_width,
        2 * max_width + fan_in + fan_out,
        m.arithmetic,
        m.input.scale,
        m.input.zero_point,
        m.output.scale,
        m.output.zero_point
    )
}

fn layer_line(l: &OwnedLayer) -> String {
    match l {
        OwnedLayer::FullyConnected {
            fan_in,
            fan_out,
            weight_scales,
            fused,
            output,
            ..
        } => format!(
            "FULLY_CONNECTED {fan_in} -> {fan_out}, fused {fused:?} (clamp {}..={}), {} weight scale(s)",
            fused.range(*output).0,
            fused.range(*output).1,
            weight_scales.len()
        ),
        OwnedLayer::Lut { kind, width, .. } => format!("{kind:?} over {width}"),
        OwnedLayer::LeakyRelu(r) => format!("LEAKY_RELU over {} (alpha {})", r.width, r.alpha),
        _ => "another layer".into(),
    }
}

fn run(model: &Path, input: &Path, output: &Path, p: &Parsed) -> Result<(), String> {
    let t = load(model, p)?;
    let m = &t.model;
    let (float_input, float_output) = (t.interface.float_input, t.interface.float_output);
    let (fan_in, fan_out) = m
        .with_model(|q| (q.fan_in(), q.fan_out()))
        .map_err(|e| e.to_string())?;
    let raw = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let elem = if float_input { 4 } else { 1 };
    let row = fan_in * elem;
    if raw.is_empty() || raw.len() % row != 0 {
        return Err(format!(
            "{}: {} bytes is not a whole number of rows of {fan_in} {} ({row} bytes each)",
            input.display(),
            raw.len(),
            if float_input { "f32" } else { "int8" }
        ));
    }
    let rows = raw.len() / row;
    let reference = match (&p.scores, &p.reference) {
        (Some(_), Some(r)) => {
            let v = neurokern_tflite::f32s_le(
                &std::fs::read(r).map_err(|e| format!("{}: {e}", r.display()))?,
            );
            if v.len() != rows * fan_out {
                return Err(format!(
                    "{}: {} floats, {rows} rows of {fan_out} expected",
                    r.display(),
                    v.len()
                ));
            }
            Some(v)
        }
        (None, None) => None,
        _ => return Err("--scores and --reference go together".into()),
    };
    let mut out = Vec::with_capacity(rows * fan_out * if float_output { 4 } else { 1 });
    let mut scores = Vec::with_capacity(rows * 8);
    let mut qy = vec![0i8; fan_out];
    let mut qx = vec![0i8; fan_in];
    for (r, x) in raw.chunks_exact(row).enumerate() {
        if float_input {
            m.input
                .quantize_slice(&neurokern_tflite::f32s_le(x), &mut qx);
        } else {
            for (q, &b) in qx.iter_mut().zip(x) {
                *q = b as i8;
            }
        }
        m.run(&qx, &mut qy).map_err(|e| e.to_string())?;
        for &q in &qy {
            if float_output {
                out.extend_from_slice(&m.output.dequantize(q).to_le_bytes());
            } else {
                out.push(q as u8);
            }
        }
        if let Some(reference) = &reference {
            let want = &reference[r * fan_out..(r + 1) * fan_out];
            scores.extend_from_slice(&anomaly_score(m, &qy, want).to_le_bytes());
        }
    }
    write_atomic(output, &out)?;
    if let Some(s) = &p.scores {
        write_atomic(s, &scores)?;
    }
    eprintln!(
        "{rows} rows through {} ({}) -> {}",
        model.display(),
        m.arithmetic,
        output.display()
    );
    Ok(())
}

/// MLPerf Tiny's anomaly score: the mean over the outputs of
/// (dequantized output − reference)², summed in f64 in index order, the
/// dequantized value TFLite's DEQUANTIZE (`scale · (q − zero_point)`
/// rounded to f32): the definition `tools/check_mlperf.py` applies to the
/// runtimes' outputs.
fn anomaly_score(m: &OwnedModel, q: &[i8], reference: &[f32]) -> f64 {
    let mut sum = 0.0f64;
    for (&q, &r) in q.iter().zip(reference) {
        let d = m.output.dequantize(q) as f64 - r as f64;
        sum += d * d;
    }
    sum / q.len() as f64
}
