//! Shared test helpers: the f64 oracle, ULP measurement, input generators.
//!
//! The oracle is the plain f64 formula, written once here; the correctly
//! rounded result is that value rounded to f32.
#![allow(dead_code)]

/// f64 reference formulas.
pub mod oracle {
    pub fn sigmoid(x: f64) -> f64 {
        if x >= 0.0 {
            1.0 / (1.0 + (-x).exp())
        } else {
            let e = x.exp();
            e / (1.0 + e)
        }
    }
    pub fn sigmoid_derivative(x: f64) -> f64 {
        let e = (-x.abs()).exp();
        e / ((1.0 + e) * (1.0 + e))
    }
    pub fn tanh(x: f64) -> f64 {
        x.tanh()
    }
    pub fn tanh_derivative(x: f64) -> f64 {
        let t = (-2.0 * x.abs()).exp();
        4.0 * t / ((1.0 + t) * (1.0 + t))
    }
    pub fn sigmoid_derivative_from_output(y: f64) -> f64 {
        y * (1.0 - y)
    }
    pub fn tanh_derivative_from_output(y: f64) -> f64 {
        1.0 - y * y
    }
    pub fn silu(x: f64) -> f64 {
        if x == f64::NEG_INFINITY {
            return -0.0;
        }
        x * sigmoid(x)
    }
    pub fn silu_derivative(x: f64) -> f64 {
        if x.is_infinite() {
            return if x > 0.0 { 1.0 } else { 0.0 };
        }
        sigmoid(x) + x * sigmoid_derivative(x)
    }
    /// Φ(x), the standard normal CDF.
    pub fn phi(x: f64) -> f64 {
        0.5 * libm::erfc(-x / core::f64::consts::SQRT_2)
    }
    pub fn gelu(x: f64) -> f64 {
        if x == f64::NEG_INFINITY {
            return -0.0;
        }
        x * phi(x)
    }
    pub fn gelu_derivative(x: f64) -> f64 {
        if x.is_infinite() {
            return if x > 0.0 { 1.0 } else { 0.0 };
        }
        let pdf = (-0.5 * x * x).exp() / (2.0 * core::f64::consts::PI).sqrt();
        phi(x) + x * pdf
    }
    const K: f64 = 0.797_884_560_802_865_4; // √(2/π)
    pub fn gelu_tanh(x: f64) -> f64 {
        if x == f64::NEG_INFINITY {
            return -0.0;
        }
        let u = K * (x + 0.044715 * x * x * x);
        x * sigmoid(2.0 * u)
    }
    pub fn gelu_tanh_derivative(x: f64) -> f64 {
        if x.is_infinite() {
            return if x > 0.0 { 1.0 } else { 0.0 };
        }
        let u = K * (x + 0.044715 * x * x * x);
        let du = 2.0 * K * (1.0 + 3.0 * 0.044715 * x * x);
        sigmoid(2.0 * u) + x * sigmoid_derivative(2.0 * u) * du
    }
    pub fn elu(x: f64) -> f64 {
        if x > 0.0 || x.is_nan() {
            x
        } else {
            libm::expm1(x)
        }
    }
    pub fn elu_derivative(x: f64) -> f64 {
        if x > 0.0 || x.is_nan() {
            if x.is_nan() {
                x
            } else {
                1.0
            }
        } else {
            x.exp()
        }
    }
    pub fn softplus(x: f64) -> f64 {
        if x > 0.0 {
            x + libm::log1p((-x).exp())
        } else {
            libm::log1p(x.exp())
        }
    }
    pub fn hard_sigmoid(x: f64) -> f64 {
        (x + 3.0).clamp(0.0, 6.0) / 6.0
    }
    pub fn hard_sigmoid_derivative(x: f64) -> f64 {
        if x.is_nan() {
            x
        } else if x > -3.0 && x < 3.0 {
            1.0 / 6.0
        } else {
            0.0
        }
    }
    pub fn hard_swish(x: f64) -> f64 {
        if x < -3.0 {
            return -0.0;
        }
        x * hard_sigmoid(x)
    }
    pub fn relu6(x: f64) -> f64 {
        if x.is_nan() {
            x
        } else {
            x.clamp(0.0, 6.0) + 0.0
        }
    }
    pub fn relu6_derivative(x: f64) -> f64 {
        if x.is_nan() {
            x
        } else if x > 0.0 && x < 6.0 {
            1.0
        } else {
            0.0
        }
    }
    pub fn hard_swish_derivative(x: f64) -> f64 {
        if x.is_nan() {
            x
        } else if x < -3.0 {
            0.0
        } else if x <= 3.0 {
            x / 3.0 + 0.5
        } else {
            1.0
        }
    }
}

/// The size of one ULP at the exact value `v` (2^(e−23), floor 2^−149).
pub fn ulp_at(v: f64) -> f64 {
    let a = v.abs();
    if a < f64::from(f32::MIN_POSITIVE) {
        return 2f64.powi(-149);
    }
    let e = a.log2().floor() as i32;
    // guard against log2 rounding at exact powers of two
    let e = if 2f64.powi(e) > a {
        e - 1
    } else if 2f64.powi(e + 1) <= a {
        e + 1
    } else {
        e
    };
    2f64.powi(e - 23)
}

