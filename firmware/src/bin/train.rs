//! On-device training from a fixed seed: XOR (2-8-1, SGD) on the Cortex-M0,
//! the 1-16-16-1 sine network (Adam) on the Cortex-M4F. Prints the loss every
//! N steps (in millionths) and a fingerprint of the final weights.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern::fingerprint as fp;
use neurokern_firmware::{exit, peak_stack, println, Ticks};

/// The same step counts as `examples/fingerprint.rs` on the host.
const XOR_STEPS: u32 = 1500;
const SINE_STEPS: u32 = 200;

#[entry]
fn main() -> ! {
    let cp = cortex_m::Peripherals::take().unwrap();
    let mut ticks = Ticks::new(cp.SYST);
    let report = |name: &str, s: u32, l: f32| {
        println!("{} step {} loss_micro {}", name, s, (l * 1e6) as u32)
    };
    if cfg!(target_abi = "eabihf") {
        let mut net = None;
        let t = ticks
            .measure(|| net = Some(fp::train_sine(SINE_STEPS, 50, |s, l| report("sine", s, l))));
        let net = net.unwrap();
        println!(
            "sine {:016x} mse_micro {}",
            fp::params(&net.params),
            (fp::sine_mse(&net) * 1e6) as u32
        );
        println!("train_ticks {} steps {}", t, SINE_STEPS);
        println!("stack {}", peak_stack());
        exit(fp::sine_mse(&net) < 0.1)
    } else {
        let mut net = None;
        let t =
            ticks.measure(|| net = Some(fp::train_xor(XOR_STEPS, 250, |s, l| report("xor", s, l))));
        let net = net.unwrap();
        let correct = fp::xor_correct(&net);
        println!("xor {:016x} correct {}", fp::params(&net.params), correct);
        println!("train_ticks {} steps {}", t, XOR_STEPS);
        println!("stack {}", peak_stack());
        exit(correct == 4)
    }
}
