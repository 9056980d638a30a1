//! Trains a 2-8-1 network on XOR to 100 % accuracy and prints the loss curve.
//!
//! `cargo run --release --example xor`

use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::init::{Init, SplitMix64};
use neurokern::nn::loss::Loss;
use neurokern::nn::optim::Adam;
use neurokern::nn::{Dense, Network, Trainer};

/// 2 → 8 (tanh) → 1 (logit; the loss applies the sigmoid).
pub type Xor = mlp![Dense<2, 8>, Dense<8, 1>];

pub const INPUTS: [[f32; 2]; 4] = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
pub const TARGETS: [[f32; 1]; 4] = [[0.0], [1.0], [1.0], [0.0]];

/// What one training run gives.
pub struct Outcome {
    pub net: Network<Xor>,
    /// (step, loss) every 50 steps.
    pub curve: Vec<(u64, f32)>,
    /// Fraction of the four cases classified right.
    pub accuracy: f32,
}

pub fn train(seed: u64, steps: u64) -> Outcome {
    let mut net = Network::<Xor>::new(mlp![Dense::new(Act::Tanh), Dense::new(Act::Identity)]);
    net.init(Init::Auto, &mut SplitMix64::new(seed));
    let mut trainer = Trainer::<Xor, Adam>::new(Adam::new(0.05), Loss::BceWithLogits);
    let mut curve = Vec::new();
    for step in 0..steps {
        let loss = trainer
            .step(&mut net, &INPUTS, &TARGETS)
            .expect("finite training");
        if step % 50 == 0 || step + 1 == steps {
            curve.push((step, loss));
        }
    }
    let correct = INPUTS
        .iter()
        .zip(&TARGETS)
        .filter(|(x, t)| {
            let mut z = [0.0f32];
            net.forward(x, &mut z);
            (z[0] > 0.0) == (t[0] > 0.5)
        })
        .count();
    Outcome {
        net,
        curve,
        accuracy: correct as f32 / 4.0,
    }
}

#[allow(dead_code)]
fn main() {
    let out = train(42, 500);
    println!("XOR, 2-8-1 tanh, Adam(0.05), binary cross-entropy on logits, seed 42");
    println!("{:>6}  {:>10}", "step", "loss");
    for (step, loss) in &out.curve {
        println!("{step:>6}  {loss:>10.6}");
    }
    for x in INPUTS {
        let mut z = [0.0f32];
        out.net.forward(&x, &mut z);
        println!(
            "{:?} -> p = {:.4}",
            x,
            neurokern::activation::sigmoid_scalar(z[0])
        );
    }
    println!("accuracy: {:.0} %", out.accuracy * 100.0);
}
