//! int8 inference: the quantized sine network against the float one, and
//! the model checks.
#![cfg(feature = "std")]
use neurokern::fingerprint::{sine_input, Sine};
use neurokern::int8::{
    quantize_network, FullyConnected, Fused, Multiplier, PtqError, PtqOptions, QError, QLayer,
    QModel, Quant,
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

#[test]
fn quantized_sine_passes_the_firmware_threshold() {
    let net = sine_net();
    let calib: Vec<[f32; 1]> = (0..256).map(|k| [k as f32 / 127.5 - 1.0]).collect();
    for per_channel in [true, false] {
        let q = quantize_network(&net, &calib, PtqOptions { per_channel }).unwrap();
        let float = mse(|a| {
            let mut y = [0.0];
            net.forward(&sine_input(a), &mut y);
            y[0]
        });
        let int8 = mse(|a| {
            let mut y = [0.0];
            q.predict(&sine_input(a), &mut y).unwrap();
            y[0]
        });
        println!("per_channel {per_channel}: float MSE {float:.3e}, int8 MSE {int8:.3e}");
        // the firmware's sine programs pass below an MSE of 1e-3; issue 14's
        // target of 2× the float MSE is not met (≈ 21×: the float network
        // is fitted to 4e-5, below what 8-bit hidden activations carry)
        assert!(int8 < 1e-3 && float < int8, "int8 {int8} float {float}");
    }
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
    let m = [Multiplier::ONE];
    let fc = |fan_in, fan_out, w: &'static [i8], b: &'static [i32]| {
        QLayer::FullyConnected(FullyConnected {
            fan_in,
            fan_out,
            weights: w,
            bias: b,
            weight_scales: &[0.1],
            input: q,
            output: q,
            multipliers: &[],
            clamp: Fused::None.range(q),
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
