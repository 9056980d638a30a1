//! Writes the models and cases that `tools/check_litert.py` runs through
//! LiteRT: `cargo run -p neurokern-tflite --example litert_cases -- DIR`.
//!
//! For each model, `DIR/<name>.tflite` (written by this crate) and
//! `DIR/<name>.json` (inputs, and neurokern's outputs for them):
//!
//! * `sine_ptq`: the firmware's sine network (tanh, tanh, linear),
//!   quantized post-training, per channel, every int8 input;
//! * `mixed_per_tensor`, `mixed_float_io`: a random 8-12-10-6-4-3 network
//!   through σ, leaky ReLU, ReLU6, ReLU, identity, per tensor with int8
//!   input, and per channel with float input and output;
//! * `table_*`: one pass-through fully connected layer then LOGISTIC,
//!   TANH or LEAKY_RELU, fed all 256 inputs, for several input
//!   quantizations — every entry of every table checked;
//! * `tf_sine`: TensorFlow's own converted model (tests/data/tf_sine.tflite),
//!   read and run here;
//! * `tflm_*`: the same models and tables with TFLite Micro's arithmetic
//!   (double rounding, fixed-point LOGISTIC/TANH tables), which the script
//!   runs through the `tflite-micro` interpreter instead (`"runtime":
//!   "tflm"` in the JSON).
use std::path::{Path, PathBuf};

use neurokern::activation::Act;
use neurokern::fingerprint::Sine;
use neurokern::int8::{
    quantize_network, Arithmetic, Fused, LeakyRelu, LutKind, OwnedLayer, OwnedModel, PtqOptions,
    Quant,
};
use neurokern::mlp;
use neurokern::nn::init::{uniform, Init, SplitMix64};
use neurokern::nn::{Dense, Network};
use neurokern_tflite::{read, write, WriteOptions};

type Mixed = mlp![Dense<8, 12>, Dense<12, 10>, Dense<10, 6>, Dense<6, 4>, Dense<4, 3>];

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/litert".into()),
    );
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();

    // the firmware's sine network
    let sine =
        Network::<Sine>::from_bytes(&std::fs::read(root.join("firmware/data/sine.nkb")).unwrap())
            .unwrap();
    let calib: Vec<[f32; 1]> = (0..256).map(|k| [k as f32 / 127.5 - 1.0]).collect();
    let q = quantize_network(&sine, &calib, PtqOptions::default()).unwrap();
    emit(&dir, "sine_ptq", &q, false, &all_inputs(1));

    // a random network through every supported activation
    let mut net = Network::<Mixed>::new(mlp![
        Dense::new(Act::Sigmoid),
        Dense::new(Act::LeakyRelu(0.1)),
        Dense::new(Act::Relu6),
        Dense::new(Act::Relu),
        Dense::new(Act::Identity)
    ]);
    net.init(Init::Auto, &mut SplitMix64::new(11));
    let mut rng = SplitMix64::new(5);
    let calib: Vec<[f32; 8]> = (0..512)
        .map(|_| core::array::from_fn(|_| 3.0 * signed(&mut rng)))
        .collect();
    let per_tensor = quantize_network(&net, &calib, PtqOptions::TFLITE.per_channel(false)).unwrap();
    let per_channel = quantize_network(&net, &calib, PtqOptions::default()).unwrap();
    let ints: Vec<Vec<f32>> = (0..512)
        .map(|_| {
            (0..8)
                .map(|_| (256.0 * uniform(&mut rng) - 128.0).floor())
                .collect()
        })
        .collect();
    emit(&dir, "mixed_per_tensor", &per_tensor, false, &ints);
    let floats: Vec<Vec<f32>> = (0..512)
        .map(|_| (0..8).map(|_| 4.0 * signed(&mut rng)).collect())
        .collect();
    emit(&dir, "mixed_float_io", &per_channel, true, &floats);

    // every table entry, for several input quantizations
    for (i, &(scale, zp)) in [
        (0.01f32, 0),
        (0.0471, -17),
        (0.1, 5),
        (0.3, -128),
        (0.02391, 127),
        // where TFLite Micro's LOGISTIC table differs from LiteRT's (one entry each)
        (0.04389321, 0),
        (0.13167962, -17),
    ]
    .iter()
    .enumerate()
    {
        let q = Quant::new(scale, zp);
        let pass = OwnedLayer::fully_connected(
            1,
            1,
            vec![127],
            vec![0],
            vec![1.0 / 127.0],
            q,
            q,
            Fused::None,
        );
        for kind in [LutKind::Logistic, LutKind::Tanh] {
            let m = OwnedModel {
                arithmetic: Arithmetic::LiteRt,
                input: q,
                output: kind.output(),
                layers: vec![pass.clone(), OwnedLayer::lut(kind, 1, q)],
            };
            emit(
                &dir,
                &format!("table_{kind:?}_{i}").to_lowercase(),
                &m,
                false,
                &all_inputs(1),
            );
        }
        for alpha in [0.01f32, 0.2, 0.3333] {
            let out = Quant::new(scale * 0.9, zp / 2);
            let m = OwnedModel {
                arithmetic: Arithmetic::LiteRt,
                input: q,
                output: out,
                layers: vec![
                    pass.clone(),
                    OwnedLayer::LeakyRelu(LeakyRelu::new(1, alpha, q, out)),
                ],
            };
            emit(
                &dir,
                &format!("table_leaky_{i}_{alpha}"),
                &m,
                false,
                &all_inputs(1),
            );
        }
    }

    // TensorFlow's converter's model, run here
    let bytes = std::fs::read(root.join("tests/data/tf_sine.tflite")).unwrap();
    let tf = read(&bytes).unwrap();
    emit(&dir, "tf_sine", &tf.model, false, &all_inputs(1));
}

