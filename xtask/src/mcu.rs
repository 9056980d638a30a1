//! `cargo xtask mcu`.

use crate::fingerprints;
use object::{Object, ObjectSection, ObjectSymbol};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One board: its Rust target and how QEMU runs it.
struct Board {
    name: &'static str,
    core: &'static str,
    target: &'static str,
    qemu: &'static [&'static str],
    programs: &'static [&'static str],
    /// The fingerprints each program must print, equal to the host's.
    fingerprints: &'static [(&'static str, &'static [&'static str])],
    /// Instructions per SysTick tick under `-icount shift=0`, where known.
    insns_per_tick: Option<f64>,
}

const BOARDS: [Board; 3] = [
    Board {
        name: "micro:bit",
        core: "Cortex-M0",
        target: "thumbv6m-none-eabi",
        qemu: &["-machine", "microbit"],
        programs: &["selftest", "sine", "sine_int8", "train", "cost"],
        fingerprints: &[("selftest", &["kernels"]), ("train", &["xor"])],
        insns_per_tick: Some(62.5),
    },
    Board {
        name: "MPS2 AN386",
        core: "Cortex-M4F",
        target: "thumbv7em-none-eabihf",
        qemu: &["-machine", "mps2-an386", "-cpu", "cortex-m4"],
        programs: &[
            "selftest",
            "sine",
            "sine_int8",
            "sine_base",
            "train",
            "cost",
        ],
        fingerprints: &[("selftest", &["kernels"]), ("train", &["sine"])],
        insns_per_tick: Some(40.0),
    },
    Board {
        name: "MPS2 AN505",
        core: "Cortex-M33",
        target: "thumbv8m.main-none-eabihf",
        qemu: &["-machine", "mps2-an505", "-cpu", "cortex-m33"],
        programs: &["selftest", "sine", "train", "cost"],
        fingerprints: &[("selftest", &["kernels"]), ("train", &["sine"])],
        // the AN505's SysTick runs at 20 MHz: the calibration found 50.00
        insns_per_tick: Some(50.0),
    },
];

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

