//! Trains a 1-16-16-1 tanh network on sin(x) over [0, 2π] to MSE < 1e−3.
//!
//! `cargo run --release --example sine`
//!
//! The input is scaled to u = x/π − 1 ∈ [−1, 1] before the network.

use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::init::{Init, SplitMix64};
use neurokern::nn::loss::Loss;
use neurokern::nn::optim::Adam;
use neurokern::nn::{Dense, Network, Trainer};

/// 1 → 16 (tanh) → 16 (tanh) → 1 (identity).
pub type Sine = mlp![Dense<1, 16>, Dense<16, 16>, Dense<16, 1>];

/// The network's input for angle `x`.
pub fn scale(x: f32) -> [f32; 1] {
    [x / core::f32::consts::PI - 1.0]
}

/// MSE over 256 evenly spaced points of [0, 2π].
pub fn eval_mse(net: &Network<Sine>) -> f32 {
    let n = 256;
    (0..n)
        .map(|k| {
            let x = k as f32 / (n - 1) as f32 * core::f32::consts::TAU;
            let mut y = [0.0f32];
            net.forward(&scale(x), &mut y);
            (y[0] - x.sin()) * (y[0] - x.sin())
        })
        .sum::<f32>()
        / n as f32
}

pub struct Outcome {
    pub net: Network<Sine>,
    /// (step, evaluation MSE) every 250 steps.
    pub curve: Vec<(u64, f32)>,
    pub mse: f32,
}

pub fn train(seed: u64, steps: u64) -> Outcome {
    let mut net = Network::<Sine>::new(mlp![
        Dense::new(Act::Tanh),
        Dense::new(Act::Tanh),
        Dense::new(Act::Identity)
    ]);
    net.init(Init::Auto, &mut SplitMix64::new(seed));
    let mut trainer = Trainer::<Sine, Adam>::new(Adam::new(0.01), Loss::Mse);
    let mut rng = SplitMix64::new(seed ^ 0x5eed);
    let mut curve = Vec::new();
    for step in 0..steps {
        let mut xs = [[0.0f32]; 32];
        let mut ts = [[0.0f32]; 32];
        for (x, t) in xs.iter_mut().zip(ts.iter_mut()) {
            let a = neurokern::nn::init::uniform(&mut rng) * core::f32::consts::TAU;
            *x = scale(a);
            *t = [a.sin()];
        }
        trainer.step(&mut net, &xs, &ts).expect("finite training");
        if step % 250 == 0 || step + 1 == steps {
            curve.push((step, eval_mse(&net)));
        }
    }
    let mse = eval_mse(&net);
    Outcome { net, curve, mse }
}

#[allow(dead_code)]
fn main() {
    let out = train(7, 3000);
    println!("sin(x) on [0, 2π], 1-16-16-1 tanh, Adam(0.01), batch 32, seed 7");
    println!("{:>6}  {:>12}", "step", "eval MSE");
    for (step, mse) in &out.curve {
        println!("{step:>6}  {mse:>12.3e}");
    }
    println!("final MSE {:.3e} (target < 1e-3)", out.mse);
}
