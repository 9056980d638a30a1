//! The harness: the chain experiment against the product of factors computed
//! by hand, the sigmoid bound, every subcommand in `--quick` mode with its
//! JSON and plots, and clear errors for bad options.

use neurokern::activation::{Act, Activation};
use neurokern_harness::vanishing::{chain, chain_weights};
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
        let per_buffer: usize = neurokern_harness::cost::subjects()
            .iter()
            .map(|s| s.variants.len())
            .sum();
        // the article's 8 functions in 4 implementations, the 14 after ReLU,
        // ReLU6 and its derivative in 2 (SIMD, scalar); int8 for σ, tanh,
        // ReLU and leaky ReLU
        assert_eq!(per_buffer, 8 * 4 + 25 + 7 * 2 + 2 * 2 + 4);
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
        // the whole int8 models: sine always (its weights are in the
        // repository), timed on this host
        let models = doc["models"].as_array().unwrap();
        let names: Vec<&str> = models
            .iter()
            .map(|m| m["model"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["sine_int8", "ad01_int8"]);
        assert_eq!(models[0]["macs"], 288.0);
        assert_eq!(models[1]["macs"], 264_192.0);
        assert!(models[0]["host"]["value"].as_f64().unwrap() > 0.0);
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
            neurokern_harness::vanishing::acts().len() * 2 * 2,
            "every activation x 2 networks x 2 seeds"
        );
        // every activation of the table but identity and gelu_tanh
        assert_eq!(
            neurokern_harness::vanishing::acts().len(),
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
    check_run(
        "cost",
        &["cost", "models"],
        &["cost.svg", "cost_by_buffer.svg"],
    );
}

#[test]
fn vanish_quick_writes_report_json_and_plots() {
    check_run(
        "vanish",
        &["vanish"],
        &[
            "vanish_chain.svg",
            "vanish_deep.svg",
            "activations.svg",
            "derivatives.svg",
            "ulp_sigmoid.svg",
            "ulp_tanh.svg",
            "layer_norms.svg",
        ],
    );
}

#[test]
fn train_quick_writes_report_json_and_plot() {
    check_run(
        "train",
        &["train"],
        &["train_loss.svg", "train_accuracy.svg"],
    );
}

#[test]
fn bad_options_get_a_message_and_a_non_zero_exit() {
    for (args, says) in [
        (&["bogus"][..], "unrecognized subcommand"),
        (&["cost", "--frobnicate"], "unexpected argument"),
        (&["vanish", "--json"], "a value is required"),
        (&["train", "--seed", "many"], "invalid value"),
        (&["cost", "vanish"], "unexpected argument"),
        // an option given twice is refused, not silently overwritten
        (
            &["cost", "--seed", "1", "--seed", "2"],
            "cannot be used multiple times",
        ),
        (
            &["cost", "--json", "a.json", "--json", "b.json"],
            "cannot be used multiple times",
        ),
    ] {
        let out = harness(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("error:") && err.contains(says) && err.contains("--help"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing measured");
    }
    // a body this CPU cannot run, or one that does not exist: refused
    // before anything is measured, naming the bodies it can run
    for body in ["bogus", "avx1024"] {
        let out = harness(&["cost", "--quick", "--body", body]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{body}: {err}");
        assert!(err.contains("this CPU runs scalar"), "{body}: {err}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("Claim 1"));
    }
    // no command: the usage, on stderr, exit 2
    let out = harness(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage:"));
}

#[test]
fn help_and_version_answer_as_people_expect() {
    let text = |args: &[&str]| {
        let out = harness(args);
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let top = text(&["--help"]);
    for cmd in [
        "cost", "vanish", "train", "all", "--json", "--plots", "--seed", "--quick",
    ] {
        assert!(top.contains(cmd), "--help lacks {cmd}: {top}");
    }
    // per-command help describes that command, by either spelling
    for args in [&["help", "cost"][..], &["cost", "--help"]] {
        let h = text(args);
        assert!(
            h.contains("ratio to neurokern's ReLU") && !h.contains("two spirals"),
            "{args:?}: {h}"
        );
    }
    assert!(text(&["help", "train"]).contains("two spirals"));
    for flag in ["--version", "-V"] {
        assert_eq!(
            text(&[flag]).trim(),
            format!("neurokern {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn unwritable_outputs_fail_before_measuring_and_name_the_path() {
    let dir = tmp("unwritable");
    let blocker = dir.join("a-file");
    std::fs::write(&blocker, "x").unwrap();
    let bad_json = "/nonexistent-dir/x/y.json".to_string();
    let bad_plots = blocker.join("figures"); // a directory inside a file
    for (args, path) in [
        (vec!["cost", "--json", bad_json.as_str()], bad_json.clone()),
        (
            vec!["cost", "--plots", bad_plots.to_str().unwrap()],
            bad_plots.display().to_string(),
        ),
    ] {
        let out = harness(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("cannot") && err.contains(&path),
            "{args:?}: {err}"
        );
        // refused before anything was measured: no section was printed or started
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains("== Claim") && !err.contains("cost: started"),
            "{args:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_dash_goes_to_stdout_and_piped_progress_is_plain_lines() {
    let dir = tmp("dash");
    let out = Command::new(env!("CARGO_BIN_EXE_neurokern"))
        .current_dir(&dir)
        .args(["vanish", "--quick", "--json", "-"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // stdout is exactly the JSON document; the report went to stderr
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(doc["schema"], "neurokern-harness/1");
    assert!(err.contains("== Claim 2"), "{err}");
    assert!(!dir.join("-").exists(), "no file named -");
    // stderr is a pipe here: progress comes as plain lines, not a bar
    assert!(err.contains("neurokern: vanish: started"), "{err}");
    assert!(err.contains("neurokern: vanish: done in"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
