//! Each defect that probing found (issue "Bad input gets a clear error,
//! never a wrong answer"), as its minimal reproduction. Every test here
//! failed before its fix.

use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::io::{crc32, BlobError, BlobModel};
use neurokern::nn::loss::Loss;
use neurokern::nn::optim::{Adam, Momentum, Sgd};
use neurokern::nn::{Dense, DenseParams, Layer, Network, ParamSet, Repeat, TrainError, Trainer};

type One = Dense<1, 1>;

fn one(act: Act, w: f32, b: f32) -> Network<One> {
    Network::with_params(Dense::new(act), DenseParams { w: [[w]], b: [b] })
}

/// Item 1: with α < 0 the output's sign no longer tells the input's, so φ'
/// from the cached output is wrong (the crate once gave dL/dw = −1; the
/// truth is 0.5). The layer now takes φ' from its cached pre-activation z
/// whenever y cannot tell, so a negative slope trains with the right
/// gradient; a non-finite slope is refused.
#[test]
fn leaky_relu_with_a_negative_slope_gets_the_right_gradient() {
    // y = α·w·x for w·x < 0; L = (y − 0)², x = −1, w = 1: dL/dw = 2·y·α·x
    let net = one(Act::LeakyRelu(-0.5), 1.0, 0.0);
    let mut t = Trainer::<One, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse);
    t.compute_gradients(&net, &[[-1.0]], &[[0.0]]).unwrap();
    let mut g = [0.0f32; 2];
    t.gradients().copy_to(&mut g);
    // y = −0.5·(−1) = 0.5; dL/dy = 2·0.5 = 1; dy/dz = −0.5; dz/dw = −1
    assert_eq!(g, [0.5, -0.5]);
    for alpha in [f32::NAN, f32::INFINITY] {
        let mut net = one(Act::LeakyRelu(alpha), 1.0, 0.0);
        let before = net;
        let mut t = Trainer::<One, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse);
        let e = t.compute_gradients(&net, &[[-1.0]], &[[0.0]]).unwrap_err();
        assert!(
            matches!(e, TrainError::UntrainableActivation { layer: 0, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("must be finite"));
        assert!(t.step(&mut net, &[[-1.0]], &[[0.0]]).is_err());
        assert_eq!(net.params, before.params);
    }
}

/// Item 2: Hyper-parameters out of range, and updates that would write NaN or
/// infinity, are refused with the parameters and moments untouched.
#[test]
fn bad_hyperparameters_and_non_finite_updates_are_refused() {
    let xs = [[1.0f32]];
    let ts = [[3.0f32]];
    let invalid = |e: Result<f32, TrainError>, name: &str| match e {
        Err(TrainError::InvalidHyperparameter { name: n, .. }) => assert_eq!(n, name),
        other => panic!("{name}: {other:?}"),
    };
    for lr in [f32::INFINITY, f32::NAN, -1.0] {
        let mut net = one(Act::Identity, 0.5, 0.0);
        invalid(
            Trainer::<One, Sgd>::new(Sgd { lr }, Loss::Mse).step(&mut net, &xs, &ts),
            "lr",
        );
    }
    let mut net = one(Act::Identity, 0.5, 0.0);
    invalid(
        Trainer::<One, Momentum>::new(Momentum { lr: 0.1, beta: 1.5 }, Loss::Mse)
            .step(&mut net, &xs, &ts),
        "beta",
    );
    let adam = Adam {
        eps: 0.0,
        ..Adam::new(0.1)
    };
    invalid(
        Trainer::<One, Adam>::new(adam, Loss::Mse).step(&mut net, &xs, &ts),
        "eps",
    );
    for c in [f32::NAN, -1.0, 0.0, f32::INFINITY] {
        let t = Trainer::<One, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse).with_clip_norm(c);
        let mut t = t;
        invalid(t.step(&mut net, &xs, &ts), "clip_norm");
    }
    // lr = f32::MAX is in range, but the update would write −∞
    let mut net = one(Act::Identity, 0.5, 0.0);
    let before = net;
    let mut t = Trainer::<One, Sgd>::new(Sgd { lr: f32::MAX }, Loss::Mse);
    assert_eq!(
        t.step(&mut net, &xs, &ts),
        Err(TrainError::NonFiniteUpdate { step: 0 })
    );
    assert_eq!(net.params, before.params);
    assert_eq!(t.steps(), 0);
    // a NaN target: compute_gradients reports it instead of Ok(NaN)
    let mut t = Trainer::<One, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse);
    assert!(matches!(
        t.compute_gradients(&net, &xs, &[[f32::NAN]]),
        Err(TrainError::NonFiniteLoss { step: 0, .. })
    ));
}

