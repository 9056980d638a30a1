//! int8 inference: the quantized sine network against the float one, and
//! the model checks.
#![cfg(feature = "std")]
use neurokern::fingerprint::{sine_input, Sine};
use neurokern::int8::{
    quantize_network, Arithmetic, FullyConnected, Fused, Multiplier, OwnedLayer, PtqError,
    PtqOptions, QError, QLayer, QModel, Quant,
};
use neurokern::nn::Network;

#[path = "../examples/export_sine_int8.rs"]
mod export_sine_int8;

#[test]
fn firmware_sine_int8_is_regenerated() {
    let checked_in = include_str!("../firmware/src/sine_int8.rs");
    assert!(
        checked_in == export_sine_int8::sine_int8_source(),
        "firmware/src/sine_int8.rs is stale: run `cargo run --features std --example export_sine_int8`"
    );
}

#[test]
fn the_regeneration_check_sees_a_changed_value() {
    let src = export_sine_int8::sine_int8_source();
    let changed = src.replacen("weights: &[", "weights: &[1 + ", 1);
    assert_ne!(changed, src);
}

fn sine_net() -> Network<Sine> {
    Network::<Sine>::from_bytes(include_bytes!("../firmware/data/sine.nkb")).unwrap()
}

/// The 64 angles the firmware's sine programs use, against `sin` in f64.
fn mse(mut f: impl FnMut(f32) -> f32) -> f64 {
    (0..64)
        .map(|k| {
            let a = k as f32 / 63.0 * core::f32::consts::TAU;
            let e = f(a) as f64 - (a as f64).sin();
            e * e
        })
        .sum::<f64>()
        / 64.0
}

fn float_mse(net: &Network<Sine>) -> f64 {
    mse(|a| {
        let mut y = [0.0];
        net.forward(&sine_input(a), &mut y);
        y[0]
    })
}

#[test]
fn quantized_sine_passes_the_firmware_threshold() {
    let net = sine_net();
    let calib: Vec<[f32; 1]> = (0..256).map(|k| [k as f32 / 127.5 - 1.0]).collect();
    let float = float_mse(&net);
    let mut by_options = Vec::new();
    for (per_channel, clip) in [(true, true), (false, true), (true, false), (false, false)] {
        let options = PtqOptions::default()
            .per_channel(per_channel)
            .clip_to_saturation(clip);
        let q = quantize_network(&net, &calib, options).unwrap();
        let int8 = mse(|a| {
            let mut y = [0.0];
            q.predict(&sine_input(a), &mut y).unwrap();
            y[0]
        });
        println!(
            "per_channel {per_channel} clip_to_saturation {clip}: float MSE {float:.3e}, int8 MSE {int8:.3e} ({:.1}x)",
            int8 / float
        );
        // the firmware's sine programs pass below an MSE of 1e-3; issue 14's
        // target of 2x the float MSE is not met (see the next test)
        assert!(int8 < 1e-3 && float < int8, "int8 {int8} float {float}");
        by_options.push(int8);
    }
    // clipping the tanh inputs to where tanh moves helps, per channel and
    // per tensor (9.0e-4 -> 7.7e-4 and 9.2e-4 -> 6.5e-4 when written)
    assert!(by_options[0] < 0.9 * by_options[2], "{by_options:?}");
    assert!(by_options[1] < 0.9 * by_options[3], "{by_options:?}");
}

