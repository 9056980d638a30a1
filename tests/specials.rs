//! Special values and invariants: NaN propagation, exact saturation at ±inf,
//! output ranges, monotonicity, odd symmetry of tanh, unflushed subnormals.

mod common;

use common::{oracle, special_values, sweep, sweep_stride, EdgeRng};
use neurokern::activation::{self as a, Act, Activation};

/// Every activation of the table, plus parameters of the other sign.
fn acts() -> Vec<Act> {
    let mut v = Act::ALL.to_vec();
    v.extend([Act::LeakyRelu(-0.5), Act::Elu(-0.75), Act::Elu(2.0)]);
    v
}

#[test]
fn nan_in_nan_out_everywhere() {
    for nan in [
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7f80_0001),
        f32::from_bits(0xffc0_1234),
    ] {
        for act in acts() {
            assert!(act.forward_scalar(nan).is_nan(), "{act:?} forward");
            assert!(act.derivative_scalar(nan).is_nan(), "{act:?} derivative");
            if act.has_derivative_from_output() {
                assert!(
                    act.derivative_from_output_scalar(nan).is_nan(),
                    "{act:?} from output"
                );
            }
            let mut y = [0.0f32; 9];
            act.forward(&[nan; 9], &mut y);
            assert!(y.iter().all(|v| v.is_nan()), "{act:?} forward slice");
            act.derivative(&[nan; 9], &mut y);
            assert!(y.iter().all(|v| v.is_nan()), "{act:?} derivative slice");
        }
    }
}

#[test]
fn infinities_saturate_exactly() {
    let inf = f32::INFINITY;
    assert_eq!(a::sigmoid_scalar(inf).to_bits(), 1.0f32.to_bits());
    assert_eq!(a::sigmoid_scalar(-inf).to_bits(), 0.0f32.to_bits());
    assert_eq!(a::tanh_scalar(inf).to_bits(), 1.0f32.to_bits());
    assert_eq!(a::tanh_scalar(-inf).to_bits(), (-1.0f32).to_bits());
    for d in [
        a::sigmoid_derivative_scalar(inf),
        a::sigmoid_derivative_scalar(-inf),
        a::tanh_derivative_scalar(inf),
        a::tanh_derivative_scalar(-inf),
    ] {
        assert_eq!(d.to_bits(), 0.0f32.to_bits());
    }
    assert_eq!(a::relu_scalar(inf), inf);
    assert_eq!(a::relu_scalar(-inf), 0.0);
    assert_eq!(a::leaky_relu_scalar(0.01, -inf), -inf);
    assert_eq!(a::relu_derivative_scalar(inf), 1.0);
    assert_eq!(a::relu_derivative_scalar(-inf), 0.0);
}

#[test]
fn zeros() {
    assert_eq!(
        a::relu_scalar(-0.0).to_bits(),
        0.0f32.to_bits(),
        "ReLU(-0) = +0"
    );
    assert_eq!(a::relu_scalar(0.0).to_bits(), 0.0f32.to_bits());
    assert_eq!(
        a::tanh_scalar(-0.0).to_bits(),
        (-0.0f32).to_bits(),
        "tanh(-0) = -0"
    );
    assert_eq!(a::sigmoid_scalar(-0.0), 0.5);
    assert_eq!(a::sigmoid_derivative_scalar(-0.0), 0.25);
    assert_eq!(a::tanh_derivative_scalar(-0.0), 1.0);
    assert_eq!(a::relu_derivative_scalar(0.0), 0.0);
    assert_eq!(a::leaky_relu_derivative_scalar(0.3, 0.0), 0.3);
}

