//! neurokern on a 32-bit RISC-V core under QEMU (`virt`): the kernel
//! fingerprint, on-device training (XOR with SGD without an FPU, the sine
//! network with Adam with one) and instructions per element (every
//! activation, and the int8 σ, tanh, ReLU and leaky ReLU), counted
//! exactly by the `minstret` CSR under `-icount shift=0`.
#![no_std]
#![no_main]

use core::hint::black_box;
use neurokern::activation::{Act, Activation};
use neurokern::fingerprint as fp;
use neurokern::int8::{Fused, LeakyRelu, Lut, LutKind, Quant};
use riscv_semihosting::{debug, hprintln};

const N: usize = 512;

/// Instructions retired by `f`.
fn instructions(f: impl FnOnce()) -> u64 {
    let start = riscv::register::minstret::read64();
    f();
    riscv::register::minstret::read64() - start
}

#[riscv_rt::entry]
fn main() -> ! {
    hprintln!("kernels {:016x}", fp::kernels());
    hprintln!("int8 {:016x}", fp::int8_layers());
    let hard_float = cfg!(hard_float);
    let ok = if hard_float {
        let net = fp::train_sine(200, 0, |_, _| {});
        hprintln!("sine {:016x}", fp::params(&net.params));
        fp::sine_mse(&net) < 0.1
    } else {
        let net = fp::train_xor(1500, 0, |_, _| {});
        let correct = fp::xor_correct(&net);
        hprintln!("xor {:016x} correct {}", fp::params(&net.params), correct);
        correct == 4
    };
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
            let n = instructions(|| f(black_box(&x), black_box(&mut y)));
            hprintln!(
                "cost {}{} instructions {} elements {}",
                act.name(),
                suffix,
                n,
                N
            );
        }
    }
    // int8, on the same inputs quantized in steps of 1/16 (as the Cortex-M
    // `cost` program and the harness): σ and tanh a table, ReLU the clamp
    // fused into a layer, leaky ReLU two fixed-point multipliers
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
        let n = instructions(|| f(black_box(&xq), black_box(&mut yq)));
        hprintln!("cost {} instructions {} elements {}", name, n, N);
    }
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}
