//! `cost`: what an exponential costs against ReLU.
//!
//! For each activation and derivative, four implementations — this crate's
//! SIMD kernel, its scalar path (the `_scalar` function in a loop), libm, and
//! the naive std formula — at an L1-, an L2- and a DRAM-sized buffer. Each
//! cell is the median of repeated timed passes (with min and max), in
//! ns/element, elements/s, elements per cycle (clock from
//! [`calibrate_ghz`]), and the ratio to this crate's ReLU at the same size.
//!
//! σ, tanh, ReLU and leaky ReLU also have an `int8` implementation: the
//! [`neurokern::int8`] kernels TFLite's int8 models run, on inputs quantized
//! with [`INT8_INPUT`] — σ and tanh become a 256-entry table, ReLU the clamp
//! a fully connected layer fuses, leaky ReLU two fixed-point multipliers.
//! An int8 element is one byte, so its buffers are a quarter of the f32 ones.

use neurokern::activation::Activation;
use neurokern::int8::{Fused, LeakyRelu, Lut, LutKind, Quant};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

/// One implementation of one function, over slices.
pub type SliceFn = fn(&[f32], &mut [f32]);

/// One int8 implementation over slices (inputs quantized with [`INT8_INPUT`]).
pub type I8Fn = Box<dyn Fn(&[i8], &mut [i8])>;

/// An implementation: on f32 elements or on int8 ones.
pub enum Kernel {
    /// f32 in, f32 out.
    F32(SliceFn),
    /// int8 in, int8 out.
    I8(I8Fn),
}

/// A function and its implementations.
pub struct Subject {
    /// The function's name (`sigmoid`, `tanh_derivative`, …).
    pub name: &'static str,
    /// (variant name, implementation): `simd`, `scalar`, and where a
    /// naive formula exists, `libm` and `std`; `int8` for σ, tanh, ReLU and
    /// leaky ReLU.
    pub variants: Vec<(&'static str, Kernel)>,
}

/// The quantization of the int8 inputs: [−8, 8) in 256 steps of 1/16, the
/// same spread as the f32 inputs ([`input`]).
pub const INT8_INPUT: Quant = Quant::new(0.0625, 0);

/// The int8 implementation of `name`, where there is one.
fn int8(name: &str) -> Option<I8Fn> {
    let q = INT8_INPUT;
    let table = |kind: LutKind| -> I8Fn {
        let table = kind.table(q);
        Box::new(move |x: &[i8], y: &mut [i8]| {
            Lut {
                kind,
                width: x.len(),
                input: q,
                table: &table,
            }
            .run(x, y)
        })
    };
    Some(match name {
        "sigmoid" => table(LutKind::Logistic),
        "tanh" => table(LutKind::Tanh),
        "relu" => {
            // what ReLU costs in a TFLite int8 model: the clamp fused into
            // the fully connected layer before it (its upper end is 127, so
            // only the zero point bounds it)
            let (lo, _) = Fused::Relu.range(q);
            Box::new(move |x: &[i8], y: &mut [i8]| {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = x.max(lo);
                }
            })
        }
        "leaky_relu" => {
            // (`run` reads the slices' lengths, not `width`)
            let layer = LeakyRelu::new(0, ALPHA, q, q);
            Box::new(move |x: &[i8], y: &mut [i8]| layer.run(x, y))
        }
        _ => return None,
    })
}

const ALPHA: f32 = 0.01;

#[inline(never)]
fn each(x: &[f32], y: &mut [f32], f: impl Fn(f32) -> f32) {
    for (xi, yi) in x.iter().zip(y.iter_mut()) {
        *yi = f(*xi);
    }
}