#[test]
fn subnormal_results_are_not_flushed() {
    // σ(−100) = e^−100/(1+e^−100) ≈ 3.72e−44, a subnormal
    let y = a::sigmoid_scalar(-100.0);
    assert_eq!(y, oracle::sigmoid(-100.0) as f32);
    assert!(y > 0.0 && y < f32::MIN_POSITIVE);
    // the smallest subnormal is still produced where it is the right answer
    assert_eq!(
        a::sigmoid_scalar(-103.28),
        oracle::sigmoid(-103.28f32 as f64) as f32
    );
    assert!(a::sigmoid_scalar(-103.28) > 0.0);
    assert_eq!(a::sigmoid_scalar(-104.0), 0.0);
    // σ' and tanh' keep going into the subnormal range
    for x in [90.0f32, -95.0, 100.0] {
        let d = a::sigmoid_derivative_scalar(x);
        let want = oracle::sigmoid_derivative(f64::from(x)) as f32;
        assert!(d > 0.0 && d < f32::MIN_POSITIVE);
        assert!(
            (d.to_bits() as i64 - want.to_bits() as i64).abs() <= 1,
            "σ'({x}) = {d:e}, want {want:e}"
        );
    }
    for x in [45.0f32, -50.0] {
        let d = a::tanh_derivative_scalar(x);
        let want = oracle::tanh_derivative(f64::from(x)) as f32;
        assert!(d > 0.0 && d < f32::MIN_POSITIVE);
        assert!(
            (d.to_bits() as i64 - want.to_bits() as i64).abs() <= 1,
            "tanh'({x}) = {d:e}, want {want:e}"
        );
    }
    // subnormal inputs
    let tiny = f32::from_bits(3);
    assert_eq!(a::tanh_scalar(tiny), tiny);
    assert_eq!(a::relu_scalar(tiny), tiny);
    assert_eq!(
        a::leaky_relu_scalar(0.5, -tiny),
        -f32::from_bits(2),
        "ties to even"
    );
}

#[test]
fn derivative_from_x_does_not_cancel_early() {
    // y(1−y) is 0 once σ(x) rounds to 1 (x > 16.6); σ'(x) is not
    for x in [17.0f32, 30.0, 60.0, -30.0] {
        let d = a::sigmoid_derivative_scalar(x);
        let want = oracle::sigmoid_derivative(f64::from(x));
        assert!(
            ((f64::from(d) - want) / want).abs() < 1e-6,
            "σ'({x}) = {d:e}, want {want:e}"
        );
    }
    assert_eq!(
        a::sigmoid_derivative_from_output_scalar(a::sigmoid_scalar(17.0)),
        0.0
    );
}

/// Ranges and tanh's odd symmetry on the sweep and on edge-biased random inputs.
#[test]
fn ranges_and_symmetry() {
    let bad = sweep(
        sweep_stride(),
        |xs| {
            let mut bad = 0u64;
            for &x in xs {
                let s = a::sigmoid_scalar(x);
                let t = a::tanh_scalar(x);
                let ds = a::sigmoid_derivative_scalar(x);
                let dt = a::tanh_derivative_scalar(x);
                if x.is_nan() {
                    continue;
                }
                if !(0.0..=1.0).contains(&s)
                    || !(-1.0..=1.0).contains(&t)
                    || !(0.0..=0.25).contains(&ds)
                    || !(0.0..=1.0).contains(&dt)
                    || a::tanh_scalar(-x).to_bits() != (-t).to_bits()
                    || a::sigmoid_derivative_scalar(-x).to_bits() != ds.to_bits()
                    || a::tanh_derivative_scalar(-x).to_bits() != dt.to_bits()
                {
                    bad += 1;
                }
            }
            bad
        },
        |a, b| a + b,
    );
    assert_eq!(bad, 0, "inputs outside range or breaking symmetry");
    let mut rng = EdgeRng::new(42);
    for _ in 0..100_000 {
        let x = rng.next_f32();
        if x.is_nan() {
            continue;
        }
        assert_eq!(
            a::tanh_scalar(-x).to_bits(),
            (-a::tanh_scalar(x)).to_bits(),
            "odd at {x:e}"
        );
    }
}

