//! The measurement harness (feature `std`): the command `cargo harness`.
//!
//! It measures the two claims behind this crate:
//!
//! 1. exponential activations (sigmoid, tanh) cost far more than ReLU
//!    ([`cost`]);
//! 2. sigmoid and tanh gradients vanish with depth while ReLU keeps them and
//!    yields sparse activations ([`vanishing`], [`training`]).
//!
//! Every figure is computed with this crate's own kernels and networks. The
//! binary `neurokern` parses the command line ([`Options::parse`]) and calls
//! [`run`]; [`report`] documents the JSON schema.

pub mod cost;
pub mod plot;
pub mod report;
pub mod training;
pub mod vanishing;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Map, Value};
use std::format;
use std::path::PathBuf;
use std::string::{String, ToString};
use std::vec::Vec;

/// Which measurements to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// The price of an exponential.
    Cost,
    /// The vanishing gradient.
    Vanish,
    /// Does it converge?
    Train,
    /// All three.
    All,
}

impl Command {
    fn name(self) -> &'static str {
        match self {
            Command::Cost => "cost",
            Command::Vanish => "vanish",
            Command::Train => "train",
            Command::All => "all",
        }
    }
}

/// Parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The subcommand.
    pub command: Command,
    /// A run of a few seconds.
    pub quick: bool,
    /// Write every figure as JSON here.
    pub json: Option<PathBuf>,
    /// Write SVG figures into this directory.
    pub plots: Option<PathBuf>,
    /// Seed of the data and of the chain weights.
    pub seed: u64,
}

/// The `--help` text.
pub const HELP: &str = "\
neurokern harness: measure what an exponential costs against ReLU, and the vanishing gradient.

USAGE:
    cargo harness <COMMAND> [OPTIONS]

COMMANDS:
    cost     Time sigmoid, tanh, ReLU, leaky ReLU and their derivatives: this crate's SIMD
             kernel, its scalar path, libm and the naive std formula, at L1-, L2- and
             DRAM-sized buffers. Reports ns/element, Gelem/s, elements per cycle (clock
             calibrated with a dependent integer chain) and the ratio to ReLU.
    vanish   (a) The article's chain of one-neuron layers: dJ/dy per layer against the
             0.25^r bound for sigmoid, tanh, ReLU, leaky ReLU. (b) Width-32 networks of
             depth 1-30 with Xavier and He initialisation: per-layer gradient norms.
             (c) Each activation and its derivative over [-6, 6].
    train    Shallow (2-32-1) and deep (8 hidden layers) networks on two spirals, every
             activation, several seeds, one budget: loss curves, accuracy, steps to 90 %,
             sparsity and dead units.
    all      All three.

OPTIONS:
    --quick          A run of a few seconds (fewer repetitions, seeds and steps).
    --json FILE      Write every figure, with units, as JSON (schema neurokern-harness/1).
    --plots DIR      Write SVG figures into DIR (created if missing).
    --seed N         Seed for the data sets and the chain's weights (default 1).
    -h, --help       This text.
";

/// Why the command line was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgError {
    /// `--help` was asked for.
    Help,
    /// Something is wrong; the message says what.
    Invalid(String),
}

