//! Fingerprints: computing the host's, reading a program's, comparing them.
//!
//! A fingerprint line is `<key> <16 hex digits> …` (`kernels 10a6…`,
//! `xor a707… correct 4`, `sine 0322… mse_micro 41`). Anything else — the
//! progress lines `xor step 250 loss_micro …` in particular — is not one.
//! A comparison once read the word "step" on both sides and passed; the
//! tests below show this one fails on a changed or missing value.

use neurokern::dispatch::{self, Isa};
use neurokern::fingerprint as fp;
use std::collections::BTreeMap;

/// Training steps of the firmware's `train` programs (and of the host).
pub const XOR_STEPS: u32 = 1500;
/// Adam steps of the M4F's sine training.
pub const SINE_STEPS: u32 = 200;

/// The fingerprint printed for `key` in `out`, if a line carries one.
pub fn read(out: &str, key: &str) -> Option<String> {
    out.lines().find_map(|l| {
        let mut w = l.split_whitespace();
        if w.next()? != key {
            return None;
        }
        let v = w.next()?;
        (v.len() == 16 && v.bytes().all(|b| b.is_ascii_hexdigit())).then(|| v.to_string())
    })
}

/// Compares the fingerprints `keys` of a program's output with `host`'s:
/// each must be present in both and equal. Returns one message per
/// difference (empty when all agree).
pub fn compare(
    what: &str,
    out: &str,
    host: &BTreeMap<String, String>,
    keys: &[&str],
) -> Vec<String> {
    let mut failures = Vec::new();
    for key in keys {
        match (read(out, key), host.get(*key)) {
            (Some(got), Some(want)) if &got == want => {}
            (Some(got), Some(want)) => failures.push(format!("{what}: {key} {got}, host {want}")),
            (None, _) => failures.push(format!("{what}: printed no {key} fingerprint")),
            (_, None) => failures.push(format!("{what}: the host has no {key} fingerprint")),
        }
    }
    failures
}

/// Compares a build's or a body's fingerprints `m` with the first ones:
/// every key of `first` must be in `m` with the same value. One message per
/// difference.
pub fn agree(
    label: &str,
    first: &BTreeMap<String, String>,
    m: &BTreeMap<String, String>,
) -> Vec<String> {
    first
        .iter()
        .filter(|(k, v)| m.get(*k) != Some(*v))
        .map(|(k, v)| format!("{label}: {k} {:?}, first body {v}", m.get(k)))
        .collect()
}

/// The host's fingerprints (kernels, XOR, sine) computed with the kernels'
/// body forced to `isa`, as `key → hex`.
pub fn host(isa: Isa) -> Result<BTreeMap<String, String>, String> {
    dispatch::force(Some(isa)).map_err(|e| e.to_string())?;
    let mut m = BTreeMap::new();
    m.insert("kernels".into(), format!("{:016x}", fp::kernels()));
    m.insert("int8".into(), format!("{:016x}", fp::int8_layers()));
    let xor = fp::train_xor(XOR_STEPS, 0, |_, _| {});
    m.insert("xor".into(), format!("{:016x}", fp::params(&xor.params)));
    let sine = fp::train_sine(SINE_STEPS, 0, |_, _| {});
    m.insert("sine".into(), format!("{:016x}", fp::params(&sine.params)));
    dispatch::force(None).map_err(|e| e.to_string())?;
    Ok(m)
}

/// `cargo xtask fingerprints`: every body this build and CPU can run, one
/// line per fingerprint (`<key> <hex> body <isa>`), for a second build to
/// be compared with the first.
pub fn print_all() -> Result<(), String> {
    for isa in Isa::ALL.into_iter().filter(|i| dispatch::is_supported(*i)) {
        for (k, v) in host(isa)? {
            println!("{k} {v} body {isa}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVICE: &str = "xor step 0 loss_micro 722322\nxor step 250 loss_micro 27404\n\
                          xor a7077428b2609813 correct 4\ntrain_ticks 1 steps 1500\n";

    fn host_map(xor: &str) -> BTreeMap<String, String> {
        BTreeMap::from([("xor".to_string(), xor.to_string())])
    }

    #[test]
    fn progress_lines_are_not_fingerprints() {
        assert_eq!(read(DEVICE, "xor").as_deref(), Some("a7077428b2609813"));
        assert_eq!(read("xor step 0 loss 1\n", "xor"), None);
    }

    #[test]
    fn equal_fingerprints_pass() {
        assert!(compare("M0 train", DEVICE, &host_map("a7077428b2609813"), &["xor"]).is_empty());
    }

    #[test]
    fn a_changed_fingerprint_fails() {
        let f = compare("M0 train", DEVICE, &host_map("a7077428b2609814"), &["xor"]);
        assert_eq!(f.len(), 1);
        assert!(f[0].contains("a7077428b2609813") && f[0].contains("a7077428b2609814"));
    }

    #[test]
    fn bodies_and_builds_must_agree() {
        let first = BTreeMap::from([
            ("kernels".to_string(), "10a61881b2b2f57e".to_string()),
            ("xor".to_string(), "a7077428b2609813".to_string()),
        ]);
        assert!(agree("neon", &first, &first.clone()).is_empty());
        let mut changed = first.clone();
        changed.insert("xor".into(), "a7077428b2609812".into());
        assert_eq!(agree("neon", &first, &changed).len(), 1);
        let mut missing = first.clone();
        missing.remove("kernels");
        assert_eq!(agree("neon", &first, &missing).len(), 1);
    }

    #[test]
    fn a_missing_fingerprint_fails() {
        let out = "xor step 0 loss_micro 722322\n";
        let f = compare("M0 train", out, &host_map("a7077428b2609813"), &["xor"]);
        assert_eq!(f, ["M0 train: printed no xor fingerprint"]);
    }
}
