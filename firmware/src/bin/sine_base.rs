//! The `sine` program without the network: the same start-up, timing,
//! reference sine and printing, so that `sine` minus `sine_base` is what
//! neurokern adds to flash (kernels, network code and weights).
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern_firmware::{exit, peak_stack, print_u32, Ticks};

#[entry]
fn main() -> ! {
    let cp = cortex_m::Peripherals::take().unwrap();
    let mut ticks = Ticks::new(cp.SYST);
    let (mut total, mut se) = (0u32, 0.0f32);
    for k in 0..64 {
        let a = k as f32 / 63.0 * core::f32::consts::TAU;
        let mut y = [0.0f32];
        total += ticks.measure(|| y[0] = core::hint::black_box(a));
        let e = y[0] - neurokern_firmware::reference_sin(a);
        se += e * e;
    }
    // the peak so far: start-up, timing and inference, before the first
    // semihosting call (whose machinery takes ~870 B of stack on its own)
    let stack = peak_stack() as u32;
    let mse_micro = core::hint::black_box((se / 64.0 * 1e6) as u32);
    print_u32("sine_mse_micro", mse_micro);
    print_u32("sine_inference_ticks_x64", total);
    print_u32("stack", stack);
    exit(true)
}