fn sig_libm(x: f32) -> f32 {
    1.0 / (1.0 + libm::expf(-x))
}
fn sig_std(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

macro_rules! slice_fn {
    (|$x:ident| $e:expr) => {{
        fn f(x: &[f32], y: &mut [f32]) {
            each(x, y, |$x: f32| $e)
        }
        f as SliceFn
    }};
}

// (φ's name, φ''s name, [φ SIMD, φ scalar in a loop, φ' SIMD, φ' scalar in
// a loop]) for every row of the table of activations, default parameters
macro_rules! kernel_fns {
    (($d:tt) $(
        $v:ident ( $($p:ident = $pd:literal)? ) in $m:ident = $k:expr, $code:literal, $name:literal,
        $fo:ident, $doc:literal;
    )*) => {
        const KERNEL_FNS: &[(&str, &str, [SliceFn; 4])] = &[ $( ($name, concat!($name, "_derivative"), [
            |x, y| { $(let $p: f32 = $pd;)? Activation::forward(&$k, x, y) },
            |x, y| { $(let $p: f32 = $pd;)? each(x, y, |v| Activation::forward_scalar(&$k, v)) },
            |x, y| { $(let $p: f32 = $pd;)? Activation::derivative(&$k, x, y) },
            |x, y| { $(let $p: f32 = $pd;)? each(x, y, |v| Activation::derivative_scalar(&$k, v)) },
        ]) ),* ];
    };
}
neurokern::activation_table!(kernel_fns, $);

/// The naive formulas a user would write instead, where they exist.
fn peers(name: &str) -> Vec<(&'static str, SliceFn)> {
    match name {
        "sigmoid" => vec![
            ("libm", slice_fn!(|x| sig_libm(x))),
            ("std", slice_fn!(|x| sig_std(x))),
        ],
        "tanh" => vec![
            ("libm", slice_fn!(|x| libm::tanhf(x))),
            ("std", slice_fn!(|x| x.tanh())),
        ],
        "relu" => vec![
            ("libm", slice_fn!(|x| libm::fmaxf(x, 0.0))),
            ("std", slice_fn!(|x| x.max(0.0))),
        ],
        "leaky_relu" => vec![
            (
                "libm",
                slice_fn!(|x| libm::fmaxf(x, 0.0) + ALPHA * libm::fminf(x, 0.0)),
            ),
            ("std", slice_fn!(|x| if x < 0.0 { ALPHA * x } else { x })),
        ],
        "sigmoid_derivative" => vec![
            (
                "libm",
                slice_fn!(|x| {
                    let s = sig_libm(x);
                    s * (1.0 - s)
                }),
            ),
            (
                "std",
                slice_fn!(|x| {
                    let s = sig_std(x);
                    s * (1.0 - s)
                }),
            ),
        ],
        "tanh_derivative" => vec![
            (
                "libm",
                slice_fn!(|x| {
                    let t = libm::tanhf(x);
                    1.0 - t * t
                }),
            ),
            (
                "std",
                slice_fn!(|x| {
                    let t = x.tanh();
                    1.0 - t * t
                }),
            ),
        ],
        "relu_derivative" => vec![
            (
                "libm",
                slice_fn!(|x| if libm::fmaxf(x, 0.0) > 0.0 { 1.0 } else { 0.0 }),
            ),
            ("std", slice_fn!(|x| if x > 0.0 { 1.0 } else { 0.0 })),
        ],
        "leaky_relu_derivative" => vec![
            (
                "libm",
                slice_fn!(|x| if libm::fmaxf(x, 0.0) > 0.0 {
                    1.0
                } else {
                    ALPHA
                }),
            ),
            ("std", slice_fn!(|x| if x > 0.0 { 1.0 } else { ALPHA })),
        ],
        "silu" => vec![
            ("libm", slice_fn!(|x| x / (1.0 + libm::expf(-x)))),
            ("std", slice_fn!(|x| x / (1.0 + (-x).exp()))),
        ],
        "gelu" => vec![(
            "libm",
            slice_fn!(|x| 0.5 * x * libm::erfcf(-x * core::f32::consts::FRAC_1_SQRT_2)),
        )],
        "gelu_tanh" => vec![
            (
                "libm",
                slice_fn!(|x| 0.5
                    * x
                    * (1.0 + libm::tanhf(0.797_884_6 * (x + 0.044_715 * x * x * x)))),
            ),
            (
                "std",
                slice_fn!(|x| 0.5 * x * (1.0 + (0.797_884_6 * (x + 0.044_715 * x * x * x)).tanh())),
            ),
        ],
        "elu" => vec![
            (
                "libm",
                slice_fn!(|x| if x > 0.0 { x } else { libm::expm1f(x) }),
            ),
            ("std", slice_fn!(|x| if x > 0.0 { x } else { x.exp_m1() })),
        ],
        "softplus" => vec![
            ("libm", slice_fn!(|x| libm::log1pf(libm::expf(x)))),
            ("std", slice_fn!(|x| x.exp().ln_1p())),
        ],
        "hard_sigmoid" => vec![("std", slice_fn!(|x| (x + 3.0).clamp(0.0, 6.0) / 6.0))],
        "hard_swish" => vec![("std", slice_fn!(|x| x * (x + 3.0).clamp(0.0, 6.0) / 6.0))],
        _ => vec![],
    }
}

/// Every function the harness measures: φ and then φ' of every activation
/// in the table of activations ([`Act::ALL`](neurokern::activation::Act::ALL),
/// default parameters) but the identity, each as `simd` (the slice kernel)
/// and `scalar` (the one-element kernel in a loop), with `libm` and `std`
/// formulas where a naive one exists and `int8` where [`neurokern::int8`]
/// has the function.
pub fn subjects() -> Vec<Subject> {
    let mut out = Vec::new();
    for derivative in [false, true] {
        for &(name, dname, fns) in KERNEL_FNS.iter().filter(|r| r.0 != "identity") {
            let (name, simd, scalar) = if derivative {
                (dname, fns[2], fns[3])
            } else {
                (name, fns[0], fns[1])
            };
            let mut variants = vec![("simd", Kernel::F32(simd)), ("scalar", Kernel::F32(scalar))];
            variants.extend(peers(name).into_iter().map(|(v, f)| (v, Kernel::F32(f))));
            if let Some(f) = int8(name) {
                variants.push(("int8", Kernel::I8(f)));
            }
            out.push(Subject { name, variants });
        }
    }
    out
}

/// The buffer sizes: (label, elements). Input plus output fit in L1 (16 KB)
/// and L2 (256 KB); the DRAM size (64 MB) exceeds any L3 of the machines
/// this runs on.
pub const SIZES: [(&str, usize); 3] = [("L1", 2048), ("L2", 32_768), ("DRAM", 8 << 20)];

/// Core clock estimate in GHz: a dependent chain of 12 single-cycle integer
/// operations (shift, xor) per iteration, timed. Hardware counters are often
/// unavailable in virtual machines; this needs none. Assumes shift and xor
/// each take one cycle (true on x86-64 cores from the last decade).
pub fn calibrate_ghz() -> f64 {
    fn chain(n: u64, seed: u64) -> u64 {
        let mut x = seed;
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        x
    }
    let n = 20_000_000u64;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        black_box(chain(black_box(n), black_box(0x9e37_79b9)));
        best = best.min(t.elapsed().as_secs_f64());
    }
    (n * 12) as f64 / best / 1e9
}

