//! MLPerf Tiny's anomaly detector (`ad01_int8.tflite`, 640 → 128 → … → 8 →
//! … → 640, 264,192 MACs) read in place from flash as the int8 blob
//! `neurokern-tflite convert --blob` writes, with TFLite Micro's arithmetic,
//! run on the 196 windows of the reference spectrogram. Prints the
//! fingerprint of every output (`cargo xtask mcu` compares it with the
//! host's), the instructions for all 196 inferences, and the peak stack.
//!
//! The model and the spectrogram come from `$NEUROKERN_AD01_DIR` at build
//! time (see `build.rs`); without them the program says so and fails.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern::fingerprint::ad_windows;
use neurokern::int8::{Aligned, QBlob};
use neurokern_firmware::{exit, peak_stack, print_u32, println, Ticks};

static BLOB: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/ad01.nkq")));
static FRAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ad01_frames.i8"));

#[entry]
fn main() -> ! {
    let cp = cortex_m::Peripherals::take().unwrap();
    let mut ticks = Ticks::new(cp.SYST);
    if BLOB.0.is_empty() {
        println!("ad01: no model built in (cargo xtask mcu provides it; the micro:bit's flash cannot hold it)");
        exit(false);
    }
    let blob = match QBlob::<'_, 12>::parse_with_capacity(&BLOB.0) {
        Ok(b) => b,
        Err(_) => {
            println!("ad01: blob refused");
            exit(false)
        }
    };
    let model = blob.model();
    // the quantized spectrogram, as int8 (a copy of 25.6 KB in RAM)
    let mut frames = [0i8; 200 * 128];
    for (f, &b) in frames.iter_mut().zip(FRAMES) {
        *f = b as i8;
    }
    let n = FRAMES.len().min(frames.len());
    let mut scratch = [0i8; 1280];
    let mut y = [0i8; 640];
    let mut total = 0u32;
    let result = ad_windows(&frames[..n], &mut y, |x, y| {
        let mut r = Ok(());
        total += ticks.measure(|| r = model.run(x, y, &mut scratch));
        r
    });
    let Ok((hash, windows)) = result else {
        println!("ad01: inference refused");
        exit(false)
    };
    let stack = peak_stack() as u32;
    println!("ad01 {:016x} windows {}", hash, windows);
    print_u32("ad01_inference_ticks_total", total);
    print_u32("ad01_windows", windows as u32);
    print_u32("stack", stack);
    exit(windows == 196)
}
