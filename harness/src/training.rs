//! `train`: do deep and shallow MLPs converge with each activation?
//!
//! Two interleaved spirals (a classic non-linear task), generated from a
//! fixed seed. A shallow net (one hidden layer of 32) and a deep one (eight
//! hidden layers of 16), each activation, several seeds, the same budget:
//! SGD with momentum, mini-batches of 32, binary cross-entropy on logits.
//! Reported: loss curves, final accuracy, the first step at which the
//! accuracy reached the target (or never), the fraction of exact zeros among
//! hidden activations (sparsity), and, for the ReLU family, the fraction of
//! dead units (a unit whose output is ≤ 0 for every training input: a ReLU
//! there outputs 0 and gets no gradient, a leaky ReLU still gets α).

use super::vanishing::acts;
use neurokern::activation::Act;
use neurokern::mlp;
use neurokern::nn::init::{normal, uniform, Init, SplitMix64};
use neurokern::nn::loss::Loss;
use neurokern::nn::optim::Momentum;
use neurokern::nn::{Dense, Layer, Network, Repeat, Trainer};
use serde_json::{json, Value};

/// The shallow network: 2 → 32 → 1.
pub type Shallow = mlp![Dense<2, 32>, Dense<32, 1>];
/// The deep network: 2 → 16, seven more 16 → 16, → 1 (eight hidden layers).
pub type Deep = mlp![Dense<2, 16>, Repeat<16, 7>, Dense<16, 1>];

/// Accuracy that counts as "trained".
pub const TARGET_ACCURACY: f64 = 0.9;

/// Two spirals of `n` points each, with a little noise: (inputs, labels).
pub fn spirals(n: usize, seed: u64) -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let mut rng = SplitMix64::new(seed);
    let (mut xs, mut ts) = (Vec::new(), Vec::new());
    for i in 0..n {
        let r = 0.1 + 0.9 * i as f32 / n as f32;
        let a = r * 3.0 * core::f32::consts::PI;
        for (class, sign) in [(0.0f32, 1.0f32), (1.0, -1.0)] {
            let noise = 0.03;
            xs.push([
                sign * r * a.cos() + noise * normal(&mut rng),
                sign * r * a.sin() + noise * normal(&mut rng),
            ]);
            ts.push([class]);
        }
    }
    (xs, ts)
}

/// One training run.
#[derive(Clone, Debug)]
pub struct Run {
    /// `shallow` or `deep`.
    pub net: &'static str,
    /// Activation name.
    pub act: &'static str,
    /// Seed.
    pub seed: u64,
    /// (step, mean loss over the data set, accuracy).
    pub curve: Vec<(usize, f64, f64)>,
    /// Accuracy at the end.
    pub final_accuracy: f64,
    /// First evaluated step with accuracy ≥ [`TARGET_ACCURACY`].
    pub steps_to_target: Option<usize>,
    /// Fraction of hidden activations that are exactly 0.
    pub sparsity: f64,
    /// For ReLU and leaky ReLU: the fraction of hidden units whose output is
    /// ≤ 0 on every input (dead under ReLU; leaky ReLU still passes α·grad).
    pub dead: Option<f64>,
    /// The training step was refused (non-finite loss or gradient).
    pub diverged: bool,
}

fn evaluate<L: Layer<Input = [f32; 2], Output = [f32; 1]>>(
    net: &Network<L>,
    xs: &[[f32; 2]],
    ts: &[[f32; 1]],
) -> (f64, f64) {
    let (mut loss, mut correct) = (0.0f64, 0usize);
    let mut dy = [0.0f32];
    for (x, t) in xs.iter().zip(ts) {
        let mut z = [0.0f32];
        net.forward(x, &mut z);
        loss += f64::from(Loss::BceWithLogits.value_and_grad(&z, t, &mut dy));
        if (z[0] > 0.0) == (t[0] > 0.5) {
            correct += 1;
        }
    }
    (loss / xs.len() as f64, correct as f64 / xs.len() as f64)
}

