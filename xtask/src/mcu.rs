//! `cargo xtask mcu`.

use crate::boards::{mve_in, num, qemu, sizes, Board, BOARDS, MVE_MACS, MVE_SELECTS};
use crate::defmt_check::defmt_check;
use crate::fingerprints;
use crate::toolchain::{have, root, toolchain, Toolchain};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn build(tc: &Toolchain, board: &Board, ad01: Option<&Path>) -> Result<(), String> {
    let target = board.target;
    let dir = root().join("firmware");
    let mut cmd = tc.cargo();
    cmd.current_dir(&dir)
        .args(["build", "--release", "--bins", "--target", target]);
    match &board.variant {
        Some(v) => {
            let var = format!(
                "CARGO_TARGET_{}_RUSTFLAGS",
                target.to_uppercase().replace(['-', '.'], "_")
            );
            cmd.env("NEUROKERN_BOARD", v.board)
                .env(var, v.rustflags)
                .args(["--target-dir", v.target_dir]);
        }
        None => {
            cmd.env_remove("NEUROKERN_BOARD");
        }
    }
    match ad01 {
        Some(d) => cmd.env("NEUROKERN_AD01_DIR", d),
        None => cmd.env_remove("NEUROKERN_AD01_DIR"),
    };
    let st = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !st.success() {
        return Err(format!("firmware build for {target} failed"));
    }
    Ok(())
}

/// The host's fingerprints: computed here on every body this CPU runs
/// (scalar, SSE2, AVX2, AVX-512, forced one after the other), and by a
/// second build of this tool for the x86-64 baseline (no AVX at compile
/// time, so `wide`'s dense tiles run on SSE2). All must agree; returns the
/// agreed fingerprints and the failures.
fn host_fingerprints() -> Result<HostFingerprints, String> {
    use neurokern::dispatch::{self, Isa};
    let mut failures = Vec::new();
    let mut agreed: Option<BTreeMap<String, String>> = None;
    let mut check =
        |label: String, m: BTreeMap<String, String>, failures: &mut Vec<String>| match &agreed {
            None => agreed = Some(m),
            Some(a) => failures.extend(fingerprints::agree(&format!("host {label}"), a, &m)),
        };
    for isa in Isa::ALL.into_iter().filter(|i| dispatch::is_supported(*i)) {
        check(
            format!("{isa} body"),
            fingerprints::host(isa)?,
            &mut failures,
        );
    }
    let out = Command::new(env!("CARGO"))
        .current_dir(root())
        .args([
            "run",
            "--quiet",
            "--release",
            "--manifest-path",
            "xtask/Cargo.toml",
        ])
        .args(["--target-dir", "target/noavx", "--", "fingerprints"])
        .env("RUSTFLAGS", "-C target-cpu=x86-64")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "baseline build's fingerprints failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let by_body = parse_bodies(&String::from_utf8_lossy(&out.stdout));
    if by_body.is_empty() {
        failures.push("the baseline build printed no fingerprints".into());
    }
    for (isa, m) in by_body {
        check(format!("baseline build, {isa} body"), m, &mut failures);
    }
    // the aarch64 runs go into the report as they are, body by body
    let aarch64 = match aarch64_fingerprints()? {
        Some(by_body) => {
            if by_body.is_empty() {
                failures.push("the aarch64 build printed no fingerprints".into());
            }
            let entry = json!({
                "target": "aarch64-unknown-linux-gnu",
                "runner": "qemu-aarch64 (qemu-user)",
                "fingerprints_by_body": by_body,
            });
            for (isa, m) in by_body {
                println!("aarch64 (qemu-user), {isa} body: {} fingerprints", m.len());
                check(format!("aarch64 (qemu-user), {isa} body"), m, &mut failures);
            }
            entry
        }
        None => {
            println!("aarch64: skipped (NEUROKERN_MCU_SKIP contains aarch64)");
            json!({"skipped": "NEUROKERN_MCU_SKIP contains aarch64"})
        }
    };
    Ok((agreed.unwrap_or_default(), failures, aarch64))
}

/// The agreed host fingerprints, the failures, and the aarch64 report entry.
type HostFingerprints = (BTreeMap<String, String>, Vec<String>, Value);

/// Fingerprints (`key → hex`) per body name.
type ByBody = BTreeMap<String, BTreeMap<String, String>>;

