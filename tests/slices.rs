//! Every form of every kernel agrees bit for bit: slice (SIMD body + scalar
//! tail) against scalar, at every length 0..=67 and every starting offset
//! 0..8; in place against out of place; arrays; the trait, the enum and the
//! flat functions; the fused backward pass against dy × derivative. And
//! mismatched lengths panic with a message naming both.

mod common;

use common::{special_values, EdgeRng};
use neurokern::activation::{self as a, Act, Activation, FromOutput};

/// Every activation of the table, plus parameters away from the defaults.
fn acts() -> Vec<Act> {
    let mut v = Act::ALL.to_vec();
    v.extend([Act::LeakyRelu(-0.5), Act::Elu(0.5), Act::Elu(-2.0)]);
    v
}

fn inputs(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = EdgeRng::new(seed);
    let mut v: Vec<f32> = special_values();
    while v.len() < n {
        v.push(rng.next_f32());
    }
    // shuffle specials into different lane positions per seed
    let r = (seed as usize * 7) % v.len();
    v.rotate_left(r);
    v.truncate(n);
    v
}

fn assert_bits(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        // NaN payloads are not part of the contract (IEEE leaves them to the
        // hardware, and LLVM may commute operands); every other bit is.
        assert!(
            common::same(*g, *w),
            "{what}: element {i}: {g:e} ({:#010x}) vs {w:e} ({:#010x})",
            g.to_bits(),
            w.to_bits()
        );
    }
}

/// Runs `check(x, offset)` for every length 0..=67 and offset 0..8, on inputs
/// with specials placed at every lane position.
fn for_lengths_and_offsets(mut check: impl FnMut(&[f32], &str)) {
    let big = inputs(67 + 8 + 200, 1);
    for len in 0..=67 {
        for off in 0..8 {
            let x = &big[off + (len * 3) % 200..][..len];
            check(x, &format!("len {len} offset {off}"));
        }
    }
    // and long random slices
    for seed in 2..10 {
        let x = inputs(4099, seed);
        check(&x, &format!("seed {seed}"));
    }
}

#[test]
fn slice_forms_match_scalar_forms() {
    for act in acts() {
        for_lengths_and_offsets(|x, ctx| {
            let n = x.len();
            let mut y = vec![0.0; n];
            let want: Vec<f32> = x.iter().map(|&v| act.forward_scalar(v)).collect();
            act.forward(x, &mut y);
            assert_bits(&format!("{act:?} forward {ctx}"), &y, &want);

            let mut inplace = x.to_vec();
            act.forward_in_place(&mut inplace);
            assert_bits(&format!("{act:?} in place {ctx}"), &inplace, &want);

            let want_d: Vec<f32> = x.iter().map(|&v| act.derivative_scalar(v)).collect();
            act.derivative(x, &mut y);
            assert_bits(&format!("{act:?} derivative {ctx}"), &y, &want_d);

            if !act.has_derivative_from_output() {
                return;
            }
            let want_dy: Vec<f32> = x
                .iter()
                .map(|&v| act.derivative_from_output_scalar(v))
                .collect();
            act.derivative_from_output(x, &mut y);
            assert_bits(
                &format!("{act:?} derivative_from_output {ctx}"),
                &y,
                &want_dy,
            );

            // fused backward = dy * derivative, bit for bit
            let dy: Vec<f32> = x.iter().rev().copied().collect();
            let want_b: Vec<f32> = dy.iter().zip(&want_d).map(|(g, d)| g * d).collect();
            act.backward(x, &dy, &mut y);
            assert_bits(&format!("{act:?} backward {ctx}"), &y, &want_b);
            let mut g = dy.clone();
            act.backward_in_place(x, &mut g);
            assert_bits(&format!("{act:?} backward_in_place {ctx}"), &g, &want_b);

            let want_by: Vec<f32> = dy.iter().zip(&want_dy).map(|(g, d)| g * d).collect();
            act.backward_from_output(x, &dy, &mut y);
            assert_bits(&format!("{act:?} backward_from_output {ctx}"), &y, &want_by);
            let mut g = dy.clone();
            act.backward_from_output_in_place(x, &mut g);
            assert_bits(
                &format!("{act:?} backward_from_output_in_place {ctx}"),
                &g,
                &want_by,
            );
        });
    }
}