/// The hidden activations of a forward pass, layer by layer.
trait Hidden: Layer {
    fn hidden(cache: &Self::Cache) -> Vec<&[f32]>;
}
impl Hidden for Shallow {
    fn hidden(c: &Self::Cache) -> Vec<&[f32]> {
        vec![&c.0.y[..]]
    }
}
impl Hidden for Deep {
    fn hidden(c: &Self::Cache) -> Vec<&[f32]> {
        let mut v: Vec<&[f32]> = vec![&c.0.y[..]];
        v.extend(c.1 .0.iter().map(|l| &l.y[..]));
        v
    }
}

/// Sparsity and dead-unit fractions over the data set. A unit is dead when
/// its output is ≤ 0 for every input with ReLU / leaky ReLU (its
/// pre-activation is then negative or zero everywhere).
fn unit_stats<L: Hidden<Input = [f32; 2], Output = [f32; 1]>>(
    net: &Network<L>,
    xs: &[[f32; 2]],
) -> (f64, f64) {
    let mut cache = L::CACHE;
    let mut zeros = 0usize;
    let mut total = 0usize;
    let mut alive: Vec<bool> = Vec::new();
    for x in xs {
        net.layers.forward_cached(&net.params, x, &mut cache);
        let h: Vec<f32> = L::hidden(&cache).concat();
        if alive.is_empty() {
            alive = vec![false; h.len()];
        }
        for (a, v) in alive.iter_mut().zip(&h) {
            zeros += usize::from(*v == 0.0);
            *a |= *v > 0.0;
        }
        total += h.len();
    }
    let dead = alive.iter().filter(|a| !**a).count();
    (
        zeros as f64 / total as f64,
        dead as f64 / alive.len() as f64,
    )
}

fn train_one<L: Hidden<Input = [f32; 2], Output = [f32; 1]> + Copy>(
    layers: L,
    name: &'static str,
    act: &'static str,
    seed: u64,
    steps: usize,
    data: &(Vec<[f32; 2]>, Vec<[f32; 1]>),
) -> Run {
    let (xs, ts) = data;
    let mut net = Network::<L>::new(layers);
    net.init(Init::Auto, &mut SplitMix64::new(seed));
    let mut trainer = Trainer::<L, Momentum>::new(
        Momentum {
            lr: 0.02,
            beta: 0.9,
        },
        Loss::BceWithLogits,
    )
    .with_clip_norm(10.0);
    let mut rng = SplitMix64::new(seed ^ 0xba7c4);
    let mut curve = Vec::new();
    let mut steps_to_target = None;
    let mut diverged = false;
    let eval_every = (steps / 40).max(1);
    let (mut bx, mut bt) = ([[0.0f32; 2]; 32], [[0.0f32; 1]; 32]);
    for step in 0..=steps {
        if step % eval_every == 0 || step == steps {
            let (loss, acc) = evaluate(&net, xs, ts);
            curve.push((step, loss, acc));
            if steps_to_target.is_none() && acc >= TARGET_ACCURACY {
                steps_to_target = Some(step);
            }
        }
        if step == steps {
            break;
        }
        for (x, t) in bx.iter_mut().zip(bt.iter_mut()) {
            let k = (uniform(&mut rng) * xs.len() as f32) as usize % xs.len();
            *x = xs[k];
            *t = ts[k];
        }
        if trainer.step(&mut net, &bx, &bt).is_err() {
            diverged = true;
            break;
        }
    }
    let final_accuracy = curve.last().map_or(0.0, |c| c.2);
    let (sparsity, dead) = unit_stats(&net, xs);
    let dead = matches!(act, "relu" | "leaky_relu").then_some(dead);
    Run {
        net: name,
        act,
        seed,
        curve,
        final_accuracy,
        steps_to_target,
        sparsity,
        dead,
        diverged,
    }
}

/// Everything `train` measures.
pub struct Training {
    /// Training budget in steps.
    pub steps: usize,
    /// Points in the data set.
    pub points: usize,
    /// Every run.
    pub runs: Vec<Run>,
}

