//! The accuracy contract: every function against the exact value (the f64
//! formula, whose own error is ~1e−16 relative), in fractional ULP, on a strided sweep of all f32 bit patterns (every pattern with
//! `NEUROKERN_EXHAUSTIVE=1`), and the docs' table against `ACCURACY`.

mod common;

use common::{oracle, sweep, sweep_stride, ulp_error};
use neurokern::activation::{self as act, ACCURACY};

#[derive(Default, Clone, Copy)]
struct Worst {
    ulp: f64,
    /// worst absolute error inside a row's `abs_within`
    abs: f64,
    at: f32,
    count: u64,
}

fn merge(a: Worst, b: Worst) -> Worst {
    let mut w = if b.ulp > a.ulp || b.ulp.is_nan() {
        b
    } else {
        a
    };
    w.count = a.count + b.count;
    w.abs = a.abs.max(b.abs);
    w
}

/// Worst ULP error of `kernel` against `exact` over the sweep, considering
/// only inputs where `keep(exact)` holds.
fn measure(kernel: fn(&[f32], &mut [f32]), exact: fn(f64) -> f64, keep: fn(f64) -> bool) -> Worst {
    measure_mixed(kernel, exact, keep, 0.0, [0.0, 0.0])
}

/// As [`measure`], but inputs in `within` (around a derivative's zero) are
/// held to the absolute bound `abs_ok` instead of the ULP bound.
fn measure_mixed(
    kernel: fn(&[f32], &mut [f32]),
    exact: fn(f64) -> f64,
    keep: fn(f64) -> bool,
    abs_ok: f64,
    within: [f32; 2],
) -> Worst {
    sweep(
        sweep_stride(),
        |xs| {
            let mut ys = vec![0.0f32; xs.len()];
            kernel(xs, &mut ys);
            let mut w = Worst::default();
            for (&x, &y) in xs.iter().zip(&ys) {
                let e = exact(f64::from(x));
                if !keep(e) {
                    continue;
                }
                w.count += 1;
                if within[0] < within[1] && x >= within[0] && x <= within[1] {
                    // near the derivative's zero: the absolute bound
                    let d = (f64::from(y) - e).abs();
                    assert!(
                        d <= abs_ok,
                        "absolute error {d:e} at x = {x:e} above {abs_ok:e}"
                    );
                    w.abs = w.abs.max(d);
                    continue;
                }
                let u = ulp_error(y, e);
                if u > w.ulp || u.is_nan() {
                    w.ulp = u;
                    w.at = x;
                }
            }
            w
        },
        merge,
    )
}

fn bound(name: &str) -> f64 {
    f64::from(
        ACCURACY
            .iter()
            .find(|b| b.function == name)
            .unwrap_or_else(|| panic!("{name} missing from ACCURACY"))
            .max_ulp,
    )
}

fn check(name: &str, w: Worst) {
    let b = bound(name);
    println!(
        "{name}: max {:.3} ULP at x = {:e} ({:#010x}) over {} inputs (bound {b}){}",
        w.ulp,
        w.at,
        w.at.to_bits(),
        w.count,
        if w.abs > 0.0 {
            format!("; near the zero of φ' max absolute error {:.3e}", w.abs)
        } else {
            String::new()
        }
    );
    assert!(w.count > 1000, "{name}: too few inputs checked");
    assert!(
        w.ulp <= b,
        "{name}: {} ULP at x = {:e} ({:#010x}) exceeds the documented bound {b}",
        w.ulp,
        w.at,
        w.at.to_bits()
    );
}

fn all(_: f64) -> bool {
    true
}
fn normal_result(e: f64) -> bool {
    e.is_nan() || e >= f64::from(f32::MIN_POSITIVE)
}

#[test]
fn sigmoid_within_bound() {
    check("sigmoid", measure(act::sigmoid, oracle::sigmoid, all));
}

#[test]
fn tanh_within_bound() {
    check("tanh", measure(act::tanh, oracle::tanh, all));
}

