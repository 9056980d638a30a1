//! Every SIMD body this machine can run (scalar, 128-bit, AVX2, AVX-512)
//! returns the same bits for every kernel and every form: forward, in place,
//! derivative from x, from the output, and the fused backward passes. The
//! bodies are forced one after the other with `dispatch::force`, on a dense
//! sweep of the f32 bit patterns and on every length 0..=140 (so every
//! block, step and padded tail is exercised). This is the only test binary
//! that calls `force`. Its tests run one at a time (a mutex), so neither can
//! change the body under the other.

mod common;

use neurokern::activation::{Act, Activation};
use neurokern::dispatch::{self, Isa};

/// Every activation of the table, plus parameters of the other sign.
fn acts() -> Vec<Act> {
    let mut v = Act::ALL.to_vec();
    v.extend([Act::LeakyRelu(-0.5), Act::Elu(-0.75)]);
    v
}

/// Every `STRIDE`-th f32 bit pattern, NaNs and infinities included.
const STRIDE: u32 = 509;

fn sweep() -> Vec<f32> {
    (0..=u32::MAX / STRIDE)
        .map(|i| f32::from_bits(i * STRIDE))
        .collect()
}

/// Seven forms of one activation on `x` (and `dy` derived from `x`).
fn all_forms(act: Act, x: &[f32]) -> Vec<Vec<f32>> {
    let n = x.len();
    let dy: Vec<f32> = x.iter().rev().copied().collect();
    let mut out = Vec::new();
    let mut y = vec![0.0; n];
    act.forward(x, &mut y);
    let mut v = x.to_vec();
    act.forward_in_place(&mut v);
    out.push(v);
    let mut d = vec![0.0; n];
    act.derivative(x, &mut d);
    out.push(d.clone());
    if act.has_derivative_from_output() {
        act.derivative_from_output(&y, &mut d);
        out.push(d.clone());
    }
    act.backward(x, &dy, &mut d);
    out.push(d.clone());
    let mut g = dy.clone();
    act.backward_in_place(x, &mut g);
    out.push(g);
    if act.has_derivative_from_output() {
        act.backward_from_output(&y, &dy, &mut d);
        out.push(d);
    }
    out.push(y);
    out
}

fn assert_same_bits(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            common::same(*g, *w),
            "{what}: element {i}: {g:e} ({:#010x}) vs scalar {w:e} ({:#010x})",
            g.to_bits(),
            w.to_bits()
        );
    }
}

fn compare_on(isa: Isa, reference: &[Vec<Vec<f32>>], x: &[f32]) {
    dispatch::force(Some(isa)).unwrap();
    assert_eq!(dispatch::selected(), isa);
    for (act, want) in acts().iter().zip(reference) {
        for (form, (g, w)) in all_forms(*act, x).iter().zip(want).enumerate() {
            assert_same_bits(&format!("{isa} {} form {form}", act.name()), g, w);
        }
    }
}

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn every_supported_body_returns_the_scalar_bits() {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let supported: Vec<Isa> = Isa::ALL
        .into_iter()
        .filter(|i| dispatch::is_supported(*i))
        .collect();
    assert!(supported.contains(&Isa::Scalar));
    assert!(supported.contains(&dispatch::detected()));
    println!(
        "bodies on this machine: {supported:?}, detected {}",
        dispatch::detected()
    );

    let x = sweep();
    dispatch::force(Some(Isa::Scalar)).unwrap();
    let reference: Vec<_> = acts().iter().map(|a| all_forms(*a, &x)).collect();
    // every length, so that every block, step and padded tail runs
    let short: Vec<f32> = common::special_values()
        .into_iter()
        .cycle()
        .take(140 + 7)
        .collect();
    let short_ref: Vec<Vec<_>> = (0..=140)
        .map(|n| {
            acts()
                .iter()
                .map(|a| all_forms(*a, &short[7..7 + n]))
                .collect()
        })
        .collect();
    for isa in supported {
        compare_on(isa, &reference, &x);
        for n in 0..=140 {
            compare_on(isa, &short_ref[n], &short[7..7 + n]);
        }
    }
    // a body the machine lacks is refused and changes nothing
    for isa in Isa::ALL.into_iter().filter(|i| !dispatch::is_supported(*i)) {
        let before = dispatch::selected();
        assert_eq!(dispatch::force(Some(isa)), Err(dispatch::Unsupported(isa)));
        assert_eq!(dispatch::selected(), before);
    }
    dispatch::force(None).unwrap();
    assert_eq!(dispatch::selected(), dispatch::detected());
}

/// A network's forward pass and a whole training run on `isa`, as bits.
fn network_bits(isa: Isa) -> Vec<u32> {
    use neurokern::fingerprint as fp;
    dispatch::force(Some(isa)).unwrap();
    let xor = fp::train_xor(300, 0, |_, _| {});
    let sine = fp::train_sine(40, 0, |_, _| {});
    let mut bits = vec![
        fp::params(&xor.params) as u32,
        fp::params(&sine.params) as u32,
    ];
    for i in 0..64 {
        let mut y = [0.0f32];
        sine.forward(&fp::sine_input(i as f32 * 0.1), &mut y);
        bits.push(y[0].to_bits());
    }
    bits
}