/// Item 3: A finite gradient whose Σg² overflows f32 (3.2e36 here) is clipped,
/// not refused as non-finite.
#[test]
fn clipping_a_finite_gradient_whose_square_overflows() {
    let mut net = one(Act::Identity, 0.0, 0.0);
    let mut t = Trainer::<One, Sgd>::new(Sgd { lr: 1.0 }, Loss::Mse).with_clip_norm(1.0);
    let loss = t.step(&mut net, &[[2.0e18]], &[[8.0e17]]).unwrap();
    assert_eq!(loss, 6.4e35);
    // the gradient (−3.2e36, −1.6e18) clipped to norm 1 is (−1, −5e−19)
    assert_eq!(net.params.w, [[1.0]]);
    assert!((net.params.b[0] - 5.0e-19).abs() < 1e-24);
}

/// Item 4: Softmax cross-entropy at large logits: log s + (m − z), not
/// (log s + m) − z.
#[test]
fn softmax_cross_entropy_keeps_its_precision_at_large_logits() {
    let z = [-1.0e4f32, -1.0e4 + 1.0, -1.0e4 + 2.0, -1.0e4];
    let mut dy = [0.0; 4];
    let l = Loss::SoftmaxCrossEntropy.value_and_grad(&z, &[1.0, 0.0, 0.0, 0.0], &mut dy);
    let exact = 2.0 + (2.0f64 * (-2.0f64).exp() + (-1.0f64).exp() + 1.0).ln();
    assert!((f64::from(l) - exact).abs() < 3e-7, "{l} vs {exact}"); // was 2.4941406
}

