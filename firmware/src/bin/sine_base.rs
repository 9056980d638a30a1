//! The `sine` program without the network: the same start-up, timing,
//! reference sine and printing, so that `sine` minus `sine_base` is what
//! neurokern adds to flash (kernels, network code and weights).
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern_firmware::{exit, peak_stack, println, Ticks};

#[entry]
fn main() -> ! {
    let cp = cortex_m::Peripherals::take().unwrap();
    let mut ticks = Ticks::new(cp.SYST);
    let (mut total, mut se) = (0u32, 0.0f32);
    for k in 0..64 {
        let a = k as f32 / 63.0 * core::f32::consts::TAU;
        let mut y = [0.0f32];
        total += ticks.measure(|| y[0] = core::hint::black_box(a));
        let e = y[0] - neurokern::fingerprint::reference_sin(a);
        se += e * e;
    }
    let mse_micro = core::hint::black_box((se / 64.0 * 1e6) as u32);
    println!("sine_mse_micro {}", mse_micro);
    println!("sine_inference_ticks_x64 {}", total);
    println!("stack {}", peak_stack());
    exit(true)
}