/// `key hex body isa` lines, grouped by body.
fn parse_bodies(text: &str) -> ByBody {
    let mut by_body = ByBody::new();
    for l in text.lines() {
        if let [k, v, "body", isa] = l.split_whitespace().collect::<Vec<_>>()[..] {
            by_body
                .entry(isa.into())
                .or_default()
                .insert(k.into(), v.into());
        }
    }
    by_body
}

/// The fingerprints of an aarch64 Linux build of this tool (NEON and
/// scalar bodies, `wide`'s NEON dense tiles), run under qemu-user. `None`
/// when `NEUROKERN_MCU_SKIP` names `aarch64`.
fn aarch64_fingerprints() -> Result<Option<ByBody>, String> {
    const TARGET: &str = "aarch64-unknown-linux-gnu";
    if std::env::var("NEUROKERN_MCU_SKIP").is_ok_and(|v| v.contains("aarch64")) {
        return Ok(None);
    }
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == TARGET)
        })
        .unwrap_or(false);
    if !installed
        || !have("qemu-aarch64", "--version")
        || !have("aarch64-linux-gnu-gcc", "--version")
    {
        return Err(format!(
            "the aarch64 check needs `rustup target add {TARGET}` and \
             `apt-get install -y qemu-user gcc-aarch64-linux-gnu` \
             (or NEUROKERN_MCU_SKIP=aarch64 to skip it)"
        ));
    }
    println!("== aarch64 Linux (NEON) under qemu-user");
    let st = Command::new(env!("CARGO"))
        .current_dir(root())
        .args([
            "build",
            "--quiet",
            "--release",
            "--manifest-path",
            "xtask/Cargo.toml",
        ])
        .args(["--target", TARGET, "--target-dir", "target/aarch64"])
        .env("RUSTFLAGS", "")
        .env(
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER",
            "aarch64-linux-gnu-gcc",
        )
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !st.success() {
        return Err("the aarch64 build of xtask failed".into());
    }
    let exe = root()
        .join("target/aarch64")
        .join(TARGET)
        .join("release/xtask");
    let out = Command::new("qemu-aarch64")
        .args(["-L", "/usr/aarch64-linux-gnu"])
        .arg(&exe)
        .arg("fingerprints")
        .output()
        .map_err(|e| format!("cannot run qemu-aarch64: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "the aarch64 fingerprints failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(Some(parse_bodies(&String::from_utf8_lossy(&out.stdout))))
}

pub fn run() -> Result<(), String> {
    let tc = toolchain()?;
    if !have("qemu-system-arm", "--version") {
        return Err("qemu-system-arm not found: `apt-get install -y qemu-system-arm`".into());
    }
    println!("== host fingerprints (every body, and a baseline x86-64 build)");
    let (mut host, mut failures, aarch64) = host_fingerprints()?;
    let ad01 = crate::ad01::prepare(&root(), &root().join("target/ad01"))?;
    if let Some(a) = &ad01 {
        host.insert("ad01".into(), a.fingerprint.clone());
    }
    for (k, v) in &host {
        println!("host {k} {v}");
    }
    let mut results: BTreeMap<String, Value> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut flash_of = BTreeMap::new();
    for board in &BOARDS {
        println!("== {} ({}, {})", board.name, board.core, board.target);
        build(&tc, board, ad01.as_ref().map(|a| a.dir.as_path()))?;
        // Helium: the int8 kernel's loop must be MVE's (a check that fails
        // on a scalar build: `boards::tests`)
        if board.variant.is_some() && ad01.is_some() {
            let n = mve_in(&board.elf(&root(), "ad01"), MVE_MACS)?;
            println!(
                "{} ad01: {n} Helium multiply-accumulate instructions (VMLADAVA)",
                board.core
            );
            if n == 0 {
                failures.push(format!(
                    "{} ad01: no Helium instruction in the int8 kernel",
                    board.core
                ));
            }
        }
        // ReLU's f32 loop on Helium's integer lanes
        if board.variant.is_some() {
            let n = mve_in(&board.elf(&root(), "cost"), MVE_SELECTS)?;
            println!("{} cost: {n} Helium selects (VPSEL, ReLU)", board.core);
            if n == 0 {
                failures.push(format!(
                    "{} cost: no Helium instruction in ReLU's loop",
                    board.core
                ));
            }
        }
        if board.target == "thumbv6m-none-eabi" {
            if let Some(a) = &ad01 {
                let why = format!(
                    "not run: the anomaly detector's blob is {} bytes, the micro:bit has 262,144 bytes of flash",
                    a.blob_len
                );
                println!("{} ad01: {why}", board.core);
                results.insert(
                    format!("{}/ad01", board.key()),
                    json!({"board": board.name, "core": board.core, "target": board.target,
                           "program": "ad01", "skipped": why}),
                );
            }
        }
        for prog in board.programs {
            if *prog == "ad01" && ad01.is_none() {
                continue;
            }
            let elf = board.elf(&root(), prog);
            let (ok, out) = qemu(board, &elf)?;
            let (flash, ram) = sizes(&elf)?;
            flash_of.insert((board.target, *prog), flash);
            print!("{out}");
            if !ok {
                failures.push(format!("{} {prog}: exited with failure", board.core));
            }
            let keys = board
                .fingerprints
                .iter()
                .find(|(p, _)| p == prog)
                .map_or(&[][..], |(_, k)| *k);
            failures.extend(fingerprints::compare(
                &format!("{} {prog}", board.core),
                &out,
                &host,
                keys,
            ));
            let stack = num(&out, "stack ").unwrap_or(f64::NAN);
            let mut entry = json!({
                "board": board.name, "core": board.core, "target": board.target, "program": prog,
                "exit_ok": ok,
                "flash": {"value": flash, "unit": "bytes (.vector_table + .text + .rodata + .data)"},
                "static_ram": {"value": ram, "unit": "bytes (.data + .bss + .uninit)"},
                "peak_stack": {"value": stack, "unit": "bytes (painted stack)"},
                "output": out.lines().collect::<Vec<_>>(),
            });
            // the cost program measures a delay loop of known length first:
            // the tick rate must be the one assumed
            if let Some(line) = out.lines().find_map(|l| l.strip_prefix("calibrate ticks ")) {
                let w: Vec<f64> = line
                    .split_whitespace()
                    .filter_map(|v| v.parse().ok())
                    .collect();
                if let (&[t, n], Some(k)) = (&w[..], board.insns_per_tick) {
                    let measured = n / t;
                    println!(
                        "{}: {measured:.2} instructions per SysTick tick (assumed {k})",
                        board.core
                    );
                    if (measured / k - 1.0).abs() > 0.02 {
                        failures.push(format!(
                            "{} {prog}: {measured:.2} instructions per tick, not {k}",
                            board.core
                        ));
                    }
                }
            }
            if let Some(k) = board.insns_per_tick {
                let costs = crate::mcu_report::instructions(&out, k);
                if !costs.is_empty() {
                    entry["instructions"] = Value::Object(costs);
                }
            }
            rows.push((board.core, *prog, flash, ram, stack));
            results.insert(format!("{}/{prog}", board.key()), entry);
        }
    }
    let (riscv_entries, riscv_failures) = crate::riscv::run(&host)?;
    failures.extend(riscv_failures);
    for (k, v) in riscv_entries {
        results.insert(k, v);
    }
    let sine = flash_of
        .get(&("thumbv7em-none-eabihf", "sine"))
        .copied()
        .unwrap_or(0);
    let base = flash_of
        .get(&("thumbv7em-none-eabihf", "sine_base"))
        .copied()
        .unwrap_or(0);

    crate::mcu_report::print(&rows, &results, sine.saturating_sub(base));
    let (defmt, defmt_failures) = defmt_check(&tc)?;
    failures.extend(defmt_failures);
    let report = json!({
        "schema": "neurokern-mcu/1",
        "defmt_log": defmt,
        "host": host,
        "aarch64": aarch64,
        "neurokern_flash_in_sine": {"value": sine.saturating_sub(base), "unit": "bytes"},
        "programs": results,
        "failures": failures,
    });
    let path = root().join("target/mcu-report.json");
    std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| e.to_string())?;
    std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap())
        .map_err(|e| e.to_string())?;
    println!("\nreport written to {}", path.display());
    if failures.is_empty() {
        let mut cores: Vec<&str> = BOARDS.iter().map(|b| b.core).collect();
        cores.extend(crate::riscv::TARGETS.iter().map(|(_, c, _)| *c));
        println!(
            "all programs passed; fingerprints equal on every host body, the baseline build, aarch64 (unless skipped above), {}",
            cores.join(", ")
        );
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}
