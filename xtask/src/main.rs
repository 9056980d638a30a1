//! `cargo xtask <task>`: automation for neurokern, in Rust.
//!
//! * `mcu`: builds the firmware for Cortex-M0 (`thumbv6m-none-eabi`, BBC
//!   micro:bit) and Cortex-M4F (`thumbv7em-none-eabihf`, MPS2 AN386), runs
//!   every program in QEMU, checks exit codes and that the fingerprints equal
//!   the host's (with and without AVX), and writes a report.

mod mcu;

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
        Some("-h" | "--help") | None => {
            println!("usage: cargo xtask mcu    build, run and measure the firmware under QEMU");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("xtask: unknown task {other:?}; try `cargo xtask --help`");
            ExitCode::from(2)
        }
    }
}
