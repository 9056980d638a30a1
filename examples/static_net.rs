//! A network in a `static`: no heap, no std, every byte known at build time.
//!
//! `cargo run --release --example static_net`
//!
//! Everything in `firmware` uses `core` only (the crate itself is `no_std`);
//! `main` just prints what it computes. The network is XOR built by hand
//! from two ReLUs: h1 = relu(a + b), h2 = relu(a + b − 1), y = h1 − 2·h2.

mod firmware {
    use neurokern::activation::Act;
    use neurokern::nn::{loss::Loss, optim::Sgd};
    use neurokern::nn::{Chain, Dense, DenseParams, Network, Trainer};
    use neurokern::{assert_fits, mlp};

    pub type Xor = mlp![Dense<2, 2>, Dense<2, 1>];

    /// The network lives in flash (a `static` initialised by a `const fn`).
    pub static NET: Network<Xor> = Network::with_params(
        Chain::new(Dense::new(Act::Relu), Dense::new(Act::Identity)),
        (
            DenseParams {
                w: [[1.0, 1.0], [1.0, 1.0]],
                b: [0.0, -1.0],
            },
            DenseParams {
                w: [[1.0], [-2.0]],
                b: [0.0],
            },
        ),
    );

    // Fail the build if inference or training would not fit a 2 KB budget.
    assert_fits!(Network::<Xor>::INFERENCE_BYTES, 2048);
    assert_fits!(Trainer::<Xor, Sgd>::TRAINING_BYTES, 2048);

    /// What a training loop would keep in RAM (a `static` too on a device).
    pub const TRAINER: Trainer<Xor, Sgd> = Trainer::new(Sgd { lr: 0.1 }, Loss::Mse);

    pub fn xor(a: f32, b: f32) -> f32 {
        let mut y = [0.0f32];
        NET.forward(&[a, b], &mut y);
        y[0]
    }
}

fn main() {
    use neurokern::nn::{optim::Sgd, Network, Trainer};
    for (a, b) in [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)] {
        println!("xor({a}, {b}) = {}", firmware::xor(a, b));
    }
    let _ = firmware::TRAINER;
    println!(
        "inference: {} bytes (network {} + activations); training with SGD: {} bytes",
        Network::<firmware::Xor>::INFERENCE_BYTES,
        Network::<firmware::Xor>::MODEL_BYTES,
        Trainer::<firmware::Xor, Sgd>::TRAINING_BYTES
    );
}
