//! Throughput of every kernel and derivative against naive scalar loops.
//!
//! `cargo bench --bench activations` — each group is one function at one
//! length N ∈ {4096, 65536, 1048576}; members: `naive_std` (an
//! `#[inline(never)]` loop over the textbook formula with std's `exp`/`tanh`),
//! `naive_libm` (the same with `libm`), `neurokern` (slice → slice) and
//! `neurokern_in_place`. Throughput is reported in elements.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use neurokern::activation as a;
use std::hint::black_box;
use std::time::Duration;

const SIZES: [usize; 3] = [4096, 65536, 1 << 20];
const ALPHA: f32 = 0.01;

fn input(n: usize) -> Vec<f32> {
    // a spread over the working range of activations, with both signs
    (0..n)
        .map(|i| ((i as f32 * 0.618_034).fract() - 0.5) * 16.0)
        .collect()
}

type SliceFn = fn(&[f32], &mut [f32]);

#[inline(never)]
fn naive_map(x: &[f32], y: &mut [f32], f: impl Fn(f32) -> f32) {
    for (xi, yi) in x.iter().zip(y.iter_mut()) {
        *yi = f(*xi);
    }
}

macro_rules! naive {
    ($name:ident, |$x:ident| $body:expr) => {
        #[inline(never)]
        fn $name(x: &[f32], y: &mut [f32]) {
            naive_map(x, y, |$x: f32| $body)
        }
    };
}

fn sig_std(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}
fn sig_libm(x: f32) -> f32 {
    1.0 / (1.0 + libm::expf(-x))
}
naive!(sigmoid_std, |x| sig_std(x));
naive!(sigmoid_libm, |x| sig_libm(x));
naive!(tanh_std, |x| x.tanh());
naive!(tanh_libm, |x| libm::tanhf(x));
naive!(relu_std, |x| x.max(0.0));
naive!(leaky_std, |x| if x < 0.0 { ALPHA * x } else { x });
naive!(sigmoid_d_std, |x| {
    let s = sig_std(x);
    s * (1.0 - s)
});
naive!(sigmoid_d_libm, |x| {
    let s = sig_libm(x);
    s * (1.0 - s)
});
naive!(tanh_d_std, |x| {
    let t = x.tanh();
    1.0 - t * t
});
naive!(tanh_d_libm, |x| {
    let t = libm::tanhf(x);
    1.0 - t * t
});
naive!(relu_d_std, |x| if x > 0.0 { 1.0 } else { 0.0 });
naive!(leaky_d_std, |x| if x > 0.0 { 1.0 } else { ALPHA });
naive!(sigmoid_dy_std, |y| y * (1.0 - y));
naive!(tanh_dy_std, |y| 1.0 - y * y);

fn leaky(x: &[f32], y: &mut [f32]) {
    a::leaky_relu(ALPHA, x, y)
}
fn leaky_d(x: &[f32], y: &mut [f32]) {
    a::leaky_relu_derivative(ALPHA, x, y)
}

struct Case {
    name: &'static str,
    kernel: SliceFn,
    in_place: Option<fn(&mut [f32])>,
    naive_std: SliceFn,
    naive_libm: Option<SliceFn>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "sigmoid",
            kernel: a::sigmoid,
            in_place: Some(a::sigmoid_in_place),
            naive_std: sigmoid_std,
            naive_libm: Some(sigmoid_libm),
        },
        Case {
            name: "tanh",
            kernel: a::tanh,
            in_place: Some(a::tanh_in_place),
            naive_std: tanh_std,
            naive_libm: Some(tanh_libm),
        },
        Case {
            name: "relu",
            kernel: a::relu,
            in_place: Some(a::relu_in_place),
            naive_std: relu_std,
            naive_libm: None,
        },
        Case {
            name: "leaky_relu",
            kernel: leaky,
            in_place: Some(|v| a::leaky_relu_in_place(ALPHA, v)),
            naive_std: leaky_std,
            naive_libm: None,
        },
        Case {
            name: "sigmoid_derivative",
            kernel: a::sigmoid_derivative,
            in_place: None,
            naive_std: sigmoid_d_std,
            naive_libm: Some(sigmoid_d_libm),
        },
        Case {
            name: "tanh_derivative",
            kernel: a::tanh_derivative,
            in_place: None,
            naive_std: tanh_d_std,
            naive_libm: Some(tanh_d_libm),
        },
        Case {
            name: "relu_derivative",
            kernel: a::relu_derivative,
            in_place: None,
            naive_std: relu_d_std,
            naive_libm: None,
        },
        Case {
            name: "leaky_relu_derivative",
            kernel: leaky_d,
            in_place: None,
            naive_std: leaky_d_std,
            naive_libm: None,
        },
        Case {
            name: "sigmoid_derivative_from_output",
            kernel: a::sigmoid_derivative_from_output,
            in_place: None,
            naive_std: sigmoid_dy_std,
            naive_libm: None,
        },
        Case {
            name: "tanh_derivative_from_output",
            kernel: a::tanh_derivative_from_output,
            in_place: None,
            naive_std: tanh_dy_std,
            naive_libm: None,
        },
    ]
}

fn bench(c: &mut Criterion) {
    for case in cases() {
        for &n in &SIZES {
            let mut g = c.benchmark_group(format!("{}/{}", case.name, n));
            g.throughput(Throughput::Elements(n as u64));
            let x = input(n);
            let mut y = vec![0.0f32; n];
            g.bench_function(BenchmarkId::from_parameter("naive_std"), |b| {
                b.iter(|| (case.naive_std)(black_box(&x), black_box(&mut y)))
            });
            if let Some(f) = case.naive_libm {
                g.bench_function(BenchmarkId::from_parameter("naive_libm"), |b| {
                    b.iter(|| f(black_box(&x), black_box(&mut y)))
                });
            }
            g.bench_function(BenchmarkId::from_parameter("neurokern"), |b| {
                b.iter(|| (case.kernel)(black_box(&x), black_box(&mut y)))
            });
            // The kernels are branch-free, so their time does not depend on
            // the values the repeated in-place passes leave in the buffer.
            if let Some(f) = case.in_place {
                let mut buf = x.clone();
                g.bench_function(BenchmarkId::from_parameter("neurokern_in_place"), |b| {
                    b.iter(|| f(black_box(&mut buf)))
                });
            }
            g.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1200))
        .sample_size(20);
    targets = bench
}
criterion_main!(benches);
