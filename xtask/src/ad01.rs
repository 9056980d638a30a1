//! MLPerf Tiny's anomaly detector for the cores and the C tests: its int8
//! blob (written by the `neurokern-tflite` binary from
//! `../shared/mlperf-tiny/ad01_int8.tflite`, TFLite Micro's arithmetic), the
//! reference spectrogram quantized to the model's input, and the host's
//! fingerprint of the 196 windows' outputs. Third-party data, read in
//! place: nothing of it enters the repository.

use neurokern::fingerprint::ad_windows;
use neurokern::int8::{Arithmetic, OwnedModel};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The MACs of one inference (ten fully connected layers).
pub const MACS: f64 = 264_192.0;

/// What `prepare` wrote and computed.
pub struct Ad01 {
    /// The directory holding `ad01.nkq` and `ad01_frames.i8`.
    pub dir: PathBuf,
    /// The quantized spectrogram.
    pub frames: Vec<i8>,
    /// The blob's bytes.
    pub blob_len: usize,
    /// The fingerprint of every output of the 196 windows, as the firmware
    /// prints it.
    pub fingerprint: String,
}

/// `../shared/mlperf-tiny`, beside the repository.
pub fn data_dir(root: &Path) -> PathBuf {
    root.parent().unwrap_or(root).join("shared/mlperf-tiny")
}

/// The `neurokern-tflite` binary: the one `cargo test` built, or built now.
fn tool(root: &Path) -> Result<PathBuf, String> {
    let bin = root.join("target/debug/neurokern-tflite");
    if !bin.exists() {
        let st = Command::new("cargo")
            .current_dir(root)
            .args([
                "build",
                "--quiet",
                "-p",
                "neurokern-tflite",
                "--bin",
                "neurokern-tflite",
            ])
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !st.success() {
            return Err("building neurokern-tflite failed".into());
        }
    }
    Ok(bin)
}

/// `neurokern-tflite convert ../shared/mlperf-tiny/NAME --arithmetic A
/// --blob OUT`; returns the blob's bytes.
pub fn convert(root: &Path, name: &str, arithmetic: &str, out: &Path) -> Result<Vec<u8>, String> {
    let st = Command::new(tool(root)?)
        .arg("convert")
        .arg(data_dir(root).join(name))
        .args(["--arithmetic", arithmetic, "--blob"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run neurokern-tflite: {e}"))?;
    if !st.success() {
        return Err(format!("neurokern-tflite convert {name} --blob failed"));
    }
    std::fs::read(out).map_err(|e| format!("{}: {e}", out.display()))
}

/// The reference input: 200 frames of 128 log-mel bins (f32).
pub fn spectrogram(root: &Path) -> Result<Vec<f32>, String> {
    let spec = data_dir(root).join("normal_id_01_00000000_hist_librosa.bin");
    let raw = std::fs::read(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    Ok(raw
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// Writes the blob and the quantized frames to `out` and computes the
/// host's fingerprint. `Ok(None)` when the data is absent outside CI (the
/// caller says it skipped); in CI (`CI` set) its absence is an error.
pub fn prepare(root: &Path, out: &Path) -> Result<Option<Ad01>, String> {
    let data = data_dir(root);
    let model = data.join("ad01_int8.tflite");
    if !model.exists() {
        if std::env::var_os("CI").is_some() {
            return Err(format!("{} is missing (CI always has it)", model.display()));
        }
        println!(
            "ad01: {} not found: the anomaly detector is skipped",
            model.display()
        );
        return Ok(None);
    }
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let blob_path = out.join("ad01.nkq");
    let blob = convert(root, "ad01_int8.tflite", "tflm", &blob_path)?;
    let (owned, _) = OwnedModel::from_blob(&blob).map_err(|e| e.to_string())?;
    if owned.arithmetic != Arithmetic::Tflm {
        return Err("the blob does not follow TFLite Micro's arithmetic".into());
    }
    let frames: Vec<i8> = spectrogram(root)?
        .iter()
        .map(|&v| owned.input.quantize(v))
        .collect();
    let bytes: Vec<u8> = frames.iter().map(|&q| q as u8).collect();
    std::fs::write(out.join("ad01_frames.i8"), bytes).map_err(|e| e.to_string())?;
    let (hash, windows) = owned
        .with_model(|m| {
            let mut scratch = vec![0i8; 2 * m.max_width()];
            let mut y = vec![0i8; m.fan_out()];
            ad_windows(&frames, &mut y, |x, y| m.run(x, y, &mut scratch))
        })
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    println!(
        "ad01: {} ({} bytes, TFLite Micro arithmetic), {windows} windows, host fingerprint {hash:016x}",
        blob_path.display(),
        blob.len()
    );
    Ok(Some(Ad01 {
        frames,
        dir: out.to_path_buf(),
        blob_len: blob.len(),
        fingerprint: format!("{hash:016x}"),
    }))
}