fn signed(rng: &mut SplitMix64) -> f32 {
    2.0 * uniform(rng) - 1.0
}

fn all_inputs(n: usize) -> Vec<Vec<f32>> {
    (-128..=127).map(|q| vec![q as f32; n]).collect()
}

/// Writes `name.tflite` and `name.json` with neurokern's outputs.
fn emit(dir: &Path, name: &str, model: &OwnedModel, float_io: bool, inputs: &[Vec<f32>]) {
    emit_one(dir, name, model, float_io, inputs);
    if model.arithmetic == Arithmetic::LiteRt {
        // the same model in TFLite Micro's arithmetic: its own tables, its rounding
        let mut tflm = model.clone();
        tflm.arithmetic = Arithmetic::Tflm;
        for l in &mut tflm.layers {
            if let OwnedLayer::Lut {
                kind, width, input, ..
            } = l
            {
                *l = OwnedLayer::lut_as(*kind, *width, *input, Arithmetic::Tflm);
            }
        }
        emit_one(dir, &format!("tflm_{name}"), &tflm, float_io, inputs);
    }
}

fn emit_one(dir: &Path, name: &str, model: &OwnedModel, float_io: bool, inputs: &[Vec<f32>]) {
    let bytes = write(
        model,
        &WriteOptions {
            float_io,
            description: format!("neurokern {name}"),
        },
    )
    .unwrap();
    std::fs::write(dir.join(format!("{name}.tflite")), &bytes).unwrap();
    let n_out = model.with_model(|m| m.fan_out()).unwrap();
    let cases: Vec<serde_json::Value> = inputs
        .iter()
        .map(|x| {
            if float_io {
                let mut y = vec![0.0f32; n_out];
                model.predict(x, &mut y).unwrap();
                serde_json::json!([x, y])
            } else {
                let xq: Vec<i8> = x.iter().map(|&v| v as i8).collect();
                let mut y = vec![0i8; n_out];
                model.run(&xq, &mut y).unwrap();
                serde_json::json!([xq, y])
            }
        })
        .collect();
    let runtime = match model.arithmetic {
        Arithmetic::LiteRt => "litert",
        Arithmetic::Tflm => "tflm",
    };
    let spec = serde_json::json!({ "float_io": float_io, "cases": cases, "runtime": runtime });
    std::fs::write(dir.join(format!("{name}.json")), spec.to_string()).unwrap();
    println!("{name}: {} bytes, {} cases", bytes.len(), inputs.len());
}
