//! The `defmt_log` firmware program: neurokern's types logged with defmt,
//! checked by the format strings defmt interns.

use crate::boards::{qemu, sizes, BOARDS};
use crate::toolchain::{root, Toolchain};
use object::{Object, ObjectSymbol};
use serde_json::{json, Value};

/// Format strings that defmt interns (as symbol names) for neurokern's
/// `Format` impls of `Act` and `BlobError` and for the program's own
/// message: a build without the derives, or a program that logs nothing of
/// neurokern's, lacks them.
const DEFMT_FORMATS: [&str; 3] = [
    "Identity|Sigmoid|Tanh|Relu|LeakyRelu",
    "Truncated {{ needed:",
    "blob refused: {}",
];

/// The entries of [`DEFMT_FORMATS`] that no symbol carries.
fn defmt_missing(symbols: &[String]) -> Vec<&'static str> {
    DEFMT_FORMATS
        .iter()
        .copied()
        .filter(|f| !symbols.iter().any(|s| s.contains(f)))
        .collect()
}

/// Builds and runs `defmt_log` (firmware feature `defmt`) on the M4F: it
/// must exit successfully, write defmt frames, and carry the interned format
/// strings of neurokern's types. Returns the report entry and the failures.
pub(crate) fn defmt_check(tc: &Toolchain) -> Result<(Value, Vec<String>), String> {
    let board = BOARDS
        .iter()
        .find(|b| b.core == "Cortex-M4F")
        .expect("the M4F board");
    println!(
        "== defmt: neurokern's types logged by `defmt_log` on the {}",
        board.core
    );
    let st = tc
        .cargo()
        .current_dir(root().join("firmware"))
        .args([
            "build",
            "--release",
            "--features",
            "defmt",
            "--bin",
            "defmt_log",
        ])
        .args(["--target", board.target])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !st.success() {
        return Err("the firmware's defmt_log build failed".into());
    }
    let elf = root()
        .join("firmware/target")
        .join(board.target)
        .join("release/defmt_log");
    let (ok, out) = qemu(board, &elf)?;
    let data = std::fs::read(&elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    let file = object::File::parse(&*data).map_err(|e| format!("{}: {e}", elf.display()))?;
    let symbols: Vec<String> = file
        .symbols()
        .filter_map(|s| s.name().ok().map(String::from))
        .collect();
    let (flash, _) = sizes(&elf)?;
    let mut failures = Vec::new();
    if !ok {
        failures.push("defmt_log: exited with failure".to_string());
    }
    if out.is_empty() {
        failures.push("defmt_log: wrote no defmt frames".to_string());
    }
    for f in defmt_missing(&symbols) {
        failures.push(format!(
            "defmt_log: no interned format string contains {f:?}"
        ));
    }
    println!(
        "defmt_log: exit {}, {} bytes of defmt frames, {flash} B of flash, format strings of Act and BlobError {}",
        if ok { "ok" } else { "FAILED" },
        out.len(),
        if defmt_missing(&symbols).is_empty() { "present" } else { "MISSING" }
    );
    let entry = json!({
        "exit_ok": ok,
        "frame_bytes": out.len(),
        "flash": {"value": flash, "unit": "bytes"},
        "missing_formats": defmt_missing(&symbols),
    });
    Ok((entry, failures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defmt_check_fails_when_a_format_string_is_missing() {
        let all: Vec<String> = DEFMT_FORMATS
            .iter()
            .map(|f| format!("{{\"package\":\"neurokern\",\"data\":\"{f} …\"}}"))
            .collect();
        assert!(defmt_missing(&all).is_empty());
        for i in 0..all.len() {
            let mut changed = all.clone();
            changed[i] = changed[i]
                .replace('|', "/")
                .replace("{}", "{=u8}")
                .replace("needed", "need");
            assert_eq!(defmt_missing(&changed), vec![DEFMT_FORMATS[i]], "entry {i}");
        }
        assert_eq!(defmt_missing(&[]).len(), DEFMT_FORMATS.len());
    }
}
