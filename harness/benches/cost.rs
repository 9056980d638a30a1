//! The `cost` comparison of `cargo harness cost` as a criterion benchmark:
//! every activation and derivative, four implementations (this crate's SIMD
//! kernel, its scalar path, libm, naive std; int8 where there is one), L1-
//! and L2-sized buffers.
//!
//! `cargo bench -p neurokern-harness --bench cost`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use neurokern_harness::cost::{input, input_int8, subjects, SIZES};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    for s in subjects() {
        for &(label, n) in SIZES.iter().filter(|(l, _)| *l != "DRAM") {
            let mut g = c.benchmark_group(format!("{}/{label}", s.name));
            g.throughput(Throughput::Elements(n as u64));
            let x = input(n);
            let mut y = vec![0.0f32; n];
            let xq = input_int8(n);
            let mut yq = vec![0i8; n];
            for (variant, f) in &s.variants {
                g.bench_function(BenchmarkId::from_parameter(variant), |b| {
                    b.iter(|| f.pass(&x, &mut y, &xq, &mut yq))
                });
            }
            g.finish();
        }
    }
}

criterion_group! {
    name = cost;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    targets = bench
}
criterion_main!(cost);
