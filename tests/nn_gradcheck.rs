//! Finite-difference gradient check against an f64 reference, for every
//! activation and every loss, on a three-layer network.
//!
//! The reference re-implements the forward pass and the losses in f64 from
//! their textbook formulas (not from the crate), and differentiates them by
//! central differences. Bound: |g − g_fd| ≤ 2e−3 · |g_fd| + 1e−5 for every
//! parameter (f32 arithmetic in the analytic gradient, f64 in the reference).

use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::init::{Init, SplitMix64};
use neurokern::nn::loss::Loss;
use neurokern::nn::optim::Sgd;
use neurokern::nn::{Dense, Layer, Network, ParamSet, Trainer};

type Net = mlp![Dense<3, 5>, Dense<5, 4>, Dense<4, 3>];
const SHAPES: [(usize, usize); 3] = [(3, 5), (5, 4), (4, 3)];

fn act64(a: Act, v: f64) -> f64 {
    match a {
        Act::Identity => v,
        Act::Sigmoid => 1.0 / (1.0 + (-v).exp()),
        Act::Tanh => v.tanh(),
        Act::Relu => v.max(0.0),
        Act::LeakyRelu(al) => {
            if v < 0.0 {
                f64::from(al) * v
            } else {
                v
            }
        }
        Act::Silu => v / (1.0 + (-v).exp()),
        Act::Gelu => v * 0.5 * libm::erfc(-v / core::f64::consts::SQRT_2),
        Act::GeluTanh => {
            let u = (2.0 / core::f64::consts::PI).sqrt() * (v + 0.044715 * v * v * v);
            0.5 * v * (1.0 + u.tanh())
        }
        Act::Elu(al) => {
            if v > 0.0 {
                v
            } else {
                f64::from(al) * (v.exp() - 1.0)
            }
        }
        Act::Softplus => (1.0 + v.exp()).ln(),
        Act::HardSigmoid => (v + 3.0).clamp(0.0, 6.0) / 6.0,
        Act::HardSwish => v * (v + 3.0).clamp(0.0, 6.0) / 6.0,
        Act::Relu6 => v.clamp(0.0, 6.0),
        other => panic!("no f64 reference for {other:?}"),
    }
}

fn forward64(flat: &[f64], acts: [Act; 3], x: &[f64]) -> Vec<f64> {
    let mut cur = x.to_vec();
    let mut at = 0;
    for (l, &(fi, fo)) in SHAPES.iter().enumerate() {
        let w = &flat[at..at + fi * fo];
        let b = &flat[at + fi * fo..at + fi * fo + fo];
        at += fi * fo + fo;
        cur = (0..fo)
            .map(|o| {
                act64(
                    acts[l],
                    (0..fi).map(|i| w[i * fo + o] * cur[i]).sum::<f64>() + b[o],
                )
            })
            .collect();
    }
    cur
}

fn loss64(loss: Loss, y: &[f64], t: &[f64]) -> f64 {
    let n = y.len() as f64;
    match loss {
        Loss::Mse => y.iter().zip(t).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / n,
        Loss::BceWithLogits => {
            y.iter()
                .zip(t)
                .map(|(z, t)| {
                    let p = 1.0 / (1.0 + (-z).exp());
                    -(t * p.ln() + (1.0 - t) * (1.0 - p).ln())
                })
                .sum::<f64>()
                / n
        }
        Loss::SoftmaxCrossEntropy => {
            let s: f64 = y.iter().map(|z| z.exp()).sum();
            y.iter().zip(t).map(|(z, t)| -t * (z.exp() / s).ln()).sum()
        }
        other => panic!("no f64 reference for {other:?}"),
    }
}