impl Options {
    /// Parses the arguments after the program name.
    ///
    /// # Errors
    ///
    /// [`ArgError::Help`] for `-h`/`--help`, [`ArgError::Invalid`] with a
    /// message for anything unknown, missing or malformed.
    ///
    /// ```
    /// use neurokern::harness::{Command, Options};
    /// let o = Options::parse(["vanish", "--quick"].map(String::from)).unwrap();
    /// assert_eq!((o.command, o.quick), (Command::Vanish, true));
    /// assert!(Options::parse(["bogus"].map(String::from)).is_err());
    /// ```
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, ArgError> {
        let mut args = args.into_iter();
        let mut command = None;
        let mut o = Options {
            command: Command::All,
            quick: false,
            json: None,
            plots: None,
            seed: 1,
        };
        while let Some(a) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .filter(|v| !v.starts_with("--"))
                    .ok_or_else(|| ArgError::Invalid(format!("{flag} needs a value")))
            };
            match a.as_str() {
                "-h" | "--help" => return Err(ArgError::Help),
                "--quick" => o.quick = true,
                "--json" => o.json = Some(PathBuf::from(value("--json")?)),
                "--plots" => o.plots = Some(PathBuf::from(value("--plots")?)),
                "--seed" => {
                    let v = value("--seed")?;
                    o.seed = v.parse().map_err(|_| {
                        ArgError::Invalid(format!("--seed takes a whole number, not {v:?}"))
                    })?;
                }
                "cost" | "vanish" | "train" | "all" if command.is_none() => {
                    command = Some(match a.as_str() {
                        "cost" => Command::Cost,
                        "vanish" => Command::Vanish,
                        "train" => Command::Train,
                        _ => Command::All,
                    })
                }
                s if s.starts_with('-') => {
                    return Err(ArgError::Invalid(format!("unknown option {s:?}")))
                }
                s => {
                    return Err(ArgError::Invalid(if command.is_some() {
                        format!("unexpected argument {s:?} (one command at a time)")
                    } else {
                        format!("unknown command {s:?}; expected cost, vanish, train or all")
                    }))
                }
            }
        }
        o.command = command.ok_or_else(|| {
            ArgError::Invalid(String::from(
                "no command given; expected cost, vanish, train or all",
            ))
        })?;
        Ok(o)
    }
}

fn bar(title: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    pb.set_prefix(title.to_string());
    pb
}

