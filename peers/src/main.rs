//! neurokern's activation kernels against their peers, interleaved in one
//! run: tract-linalg (the kernels tract selects at run time), `wide`, and
//! naive loops over std and libm. Prints ns/element at N = 4096 and 65536,
//! the ratio ours / fastest peer, and each implementation's maximum error in
//! ULP (the README's definition: |y − f(x)| / 2^(e−23), f(x) exact from f64)
//! over a sweep of f32 bit patterns.
//!
//! Run it through `cargo xtask peers` (both a default and a native build),
//! or directly: `cargo run --release --manifest-path peers/Cargo.toml --
//! [--build LABEL] [--rounds R] [--quick]`.

use std::hint::black_box;
use std::time::Instant;

use neurokern::activation as nk;
use tract_linalg::Func;
use wide::f32x8;

const ALPHA: f32 = 0.01;

type Kernel = Box<dyn Fn(&[f32], &mut [f32])>;

struct Imp {
    name: &'static str,
    run: Kernel,
}

struct Function {
    name: &'static str,
    reference: fn(f64) -> f64,
    imps: Vec<Imp>,
}

fn wide_map(x: &[f32], y: &mut [f32], f: impl Fn(f32x8) -> f32x8, s: impl Fn(f32) -> f32) {
    let mut xc = x.chunks_exact(8);
    let mut yc = y.chunks_exact_mut(8);
    for (xs, ys) in (&mut xc).zip(&mut yc) {
        let v = f32x8::new(xs.try_into().unwrap());
        ys.copy_from_slice(f(v).as_array());
    }
    for (a, b) in xc.remainder().iter().zip(yc.into_remainder()) {
        *b = s(*a);
    }
}

/// A naive loop over a scalar formula, the way most code computes it.
/// (Generic, so the formula is inlined into the loop, as it would be.)
fn naive(name: &'static str, f: impl Fn(f32) -> f32 + 'static) -> Imp {
    Imp {
        name,
        run: Box::new(move |x, y| {
            for (a, b) in x.iter().zip(y) {
                *b = f(*a);
            }
        }),
    }
}

fn tract(func: Func) -> Kernel {
    let k = func.ew_f32().expect("tract kernel");
    Box::new(move |x, y| {
        y.copy_from_slice(x);
        k.run(y).unwrap();
    })
}

fn functions() -> (Vec<Function>, Vec<String>) {
    let mut tract_names = Vec::new();
    for f in [Func::Sigmoid, Func::Tanh] {
        tract_names.push(format!("{:?}: {}", f, f.ew_f32().unwrap().name()));
    }
    let leaky = Func::LeakyRelu.ew_f32_param().expect("tract leaky relu");
    tract_names.push(format!("LeakyRelu: {}", leaky.name()));
    let fs = vec![
        Function {
            name: "sigmoid",
            reference: |x| 1.0 / (1.0 + (-x).exp()),
            imps: vec![
                Imp {
                    name: "neurokern",
                    run: Box::new(|x, y| nk::sigmoid(x, y)),
                },
                Imp {
                    name: "tract",
                    run: tract(Func::Sigmoid),
                },
                Imp {
                    name: "wide",
                    run: Box::new(|x, y| {
                        wide_map(
                            x,
                            y,
                            |v| f32x8::ONE / (f32x8::ONE + (-v).exp()),
                            |v| 1.0 / (1.0 + (-v).exp()),
                        )
                    }),
                },
                naive("std", |a| 1.0 / (1.0 + (-a).exp())),
                naive("libm", |a| 1.0 / (1.0 + libm::expf(-a))),
            ],
        },
        Function {
            name: "tanh",
            reference: f64::tanh,
            imps: vec![
                Imp {
                    name: "neurokern",
                    run: Box::new(|x, y| nk::tanh(x, y)),
                },
                Imp {
                    name: "tract",
                    run: tract(Func::Tanh),
                },
                Imp {
                    name: "wide",
                    run: Box::new(|x, y| wide_map(x, y, |v| v.tanh(), f32::tanh)),
                },
                naive("std", |a| a.tanh()),
                naive("libm", |a| libm::tanhf(a)),
            ],
        },
        Function {
            name: "ReLU",
            reference: |x| if x > 0.0 { x } else { 0.0 },
            imps: vec![
                Imp {
                    name: "neurokern",
                    run: Box::new(|x, y| nk::relu(x, y)),
                },
                Imp {
                    name: "wide",
                    run: Box::new(|x, y| {
                        wide_map(x, y, |v| v.fast_max(f32x8::ZERO), |v| v.max(0.0))
                    }),
                },
                naive("std", |a| a.max(0.0)),
            ],
        },
        Function {
            name: "leaky ReLU",
            reference: |x| if x < 0.0 { f64::from(ALPHA) * x } else { x },
            imps: vec![
                Imp {
                    name: "neurokern",
                    run: Box::new(|x, y| nk::leaky_relu(ALPHA, x, y)),
                },
                Imp {
                    name: "tract",
                    run: Box::new(move |x, y| {
                        y.copy_from_slice(x);
                        leaky.run_with_params(y, ALPHA).unwrap();
                    }),
                },
                Imp {
                    name: "wide",
                    run: Box::new(|x, y| {
                        let a = f32x8::splat(ALPHA);
                        wide_map(
                            x,
                            y,
                            |v| v.simd_lt(f32x8::ZERO).select(v * a, v),
                            |v| if v < 0.0 { ALPHA * v } else { v },
                        )
                    }),
                },
                naive("std", |a| if a < 0.0 { ALPHA * a } else { a }),
            ],
        },
    ];
    (fs, tract_names)
}

