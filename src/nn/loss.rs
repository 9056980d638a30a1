//! Loss functions: value and gradient with respect to the network output.

use crate::activation::sigmoid_scalar;

/// A loss `L(y, t)` over one sample's output `y` and target `t`.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Loss {
    /// Mean squared error `(1/n) Σ (y − t)²`.
    Mse,
    /// Binary cross-entropy on logits: `y` are logits z (use an identity
    /// output layer), `t ∈ [0, 1]`; `(1/n) Σ max(z,0) − z·t + ln(1 + e^−|z|)`,
    /// which never overflows. Gradient `(σ(z) − t)/n`.
    BceWithLogits,
    /// Softmax cross-entropy on logits: `t` is a probability vector (one-hot
    /// for a class label); `−Σ t_k · log softmax(z)_k`, computed with the
    /// maximum subtracted. Gradient `softmax(z)·Σt − t`.
    SoftmaxCrossEntropy,
}

impl Loss {
    /// The loss for one sample, with its gradient ∂L/∂y written to `dy`.
    ///
    /// # Panics
    ///
    /// When `y`, `t` and `dy` differ in length; the message names the lengths.
    ///
    /// ```
    /// use neurokern::nn::loss::Loss;
    /// let mut dy = [0.0; 2];
    /// let l = Loss::Mse.value_and_grad(&[1.0, 2.0], &[0.0, 2.0], &mut dy);
    /// assert_eq!(l, 0.5);
    /// assert_eq!(dy, [1.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn value_and_grad(&self, y: &[f32], t: &[f32], dy: &mut [f32]) -> f32 {
        crate::lanes::check_len("Loss::value_and_grad", "y", y.len(), "t", t.len());
        crate::lanes::check_len("Loss::value_and_grad", "y", y.len(), "dy", dy.len());
        let n = y.len() as f32;
        match self {
            Loss::Mse => {
                let mut sum = 0.0f32;
                for ((yi, ti), di) in y.iter().zip(t).zip(dy.iter_mut()) {
                    let e = yi - ti;
                    sum += e * e;
                    *di = 2.0 * e / n;
                }
                sum / n
            }
            Loss::BceWithLogits => {
                let mut sum = 0.0f32;
                for ((z, ti), di) in y.iter().zip(t).zip(dy.iter_mut()) {
                    let z = *z;
                    sum += z.max(0.0) - z * ti + libm::log1pf(libm::expf(-z.abs()));
                    *di = (sigmoid_scalar(z) - ti) / n;
                }
                sum / n
            }
            Loss::SoftmaxCrossEntropy => {
                let m = y.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut s = 0.0f32;
                for (z, di) in y.iter().zip(dy.iter_mut()) {
                    *di = libm::expf(z - m);
                    s += *di;
                }
                let log_s = libm::logf(s);
                let (mut loss, mut t_sum) = (0.0f32, 0.0f32);
                for ((z, ti), di) in y.iter().zip(t).zip(dy.iter_mut()) {
                    // log s + (m − z), not (log s + m) − z: m − z is exact
                    // for nearby logits, and adding m first would round
                    // log s to the ulp of m (1e−3 at logits near −1e4)
                    loss += ti * (log_s + (m - z));
                    t_sum += ti;
                    *di /= s;
                }
                for (ti, di) in t.iter().zip(dy.iter_mut()) {
                    *di = *di * t_sum - ti;
                }
                loss
            }
        }
    }
}
