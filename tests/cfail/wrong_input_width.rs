// Feeding three inputs to a network that takes two must not compile.
use neurokern::activation::Act;
use neurokern::nn::{Dense, Network};

fn main() {
    let net = Network::new(Dense::<2, 1>::new(Act::Relu));
    let mut y = [0.0f32; 1];
    net.forward(&[0.0, 1.0, 2.0], &mut y);
}
