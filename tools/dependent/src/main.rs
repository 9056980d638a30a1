//! A plain dependent of neurokern, as a user's crate: default features, and
//! built by `.ci/run` with `RUSTFLAGS="-C target-cpu=x86-64"` (the baseline
//! every dependent gets, overriding the repository's `target-cpu=native`).
//! It checks that the kernels run the widest body this CPU has, which it
//! asks std's own detection for, and that the body gives the scalar bits.
//!
//! `RUSTFLAGS="-C target-cpu=x86-64" cargo run --release --manifest-path tools/dependent/Cargo.toml`
//! (`-- --pin-narrower` shows the check failing on a narrower body).

use neurokern::activation;
use neurokern::dispatch::{self, Isa};
use std::process::ExitCode;

/// The widest body this CPU can run, by std's detection (not neurokern's).
fn widest() -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") {
            return Isa::Avx512;
        }
        if std::is_x86_feature_detected!("avx2") {
            return Isa::Avx2;
        }
        Isa::Vector128
    }
    #[cfg(target_arch = "aarch64")]
    {
        Isa::Vector128
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        Isa::Scalar
    }
}

fn main() -> ExitCode {
    // the check's own test: `--pin-narrower` pins a narrower body first, as
    // a build without run-time detection would run, and must then fail
    if std::env::args().any(|a| a == "--pin-narrower") {
        let narrower = match widest() {
            Isa::Avx512 => Isa::Avx2,
            _ => Isa::Scalar,
        };
        dispatch::force(Some(narrower)).unwrap();
    }
    let compiled_avx2 = cfg!(target_feature = "avx2");
    let x: Vec<f32> = (0..4099).map(|i| (i as f32 - 2049.0) * 0.013).collect();
    let mut y = vec![0.0f32; x.len()];
    activation::sigmoid(&x, &mut y);
    let ran = dispatch::selected();
    let want = widest();
    println!(
        "a plain dependent (default features, compiled for AVX2: {compiled_avx2}): \
         the kernels ran the {ran} body; the widest this CPU has is {want}"
    );
    let mut reference = vec![0.0f32; x.len()];
    let pinned = dispatch::selected();
    dispatch::force(Some(Isa::Scalar)).unwrap();
    activation::sigmoid(&x, &mut reference);
    dispatch::force(Some(pinned)).unwrap();
    let same = y
        .iter()
        .zip(&reference)
        .all(|(a, b)| a.to_bits() == b.to_bits());
    if ran != want {
        eprintln!("FAILED: a plain dependent runs {ran}, not the CPU's widest body {want}");
        return ExitCode::FAILURE;
    }
    if !same {
        eprintln!("FAILED: the {ran} body's bits differ from the scalar body's");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
