//! Optimisers over a [`ParamSet`]: SGD, SGD with momentum, Adam.
//!
//! Each update is elementwise, so it rounds the same whether the compiler
//! vectorises the loop or not, on every target.

use super::train::TrainError;
use super::ParamSet;

/// An update rule `θ ← θ − f(g, state)`.
pub trait Optimizer<P: ParamSet> {
    /// Per-parameter state (moments), of a size known at compile time.
    type State;
    /// The initial state (`const`, for `static`s).
    const INITIAL: Self::State;

    /// Applies one update to `params` from the (averaged) gradient `grads`.
    fn update(&self, params: &mut P, grads: &P, state: &mut Self::State);

    /// Whether [`Optimizer::update`] would write only finite values into
    /// the parameters and the state; computes the update without writing.
    /// [`Trainer::step`](super::Trainer::step) calls it first and refuses the
    /// step when it is false.
    fn update_is_finite(&self, params: &P, grads: &P, state: &Self::State) -> bool;

    /// Checks the hyper-parameters.
    ///
    /// # Errors
    ///
    /// [`TrainError::InvalidHyperparameter`] naming the first one out of range.
    fn check(&self) -> Result<(), TrainError>;
}

fn require(name: &'static str, value: f32, ok: bool) -> Result<(), TrainError> {
    if ok {
        Ok(())
    } else {
        Err(TrainError::InvalidHyperparameter { name, value })
    }
}

/// A learning rate: finite and ≥ 0.
fn check_lr(lr: f32) -> Result<(), TrainError> {
    require("lr", lr, lr.is_finite() && lr >= 0.0)
}

/// A decay coefficient β: in [0, 1).
fn check_beta(name: &'static str, beta: f32) -> Result<(), TrainError> {
    require(name, beta, (0.0..1.0).contains(&beta))
}

/// Whether `f(i, segment of a, segment of b)` holds for every segment.
fn every_segment<P: ParamSet>(
    a: &P,
    b: &P,
    mut f: impl FnMut(usize, &[f32], &[f32]) -> bool,
) -> bool {
    (0..P::SEGMENTS).all(|i| f(i, a.segment(i), b.segment(i)))
}

/// Plain stochastic gradient descent: `θ ← θ − lr·g`.
///
/// ```
/// use neurokern::nn::{optim::{Optimizer, Sgd}, DenseParams};
/// let mut p = DenseParams::<1, 1> { w: [[1.0]], b: [1.0] };
/// let g = DenseParams::<1, 1> { w: [[2.0]], b: [-2.0] };
/// Sgd { lr: 0.5 }.update(&mut p, &g, &mut ());
/// assert_eq!((p.w, p.b), ([[0.0]], [2.0]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd {
    /// Learning rate.
    pub lr: f32,
}

impl<P: ParamSet> Optimizer<P> for Sgd {
    type State = ();
    const INITIAL: () = ();

    fn update(&self, params: &mut P, grads: &P, _: &mut ()) {
        let lr = self.lr;
        params.zip2(grads, &mut |p, g| {
            for (pi, gi) in p.iter_mut().zip(g) {
                *pi = sgd(lr, *pi, *gi);
            }
        });
    }
    fn update_is_finite(&self, params: &P, grads: &P, _: &()) -> bool {
        every_segment(params, grads, |_, p, g| {
            p.iter()
                .zip(g)
                .all(|(p, g)| sgd(self.lr, *p, *g).is_finite())
        })
    }
    fn check(&self) -> Result<(), TrainError> {
        check_lr(self.lr)
    }
}

/// One SGD update of one parameter (the same expression for the check and
/// the write).
#[inline(always)]
fn sgd(lr: f32, p: f32, g: f32) -> f32 {
    p - lr * g
}

/// SGD with (heavy-ball) momentum: `v ← β·v + g`, `θ ← θ − lr·v`.
///
/// ```
/// use neurokern::nn::{optim::{Momentum, Optimizer}, DenseParams, ParamSet};
/// let opt = Momentum { lr: 1.0, beta: 0.5 };
/// let mut p = DenseParams::<1, 1>::ZERO;
/// let g = DenseParams::<1, 1> { w: [[1.0]], b: [0.0] };
/// let mut v = <Momentum as Optimizer<DenseParams<1, 1>>>::INITIAL;
/// opt.update(&mut p, &g, &mut v);
/// opt.update(&mut p, &g, &mut v);
/// assert_eq!(p.w, [[-2.5]]); // −1, then −(0.5·1 + 1)
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Momentum {
    /// Learning rate.
    pub lr: f32,
    /// Momentum coefficient β (0.9 is usual).
    pub beta: f32,
}

impl<P: ParamSet> Optimizer<P> for Momentum {
    type State = P;
    const INITIAL: P = P::ZERO;

