//! The measurement harness of [neurokern]: the command
//! `cargo harness` (binary `neurokern`).
//!
//! It measures the two claims behind neurokern:
//!
//! 1. exponential activations (sigmoid, tanh) cost far more than ReLU
//!    ([`cost`]);
//! 2. sigmoid and tanh gradients vanish with depth while ReLU keeps them and
//!    yields sparse activations ([`vanishing`], [`training`]).
//!
//! Every figure is computed with neurokern's own kernels and networks. The
//! binary parses the command line into a [`Cli`] and calls [`run`];
//! [`report`] documents the JSON schema.

pub mod cost;
pub mod figures;
pub mod mcu;
pub mod models;
mod options;
pub mod plot;
pub mod progress;
pub mod report;
pub mod training;
pub mod vanishing;

use clap::{Parser, Subcommand};
pub use options::Options;
use options::{open_outputs, JsonOut};
use progress::Progress;
use serde_json::{json, Map, Value};

use std::io::Write;
use std::path::Path;

/// The command line: `neurokern [OPTIONS] <COMMAND>`.
///
/// ```
/// use clap::Parser;
/// use neurokern_harness::{Cli, Command};
/// let cli = Cli::try_parse_from(["neurokern", "vanish", "--quick"]).unwrap();
/// assert_eq!((cli.command, cli.options.quick), (Command::Vanish, true));
/// assert!(Cli::try_parse_from(["neurokern", "bogus"]).is_err());
/// // an option given twice is refused, not silently overwritten
/// assert!(Cli::try_parse_from(["neurokern", "cost", "--seed", "1", "--seed", "2"]).is_err());
/// ```
#[derive(Clone, Debug, Parser)]
#[command(
    name = "neurokern",
    version,
    about = "neurokern harness: what an exponential costs against ReLU, and the vanishing gradient",
    long_about = None,
    after_help = "Run `cargo harness help <COMMAND>` for what a command measures. \
                  Every figure comes with its unit in the JSON (schema neurokern-harness/1)."
)]
pub struct Cli {
    /// What to measure.
    #[command(subcommand)]
    pub command: Command,
    /// Options of every command.
    #[command(flatten)]
    pub options: Options,
}

/// Which measurements to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// The price of an exponential: every activation and derivative, timed.
    ///
    /// Times φ and φ' of every activation in neurokern's table: its SIMD
    /// kernel (`simd`), its one-element kernel in a loop (`scalar`), and
    /// where a naive formula exists `libm` and `std`, at L1-, L2- and
    /// DRAM-sized buffers. Reports the median ns/element of repeated passes
    /// with their spread, Gelem/s, elements per cycle (the clock estimated
    /// with a dependent integer chain, checked for plausibility) and the
    /// ratio to neurokern's ReLU; says so when the machine was too busy for
    /// the figures to mean much.
    Cost,
    /// The vanishing gradient: a chain of one-neuron layers, deep networks.
    ///
    /// (a) The article's chain of one-neuron layers: |dJ/dy| per layer
    /// against the 0.25^r bound of sigmoid, for every activation. (b)
    /// Width-32 networks of 1–30 hidden layers with Xavier and He
    /// initialisation: per-layer weight-gradient norms. (c) Each activation
    /// and its derivative over [−6, 6].
    Vanish,
    /// Does it converge? Shallow and deep networks on two spirals.
    ///
    /// A 2-32-1 and an 8-hidden-layer network on two spirals, every
    /// activation, several seeds, one step budget: loss curves, accuracy,
    /// steps to 90 %, sparsity and dead units.
    Train,
    /// All three: cost, vanish, train.
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