/// Statistics of repeated timings, in ns/element.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    /// Median.
    pub median: f64,
    /// Fastest pass.
    pub min: f64,
    /// Slowest pass.
    pub max: f64,
}

/// Times `pass` (one pass over `n` elements): `reps` passes, each long
/// enough to last about `min_pass` seconds; returns ns/element statistics.
pub fn time(mut pass: impl FnMut(), n: usize, reps: usize, min_pass: f64) -> Stats {
    pass(); // warm caches and page in the output
    let t = Instant::now();
    pass();
    let once = t.elapsed().as_secs_f64().max(1e-9);
    let iters = ((min_pass / once).ceil() as usize).max(1);
    let mut samples: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                pass();
            }
            t.elapsed().as_secs_f64() * 1e9 / (iters * n) as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    Stats {
        median: samples[samples.len() / 2],
        min: samples[0],
        max: samples[samples.len() - 1],
    }
}

/// Input values: a spread over [−8, 8) with both signs, like pre-activations.
pub fn input(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| ((i as f32 * 0.618_034).fract() - 0.5) * 16.0)
        .collect()
}

/// [`input`] quantized with [`INT8_INPUT`].
pub fn input_int8(n: usize) -> Vec<i8> {
    let mut q = vec![0i8; n];
    INT8_INPUT.quantize_slice(&input(n), &mut q);
    q
}

impl Kernel {
    /// One pass over `x → y` (or `xq → yq` for int8).
    #[inline]
    pub fn pass(&self, x: &[f32], y: &mut [f32], xq: &[i8], yq: &mut [i8]) {
        match self {
            Kernel::F32(f) => f(black_box(x), black_box(y)),
            Kernel::I8(f) => f(black_box(xq), black_box(yq)),
        }
    }
}

/// One measured cell.
pub struct Cell {
    /// Function.
    pub function: &'static str,
    /// Implementation.
    pub variant: &'static str,
    /// Buffer label (`L1`, `L2`, `DRAM`).
    pub size: &'static str,
    /// Elements per pass.
    pub elements: usize,
    /// Timing.
    pub stats: Stats,
}