/// Monotone non-decreasing: walk the f32 values in increasing order. Every
/// value with `NEUROKERN_EXHAUSTIVE=1`; otherwise dense windows around every
/// point where the algorithm changes (each exponent step of the exp core, the
/// tanh switch, saturation) plus a strided walk of the rest.
#[test]
fn sigmoid_and_tanh_are_monotone() {
    fn ordered(i: u32) -> f32 {
        // maps 0..2^32 onto f32 values in increasing order (skipping NaNs later)
        if i < 0x8000_0000 {
            f32::from_bits(!i)
        } else {
            f32::from_bits(i - 0x8000_0000)
        }
    }
    let exhaustive = sweep_stride() == 1;
    let mut windows: Vec<(f32, u32)> = vec![];
    if exhaustive {
        windows.push((f32::NEG_INFINITY, u32::MAX));
    } else {
        for k in -160i32..=160 {
            let c = (k as f32 + 0.5) * core::f32::consts::LN_2;
            windows.push((c - 1e-3, 40_000));
            windows.push((c / 2.0 - 1e-3, 40_000));
        }
        for c in [-0.549_306_1f32, 0.549_306_1, -9.0, 9.0, 16.6, -103.9, -88.0] {
            windows.push((c - 1e-3, 40_000));
        }
    }
    for f in [a::sigmoid_scalar as fn(f32) -> f32, a::tanh_scalar] {
        for &(start, count) in &windows {
            let key = |v: f32| {
                let b = v.to_bits();
                if b >> 31 == 1 {
                    !b
                } else {
                    b | 0x8000_0000
                }
            };
            let s = key(start);
            let mut prev = f(ordered(s));
            let mut i = s;
            for _ in 0..count {
                i = match i.checked_add(1) {
                    Some(v) => v,
                    None => break,
                };
                let x = ordered(i);
                if x.is_nan() {
                    continue;
                }
                let y = f(x);
                assert!(
                    y >= prev || prev.is_nan(),
                    "not monotone at {x:e}: {prev:e} then {y:e}"
                );
                prev = y;
            }
        }
        if !exhaustive {
            let mut prev = f(f32::NEG_INFINITY);
            let mut i = 0u64;
            while i < (1 << 32) {
                let x = ordered(i as u32);
                if !x.is_nan() {
                    let y = f(x);
                    assert!(y >= prev, "not monotone at {x:e}");
                    prev = y;
                }
                i += 997;
            }
        }
    }
}

#[test]
fn special_value_table_is_within_contract() {
    for x in special_values() {
        let xd = f64::from(x);
        for (name, got, want) in [
            ("sigmoid", a::sigmoid_scalar(x), oracle::sigmoid(xd)),
            ("tanh", a::tanh_scalar(x), oracle::tanh(xd)),
        ] {
            let u = common::ulp_error(got, want);
            assert!(u <= 2.0, "{name}({x:e}) = {got:e}, want {want:e}: {u} ULP");
        }
    }
}