/// Runs every network × activation × seed.
pub fn run(quick: bool, seed: u64, progress: &indicatif::ProgressBar) -> Training {
    let (steps, seeds) = if quick { (1500, 2) } else { (6000, 5) };
    let data = spirals(200, seed);
    progress.set_length((acts().len() * 2 * seeds) as u64);
    let mut runs = Vec::new();
    for (act_name, act) in acts() {
        for s in 0..seeds as u64 {
            progress.set_message(format!("shallow {act_name} seed {s}"));
            let shallow: Shallow = mlp![Dense::new(act), Dense::new(Act::Identity)];
            runs.push(train_one(shallow, "shallow", act_name, s, steps, &data));
            progress.inc(1);
            progress.set_message(format!("deep {act_name} seed {s}"));
            let deep: Deep = mlp![Dense::new(act), Repeat::new(act), Dense::new(Act::Identity)];
            runs.push(train_one(deep, "deep", act_name, s, steps, &data));
            progress.inc(1);
        }
    }
    Training {
        steps,
        points: data.0.len(),
        runs,
    }
}

impl Training {
    /// The report text: one row per network × activation, over seeds.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Two spirals ({} points), SGD momentum 0.9, lr 0.02, batch 32, {} steps, BCE on logits.\n\
             Shallow: 2-32-1. Deep: 2-16-(16x7)-1, eight hidden layers. Target accuracy {:.0} %.\n\n",
            self.points,
            self.steps,
            TARGET_ACCURACY * 100.0
        );
        out += &format!(
            "  {:<8} {:<11} {:>10} {:>12} {:>14} {:>10} {:>8}\n",
            "net", "activation", "final acc", "final loss", "steps to 90%", "zeros", "dead"
        );
        for net in ["shallow", "deep"] {
            for (act, _) in acts() {
                let rs: Vec<&Run> = self
                    .runs
                    .iter()
                    .filter(|r| r.net == net && r.act == act)
                    .collect();
                let n = rs.len() as f64;
                let acc = rs.iter().map(|r| r.final_accuracy).sum::<f64>() / n;
                let loss = rs
                    .iter()
                    .map(|r| r.curve.last().map_or(f64::NAN, |c| c.1))
                    .sum::<f64>()
                    / n;
                let reached: Vec<usize> = rs.iter().filter_map(|r| r.steps_to_target).collect();
                let steps = if reached.is_empty() {
                    String::from("never")
                } else {
                    let mut v = reached.clone();
                    v.sort_unstable();
                    format!("{} ({}/{})", v[v.len() / 2], reached.len(), rs.len())
                };
                let zeros = rs.iter().map(|r| r.sparsity).sum::<f64>() / n;
                let dead: Vec<f64> = rs.iter().filter_map(|r| r.dead).collect();
                let dead = if dead.is_empty() {
                    String::from("-")
                } else {
                    format!(
                        "{:.1}%",
                        100.0 * dead.iter().sum::<f64>() / dead.len() as f64
                    )
                };
                out += &format!(
                    "  {net:<8} {act:<11} {:>9.1}% {loss:>12.4} {steps:>14} {:>9.1}% {dead:>8}\n",
                    acc * 100.0,
                    zeros * 100.0,
                );
            }
        }
        out +=
            "\n  'steps to 90%' is the median over the seeds that got there (count in brackets).\n";
        out +=
            "  'zeros' is the share of hidden activations that are exactly 0 (ReLU's sparsity);\n";
        out +=
            "  'dead' (ReLU family only) the share of hidden units whose output is <= 0 on every\n";
        out += "  input: no gradient under ReLU, only alpha times the gradient under leaky ReLU.\n";
        out
    }

    /// The JSON section.
    pub fn json(&self) -> Value {
        json!({
            "task": "two spirals",
            "points": self.points,
            "steps": self.steps,
            "target_accuracy": {"value": TARGET_ACCURACY, "unit": "fraction"},
            "runs": self.runs.iter().map(|r| json!({
                "net": r.net,
                "activation": r.act,
                "seed": r.seed,
                "curve": r.curve.iter().map(|(s, l, a)| json!({"step": s, "loss": l, "accuracy": a})).collect::<Vec<_>>(),
                "final_accuracy": {"value": r.final_accuracy, "unit": "fraction"},
                "steps_to_target": r.steps_to_target,
                "sparsity": {"value": r.sparsity, "unit": "fraction of hidden activations exactly 0"},
                "dead_units": {"value": r.dead, "unit": "fraction of hidden units (null for sigmoid and tanh)"},
                "diverged": r.diverged,
            })).collect::<Vec<_>>(),
        })
    }
}