pub(crate) fn have(cmd: &str, arg: &str) -> bool {
    Command::new(cmd)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// How to build for thumb targets here: rustup's targets when installed,
/// else Debian's rustc with `-Zbuild-std=core`.
pub(crate) enum Toolchain {
    Rustup,
    Debian,
}

impl Toolchain {
    /// A `cargo` command that builds for thumb targets with this toolchain;
    /// the host's `RUSTFLAGS` (if any) must not reach the thumb build.
    pub(crate) fn cargo(&self) -> Command {
        let mut c = match self {
            Toolchain::Rustup => Command::new("cargo"),
            Toolchain::Debian => {
                let mut c = Command::new("/usr/bin/cargo");
                c.env("RUSTC_BOOTSTRAP", "1")
                    .env("RUSTC", "/usr/bin/rustc")
                    .arg("-Zbuild-std=core");
                c
            }
        };
        c.env_remove("RUSTFLAGS");
        c
    }
}

pub(crate) fn toolchain() -> Result<Toolchain, String> {
    if let Ok(out) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    {
        let list = String::from_utf8_lossy(&out.stdout);
        if BOARDS
            .iter()
            .all(|b| list.lines().any(|l| l.trim() == b.target))
        {
            return Ok(Toolchain::Rustup);
        }
    }
    let src = Path::new("/usr/lib/rustlib/src/rust/library/core");
    if Path::new("/usr/bin/rustc").exists() && Path::new("/usr/bin/cargo").exists() && src.exists()
    {
        return Ok(Toolchain::Debian);
    }
    Err(
        "no way to build for thumb targets. Either `rustup target add thumbv6m-none-eabi \
         thumbv7em-none-eabihf`, or on Debian: `apt-get install -y rustc-web cargo-web \
         rust-web-src rust-web-llvm lld-22` (Debian's Rust builds `core` from source)"
            .into(),
    )
}

fn build(tc: &Toolchain, target: &str) -> Result<(), String> {
    let dir = root().join("firmware");
    let mut cmd = tc.cargo();
    cmd.current_dir(&dir)
        .args(["build", "--release", "--bins", "--target", target]);
    let st = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !st.success() {
        return Err(format!("firmware build for {target} failed"));
    }
    Ok(())
}

/// Runs a program in QEMU (60 s at most); returns (exit ok, stdout).
fn qemu(board: &Board, elf: &Path) -> Result<(bool, String), String> {
    let mut child = Command::new("qemu-system-arm")
        .args(board.qemu)
        .args([
            "-nographic",
            "-semihosting-config",
            "enable=on,target=native",
            "-icount",
            "shift=0",
            "-kernel",
        ])
        .arg(elf)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start qemu-system-arm: {e}"))?;
    let start = Instant::now();
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            return Ok((
                out.status.success(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            ));
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            return Err(format!("{} timed out after 60 s in QEMU", elf.display()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `key value` lines of a program's output: the first value after `key`.
fn field(out: &str, key: &str) -> Option<String> {
    out.lines().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|r| r.split_whitespace().next().map(String::from))
    })
}

fn num(out: &str, key: &str) -> Option<f64> {
    field(out, key).and_then(|v| v.parse().ok())
}

/// Flash (vector table, text, rodata, data image) and static RAM (data, bss,
/// uninit) of an ELF, in bytes.
fn sizes(elf: &Path) -> Result<(u64, u64), String> {
    let data = std::fs::read(elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    let file = object::File::parse(&*data).map_err(|e| format!("{}: {e}", elf.display()))?;
    let (mut flash, mut ram) = (0, 0);
    for s in file.sections() {
        let name = s.name().unwrap_or("");
        match name {
            ".vector_table" | ".text" | ".rodata" => flash += s.size(),
            ".data" => {
                flash += s.size();
                ram += s.size();
            }
            ".bss" | ".uninit" => ram += s.size(),
            _ => {}
        }
    }
    Ok((flash, ram))
}

/// The host's fingerprints: computed here on every body this CPU runs
/// (scalar, SSE2, AVX2, AVX-512, forced one after the other), and by a
/// second build of this tool for the x86-64 baseline (no AVX at compile
/// time, so `wide`'s dense tiles run on SSE2). All must agree; returns the
/// agreed fingerprints and the failures.
fn host_fingerprints() -> Result<(BTreeMap<String, String>, Vec<String>), String> {
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
    match aarch64_fingerprints()? {
        Some(by_body) => {
            if by_body.is_empty() {
                failures.push("the aarch64 build printed no fingerprints".into());
            }
            for (isa, m) in by_body {
                println!("aarch64 (qemu-user), {isa} body: {} fingerprints", m.len());
                check(format!("aarch64 (qemu-user), {isa} body"), m, &mut failures);
            }
        }
        None => println!("aarch64: skipped (NEUROKERN_MCU_SKIP contains aarch64)"),
    }
    Ok((agreed.unwrap_or_default(), failures))
}

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
    let (host, mut failures) = host_fingerprints()?;
    for (k, v) in &host {
        println!("host {k} {v}");
    }
    let mut results: BTreeMap<String, Value> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut flash_of = BTreeMap::new();
    for board in &BOARDS {
        println!("== {} ({}, {})", board.name, board.core, board.target);
        build(&tc, board.target)?;
        for prog in board.programs {
            let elf = root()
                .join("firmware/target")
                .join(board.target)
                .join("release")
                .join(prog);
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
                let mut costs = serde_json::Map::new();
                for l in out.lines().filter_map(|l| l.strip_prefix("cost ")) {
                    let w: Vec<&str> = l.split_whitespace().collect();
                    if let [name, "ticks", t, "elements", n] = w[..] {
                        let (t, n): (f64, f64) =
                            (t.parse().unwrap_or(f64::NAN), n.parse().unwrap_or(f64::NAN));
                        costs.insert(name.into(), json!({"value": t * k / n, "unit": "instructions per element (or per call)"}));
                    }
                }
                if let Some(t) = num(&out, "sine_inference_ticks_x64 ") {
                    costs.insert(
                        "sine_inference".into(),
                        json!({"value": t * k / 64.0, "unit": "instructions per inference"}),
                    );
                }
                if let Some(t) = num(&out, "sine_int8_inference_ticks_x64 ") {
                    costs.insert(
                        "sine_int8_inference".into(),
                        json!({"value": t * k / 64.0, "unit": "instructions per inference (int8)"}),
                    );
                }
                // `train_ticks T steps S`
                let train = out.lines().find_map(|l| {
                    let w: Vec<&str> = l.split_whitespace().collect();
                    match w[..] {
                        ["train_ticks", t, "steps", s] => {
                            Some((t.parse::<f64>().ok()?, s.parse::<f64>().ok()?))
                        }
                        _ => None,
                    }
                });
                if let Some((t, steps)) = train {
                    costs.insert(
                        if out.lines().any(|l| l.starts_with("xor ")) {
                            "xor_train_step_sgd_batch4".into()
                        } else {
                            "sine_train_step_adam_batch16".into()
                        },
                        json!({"value": t * k / steps, "unit": "instructions per training step (the sine one incl. batch generation)"}),
                    );
                }
                if !costs.is_empty() {
                    entry["instructions"] = Value::Object(costs);
                }
            }
            rows.push((
                board.core,
                *prog,
                flash,
                ram,
                stack,
                entry.get("instructions").cloned(),
            ));
            results.insert(format!("{}/{prog}", board.target), entry);
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

    // the report
    println!("\n## neurokern on microcontroller cores (QEMU, `cargo xtask mcu`)\n");
    println!("| core | program | flash | static RAM | peak stack | result |");
    println!("|---|---|---|---|---|---|");
    for (core, prog, flash, ram, stack, _) in &rows {
        let key = format!(
            "{}/{prog}",
            BOARDS
                .iter()
                .find(|b| b.core == *core)
                .map_or("", |b| b.target)
        );
        let out: Vec<String> = results[&key]["output"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let result = out
            .iter()
            .rev()
            .find(|l| {
                l.starts_with("kernels")
                    || l.starts_with("xor ")
                    || l.starts_with("sine ")
                    || l.starts_with("sine_mse")
            })
            .cloned()
            .unwrap_or_else(|| "see JSON".into());
        println!("| {core} | {prog} | {flash} B | {ram} B | {stack} B | `{result}` |");
    }
    println!(
        "\nneurokern's share of the M4F `sine` flash (sine − sine_base): {} B",
        sine.saturating_sub(base)
    );
    // instructions per element or per call, every core side by side
    let mut columns: Vec<(&str, &str)> = BOARDS.iter().map(|b| (b.core, b.target)).collect();
    columns.extend(crate::riscv::TARGETS.iter().map(|(t, c, _)| (*c, *t)));
    const COLS: usize = BOARDS.len() + crate::riscv::TARGETS.len();
    let mut table: BTreeMap<String, [Option<f64>; COLS]> = BTreeMap::new();
    for (col, (_, target)) in columns.iter().enumerate() {
        for prog in ["cost", "sine", "train", "main"] {
            if let Some(m) = results
                .get(&format!("{target}/{prog}"))
                .and_then(|e| e.get("instructions"))
                .and_then(|v| v.as_object())
            {
                for (k, v) in m {
                    table.entry(k.clone()).or_insert([None; COLS])[col] = v["value"].as_f64();
                }
            }
        }
    }
    if !table.is_empty() {
        println!("\nInstructions per element (per call for networks), SysTick under QEMU -icount shift=0,");
        println!("each Arm board's tick calibrated by a delay loop; RISC-V counted by minstret:\n");
        let cores: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        println!("| what | {} |", cores.join(" | "));
        println!("|---|{}", "---|".repeat(COLS));
        let cell = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1}"));
        for (k, row) in &table {
            let cells: Vec<String> = row.iter().map(|v| cell(*v)).collect();
            println!("| {k} | {} |", cells.join(" | "));
        }
    }
    let (defmt, defmt_failures) = defmt_check(&tc)?;
    failures.extend(defmt_failures);
    let report = json!({
        "schema": "neurokern-mcu/1",
        "defmt_log": defmt,
        "host": host,
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

/// Format strings that defmt interns (as symbol names) for neurokern's
/// `Format` impls of `Act` and `BlobError` and for the program's own
/// message: a build without the derives, or a program that logs nothing of
/// neurokern's, lacks them.
const DEFMT_FORMATS: [&str; 3] = [
    "Identity|Sigmoid|Tanh|Relu|LeakyRelu",
    "Truncated {{ needed:",
    "blob refused: {}",
];

/// The entries of [`DEFMT_FORMATS`] that no symbol carries.
fn defmt_missing(symbols: &[String]) -> Vec<&'static str> {
    DEFMT_FORMATS
        .iter()
        .copied()
        .filter(|f| !symbols.iter().any(|s| s.contains(f)))
        .collect()
}

/// Builds and runs `defmt_log` (firmware feature `defmt`) on the M4F: it
/// must exit successfully, write defmt frames, and carry the interned format
/// strings of neurokern's types. Returns the report entry and the failures.
fn defmt_check(tc: &Toolchain) -> Result<(Value, Vec<String>), String> {
    let board = BOARDS
        .iter()
        .find(|b| b.core == "Cortex-M4F")
        .expect("the M4F board");
    println!(
        "== defmt: neurokern's types logged by `defmt_log` on the {}",
        board.core
    );
    let st = tc
        .cargo()
        .current_dir(root().join("firmware"))
        .args([
            "build",
            "--release",
            "--features",
            "defmt",
            "--bin",
            "defmt_log",
        ])
        .args(["--target", board.target])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !st.success() {
        return Err("the firmware's defmt_log build failed".into());
    }
    let elf = root()
        .join("firmware/target")
        .join(board.target)
        .join("release/defmt_log");
    let (ok, out) = qemu(board, &elf)?;
    let data = std::fs::read(&elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    let file = object::File::parse(&*data).map_err(|e| format!("{}: {e}", elf.display()))?;
    let symbols: Vec<String> = file
        .symbols()
        .filter_map(|s| s.name().ok().map(String::from))
        .collect();
    let (flash, _) = sizes(&elf)?;
    let mut failures = Vec::new();
    if !ok {
        failures.push("defmt_log: exited with failure".to_string());
    }
    if out.is_empty() {
        failures.push("defmt_log: wrote no defmt frames".to_string());
    }
    for f in defmt_missing(&symbols) {
        failures.push(format!(
            "defmt_log: no interned format string contains {f:?}"
        ));
    }
    println!(
        "defmt_log: exit {}, {} bytes of defmt frames, {flash} B of flash, format strings of Act and BlobError {}",
        if ok { "ok" } else { "FAILED" },
        out.len(),
        if defmt_missing(&symbols).is_empty() { "present" } else { "MISSING" }
    );
    let entry = json!({
        "exit_ok": ok,
        "frame_bytes": out.len(),
        "flash": {"value": flash, "unit": "bytes"},
        "missing_formats": defmt_missing(&symbols),
    });
    Ok((entry, failures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defmt_check_fails_when_a_format_string_is_missing() {
        let all: Vec<String> = DEFMT_FORMATS
            .iter()
            .map(|f| format!("{{\"package\":\"neurokern\",\"data\":\"{f} …\"}}"))
            .collect();
        assert!(defmt_missing(&all).is_empty());
        for i in 0..all.len() {
            let mut changed = all.clone();
            changed[i] = changed[i]
                .replace('|', "/")
                .replace("{}", "{=u8}")
                .replace("needed", "need");
            assert_eq!(defmt_missing(&changed), vec![DEFMT_FORMATS[i]], "entry {i}");
        }
        assert_eq!(defmt_missing(&[]).len(), DEFMT_FORMATS.len());
    }
}
