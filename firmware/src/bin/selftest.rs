//! Runs every kernel and derivative of the crate over the fixed inputs of
//! `neurokern::fingerprint` and prints the hash of all output bits.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern_firmware::{exit, peak_stack, println};

#[entry]
fn main() -> ! {
    println!("kernels {:016x}", neurokern::fingerprint::kernels());
    println!("stack {}", peak_stack());
    exit(true)
}