#[test]
fn sigmoid_derivative_within_bound() {
    check(
        "sigmoid_derivative",
        measure(
            act::sigmoid_derivative,
            oracle::sigmoid_derivative,
            normal_result,
        ),
    );
}

#[test]
fn tanh_derivative_within_bound() {
    check(
        "tanh_derivative",
        measure(act::tanh_derivative, oracle::tanh_derivative, normal_result),
    );
}

#[test]
fn derivatives_from_output_within_bound() {
    // inputs are outputs: restrict to the range the forward function produces
    fn sig_y(y: &[f32], d: &mut [f32]) {
        for (yi, di) in y.iter().zip(d.iter_mut()) {
            *di = if (0.0..=1.0).contains(yi) {
                act::sigmoid_derivative_from_output_scalar(*yi)
            } else {
                f32::NAN
            };
        }
    }
    fn sig_exact(y: f64) -> f64 {
        if (0.0..=1.0).contains(&y) {
            oracle::sigmoid_derivative_from_output(y)
        } else {
            f64::NAN
        }
    }
    check(
        "sigmoid_derivative_from_output",
        measure(sig_y, sig_exact, all),
    );
    fn tanh_y(y: &[f32], d: &mut [f32]) {
        for (yi, di) in y.iter().zip(d.iter_mut()) {
            *di = if (-1.0..=1.0).contains(yi) {
                act::tanh_derivative_from_output_scalar(*yi)
            } else {
                f32::NAN
            };
        }
    }
    fn tanh_exact(y: f64) -> f64 {
        if (-1.0..=1.0).contains(&y) {
            oracle::tanh_derivative_from_output(y)
        } else {
            f64::NAN
        }
    }
    check(
        "tanh_derivative_from_output",
        measure(tanh_y, tanh_exact, all),
    );
}

#[test]
fn relu_family_is_exact() {
    fn relu_exact(x: f64) -> f64 {
        if x > 0.0 || x.is_nan() {
            x
        } else {
            0.0
        }
    }
    check("relu", measure(act::relu, relu_exact, all));
    fn leaky(x: &[f32], y: &mut [f32]) {
        act::leaky_relu(0.01, x, y)
    }
    fn leaky_exact(x: f64) -> f64 {
        if x < 0.0 {
            // the exact product (f64 holds it exactly); the f32 multiply
            // rounds it correctly, so the error is at most 0.5 ULP
            f64::from(0.01f32) * x
        } else {
            x
        }
    }
    check("leaky_relu", measure(leaky, leaky_exact, all));
    fn d_exact(x: f64) -> f64 {
        if x.is_nan() {
            x
        } else if x > 0.0 {
            1.0
        } else {
            0.0
        }
    }
    check(
        "relu_derivative",
        measure(act::relu_derivative, d_exact, all),
    );
    fn leaky_d(x: &[f32], d: &mut [f32]) {
        act::leaky_relu_derivative(0.01, x, d)
    }
    fn leaky_d_exact(x: f64) -> f64 {
        if x.is_nan() {
            x
        } else if x > 0.0 {
            1.0
        } else {
            f64::from(0.01f32)
        }
    }
    check(
        "leaky_relu_derivative",
        measure(leaky_d, leaky_d_exact, all),
    );
}

/// The README (which is the crate documentation) carries the accuracy table;
/// it must list exactly the bounds in `ACCURACY`.
#[test]
fn docs_table_matches_accuracy_constant() {
    let readme = include_str!("../README.md");
    let mut rows = 0;
    for b in ACCURACY {
        let needle = format!("| `{}` |", b.function);
        let line = readme
            .lines()
            .find(|l| l.starts_with(&needle))
            .unwrap_or_else(|| panic!("README accuracy table has no row for {}", b.function));
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let documented: f32 = cells[2]
            .trim_start_matches('≤')
            .trim()
            .trim_end_matches(" ULP")
            .parse()
            .unwrap_or_else(|_| panic!("unparsable bound cell {:?}", cells[2]));
        assert_eq!(
            documented, b.max_ulp,
            "README and ACCURACY disagree on {}",
            b.function
        );
        rows += 1;
    }
    assert_eq!(rows, ACCURACY.len());
}