/// Item 5: `gradients()` documents what it returns: after a clipped step, the
/// clipped gradient.
#[test]
fn gradients_after_a_clipped_step_are_the_clipped_ones() {
    let mut net = one(Act::Identity, 0.0, 0.0);
    let mut t = Trainer::<One, Sgd>::new(Sgd { lr: 1.0 }, Loss::Mse).with_clip_norm(1.0);
    t.compute_gradients(&net, &[[1.0]], &[[3.0]]).unwrap();
    assert_eq!((t.gradients().w, t.gradients().b), ([[-6.0]], [-6.0]));
    t.step(&mut net, &[[1.0]], &[[3.0]]).unwrap();
    let g = t.gradients();
    assert!((g.w[0][0] + std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    assert!((g.b[0] + std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
}

/// Item 7: `to_bytes` never writes a blob that `from_bytes` refuses.
#[test]
fn what_cannot_be_stored_is_refused_when_writing() {
    type Deep = mlp![Dense<1, 2>, Repeat<2, 40>, Dense<2, 1>];
    let net = Network::<Deep>::new(Deep::DEFAULT);
    let mut buf = vec![0u8; Network::<Deep>::BLOB_BYTES];
    assert_eq!(
        net.to_bytes(&mut buf),
        Err(BlobError::LayerCount { found: 42 })
    );
    let empty = Network::<Dense<0, 2>>::new(Dense::new(Act::Identity));
    let mut buf = vec![0u8; Network::<Dense<0, 2>>::BLOB_BYTES];
    assert!(matches!(
        empty.to_bytes(&mut buf),
        Err(BlobError::BadShape { layer: 0, .. })
    ));
    let bad = one(Act::Identity, f32::NAN, 0.0);
    let mut buf = vec![0u8; Network::<One>::BLOB_BYTES];
    assert_eq!(
        bad.to_bytes(&mut buf),
        Err(BlobError::NonFiniteParameter { index: 0 })
    );
}

fn blob_with(act: Act, stored_alpha: f32) -> Vec<u8> {
    let mut b = vec![0u8; Network::<One>::BLOB_BYTES];
    one(Act::Identity, 1.0, 0.0).to_bytes(&mut b).unwrap();
    b[16] = act.code();
    b[20..24].copy_from_slice(&stored_alpha.to_le_bytes());
    let n = b.len() - 4;
    let c = crc32(&b[..n]);
    b[n..].copy_from_slice(&c.to_le_bytes());
    b
}

/// Item 8: Blobs with a non-finite slope, or a slope on a layer without
/// one, are refused (α = NaN made `predict` return NaN). A negative slope
/// is a valid leaky ReLU (and trains, see above).
#[test]
fn blobs_with_bad_slopes_are_refused() {
    for (act, alpha) in [
        (Act::LeakyRelu(0.0), f32::NAN),
        (Act::LeakyRelu(0.0), f32::NEG_INFINITY),
        (Act::Elu(1.0), f32::INFINITY),
        (Act::Relu, 0.25),
        (Act::Identity, -0.0),
    ] {
        let b = blob_with(act, alpha);
        let want = BlobError::BadSlope {
            layer: 0,
            bits: alpha.to_bits(),
        };
        assert_eq!(BlobModel::parse(&b).unwrap_err(), want, "{act:?} {alpha}");
        assert_eq!(Network::<One>::from_bytes(&b).unwrap_err(), want);
        assert!(want.to_string().contains("parameter"));
    }
    // and good slopes (either sign) still load and write back the same bytes
    for (act, alpha) in [
        (Act::LeakyRelu(0.0), 0.125),
        (Act::LeakyRelu(0.0), -0.5),
        (Act::Elu(1.0), 2.0),
    ] {
        let b = blob_with(act, alpha);
        let net = Network::<One>::from_bytes(&b).unwrap();
        let mut again = vec![0u8; b.len()];
        net.to_bytes(&mut again).unwrap();
        assert_eq!(again, b);
    }
}

/// Item 13: A report interval of 0 does not divide by zero.
#[test]
fn fingerprint_training_with_a_zero_report_interval() {
    let mut reported = Vec::new();
    neurokern::fingerprint::train_xor(3, 0, |s, _| reported.push(s));
    neurokern::fingerprint::train_sine(3, 0, |s, _| reported.push(s));
    assert_eq!(reported, [2, 2]);
}

// ---- issue 25: probed from outside -------------------------------------

/// Issue 25, point 1: `parse_with_capacity` reported `Capacity` as soon as
/// it reached record `MAX`, before the later records, the length, the CRC
/// and the parameters were checked, so a corrupt deep blob was reported as
/// too deep. Now the whole blob is checked first and `Capacity` means "valid,
/// but deeper than `MAX`".
#[test]
fn capacity_is_reported_only_for_an_otherwise_valid_blob() {
    type N = mlp![Dense<1, 1>, Dense<1, 1>, Dense<1, 1>, Dense<1, 1>];
    let net = Network::<N>::new(mlp![
        Dense::new(Act::Relu),
        Dense::new(Act::Relu),
        Dense::new(Act::Relu),
        Dense::new(Act::Relu)
    ]);
    let mut good = [0u8; Network::<N>::BLOB_BYTES];
    net.to_bytes(&mut good).unwrap();
    let n = good.len();
    assert_eq!(
        BlobModel::<3>::parse_with_capacity(&good).unwrap_err(),
        BlobError::Capacity {
            found: 4,
            capacity: 3
        }
    );
    assert_eq!(
        BlobModel::<4>::parse_with_capacity(&good)
            .unwrap()
            .layers()
            .len(),
        4
    );

    let mut crc = good;
    crc[n - 1] ^= 1; // the reproduction: a broken CRC
    let mut shape = good; // the last record's fan-out, past the capacity
    shape[8 + 16 * 3 + 4..8 + 16 * 3 + 8].copy_from_slice(&0u32.to_le_bytes());
    let mut kind = good; // the last record's layer kind
    kind[8 + 16 * 3 + 9] = 0x7f;
    let mut param = good; // the last parameter: NaN, CRC resealed
    param[n - 8..n - 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let c = crc32(&param[..n - 4]);
    param[n - 4..].copy_from_slice(&c.to_le_bytes());
    for (what, b) in [
        ("crc", &crc[..]),
        ("truncated", &good[..n - 1]),
        ("shape", &shape[..]),
        ("kind", &kind[..]),
        ("param", &param[..]),
    ] {
        let full = BlobModel::parse(b).unwrap_err();
        assert!(!matches!(full, BlobError::Capacity { .. }), "{what}");
        for got in [
            BlobModel::<0>::parse_with_capacity(b).map(|_| ()),
            BlobModel::<1>::parse_with_capacity(b).map(|_| ()),
            BlobModel::<3>::parse_with_capacity(b).map(|_| ()),
        ] {
            assert_eq!(got, Err(full), "{what}");
        }
    }
}

/// Issue 25, point 2: what the docs say of slopes, pinned. A negative α is a
/// valid leaky ReLU: it writes, loads and trains (the gradient is checked in
/// `leaky_relu_with_a_negative_slope_gets_the_right_gradient`); a NaN or
/// infinite α is refused by `to_bytes`, by both blob readers and by the
/// trainer (the C loader: `ffi/tests/abi.rs`).
#[test]
fn slopes_do_what_the_docs_say() {
    let mut b = vec![0u8; Network::<One>::BLOB_BYTES];
    let neg = one(Act::LeakyRelu(-0.5), 1.0, 0.0);
    assert_eq!(neg.to_bytes(&mut b), Ok(b.len()));
    assert_eq!(Network::<One>::from_bytes(&b).unwrap(), neg);
    assert!(BlobModel::parse(&b).is_ok());
    let mut net = neg;
    let mut t = Trainer::<One, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse);
    t.step(&mut net, &[[-1.0]], &[[0.0]]).unwrap();
    assert_ne!(net.params, neg.params, "a negative slope trains");

    for alpha in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        for act in [Act::LeakyRelu(alpha), Act::Elu(alpha)] {
            let bad = one(act, 1.0, 0.0);
            let want = BlobError::BadSlope {
                layer: 0,
                bits: alpha.to_bits(),
            };
            assert_eq!(bad.to_bytes(&mut b), Err(want), "{act:?}");
            let stored = blob_with(act, alpha);
            assert_eq!(BlobModel::parse(&stored).unwrap_err(), want);
            assert_eq!(Network::<One>::from_bytes(&stored).unwrap_err(), want);
            let mut t = Trainer::<One, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse);
            let mut net = bad;
            assert!(matches!(
                t.step(&mut net, &[[-1.0]], &[[0.0]]),
                Err(TrainError::UntrainableActivation { layer: 0, .. })
            ));
        }
    }
}

/// Issue 25, point 2, the documents: README and CHANGELOG once listed a
/// negative slope among the refusals. Each sentence that did is named here,
/// and the documents must say that a negative slope trains.
#[test]
fn the_documents_do_not_refuse_negative_slopes() {
    let root = env!("CARGO_MANIFEST_DIR");
    for file in ["README.md", "CHANGELOG.md", "ARCHITECTURE.md"] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for wrong in [
            "slope that is negative or not finite",
            "infinite or negative leaky slope",
            "leaky ReLU with α < 0 is refused",
        ] {
            assert!(!flat.contains(wrong), "{file} says: {wrong:?}");
        }
    }
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("a negative slope trains"), "README");
}
