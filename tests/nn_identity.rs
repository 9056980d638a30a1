//! The dense layer's forward and backward passes against plain scalar
//! reference code written in the crate's canonical orders: bit for bit.

#![allow(clippy::needless_range_loop)] // reference code indexes like the maths

use neurokern::activation::{Act, Activation};
use neurokern::nn::init::{normal, SplitMix64};
use neurokern::nn::{Dense, DenseParams, Layer, ParamSet};

const PARTIALS: usize = 8;

fn tree8(p: [f32; 8]) -> f32 {
    ((p[0] + p[4]) + (p[2] + p[6])) + ((p[1] + p[5]) + (p[3] + p[7]))
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut p = [0.0f32; PARTIALS];
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        p[i % PARTIALS] += x * y;
    }
    tree8(p)
}

fn check<const IN: usize, const OUT: usize>(act: Act, seed: u64) {
    let mut rng = SplitMix64::new(seed);
    let mut p = DenseParams::<IN, OUT>::ZERO;
    p.for_each_mut(&mut |s| s.iter_mut().for_each(|v| *v = normal(&mut rng)));
    let x: [f32; IN] = core::array::from_fn(|_| normal(&mut rng) * 2.0);
    let layer = Dense::<IN, OUT>::new(act);

    // forward
    let mut y = [0.0f32; OUT];
    layer.forward(&p, &x, &mut y);
    let want: [f32; OUT] = core::array::from_fn(|o| {
        let mut acc = 0.0f32;
        for i in 0..IN {
            acc += p.w[i][o] * x[i];
        }
        act.forward_scalar(acc + p.b[o])
    });
    assert_eq!(
        y.map(f32::to_bits),
        want.map(f32::to_bits),
        "{IN}x{OUT} {act:?} forward"
    );

    // the training forward pass keeps z and y, the same bits as inference
    let mut cache = Dense::<IN, OUT>::CACHE;
    layer.forward_cached(&p, &x, &mut cache);
    assert_eq!(
        cache.y.map(f32::to_bits),
        y.map(f32::to_bits),
        "{act:?} cached"
    );
    let z: [f32; OUT] = core::array::from_fn(|o| {
        let mut acc = 0.0f32;
        for i in 0..IN {
            acc += p.w[i][o] * x[i];
        }
        acc + p.b[o]
    });
    assert_eq!(cache.z.map(f32::to_bits), z.map(f32::to_bits), "{act:?} z");

    // backward
    let dy0: [f32; OUT] = core::array::from_fn(|_| normal(&mut rng));
    let mut dy = dy0;
    let mut dx = [0.0f32; IN];
    let mut g = DenseParams::<IN, OUT>::ZERO;
    g.b = [0.25; OUT]; // gradients accumulate
    layer.backward(&p, &x, &cache, &mut dy, Some(&mut dx), &mut g);
    // φ' from y where the activation allows it, from z otherwise
    let dz: [f32; OUT] = core::array::from_fn(|o| {
        let d = if act.has_derivative_from_output() {
            act.derivative_from_output_scalar(y[o])
        } else {
            act.derivative_scalar(z[o])
        };
        dy0[o] * d
    });
    for i in 0..IN {
        for o in 0..OUT {
            assert_eq!(
                g.w[i][o].to_bits(),
                (0.0 + x[i] * dz[o]).to_bits(),
                "dW[{i}][{o}]"
            );
        }
        assert_eq!(dx[i].to_bits(), dot(&p.w[i], &dz).to_bits(), "dx[{i}]");
    }
    for o in 0..OUT {
        assert_eq!(g.b[o].to_bits(), (0.25 + dz[o]).to_bits(), "db[{o}]");
    }
}

#[test]
fn dense_forward_and_backward_match_the_scalar_reference() {
    let mut acts = Act::ALL.to_vec();
    acts.extend([Act::LeakyRelu(0.05), Act::LeakyRelu(-0.5), Act::Elu(0.3)]);
    for act in acts {
        check::<1, 16>(act, 1);
        check::<2, 8>(act, 2);
        check::<16, 16>(act, 3);
        check::<17, 45>(act, 4);
        check::<64, 10>(act, 5);
        check::<33, 70>(act, 6);
        check::<5, 130>(act, 7);
    }
}