/// ±0 and ±∞ of the activations after ReLU: exact values, signs included
/// (−∞ gives the limit, not the NaN that x·σ(x) or x·Φ(x) would form).
#[test]
fn specials_of_the_activations_after_relu() {
    let inf = f32::INFINITY;
    // (activation, x, φ(x), φ'(x))
    let table: &[(Act, f32, f32, f32)] = &[
        (Act::Silu, 0.0, 0.0, 0.5),
        (Act::Silu, -0.0, -0.0, 0.5),
        (Act::Silu, inf, inf, 1.0),
        (Act::Silu, -inf, -0.0, 0.0),
        (Act::Gelu, 0.0, 0.0, 0.5),
        (Act::Gelu, -0.0, -0.0, 0.5),
        (Act::Gelu, inf, inf, 1.0),
        (Act::Gelu, -inf, -0.0, -0.0),
        (Act::GeluTanh, 0.0, 0.0, 0.5),
        (Act::GeluTanh, -0.0, -0.0, 0.5),
        (Act::GeluTanh, inf, inf, 1.0),
        (Act::GeluTanh, -inf, -0.0, 0.0),
        (Act::Elu(1.0), 0.0, 0.0, 1.0),
        (Act::Elu(1.0), -0.0, -0.0, 1.0),
        (Act::Elu(1.0), inf, inf, 1.0),
        (Act::Elu(1.0), -inf, -1.0, 0.0),
        (Act::Elu(0.5), -inf, -0.5, 0.0),
        (Act::Softplus, 0.0, core::f32::consts::LN_2, 0.5),
        (Act::Softplus, inf, inf, 1.0),
        (Act::Softplus, -inf, 0.0, 0.0),
        (Act::HardSigmoid, 0.0, 0.5, 1.0 / 6.0),
        (Act::HardSigmoid, 3.0, 1.0, 0.0),
        (Act::HardSigmoid, -3.0, 0.0, 0.0),
        (Act::HardSigmoid, inf, 1.0, 0.0),
        (Act::HardSigmoid, -inf, 0.0, 0.0),
        (Act::HardSwish, 0.0, 0.0, 0.5),
        (Act::HardSwish, 3.0, 3.0, 1.5),
        (Act::HardSwish, -3.0, -0.0, -0.5),
        (Act::HardSwish, -1.5, -0.375, 0.0),
        (Act::HardSwish, inf, inf, 1.0),
        (Act::HardSwish, -inf, -0.0, 0.0),
        (Act::Relu6, -0.0, 0.0, 0.0),
        (Act::Relu6, -1.0, 0.0, 0.0),
        (Act::Relu6, 0.0, 0.0, 0.0),
        (Act::Relu6, 2.5, 2.5, 1.0),
        (Act::Relu6, 6.0, 6.0, 0.0),
        (Act::Relu6, 7.0, 6.0, 0.0),
        (Act::Relu6, inf, 6.0, 0.0),
        (Act::Relu6, -inf, 0.0, 0.0),
    ];
    for &(act, x, y, d) in table {
        let (gy, gd) = (act.forward_scalar(x), act.derivative_scalar(x));
        assert_eq!(
            gy.to_bits(),
            y.to_bits(),
            "{act:?}({x}) = {gy:e}, want {y:e}"
        );
        assert!(gd == d, "{act:?}'({x}) = {gd:e}, want {d:e}");
        if d == 0.0 && y == 0.0 {
            assert_eq!(
                gy.is_sign_negative(),
                y.is_sign_negative(),
                "{act:?}({x}) sign"
            );
        }
    }
    // finite everywhere the input is: hard-swish formed as x·(ReLU6(x+3)/6)
    assert_eq!(a::hard_swish_scalar(f32::MAX), f32::MAX);
    assert!(a::silu_scalar(f32::MAX).is_finite() && a::gelu_scalar(f32::MAX).is_finite());
    assert_eq!(a::gelu_tanh_scalar(f32::MAX), f32::MAX);
    assert_eq!(a::softplus_scalar(f32::MAX), f32::MAX);
    assert_eq!(a::silu_scalar(-f32::MAX).to_bits(), (-0.0f32).to_bits());
}

