//! [`Trainer`]: one mini-batch step of back-propagation and an optimiser,
//! with every buffer inside the struct (no heap).

use super::loss::Loss;
use super::optim::Optimizer;
use super::{Layer, Network, ParamSet, Vector};
use core::fmt;

/// Why a training step was refused. The parameters are left unchanged.
#[derive(Clone, Copy, Debug, PartialEq)]
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

    /// The averaged gradient of the last step (before clipping).
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
    /// [`TrainError::EmptyBatch`] or [`TrainError::BatchMismatch`].
    pub fn compute_gradients(
        &mut self,
        net: &Network<L>,
        xs: &[L::Input],
        ts: &[L::Output],
    ) -> Result<f32, TrainError> {
        check_batch(xs.len(), ts.len())?;
        let total = self.accumulate(net, xs, ts);
        let inv = 1.0 / xs.len() as f32;
        self.grads
            .for_each_mut(&mut |g| g.iter_mut().for_each(|v| *v *= inv));
        Ok(total * inv)
    }

    /// One training step on a mini-batch: returns the mean loss before the
    /// update.
    ///
    /// # Errors
    ///
    /// [`TrainError::EmptyBatch`], [`TrainError::BatchMismatch`], or — with
    /// the parameters left untouched — [`TrainError::NonFiniteLoss`] /
    /// [`TrainError::NonFiniteGradient`] when the step would write NaN or
    /// infinity into the network.
    pub fn step(
        &mut self,
        net: &mut Network<L>,
        xs: &[L::Input],
        ts: &[L::Output],
    ) -> Result<f32, TrainError> {
        let loss = self.compute_gradients(net, xs, ts)?;
        let step = self.steps;
        if !loss.is_finite() {
            return Err(TrainError::NonFiniteLoss { step, loss });
        }
        let norm2 = self.grads.sum_of_squares();
        if !norm2.is_finite() {
            return Err(TrainError::NonFiniteGradient { step });
        }
        if let Some(max) = self.clip_norm {
            let norm = libm::sqrtf(norm2);
            if norm > max {
                let scale = max / norm;
                self.grads
                    .for_each_mut(&mut |g| g.iter_mut().for_each(|v| *v *= scale));
            }
        }
        self.optimizer
            .update(&mut net.params, &self.grads, &mut self.state);
        self.steps += 1;
        Ok(loss)
    }
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