fn check(hidden: Act, loss: Loss, seed: u64) {
    let acts = [hidden, hidden, Act::Identity];
    let mut net = Network::<Net>::new(mlp![
        Dense::new(acts[0]),
        Dense::new(acts[1]),
        Dense::new(acts[2])
    ]);
    net.init(Init::XavierNormal, &mut SplitMix64::new(seed));
    // non-zero biases so every path is exercised
    net.params.for_each_mut(&mut |s| {
        if s.len() <= 5 {
            for (k, v) in s.iter_mut().enumerate() {
                *v = 0.1 * (k as f32 - 1.5);
            }
        }
    });
    let xs = [[0.3f32, -0.7, 0.9], [-1.1, 0.4, 0.2]];
    let ts = match loss {
        Loss::SoftmaxCrossEntropy => [[0.0f32, 1.0, 0.0], [1.0, 0.0, 0.0]],
        _ => [[0.2f32, 0.9, 0.4], [1.0, 0.0, 0.5]],
    };
    let mut trainer = Trainer::<Net, Sgd>::new(Sgd { lr: 0.0 }, loss);
    trainer.compute_gradients(&net, &xs, &ts).unwrap();
    let mut g = vec![0.0f32; Net::PARAMS];
    trainer.gradients().copy_to(&mut g);

    let mut flat32 = vec![0.0f32; Net::PARAMS];
    net.params.copy_to(&mut flat32);
    let flat: Vec<f64> = flat32.iter().map(|&v| f64::from(v)).collect();
    let batch_loss = |p: &[f64]| {
        xs.iter()
            .zip(&ts)
            .map(|(x, t)| {
                let x: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
                let t: Vec<f64> = t.iter().map(|&v| f64::from(v)).collect();
                loss64(loss, &forward64(p, acts, &x), &t)
            })
            .sum::<f64>()
            / xs.len() as f64
    };
    let h = 1e-6;
    let mut worst = 0.0f64;
    for k in 0..flat.len() {
        let (mut plus, mut minus) = (flat.clone(), flat.clone());
        plus[k] += h;
        minus[k] -= h;
        let fd = (batch_loss(&plus) - batch_loss(&minus)) / (2.0 * h);
        let err = (f64::from(g[k]) - fd).abs();
        let allowed = 2e-3 * fd.abs() + 1e-5;
        worst = worst.max(err / allowed);
        assert!(
            err <= allowed,
            "{hidden:?} + {loss:?}: parameter {k}: analytic {} vs finite difference {fd} (error {err:e})",
            g[k]
        );
    }
    assert!(
        worst > 0.0,
        "{hidden:?} + {loss:?}: gradient identically equal — suspicious"
    );
}

#[test]
fn every_activation_and_loss() {
    let mut hiddens = Act::ALL.to_vec();
    // a negative slope: y no longer tells the branch, so the layer must use z
    hiddens.extend([Act::LeakyRelu(0.1), Act::LeakyRelu(-0.5), Act::Elu(0.5)]);
    for hidden in hiddens {
        for loss in [Loss::Mse, Loss::BceWithLogits, Loss::SoftmaxCrossEntropy] {
            for seed in [1, 2] {
                check(hidden, loss, seed);
            }
        }
    }
}

#[test]
fn sigmoid_and_tanh_output_layers() {
    // activations on the output layer too (MSE), so every backward path of
    // every activation is checked where it is not followed by another layer
    for out in Act::ALL {
        type Small = mlp![Dense<2, 3>, Dense<3, 2>];
        let mut net = Network::<Small>::new(mlp![Dense::new(Act::Tanh), Dense::new(out)]);
        net.init(Init::XavierUniform, &mut SplitMix64::new(11));
        net.params.1.b = [0.3, 0.2];
        let xs = [[0.5f32, -0.25]];
        let ts = [[0.1f32, 0.7]];
        let mut tr = Trainer::<Small, Sgd>::new(Sgd { lr: 0.0 }, Loss::Mse);
        let base = tr.compute_gradients(&net, &xs, &ts).unwrap();
        let mut g = vec![0.0f32; Small::PARAMS];
        tr.gradients().copy_to(&mut g);
        // f32 central differences through the crate's own forward pass,
        // with a step large enough for f32
        let mut flat = vec![0.0f32; Small::PARAMS];
        net.params.copy_to(&mut flat);
        for k in 0..flat.len() {
            let eval = |d: f32| {
                let mut n2 = net;
                let mut f = flat.clone();
                f[k] += d;
                n2.params.copy_from(&f);
                let mut y = [0.0f32; 2];
                n2.forward(&xs[0], &mut y);
                let mut dy = [0.0f32; 2];
                f64::from(Loss::Mse.value_and_grad(&y, &ts[0], &mut dy))
            };
            let h = 1e-2;
            let fd = (eval(h) - eval(-h)) / (2.0 * f64::from(h));
            let err = (f64::from(g[k]) - fd).abs();
            assert!(
                err <= 2e-2 * fd.abs() + 2e-4,
                "output {out:?} parameter {k}: {} vs {fd}",
                g[k]
            );
        }
        assert!(base.is_finite());
    }
}
