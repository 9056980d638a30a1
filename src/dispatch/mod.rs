//! Run-time choice of the SIMD body: the one module of the crate with
//! `unsafe` code.
//!
//! Every kernel is compiled several times from its one lane-generic body:
//! for AVX-512 (16 lanes), AVX2 (8 lanes), the target's baseline vectors
//! (4 lanes: SSE2 on x86-64, NEON on aarch64) and plain scalar code. All of
//! them perform the same IEEE operations on each element, so they return the
//! same bits; they differ only in speed. The first kernel call picks the
//! widest body the CPU supports:
//!
//! * with the `runtime-dispatch` feature (implied by `std`), by asking the
//!   CPU (`is_x86_feature_detected!`), so a default build, a dependent crate
//!   and the C staticlib run AVX-512 or AVX2 where the machine has it;
//! * without it (`no_std`), from the compile-time target features
//!   (`-C target-cpu=…` or `-C target-feature=+avx2`).
//!
//! On targets without vector registers (Cortex-M, RISC-V microcontrollers)
//! only the scalar body exists and nothing is chosen at run time.
//!
//! [`force`] pins a body, for benchmarks and for the tests that compare
//! every body bit for bit.
//!
//! The int8 table lookup of [`int8::Lut`](crate::int8::Lut) follows the same
//! choice, with bodies of its own written with `core::arch` intrinsics (a
//! byte gather is not something LLVM vectorises from a loop): AVX-512 VBMI
//! byte permutes in the AVX-512 body where the CPU has VBMI, AVX2 `vpshufb`
//! otherwise on x86-64, one load per element elsewhere.
//!
//! ```
//! use neurokern::dispatch::{self, Isa};
//! let isa = dispatch::selected();
//! assert!(dispatch::is_supported(isa) && isa.lanes() >= 1);
//! println!("kernels run on {} ({} lanes)", isa.name(), isa.lanes());
//! ```
#![allow(unsafe_code)]

use crate::lanes::drivers as d;
use crate::lanes::{self, Map1, Map2, V, X4};

/// A SIMD body of the kernels.
#[non_exhaustive]
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Isa {
    /// One `f32` at a time (cores without vector registers; also available
    /// everywhere else, for comparison).
    Scalar,
    /// 4 lanes in 128-bit registers: the target's baseline vectors (SSE2 on
    /// x86-64, NEON on aarch64, simd128 on wasm).
    Vector128,
    /// 8 lanes in 256-bit AVX2 registers (x86-64).
    Avx2,
    /// 16 lanes in 512-bit AVX-512F registers (x86-64).
    Avx512,
}

impl Isa {
    /// Every body, narrowest first.
    pub const ALL: [Isa; 4] = [Isa::Scalar, Isa::Vector128, Isa::Avx2, Isa::Avx512];

    /// `f32` lanes per vector.
    ///
    /// ```
    /// assert_eq!(neurokern::dispatch::Isa::Avx512.lanes(), 16);
    /// ```
    pub const fn lanes(self) -> usize {
        match self {
            Isa::Scalar => 1,
            Isa::Vector128 => 4,
            Isa::Avx2 => 8,
            Isa::Avx512 => 16,
        }
    }

    /// A short name: `"scalar"`, `"sse2"` / `"neon"` / `"simd128"`, `"avx2"`,
    /// `"avx512"`.
    ///
    /// ```
    /// assert_eq!(neurokern::dispatch::Isa::Avx2.name(), "avx2");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Vector128 => {
                if cfg!(target_arch = "x86_64") || cfg!(target_arch = "x86") {
                    "sse2"
                } else if cfg!(target_arch = "wasm32") {
                    "simd128"
                } else {
                    "neon"
                }
            }
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }

    const fn code(self) -> u8 {
        match self {
            Isa::Scalar => 1,
            Isa::Vector128 => 2,
            Isa::Avx2 => 3,
            Isa::Avx512 => 4,
        }
    }

    const fn from_code(c: u8) -> Option<Isa> {
        match c {
            1 => Some(Isa::Scalar),
            2 => Some(Isa::Vector128),
            3 => Some(Isa::Avx2),
            4 => Some(Isa::Avx512),
            _ => None,
        }
    }
}

