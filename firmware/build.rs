//! Picks the board's memory map from the target: thumbv6m → micro:bit,
//! thumbv7em → MPS2 AN386, thumbv8m.main → MPS2 AN505.
use std::{env, fs, path::PathBuf};

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let board = if target.starts_with("thumbv6m") {
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
    // defmt's interned strings need its linker script
    if env::var_os("CARGO_FEATURE_DEFMT").is_some() {
        println!("cargo:rustc-link-arg-bin=defmt_log=-Tdefmt.x");
    }
}