/// The ULP measure is fractional and against the exact value: at
/// x = −16.64731 (0xc1852db1) σ returns 0x337d00a3 = 5.890673193676e−8
/// while σ(x) = 5.890674033762e−8 (checked with 200-bit arithmetic), an
/// error of 2.365 ULP. Counting whole ULPs to the correctly rounded value
/// reported 2 here, so the published bound was 0.365 ULP too tight.
#[test]
fn the_ulp_measure_is_fractional_against_the_exact_value() {
    let x = f32::from_bits(0xc185_2db1);
    let y = act::sigmoid_scalar(x);
    assert_eq!(y.to_bits(), 0x337d_00a3);
    let e = ulp_error(y, oracle::sigmoid(f64::from(x)));
    assert!((e - 2.365).abs() < 0.01, "measured {e}");
    assert!(e <= bound("sigmoid"));
    // a correctly rounded result is within half an ULP, not zero
    let third = 1.0f64 / 3.0;
    let e = ulp_error(third as f32, third);
    assert!(e > 0.3 && e <= 0.5, "{e}");
}

fn alpha_one_elu(x: &[f32], y: &mut [f32]) {
    act::elu(1.0, x, y)
}
fn alpha_one_elu_derivative(x: &[f32], y: &mut [f32]) {
    act::elu_derivative(1.0, x, y)
}

type Row = (
    &'static str,
    fn(&[f32], &mut [f32]),
    fn(f64) -> f64,
    fn(f64) -> bool,
);

const NEW_ROWS: &[Row] = &[
    ("silu", act::silu, oracle::silu, normal_result_signed),
    (
        "silu_derivative",
        act::silu_derivative,
        oracle::silu_derivative,
        normal_result_signed,
    ),
    ("gelu", act::gelu, oracle::gelu, normal_result_signed),
    (
        "gelu_derivative",
        act::gelu_derivative,
        oracle::gelu_derivative,
        normal_result_signed,
    ),
    (
        "gelu_tanh",
        act::gelu_tanh,
        oracle::gelu_tanh,
        normal_result_signed,
    ),
    (
        "gelu_tanh_derivative",
        act::gelu_tanh_derivative,
        oracle::gelu_tanh_derivative,
        normal_result_signed,
    ),
    ("elu", alpha_one_elu, oracle::elu, all),
    (
        "elu_derivative",
        alpha_one_elu_derivative,
        oracle::elu_derivative,
        normal_result_signed,
    ),
    ("softplus", act::softplus, oracle::softplus, all),
    (
        "softplus_derivative",
        act::softplus_derivative,
        oracle::sigmoid,
        all,
    ),
    ("hard_sigmoid", act::hard_sigmoid, oracle::hard_sigmoid, all),
    (
        "hard_sigmoid_derivative",
        act::hard_sigmoid_derivative,
        oracle::hard_sigmoid_derivative,
        all,
    ),
    ("hard_swish", act::hard_swish, oracle::hard_swish, all),
    (
        "hard_swish_derivative",
        act::hard_swish_derivative,
        oracle::hard_swish_derivative,
        all,
    ),
    ("relu6", act::relu6, oracle::relu6, all),
    (
        "relu6_derivative",
        act::relu6_derivative,
        oracle::relu6_derivative,
        all,
    ),
];

fn normal_result_signed(e: f64) -> bool {
    e.is_nan() || e == 0.0 || e.abs() >= f64::from(f32::MIN_POSITIVE)
}

#[test]
fn activations_after_relu_within_bound() {
    // `NEUROKERN_ONLY=silu,gelu` measures only those rows (for the
    // exhaustive run, which takes minutes per row)
    let only = std::env::var("NEUROKERN_ONLY").unwrap_or_default();
    for &(name, kernel, exact, keep) in NEW_ROWS {
        if !only.is_empty() && !only.split(',').any(|o| o == name) {
            continue;
        }
        let row = ACCURACY.iter().find(|b| b.function == name).unwrap();
        check(
            name,
            measure_mixed(kernel, exact, keep, f64::from(row.max_abs), row.abs_within),
        );
    }
}
