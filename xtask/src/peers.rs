//! `cargo xtask peers [--quick]`: neurokern's kernels against tract-linalg,
//! `wide`, std and libm (the `peers/` package, outside the workspace so that
//! `cargo test` never builds tract), twice: as a default build (the x86-64
//! baseline, what a dependent crate or the C staticlib gets) and with
//! `-C target-cpu=native`. Each build has its own target directory, so
//! neither rebuilds the other. Prints both tables; not part of CI (tract
//! takes minutes to build).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The builds compared: a label and the `RUSTFLAGS` that make it.
const BUILDS: [(&str, &str); 2] = [
    (
        "default (x86-64 baseline, no RUSTFLAGS beyond -C target-cpu=x86-64)",
        "-C target-cpu=x86-64",
    ),
    ("native (-C target-cpu=native)", "-C target-cpu=native"),
];

pub fn run(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(bad) = args.iter().find(|a| *a != "--quick") {
        return Err(format!(
            "unknown option {bad:?}; usage: cargo xtask peers [--quick]"
        ));
    }
    let manifest = root().join("peers/Cargo.toml");
    for (label, flags) in BUILDS {
        let dir = if flags.contains("native") {
            "native"
        } else {
            "default"
        };
        eprintln!("xtask peers: building the {dir} build (tract takes minutes the first time)");
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["run", "--quiet", "--release", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(root().join("peers/target").join(dir))
            .env("RUSTFLAGS", flags)
            .args(["--", "--build", label]);
        if quick {
            cmd.arg("--quick");
        }
        let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("the {dir} peers run failed ({status})"));
        }
        println!();
    }
    Ok(())
}