/// The dense layer's scalar path (what a Cortex-M runs: four register
/// accumulators, the activation applied once per layer) and its vector
/// tiles give the same forward passes and the same training runs.
#[test]
fn networks_train_to_the_same_bits_on_every_body() {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let scalar = network_bits(Isa::Scalar);
    for isa in Isa::ALL.into_iter().filter(|i| dispatch::is_supported(*i)) {
        assert_eq!(network_bits(isa), scalar, "{isa}");
    }
    dispatch::force(None).unwrap();
}

/// The int8 table lookup (`int8::Lut`, which has SIMD bodies of its own on
/// x86-64: AVX-512 VBMI and AVX2) gives `table[x as u8]` on every body, for
/// every index and every length 0..=300 (each body's blocks and tails).
#[test]
fn int8_tables_are_looked_up_alike_on_every_body() {
    use neurokern::int8::{Lut, LutKind, Quant};
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // every entry different from its neighbours and from its index
    let table: [i8; 256] = core::array::from_fn(|i| (i * 37 + 11) as u8 as i8);
    let lut = Lut {
        kind: LutKind::Logistic,
        width: 0,
        input: Quant::new(0.1, 0),
        table: &table,
    };
    // every index, in an order that is not the table's
    let x: Vec<i8> = (0..300 + 256).map(|i| (i * 101 + 7) as u8 as i8).collect();
    for isa in Isa::ALL.into_iter().filter(|i| dispatch::is_supported(*i)) {
        dispatch::force(Some(isa)).unwrap();
        for n in 0..=300 {
            for start in [0, 1] {
                let x = &x[start..start + n];
                let mut y = vec![0i8; n];
                lut.run(x, &mut y);
                for (k, (&xk, &yk)) in x.iter().zip(&y).enumerate() {
                    assert_eq!(yk, table[xk as u8 as usize], "{isa} n {n} element {k}");
                }
            }
        }
    }
    dispatch::force(None).unwrap();
}

/// The int8 fully connected layer's dot products (the dispatch module's
/// bodies: AVX-512 VNNI and AVX2 on x86-64, the plain loop, one MAC at a
/// time for `Scalar`) give the same outputs on every body, against a
/// direct i64 sum written here, for widths 1..=70 and around the 64-byte
/// blocks (127–129, 191, 192, 640, and 1,100: past the packed body's
/// 1,024-column pass), extreme weights and inputs, per tensor and per
/// channel, and both arithmetics; and so do the packed weights of
/// `PackedModel` (VNNI, and the plain loop over the packed layout), for
/// whole and partial panels of sixteen rows and chunks of 64. (The Cortex-M4/M33 `SMLAD` body is held to the host by the
/// anomaly detector's fingerprint in `cargo xtask mcu`.)
#[test]
fn int8_fully_connected_layers_agree_on_every_body() {
    use neurokern::int8::{
        fold_bias, Arithmetic, FullyConnected, Multiplier, PackedModel, QLayer, QModel, Quant,
    };
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut s = 0x5eed_u64;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    for fan_in in (1..=70usize).chain([127, 128, 129, 191, 192, 640, 1100]) {
        for fan_out in [1usize, 2, 3, 4, 5, 7, 9, 16, 17, 70] {
            // weights and inputs at the ends of int8 as often as not
            let pick = |r: u64| match r % 4 {
                0 => -128i8,
                1 => 127,
                _ => (r >> 8) as i8,
            };
            let w: Vec<i8> = (0..fan_in * fan_out).map(|_| pick(next())).collect();
            let x: Vec<i8> = (0..fan_in).map(|_| pick(next())).collect();
            let bias: Vec<i32> = (0..fan_out)
                .map(|_| (next() % 20001) as i32 - 10000)
                .collect();
            let input = Quant::new(0.02, (next() % 256) as i32 - 128);
            let output = Quant::new(0.3, (next() % 256) as i32 - 128);
            let mut folded = vec![0; fan_out];
            fold_bias(&w, &bias, input.zero_point, &mut folded);
            let per_channel = fan_in % 2 == 0;
            let scales: Vec<f32> = (0..if per_channel { fan_out } else { 1 })
                .map(|k| 0.001 + 0.0007 * k as f32)
                .collect();
            let mults: Vec<[i32; 2]> = scales
                .iter()
                .map(|&s| Multiplier::from_real(0.02 * s as f64 / 0.3).pair())
                .collect();
            for arithmetic in Arithmetic::ALL {
                let fc = FullyConnected {
                    fan_in,
                    fan_out,
                    weights: &w,
                    folded_bias: &folded,
                    weight_scales: &scales,
                    input,
                    output,
                    multipliers: &mults,
                    clamp: (-128, 127),
                    arithmetic,
                };
                assert!(fc.is_consistent());
                // the direct sum, requantized by the public Multiplier
                let want: Vec<i8> = (0..fan_out)
                    .map(|o| {
                        let acc: i64 = (0..fan_in)
                            .map(|i| {
                                w[o * fan_in + i] as i64 * (x[i] as i64 - input.zero_point as i64)
                            })
                            .sum::<i64>()
                            + bias[o] as i64;
                        let m =
                            Multiplier::from_pair(mults[if per_channel { o } else { 0 }]).unwrap();
                        (m.apply_as(acc as i32, arithmetic) + output.zero_point).clamp(-128, 127)
                            as i8
                    })
                    .collect();
                let layers = [QLayer::FullyConnected(fc)];
                let model = QModel::new(input, output, &layers).unwrap();
                let packed = PackedModel::always(model);
                let mut scratch = vec![0i8; 2 * model.max_width()];
                for isa in Isa::ALL.into_iter().filter(|i| dispatch::is_supported(*i)) {
                    dispatch::force(Some(isa)).unwrap();
                    let mut y = vec![0i8; fan_out];
                    fc.run(&x, &mut y);
                    assert_eq!(
                        y, want,
                        "{isa} fan_in {fan_in} fan_out {fan_out} {arithmetic:?}"
                    );
                    let mut y = vec![0i8; fan_out];
                    packed.run(&x, &mut y, &mut scratch).unwrap();
                    assert_eq!(
                        y, want,
                        "packed, {isa} fan_in {fan_in} fan_out {fan_out} {arithmetic:?}"
                    );
                }
            }
        }
    }
    dispatch::force(None).unwrap();
}

