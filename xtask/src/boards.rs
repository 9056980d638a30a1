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
    /// A board sharing its Rust target with another: the memory map
    /// (`NEUROKERN_BOARD`), the extra `rustflags`, and its own target
    /// directory under `firmware/`.
    pub(crate) variant: Option<Variant>,
}

/// How a board that shares a Rust target with another is built.
pub(crate) struct Variant {
    /// `firmware/memory/<board>.x`.
    pub(crate) board: &'static str,
    /// Added to the target's `rustflags` in `firmware/.cargo/config.toml`.
    pub(crate) rustflags: &'static str,
    /// Under `firmware/`.
    pub(crate) target_dir: &'static str,
}

impl Board {
    /// The report's key for this board: its target, and for a variant the
    /// board too (the M33 and the M55 share `thumbv8m.main-none-eabihf`).
    pub(crate) fn key(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}+{}", self.target, v.board),
            None => self.target.to_string(),
        }
    }

    /// The ELF of a program, once built.
    pub(crate) fn elf(&self, root: &Path, program: &str) -> std::path::PathBuf {
        let dir = self.variant.as_ref().map_or("target", |v| v.target_dir);
        root.join("firmware")
            .join(dir)
            .join(self.target)
            .join("release")
            .join(program)
    }
}

pub(crate) const BOARDS: [Board; 4] = [
    Board {
        name: "micro:bit",
        core: "Cortex-M0",
        target: "thumbv6m-none-eabi",
        qemu: &["-machine", "microbit"],
        programs: &["selftest", "sine", "sine_int8", "train", "cost"],
        fingerprints: &[("selftest", &["kernels", "int8"]), ("train", &["xor"])],
        insns_per_tick: Some(62.5),
        variant: None,
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
            ("selftest", &["kernels", "int8"]),
            ("train", &["sine"]),
            ("ad01", &["ad01"]),
        ],
        insns_per_tick: Some(40.0),
        variant: None,
    },
    Board {
        name: "MPS2 AN505",
        core: "Cortex-M33",
        target: "thumbv8m.main-none-eabihf",
        qemu: &["-machine", "mps2-an505", "-cpu", "cortex-m33"],
        programs: &["selftest", "sine", "sine_int8", "train", "cost", "ad01"],
        fingerprints: &[
            ("selftest", &["kernels", "int8"]),
            ("train", &["sine"]),
            ("ad01", &["ad01"]),
        ],
        // the AN505's SysTick runs at 20 MHz: the calibration found 50.00
        insns_per_tick: Some(50.0),
        variant: None,
    },
    Board {
        name: "MPS3 AN547",
        core: "Cortex-M55",
        target: "thumbv8m.main-none-eabihf",
        qemu: &["-machine", "mps3-an547", "-cpu", "cortex-m55"],
        programs: &["selftest", "sine", "sine_int8", "train", "cost", "ad01"],
        fingerprints: &[
            ("selftest", &["kernels", "int8"]),
            ("train", &["sine"]),
            ("ad01", &["ad01"]),
        ],
        // the AN547's SysTick runs at 32 MHz: the calibration found 31.25
        insns_per_tick: Some(31.25),
        // Helium (MVE) comes with target-cpu=cortex-m55; -neon keeps a
        // nightly or RUSTC_BOOTSTRAP build from reporting NEON lanes
        variant: Some(Variant {
            board: "mps3-an547",
            rustflags: "-C target-cpu=cortex-m55 -C target-feature=-neon",
            target_dir: "target/m55",
        }),
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

/// Helium (MVE) multiply-accumulates in a disassembly listing
/// (`arm-none-eabi-objdump -d -m armv8.1-m.main`): `VMLADAVA`, which the
/// listing may spell `vmlava`.
pub(crate) const MVE_MACS: &[&str] = &["vmladav", "vmlav"];

/// Helium's predicated select, ReLU's on the M55 (`dispatch/mve_f32.rs`).
pub(crate) const MVE_SELECTS: &[&str] = &["vpsel"];

/// The instructions of a disassembly listing whose mnemonic starts with
/// one of `mnemonics`.
pub(crate) fn count_insns(listing: &str, mnemonics: &[&str]) -> usize {
    listing
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .any(|w| mnemonics.iter().any(|m| w.starts_with(m)))
        })
        .count()
}

/// The instructions of `elf`'s code whose mnemonic starts with one of
/// `mnemonics` (0 when the hot loop is scalar).
pub(crate) fn mve_in(elf: &Path, mnemonics: &[&str]) -> Result<usize, String> {
    let out = Command::new("arm-none-eabi-objdump")
        .args(["-d", "-m", "armv8.1-m.main", "--no-show-raw-insn"])
        .arg(elf)
        .output()
        .map_err(|e| format!("arm-none-eabi-objdump: {e}"))?;
    if !out.status.success() {
        return Err(format!("arm-none-eabi-objdump failed on {}", elf.display()));
    }
    Ok(count_insns(
        &String::from_utf8_lossy(&out.stdout),
        mnemonics,
    ))
}

#[cfg(test)]
mod tests {
    use super::{count_insns, MVE_MACS, MVE_SELECTS};

    #[test]
    fn a_helium_loop_is_seen_and_a_scalar_one_is_not() {
        let helium = "    1d82:\tvldrb.u8\tq0, [r5], #16\n    1d8a:\tvmlava.s8\tr0, q0, q1\n    1d92:\tvmladava.s8\tr2, q0, q1\n";
        assert_eq!(count_insns(helium, MVE_MACS), 2);
        let scalar = "    18a0:\tldrsb.w\tr4, [r6], #1\n    18aa:\tsmlabb\tsl, r5, r4, sl\n    1b56:\tsmlad\tsl, r0, r5, sl\n";
        assert_eq!(count_insns(scalar, MVE_MACS), 0);
        let relu = "    2a10:\tvcmp.s32\tgt, q0, r3\n    2a14:\tvpsel\tq0, q0, q1\n";
        assert_eq!(count_insns(relu, MVE_SELECTS), 1);
        let scalar_relu =
            "    2a10:\tcmp.w\tr3, #-8388608\n    2a14:\tit\tle\n    2a16:\tmovle\tr3, #0\n";
        assert_eq!(count_insns(scalar_relu, MVE_SELECTS), 0);
    }
}
