//! The RISC-V half of `cargo xtask mcu`: `firmware-riscv/` on QEMU's `virt`
//! machine for `riscv32imac` (no FPU) and `riscv32imafc` (ESP32-C3/C6-class,
//! with FPU): the kernel fingerprint, on-device training (XOR with SGD,
//! sine with Adam) equal to the host's, and instructions per element counted
//! by `minstret` under `-icount shift=0`.

use crate::fingerprints;
use crate::toolchain::{have, root, Toolchain};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// (target, core label, fingerprints its program prints)
pub const TARGETS: [(&str, &str, &[&str]); 2] = [
    (
        "riscv32imac-unknown-none-elf",
        "RV32IMAC",
        &["kernels", "int8", "xor"],
    ),
    (
        "riscv32imafc-unknown-none-elf",
        "RV32IMAFC",
        &["kernels", "int8", "sine"],
    ),
];

fn toolchain() -> Result<Toolchain, String> {
    if let Ok(out) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    {
        let list = String::from_utf8_lossy(&out.stdout);
        if TARGETS
            .iter()
            .all(|(t, _, _)| list.lines().any(|l| l.trim() == *t))
        {
            return Ok(Toolchain::Rustup);
        }
    }
    if Path::new("/usr/lib/rustlib/src/rust/library/core").exists() {
        return Ok(Toolchain::Debian);
    }
    Err(
        "no way to build for RISC-V: `rustup target add riscv32imac-unknown-none-elf \
         riscv32imafc-unknown-none-elf`, or Debian's `rustc-web cargo-web rust-web-src`"
            .into(),
    )
}

/// One JSON report entry per target, keyed `<target>/main`.
pub type Entries = Vec<(String, Value)>;

/// Builds and runs the RISC-V firmware; returns one JSON entry per target
/// (with `instructions` per element) and the failures.
pub fn run(host: &BTreeMap<String, String>) -> Result<(Entries, Vec<String>), String> {
    if !have("qemu-system-riscv32", "--version") {
        return Err("qemu-system-riscv32 not found: `apt-get install -y qemu-system-misc`".into());
    }
    let tc = toolchain()?;
    let dir = root().join("firmware-riscv");
    let (mut entries, mut failures) = (Vec::new(), Vec::new());
    for (target, core, keys) in TARGETS {
        println!("== QEMU virt ({core}, {target})");
        let st = tc
            .cargo()
            .current_dir(&dir)
            .args(["build", "--release", "--target", target])
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !st.success() {
            return Err(format!("RISC-V firmware build for {target} failed"));
        }
        let elf = dir
            .join("target")
            .join(target)
            .join("release/neurokern-firmware-riscv");
        let out = Command::new("timeout")
            .args([
                "120",
                "qemu-system-riscv32",
                "-machine",
                "virt",
                "-bios",
                "none",
            ])
            .args([
                "-nographic",
                "-semihosting-config",
                "enable=on,target=native",
            ])
            .args(["-icount", "shift=0", "-kernel"])
            .arg(&elf)
            .output()
            .map_err(|e| format!("cannot run qemu-system-riscv32: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        print!("{text}");
        if !out.status.success() {
            failures.push(format!("{core}: exited with failure"));
        }
        failures.extend(fingerprints::compare(core, &text, host, keys));
        let mut costs = serde_json::Map::new();
        for l in text.lines().filter_map(|l| l.strip_prefix("cost ")) {
            if let [name, "instructions", n, "elements", e] =
                l.split_whitespace().collect::<Vec<_>>()[..]
            {
                let (n, e): (f64, f64) =
                    (n.parse().unwrap_or(f64::NAN), e.parse().unwrap_or(f64::NAN));
                costs.insert(
                    name.into(),
                    json!({"value": n / e, "unit": "instructions per element (minstret)"}),
                );
            }
        }
        entries.push((
            format!("{target}/main"),
            json!({"core": core, "target": target, "exit_ok": out.status.success(),
                   "instructions": costs,
                   "output": text.lines().collect::<Vec<_>>()}),
        ));
    }
    Ok((entries, failures))
}
