//! Picks the board's memory map from the target: thumbv6m → micro:bit,
//! thumbv7em → MPS2 AN386, thumbv8m.main → MPS2 AN505 — or the board
//! `$NEUROKERN_BOARD` names (`mps3-an547`: the Cortex-M55, built for the
//! same target with `-C target-cpu=cortex-m55` by `cargo xtask mcu`).
use std::{env, fs, path::PathBuf};

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    println!("cargo:rerun-if-env-changed=NEUROKERN_BOARD");
    let named = env::var("NEUROKERN_BOARD").ok();
    let board = if let Some(b) = named.as_deref() {
        b
    } else if target.starts_with("thumbv6m") {
        "microbit"
    } else if target.starts_with("thumbv8m.main") {
        "mps2-an505"
    } else {
        "mps2-an386"
    };
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::copy(format!("memory/{board}.x"), out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory/{board}.x");
    println!("cargo:rerun-if-changed=build.rs");
    // MLPerf Tiny's anomaly detector for the `ad01` program: the int8 blob
    // and the quantized spectrogram `cargo xtask mcu` writes to
    // $NEUROKERN_AD01_DIR (from ../shared/mlperf-tiny, never copied into the
    // repository). Without it, or on the micro:bit (256 KB of flash cannot
    // hold 271 KB of weights), the program is built without the model and
    // says so.
    println!("cargo:rerun-if-env-changed=NEUROKERN_AD01_DIR");
    let dir = env::var_os("NEUROKERN_AD01_DIR").map(PathBuf::from);
    for name in ["ad01.nkq", "ad01_frames.i8"] {
        let bytes = match &dir {
            Some(d) if board != "microbit" => {
                println!("cargo:rerun-if-changed={}", d.join(name).display());
                fs::read(d.join(name)).unwrap_or_else(|e| panic!("{}: {e}", d.join(name).display()))
            }
            _ => Vec::new(),
        };
        fs::write(out.join(name), bytes).unwrap();
    }
    // defmt's interned strings need its linker script
    if env::var_os("CARGO_FEATURE_DEFMT").is_some() {
        println!("cargo:rustc-link-arg-bin=defmt_log=-Tdefmt.x");
    }
}
