//! Prints the reference fingerprints that the firmware prints on Cortex-M0 and
//! Cortex-M4F (`cargo xtask mcu` compares them, and also runs this example
//! built without AVX).
//!
//! `cargo run --release --example fingerprint`

use neurokern::fingerprint as fp;

/// Training steps of the firmware's `train` programs.
const XOR_STEPS: u32 = 1500;
const SINE_STEPS: u32 = 200;

fn main() {
    println!("kernels {:016x}", fp::kernels());
    let xor = fp::train_xor(XOR_STEPS, 250, |s, l| println!("xor step {s} loss {l:.6}"));
    println!(
        "xor {:016x} correct {}",
        fp::params(&xor.params),
        fp::xor_correct(&xor)
    );
    let sine = fp::train_sine(SINE_STEPS, 50, |s, l| println!("sine step {s} loss {l:.6}"));
    println!(
        "sine {:016x} mse {:.6}",
        fp::params(&sine.params),
        fp::sine_mse(&sine)
    );
}
