//! Reference workloads and fingerprints: the same numbers on every target.
//!
//! Each function here runs a fixed workload — every kernel on a fixed set of
//! inputs, or a training run from a fixed seed — and folds every output bit
//! into a 64-bit FNV-1a hash. A port (a microcontroller, a build without
//! AVX) that prints the same fingerprints as the host computes the same bits.
//! NaN results are folded as one canonical NaN, since IEEE 754 leaves the
//! payload to the hardware.
//!
//! ```
//! // the host computes these; firmware prints them; `cargo xtask mcu` compares
//! let k = neurokern::fingerprint::kernels();
//! assert_eq!(k, neurokern::fingerprint::kernels());
//! ```

use crate::activation::{Act, Activation};
use crate::mlp;
use crate::nn::init::{Init, SplitMix64};
use crate::nn::loss::Loss;
use crate::nn::optim::{Adam, Sgd};
use crate::nn::{Dense, Layer, Network, ParamSet, Trainer};

/// A 64-bit FNV-1a hash of f32 bit patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Folds one value (every NaN as `0x7fc0_0000`).
    pub fn f32(&mut self, v: f32) {
        let bits = if v.is_nan() { 0x7fc0_0000 } else { v.to_bits() };
        for b in bits.to_le_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    /// Folds a slice.
    pub fn slice(&mut self, v: &[f32]) {
        v.iter().for_each(|x| self.f32(*x));
    }
    /// Folds int8 values, one byte each.
    pub fn i8s(&mut self, v: &[i8]) {
        for &b in v {
            self.0 = (self.0 ^ u64::from(b as u8)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Log-mel bins per frame of MLPerf Tiny's anomaly-detection input.
pub const AD_BINS: usize = 128;
/// Frames per window: the model's input is 5 × 128 = 640 values.
pub const AD_FRAMES_PER_WINDOW: usize = 5;

/// MLPerf Tiny's anomaly-detection workload: window `k` of a spectrogram is
/// frames `k … k + 4` (of [`AD_BINS`] values each, already quantized to the
/// model's input) flattened; `run` infers one window into `y`, and the
/// outputs of every window, in order, are hashed (FNV-1a over the bytes).
/// Returns the hash and the number of windows (196 for the reference
/// input's 200 frames). The host and the firmware call this one function,
/// so their fingerprints can only differ through the inference.
///
/// ```
/// # use neurokern::fingerprint::ad_windows;
/// let frames = [1i8; 128 * 6];
/// let mut y = [0i8; 2];
/// let (_, n) = ad_windows(&frames, &mut y, |x, y| { y[0] = x[0]; Ok::<(), ()>(()) }).unwrap();
/// assert_eq!(n, 2);
/// ```
///
/// # Errors
/// The first error `run` returns.
pub fn ad_windows<E>(
    frames: &[i8],
    y: &mut [i8],
    mut run: impl FnMut(&[i8], &mut [i8]) -> Result<(), E>,
) -> Result<(u64, usize), E> {
    let mut h = Fnv::default();
    let n = (frames.len() / AD_BINS).saturating_sub(AD_FRAMES_PER_WINDOW - 1);
    for k in 0..n {
        run(
            &frames[k * AD_BINS..(k + AD_FRAMES_PER_WINDOW) * AD_BINS],
            y,
        )?;
        h.i8s(y);
    }
    Ok((h.0, n))
}

/// Number of inputs in the kernel workload.
pub const INPUTS: usize = 1024;

/// The `i`-th input of the kernel workload: special values first (±0, ±∞,
/// NaN, subnormals, extremes, saturation edges), then a dense sweep of
/// [−120, 120) and of [−2, 2).
pub fn input(i: usize) -> f32 {
    const SPECIAL: [f32; 24] = [
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        1.0e-45,
        -1.0e-45,
        f32::MAX,
        f32::MIN,
        f32::EPSILON,
        0.549_306_1,
        -0.549_306_1,
        9.010_913,
        -9.010_913,
        16.635_532,
        -16.635_532,
        -87.336_55,
        -100.0,
        -103.972_08,
        -104.0,
        110.0,
        -110.0,
    ];
    if i < SPECIAL.len() {
        SPECIAL[i]
    } else if i < 512 {
        -120.0 + (i - SPECIAL.len()) as f32 * (240.0 / 488.0)
    } else {
        -2.0 + (i - 512) as f32 * (4.0 / 512.0)
    }
}

/// Every activation's forward, derivative, derivative from the output and
/// fused backward pass over [`INPUTS`] fixed inputs, hashed.
pub fn kernels() -> u64 {
    let mut h = Fnv::default();
    let mut x = [0.0f32; 64];
    let mut y = [0.0f32; 64];
    let mut d = [0.0f32; 64];
    // every activation of the table, and the parameters' other signs
    let extra = [Act::LeakyRelu(-0.5), Act::Elu(-0.75)];
    for act in Act::ALL.into_iter().chain(extra) {
        for chunk in 0..INPUTS / 64 {
            for (k, v) in x.iter_mut().enumerate() {
                *v = input(chunk * 64 + k);
            }
            act.forward(&x, &mut y);
            h.slice(&y);
            act.derivative(&x, &mut d);
            h.slice(&d);
            if act.has_derivative_from_output() {
                act.derivative_from_output(&y, &mut d);
                h.slice(&d);
            }
            act.backward(&x, &y, &mut d);
            h.slice(&d);
            // a slice that is not a multiple of the SIMD width
            act.forward(&x[..61], &mut y[..61]);
            h.slice(&y[..61]);
        }
    }
    h.0
}

/// The hash of every parameter of a set, in canonical order.
pub fn params<P: ParamSet>(p: &P) -> u64 {
    let mut h = Fnv::default();
    p.for_each(&mut |s| h.slice(s));
    h.0
}

/// The XOR network of the examples: 2 → 8 (tanh) → 1 (logit).
pub type Xor = mlp![Dense<2, 8>, Dense<8, 1>];

/// Trains XOR from seed 42 with SGD (lr 0.5, full batch, BCE on logits):
/// calls `report(step, loss)` every `every` steps (`every = 0`: only after
/// the last step), returns the network.
pub fn train_xor(steps: u32, every: u32, mut report: impl FnMut(u32, f32)) -> Network<Xor> {
    const XS: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    const TS: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];
    let mut net = Network::<Xor>::new(mlp![Dense::new(Act::Tanh), Dense::new(Act::Identity)]);
    net.init(Init::Auto, &mut SplitMix64::new(42));
    let mut t = Trainer::<Xor, Sgd>::new(Sgd { lr: 0.5 }, Loss::BceWithLogits);
    for step in 0..steps {
        let loss = t.step(&mut net, &XS, &TS).unwrap_or(f32::NAN);
        if reports(step, every, steps) {
            report(step, loss);
        }
    }
    net
}

/// Whether step `step` of `steps` is reported: every `every`-th and the
/// last (`every = 0` reports only the last; a `%` by zero would panic).
fn reports(step: u32, every: u32, steps: u32) -> bool {
    step.checked_rem(every) == Some(0) || step + 1 == steps
}

/// How many of the four XOR cases `net` gets right.
pub fn xor_correct(net: &Network<Xor>) -> usize {
    [
        ([0.0, 0.0], false),
        ([0.0, 1.0], true),
        ([1.0, 0.0], true),
        ([1.0, 1.0], false),
    ]
    .iter()
    .filter(|(x, t)| {
        let mut z = [0.0f32];
        net.forward(x, &mut z);
        (z[0] > 0.0) == *t
    })
    .count()
}

/// The sine network of the examples: 1 → 16 (tanh) → 16 (tanh) → 1.
pub type Sine = mlp![Dense<1, 16>, Dense<16, 16>, Dense<16, 1>];

/// The sine network's input for angle `x`: `x/π − 1`.
pub fn sine_input(x: f32) -> [f32; 1] {
    [x / core::f32::consts::PI - 1.0]
}

/// Trains the sine network from seed 7 with Adam (lr 0.01), mini-batches of
/// 16 angles drawn from a fixed generator (targets from `libm::sinf`): calls
/// `report(step, loss)` every `every` steps (`every = 0`: only after the
/// last step), returns the network.
pub fn train_sine(steps: u32, every: u32, mut report: impl FnMut(u32, f32)) -> Network<Sine> {
    let mut net = Network::<Sine>::new(mlp![
        Dense::new(Act::Tanh),
        Dense::new(Act::Tanh),
        Dense::new(Act::Identity)
    ]);
    net.init(Init::Auto, &mut SplitMix64::new(7));
    let mut t = Trainer::<Sine, Adam>::new(Adam::new(0.01), Loss::Mse);
    let mut rng = SplitMix64::new(7 ^ 0x5eed);
    let (mut xs, mut ts) = ([[0.0f32]; 16], [[0.0f32]; 16]);
    for step in 0..steps {
        for (x, t) in xs.iter_mut().zip(ts.iter_mut()) {
            let a = crate::nn::init::uniform(&mut rng) * core::f32::consts::TAU;
            *x = sine_input(a);
            *t = [libm::sinf(a)];
        }
        let loss = t.step(&mut net, &xs, &ts).unwrap_or(f32::NAN);
        if reports(step, every, steps) {
            report(step, loss);
        }
    }
    net
}

/// Mean squared error of the sine network over 64 angles of [0, 2π].
pub fn sine_mse<L: Layer<Input = [f32; 1], Output = [f32; 1]>>(net: &Network<L>) -> f32 {
    let mut sum = 0.0f32;
    for k in 0..64 {
        let x = k as f32 / 63.0 * core::f32::consts::TAU;
        let mut y = [0.0f32];
        net.forward(&sine_input(x), &mut y);
        let e = y[0] - libm::sinf(x);
        sum += e * e;
    }
    sum / 64.0
}

/// `sin(x)` from libm: the reference the firmware checks its sine network
/// against (so firmware programs need no maths library of their own).
pub fn reference_sin(x: f32) -> f32 {
    libm::sinf(x)
}

/// The int8 fully connected layer over shapes that reach every path of
/// every body — one to three columns past a multiple of four, rows past a
/// multiple of four and of the 64-row chunk, inputs wider than the DSP
/// body's 256-column block — with both arithmetics, one multiplier or one
/// per row (shifts of every form, left shifts included), zero points at
/// both ends and the clamps of no activation, ReLU and ReLU6, hashed. The
/// values come from a fixed seed; 3 KB of weights at most, so it runs on
/// a Cortex-M0 with 16 KB of RAM.
pub fn int8_layers() -> u64 {
    use crate::int8::{fold_bias, Arithmetic, FullyConnected, Multiplier, Quant};
    use rand_core::RngCore;
    const SHAPES: [(usize, usize); 20] = [
        (1, 16),
        (2, 5),
        (3, 7),
        (4, 4),
        (5, 3),
        (7, 9),
        (8, 65),
        (15, 2),
        (16, 16),
        (17, 66),
        (20, 130),
        (31, 3),
        (33, 70),
        (64, 1),
        (100, 30),
        (255, 11),
        (256, 12),
        (257, 10),
        (300, 9),
        (513, 5),
    ];
    let mut h = Fnv::default();
    let mut rng = SplitMix64::new(0x0001_e81a_7e75);
    let mut w = [0i8; 3072];
    let mut x = [0i8; 513];
    let mut b = [0i32; 130];
    let mut folded = [0i32; 130];
    let mut m = [[0i32; 2]; 130];
    let mut s = [0f32; 130];
    let mut y = [0i8; 130];
    // int8 at both ends as often as not
    let byte = |rng: &mut SplitMix64| match rng.next_u64() % 8 {
        0 => -128,
        1 => 127,
        r => (rng.next_u64() >> (56 + r % 2)) as i8,
    };
    for (k, &(fan_in, rows)) in SHAPES.iter().enumerate() {
        for v in w[..fan_in * rows].iter_mut().chain(&mut x[..fan_in]) {
            *v = byte(&mut rng);
        }
        for v in &mut b[..rows] {
            *v = (rng.next_u64() >> 40) as i32 - (1 << 23);
        }
        for (v, sc) in m[..rows].iter_mut().zip(&mut s[..rows]) {
            // reals from 2^-33 to 2^3: every form of the requantization
            let e = (rng.next_u64() % 37) as i32 - 33;
            let real = (1.0 + (rng.next_u64() % 1000) as f64 / 1000.0) * libm::exp2(e as f64);
            *v = Multiplier::from_real(real).pair();
            *sc = real as f32;
        }
        let zp_in = [0, -128, 127, -5][k % 4];
        let zp_out = [0, 127, -128, 9][(k / 2) % 4];
        fold_bias(&w[..fan_in * rows], &b[..rows], zp_in, &mut folded[..rows]);
        let clamps = [(-128, 127), (zp_out.max(-128) as i8, 127), (-128, 40)];
        for arithmetic in Arithmetic::ALL {
            for per_channel in [false, true] {
                for clamp in clamps {
                    let n = if per_channel { rows } else { 1 };
                    let fc = FullyConnected {
                        fan_in,
                        fan_out: rows,
                        weights: &w[..fan_in * rows],
                        folded_bias: &folded[..rows],
                        weight_scales: &s[..n],
                        input: Quant::new(1.0, zp_in),
                        output: Quant::new(1.0, zp_out),
                        multipliers: &m[..n],
                        clamp,
                        arithmetic,
                    };
                    fc.run(&x[..fan_in], &mut y[..rows]);
                    h.i8s(&y[..rows]);
                }
            }
        }
    }
    h.0
}
