//! [`Trainer`]: one mini-batch step of back-propagation and an optimiser,
//! with every buffer inside the struct (no heap).

use super::loss::Loss;
use super::optim::Optimizer;
use super::{Layer, Network, ParamSet, Vector};
use crate::activation::Act;
use core::fmt;

/// Why a training step was refused. The parameters and the optimiser state
/// are left unchanged.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum TrainError {
    /// The mini-batch was empty.
    EmptyBatch,
    /// Inputs and targets differ in number.
    BatchMismatch {
        /// Number of inputs.
        inputs: usize,
        /// Number of targets.
        targets: usize,
    },
    /// The loss was NaN or infinite.
    NonFiniteLoss {
        /// The step (counting from 0) at which it happened.
        step: u64,
        /// The loss value.
        loss: f32,
    },
    /// A gradient was NaN or infinite.
    NonFiniteGradient {
        /// The step (counting from 0) at which it happened.
        step: u64,
    },
    /// The update would have written a NaN or an infinity into a parameter
    /// or an optimiser moment (a huge learning rate, for example).
    NonFiniteUpdate {
        /// The step (counting from 0) at which it happened.
        step: u64,
    },
    /// A hyper-parameter is out of its range: a learning rate that is
    /// negative or not finite, a β outside [0, 1), an ε that is not a
    /// positive finite number, a `clip_norm` that is not a positive finite
    /// number.
    InvalidHyperparameter {
        /// Which one (`"lr"`, `"beta"`, `"beta1"`, `"beta2"`, `"eps"`,
        /// `"clip_norm"`).
        name: &'static str,
        /// Its value.
        value: f32,
    },
    /// A layer's activation cannot be trained: its parameter (leaky ReLU's
    /// or ELU's α) is not finite. (A negative α trains: back-propagation
    /// then takes φ' from the cached pre-activation.)
    UntrainableActivation {
        /// The layer (counting from 0).
        layer: usize,
        /// Its activation.
        act: Act,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::EmptyBatch => write!(f, "empty mini-batch"),
            TrainError::BatchMismatch { inputs, targets } => {
                write!(f, "{inputs} inputs but {targets} targets in the mini-batch")
            }
            TrainError::NonFiniteLoss { step, loss } => {
                write!(
                    f,
                    "loss became {loss} at step {step}; parameters left unchanged"
                )
            }
            TrainError::NonFiniteGradient { step } => {
                write!(
                    f,
                    "a gradient became non-finite at step {step}; parameters left unchanged"
                )
            }
            TrainError::NonFiniteUpdate { step } => {
                write!(
                    f,
                    "the update at step {step} would write NaN or infinity; parameters left unchanged"
                )
            }
            TrainError::InvalidHyperparameter { name, value } => {
                write!(f, "hyper-parameter {name} = {value} is out of range")
            }
            TrainError::UntrainableActivation { layer, act } => write!(
                f,
                "layer {layer}: {} with α = {} cannot be trained (α must be finite)",
                act.name(),
                act.alpha()
            ),
        }
    }
}

impl core::error::Error for TrainError {}

/// Trains a [`Network`] of architecture `L` with optimiser `O`: gradient
/// accumulation over a mini-batch, averaging, optional gradient-norm
/// clipping, the update. Holds the gradients, the optimiser state and the
/// activation cache, so [`Trainer::TRAINING_BYTES`] is the whole cost.
///
/// ```
/// use neurokern::{activation::Act, mlp};
/// use neurokern::nn::{init::{Init, SplitMix64}, loss::Loss, optim::Sgd, Dense, Network, Trainer};
///
/// type Net = mlp![Dense<1, 4>, Dense<4, 1>];
/// let mut net = Network::<Net>::new(mlp![Dense::new(Act::Tanh), Dense::new(Act::Identity)]);
/// net.init(Init::Auto, &mut SplitMix64::new(1));
/// let mut trainer = Trainer::<Net, Sgd>::new(Sgd { lr: 0.1 }, Loss::Mse);
/// let xs = [[0.0f32], [1.0]];
/// let ts = [[1.0f32], [-1.0]];
/// let first = trainer.step(&mut net, &xs, &ts).unwrap();
/// let mut last = first;
/// for _ in 0..200 {
///     last = trainer.step(&mut net, &xs, &ts).unwrap();
/// }
/// assert!(last < first / 10.0);
/// ```
pub struct Trainer<L: Layer, O: Optimizer<L::Params>> {
    /// The update rule.
    pub optimizer: O,
    /// The loss.
    pub loss: Loss,
    /// Rescale the averaged gradient to at most this L2 norm (`None`: off).
    pub clip_norm: Option<f32>,
    grads: L::Params,
    state: O::State,
    cache: L::Cache,
    dy: L::Output,
    steps: u64,
}