/// The whole `cost` measurement.
pub struct Cost {
    /// Estimated clock.
    pub ghz: f64,
    /// The SIMD body the kernels ran on (chosen at run time, see
    /// [`neurokern::dispatch`]).
    pub isa: neurokern::dispatch::Isa,
    /// Every cell, in subject × size × variant order.
    pub cells: Vec<Cell>,
}

/// Runs the measurement. `quick` uses fewer and shorter passes.
pub fn run(quick: bool, progress: &indicatif::ProgressBar) -> Cost {
    let ghz = calibrate_ghz();
    let subjects = subjects();
    let (reps, min_pass) = if quick { (5, 0.002) } else { (15, 0.02) };
    let per_size: usize = subjects.iter().map(|s| s.variants.len()).sum();
    progress.set_length((per_size * SIZES.len()) as u64);
    let mut cells = Vec::new();
    for &(size, n) in &SIZES {
        let x = input(n);
        let mut y = vec![0.0f32; n];
        let xq = input_int8(n);
        let mut yq = vec![0i8; n];
        for s in &subjects {
            for (variant, f) in &s.variants {
                let variant = *variant;
                progress.set_message(format!("{} {variant} {size}", s.name));
                let stats = time(|| f.pass(&x, &mut y, &xq, &mut yq), n, reps, min_pass);
                cells.push(Cell {
                    function: s.name,
                    variant,
                    size,
                    elements: n,
                    stats,
                });
                progress.inc(1);
            }
        }
    }
    Cost {
        ghz,
        isa: neurokern::dispatch::selected(),
        cells,
    }
}

/// The range of core clocks a clock estimate must fall in to be believed
/// (GHz); outside it (a throttled virtual machine, a timer that lies) the
/// elements-per-cycle figures are left out.
pub const PLAUSIBLE_GHZ: (f64, f64) = (0.3, 7.0);

/// Above this median spread ((max − min)/median of the repeated passes, over
/// every cell) the machine was too busy for the timings to be compared: the
/// report says so.
pub const BUSY_SPREAD: f64 = 0.5;

impl Cost {
    /// Whether the clock estimate is within [`PLAUSIBLE_GHZ`].
    pub fn clock_plausible(&self) -> bool {
        self.ghz.is_finite() && self.ghz >= PLAUSIBLE_GHZ.0 && self.ghz <= PLAUSIBLE_GHZ.1
    }

    /// The median over every cell of (max − min)/median of its passes.
    pub fn median_spread(&self) -> f64 {
        let mut s: Vec<f64> = self
            .cells
            .iter()
            .map(|c| (c.stats.max - c.stats.min) / c.stats.median)
            .collect();
        if s.is_empty() {
            return 0.0;
        }
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    }

    /// Whether [`Cost::median_spread`] exceeds [`BUSY_SPREAD`].
    pub fn busy(&self) -> bool {
        self.median_spread() > BUSY_SPREAD
    }