/// Runs the measurements `command` asks for, writing the text report to
/// `out` section by section as each finishes, and the JSON and the plots
/// when asked. Progress goes to standard error (a bar on a terminal, a
/// plain line every few seconds otherwise).
///
/// # Errors
///
/// A message naming the file or directory that cannot be written; the JSON
/// file and the plots directory are checked before measuring.
pub fn run(command: Command, o: &Options, out: &mut dyn Write) -> Result<(), String> {
    let json_out = open_outputs(o)?;
    o.pin_body()?;
    let mut say = |text: &str| -> Result<(), String> {
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| format!("cannot write the report: {e}"))
    };
    let machine = report::machine();
    let mut doc = Map::new();
    doc.insert("schema".into(), json!(report::SCHEMA));
    doc.insert("generated_unix".into(), json!(report::now_unix()));
    doc.insert("machine".into(), machine.clone());
    doc.insert(
        "options".into(),
        json!({"command": command.name(), "quick": o.quick, "seed": o.seed}),
    );
    let plot_path = |name: &str| o.plots.as_ref().map(|d| d.join(name));
    say(&format!(
        "neurokern harness{} on {}\n",
        if o.quick { " (--quick)" } else { "" },
        report::machine_line(&machine)
    ))?;
    let all = command == Command::All;

    if all || command == Command::Cost {
        let pb = Progress::start("cost");
        let c = cost::run(o.quick, pb.bar());
        pb.finish();
        let mut text = String::from("\n== Claim 1: an exponential costs far more than ReLU ==\n\n");
        text += &c.text();
        if let Some(p) = plot_path("cost.svg") {
            let groups: Vec<String> = cost::subjects()
                .iter()
                .map(|s| s.name.to_string())
                .collect();
            let short: Vec<String> = groups.iter().map(|g| figures::short_name(g)).collect();
            let members: Vec<String> = ["simd", "scalar", "libm", "std", "int8"]
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
        // the microcontroller counts, when `cargo xtask mcu` has run here
        let report = Path::new("target/mcu-report.json");
        let cores = mcu::read(report)?;
        match &cores {
            Some(cores) => {
                text += &format!("\nFrom {}:\n", report.display());
                text += &mcu::table(cores);
            }
            None => {
                text += &format!(
                    "\nno {} (run `cargo xtask mcu`): no instructions per element on the cores\n",
                    report.display()
                );
            }
        }
        // whole int8 models: this host beside LiteRT, and the cores
        let model_rows = models::run(o.quick, report);
        text += &models::text(&model_rows, c.ghz);
        doc.insert("models".into(), models::json(&model_rows));
        if let Some(dir) = &o.plots {
            figures::cost_by_buffer(dir, &c)?;
            if let Some(cores) = &cores {
                figures::mcu_cost(dir, cores, &model_rows)?;
                text += "mcu_cost.svg drawn from it\n";
            }
        }
        say(&text)?;
        doc.insert("cost".into(), c.json());
    }

    if all || command == Command::Vanish {
        let pb = Progress::start("vanish");
        let v = vanishing::run(o.quick, o.seed, pb.bar());
        pb.finish();
        let mut text = String::from(
            "\n== Claim 2: sigmoid and tanh gradients vanish with depth; ReLU keeps them ==\n\n",
        );
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
                    color: plot::color_of(n),
                })
                .collect();
            series.push(plot::Series {
                label: "0.25^r (sigmoid bound)".into(),
                points: (0..=v.m)
                    .map(|t| (t as f64, 0.25f64.powi((v.m - t) as i32)))
                    .collect(),
                dashed: true,
                color: Some(plot::REFERENCE),
            });
            plot::lines(
                &p,
                "|dJ/dy_t| along a chain of one-neuron layers",
                ("layer t (output at right)", "|dJ/dy_t|"),
                &series,
                true,
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
                        color: plot::color_of(name),
                    });
                }
            }
            let depths: Vec<f64> = v.deep.iter().map(|d| d.hidden as f64).collect();
            let (d0, d1) = depths
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
            series.push(plot::Series {
                label: "1 = no vanishing".into(),
                points: vec![(d0, 1.0), (d1, 1.0)],
                dashed: true,
                color: Some(plot::REFERENCE),
            });
            plot::lines(
                &p,
                "first-layer / last-layer weight-gradient norm, width 32 (xavier solid, he dashed)",
                ("hidden layers", "ratio"),
                &series,
                true,
            )?;
        }
        // φ and φ' in separate figures: on one linear axis up to 6, σ' ≤ 0.25
        // was a sliver
        for (file, title, derivative) in [
            ("activations.svg", "activations φ(x)", false),
            ("derivatives.svg", "derivatives φ'(x)", true),
        ] {
            if let Some(p) = plot_path(file) {
                let series: Vec<plot::Series> = v
                    .fig
                    .iter()
                    .map(|(n, y, d)| plot::Series {
                        label: if derivative {
                            format!("{n}'")
                        } else {
                            n.to_string()
                        },
                        points: v
                            .fig_x
                            .iter()
                            .zip(if derivative { d } else { y })
                            .map(|(x, y)| (f64::from(*x), f64::from(*y)))
                            .collect(),
                        dashed: false,
                        color: plot::color_of(n),
                    })
                    .collect();
                plot::lines(
                    &p,
                    title,
                    ("x", if derivative { "φ'(x)" } else { "φ(x)" }),
                    &series,
                    false,
                )?;
            }
        }
        if let Some(dir) = &o.plots {
            figures::ulp_figures(dir)?;
            figures::layer_norms(dir, &v)?;
        }
        say(&text)?;
        doc.insert("vanish".into(), v.json());
    }

    if all || command == Command::Train {
        let pb = Progress::start("train");
        let t = training::run(o.quick, o.seed, pb.bar());
        pb.finish();
        let mut text =
            String::from("\n== Does it converge? Deep and shallow networks on two spirals ==\n\n");
        text += &t.text();
        // loss (log scale) and accuracy against the step, mean over seeds
        type Pick = fn(&(usize, f64, f64)) -> f64;
        let figures: [(&str, &str, &str, bool, Pick); 2] = [
            (
                "train_loss.svg",
                "training loss on two spirals (mean over seeds; shallow dashed)",
                "BCE loss",
                true,
                |c| c.1,
            ),
            (
                "train_accuracy.svg",
                "training accuracy on two spirals (mean over seeds; shallow dashed)",
                "accuracy",
                false,
                |c| c.2,
            ),
        ];
        for (file, title, y_label, log_y, pick) in figures {
            let Some(p) = plot_path(file) else { continue };
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
                            let mean = runs.iter().map(|r| pick(&r.curve[i])).sum::<f64>()
                                / runs.len() as f64;
                            (runs[0].curve[i].0 as f64, mean)
                        })
                        .collect();
                    series.push(plot::Series {
                        label: format!("{net} {act}"),
                        points: pts,
                        dashed: net == "shallow",
                        color: plot::color_of(act),
                    });
                }
            }
            plot::lines(&p, title, ("step", y_label), &series, log_y)?;
        }
        say(&text)?;
        doc.insert("train".into(), t.json());
    }

    let json = serde_json::to_string_pretty(&Value::Object(doc)).map_err(|e| e.to_string())?;
    match json_out {
        JsonOut::None => {}
        JsonOut::Stdout => {
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{json}").map_err(|e| format!("cannot write the JSON: {e}"))?;
        }
        JsonOut::File(path, mut f) => {
            f.write_all(json.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            say(&format!("\nJSON written to {}\n", path.display()))?;
        }
    }
    if let Some(dir) = &o.plots {
        say(&format!("SVG figures written to {}\n", dir.display()))?;
    }
    Ok(())
}
