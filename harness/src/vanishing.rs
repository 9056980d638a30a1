//! `vanish`: the vanishing gradient, measured with this crate's kernels and
//! networks.
//!
//! (a) The article's chain: `m` hidden layers of one neuron each,
//! `y_t = φ(w_t · y_{t−1})`, weights drawn with expected value 1, `J = y_m`.
//! Back-propagation gives `∂J/∂y_{t−1} = ∂J/∂y_t · (w_t · φ'(v_t))`, so
//! |∂J/∂y_t| is the product of the |w·φ'| factors above layer `t`; for the
//! sigmoid each factor is at most 0.25·|w|, hence the 0.25^r bound.
//! (b) Wide deep networks (width 32, depth 1–30) with Xavier and He
//! initialisation: the norm of each layer's weight gradient, averaged over
//! seeds. (c) Each activation and its derivative over [−6, 6].

use neurokern::activation::{Act, Activation};
use neurokern::mlp;
use neurokern::nn::init::{normal, uniform, Init, SplitMix64};
use neurokern::nn::loss::Loss;
use neurokern::nn::optim::Sgd;
use neurokern::nn::{Dense, Layer, Network, Repeat, Trainer};
use serde_json::{json, Value};

/// The activations compared throughout, from the table of activations
/// ([`Act::ALL`], default parameters): every one but the identity and
/// GELU's tanh approximation (its curves are GELU's).
pub fn acts() -> Vec<(&'static str, Act)> {
    Act::ALL
        .into_iter()
        .filter(|a| !matches!(a, Act::Identity | Act::GeluTanh))
        .map(|a| (a.name(), a))
        .collect()
}

/// The chain experiment for one activation.
#[derive(Clone, Debug)]
pub struct Chain {
    /// The activation.
    pub act: Act,
    /// `w_1 ..= w_m`.
    pub weights: Vec<f32>,
    /// `v_1 ..= v_m`, the pre-activations.
    pub pre: Vec<f32>,
    /// `∂J/∂y_t` for `t = 0 ..= m` (`grads[m] = 1`).
    pub grads: Vec<f32>,
}

impl Chain {
    /// The factor `w_t · φ'(v_t)` of layer `t` (1-based).
    pub fn factor(&self, t: usize) -> f32 {
        self.weights[t - 1] * self.act.derivative_scalar(self.pre[t - 1])
    }

    /// The article's bound for `∂J/∂y_t`: 0.25^(m − t).
    pub fn bound(&self, t: usize) -> f64 {
        0.25f64.powi((self.weights.len() - t) as i32)
    }

    /// The exact sigmoid bound with these weights: 0.25^(m − t) · Π|w|.
    pub fn weighted_bound(&self, t: usize) -> f64 {
        self.weights[t..]
            .iter()
            .fold(self.bound(t), |b, w| b * f64::from(w.abs()))
    }
}

/// Weights with expected value 1: uniform on [0.5, 1.5), from `seed`.
pub fn chain_weights(m: usize, seed: u64) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    (0..m).map(|_| 0.5 + uniform(&mut rng)).collect()
}

/// Runs the chain forward from `x` and back-propagates `∂J/∂y_m = 1`.
pub fn chain(act: Act, weights: &[f32], x: f32) -> Chain {
    let mut pre = Vec::with_capacity(weights.len());
    let mut y = x;
    for w in weights {
        let v = w * y;
        pre.push(v);
        y = act.forward_scalar(v);
    }
    let m = weights.len();
    let mut grads = vec![0.0f32; m + 1];
    grads[m] = 1.0;
    let mut c = Chain {
        act,
        weights: weights.to_vec(),
        pre,
        grads,
    };
    for t in (1..=m).rev() {
        c.grads[t - 1] = c.grads[t] * c.factor(t);
    }
    c
}

/// Per-layer weight-gradient norms of one network, first layer first (the
/// layers' records name each layer's weight segment).
fn layer_norms<L: Layer>(layers: &L, trainer: &Trainer<L, Sgd>) -> Vec<f64> {
    let mut norms = Vec::new();
    layers.for_each_layer(trainer.gradients(), &mut |r| {
        let sq: f64 = r
            .weights
            .iter()
            .map(|w| f64::from(*w) * f64::from(*w))
            .sum();
        norms.push(sq.sqrt());
    });
    norms
}

/// Width of the deep networks.
pub const WIDTH: usize = 32;
/// Inputs of the deep networks.
pub const INPUTS: usize = 8;