    /// Warnings about the figures' trustworthiness, one line each.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if !self.clock_plausible() {
            w.push(format!(
                "WARNING: the clock estimate ({:.2} GHz) is outside {}–{} GHz; \
                 elements per cycle are left out.",
                self.ghz, PLAUSIBLE_GHZ.0, PLAUSIBLE_GHZ.1
            ));
        }
        if self.busy() {
            w.push(format!(
                "WARNING: the machine was busy: the median spread of repeated passes is {:.0} % \
                 (over {:.0} %); compare these figures with care, or re-run on an idle machine.",
                100.0 * self.median_spread(),
                100.0 * BUSY_SPREAD
            ));
        }
        w
    }

    /// The median ns/element of this crate's ReLU at `size`.
    pub fn relu_ns(&self, size: &str) -> f64 {
        self.cells
            .iter()
            .find(|c| c.function == "relu" && c.variant == "simd" && c.size == size)
            .map_or(f64::NAN, |c| c.stats.median)
    }

    /// The human-readable tables, one per buffer size.
    pub fn text(&self) -> String {
        let mut out = String::new();
        out += &format!(
            "Clock estimated at {:.2} GHz (dependent integer chain). Kernels ran on the {} body\n\
             ({} lanes, {}). Medians of repeated passes;\n\
             'x ReLU' is the ratio to this crate's SIMD ReLU at the same size.\n",
            self.ghz,
            self.isa,
            self.isa.lanes(),
            if self.isa == neurokern::dispatch::detected() {
                "the widest this CPU has, chosen at run time"
            } else {
                "pinned with --body"
            }
        );
        out += &format!(
            "Median spread of repeated passes: {:.0} %.\n",
            100.0 * self.median_spread()
        );
        for w in self.warnings() {
            out += &w;
            out.push('\n');
        }
        let per_cycle = |median: f64| {
            if self.clock_plausible() {
                format!("{:>9.3}", 1.0 / (median * self.ghz))
            } else {
                format!("{:>9}", "—")
            }
        };
        for &(size, n) in &SIZES {
            out += &format!(
                "\n{size} buffer ({n} elements, {} KB in + out)\n",
                n * 8 / 1024
            );
            out += &format!(
                "  {:<24} {:>8} {:>10} {:>9} {:>9} {:>9} {:>8}\n",
                "function", "impl", "ns/elem", "Gelem/s", "elem/cyc", "spread", "x ReLU"
            );
            for c in self.cells.iter().filter(|c| c.size == size) {
                let s = c.stats;
                out += &format!(
                    "  {:<24} {:>8} {:>10.3} {:>9.3} {} {:>8.0}% {:>8.1}\n",
                    c.function,
                    c.variant,
                    s.median,
                    1.0 / s.median,
                    per_cycle(s.median),
                    100.0 * (s.max - s.min) / s.median,
                    s.median / self.relu_ns(size)
                );
            }
        }
        out
    }

    /// The JSON section.
    pub fn json(&self) -> Value {
        let cells: Vec<Value> = self
            .cells
            .iter()
            .map(|c| {
                let s = c.stats;
                json!({
                    "function": c.function,
                    "implementation": c.variant,
                    "buffer": c.size,
                    "elements": c.elements,
                    "ns_per_element": {"median": s.median, "min": s.min, "max": s.max, "unit": "ns/element"},
                    "throughput": {"value": 1.0 / s.median, "unit": "Gelem/s"},
                    "elements_per_cycle": {
                        "value": if self.clock_plausible() { json!(1.0 / (s.median * self.ghz)) } else { Value::Null },
                        "unit": "elements/cycle"
                    },
                    "ratio_to_relu": {"value": s.median / self.relu_ns(c.size), "unit": "ratio"},
                })
            })
            .collect();
        json!({
            "clock": {"value": self.ghz, "unit": "GHz", "method": "dependent shift/xor chain",
                      "plausible": self.clock_plausible()},
            "median_spread": {"value": self.median_spread(), "unit": "ratio"},
            "busy": self.busy(),
            "warnings": self.warnings(),
            "isa": {"name": self.isa.name(), "lanes": self.isa.lanes()},
            "buffers": SIZES.iter().map(|(l, n)| json!({"label": l, "elements": n})).collect::<Vec<_>>(),
            "cells": cells,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(ghz: f64, spreads: &[f64]) -> Cost {
        Cost {
            ghz,
            isa: neurokern::dispatch::Isa::Scalar,
            cells: spreads
                .iter()
                .map(|&s| Cell {
                    function: "relu",
                    variant: "simd",
                    size: "L1",
                    elements: 1,
                    stats: Stats {
                        median: 1.0,
                        min: 1.0,
                        max: 1.0 + s,
                    },
                })
                .collect(),
        }
    }

    #[test]
    fn an_implausible_clock_is_reported_and_its_per_cycle_figures_left_out() {
        let ok = cost(3.0, &[0.1]);
        assert!(ok.clock_plausible() && ok.warnings().is_empty());
        assert!(!ok.text().contains('—'));
        for ghz in [0.1, 25.0, f64::NAN] {
            let c = cost(ghz, &[0.1]);
            assert!(!c.clock_plausible(), "{ghz}");
            assert!(c.warnings()[0].contains("clock estimate"), "{ghz}");
            assert!(c.text().contains('—'), "{ghz}");
            assert!(c.json()["cells"][0]["elements_per_cycle"]["value"].is_null());
        }
    }

    #[test]
    fn a_busy_machine_is_reported_by_the_median_spread() {
        // median of [0.1, 0.2, 0.9] is 0.2: not busy; one more wide cell
        // moves the median above the threshold
        let calm = cost(3.0, &[0.1, 0.2, 0.9]);
        assert!((calm.median_spread() - 0.2).abs() < 1e-12 && !calm.busy());
        let busy = cost(3.0, &[0.1, 0.6, 0.9]);
        assert!(busy.busy());
        assert!(busy.warnings().iter().any(|w| w.contains("busy")));
        assert!(busy.text().contains("the machine was busy"));
        assert_eq!(busy.json()["busy"], true);
        assert_eq!(calm.json()["busy"], false);
    }
}