impl core::fmt::Display for Isa {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// [`force`] was asked for a body this CPU (or this build) cannot run.
#[cfg_attr(all(feature = "defmt", target_os = "none"), derive(defmt::Format))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsupported(pub Isa);

impl core::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the {} kernels cannot run on this CPU or build", self.0)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Unsupported {}

// Under Miri (which interprets the code and cannot execute `cpuid`) the
// compile-time features decide, as in a `no_std` build.

/// Whether this build has vector bodies at all.
const VECTORS: bool = lanes::SIMD;

/// Whether `isa` can run here.
///
/// ```
/// use neurokern::dispatch::{is_supported, Isa};
/// assert!(is_supported(Isa::Scalar));
/// ```
pub fn is_supported(isa: Isa) -> bool {
    match isa {
        Isa::Scalar => true,
        Isa::Vector128 => VECTORS,
        Isa::Avx2 => has_avx2(),
        Isa::Avx512 => has_avx512(),
    }
}

/// The widest body this CPU supports (what runs unless [`force`]d).
///
/// ```
/// let best = neurokern::dispatch::detected();
/// assert!(neurokern::dispatch::is_supported(best));
/// ```
pub fn detected() -> Isa {
    if has_avx512() {
        Isa::Avx512
    } else if has_avx2() {
        Isa::Avx2
    } else if VECTORS {
        Isa::Vector128
    } else {
        Isa::Scalar
    }
}

/// The body the kernels run now: the [`force`]d one, else [`detected`].
///
/// ```
/// let isa = neurokern::dispatch::selected();
/// assert!(neurokern::dispatch::is_supported(isa));
/// ```
#[inline]
pub fn selected() -> Isa {
    if !VECTORS {
        return Isa::Scalar;
    }
    state::selected()
}

/// Pins the body every kernel uses from now on, in every thread (`None`
/// returns to [`detected`]). For benchmarks and comparisons: every body
/// returns the same bits, so this changes speed only.
///
/// # Errors
///
/// [`Unsupported`] when `isa` cannot run here; nothing changes then.
///
/// ```
/// use neurokern::dispatch::{self, Isa};
/// dispatch::force(Some(Isa::Scalar)).unwrap();
/// assert_eq!(dispatch::selected(), Isa::Scalar);
/// dispatch::force(None).unwrap();
/// assert_eq!(dispatch::selected(), dispatch::detected());
/// ```
pub fn force(isa: Option<Isa>) -> Result<(), Unsupported> {
    if let Some(i) = isa {
        if !is_supported(i) {
            return Err(Unsupported(i));
        }
    }
    state::set(isa);
    Ok(())
}

/// The selection's storage; none on targets without vectors, where the
/// scalar body is the only one and costs no load per call.
mod state {
    use super::Isa;
    use core::sync::atomic::{AtomicU8, Ordering};

    /// 0: not decided yet; otherwise an `Isa::code`.
    static SELECTED: AtomicU8 = AtomicU8::new(0);

    #[inline]
    pub(super) fn selected() -> Isa {
        match Isa::from_code(SELECTED.load(Ordering::Relaxed)) {
            Some(i) => i,
            None => decide(),
        }
    }

    #[cold]
    fn decide() -> Isa {
        let isa = super::detected();
        SELECTED.store(isa.code(), Ordering::Relaxed);
        isa
    }

    pub(super) fn set(isa: Option<Isa>) {
        SELECTED.store(isa.map_or(0, Isa::code), Ordering::Relaxed);
    }
}

#[cfg(all(target_arch = "x86_64", feature = "runtime-dispatch", not(miri)))]
fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2")
}

#[cfg(all(target_arch = "x86_64", feature = "runtime-dispatch", not(miri)))]
fn has_avx512() -> bool {
    std::is_x86_feature_detected!("avx512f")
}

/// AVX-512 VBMI (byte permutes across a whole register) and BW, which the
/// int8 table lookup's AVX-512 body needs besides AVX-512F.
#[cfg(all(target_arch = "x86_64", feature = "runtime-dispatch", not(miri)))]
fn has_avx512_vbmi() -> bool {
    std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512bw")
        && std::is_x86_feature_detected!("avx512vbmi")
}

#[cfg(all(
    target_arch = "x86_64",
    not(all(feature = "runtime-dispatch", not(miri)))
))]
fn has_avx512_vbmi() -> bool {
    cfg!(all(
        target_arch = "x86_64",
        target_feature = "avx512f",
        target_feature = "avx512bw",
        target_feature = "avx512vbmi"
    ))
}

#[cfg(not(all(target_arch = "x86_64", feature = "runtime-dispatch", not(miri))))]
fn has_avx2() -> bool {
    cfg!(all(target_arch = "x86_64", target_feature = "avx2"))
}

#[cfg(not(all(target_arch = "x86_64", feature = "runtime-dispatch", not(miri))))]
fn has_avx512() -> bool {
    cfg!(all(target_arch = "x86_64", target_feature = "avx512f"))
}