/// Error of `y` against the exact `f`, in ULP of `f` (floor 2^−149).
fn ulp_error(y: f32, f: f64) -> f64 {
    if y.is_nan() || f.is_nan() {
        return if y.is_nan() && f.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let a = f.abs();
    let e = if a < f64::from(f32::MIN_POSITIVE) {
        -126
    } else {
        a.log2().floor() as i32
    };
    let ulp = 2f64.powi(e - 23);
    if f.is_infinite() {
        return if f64::from(y) == f {
            0.0
        } else {
            f64::INFINITY
        };
    }
    (f64::from(y) - f).abs() / ulp
}

/// Maximum ULP error over every `stride`-th f32 bit pattern (NaNs skipped).
fn max_ulp(imp: &Imp, reference: fn(f64) -> f64, stride: u32) -> f64 {
    let xs: Vec<f32> = (0..=u32::MAX / stride)
        .map(|i| f32::from_bits(i * stride))
        .filter(|x| !x.is_nan())
        .collect();
    let mut ys = vec![0.0f32; xs.len()];
    for (xc, yc) in xs.chunks(4096).zip(ys.chunks_mut(4096)) {
        (imp.run)(xc, yc);
    }
    xs.iter()
        .zip(&ys)
        .map(|(x, y)| ulp_error(*y, reference(f64::from(*x))))
        .fold(0.0, f64::max)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn main() {
    let mut build = String::from("unnamed build");
    let mut rounds = 21;
    let mut stride = 1021;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--build" => build = args.next().expect("--build LABEL"),
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|r| r.parse().ok())
                    .expect("--rounds R")
            }
            "--quick" => {
                rounds = 5;
                stride = 65521;
            }
            _ => {
                eprintln!("usage: neurokern-peers [--build LABEL] [--rounds R] [--quick]");
                std::process::exit(2);
            }
        }
    }
    let (fs, tract_names) = functions();
    println!("## neurokern against its peers");
    println!();
    println!(
        "CPU: {} · build: {build} · neurokern body: {} ({} lanes)",
        cpu_model(),
        neurokern::dispatch::selected(),
        neurokern::dispatch::selected().lanes()
    );
    println!("tract kernels: {}", tract_names.join(", "));
    println!("Medians of {rounds} interleaved rounds, out of place (tract works in place: timed as copy + run).");
    println!("Each cell: ns/element (maximum error in ULP over every {stride}th f32 bit pattern).");
    for n in [4096usize, 65536] {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let x: Vec<f32> = (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                ((seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 20.0
            })
            .collect();
        let mut y = vec![0.0f32; n];
        let reps = (1 << 22) / n;
        let mut times: Vec<Vec<Vec<f64>>> = fs
            .iter()
            .map(|f| f.imps.iter().map(|_| Vec::new()).collect())
            .collect();
        for _ in 0..rounds {
            for (fi, f) in fs.iter().enumerate() {
                for (ii, imp) in f.imps.iter().enumerate() {
                    (imp.run)(&x, &mut y);
                    let t = Instant::now();
                    for _ in 0..reps {
                        (imp.run)(black_box(&x), black_box(&mut y));
                    }
                    times[fi][ii].push(t.elapsed().as_secs_f64() * 1e9 / (reps * n) as f64);
                }
            }
        }
        println!();
        println!("### N = {n}");
        println!();
        println!("| function | neurokern | tract | wide | std | libm | ours / fastest peer |");
        println!("|---|---|---|---|---|---|---|");
        for (fi, f) in fs.iter().enumerate() {
            let med: Vec<f64> = times[fi].iter_mut().map(|t| median(t)).collect();
            let mut cells = vec![String::from("—"); 5];
            let mut fastest_peer = f64::INFINITY;
            for (ii, imp) in f.imps.iter().enumerate() {
                let col = ["neurokern", "tract", "wide", "std", "libm"]
                    .iter()
                    .position(|c| *c == imp.name)
                    .unwrap();
                let ulp = if n == 4096 {
                    max_ulp(imp, f.reference, stride)
                } else {
                    f64::NAN
                };
                cells[col] = if ulp.is_nan() {
                    format!("{:.3}", med[ii])
                } else if ulp > 1e6 {
                    format!("{:.3} ({:.1e})", med[ii], ulp)
                } else {
                    format!("{:.3} ({:.2})", med[ii], ulp)
                };
                if ii > 0 {
                    fastest_peer = fastest_peer.min(med[ii]);
                }
            }
            println!(
                "| {} | {} | {:.2} |",
                f.name,
                cells.join(" | "),
                med[0] / fastest_peer
            );
        }
    }
    bodies(rounds);
}

