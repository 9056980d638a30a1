//! The MLP against nalgebra's static matrices, in the same run.
//!
//! `cargo bench --bench mlp`
//!
//! * `dense16`, `dense64`: one dense layer forward (matrix-vector product,
//!   bias, ReLU) — neurokern's fused kernel, nalgebra's bare `SMatrix *
//!   SVector`, and nalgebra with bias and ReLU.
//! * `train_1_16_16_1`, `train_64_64_64_10`: one SGD step on one sample
//!   (forward, MSE, back-propagation, update) — neurokern's `Trainer`
//!   against the same network written with nalgebra.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nalgebra::{SMatrix, SVector};
use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::init::{normal, Init, SplitMix64};
use neurokern::nn::loss::Loss;
use neurokern::nn::optim::Sgd;
use neurokern::nn::{Dense, DenseParams, Layer, Network, ParamSet, Trainer};
use std::hint::black_box;
use std::time::Duration;

fn random<const R: usize, const C: usize>(rng: &mut SplitMix64) -> SMatrix<f32, R, C> {
    SMatrix::from_fn(|_, _| normal(rng) * 0.3)
}

fn dense<const N: usize>(c: &mut Criterion, name: &str) {
    let mut rng = SplitMix64::new(1);
    let w: SMatrix<f32, N, N> = random(&mut rng);
    let b: SVector<f32, N> = random(&mut rng);
    let x: SVector<f32, N> = random(&mut rng);
    // the same numbers for neurokern: w[i][o] = W[(o, i)]
    let p = DenseParams::<N, N> {
        w: core::array::from_fn(|i| core::array::from_fn(|o| w[(o, i)])),
        b: core::array::from_fn(|o| b[o]),
    };
    let xa: [f32; N] = core::array::from_fn(|i| x[i]);
    let layer = Dense::<N, N>::new(Act::Relu);
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements((N * N) as u64));
    g.bench_function("neurokern_fused", |bch| {
        let mut y = [0.0f32; N];
        bch.iter(|| {
            layer.forward(black_box(&p), black_box(&xa), &mut y);
            black_box(&y);
        })
    });
    g.bench_function("nalgebra_matvec", |bch| {
        bch.iter(|| black_box(black_box(&w) * black_box(&x)))
    });
    g.bench_function("nalgebra_matvec_bias_relu", |bch| {
        bch.iter(|| black_box((black_box(&w) * black_box(&x) + black_box(&b)).map(|v| v.max(0.0))))
    });
    g.finish();
}

/// A three-layer tanh, tanh, identity MLP with nalgebra, trained by SGD on MSE.
struct NaMlp<const I: usize, const H: usize, const O: usize> {
    w1: SMatrix<f32, H, I>,
    b1: SVector<f32, H>,
    w2: SMatrix<f32, H, H>,
    b2: SVector<f32, H>,
    w3: SMatrix<f32, O, H>,
    b3: SVector<f32, O>,
}

impl<const I: usize, const H: usize, const O: usize> NaMlp<I, H, O> {
    fn new(rng: &mut SplitMix64) -> Self {
        Self {
            w1: random(rng),
            b1: SVector::zeros(),
            w2: random(rng),
            b2: SVector::zeros(),
            w3: random(rng),
            b3: SVector::zeros(),
        }
    }
    fn step(&mut self, x: &SVector<f32, I>, t: &SVector<f32, O>, lr: f32) -> f32 {
        let h1 = (self.w1 * x + self.b1).map(f32::tanh);
        let h2 = (self.w2 * h1 + self.b2).map(f32::tanh);
        let y = self.w3 * h2 + self.b3;
        let e = y - t;
        let loss = e.norm_squared() / O as f32;
        let d3 = e * (2.0 / O as f32);
        let d2 = (self.w3.transpose() * d3).component_mul(&h2.map(|v| 1.0 - v * v));
        let d1 = (self.w2.transpose() * d2).component_mul(&h1.map(|v| 1.0 - v * v));
        self.w3 -= d3 * h2.transpose() * lr;
        self.b3 -= d3 * lr;
        self.w2 -= d2 * h1.transpose() * lr;
        self.b2 -= d2 * lr;
        self.w1 -= d1 * x.transpose() * lr;
        self.b1 -= d1 * lr;
        loss
    }
}

fn train<const I: usize, const H: usize, const O: usize>(c: &mut Criterion, name: &str)
where
    mlp![Dense<I, H>, Dense<H, H>, Dense<H, O>]: Layer<Input = [f32; I], Output = [f32; O]>,
{
    type Net<const I: usize, const H: usize, const O: usize> =
        mlp![Dense<I, H>, Dense<H, H>, Dense<H, O>];
    let mut net = Network::<Net<I, H, O>>::new(mlp![
        Dense::new(Act::Tanh),
        Dense::new(Act::Tanh),
        Dense::new(Act::Identity)
    ]);
    net.init(Init::Auto, &mut SplitMix64::new(2));
    let mut trainer = Trainer::<Net<I, H, O>, Sgd>::new(Sgd { lr: 1e-3 }, Loss::Mse);
    let mut rng = SplitMix64::new(3);
    let x: [f32; I] = core::array::from_fn(|_| normal(&mut rng));
    let t: [f32; O] = core::array::from_fn(|_| normal(&mut rng));
    let mut na = NaMlp::<I, H, O>::new(&mut rng);
    let (xn, tn) = (
        SVector::<f32, I>::from_fn(|i, _| x[i]),
        SVector::<f32, O>::from_fn(|i, _| t[i]),
    );
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(1));
    g.bench_function("neurokern_sgd_step", |b| {
        b.iter(|| {
            black_box(
                trainer
                    .step(&mut net, black_box(&[x]), black_box(&[t]))
                    .unwrap(),
            )
        })
    });
    g.bench_function("nalgebra_sgd_step", |b| {
        b.iter(|| black_box(na.step(black_box(&xn), black_box(&tn), 1e-3)))
    });
    g.finish();
    let _ = <Net<I, H, O> as Layer>::Params::LEN;
}

fn benches(c: &mut Criterion) {
    dense::<16>(c, "dense16");
    dense::<64>(c, "dense64");
    train::<1, 16, 1>(c, "train_1_16_16_1");
    train::<64, 64, 10>(c, "train_64_64_64_10");
}

criterion_group! {
    name = mlp_benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30);
    targets = benches
}
criterion_main!(mlp_benches);