/// Error of `got` against the exact value `exact`, in ULP of `exact`:
/// |got − exact| / 2^(e−23) with 2^e ≤ |exact| < 2^(e+1), floor 2^−149 — a
/// fractional figure, as libm and CORE-MATH report theirs (a correctly
/// rounded result is within 0.5). NaN where exactly one of them is NaN (so
/// any comparison with a bound fails).
pub fn ulp_error(got: f32, exact: f64) -> f64 {
    if got.is_nan() || exact.is_nan() {
        return if got.is_nan() && exact.is_nan() {
            0.0
        } else {
            f64::NAN
        };
    }
    if f64::from(got) == exact {
        return 0.0;
    }
    if got.is_infinite() || exact.is_infinite() {
        return f64::INFINITY;
    }
    (f64::from(got) - exact).abs() / ulp_at(exact)
}

/// Calls `f` with every `stride`-th f32 bit pattern (all of them for stride 1),
/// in chunks, on all cores. `f` returns a partial result; results are merged
/// with `merge`.
pub fn sweep<R: Send + Default>(
    stride: u64,
    f: impl Fn(&[f32]) -> R + Sync,
    merge: impl Fn(R, R) -> R + Sync,
) -> R {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let total = (1u64 << 32).div_ceil(stride);
    let per = total.div_ceil(threads);
    let results: Vec<R> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let f = &f;
                let merge = &merge;
                s.spawn(move || {
                    let mut acc: Option<R> = None;
                    let mut buf = Vec::with_capacity(4096);
                    let (lo, hi) = (t * per, ((t + 1) * per).min(total));
                    let mut i = lo;
                    while i < hi {
                        buf.clear();
                        while i < hi && buf.len() < 4096 {
                            buf.push(f32::from_bits((i * stride) as u32));
                            i += 1;
                        }
                        let r = f(&buf);
                        acc = Some(match acc.take() {
                            None => r,
                            Some(a) => merge(a, r),
                        });
                    }
                    acc.unwrap_or_default()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    results.into_iter().fold(R::default(), merge)
}

/// The stride of the default sweep, or 1 with `NEUROKERN_EXHAUSTIVE=1`.
pub fn sweep_stride() -> u64 {
    if std::env::var("NEUROKERN_EXHAUSTIVE").is_ok_and(|v| v == "1") {
        1
    } else {
        // a prime, so every mantissa bit pattern class is visited
        1021
    }
}

/// Special and edge inputs: zeros, infinities, NaNs, subnormals, extremes,
/// and the points where the kernels change method or saturate.
pub fn special_values() -> Vec<f32> {
    let mut v = vec![
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        -f32::NAN,
        f32::from_bits(0x7f80_0001), // signalling NaN
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        f32::from_bits(1),
        f32::from_bits(0x8000_0001),
        f32::from_bits(0x007f_ffff),
        f32::MAX,
        f32::MIN,
        f32::EPSILON,
        1.0,
        -1.0,
        0.549_306_1,
        -0.549_306_1,
        9.010_913,
        -9.010_913,
        16.635_532,
        -16.635_532,
        17.0,
        -87.336_55,
        -88.0,
        -100.0,
        -103.972_08,
        -103.28,
        -104.0,
        -110.0,
        110.0,
        1e10,
        -1e10,
    ];
    // neighbours of each
    let base = v.clone();
    for x in base {
        if x.is_finite() {
            let b = x.to_bits();
            v.push(f32::from_bits(b.wrapping_add(1)));
            v.push(f32::from_bits(b.wrapping_sub(1)));
        }
    }
    v
}

/// A small seeded generator (SplitMix64, Steele et al. 2014) whose outputs are
/// biased toward edge bit patterns: specials, tiny, huge, near 0 and ±1.
pub struct EdgeRng(u64);

impl EdgeRng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn next_f32(&mut self) -> f32 {
        let r = self.next_u64();
        let sign = ((r >> 63) as u32) << 31;
        match r % 8 {
            0 => {
                let s = special_values();
                s[(r >> 8) as usize % s.len()]
            }
            1 => f32::from_bits(sign | ((r >> 8) as u32 & 0x00ff_ffff)), // subnormal/tiny
            2 => f32::from_bits(sign | (0x7f00_0000 + ((r >> 8) as u32 & 0x00ff_ffff))), // huge
            3 => f32::from_bits((r >> 16) as u32),                       // any bits
            _ => {
                // the working range of activations: |x| < 120
                let u = (r >> 40) as f32 / (1u64 << 24) as f32;
                let x = (u - 0.5) * 240.0;
                if r & 0x10 != 0 {
                    x / 64.0
                } else {
                    x
                }
            }
        }
    }
}

/// True when two f32 are the same bits, or both NaN.
pub fn same(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}