    fn update(&self, params: &mut P, grads: &P, v: &mut P) {
        let (lr, beta) = (self.lr, self.beta);
        params.zip3(grads, v, &mut |p, g, v| {
            for ((pi, gi), vi) in p.iter_mut().zip(g).zip(v.iter_mut()) {
                (*pi, *vi) = momentum(lr, beta, *pi, *gi, *vi);
            }
        });
    }
    fn update_is_finite(&self, params: &P, grads: &P, v: &P) -> bool {
        every_segment(params, grads, |i, p, g| {
            p.iter().zip(g).zip(v.segment(i)).all(|((p, g), v)| {
                let (p, v) = momentum(self.lr, self.beta, *p, *g, *v);
                p.is_finite() && v.is_finite()
            })
        })
    }
    fn check(&self) -> Result<(), TrainError> {
        check_lr(self.lr)?;
        check_beta("beta", self.beta)
    }
}

/// One momentum update: the new parameter and velocity.
#[inline(always)]
fn momentum(lr: f32, beta: f32, p: f32, g: f32, v: f32) -> (f32, f32) {
    let v = beta * v + g;
    (p - lr * v, v)
}

/// Adam (Kingma & Ba, 2015) with bias correction.
///
/// ```
/// use neurokern::nn::{optim::{Adam, Optimizer}, DenseParams};
/// let opt = Adam::new(0.1);
/// let mut p = DenseParams::<1, 1>::ZERO;
/// let g = DenseParams::<1, 1> { w: [[3.0]], b: [-0.5] };
/// let mut s = <Adam as Optimizer<DenseParams<1, 1>>>::INITIAL;
/// opt.update(&mut p, &g, &mut s);
/// // the first bias-corrected step moves each weight by lr against its gradient's sign
/// assert!((p.w[0][0] + 0.1).abs() < 1e-6 && (p.b[0] - 0.1).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    /// Learning rate.
    pub lr: f32,
    /// Decay of the first moment (0.9).
    pub beta1: f32,
    /// Decay of the second moment (0.999).
    pub beta2: f32,
    /// Added to √v̂ (1e−8).
    pub eps: f32,
}

impl Adam {
    /// Adam with the usual β₁ = 0.9, β₂ = 0.999, ε = 1e−8.
    pub const fn new(lr: f32) -> Self {
        Self {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

/// Adam's moments and the running powers β₁ᵗ, β₂ᵗ.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamState<P> {
    /// First moment.
    pub m: P,
    /// Second moment.
    pub v: P,
    /// β₁ᵗ.
    pub beta1_t: f32,
    /// β₂ᵗ.
    pub beta2_t: f32,
}

impl<P: ParamSet> Optimizer<P> for Adam {
    type State = AdamState<P>;
    const INITIAL: AdamState<P> = AdamState {
        m: P::ZERO,
        v: P::ZERO,
        beta1_t: 1.0,
        beta2_t: 1.0,
    };

    fn update(&self, params: &mut P, grads: &P, s: &mut AdamState<P>) {
        s.beta1_t *= self.beta1;
        s.beta2_t *= self.beta2;
        let k = AdamConsts::new(self, s.beta1_t, s.beta2_t);
        params.zip4(grads, &mut s.m, &mut s.v, &mut |p, g, m, v| {
            for (((pi, gi), mi), vi) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                (*pi, *mi, *vi) = k.apply(*pi, *gi, *mi, *vi);
            }
        });
    }
    fn update_is_finite(&self, params: &P, grads: &P, s: &AdamState<P>) -> bool {
        let k = AdamConsts::new(self, s.beta1_t * self.beta1, s.beta2_t * self.beta2);
        every_segment(params, grads, |i, p, g| {
            let (m, v) = (s.m.segment(i), s.v.segment(i));
            p.iter()
                .zip(g)
                .zip(m.iter().zip(v))
                .all(|((p, g), (m, v))| {
                    let (p, m, v) = k.apply(*p, *g, *m, *v);
                    p.is_finite() && m.is_finite() && v.is_finite()
                })
        })
    }
    fn check(&self) -> Result<(), TrainError> {
        check_lr(self.lr)?;
        check_beta("beta1", self.beta1)?;
        check_beta("beta2", self.beta2)?;
        require("eps", self.eps, self.eps.is_finite() && self.eps > 0.0)
    }
}

/// The per-step constants of one Adam update.
struct AdamConsts {
    lr: f32,
    b1: f32,
    b2: f32,
    eps: f32,
    c1: f32,
    c2: f32,
}

impl AdamConsts {
    fn new(a: &Adam, beta1_t: f32, beta2_t: f32) -> Self {
        Self {
            lr: a.lr,
            b1: a.beta1,
            b2: a.beta2,
            eps: a.eps,
            c1: 1.0 / (1.0 - beta1_t),
            c2: 1.0 / (1.0 - beta2_t),
        }
    }

    /// One Adam update of one parameter: new (θ, m, v).
    #[inline(always)]
    fn apply(&self, p: f32, g: f32, m: f32, v: f32) -> (f32, f32, f32) {
        let m = self.b1 * m + (1.0 - self.b1) * g;
        let v = self.b2 * v + (1.0 - self.b2) * (g * g);
        let m_hat = m * self.c1;
        let v_hat = v * self.c2;
        (p - self.lr * m_hat / (libm::sqrtf(v_hat) + self.eps), m, v)
    }
}