/// neurokern alone on every SIMD body this CPU runs (`dispatch::force`):
/// the same bits, different speeds.
fn bodies(rounds: usize) {
    use neurokern::dispatch::{self, Isa};
    let kernels: [(&str, Kernel); 6] = [
        ("sigmoid", Box::new(|x, y| nk::sigmoid(x, y))),
        ("tanh", Box::new(|x, y| nk::tanh(x, y))),
        ("ReLU", Box::new(|x, y| nk::relu(x, y))),
        ("leaky ReLU", Box::new(|x, y| nk::leaky_relu(ALPHA, x, y))),
        ("σ'", Box::new(|x, y| nk::sigmoid_derivative(x, y))),
        ("tanh'", Box::new(|x, y| nk::tanh_derivative(x, y))),
    ];
    let isas: Vec<Isa> = Isa::ALL
        .into_iter()
        .filter(|i| dispatch::is_supported(*i))
        .collect();
    let n = 4096;
    let x: Vec<f32> = (0..n).map(|i| (i as f32 / n as f32 - 0.5) * 20.0).collect();
    let mut y = vec![0.0f32; n];
    let reps = (1 << 22) / n;
    let mut times = vec![vec![Vec::new(); isas.len()]; kernels.len()];
    for _ in 0..rounds {
        for (ki, (_, k)) in kernels.iter().enumerate() {
            for (ii, isa) in isas.iter().enumerate() {
                dispatch::force(Some(*isa)).unwrap();
                k(&x, &mut y);
                let t = Instant::now();
                for _ in 0..reps {
                    k(black_box(&x), black_box(&mut y));
                }
                times[ki][ii].push(t.elapsed().as_secs_f64() * 1e9 / (reps * n) as f64);
            }
        }
    }
    dispatch::force(None).unwrap();
    println!();
    println!("### neurokern on each body (N = {n}, ns/element, same bits on every body)");
    println!();
    let names: Vec<String> = isas
        .iter()
        .map(|i| format!("{i} ({} lanes)", i.lanes()))
        .collect();
    println!("| function | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(isas.len()));
    for (ki, (name, _)) in kernels.iter().enumerate() {
        let cells: Vec<String> = times[ki]
            .iter_mut()
            .map(|t| format!("{:.3}", median(t)))
            .collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
}
