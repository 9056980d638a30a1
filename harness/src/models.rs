//! Whole int8 models per inference, where people look for them: int8 `sine`
//! (the firmware's network, quantized here) and MLPerf Tiny's anomaly
//! detector (`../shared/mlperf-tiny/ad01_int8.tflite`, TFLite Micro's
//! arithmetic), on this host — µs per inference and multiply-accumulates
//! per cycle, on the body the kernels chose, through `PackedModel` — next to LiteRT's XNNPACK and
//! reference kernels timed by `tools/time_litert.py` in the same run (minus
//! the interpreter's call overhead, measured on a one-operator model), and
//! on the cores: instructions per inference and per MAC from
//! `target/mcu-report.json`.

use neurokern::fingerprint::Sine;
use neurokern::int8::{quantize_network, Arithmetic, OwnedModel, PackedModel, PtqOptions};
use neurokern::nn::Network;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One model's row.
#[derive(Clone, Debug)]
pub struct ModelRow {
    /// `sine_int8` or `ad01_int8`.
    pub name: &'static str,
    /// Multiply-accumulates per inference.
    pub macs: f64,
    /// This host: median µs per inference (`None`: the model is absent).
    pub host_us: Option<f64>,
    /// LiteRT's XNNPACK and reference kernels, net µs per inference
    /// (`None`: not measured, with the reason in `litert_note`).
    pub litert: Option<(f64, f64)>,
    /// Why LiteRT was not measured.
    pub litert_note: String,
    /// Per core: instructions per inference.
    pub cores: Vec<(String, f64)>,
}

/// The shared MLPerf Tiny data, beside the repository.
const DATA: &str = "../shared/mlperf-tiny";

/// Median µs per inference through [`PackedModel`] (the weights packed
/// where the CPU has AVX-512 VNNI, the model as it is elsewhere): what a
/// host program would run.
fn time_model(m: &OwnedModel, rows: &[Vec<i8>], reps: usize) -> Option<f64> {
    m.with_model(|q| {
        let q = PackedModel::new(q);
        let mut scratch = vec![0i8; 2 * q.model().max_width()];
        let mut y = vec![0i8; q.model().fan_out()];
        let mut per: Vec<f64> = (0..reps)
            .map(|_| {
                let start = Instant::now();
                for x in rows {
                    q.run(x, &mut y, &mut scratch).ok();
                }
                start.elapsed().as_secs_f64() / rows.len() as f64
            })
            .collect();
        per.sort_by(|a, b| a.total_cmp(b));
        per[per.len() / 2] * 1e6
    })
    .ok()
}

/// `tools/time_litert.py`'s net times (XNNPACK, BUILTIN_REF), or why not.
fn litert() -> Result<(f64, f64), String> {
    let out = Command::new("python3")
        .args(["tools/time_litert.py", DATA])
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").trim();
        return Err(format!("tools/time_litert.py failed: {last}"));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let net = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split("net ").nth(1))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    match (net("XNNPACK"), net("BUILTIN_REF")) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err("tools/time_litert.py printed no times".into()),
    }
}

/// The cores' instructions per inference of `key` (`ad01_int8_inference`,
/// `sine_int8_inference`) in the report, one per core.
fn cores(report: &Path, key: &str) -> Vec<(String, f64)> {
    let Ok(text) = std::fs::read_to_string(report) else {
        return Vec::new();
    };
    let Ok(doc) = serde_json::from_str::<Value>(&text) else {
        return Vec::new();
    };
    let mut out: Vec<(String, f64)> = Vec::new();
    for p in doc["programs"]
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
    {
        let (Some(core), Some(v)) = (p["core"].as_str(), p["instructions"][key]["value"].as_f64())
        else {
            continue;
        };
        if !out.iter().any(|(c, _)| c == core) {
            out.push((core.to_string(), v));
        }
    }
    out
}