impl<L: Layer, O: Optimizer<L::Params>> Trainer<L, O> {
    /// Bytes of training state beside the network itself: gradients,
    /// optimiser moments, activation cache, output gradient.
    pub const STATE_BYTES: usize = core::mem::size_of::<Self>();
    /// Everything training needs: the network plus [`Trainer::STATE_BYTES`].
    pub const TRAINING_BYTES: usize = Network::<L>::MODEL_BYTES + Self::STATE_BYTES;

    /// A trainer with zeroed state (`const`, for `static`s).
    pub const fn new(optimizer: O, loss: Loss) -> Self {
        Self {
            optimizer,
            loss,
            clip_norm: None,
            grads: L::Params::ZERO,
            state: O::INITIAL,
            cache: L::CACHE,
            dy: L::Output::ZERO,
            steps: 0,
        }
    }

    /// The same trainer with gradient-norm clipping at `max_norm`.
    pub const fn with_clip_norm(mut self, max_norm: f32) -> Self {
        self.clip_norm = Some(max_norm);
        self
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The averaged gradient of the last call: after [`Trainer::step`], the
    /// gradient the optimiser applied — *after* clipping when `clip_norm` is
    /// set; after [`Trainer::compute_gradients`], the unclipped average.
    ///
    /// ```
    /// use neurokern::{activation::Act, nn::{loss::Loss, optim::Sgd, Dense, Network, Trainer}};
    /// let mut net = Network::<Dense<1, 1>>::new(Dense::new(Act::Identity));
    /// let mut t = Trainer::<Dense<1, 1>, Sgd>::new(Sgd { lr: 1.0 }, Loss::Mse).with_clip_norm(1.0);
    /// t.compute_gradients(&net, &[[1.0]], &[[3.0]]).unwrap();
    /// assert_eq!((t.gradients().w[0][0], t.gradients().b[0]), (-6.0, -6.0));
    /// t.step(&mut net, &[[1.0]], &[[3.0]]).unwrap();
    /// let g = t.gradients().w[0][0];
    /// assert!((g + core::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6); // clipped to norm 1
    /// ```
    pub fn gradients(&self) -> &L::Params {
        &self.grads
    }

    /// Accumulates ∂L/∂θ over the samples into the gradient buffer (which is
    /// zeroed first) and returns the summed loss.
    fn accumulate(&mut self, net: &Network<L>, xs: &[L::Input], ts: &[L::Output]) -> f32 {
        self.grads.fill_zero();
        let mut total = 0.0f32;
        for (x, t) in xs.iter().zip(ts) {
            net.layers.forward_cached(&net.params, x, &mut self.cache);
            let y = L::output(&self.cache);
            total += self
                .loss
                .value_and_grad(y.as_slice(), t.as_slice(), self.dy.as_mut_slice());
            net.layers.backward(
                &net.params,
                x,
                &self.cache,
                &mut self.dy,
                None,
                &mut self.grads,
            );
        }
        total
    }

    /// Computes the mean gradient over the mini-batch without updating the
    /// parameters; returns the mean loss. Useful for gradient checks and for
    /// measuring gradient norms.
    ///
    /// # Errors
    ///
    /// [`TrainError::EmptyBatch`], [`TrainError::BatchMismatch`],
    /// [`TrainError::UntrainableActivation`], and
    /// [`TrainError::NonFiniteLoss`] / [`TrainError::NonFiniteGradient`]
    /// when the loss or a gradient is NaN or infinite.
    pub fn compute_gradients(
        &mut self,
        net: &Network<L>,
        xs: &[L::Input],
        ts: &[L::Output],
    ) -> Result<f32, TrainError> {
        check_batch(xs.len(), ts.len())?;
        check_activations(net)?;
        let step = self.steps;
        let total = self.accumulate(net, xs, ts);
        let inv = 1.0 / xs.len() as f32;
        self.grads
            .for_each_mut(&mut |g| g.iter_mut().for_each(|v| *v *= inv));
        let loss = total * inv;
        if !loss.is_finite() {
            return Err(TrainError::NonFiniteLoss { step, loss });
        }
        if !all_finite(&self.grads) {
            return Err(TrainError::NonFiniteGradient { step });
        }
        Ok(loss)
    }

    /// One training step on a mini-batch: returns the mean loss before the
    /// update.
    ///
    /// # Errors
    ///
    /// Every error leaves the parameters and the optimiser state untouched:
    /// [`TrainError::EmptyBatch`], [`TrainError::BatchMismatch`],
    /// [`TrainError::InvalidHyperparameter`] (checked at every step, since
    /// the fields are public), [`TrainError::UntrainableActivation`],
    /// [`TrainError::NonFiniteLoss`] / [`TrainError::NonFiniteGradient`],
    /// and [`TrainError::NonFiniteUpdate`] when the update itself would
    /// write NaN or infinity (it is computed once without writing, checked,
    /// then applied).
    pub fn step(
        &mut self,
        net: &mut Network<L>,
        xs: &[L::Input],
        ts: &[L::Output],
    ) -> Result<f32, TrainError> {
        self.optimizer.check()?;
        if let Some(c) = self.clip_norm {
            if !(c.is_finite() && c > 0.0) {
                return Err(TrainError::InvalidHyperparameter {
                    name: "clip_norm",
                    value: c,
                });
            }
        }
        let loss = self.compute_gradients(net, xs, ts)?;
        let step = self.steps;
        if let Some(max) = self.clip_norm {
            if let Some(scale) = clip_scale(&self.grads, max) {
                self.grads
                    .for_each_mut(&mut |g| g.iter_mut().for_each(|v| *v *= scale));
            }
        }
        if !self
            .optimizer
            .update_is_finite(&net.params, &self.grads, &self.state)
        {
            return Err(TrainError::NonFiniteUpdate { step });
        }
        self.optimizer
            .update(&mut net.params, &self.grads, &mut self.state);
        self.steps += 1;
        Ok(loss)
    }
}

/// Refuses activations whose gradient back-propagation would get wrong.
fn check_activations<L: Layer>(net: &Network<L>) -> Result<(), TrainError> {
    let mut bad = None;
    let mut layer = 0;
    net.layers.for_each_layer(&net.params, &mut |r| {
        if bad.is_none() && !r.act.alpha().is_finite() {
            bad = Some(TrainError::UntrainableActivation { layer, act: r.act });
        }
        layer += 1;
    });
    bad.map_or(Ok(()), Err)
}

fn all_finite<P: ParamSet>(p: &P) -> bool {
    let mut ok = true;
    p.for_each(&mut |s| ok &= s.iter().all(|v| v.is_finite()));
    ok
}

/// The factor that brings the gradient's L2 norm down to `max`, or `None`
/// when it is already within. The norm is `√Σg²` in the canonical order
/// when that sum is finite (the common case, unchanged bits); when it
/// overflows, every gradient is first divided by the largest |g| (as
/// LAPACK's `snrm2` scales), so a finite gradient always gets a finite
/// factor. Every step is sequential IEEE arithmetic: the same bits on every
/// target.
fn clip_scale<P: ParamSet>(g: &P, max: f32) -> Option<f32> {
    let norm2 = g.sum_of_squares();
    if norm2.is_finite() {
        let norm = libm::sqrtf(norm2);
        return (norm > max).then(|| max / norm);
    }
    let mut amax = 0.0f32;
    g.for_each(&mut |s| {
        for v in s {
            amax = amax.max(v.abs());
        }
    });
    let mut t = 0.0f32;
    g.for_each(&mut |s| {
        for v in s {
            let q = v / amax;
            t += q * q;
        }
    });
    // norm = amax·√t, which may itself overflow: compare and scale in the
    // divided units instead
    let r = libm::sqrtf(t);
    let limit = max / amax;
    (r > limit).then(|| limit / r)
}

fn check_batch(inputs: usize, targets: usize) -> Result<(), TrainError> {
    if inputs == 0 {
        Err(TrainError::EmptyBatch)
    } else if inputs != targets {
        Err(TrainError::BatchMismatch { inputs, targets })
    } else {
        Ok(())
    }
}