/// The packed VNNI body requantizes sixteen rows in registers (the
/// `High` and `Double` forms of `int8/requant.rs` redone with `vpmuldq`):
/// it gives the row-major layer's outputs (themselves tested against
/// `Multiplier::apply_as`) for sums at the ends of i32 and around the
/// `Double` form's cap, every shift, mantissas at both ends, zero points
/// and clamps, whole and partial panels — on every body.
#[test]
fn packed_requantization_agrees_at_the_extremes() {
    use neurokern::int8::{Arithmetic, FullyConnected, PackedModel, QLayer, QModel, Quant};
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (fan_in, fan_out) = (4usize, 33usize);
    let w: Vec<i8> = (0..fan_in * fan_out)
        .map(|k| [1, -1, 2, 0][k % 4])
        .collect();
    let x = [1i8, 1, 1, 1]; // each row's sum is its bias + 2
    let cap = i32::MAX - (1 << 22);
    let mut bias = vec![
        i32::MAX - 2,
        i32::MAX - 3,
        cap - 3,
        cap - 2,
        cap - 1,
        (1 << 30) - 2,
        (1 << 30) - 3,
        -2,
        -3,
        -1,
        0,
        -(1 << 30),
        i32::MIN,
        i32::MIN + 1,
        (1 << 23) - 2,
        -(1 << 23) - 2,
    ];
    let mut s = 0x1234_5678_9abc_def0_u64;
    while bias.len() < fan_out {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        bias.push(((s >> 32) as i32) >> (s % 31));
    }
    let outs = [
        (0, -128, 127),
        (-128, -128, 127),
        (127, -128, 127),
        (5, 5, 127),
        (-3, -9, 3),
    ];
    let mut checked = 0;
    for shift in -31..=0 {
        for mantissa in [1 << 30, (1 << 30) + 12_345, i32::MAX] {
            for arithmetic in Arithmetic::ALL {
                for (zp, lo, hi) in outs {
                    let q = Quant::new(0.1, zp);
                    let fc = FullyConnected {
                        fan_in,
                        fan_out,
                        weights: &w,
                        folded_bias: &bias,
                        weight_scales: &[0.01],
                        input: q,
                        output: q,
                        multipliers: &[[mantissa, shift]],
                        clamp: (lo, hi),
                        arithmetic,
                    };
                    assert!(fc.is_consistent());
                    let mut want = vec![0i8; fan_out];
                    fc.run(&x, &mut want);
                    let layers = [QLayer::FullyConnected(fc)];
                    let model = QModel::new(q, q, &layers).unwrap();
                    let packed = PackedModel::always(model);
                    let mut scratch = vec![0i8; 2 * model.max_width()];
                    for isa in Isa::ALL.into_iter().filter(|i| dispatch::is_supported(*i)) {
                        dispatch::force(Some(isa)).unwrap();
                        let mut y = vec![0i8; fan_out];
                        packed.run(&x, &mut y, &mut scratch).unwrap();
                        assert_eq!(
                            y, want,
                            "{isa} shift {shift} mantissa {mantissa} {arithmetic:?} zp {zp}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked >= 32 * 3 * 2 * 5);
    dispatch::force(None).unwrap();
}

#[test]
#[should_panic(expected = "element 3")]
fn the_comparison_fails_on_one_changed_bit() {
    let want = [0.5f32, -1.0, 3.0e-40, 0.25];
    let mut got = want;
    got[3] = f32::from_bits(got[3].to_bits() ^ 1);
    assert_same_bits("changed", &got, &want);
}
