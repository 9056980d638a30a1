//! The sine network of `sine`, quantized to int8 (`neurokern::int8`, the
//! static model of `sine_int8.rs` in flash): integer inference only, the
//! quantization of the input and the dequantization of the output outside
//! the timing. Prints the squared error (in millionths) over the same 64
//! angles and the instructions per inference.
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use neurokern::fingerprint::sine_input;
use neurokern::int8::QModel;
use neurokern_firmware::sine_int8::{SINE_INT8_INPUT, SINE_INT8_LAYERS, SINE_INT8_OUTPUT};
use neurokern_firmware::{exit, peak_stack, print_u32, reference_sin, Ticks};

#[entry]
fn main() -> ! {
    let cp = cortex_m::Peripherals::take().unwrap();
    let mut ticks = Ticks::new(cp.SYST);
    let Ok(model) = QModel::new(SINE_INT8_INPUT, SINE_INT8_OUTPUT, &SINE_INT8_LAYERS) else {
        exit(false)
    };
    let mut scratch = [0i8; 32];
    let (mut total, mut se) = (0u32, 0.0f32);
    for k in 0..64 {
        let a = k as f32 / 63.0 * core::f32::consts::TAU;
        let x = [SINE_INT8_INPUT.quantize(sine_input(a)[0])];
        let mut y = [0i8];
        let mut ok = true;
        total += ticks.measure(|| ok = model.run(&x, &mut y, &mut scratch).is_ok());
        if !ok {
            exit(false);
        }
        let e = SINE_INT8_OUTPUT.dequantize(y[0]) - reference_sin(a);
        se += e * e;
    }
    let stack = peak_stack() as u32;
    let mse_micro = (se / 64.0 * 1e6) as u32;
    print_u32("sine_mse_micro", mse_micro);
    print_u32("sine_int8_inference_ticks_x64", total);
    print_u32("stack", stack);
    exit(mse_micro < 1000)
}
