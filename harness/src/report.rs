//! The report: machine information, the JSON document and its schema.
//!
//! # JSON schema (`"schema": "neurokern-harness/1"`)
//!
//! ```text
//! {
//!   "schema": "neurokern-harness/1",
//!   "generated_unix": <seconds since 1970>,
//!   "machine": {"cpu": str, "logical_cores": int, "arch": str, "os": str,
//!               "simd": [str], "crate_version": str},
//!   "options": {"command": "cost"|"vanish"|"train"|"all", "quick": bool, "seed": int},
//!   "cost":   { "clock": {"value", "unit": "GHz", "method", "plausible": bool},
//!               "median_spread": {"value", "unit": "ratio"}, "busy": bool, "warnings": [str],
//!               "isa": {"name": "scalar"|"sse2"|"neon"|"avx2"|"avx512", "lanes": int},
//!               "buffers": [{"label", "elements"}],
//!               "cells": [{"function", "implementation", "buffer", "elements",
//!                          "ns_per_element": {"median", "min", "max", "unit"},
//!                          "throughput": {"value", "unit": "Gelem/s"},
//!                          "elements_per_cycle": {"value" (null if the clock is
//!                                                 implausible), "unit"},
//!                          "ratio_to_relu": {"value", "unit": "ratio"}}] },
//!   "models": [{"model": "sine_int8"|"ad01_int8", "macs",
//!               "host": {"value" (null: model absent), "unit"},
//!               "litert_xnnpack", "litert_builtin_ref": {"value" (null: not timed), "unit"},
//!               "litert_note": str,
//!               "cores": [{"core", "instructions", "per_mac"}]}],
//!   "vanish": { "chain": {"hidden_layers", "weights", "by_activation": {name: {"weights",
//!               "pre_activations", "grad_wrt_y": {"values", "unit"}, "bound_0_25_pow_r"}},
//!               "sigmoid_unit_weights": {...}},
//!               "deep": {"width", "inputs", "unit", "runs": [{"activation", "init",
//!                        "hidden_layers", "layer_grad_norms"}]},
//!               "figures": {"x", "curves": [{"activation", "phi", "dphi"}]} },
//!   "train":  { "task", "points", "steps", "target_accuracy": {"value", "unit"},
//!               "runs": [{"net", "activation", "seed", "curve": [{"step", "loss", "accuracy"}],
//!                         "final_accuracy": {"value", "unit"}, "steps_to_target": int|null,
//!                         "sparsity": {"value", "unit"}, "dead_units": {"value", "unit"},
//!                         "diverged": bool}] }
//! }
//! ```
//!
//! A section is present when its subcommand ran. Every measured number sits
//! next to its unit.

use serde_json::{json, Value};

/// The schema identifier written into every document.
pub const SCHEMA: &str = "neurokern-harness/1";

/// What machine this is: CPU model, cores, architecture, SIMD in the build.
pub fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_else(|| String::from("unknown"));
    let mut simd: Vec<&str> = Vec::new();
    if cfg!(target_feature = "sse2") {
        simd.push("sse2");
    }
    if cfg!(target_feature = "avx") {
        simd.push("avx");
    }
    if cfg!(target_feature = "avx2") {
        simd.push("avx2");
    }
    if cfg!(target_feature = "fma") {
        simd.push("fma (not used by the kernels)");
    }
    if cfg!(target_feature = "neon") {
        simd.push("neon");
    }
    json!({
        "cpu": cpu,
        "logical_cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "arch": std::env::consts::ARCH,
        "os": std::env::consts::OS,
        "simd": simd,
        "crate_version": env!("CARGO_PKG_VERSION"),
    })
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A one-line description of the machine for the text report.
pub fn machine_line(m: &Value) -> String {
    std::format!(
        "{} ({} logical cores, {}, SIMD in this build: {})",
        m["cpu"].as_str().unwrap_or("?"),
        m["logical_cores"],
        m["arch"].as_str().unwrap_or("?"),
        m["simd"].as_array().map_or(String::new(), |v| v
            .iter()
            .filter_map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", "))
    )
}