/// Runs the measurements `o` asks for; returns the text report. Writes the
/// JSON and the plots when asked.
///
/// # Errors
///
/// A message when a file or directory cannot be written.
pub fn run(o: &Options) -> Result<String, String> {
    let machine = report::machine();
    let mut doc = Map::new();
    doc.insert("schema".into(), json!(report::SCHEMA));
    doc.insert("generated_unix".into(), json!(report::now_unix()));
    doc.insert("machine".into(), machine.clone());
    doc.insert(
        "options".into(),
        json!({"command": o.command.name(), "quick": o.quick, "seed": o.seed}),
    );
    if let Some(dir) = &o.plots {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let plot_path = |name: &str| o.plots.as_ref().map(|d| d.join(name));
    let mut text = format!(
        "neurokern harness{} on {}\n",
        if o.quick { " (--quick)" } else { "" },
        report::machine_line(&machine)
    );
    let all = o.command == Command::All;

    if all || o.command == Command::Cost {
        let pb = bar("cost");
        let c = cost::run(o.quick, &pb);
        pb.finish_and_clear();
        text += "\n== Claim 1: an exponential costs far more than ReLU ==\n\n";
        text += &c.text();
        if let Some(p) = plot_path("cost.svg") {
            let groups: Vec<String> = cost::subjects()
                .iter()
                .map(|s| s.name.to_string())
                .collect();
            let short: Vec<String> = groups
                .iter()
                .map(|g| g.replace("_derivative", "'").replace("leaky_relu", "leaky"))
                .collect();
            let members: Vec<String> = ["simd", "scalar", "libm", "std"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let values: Vec<Vec<f64>> = members
                .iter()
                .map(|m| {
                    groups
                        .iter()
                        .map(|g| {
                            c.cells
                                .iter()
                                .find(|x| x.function == g && x.variant == m && x.size == "L1")
                                .map_or(f64::NAN, |x| x.stats.median)
                        })
                        .collect()
                })
                .collect();
            plot::bars(
                &p,
                "ns per element, L1-sized buffer (log scale)",
                "ns / element",
                &short,
                &members,
                &values,
            )?;
        }
        doc.insert("cost".into(), c.json());
    }

    if all || o.command == Command::Vanish {
        let pb = bar("vanish");
        let v = vanishing::run(o.quick, o.seed, &pb);
        pb.finish_and_clear();
        text +=
            "\n== Claim 2: sigmoid and tanh gradients vanish with depth; ReLU keeps them ==\n\n";
        text += &v.text();
        if let Some(p) = plot_path("vanish_chain.svg") {
            let mut series: Vec<plot::Series> = v
                .chains
                .iter()
                .map(|(n, c)| plot::Series {
                    label: n.to_string(),
                    points: (0..=v.m)
                        .map(|t| (t as f64, f64::from(c.grads[t].abs())))
                        .collect(),
                    dashed: false,
                })
                .collect();
            series.push(plot::Series {
                label: "0.25^r (sigmoid bound)".into(),
                points: (0..=v.m)
                    .map(|t| (t as f64, 0.25f64.powi((v.m - t) as i32)))
                    .collect(),
                dashed: true,
            });
            plot::lines(
                &p,
                "|dJ/dy_t| along a chain of one-neuron layers",
                ("layer t (output at right)", "|dJ/dy_t|"),
                &series,
                true,
                plot::Legend::LowerRight,
            )?;
        }
        if let Some(p) = plot_path("vanish_deep.svg") {
            let mut series = Vec::new();
            for (name, _) in vanishing::acts() {
                for init in ["xavier", "he"] {
                    let pts = v
                        .deep
                        .iter()
                        .filter(|d| d.act == name && d.init == init)
                        .map(|d| (d.hidden as f64, d.norms[0] / d.norms[d.norms.len() - 1]))
                        .collect();
                    series.push(plot::Series {
                        label: format!("{name} {init}"),
                        points: pts,
                        dashed: init == "he",
                    });
                }
            }
            plot::lines(
                &p,
                "first-layer / last-layer weight-gradient norm, width 32",
                ("hidden layers", "ratio"),
                &series,
                true,
                plot::Legend::LowerLeft,
            )?;
        }
        if let Some(p) = plot_path("activations.svg") {
            let mut series = Vec::new();
            for (n, y, d) in &v.fig {
                let pts = |vals: &Vec<f32>| {
                    v.fig_x
                        .iter()
                        .zip(vals)
                        .map(|(x, y)| (f64::from(*x), f64::from(*y)))
                        .collect()
                };
                series.push(plot::Series {
                    label: n.to_string(),
                    points: pts(y),
                    dashed: false,
                });
                series.push(plot::Series {
                    label: format!("{n}'"),
                    points: pts(d),
                    dashed: true,
                });
            }
            plot::lines(
                &p,
                "activations (solid) and derivatives (dashed)",
                ("x", "value"),
                &series,
                false,
                plot::Legend::UpperLeft,
            )?;
        }
        doc.insert("vanish".into(), v.json());
    }

    if all || o.command == Command::Train {
        let pb = bar("train");
        let t = training::run(o.quick, o.seed, &pb);
        pb.finish_and_clear();
        text += "\n== Does it converge? Deep and shallow networks on two spirals ==\n\n";
        text += &t.text();
        if let Some(p) = plot_path("train_loss.svg") {
            let mut series = Vec::new();
            for net in ["shallow", "deep"] {
                for (act, _) in vanishing::acts() {
                    let runs: Vec<&training::Run> = t
                        .runs
                        .iter()
                        .filter(|r| r.net == net && r.act == act)
                        .collect();
                    let len = runs.iter().map(|r| r.curve.len()).min().unwrap_or(0);
                    let pts = (0..len)
                        .map(|i| {
                            let mean =
                                runs.iter().map(|r| r.curve[i].1).sum::<f64>() / runs.len() as f64;
                            (runs[0].curve[i].0 as f64, mean)
                        })
                        .collect();
                    series.push(plot::Series {
                        label: format!("{net} {act}"),
                        points: pts,
                        dashed: net == "shallow",
                    });
                }
            }
            plot::lines(
                &p,
                "training loss on two spirals (mean over seeds)",
                ("step", "BCE loss"),
                &series,
                true,
                plot::Legend::LowerLeft,
            )?;
        }
        doc.insert("train".into(), t.json());
    }

    if let Some(path) = &o.json {
        let s = serde_json::to_string_pretty(&Value::Object(doc)).map_err(|e| e.to_string())?;
        std::fs::write(path, s).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        text += &format!("\nJSON written to {}\n", path.display());
    }
    if let Some(dir) = &o.plots {
        text += &format!("SVG figures written to {}\n", dir.display());
    }
    Ok(text)
}
