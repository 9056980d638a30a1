//! The QEMU boards `cargo xtask mcu` runs, and reading what their programs
//! print and what their ELF files hold.

use object::{Object, ObjectSection};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One board: its Rust target and how QEMU runs it.
pub(crate) struct Board {
    pub(crate) name: &'static str,
    pub(crate) core: &'static str,
    pub(crate) target: &'static str,
    pub(crate) qemu: &'static [&'static str],
    pub(crate) programs: &'static [&'static str],
    /// The fingerprints each program must print, equal to the host's.
    pub(crate) fingerprints: &'static [(&'static str, &'static [&'static str])],
    /// Instructions per SysTick tick under `-icount shift=0`, where known.
    pub(crate) insns_per_tick: Option<f64>,
}

pub(crate) const BOARDS: [Board; 3] = [
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
            "ad01",
        ],
        fingerprints: &[
            ("selftest", &["kernels"]),
            ("train", &["sine"]),
            ("ad01", &["ad01"]),
        ],
        insns_per_tick: Some(40.0),
    },
    Board {
        name: "MPS2 AN505",
        core: "Cortex-M33",
        target: "thumbv8m.main-none-eabihf",
        qemu: &["-machine", "mps2-an505", "-cpu", "cortex-m33"],
        programs: &["selftest", "sine", "train", "cost", "ad01"],
        fingerprints: &[
            ("selftest", &["kernels"]),
            ("train", &["sine"]),
            ("ad01", &["ad01"]),
        ],
        // the AN505's SysTick runs at 20 MHz: the calibration found 50.00
        insns_per_tick: Some(50.0),
    },
];

/// Runs a program in QEMU (60 s at most); returns (exit ok, stdout).
pub(crate) fn qemu(board: &Board, elf: &Path) -> Result<(bool, String), String> {
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
pub(crate) fn field(out: &str, key: &str) -> Option<String> {
    out.lines().find_map(|l| {
        l.strip_prefix(key)
            .and_then(|r| r.split_whitespace().next().map(String::from))
    })
}

pub(crate) fn num(out: &str, key: &str) -> Option<f64> {
    field(out, key).and_then(|v| v.parse().ok())
}

/// Flash (vector table, text, rodata, data image) and static RAM (data, bss,
/// uninit) of an ELF, in bytes.
pub(crate) fn sizes(elf: &Path) -> Result<(u64, u64), String> {
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
