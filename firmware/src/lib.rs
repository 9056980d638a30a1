//! Board support shared by the firmware programs: output and exit through
//! semihosting, instruction counting with SysTick, peak stack by painting.
//!
//! Under QEMU with `-icount shift=0` every instruction takes one nanosecond
//! of virtual time; the MPS2 SysTick counts the 25 MHz core clock, so one
//! tick is 40 instructions: an exact, repeatable count.
#![no_std]
#![deny(unsafe_code)]

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::SYST;
pub use cortex_m_semihosting::hprintln as println;

/// Instructions per SysTick tick on the MPS2 AN386 under `-icount shift=0`.
pub const INSNS_PER_TICK: u32 = 40;

/// Ends the program through semihosting with success or failure.
pub fn exit(ok: bool) -> ! {
    use cortex_m_semihosting::debug;
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

/// A free-running SysTick counter.
pub struct Ticks(SYST);

impl Ticks {
    /// Takes SysTick and starts it counting down from 2^24 − 1 on the core clock.
    pub fn new(mut syst: SYST) -> Self {
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(0x00ff_ffff);
        syst.clear_current();
        syst.enable_counter();
        Ticks(syst)
    }

    /// Runs `f` and returns the ticks it took (at most 2^24 − 1: keep each
    /// measured piece under 670 million instructions).
    pub fn measure(&mut self, f: impl FnOnce()) -> u32 {
        self.0.clear_current();
        let start = SYST::get_current();
        f();
        let end = SYST::get_current();
        start.wrapping_sub(end) & 0x00ff_ffff
    }
}

/// Bytes of stack used so far: cortex-m-rt's `paint-stack` fills the stack
/// with 0xCCCCCCCC at reset; the deepest word that changed marks the peak.
#[allow(unsafe_code)]
pub fn peak_stack() -> usize {
    extern "C" {
        static _stack_start: u32;
        static __ebss: u32;
    }
    let top = core::ptr::addr_of!(_stack_start) as usize;
    let bottom = (core::ptr::addr_of!(__ebss) as usize + 3) & !3;
    let mut a = bottom;
    while a < top {
        // SAFETY: `a` is a word-aligned address between the end of .bss and
        // the initial stack pointer: RAM this program owns, which the
        // runtime painted at reset. A volatile read of it has no side effect.
        let v = unsafe { core::ptr::read_volatile(a as *const u32) };
        if v != 0xcccc_cccc {
            break;
        }
        a += 4;
    }
    top - a
}

/// sin(a) for a in [0, 2π], within ~1e−9: the sine programs' reference,
/// only used to check the answer (outside the timing). `libm::sinf` would do,
/// but its large-argument reduction, inlined into it, reserves ~800 B of
/// stack on every call, which would hide the inference's own peak.
#[inline(never)]
pub fn reference_sin(a: f32) -> f32 {
    use core::f64::consts::{FRAC_PI_2, PI};
    // to [−π, π], then to [−π/2, π/2] by sin(π − t) = sin(t)
    let mut t = f64::from(a);
    if t > PI {
        t -= 2.0 * PI;
    }
    if t > FRAC_PI_2 {
        t = PI - t;
    } else if t < -FRAC_PI_2 {
        t = -PI - t;
    }
    // Taylor series to t^15: the first omitted term is below 2e−10 there
    let t2 = t * t;
    let mut term = t;
    let mut sum = t;
    for k in 1..8 {
        let k = f64::from(2 * k);
        term *= -t2 / (k * (k + 1.0));
        sum += term;
    }
    sum as f32
}

/// Prints `label value` and a newline through semihosting without
/// `core::fmt`: the formatting machinery behind `println!` takes ~700 B of
/// stack on a Cortex-M, more than the network it would report on. The
/// `sine` programs print with this, so their peak stack is the inference's.
pub fn print_u32(label: &str, value: u32) {
    let mut line = [0u8; 64];
    let n = label.len().min(line.len() - 12);
    line[..n].copy_from_slice(&label.as_bytes()[..n]);
    line[n] = b' ';
    let mut at = n + 1;
    let mut digits = [0u8; 10];
    let (mut k, mut v) = (0, value);
    loop {
        digits[k] = b'0' + (v % 10) as u8;
        k += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    while k > 0 {
        k -= 1;
        line[at] = digits[k];
        at += 1;
    }
    line[at] = b'\n';
    if let Ok(mut out) = cortex_m_semihosting::hio::hstdout() {
        // a failed write has nowhere to be reported; the xtask then finds
        // the line missing
        let _ = out.write_all(&line[..=at]);
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    println!("panic: {}", info);
    exit(false)
}

/// The sine network's weights, trained on the host by
/// `cargo run --release --example export_sine_blob` (the crate's blob format).
pub const SINE_BLOB: &[u8] = include_bytes!("../data/sine.nkb");

use neurokern::fingerprint::Sine;
use neurokern::mlp;
use neurokern::nn::{flash, Dense, Network};

/// The sine network decoded from [`SINE_BLOB`] by the compiler: a `static`
/// in flash, so inference needs only its activations on the stack. A
/// malformed blob fails the build.
pub static SINE_NET: Network<Sine> = Network::with_params(
    mlp![
        Dense::new(flash::activation(SINE_BLOB, 0)),
        Dense::new(flash::activation(SINE_BLOB, 1)),
        Dense::new(flash::activation(SINE_BLOB, 2))
    ],
    (
        flash::dense::<1, 16>(SINE_BLOB, 0),
        (
            flash::dense::<16, 16>(SINE_BLOB, 1),
            flash::dense::<16, 1>(SINE_BLOB, 2),
        ),
    ),
);
