//! The microcontroller side of the cost table: instructions per element on
//! each core, read from `cargo xtask mcu`'s report
//! (`target/mcu-report.json`), for the f32 kernels and the int8 ones.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The functions that have both an f32 and an int8 implementation; the
/// firmware reports the int8 one as `<name>_int8`.
pub const INT8_FUNCTIONS: [&str; 4] = ["sigmoid", "tanh", "relu", "leaky_relu"];

/// One core's instructions per element (or per call), by function name.
#[derive(Clone, Debug, PartialEq)]
pub struct CoreCosts {
    /// The core (`Cortex-M0`, `RV32IMAC`, …).
    pub core: String,
    /// Function → instructions.
    pub costs: BTreeMap<String, f64>,
}

/// The cores' kernel costs in the report, one entry per core (the first
/// program of that core that measured `relu`), in the report's order.
/// `Ok(None)` when the report does not exist.
///
/// # Errors
///
/// A message naming the report when it is not JSON or has no `programs`.
pub fn read(report: &Path) -> Result<Option<Vec<CoreCosts>>, String> {
    let Ok(text) = std::fs::read_to_string(report) else {
        return Ok(None);
    };
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("cannot read {}: {e}", report.display()))?;
    let programs = doc["programs"]
        .as_object()
        .ok_or_else(|| format!("{}: no \"programs\"", report.display()))?;
    let mut cores: Vec<CoreCosts> = Vec::new();
    for p in programs.values() {
        let (Some(core), Some(costs)) = (p["core"].as_str(), p["instructions"].as_object()) else {
            continue;
        };
        // only the programs that measured the kernels, one per core
        if !costs.contains_key("relu") || cores.iter().any(|c| c.core == core) {
            continue;
        }
        let costs = costs
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v["value"].as_f64()?)))
            .collect();
        cores.push(CoreCosts {
            core: core.to_string(),
            costs,
        });
    }
    Ok(Some(cores))
}

/// The text table: for σ, tanh, ReLU and leaky ReLU on each core,
/// instructions per element of the f32 kernel and of the int8 one, their
/// ratio, and each one's ratio to the f32 ReLU on that core. A core whose
/// firmware has no int8 measurement shows "—".
pub fn table(cores: &[CoreCosts]) -> String {
    let mut out = String::from(
        "Instructions per element on microcontroller cores (cargo xtask mcu, QEMU -icount):\n\
         f32 = this crate's kernel, int8 = neurokern::int8 (σ and tanh a 256-entry table,\n\
         ReLU the clamp fused into a layer, leaky ReLU two fixed-point multipliers).\n",
    );
    out += &format!(
        "  {:<12} {:<12} {:>10} {:>10} {:>10} {:>12} {:>12}\n",
        "function", "core", "f32", "int8", "f32/int8", "f32 x ReLU", "int8 x ReLU"
    );
    let cell = |v: Option<f64>, w: usize, p: usize| {
        v.filter(|v| v.is_finite())
            .map_or(format!("{:>w$}", "—"), |v| format!("{v:>w$.p$}"))
    };
    for f in INT8_FUNCTIONS {
        for c in cores {
            let float = c.costs.get(f).copied();
            let int8 = c.costs.get(&format!("{f}_int8")).copied();
            let relu = c.costs.get("relu").copied();
            let ratio = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
            out += &format!(
                "  {:<12} {:<12} {} {} {} {} {}\n",
                f,
                c.core,
                cell(float, 10, 1),
                cell(int8, 10, 1),
                cell(ratio(float, int8), 10, 1),
                cell(ratio(float, relu), 12, 1),
                cell(ratio(int8, relu), 12, 1),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core(name: &str, costs: &[(&str, f64)]) -> CoreCosts {
        CoreCosts {
            core: name.into(),
            costs: costs.iter().map(|&(k, v)| (k.into(), v)).collect(),
        }
    }

    #[test]
    fn the_report_gives_one_entry_per_core_from_its_kernel_program() {
        let dir = std::env::temp_dir().join(format!("neurokern-mcu-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(read(&dir.join("absent.json")), Ok(None));
        let report = dir.join("r.json");
        std::fs::write(
            &report,
            r#"{"programs": {
                "a/sine": {"core": "Cortex-M0", "instructions": {"sine_inference": {"value": 9.0}}},
                "a/cost": {"core": "Cortex-M0", "instructions": {"relu": {"value": 6.0},
                           "sigmoid_int8": {"value": 7.0}}},
                "b/cost": {"core": "Cortex-M0", "instructions": {"relu": {"value": 99.0}}},
                "c/cost": {"core": "Cortex-M4F", "instructions": {"relu": {"value": 4.5}}}}}"#,
        )
        .unwrap();
        let cores = read(&report).unwrap().unwrap();
        assert_eq!(
            cores,
            vec![
                core("Cortex-M0", &[("relu", 6.0), ("sigmoid_int8", 7.0)]),
                core("Cortex-M4F", &[("relu", 4.5)])
            ]
        );
        std::fs::write(&report, "{}").unwrap();
        assert!(read(&report).unwrap_err().contains("r.json"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_table_shows_each_measured_figure_and_their_ratios() {
        let m0 = core(
            "Cortex-M0",
            &[("relu", 6.0), ("sigmoid", 2714.0), ("sigmoid_int8", 7.0)],
        );
        let t = table(std::slice::from_ref(&m0));
        let row = t.lines().find(|l| l.contains("sigmoid")).unwrap();
        let w: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(
            w,
            [
                "sigmoid",
                "Cortex-M0",
                "2714.0",
                "7.0",
                "387.7",
                "452.3",
                "1.2"
            ]
        );
        // a changed figure changes the row
        let mut m0b = m0;
        m0b.costs.insert("sigmoid_int8".into(), 14.0);
        assert!(!table(&[m0b]).contains("387.7"));
        // a core without int8 figures shows dashes, not zeros
        let m4 = core("Cortex-M4F", &[("relu", 4.0), ("tanh", 38.0)]);
        let row = table(&[m4])
            .lines()
            .find(|l| l.starts_with("  tanh"))
            .unwrap()
            .to_string();
        assert_eq!(row.matches('—').count(), 3, "{row}");
    }
}