/// The AVX2 and AVX-512 bodies: safe `#[target_feature]` functions whose
/// bodies are the generic loops, inlined and vectorised for that feature
/// set. Calling one is `unsafe` only because the CPU must have the feature;
/// the dispatchers below call them only in the arm of their `Isa`, which
/// `selected()` returns only when `is_supported` holds.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::*;

    macro_rules! x86_body {
        ($feat:literal, $n:literal, $m1:ident, $m1i:ident, $m2:ident, $m2i:ident) => {
            #[target_feature(enable = $feat)]
            pub(super) fn $m1<F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
                d::run1::<X4<V<$n>>, F>(f, x, y)
            }
            #[target_feature(enable = $feat)]
            pub(super) fn $m1i<F: Map1>(f: &F, xy: &mut [f32]) {
                d::run1_in_place::<X4<V<$n>>, F>(f, xy)
            }
            #[target_feature(enable = $feat)]
            pub(super) fn $m2<F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
                d::run2::<X4<V<$n>>, F>(f, a, b, out)
            }
            #[target_feature(enable = $feat)]
            pub(super) fn $m2i<F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
                d::run2_in_place::<X4<V<$n>>, F>(f, a, b)
            }
        };
    }
    x86_body!(
        "avx2",
        8,
        map1_avx2,
        map1_in_place_avx2,
        map2_avx2,
        map2_in_place_avx2
    );
    x86_body!(
        "avx512f",
        16,
        map1_avx512,
        map1_in_place_avx512,
        map2_avx512,
        map2_in_place_avx512
    );

    use core::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_broadcastsi128_si256, _mm256_cmpeq_epi8,
        _mm256_loadu_si256, _mm256_or_si256, _mm256_set1_epi8, _mm256_setzero_si256,
        _mm256_shuffle_epi8, _mm256_srli_epi16, _mm256_storeu_si256, _mm512_loadu_si512,
        _mm512_mask_blend_epi8, _mm512_movepi8_mask, _mm512_permutex2var_epi8, _mm512_storeu_si512,
        _mm_loadu_si128,
    };

    /// The int8 table lookup, 64 bytes at a time: `vpermi2b` looks up the
    /// 7 low bits of each index in two 128-entry halves of the table (two
    /// registers each), and the index's top bit picks the half.
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
    pub(super) fn lut_i8_vbmi(table: &[i8; 256], x: &[i8], y: &mut [i8]) {
        let n = x.len().min(y.len());
        let p = table.as_ptr();
        // SAFETY: four 64-byte loads at offsets 0, 64, 128 and 192 of a
        // 256-byte array (unaligned loads).
        let (t0, t1, t2, t3) = unsafe {
            (
                _mm512_loadu_si512(p.cast()),
                _mm512_loadu_si512(p.add(64).cast()),
                _mm512_loadu_si512(p.add(128).cast()),
                _mm512_loadu_si512(p.add(192).cast()),
            )
        };
        let mut i = 0;
        while i + 64 <= n {
            // SAFETY: bytes i..i + 64 are within `x` (i + 64 <= n <= x.len()).
            let idx = unsafe { _mm512_loadu_si512(x.as_ptr().add(i).cast()) };
            let low = _mm512_permutex2var_epi8(t0, idx, t1);
            let high = _mm512_permutex2var_epi8(t2, idx, t3);
            let r = _mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), low, high);
            // SAFETY: bytes i..i + 64 are within `y` (i + 64 <= n <= y.len()).
            unsafe { _mm512_storeu_si512(y.as_mut_ptr().add(i).cast(), r) };
            i += 64;
        }
        super::lut_i8_scalar(table, &x[i..n], &mut y[i..n]);
    }

    /// The int8 table lookup, 32 bytes at a time with AVX2's 16-entry
    /// `vpshufb`: the table as 16 rows of 16 bytes, each row looked up with
    /// the index's low 4 bits and kept where its high 4 bits name that row.
    #[target_feature(enable = "avx2")]
    pub(super) fn lut_i8_avx2(table: &[i8; 256], x: &[i8], y: &mut [i8]) {
        let n = x.len().min(y.len());
        let mut rows = [_mm256_setzero_si256(); 16];
        let mut k = 0;
        while k < 16 {
            // SAFETY: 16 bytes at offset 16k <= 240 of a 256-byte array.
            let row = unsafe { _mm_loadu_si128(table.as_ptr().add(16 * k).cast()) };
            rows[k] = _mm256_broadcastsi128_si256(row);
            k += 1;
        }
        let nibble = _mm256_set1_epi8(0x0f);
        let mut i = 0;
        while i + 32 <= n {
            // SAFETY: bytes i..i + 32 are within `x` (i + 32 <= n <= x.len()).
            let idx: __m256i = unsafe { _mm256_loadu_si256(x.as_ptr().add(i).cast()) };
            let low = _mm256_and_si256(idx, nibble);
            let high = _mm256_and_si256(_mm256_srli_epi16::<4>(idx), nibble);
            let mut r = _mm256_setzero_si256();
            let mut k = 0;
            while k < 16 {
                let hit = _mm256_cmpeq_epi8(high, _mm256_set1_epi8(k as i8));
                let v = _mm256_shuffle_epi8(rows[k], low);
                r = _mm256_or_si256(r, _mm256_and_si256(hit, v));
                k += 1;
            }
            // SAFETY: bytes i..i + 32 are within `y` (i + 32 <= n <= y.len()).
            unsafe { _mm256_storeu_si256(y.as_mut_ptr().add(i).cast(), r) };
            i += 32;
        }
        super::lut_i8_scalar(table, &x[i..n], &mut y[i..n]);
    }
}