/// Mean per-layer gradient norms for a net of `hidden` layers of width 32.
fn deep_norms<L: Layer<Input = [f32; INPUTS], Output = [f32; 1]> + Copy>(
    layers: L,
    init: Init,
    seeds: u64,
) -> Vec<f64> {
    let mut sum: Vec<f64> = Vec::new();
    for seed in 0..seeds {
        let mut net = Network::<L>::new(layers);
        net.init(init, &mut SplitMix64::new(1000 + seed));
        let mut rng = SplitMix64::new(2000 + seed);
        let xs: Vec<[f32; INPUTS]> = (0..64)
            .map(|_| core::array::from_fn(|_| normal(&mut rng)))
            .collect();
        let ts: Vec<[f32; 1]> = (0..64)
            .map(|_| [if uniform(&mut rng) < 0.5 { -1.0 } else { 1.0 }])
            .collect();
        let mut trainer = Trainer::<L, Sgd>::new(Sgd { lr: 0.0 }, Loss::Mse);
        // a 64-sample batch; the gradient is averaged over it
        trainer
            .compute_gradients(&net, &xs, &ts)
            .expect("non-empty batch");
        let n = layer_norms(&net.layers, &trainer);
        if sum.is_empty() {
            sum = vec![0.0; n.len()];
        }
        for (s, v) in sum.iter_mut().zip(n) {
            *s += v;
        }
    }
    sum.iter().map(|s| s / seeds as f64).collect()
}

/// One deep-network result.
#[derive(Clone, Debug)]
pub struct Deep {
    /// Activation name.
    pub act: &'static str,
    /// `xavier` or `he`.
    pub init: &'static str,
    /// Hidden layers.
    pub hidden: usize,
    /// Mean weight-gradient norm per layer, input layer first (hidden + 1 entries).
    pub norms: Vec<f64>,
}

macro_rules! deep_for {
    ($act:expr, $init:expr, $seeds:expr, $hidden:expr, [$($r:literal),*]) => {{
        match $hidden {
            1 => deep_norms(mlp![Dense::<INPUTS, WIDTH>::new($act), Dense::<WIDTH, 1>::new(Act::Identity)], $init, $seeds),
            $( h if h == $r + 1 => deep_norms(
                mlp![Dense::<INPUTS, WIDTH>::new($act), Repeat::<WIDTH, $r>::new($act), Dense::<WIDTH, 1>::new(Act::Identity)],
                $init, $seeds), )*
            h => panic!("no network of {h} hidden layers is compiled in"),
        }
    }};
}

/// Depths (hidden layers) studied.
pub fn depths(quick: bool) -> Vec<usize> {
    if quick {
        vec![1, 2, 4, 8, 15, 30]
    } else {
        vec![1, 2, 3, 4, 6, 8, 10, 15, 20, 25, 30]
    }
}

/// Runs (b) for every activation, both initialisations and every depth.
pub fn deep(quick: bool, progress: &indicatif::ProgressBar) -> Vec<Deep> {
    let seeds = if quick { 2 } else { 8 };
    let ds = depths(quick);
    progress.set_length((acts().len() * 2 * ds.len()) as u64);
    let mut out = Vec::new();
    for (name, act) in acts() {
        for (init_name, init) in [("xavier", Init::XavierUniform), ("he", Init::HeUniform)] {
            for &h in &ds {
                progress.set_message(format!("{name} {init_name} depth {h}"));
                let norms = deep_for!(act, init, seeds, h, [1, 2, 3, 5, 7, 9, 14, 19, 24, 29]);
                out.push(Deep {
                    act: name,
                    init: init_name,
                    hidden: h,
                    norms,
                });
                progress.inc(1);
            }
        }
    }
    out
}

