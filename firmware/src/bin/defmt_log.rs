//! neurokern's types logged with defmt (feature `defmt`): an activation, a
//! blob error and a training error, encoded as defmt frames on semihosting
//! (decode them with `defmt-print -e <this elf>`). `cargo xtask mcu` builds
//! and runs it on the M4F and checks that frames were written.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use defmt_semihosting as _; // the global logger
use neurokern::activation::Act;
use neurokern::fingerprint::Sine;
use neurokern::nn::Network;
use neurokern_firmware::exit;

#[entry]
fn main() -> ! {
    defmt::println!("activation {}", Act::LeakyRelu(0.01));
    let ok = match Network::<Sine>::from_bytes(b"NKRN") {
        Err(e) => {
            defmt::println!("blob refused: {}", e);
            true
        }
        Ok(_) => false,
    };
    defmt::println!("every activation: {}", Act::ALL);
    exit(ok)
}
