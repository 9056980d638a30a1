//! Inference of the 1-16-16-1 tanh sine network trained on the host, its
//! weights embedded in the crate's blob format and decoded by the compiler
//! into a `static` in flash (`nn::flash`), so the weights never touch the
//! stack. Prints the squared error (in millionths) over 64 angles and the
//! instructions per inference.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern::fingerprint::sine_input;
use neurokern_firmware::{exit, peak_stack, println, Ticks, SINE_NET};

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
        let e = y[0] - libm_sin(a);
        se += e * e;
    }
    let mse_micro = (se / 64.0 * 1e6) as u32;
    println!("sine_mse_micro {}", mse_micro);
    println!("sine_inference_ticks_x64 {}", total);
    println!("stack {}", peak_stack());
    exit(mse_micro < 1000)
}

fn libm_sin(a: f32) -> f32 {
    // the reference value; only used to check the answer, outside the timing
    neurokern::fingerprint::reference_sin(a)
}
