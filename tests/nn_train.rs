//! Training reaches its targets from fixed seeds, every optimiser decreases
//! the loss, and a step that would write NaN into the network is refused.

#[path = "../examples/sine.rs"]
#[allow(dead_code)]
mod sine;
#[path = "../examples/xor.rs"]
#[allow(dead_code)]
mod xor;

use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::init::{Init, SplitMix64};
use neurokern::nn::loss::Loss;
use neurokern::nn::optim::{Adam, Momentum, Optimizer, Sgd};
use neurokern::nn::{Dense, Layer, Network, TrainError, Trainer};

#[test]
fn xor_reaches_full_accuracy_from_fixed_seeds() {
    for seed in [42, 1, 2, 3] {
        let out = xor::train(seed, 500);
        assert_eq!(out.accuracy, 1.0, "seed {seed}: curve {:?}", out.curve);
        let (first, last) = (out.curve[0].1, out.curve.last().unwrap().1);
        assert!(
            last < 0.05 && last < first,
            "seed {seed}: loss {first} -> {last}"
        );
    }
}

#[test]
fn sine_reaches_mse_below_1e_3() {
    let out = sine::train(7, 3000);
    assert!(
        out.mse < 1e-3,
        "MSE {} after 3000 steps; curve {:?}",
        out.mse,
        out.curve
    );
}

type Net = mlp![Dense<2, 6>, Dense<6, 1>];
const XS: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
const TS: [[f32; 1]; 4] = [[0.1], [0.9], [0.9], [0.1]];

fn net() -> Network<Net> {
    let mut n = Network::<Net>::new(mlp![Dense::new(Act::Sigmoid), Dense::new(Act::Sigmoid)]);
    n.init(Init::Auto, &mut SplitMix64::new(5));
    n
}

fn decreases<O: Optimizer<<Net as Layer>::Params>>(opt: O, name: &str) {
    let mut n = net();
    let mut t = Trainer::<Net, O>::new(opt, Loss::Mse);
    let first = t.step(&mut n, &XS, &TS).unwrap();
    let mut last = first;
    for _ in 0..300 {
        last = t.step(&mut n, &XS, &TS).unwrap();
    }
    assert!(last < 0.8 * first, "{name}: loss {first} -> {last}");
    assert_eq!(t.steps(), 301);
}

#[test]
fn every_optimiser_decreases_the_loss() {
    decreases(Sgd { lr: 0.5 }, "SGD");
    decreases(Momentum { lr: 0.2, beta: 0.9 }, "momentum");
    decreases(Adam::new(0.02), "Adam");
}

#[test]
fn non_finite_loss_is_an_error_and_leaves_parameters_alone() {
    let mut n = net();
    let before = n;
    let mut t = Trainer::<Net, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse);
    let err = t.step(&mut n, &XS, &[[f32::NAN]; 4]).unwrap_err();
    assert!(
        matches!(err, TrainError::NonFiniteLoss { step: 0, .. }),
        "{err:?}"
    );
    assert_eq!(n, before);
    // an exploding gradient: huge targets make a finite loss but infinite gradient
    let err = t.step(&mut n, &XS, &[[3e38]; 4]).unwrap_err();
    assert!(
        matches!(
            err,
            TrainError::NonFiniteLoss { .. } | TrainError::NonFiniteGradient { .. }
        ),
        "{err:?}"
    );
    assert_eq!(n, before);
    assert!(err.to_string().contains("parameters left unchanged"));
}

#[test]
fn batch_errors() {
    let mut n = net();
    let mut t = Trainer::<Net, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse);
    assert_eq!(t.step(&mut n, &[], &[]), Err(TrainError::EmptyBatch));
    assert_eq!(
        t.step(&mut n, &XS, &TS[..2]),
        Err(TrainError::BatchMismatch {
            inputs: 4,
            targets: 2
        })
    );
}

#[test]
fn clipping_bounds_the_update() {
    let mut a = net();
    let mut b = a;
    let before = a;
    let mut free = Trainer::<Net, Sgd>::new(Sgd { lr: 1.0 }, Loss::Mse);
    let mut clipped = Trainer::<Net, Sgd>::new(Sgd { lr: 1.0 }, Loss::Mse).with_clip_norm(1e-3);
    free.step(&mut a, &XS, &TS).unwrap();
    clipped.step(&mut b, &XS, &TS).unwrap();
    let dist = |n: &Network<Net>| {
        let (mut p, mut q) = ([0.0f32; Net::PARAMS], [0.0f32; Net::PARAMS]);
        use neurokern::nn::ParamSet;
        n.params.copy_to(&mut p);
        before.params.copy_to(&mut q);
        p.iter()
            .zip(&q)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f32>()
            .sqrt()
    };
    assert!(dist(&b) <= 1.0001e-3, "clipped step moved {}", dist(&b));
    assert!(dist(&a) > 1e-2, "unclipped step moved only {}", dist(&a));
}

#[test]
fn memory_figures_are_what_the_types_hold() {
    use core::mem::size_of;
    // parameters: (2·6 + 6) + (6·1 + 1) = 25 floats; activations: 3 layers' enums
    assert_eq!(Net::PARAMS, 25);
    assert_eq!(Network::<Net>::MODEL_BYTES, size_of::<Network<Net>>());
    const { assert!(Network::<Net>::MODEL_BYTES >= 25 * 4) };
    assert_eq!(
        Network::<Net>::INFERENCE_BYTES,
        Network::<Net>::MODEL_BYTES + (6 + 1) * 4
    );
    // Adam keeps two moments the size of the parameters, plus gradients
    const { assert!(Trainer::<Net, Adam>::STATE_BYTES >= 3 * 25 * 4) };
    const { assert!(Trainer::<Net, Sgd>::STATE_BYTES < Trainer::<Net, Adam>::STATE_BYTES) };
}
