//! Instructions per element of every activation and derivative (the
//! microcontroller's "exponentials versus ReLU"), of the int8 σ, tanh, ReLU
//! and leaky ReLU (`neurokern::int8`: what a TFLite int8 model runs), per
//! inference of the sine network and per training step, counted with
//! SysTick under QEMU's
//! `-icount shift=0` (one tick = 40 instructions on the MPS2 AN386, 62.5 on
//! the micro:bit), calibrated first with a delay loop of known length.
#![no_std]
#![no_main]

use core::hint::black_box;
use cortex_m_rt::entry;
use neurokern::activation::{self as a, Act, Activation};
use neurokern::fingerprint::{sine_input, Sine};
use neurokern::int8::{Fused, LeakyRelu, Lut, LutKind, Quant};
use neurokern::nn::{loss::Loss, optim::Sgd, Network, Trainer};
use neurokern_firmware::{exit, peak_stack, println, Ticks, SINE_BLOB, SINE_NET};

const N: usize = 512;
/// `cortex_m::asm::delay(n)` runs `subs; bne` n + 1 times: 2n + 2 instructions.
const CALIBRATION: u32 = 500_000;

type SliceFn = fn(&[f32], &mut [f32]);

#[inline(never)]
fn naive_relu(x: &[f32], y: &mut [f32]) {
    for (a, b) in x.iter().zip(y.iter_mut()) {
        *b = a.max(0.0);
    }
}

#[entry]
fn main() -> ! {
    let cp = cortex_m::Peripherals::take().unwrap();
    let mut ticks = Ticks::new(cp.SYST);
    let t = ticks.measure(|| cortex_m::asm::delay(CALIBRATION));
    println!("calibrate ticks {} instructions {}", t, 2 * CALIBRATION + 2);
    let mut x = [0.0f32; N];
    for (i, v) in x.iter_mut().enumerate() {
        *v = (i as f32 / N as f32 - 0.5) * 16.0;
    }
    let mut y = [0.0f32; N];
    // every activation of the crate's table, forward and derivative
    for act in Act::ALL {
        for (suffix, derivative) in [("", false), ("_derivative", true)] {
            let f = |x: &[f32], y: &mut [f32]| {
                if derivative {
                    act.derivative(x, y)
                } else {
                    act.forward(x, y)
                }
            };
            f(&x, &mut y);
            let t = ticks.measure(|| f(black_box(&x), black_box(&mut y)));
            println!("cost {}{} ticks {} elements {}", act.name(), suffix, t, N);
        }
    }
    let cases: [(&str, SliceFn); 2] = [
        (
            "sigmoid_derivative_from_output",
            a::sigmoid_derivative_from_output,
        ),
        ("naive_relu_max", naive_relu),
    ];
    for (name, f) in cases {
        f(&x, &mut y);
        let t = ticks.measure(|| f(black_box(&x), black_box(&mut y)));
        println!("cost {} ticks {} elements {}", name, t, N);
    }
    // int8, on the same inputs quantized in steps of 1/16 (the harness's
    // `INT8_INPUT`): σ and tanh are a table, ReLU the clamp TFLite fuses into
    // the layer before it, leaky ReLU two fixed-point multipliers
    let q = Quant::new(0.0625, 0);
    let mut xq = [0i8; N];
    q.quantize_slice(&x, &mut xq);
    let mut yq = [0i8; N];
    let (sig, tanh) = (LutKind::Logistic.table(q), LutKind::Tanh.table(q));
    let lut = |kind, table| Lut {
        kind,
        width: N,
        input: q,
        table,
    };
    let (sig, tanh) = (lut(LutKind::Logistic, &sig), lut(LutKind::Tanh, &tanh));
    let leaky = LeakyRelu::new(N, 0.01, q, q);
    // (the clamp's upper end is 127: only the zero point bounds it)
    let (lo, _) = Fused::Relu.range(q);
    let relu = |x: &[i8], y: &mut [i8]| {
        for (y, &x) in y.iter_mut().zip(x) {
            *y = x.max(lo);
        }
    };
    let int8: [(&str, &dyn Fn(&[i8], &mut [i8])); 4] = [
        ("sigmoid_int8", &|x, y| sig.run(x, y)),
        ("tanh_int8", &|x, y| tanh.run(x, y)),
        ("relu_int8", &relu),
        ("leaky_relu_int8", &|x, y| leaky.run(x, y)),
    ];
    for (name, f) in int8 {
        f(&xq, &mut yq);
        let t = ticks.measure(|| f(black_box(&xq), black_box(&mut yq)));
        println!("cost {} ticks {} elements {}", name, t, N);
    }
    let net = Network::<Sine>::from_bytes(SINE_BLOB).unwrap();
    assert!(
        net == SINE_NET,
        "the run-time and the compile-time decoders disagree"
    );
    let input = sine_input(1.0);
    let mut out = [0.0f32];
    let t = ticks.measure(|| net.forward(black_box(&input), &mut out));
    println!("cost inference ticks {} elements 1", t);
    let mut train_net = net;
    let mut trainer = Trainer::<Sine, Sgd>::new(Sgd { lr: 0.01 }, Loss::Mse);
    let (xs, ts) = ([input], [[0.84f32]]);
    let t = ticks.measure(|| {
        let _ = trainer.step(&mut train_net, black_box(&xs), black_box(&ts));
    });
    println!("cost train_step ticks {} elements 1", t);
    println!("stack {}", peak_stack());
    exit(true)
}
