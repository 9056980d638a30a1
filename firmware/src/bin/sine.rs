//! Inference of the 1-16-16-1 tanh sine network trained on the host, its
//! weights embedded in the crate's blob format and decoded by the compiler
//! into a `static` in flash (`nn::flash`), so the weights never touch the
//! stack. Prints the squared error (in millionths) over 64 angles and the
//! instructions per inference.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern::fingerprint::sine_input;
use neurokern_firmware::{exit, peak_stack, print_u32, reference_sin, Ticks, SINE_NET};

#[entry]
fn main() -> ! {
    let cp = cortex_m::Peripherals::take().unwrap();
    let mut ticks = Ticks::new(cp.SYST);
    let net = &SINE_NET;
    let (mut total, mut se) = (0u32, 0.0f32);
    for k in 0..64 {
        let a = k as f32 / 63.0 * core::f32::consts::TAU;
        let x = sine_input(a);
        let mut y = [0.0f32];
        total += ticks.measure(|| net.forward(&x, &mut y));
        // the reference, outside the timing
        let e = y[0] - reference_sin(a);
        se += e * e;
    }
    // the peak so far: start-up, timing and inference, before the first
    // semihosting call (whose machinery takes ~870 B of stack on its own)
    let stack = peak_stack() as u32;
    let mse_micro = (se / 64.0 * 1e6) as u32;
    print_u32("sine_mse_micro", mse_micro);
    print_u32("sine_inference_ticks_x64", total);
    print_u32("stack", stack);
    exit(mse_micro < 1000)
}
