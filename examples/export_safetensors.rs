//! Trains the 1-16-16-1 sine network and exports it as a PyTorch-compatible
//! safetensors file (`nn.Sequential(Linear(1,16), Tanh(), Linear(16,16),
//! Tanh(), Linear(16,1))`, names "0", "2", "4"), then prints the network's
//! outputs on a grid so `tools/check_safetensors.py` can compare.
//!
//! `cargo run --release --features std --example export_safetensors -- sine.safetensors`

#[path = "sine.rs"]
#[allow(dead_code)]
mod sine;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sine.safetensors".into());
    let out = sine::train(7, 2000);
    let bytes = neurokern::nn::safetensors::save(&out.net, &["0", "2", "4"]).expect("serialise");
    std::fs::write(&path, bytes).expect("write the file");
    println!("# u y (input already scaled to [-1, 1]); written to {path}");
    for k in 0..33 {
        let u = -1.0 + k as f32 / 16.0;
        let mut y = [0.0f32];
        out.net.forward(&[u], &mut y);
        println!("{u} {}", y[0]);
    }
}