/// Monotone where the function is: each activation after ReLU on the
/// intervals where the exact function is monotone (the minima of SiLU,
/// GELU and hard-swish are left out by a margin of 0.01), walked in f32
/// order — every value with `NEUROKERN_EXHAUSTIVE=1`, otherwise a strided
/// walk plus dense windows around every point where an algorithm changes.
#[test]
fn activations_after_relu_are_monotone_where_the_function_is() {
    fn key(v: f32) -> u32 {
        let b = v.to_bits();
        if b >> 31 == 1 {
            !b
        } else {
            b | 0x8000_0000
        }
    }
    fn unkey(k: u32) -> f32 {
        if k >> 31 == 1 {
            f32::from_bits(k & 0x7fff_ffff)
        } else {
            f32::from_bits(!k)
        }
    }
    let exhaustive = sweep_stride() == 1;
    let walk = |f: &dyn Fn(f32) -> f32, lo: f32, hi: f32, up: bool, stride: u32, name: &str| {
        let (a, b) = (key(lo), key(hi));
        let mut prev = f(lo);
        let mut k = a;
        while k < b {
            k = k.saturating_add(stride).min(b);
            let x = unkey(k);
            let y = f(x);
            let ok = if up { y >= prev } else { y <= prev };
            assert!(
                ok,
                "{name} not monotone at {x:e} ({:#010x}): {prev:e} then {y:e}",
                x.to_bits()
            );
            prev = y;
        }
    };
    let ln2 = core::f32::consts::LN_2;
    // (name, f, [lo, hi], increasing, switch points for dense windows)
    type F = fn(f32) -> f32;
    type Row = (&'static str, F, f32, f32, bool, Vec<f32>);
    let rows: [Row; 11] = [
        (
            "silu",
            a::silu_scalar,
            -1.268,
            f32::INFINITY,
            true,
            vec![-8.7e-19, 8.7e-19, 17.0, 40.0],
        ),
        (
            "silu",
            a::silu_scalar,
            f32::NEG_INFINITY,
            -1.288,
            false,
            vec![-110.0, -17.0],
        ),
        (
            "gelu",
            a::gelu_scalar,
            -0.741,
            f32::INFINITY,
            true,
            vec![-0.75, 0.75, 2.5, 14.5],
        ),
        (
            "gelu",
            a::gelu_scalar,
            f32::NEG_INFINITY,
            -0.762,
            false,
            vec![-0.75, -2.5, -14.5],
        ),
        (
            "gelu_tanh",
            a::gelu_tanh_scalar,
            -0.742,
            f32::INFINITY,
            true,
            vec![8.7e-19, 20.0],
        ),
        (
            "gelu_tanh",
            a::gelu_tanh_scalar,
            f32::NEG_INFINITY,
            -0.762,
            false,
            vec![-20.0, -10.0],
        ),
        (
            "elu",
            |x| a::elu_scalar(1.0, x),
            f32::NEG_INFINITY,
            f32::INFINITY,
            true,
            (0..45)
                .map(|k| -(k as f32) * ln2)
                .chain([-0.346_573_6, -30.0])
                .collect(),
        ),
        (
            "softplus",
            a::softplus_scalar,
            f32::NEG_INFINITY,
            f32::INFINITY,
            true,
            vec![-0.5, 1.5, -16.6, 16.6, -110.0, 110.0],
        ),
        (
            "hard_sigmoid",
            a::hard_sigmoid_scalar,
            f32::NEG_INFINITY,
            f32::INFINITY,
            true,
            vec![-3.0, 3.0],
        ),
        (
            "hard_swish",
            a::hard_swish_scalar,
            -1.49,
            f32::INFINITY,
            true,
            vec![3.0],
        ),
        (
            "relu6",
            a::relu6_scalar,
            f32::NEG_INFINITY,
            f32::INFINITY,
            true,
            vec![0.0, 6.0],
        ),
    ];
    for (name, f, lo, hi, up, switches) in &rows {
        let f = |x: f32| f(x);
        if exhaustive {
            walk(&f, *lo, *hi, *up, 1, name);
            continue;
        }
        walk(&f, *lo, *hi, *up, 997, name);
        for &c in switches {
            let (wlo, whi) = (
                unkey(key(c).saturating_sub(20_000)),
                unkey(key(c).saturating_add(20_000)),
            );
            let (wlo, whi) = (wlo.max(*lo), whi.min(*hi));
            if wlo < whi {
                walk(&f, wlo, whi, *up, 1, name);
            }
        }
    }
    // hard-swish falls on [−3, −1.5]
    walk(
        &|x| a::hard_swish_scalar(x),
        -3.0,
        -1.51,
        false,
        1,
        "hard_swish",
    );
}