#[test]
fn flat_functions_match_the_trait() {
    for_lengths_and_offsets(|x, ctx| {
        let n = x.len();
        let (mut p, mut q) = (vec![0.0; n], vec![0.0; n]);
        type Flat = fn(&[f32], &mut [f32]);
        let pairs: [(&str, Flat, Act, bool); 8] = [
            ("sigmoid", a::sigmoid, Act::Sigmoid, false),
            ("tanh", a::tanh, Act::Tanh, false),
            ("relu", a::relu, Act::Relu, false),
            (
                "sigmoid_derivative",
                a::sigmoid_derivative,
                Act::Sigmoid,
                true,
            ),
            ("tanh_derivative", a::tanh_derivative, Act::Tanh, true),
            ("relu_derivative", a::relu_derivative, Act::Relu, true),
            (
                "sigmoid_derivative_from_output",
                a::sigmoid_derivative_from_output,
                Act::Sigmoid,
                false,
            ),
            (
                "tanh_derivative_from_output",
                a::tanh_derivative_from_output,
                Act::Tanh,
                false,
            ),
        ];
        for (name, f, act, is_derivative) in pairs {
            f(x, &mut p);
            if name.ends_with("from_output") {
                act.derivative_from_output(x, &mut q);
            } else if is_derivative {
                act.derivative(x, &mut q);
            } else {
                act.forward(x, &mut q);
            }
            assert_bits(&format!("{name} {ctx}"), &p, &q);
        }
        type Scalar = fn(f32) -> f32;
        let new: [(&str, Flat, Flat, Scalar, Scalar, Act); 8] = [
            (
                "silu",
                a::silu,
                a::silu_derivative,
                a::silu_scalar,
                a::silu_derivative_scalar,
                Act::Silu,
            ),
            (
                "gelu",
                a::gelu,
                a::gelu_derivative,
                a::gelu_scalar,
                a::gelu_derivative_scalar,
                Act::Gelu,
            ),
            (
                "gelu_tanh",
                a::gelu_tanh,
                a::gelu_tanh_derivative,
                a::gelu_tanh_scalar,
                a::gelu_tanh_derivative_scalar,
                Act::GeluTanh,
            ),
            (
                "softplus",
                a::softplus,
                a::softplus_derivative,
                a::softplus_scalar,
                a::softplus_derivative_scalar,
                Act::Softplus,
            ),
            (
                "hard_sigmoid",
                a::hard_sigmoid,
                a::hard_sigmoid_derivative,
                a::hard_sigmoid_scalar,
                a::hard_sigmoid_derivative_scalar,
                Act::HardSigmoid,
            ),
            (
                "hard_swish",
                a::hard_swish,
                a::hard_swish_derivative,
                a::hard_swish_scalar,
                a::hard_swish_derivative_scalar,
                Act::HardSwish,
            ),
            (
                "relu6",
                a::relu6,
                a::relu6_derivative,
                a::relu6_scalar,
                a::relu6_derivative_scalar,
                Act::Relu6,
            ),
            (
                "elu(1)",
                |x, y| a::elu(1.0, x, y),
                |x, y| a::elu_derivative(1.0, x, y),
                |x| a::elu_scalar(1.0, x),
                |x| a::elu_derivative_scalar(1.0, x),
                Act::Elu(1.0),
            ),
        ];
        for (name, f, d, fs, ds, act) in new {
            f(x, &mut p);
            act.forward(x, &mut q);
            assert_bits(&format!("{name} {ctx}"), &p, &q);
            let s: Vec<f32> = x.iter().map(|&v| fs(v)).collect();
            assert_bits(&format!("{name}_scalar {ctx}"), &s, &q);
            let mut r = x.to_vec();
            match act {
                Act::Elu(alpha) => a::elu_in_place(alpha, &mut r),
                Act::Silu => a::silu_in_place(&mut r),
                Act::Gelu => a::gelu_in_place(&mut r),
                Act::GeluTanh => a::gelu_tanh_in_place(&mut r),
                Act::Softplus => a::softplus_in_place(&mut r),
                Act::HardSigmoid => a::hard_sigmoid_in_place(&mut r),
                Act::HardSwish => a::hard_swish_in_place(&mut r),
                Act::Relu6 => a::relu6_in_place(&mut r),
                _ => unreachable!(),
            }
            assert_bits(&format!("{name}_in_place {ctx}"), &r, &q);
            d(x, &mut p);
            act.derivative(x, &mut q);
            assert_bits(&format!("{name}_derivative {ctx}"), &p, &q);
            let s: Vec<f32> = x.iter().map(|&v| ds(v)).collect();
            assert_bits(&format!("{name}_derivative_scalar {ctx}"), &s, &q);
        }
        for alpha in [0.01f32, 0.2, 1.5] {
            a::leaky_relu(alpha, x, &mut p);
            Act::LeakyRelu(alpha).forward(x, &mut q);
            assert_bits(&format!("leaky_relu({alpha}) {ctx}"), &p, &q);
            let s: Vec<f32> = x.iter().map(|&v| a::leaky_relu_scalar(alpha, v)).collect();
            assert_bits(&format!("leaky_relu_scalar {ctx}"), &s, &q);
            a::leaky_relu_derivative(alpha, x, &mut p);
            Act::LeakyRelu(alpha).derivative(x, &mut q);
            assert_bits(&format!("leaky_relu_derivative({alpha}) {ctx}"), &p, &q);
        }
        let s: Vec<f32> = x.iter().map(|&v| a::sigmoid_scalar(v)).collect();
        a::sigmoid(x, &mut p);
        assert_bits(&format!("sigmoid_scalar {ctx}"), &s, &p);
        let s: Vec<f32> = x.iter().map(|&v| a::tanh_scalar(v)).collect();
        a::tanh(x, &mut p);
        assert_bits(&format!("tanh_scalar {ctx}"), &s, &p);
    });
}

