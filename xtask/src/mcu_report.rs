//! `cargo xtask mcu`'s figures: the instruction counts a program prints,
//! and the tables printed at the end.

use crate::boards::{num, BOARDS};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One program's row: core, program, flash, static RAM, peak stack.
pub type Row = (&'static str, &'static str, u64, u64, f64);

/// The instructions per element, call, inference or step a program's
/// output gives, from SysTick ticks of `k` instructions each.
pub fn instructions(out: &str, k: f64) -> serde_json::Map<String, Value> {
    let mut costs = serde_json::Map::new();
    for l in out.lines().filter_map(|l| l.strip_prefix("cost ")) {
        let w: Vec<&str> = l.split_whitespace().collect();
        if let [name, "ticks", t, "elements", n] = w[..] {
            let (t, n): (f64, f64) = (t.parse().unwrap_or(f64::NAN), n.parse().unwrap_or(f64::NAN));
            costs.insert(
                name.into(),
                json!({"value": t * k / n, "unit": "instructions per element (or per call)"}),
            );
        }
    }
    if let Some(t) = num(out, "sine_inference_ticks_x64 ") {
        costs.insert(
            "sine_inference".into(),
            json!({"value": t * k / 64.0, "unit": "instructions per inference"}),
        );
    }
    if let Some(t) = num(out, "sine_int8_inference_ticks_x64 ") {
        costs.insert(
            "sine_int8_inference".into(),
            json!({"value": t * k / 64.0, "unit": "instructions per inference (int8)"}),
        );
    }
    if let (Some(t), Some(n)) = (
        num(out, "ad01_inference_ticks_total "),
        num(out, "ad01_windows "),
    ) {
        let per = t * k / n;
        costs.insert(
            "ad01_int8_inference".into(),
            json!({"value": per, "unit": "instructions per inference (MLPerf Tiny AD, 264,192 MACs)"}),
        );
        costs.insert(
            "ad01_int8_per_mac".into(),
            json!({"value": per / crate::ad01::MACS, "unit": "instructions per multiply-accumulate"}),
        );
    }
    // `train_ticks T steps S`
    let train = out.lines().find_map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        match w[..] {
            ["train_ticks", t, "steps", s] => {
                Some((t.parse::<f64>().ok()?, s.parse::<f64>().ok()?))
            }
            _ => None,
        }
    });
    if let Some((t, steps)) = train {
        costs.insert(
            if out.lines().any(|l| l.starts_with("xor ")) {
                "xor_train_step_sgd_batch4".into()
            } else {
                "sine_train_step_adam_batch16".into()
            },
            json!({"value": t * k / steps, "unit": "instructions per training step (the sine one incl. batch generation)"}),
        );
    }
    costs
}

/// Prints the program table and the instructions table.
pub fn print(rows: &[Row], results: &BTreeMap<String, Value>, neurokern_share: u64) {
    println!("\n## neurokern on microcontroller cores (QEMU, `cargo xtask mcu`)\n");
    println!("| core | program | flash | static RAM | peak stack | result |");
    println!("|---|---|---|---|---|---|");
    for (core, prog, flash, ram, stack) in rows {
        let key = format!(
            "{}/{prog}",
            BOARDS
                .iter()
                .find(|b| b.core == *core)
                .map_or(String::new(), |b| b.key())
        );
        let out: Vec<String> = results[&key]["output"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let result = out
            .iter()
            .rev()
            .find(|l| {
                l.starts_with("kernels")
                    || l.starts_with("xor ")
                    || l.starts_with("sine ")
                    || l.starts_with("sine_mse")
                    || l.starts_with("ad01 ")
            })
            .cloned()
            .unwrap_or_else(|| "see JSON".into());
        println!("| {core} | {prog} | {flash} B | {ram} B | {stack} B | `{result}` |");
    }
    println!(
        "\nneurokern's share of the M4F `sine` flash (sine − sine_base): {} B",
        neurokern_share
    );
    // instructions per element or per call, every core side by side
    let mut columns: Vec<(&str, String)> = BOARDS.iter().map(|b| (b.core, b.key())).collect();
    columns.extend(
        crate::riscv::TARGETS
            .iter()
            .map(|(t, c, _)| (*c, t.to_string())),
    );
    const COLS: usize = BOARDS.len() + crate::riscv::TARGETS.len();
    let mut table: BTreeMap<String, [Option<f64>; COLS]> = BTreeMap::new();
    for (col, (_, target)) in columns.iter().enumerate() {
        for prog in ["cost", "sine", "train", "main", "ad01", "sine_int8"] {
            if let Some(m) = results
                .get(&format!("{target}/{prog}"))
                .and_then(|e| e.get("instructions"))
                .and_then(|v| v.as_object())
            {
                for (k, v) in m {
                    table.entry(k.clone()).or_insert([None; COLS])[col] = v["value"].as_f64();
                }
            }
        }
    }
    if !table.is_empty() {
        println!("\nInstructions per element (per call for networks), SysTick under QEMU -icount shift=0,");
        println!("each Arm board's tick calibrated by a delay loop; RISC-V counted by minstret:\n");
        let cores: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        println!("| what | {} |", cores.join(" | "));
        println!("|---|{}", "---|".repeat(COLS));
        // per-MAC figures are near 1: two decimals there
        let cell = |v: Option<f64>| {
            v.map_or("—".to_string(), |v| {
                if v < 10.0 {
                    format!("{v:.2}")
                } else {
                    format!("{v:.1}")
                }
            })
        };
        for (k, row) in &table {
            let cells: Vec<String> = row.iter().map(|v| cell(*v)).collect();
            println!("| {k} | {} |", cells.join(" | "));
        }
    }
}
