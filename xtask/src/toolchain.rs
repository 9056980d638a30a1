//! Where the repository is, which tools this machine has, and how to build
//! for thumb targets (rustup's targets, or Debian's Rust building `core`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The thumb targets the firmware is built for.
const THUMB_TARGETS: [&str; 3] = [
    "thumbv6m-none-eabi",
    "thumbv7em-none-eabihf",
    "thumbv8m.main-none-eabihf",
];

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

pub(crate) fn have(cmd: &str, arg: &str) -> bool {
    Command::new(cmd)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// How to build for thumb targets here: rustup's targets when installed,
/// else Debian's rustc with `-Zbuild-std=core`.
pub(crate) enum Toolchain {
    Rustup,
    Debian,
}

impl Toolchain {
    /// A `cargo` command that builds for thumb targets with this toolchain;
    /// the host's `RUSTFLAGS` (if any) must not reach the thumb build.
    pub(crate) fn cargo(&self) -> Command {
        let mut c = match self {
            Toolchain::Rustup => Command::new("cargo"),
            Toolchain::Debian => {
                let mut c = Command::new("/usr/bin/cargo");
                c.env("RUSTC_BOOTSTRAP", "1")
                    .env("RUSTC", "/usr/bin/rustc")
                    .arg("-Zbuild-std=core");
                c
            }
        };
        c.env_remove("RUSTFLAGS");
        c
    }
}

pub(crate) fn toolchain() -> Result<Toolchain, String> {
    if let Ok(out) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    {
        let list = String::from_utf8_lossy(&out.stdout);
        if THUMB_TARGETS
            .iter()
            .all(|t| list.lines().any(|l| l.trim() == *t))
        {
            return Ok(Toolchain::Rustup);
        }
    }
    let src = Path::new("/usr/lib/rustlib/src/rust/library/core");
    if Path::new("/usr/bin/rustc").exists() && Path::new("/usr/bin/cargo").exists() && src.exists()
    {
        return Ok(Toolchain::Debian);
    }
    Err(
        "no way to build for thumb targets. Either `rustup target add thumbv6m-none-eabi \
         thumbv7em-none-eabihf`, or on Debian: `apt-get install -y rustc-web cargo-web \
         rust-web-src rust-web-llvm lld-22` (Debian's Rust builds `core` from source)"
            .into(),
    )
}
