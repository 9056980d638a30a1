// A 2 → 8 layer followed by a 4 → 1 layer: the shapes do not chain, so the
// network type must not implement `Layer` and this must not compile.
use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::{Dense, Network};

fn main() {
    let net = Network::<mlp![Dense<2, 8>, Dense<4, 1>]>::new(mlp![
        Dense::new(Act::Relu),
        Dense::new(Act::Sigmoid)
    ]);
    let mut y = [0.0f32; 1];
    net.forward(&[0.0, 1.0], &mut y);
}