#[test]
fn array_forms_match_slices() {
    let x: [f32; 37] = inputs(37, 5).try_into().unwrap();
    for act in acts() {
        let mut y = [0.0f32; 37];
        act.forward(&x, &mut y);
        assert_bits(&format!("{act:?} array"), &act.forward_array(x), &y);
    }
    let x8: [f32; 8] = inputs(8, 6).try_into().unwrap();
    let mut y8 = [0.0f32; 8];
    a::tanh(&x8, &mut y8);
    assert_bits("tanh array of one vector", &a::Tanh.forward_array(x8), &y8);
}

#[test]
#[should_panic(expected = "x.len() = 3 but y.len() = 4")]
fn sigmoid_length_mismatch_names_both_lengths() {
    a::sigmoid(&[0.0; 3], &mut [0.0; 4]);
}

#[test]
#[should_panic(expected = "x.len() = 9 but d.len() = 8")]
fn derivative_length_mismatch_names_both_lengths() {
    a::tanh_derivative(&[0.0; 9], &mut [0.0; 8]);
}

#[test]
#[should_panic(expected = "leaky_relu: length mismatch: x.len() = 0 but y.len() = 1")]
fn leaky_length_mismatch_names_function_and_lengths() {
    a::leaky_relu(0.1, &[], &mut [0.0; 1]);
}

#[test]
#[should_panic(expected = "x.len() = 2 but dx.len() = 1")]
fn backward_length_mismatch_names_both_lengths() {
    Act::Relu.backward(&[0.0; 2], &[0.0; 2], &mut [0.0; 1]);
}

#[test]
#[should_panic(expected = "gelu has no derivative from its output")]
fn from_output_of_an_activation_without_one_panics_with_its_name() {
    Act::Gelu.derivative_from_output(&[0.0; 2], &mut [0.0; 2]);
}

#[test]
#[should_panic(expected = "y.len() = 5 but grad.len() = 6")]
fn backward_in_place_length_mismatch_names_both_lengths() {
    a::Sigmoid.backward_from_output_in_place(&[0.0; 5], &mut [0.0; 6]);
}
