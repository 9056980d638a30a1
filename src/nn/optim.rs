//! Optimisers over a [`ParamSet`]: SGD, SGD with momentum, Adam.
//!
//! Each update is elementwise, so it rounds the same whether the compiler
//! vectorises the loop or not, on every target.

use super::ParamSet;

/// An update rule `θ ← θ − f(g, state)`.
pub trait Optimizer<P: ParamSet> {
    /// Per-parameter state (moments), of a size known at compile time.
    type State;
    /// The initial state (`const`, for `static`s).
    const INITIAL: Self::State;

    /// Applies one update to `params` from the (averaged) gradient `grads`.
    fn update(&self, params: &mut P, grads: &P, state: &mut Self::State);
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
                *pi -= lr * gi;
            }
        });
    }
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
                *vi = beta * *vi + gi;
                *pi -= lr * *vi;
            }
        });
    }
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
        let (b1, b2, eps) = (self.beta1, self.beta2, self.eps);
        let c1 = 1.0 / (1.0 - s.beta1_t);
        let c2 = 1.0 / (1.0 - s.beta2_t);
        let lr = self.lr;
        params.zip4(grads, &mut s.m, &mut s.v, &mut |p, g, m, v| {
            for (((pi, gi), mi), vi) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                *mi = b1 * *mi + (1.0 - b1) * gi;
                *vi = b2 * *vi + (1.0 - b2) * (gi * gi);
                let m_hat = *mi * c1;
                let v_hat = *vi * c2;
                *pi -= lr * m_hat / (libm::sqrtf(v_hat) + eps);
            }
        });
    }
}
