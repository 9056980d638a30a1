//! Puts `memory.x` (QEMU `virt`) on the linker's search path, and sets
//! `cfg(hard_float)` for targets with the F extension (stable Rust does not
//! expose `target_feature = "f"` on RISC-V).
use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(hard_float)");
    let target = env::var("TARGET").unwrap_or_default();
    let isa = target.split('-').next().unwrap_or("");
    if isa.starts_with("riscv32") && (isa[7..].contains('f') || isa[7..].contains('g')) {
        println!("cargo:rustc-cfg=hard_float");
    }
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::copy("memory.x", out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
