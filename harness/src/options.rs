//! The options every command takes, and the outputs they name.

use clap::Args;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The options every command takes (before or after the command's name).
#[derive(Clone, Debug, PartialEq, Eq, Args)]
pub struct Options {
    /// A run of a few seconds (fewer repetitions, seeds and steps).
    #[arg(long, global = true)]
    pub quick: bool,
    /// Write every figure, with units, as JSON (schema neurokern-harness/1);
    /// `-` writes it to standard output and the text report to standard
    /// error.
    #[arg(long, value_name = "FILE", global = true)]
    pub json: Option<PathBuf>,
    /// Write SVG figures into DIR (created if missing).
    #[arg(long, value_name = "DIR", global = true)]
    pub plots: Option<PathBuf>,
    /// Seed of the data sets and of the chain's weights.
    #[arg(long, value_name = "N", default_value_t = 1, global = true)]
    pub seed: u64,
    /// Pin the kernels' SIMD body (scalar, sse2 / neon, avx2, avx512)
    /// instead of the widest this CPU has: every body gives the same bits,
    /// so this changes only the speed (`simd` rows of `cost`).
    #[arg(long, value_name = "BODY", global = true)]
    pub body: Option<String>,
}

impl Options {
    /// Pins the body `--body` names, if any.
    ///
    /// # Errors
    ///
    /// A message naming the body and the ones this CPU runs, when it is
    /// unknown or this CPU cannot run it.
    pub fn pin_body(&self) -> Result<(), String> {
        use neurokern::dispatch::{self, Isa};
        let Some(name) = &self.body else {
            return Ok(());
        };
        let runs: Vec<&str> = Isa::ALL
            .into_iter()
            .filter(|i| dispatch::is_supported(*i))
            .map(Isa::name)
            .collect();
        let isa = Isa::ALL
            .into_iter()
            .find(|i| i.name() == name)
            .ok_or_else(|| {
                format!(
                    "--body {name:?}: unknown; this CPU runs {}",
                    runs.join(", ")
                )
            })?;
        dispatch::force(Some(isa))
            .map_err(|e| format!("--body {name}: {e}; this CPU runs {}", runs.join(", ")))
    }

    /// Whether the JSON goes to standard output (`--json -`), so the text
    /// report must not.
    pub fn json_to_stdout(&self) -> bool {
        self.json.as_deref() == Some(Path::new("-"))
    }
}

/// Where the JSON goes, opened before anything is measured.
pub(crate) enum JsonOut {
    None,
    Stdout,
    File(PathBuf, File),
}

/// Opens the outputs the options name, so that a path that cannot be
/// written fails at once instead of after minutes of measuring.
pub(crate) fn open_outputs(o: &Options) -> Result<JsonOut, String> {
    if let Some(dir) = &o.plots {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the plots directory {}: {e}", dir.display()))?;
        let probe = dir.join(".neurokern-write-test");
        File::create(&probe)
            .and_then(|_| std::fs::remove_file(&probe))
            .map_err(|e| {
                format!(
                    "cannot write into the plots directory {}: {e}",
                    dir.display()
                )
            })?;
    }
    Ok(match &o.json {
        None => JsonOut::None,
        Some(_) if o.json_to_stdout() => JsonOut::Stdout,
        Some(p) => {
            let f = File::create(p).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
            JsonOut::File(p.clone(), f)
        }
    })
}
