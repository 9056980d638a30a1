//! Runs every kernel and derivative of the crate over the fixed inputs of
//! `neurokern::fingerprint`, and the int8 fully connected layer over shapes
//! that reach every path of its body, and prints the hashes of all output
//! bits.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern_firmware::{exit, peak_stack, println};

#[entry]
fn main() -> ! {
    println!("kernels {:016x}", neurokern::fingerprint::kernels());
    println!("int8 {:016x}", neurokern::fingerprint::int8_layers());
    println!("stack {}", peak_stack());
    exit(true)
}
