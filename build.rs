//! One question the compiler cannot answer on stable Rust: does this Arm
//! target have the DSP extension (`SMLAD`, `SXTB16`)? Arm target features
//! are unstable in `cfg(target_feature)`, so the answer comes from the
//! target name and the flags: every Armv7E-M core (`thumbv7em`: M4, M7) has
//! it; an Armv8-M Mainline core (`thumbv8m.main`) has it when built for a
//! CPU that does (`-C target-cpu=cortex-m33` / `m35p` / `m55` / `m85`) or with
//! `-C target-feature=+dsp`. Then `cfg(neurokern_arm_dsp)` selects the
//! int8 kernel's `asm!` (`src/dispatch/dot/dsp.rs`). Likewise Helium (MVE, the
//! M-profile vector extension of Armv8.1-M: `cortex-m55`, `cortex-m85`, or
//! `+mve`) sets `cfg(neurokern_arm_mve)`, which that kernel prefers.
use std::env;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(neurokern_arm_dsp)");
    println!("cargo:rustc-check-cfg=cfg(neurokern_arm_mve)");
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo:rerun-if-changed=build.rs");
    let target = env::var("TARGET").unwrap_or_default();
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let flags: Vec<&str> = flags.split('\x1f').collect();
    // `-C target-cpu=X` arrives as "-C", "target-cpu=X" or "-Ctarget-cpu=X"
    let values = |key: &str| -> Vec<String> {
        flags
            .iter()
            .filter_map(|f| f.trim_start_matches("-C").strip_prefix(key))
            .map(String::from)
            .collect()
    };
    let cpu_has_dsp = values("target-cpu=").iter().any(|c| {
        matches!(
            c.as_str(),
            "cortex-m33" | "cortex-m35p" | "cortex-m55" | "cortex-m85" | "star-mc1"
        )
    });
    let feature_dsp = values("target-feature=")
        .iter()
        .any(|f| f.split(',').any(|f| f == "+dsp"));
    let nightly_dsp = env::var("CARGO_CFG_TARGET_FEATURE")
        .unwrap_or_default()
        .split(',')
        .any(|f| f == "dsp");
    let dsp = target.starts_with("thumbv7em")
        || (target.starts_with("thumbv8m.main") && (cpu_has_dsp || feature_dsp || nightly_dsp));
    if dsp {
        println!("cargo:rustc-cfg=neurokern_arm_dsp");
    }
    let cpu_has_mve = values("target-cpu=")
        .iter()
        .any(|c| matches!(c.as_str(), "cortex-m55" | "cortex-m85"));
    let feature_mve = values("target-feature=")
        .iter()
        .any(|f| f.split(',').any(|f| f == "+mve" || f == "+mve.fp"));
    if target.starts_with("thumbv8m.main") && (cpu_has_mve || feature_mve) {
        println!("cargo:rustc-cfg=neurokern_arm_mve");
    }
}