/// `y[k] = table[x[k] as u8]` one byte at a time.
#[inline]
fn lut_i8_scalar(table: &[i8; 256], x: &[i8], y: &mut [i8]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = table[x as u8 as usize];
    }
}

/// The int8 table lookup of [`int8::Lut`](crate::int8::Lut):
/// `y[k] = table[x[k] as u8]` over `min(x.len(), y.len())` elements. A
/// lookup is a lookup, so every body returns the same bytes: on x86-64 the
/// AVX-512 body uses VBMI's byte permutes where the CPU has them (64
/// elements in a few instructions), the AVX2 body (and an AVX-512 CPU
/// without VBMI) 16 `vpshufb`s per 32 elements; elsewhere one load per
/// element.
#[inline]
pub(crate) fn lut_i8(table: &[i8; 256], x: &[i8], y: &mut [i8]) {
    // (not under Miri, which does not implement these intrinsics)
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    if VECTORS {
        match selected() {
            // SAFETY: the CPU has AVX-512F, BW and VBMI (checked just now).
            Isa::Avx512 if has_avx512_vbmi() => return unsafe { x86::lut_i8_vbmi(table, x, y) },
            // SAFETY: the CPU has AVX2 (checked just now).
            Isa::Avx512 | Isa::Avx2 if has_avx2() => {
                return unsafe { x86::lut_i8_avx2(table, x, y) }
            }
            _ => {}
        }
    }
    lut_i8_scalar(table, x, y)
}

/// One dispatcher per loop shape: scalar, the baseline 4-lane body (SSE2,
/// NEON), and on x86-64 the AVX2 and AVX-512 bodies.
macro_rules! dispatcher {
    ($name:ident, $tr:ident, $scalar:ident, $run:ident, $avx2:ident, $avx512:ident,
     ($($arg:ident : $ty:ty),*)) => {
        #[inline(always)]
        pub(crate) fn $name<F: $tr>(f: &F, $($arg: $ty),*) {
            if !VECTORS {
                return d::$scalar(f, $($arg),*);
            }
            match selected() {
                Isa::Scalar => d::$scalar(f, $($arg),*),
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `selected()` returned `Avx512`, which it does only
                // when `is_supported(Avx512)` holds: the CPU has AVX-512F.
                Isa::Avx512 => unsafe { x86::$avx512(f, $($arg),*) },
                #[cfg(target_arch = "x86_64")]
                // SAFETY: as above: `Avx2` is selected only on a CPU with AVX2.
                Isa::Avx2 => unsafe { x86::$avx2(f, $($arg),*) },
                _ => d::$run::<X4<V<4>>, F>(f, $($arg),*),
            }
        }
    };
}

dispatcher!(map1, Map1, map1_scalar, run1, map1_avx2, map1_avx512, (x: &[f32], y: &mut [f32]));
dispatcher!(map1_in_place, Map1, map1_in_place_scalar, run1_in_place, map1_in_place_avx2,
    map1_in_place_avx512, (xy: &mut [f32]));
dispatcher!(map2, Map2, map2_scalar, run2, map2_avx2, map2_avx512,
    (a: &[f32], b: &[f32], out: &mut [f32]));
dispatcher!(map2_in_place, Map2, map2_in_place_scalar, run2_in_place, map2_in_place_avx2,
    map2_in_place_avx512, (a: &[f32], b: &mut [f32]));
