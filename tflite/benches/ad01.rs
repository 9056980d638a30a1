//! MLPerf Tiny's anomaly detector on this host, per inference, on every
//! int8 body the CPU runs: `cargo bench -p neurokern-tflite --bench ad01`.
//!
//! Reads `../shared/mlperf-tiny/ad01_int8.tflite` (TFLite Micro's
//! arithmetic) and the reference spectrogram, runs the 196 windows 31
//! times per body and prints the median time per inference and the
//! multiply-accumulates per nanosecond. `tools/time_litert.py` times LiteRT
//! on the same model for comparison (run both in one session: the ratio is
//! the figure, not the absolute time). Names after `--` pick bodies:
//! `cargo bench -p neurokern-tflite --bench ad01 -- avx512`; `litert` runs
//! the model in LiteRT's arithmetic (single rounding, what LiteRT's
//! kernels compute) instead of TFLite Micro's:
//! `cargo bench -p neurokern-tflite --bench ad01 -- litert avx512`.
use neurokern::dispatch::{self, Isa};
use neurokern::int8::{Arithmetic, PackedModel};
use std::path::Path;
use std::time::Instant;

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/mlperf-tiny");
    let Ok(bytes) = std::fs::read(data.join("ad01_int8.tflite")) else {
        println!("ad01: {} not found: skipped", data.display());
        return;
    };
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let arithmetic = if args.iter().any(|a| a == "litert") {
        Arithmetic::LiteRt
    } else {
        Arithmetic::Tflm
    };
    let t = neurokern_tflite::read_with(&bytes, arithmetic).unwrap();
    let m = &t.model;
    let spec = std::fs::read(data.join("normal_id_01_00000000_hist_librosa.bin")).unwrap();
    let frames: Vec<i8> = neurokern_tflite::f32s_le(&spec)
        .into_iter()
        .map(|v| m.input.quantize(v))
        .collect();
    m.with_model(|q| {
        let mut scratch = vec![0i8; 2 * q.max_width()];
        let mut y = vec![0i8; q.fan_out()];
        println!(
            "ad01_int8 (264,192 MACs), {} arithmetic, 196 windows, median of 31 runs:",
            arithmetic.name()
        );
        let only: Vec<&String> = args.iter().filter(|a| *a != "litert").collect();
        let chosen = |i: &Isa| only.is_empty() || only.iter().any(|n| *n == i.name());
        let packed = PackedModel::new(q);
        type Run<'r> = &'r mut dyn FnMut(&[i8], &mut [i8], &mut [i8]);
        let mut median = |run: Run| {
            let mut per: Vec<f64> = (0..31)
                .map(|_| {
                    let start = Instant::now();
                    for k in 0..196 {
                        run(&frames[k * 128..k * 128 + 640], &mut y, &mut scratch);
                    }
                    start.elapsed().as_secs_f64() / 196.0
                })
                .collect();
            per.sort_by(|a, b| a.total_cmp(b));
            per[15]
        };
        for isa in Isa::ALL
            .into_iter()
            .filter(|i| dispatch::is_supported(*i) && chosen(i))
        {
            dispatch::force(Some(isa)).unwrap();
            let row_major = median(&mut |x, y, s| q.run(x, y, s).unwrap());
            let panels = median(&mut |x, y, s| packed.run(x, y, s).unwrap());
            println!(
                "  {:<8} {:>8.2} µs per inference {:>6.1} MACs/ns   packed (PackedModel): {:>6.2} µs {:>6.1} MACs/ns",
                isa.name(),
                row_major * 1e6,
                264_192.0 / (row_major * 1e9),
                panels * 1e6,
                264_192.0 / (panels * 1e9)
            );
        }
        dispatch::force(None).unwrap();
    })
    .unwrap();
}
