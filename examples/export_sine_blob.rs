//! Trains the 1-16-16-1 sine network (as `examples/sine.rs`) and writes it in
//! the crate's blob format for the firmware's `sine` program.
//!
//! `cargo run --release --example export_sine_blob -- firmware/data/sine.nkb`

#[path = "sine.rs"]
#[allow(dead_code)]
mod sine;

use neurokern::nn::Network;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "firmware/data/sine.nkb".into());
    let out = sine::train(7, 3000);
    let mut buf = vec![0u8; Network::<sine::Sine>::BLOB_BYTES];
    let n = out
        .net
        .to_bytes(&mut buf)
        .expect("buffer sized by BLOB_BYTES");
    std::fs::write(&path, &buf[..n]).expect("write the blob");
    println!(
        "sine network (MSE {:.3e} on 256 points) written to {path}: {n} bytes",
        out.mse
    );
}