/// Measures both models (fewer repetitions with `quick`).
pub fn run(quick: bool, report: &Path) -> Vec<ModelRow> {
    let reps = if quick { 5 } else { 31 };
    let mut rows = Vec::new();

    // the firmware's sine network, quantized as the firmware's is
    let net = Network::<Sine>::from_bytes(include_bytes!("../../firmware/data/sine.nkb"))
        .expect("the checked-in sine blob");
    let calib: Vec<[f32; 1]> = (0..256).map(|k| [k as f32 / 127.5 - 1.0]).collect();
    let sine = quantize_network(&net, &calib, PtqOptions::default()).expect("quantizable");
    let inputs: Vec<Vec<i8>> = (-128..=127).map(|q| vec![q as i8]).collect();
    rows.push(ModelRow {
        name: "sine_int8",
        macs: 16.0 + 256.0 + 16.0,
        host_us: time_model(&sine, &inputs, reps),
        litert: None,
        litert_note: "LiteRT: see tools/check_litert.py (bits, not time)".into(),
        cores: cores(report, "sine_int8_inference"),
    });

    // MLPerf Tiny's anomaly detector, when the shared data is here
    let data = Path::new(DATA);
    let ad = std::fs::read(data.join("ad01_int8.tflite"))
        .ok()
        .and_then(|b| neurokern_tflite::read_with(&b, Arithmetic::Tflm).ok());
    let spec = std::fs::read(data.join("normal_id_01_00000000_hist_librosa.bin")).ok();
    let (host_us, litert_result) = match (&ad, &spec) {
        (Some(t), Some(spec)) => {
            let frames: Vec<i8> = neurokern_tflite::f32s_le(spec)
                .into_iter()
                .map(|v| t.model.input.quantize(v))
                .collect();
            let windows: Vec<Vec<i8>> = (0..frames.len() / 128 - 4)
                .map(|k| frames[k * 128..k * 128 + 640].to_vec())
                .collect();
            (time_model(&t.model, &windows, reps), litert())
        }
        _ => (None, Err(format!("{DATA} not found"))),
    };
    let (litert, litert_note) = match litert_result {
        Ok(v) => (Some(v), String::new()),
        Err(e) => (None, e),
    };
    rows.push(ModelRow {
        name: "ad01_int8",
        macs: 264_192.0,
        host_us,
        litert,
        litert_note,
        cores: cores(report, "ad01_int8_inference"),
    });
    rows
}

/// The two tables: the host beside LiteRT, and the cores.
pub fn text(rows: &[ModelRow], ghz: f64) -> String {
    let mut s = String::from(
        "\nint8 models per inference on this host (µs, median; MACs per cycle at the clock above),\n\
         LiteRT timed by tools/time_litert.py in the same run (net of its call overhead):\n\n\
         | model | MACs | neurokern µs | MACs/cycle | LiteRT XNNPACK µs | LiteRT BUILTIN_REF µs |\n\
         |---|---|---|---|---|---|\n",
    );
    for r in rows {
        let host = r.host_us.map_or("—".into(), |u| format!("{u:.2}"));
        let per_cycle = r
            .host_us
            .map_or("—".into(), |u| format!("{:.1}", r.macs / (u * 1e3 * ghz)));
        let (x, b) = r.litert.map_or(("—".into(), "—".into()), |(x, b)| {
            (format!("{x:.2}"), format!("{b:.2}"))
        });
        s += &format!(
            "| {} | {} | {host} | {per_cycle} | {x} | {b} |\n",
            r.name, r.macs
        );
    }
    for r in rows
        .iter()
        .filter(|r| r.litert.is_none() && !r.litert_note.is_empty())
    {
        s += &format!("({}: {})\n", r.name, r.litert_note);
    }
    s += "\nOn the cores (target/mcu-report.json): instructions per inference (per MAC)\n\n";
    for r in rows {
        if r.cores.is_empty() {
            s += &format!("{}: no figures (run `cargo xtask mcu`)\n", r.name);
            continue;
        }
        let cells: Vec<String> = r
            .cores
            .iter()
            .map(|(c, v)| format!("{c} {v:.0} ({:.2})", v / r.macs))
            .collect();
        s += &format!("{}: {}\n", r.name, cells.join(", "));
    }
    s
}

/// The JSON form.
pub fn json(rows: &[ModelRow]) -> Value {
    Value::Array(
        rows.iter()
            .map(|r| {
                json!({
                    "model": r.name,
                    "macs": r.macs,
                    "host": {"value": r.host_us, "unit": "µs per inference (median)"},
                    "litert_xnnpack": {"value": r.litert.map(|l| l.0), "unit": "µs per inference, net of the call overhead"},
                    "litert_builtin_ref": {"value": r.litert.map(|l| l.1), "unit": "µs per inference, net of the call overhead"},
                    "litert_note": r.litert_note,
                    "cores": r.cores.iter().map(|(c, v)| json!({"core": c, "instructions": v, "per_mac": v / r.macs})).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}