/// Where the int8 sine network's error comes from: the float network with
/// one tensor at a time rounded to its int8 quantization (the quantized
/// model's own `Quant`s), everything else in f32. Shows why issue 14's
/// target (int8 within 2x the float MSE) cannot be met with an int8 input:
/// rounding the input alone to 8 bits over [-1, 1] (a step of 2/255,
/// 0.025 rad of angle) already costs more than that. Prints the budget:
/// `cargo test --features std --test int8 -- --nocapture error_budget`.
#[test]
fn error_budget_by_tensor() {
    let net = sine_net();
    let calib: Vec<[f32; 1]> = (0..256).map(|k| [k as f32 / 127.5 - 1.0]).collect();
    let q = quantize_network(&net, &calib, PtqOptions::default()).unwrap();
    // input, FC1 out, tanh1 out, FC2 out, tanh2 out, FC3 out
    let mut quants = vec![q.input];
    for l in &q.layers {
        match l {
            OwnedLayer::FullyConnected { output, .. } => quants.push(*output),
            OwnedLayer::Lut { kind, .. } => quants.push(kind.output()),
            other => panic!("unexpected layer {other:?}"),
        }
    }
    assert_eq!(quants.len(), 6);
    let (p0, p1, p2) = (&net.params.0, &net.params.1 .0, &net.params.1 .1);
    let round = |k: usize, mask: u32, v: &mut [f32]| {
        if mask & (1 << k) != 0 {
            for v in v {
                *v = quants[k].dequantize(quants[k].quantize(*v));
            }
        }
    };
    let run = |a: f32, mask: u32| -> f32 {
        let mut x = sine_input(a);
        round(0, mask, &mut x);
        let mut z: Vec<f32> = (0..16).map(|o| p0.b[o] + p0.w[0][o] * x[0]).collect();
        round(1, mask, &mut z);
        let mut h: Vec<f32> = z.iter().map(|v| v.tanh()).collect();
        round(2, mask, &mut h);
        let dot = |o: usize| (0..16).map(|i| p1.w[i][o] * h[i]).sum::<f32>();
        let mut z: Vec<f32> = (0..16).map(|o| p1.b[o] + dot(o)).collect();
        round(3, mask, &mut z);
        let mut h: Vec<f32> = z.iter().map(|v| v.tanh()).collect();
        round(4, mask, &mut h);
        let mut y = [p2.b[0] + (0..16).map(|i| p2.w[i][0] * h[i]).sum::<f32>()];
        round(5, mask, &mut y);
        y[0]
    };
    let float = float_mse(&net);
    // without rounding the simulation is the float network (up to the
    // order of its sums)
    let unrounded = mse(|a| run(a, 0));
    assert!(
        (unrounded / float - 1.0).abs() < 1e-3,
        "{unrounded} {float}"
    );
    let names = [
        "input",
        "FC1 output",
        "tanh1 output",
        "FC2 output",
        "tanh2 output",
        "output",
    ];
    for (k, name) in names.iter().enumerate() {
        println!("{name:>13} alone: MSE {:.2e}", mse(|a| run(a, 1 << k)));
    }
    let all = mse(|a| run(a, 63));
    let int8 = mse(|a| {
        let mut y = [0.0];
        q.predict(&sine_input(a), &mut y).unwrap();
        y[0]
    });
    println!("float {float:.2e}; every tensor rounded {all:.2e}; the int8 model {int8:.2e}");
    // the rounding of the tensors explains the int8 model's error (the rest
    // is the 8-bit weights and the integer requantization)
    assert!((all / int8 - 1.0).abs() < 0.3, "{all} {int8}");
    let input_only = mse(|a| run(a, 1));
    assert!(input_only > 2.0 * float, "{input_only} {float}");
}

#[test]
fn unsupported_activation_and_empty_calibration_are_refused() {
    use neurokern::{activation::Act, mlp, nn::Dense};
    let net = Network::<mlp![Dense<1, 2>, Dense<2, 1>]>::new(mlp![
        Dense::new(Act::Gelu),
        Dense::new(Act::Identity)
    ]);
    assert_eq!(
        quantize_network(&net, &[[0.5]], PtqOptions::default()),
        Err(PtqError::Unsupported {
            index: 0,
            act: Act::Gelu
        })
    );
    assert_eq!(
        quantize_network(&net, &[], PtqOptions::default()),
        Err(PtqError::NoCalibration)
    );
}

#[test]
fn models_that_do_not_chain_are_refused() {
    let q = Quant::new(0.1, 0);
    let m = [Multiplier::ONE.pair()];
    let fc = |fan_in, fan_out, w: &'static [i8], b: &'static [i32]| {
        QLayer::FullyConnected(FullyConnected {
            fan_in,
            fan_out,
            weights: w,
            folded_bias: b,
            weight_scales: &[0.1],
            input: q,
            output: q,
            multipliers: &[],
            clamp: Fused::None.range(q),
            arithmetic: Arithmetic::LiteRt,
        })
    };
    // multipliers missing
    let layers = [fc(1, 1, &[1], &[0])];
    assert_eq!(
        QModel::new(q, q, &layers),
        Err(QError::Inconsistent { index: 0 })
    );
    let ok = |fan_in, fan_out, w: &'static [i8], b: &'static [i32]| {
        let QLayer::FullyConnected(mut l) = fc(fan_in, fan_out, w, b) else {
            unreachable!()
        };
        l.multipliers = &m;
        QLayer::FullyConnected(l)
    };
    let layers = [ok(1, 2, &[1, 2], &[0, 0]), ok(3, 1, &[1, 1, 1], &[0])];
    assert_eq!(
        QModel::new(q, q, &layers),
        Err(QError::Mismatch { index: 1 })
    );
    let layers = [ok(1, 2, &[1, 2], &[0, 0]), ok(2, 1, &[1, 1], &[0])];
    let model = QModel::new(q, q, &layers).unwrap();
    let mut y = [0i8];
    assert_eq!(
        model.run(&[1], &mut y, &mut [0; 3]),
        Err(QError::Length {
            expected: 4,
            got: 3
        })
    );
    model.run(&[10], &mut y, &mut [0; 4]).unwrap();
    // 10 → (10, 20) · M=1 (weights 1, 2) → 30
    assert_eq!(y, [30]);
}
