//! `cargo xtask <task>`: automation for neurokern, in Rust.
//!
//! * `mcu`: builds the firmware for Cortex-M0 (`thumbv6m-none-eabi`, BBC
//!   micro:bit) and Cortex-M4F (`thumbv7em-none-eabihf`, MPS2 AN386), runs
//!   every program in QEMU, checks exit codes and that the fingerprints equal
//!   the host's (with and without AVX), and writes a report.
//! * `ffi`: builds the C ABI (`ffi/`), compiles `ffi/tests/c/*.c` with gcc
//!   (`-std=c99 -Wall -Wextra -Werror`, then with ASan and UBSan) against
//!   expected values computed here by the Rust crate, and runs them.
//! * `fingerprints`: the host's fingerprints on every body (used by `mcu`
//!   for its baseline build).
//! * `peers [--quick]`: times the kernels against tract-linalg, `wide`, std
//!   and libm, as a default and as a native build (`peers/`, not in CI).

mod ad01;
mod boards;
mod defmt_check;
mod ffi;
mod fingerprints;
mod mcu;
mod mcu_report;
mod peers;
mod riscv;
mod toolchain;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("mcu") => match mcu::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("xtask mcu: {e}");
                ExitCode::FAILURE
            }
        },
        Some("ffi") => match ffi::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("xtask ffi: {e}");
                ExitCode::FAILURE
            }
        },
        Some("fingerprints") => match fingerprints::print_all() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("xtask fingerprints: {e}");
                ExitCode::FAILURE
            }
        },
        Some("peers") => match peers::run(&args[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("xtask peers: {e}");
                ExitCode::FAILURE
            }
        },
        Some("-h" | "--help") | None => {
            println!("usage: cargo xtask mcu    build, run and measure the firmware under QEMU");
            println!("       cargo xtask ffi    build the C ABI, test it with gcc (and sanitizers) and on a Cortex-M4F");
            println!("       cargo xtask peers  time the kernels against tract, wide, std and libm (default and native builds) [--quick]");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("xtask: unknown task {other:?}; try `cargo xtask --help`");
            ExitCode::from(2)
        }
    }
}