/// One activation's curves: (name, φ, φ').
pub type Curve = (&'static str, Vec<f32>, Vec<f32>);

/// (c): 121 points of φ and φ' over [−6, 6] for every activation.
pub fn figures() -> (Vec<f32>, Vec<Curve>) {
    let xs: Vec<f32> = (0..=120).map(|i| -6.0 + i as f32 * 0.1).collect();
    let curves = acts()
        .iter()
        .map(|&(name, act)| {
            let mut y = vec![0.0; xs.len()];
            let mut d = vec![0.0; xs.len()];
            act.forward(&xs, &mut y);
            act.derivative(&xs, &mut d);
            (name, y, d)
        })
        .collect();
    (xs, curves)
}

/// Everything `vanish` measures.
pub struct Vanish {
    /// Hidden layers of the chain.
    pub m: usize,
    /// (a) per activation.
    pub chains: Vec<(&'static str, Chain)>,
    /// (a) the sigmoid chain with every weight exactly 1.
    pub unit_sigmoid: Chain,
    /// (b).
    pub deep: Vec<Deep>,
    /// (c) x values.
    pub fig_x: Vec<f32>,
    /// (c) (name, φ, φ').
    pub fig: Vec<Curve>,
}

/// Runs (a), (b) and (c).
pub fn run(quick: bool, seed: u64, progress: &indicatif::ProgressBar) -> Vanish {
    let m = 10;
    let w = chain_weights(m, seed);
    let chains = acts()
        .into_iter()
        .map(|(n, a)| (n, chain(a, &w, 1.0)))
        .collect();
    let unit_sigmoid = chain(Act::Sigmoid, &vec![1.0; m], 1.0);
    let deep = deep(quick, progress);
    let (fig_x, fig) = figures();
    Vanish {
        m,
        chains,
        unit_sigmoid,
        deep,
        fig_x,
        fig,
    }
}

impl Vanish {
    /// The report text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        out += &format!(
            "(a) A chain of {} one-neuron layers, weights uniform on [0.5, 1.5) (mean 1), input 1, J = y_m.\n\
             |dJ/dy_t| is the product of |w*phi'| over the layers above t; for the sigmoid each factor\n\
             is at most 0.25*|w|, so it falls below 0.25^r (r = layers above) once the weights average 1.\n\n",
            self.m
        );
        out += &format!("  {:>3} {:>3}", "t", "r");
        for (n, _) in &self.chains {
            out += &format!(" {:>12}", n);
        }
        out += &format!(" {:>12} {:>14}\n", "0.25^r", "sigmoid w=1");
        for t in (0..=self.m).rev() {
            out += &format!("  {:>3} {:>3}", t, self.m - t);
            for (_, c) in &self.chains {
                out += &format!(" {:>12.3e}", c.grads[t].abs());
            }
            out += &format!(
                " {:>12.3e} {:>14.3e}\n",
                0.25f64.powi((self.m - t) as i32),
                self.unit_sigmoid.grads[t]
            );
        }
        out += "\n(b) Width-32 networks, 64-sample batch, MSE, mean over seeds: weight-gradient norm of the\n    first layer divided by that of the last (1 = no vanishing), by depth.\n\n";
        let ds: Vec<usize> = {
            let mut v: Vec<usize> = self.deep.iter().map(|d| d.hidden).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        out += &format!("  {:<12} {:<7}", "activation", "init");
        for d in &ds {
            out += &format!(" {:>9}", format!("d={d}"));
        }
        out += "\n";
        for (name, _) in acts() {
            for init in ["xavier", "he"] {
                out += &format!("  {name:<12} {init:<7}");
                for d in &ds {
                    let r = self
                        .deep
                        .iter()
                        .find(|x| x.act == name && x.init == init && x.hidden == *d)
                        .map_or(f64::NAN, |x| x.norms[0] / x.norms[x.norms.len() - 1]);
                    out += &format!(" {r:>9.2e}");
                }
                out += "\n";
            }
        }
        out +=
            "\n(c) phi and phi' at a few points (computed with this crate's kernels):\n\n  x      ";
        for (n, _, _) in &self.fig {
            out += &format!(
                " {:>11} {:>11}",
                n,
                format!("{n}'").chars().take(11).collect::<String>()
            );
        }
        out += "\n";
        for i in (0..self.fig_x.len()).step_by(20) {
            out += &format!("  {:<6.1}", self.fig_x[i]);
            for (_, y, d) in &self.fig {
                out += &format!(" {:>11.5} {:>11.5}", y[i], d[i]);
            }
            out += "\n";
        }
        out
    }

    /// The JSON section.
    pub fn json(&self) -> Value {
        let chain_json = |c: &Chain| {
            json!({
                "weights": c.weights,
                "pre_activations": c.pre,
                "grad_wrt_y": {"values": c.grads, "unit": "dJ/dy_t, t = 0..=m"},
                "bound_0_25_pow_r": (0..=c.weights.len()).map(|t| c.bound(t)).collect::<Vec<_>>(),
            })
        };
        json!({
            "chain": {
                "hidden_layers": self.m,
                "weights": "uniform [0.5, 1.5), mean 1",
                "by_activation": self.chains.iter().map(|(n, c)| (String::from(*n), chain_json(c))).collect::<serde_json::Map<_, _>>(),
                "sigmoid_unit_weights": chain_json(&self.unit_sigmoid),
            },
            "deep": {
                "width": WIDTH,
                "inputs": INPUTS,
                "unit": "L2 norm of the weight gradient, per layer, input layer first",
                "runs": self.deep.iter().map(|d| json!({
                    "activation": d.act, "init": d.init, "hidden_layers": d.hidden, "layer_grad_norms": d.norms,
                })).collect::<Vec<_>>(),
            },
            "figures": {
                "x": self.fig_x,
                "curves": self.fig.iter().map(|(n, y, d)| json!({"activation": n, "phi": y, "dphi": d})).collect::<Vec<_>>(),
            },
        })
    }
}
