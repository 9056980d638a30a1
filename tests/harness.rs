//! The harness: the chain experiment against the product of factors computed
//! by hand, the sigmoid bound, every subcommand in `--quick` mode with its
//! JSON and plots, and clear errors for bad options.
#![cfg(feature = "std")]

use neurokern::activation::{Act, Activation};
use neurokern::harness::vanishing::{chain, chain_weights};
use std::path::PathBuf;
use std::process::Command;

#[test]
fn chain_equals_the_product_of_factors_bit_for_bit() {
    let w = chain_weights(10, 1);
    for act in [Act::Sigmoid, Act::Tanh, Act::Relu, Act::LeakyRelu(0.01)] {
        let c = chain(act, &w, 1.0);
        // by hand: forward, then multiply the factors w_t · φ'(v_t) from the top
        let mut v = Vec::new();
        let mut y = 1.0f32;
        for wt in &w {
            v.push(wt * y);
            y = act.forward_scalar(wt * y);
        }
        let mut g = 1.0f32;
        for t in (1..=10).rev() {
            g *= w[t - 1] * act.derivative_scalar(v[t - 1]);
            assert_eq!(c.grads[t - 1].to_bits(), g.to_bits(), "{act:?} layer {t}");
        }
    }
}

#[test]
fn sigmoid_chain_never_exceeds_its_bound() {
    // weights exactly 1: the article's 0.25^r bound itself
    let c = chain(Act::Sigmoid, &[1.0; 10], 1.0);
    for t in 0..=10 {
        assert!(
            f64::from(c.grads[t].abs()) <= c.bound(t),
            "t = {t}: {} > {}",
            c.grads[t],
            c.bound(t)
        );
    }
    assert!(
        c.grads[0].abs() < 1e-6,
        "ten sigmoid layers should shrink the gradient below 1e-6"
    );
    // random weights of mean 1: 0.25^r times the product of |w|
    for seed in 0..20 {
        let c = chain(Act::Sigmoid, &chain_weights(10, seed), 1.0);
        for t in 0..=10 {
            assert!(
                f64::from(c.grads[t].abs()) <= c.weighted_bound(t) * (1.0 + 1e-6),
                "seed {seed} t {t}"
            );
        }
    }
    // ReLU with positive inputs keeps the gradient: it is exactly the product of the weights
    let w = chain_weights(10, 3);
    let r = chain(Act::Relu, &w, 1.0);
    let prod: f32 = w.iter().fold(1.0, |p, x| p * x);
    assert!((r.grads[0] - prod).abs() <= 1e-6 * prod);
}

fn harness(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_neurokern"))
        .args(args)
        .output()
        .expect("run the harness")
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "neurokern-harness-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn check_run(cmd: &str, keys: &[&str], plots: &[&str]) {
    let dir = tmp(cmd);
    let json = dir.join("out.json");
    let out = harness(&[
        cmd,
        "--quick",
        "--json",
        json.to_str().unwrap(),
        "--plots",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("neurokern harness"),
        "{cmd}: report missing"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["schema"], "neurokern-harness/1");
    for k in ["generated_unix", "machine", "options"] {
        assert!(doc.get(k).is_some(), "{cmd}: key {k} missing");
    }
    assert!(doc["machine"]["logical_cores"].as_u64().unwrap() >= 1);
    for k in keys {
        assert!(doc.get(*k).is_some(), "{cmd}: section {k} missing");
    }
    for p in plots {
        let meta =
            std::fs::metadata(dir.join(p)).unwrap_or_else(|_| panic!("{cmd}: {p} not written"));
        assert!(meta.len() > 1000, "{cmd}: {p} is nearly empty");
        let svg = std::fs::read_to_string(dir.join(p)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("</svg>"),
            "{cmd}: {p} is not an SVG"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    if cmd == "cost" {
        let cells = doc["cost"]["cells"].as_array().unwrap();
        let per_buffer: usize = neurokern::harness::cost::subjects()
            .iter()
            .map(|s| s.variants.len())
            .sum();
        // the article's 8 functions in 4 implementations, the 14 after ReLU,
        // ReLU6 and its derivative in 2 (SIMD, scalar)
        assert_eq!(per_buffer, 8 * 4 + 25 + 7 * 2 + 2 * 2);
        assert_eq!(
            cells.len(),
            per_buffer * 3,
            "every implementation x 3 buffers"
        );
        for c in cells {
            assert_eq!(c["ns_per_element"]["unit"], "ns/element");
            assert!(c["ns_per_element"]["median"].as_f64().unwrap() > 0.0);
            assert!(c["ratio_to_relu"]["value"].as_f64().unwrap() > 0.0);
        }
        assert_eq!(doc["cost"]["clock"]["unit"], "GHz");
        let isa = neurokern::dispatch::selected();
        assert_eq!(doc["cost"]["isa"]["name"], isa.name());
        assert_eq!(doc["cost"]["isa"]["lanes"], isa.lanes());
    }
    if cmd == "vanish" {
        let s = &doc["vanish"]["chain"]["by_activation"]["sigmoid"]["grad_wrt_y"]["values"];
        assert_eq!(s.as_array().unwrap().len(), 11);
        assert!(!doc["vanish"]["deep"]["runs"].as_array().unwrap().is_empty());
        assert_eq!(doc["vanish"]["figures"]["x"].as_array().unwrap().len(), 121);
    }
    if cmd == "train" {
        let runs = doc["train"]["runs"].as_array().unwrap();
        assert_eq!(
            runs.len(),
            neurokern::harness::vanishing::acts().len() * 2 * 2,
            "every activation x 2 networks x 2 seeds"
        );
        // every activation of the table but identity and gelu_tanh
        assert_eq!(
            neurokern::harness::vanishing::acts().len(),
            neurokern::activation::Act::ALL.len() - 2
        );
        for r in runs {
            assert!(r["final_accuracy"]["value"].as_f64().unwrap() >= 0.0);
            assert!(!r["curve"].as_array().unwrap().is_empty());
        }
    }
}

#[test]
fn cost_quick_writes_report_json_and_plot() {
    check_run("cost", &["cost"], &["cost.svg"]);
}

#[test]
fn vanish_quick_writes_report_json_and_plots() {
    check_run(
        "vanish",
        &["vanish"],
        &["vanish_chain.svg", "vanish_deep.svg", "activations.svg"],
    );
}

#[test]
fn train_quick_writes_report_json_and_plot() {
    check_run("train", &["train"], &["train_loss.svg"]);
}

#[test]
fn bad_options_get_a_message_and_a_non_zero_exit() {
    for args in [
        &["bogus"][..],
        &["cost", "--frobnicate"],
        &["vanish", "--json"],
        &["train", "--seed", "many"],
        &[],
        &["cost", "vanish"],
    ] {
        let out = harness(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("neurokern:") && err.contains("--help"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let help = harness(&["--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("USAGE"));
    // an unwritable JSON path is an error, not a panic
    let out = harness(&["vanish", "--quick", "--json", "/nonexistent-dir/x/y.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
}
