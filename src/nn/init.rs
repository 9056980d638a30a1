//! Weight initialisation: Xavier/Glorot and He/Kaiming, uniform and normal,
//! reproducible from a seed on every target.

use crate::activation::Act;
use rand_core::RngCore;

/// An initialisation scheme for a layer's weights (biases start at zero).
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Init {
    /// Xavier for sigmoid, tanh and identity layers, He for the ReLU family.
    Auto,
    /// Glorot & Bengio (2010): U(−a, a), a = √(6 / (fan_in + fan_out)).
    XavierUniform,
    /// Glorot & Bengio (2010): N(0, 2 / (fan_in + fan_out)).
    XavierNormal,
    /// He et al. (2015): U(−a, a), a = √(6 / fan_in).
    HeUniform,
    /// He et al. (2015): N(0, 2 / fan_in).
    HeNormal,
}

impl Init {
    /// Fills `w` (a layer of `fan_in` inputs and `fan_out` outputs with
    /// activation `act`) from `rng`.
    ///
    /// ```
    /// use neurokern::{activation::Act, nn::init::{Init, SplitMix64}};
    /// let mut w = [0.0f32; 64];
    /// Init::HeUniform.fill(8, 8, Act::Relu, &mut w, &mut SplitMix64::new(3));
    /// let a = (6.0f32 / 8.0).sqrt();
    /// assert!(w.iter().all(|v| v.abs() <= a) && w.iter().any(|v| *v != 0.0));
    /// ```
    pub fn fill(
        self,
        fan_in: usize,
        fan_out: usize,
        act: Act,
        w: &mut [f32],
        rng: &mut impl RngCore,
    ) {
        let scheme = match self {
            Init::Auto => match act {
                Act::Relu | Act::LeakyRelu(_) => Init::HeUniform,
                _ => Init::XavierUniform,
            },
            s => s,
        };
        let (fi, fo) = (fan_in.max(1) as f32, fan_out.max(1) as f32);
        match scheme {
            Init::XavierUniform | Init::HeUniform => {
                let a = if scheme == Init::XavierUniform {
                    libm::sqrtf(6.0 / (fi + fo))
                } else {
                    libm::sqrtf(6.0 / fi)
                };
                for v in w {
                    *v = (2.0 * uniform(rng) - 1.0) * a;
                }
            }
            _ => {
                let std = if scheme == Init::XavierNormal {
                    libm::sqrtf(2.0 / (fi + fo))
                } else {
                    libm::sqrtf(2.0 / fi)
                };
                for v in w {
                    *v = normal(rng) * std;
                }
            }
        }
    }
}

/// Uniform in [0, 1) with 24 random bits.
///
/// ```
/// let u = neurokern::nn::init::uniform(&mut neurokern::nn::init::SplitMix64::new(0));
/// assert!((0.0..1.0).contains(&u));
/// ```
pub fn uniform(rng: &mut impl RngCore) -> f32 {
    (rng.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// Standard normal, by the Box–Muller transform (libm's `logf`, `cosf`,
/// `sqrtf`, which are the same code on every target).
///
/// ```
/// let mut rng = neurokern::nn::init::SplitMix64::new(5);
/// let mean: f32 = (0..10_000).map(|_| neurokern::nn::init::normal(&mut rng)).sum::<f32>() / 1e4;
/// assert!(mean.abs() < 0.05);
/// ```
pub fn normal(rng: &mut impl RngCore) -> f32 {
    let u1 = 1.0 - uniform(rng); // (0, 1]
    let u2 = uniform(rng);
    libm::sqrtf(-2.0 * libm::logf(u1)) * libm::cosf(core::f32::consts::TAU * u2)
}

/// SplitMix64 (Steele, Lea & Flood, 2014): a tiny, fast, seedable generator,
/// the crate's default source of initial weights. Not for cryptography.
///
/// ```
/// use rand_core::RngCore;
/// let mut a = neurokern::nn::init::SplitMix64::new(42);
/// let mut b = neurokern::nn::init::SplitMix64::new(42);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator seeded with `seed`.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }
}

impl RngCore for SplitMix64 {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}
