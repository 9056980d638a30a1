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
//! * on x86-64, by asking the CPU (CPUID and XGETBV, from `core::arch`: no
//!   `std` needed), so a default build, a `no_std` build, a dependent crate
//!   and the C staticlib run AVX-512 or AVX2 where the machine has it,
//!   whatever the compile-time target features;
//! * elsewhere (and under Miri, which cannot execute CPUID), from the
//!   compile-time target features.
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

mod cpu;
mod dot;
mod lut;
#[cfg(all(target_arch = "arm", neurokern_arm_mve))]
mod mve_f32;

#[cfg(all(
    feature = "std",
    not(all(target_arch = "arm", any(neurokern_arm_dsp, neurokern_arm_mve)))
))]
pub(crate) use dot::packed::{pack_i8, packed_chunks_i8, packed_len, packed_pays, packing_pays};
pub(crate) use dot::{dot_chunks_i8, Inline, InlineOut, Sink};
pub(crate) use lut::lut_i8;

use crate::lanes::drivers as d;
use crate::lanes::{self, Map1, Map2};
use cpu::{has_avx2, has_avx512};

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

/// The AVX2 and AVX-512 bodies: safe `#[target_feature]` functions whose
/// bodies are the generic loops, inlined and vectorised for that feature
/// set. Calling one is `unsafe` only because the CPU must have the feature;
/// the dispatchers below call them only in the arm of their `Isa`, which
/// `selected()` returns only when `is_supported` holds.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::*;

    macro_rules! x86_body {
        ($feat:literal, $m1:ident, $m1i:ident, $m2:ident, $m2i:ident) => {
            #[target_feature(enable = $feat)]
            pub(super) fn $m1<F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
                d::vec1(f, x, y)
            }
            #[target_feature(enable = $feat)]
            pub(super) fn $m1i<F: Map1>(f: &F, xy: &mut [f32]) {
                d::vec1_in_place(f, xy)
            }
            #[target_feature(enable = $feat)]
            pub(super) fn $m2<F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
                d::vec2(f, a, b, out)
            }
            #[target_feature(enable = $feat)]
            pub(super) fn $m2i<F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
                d::vec2_in_place(f, a, b)
            }
        };
    }
    x86_body!(
        "avx2",
        map1_avx2,
        map1_in_place_avx2,
        map2_avx2,
        map2_in_place_avx2
    );
    x86_body!(
        "avx512f",
        map1_avx512,
        map1_in_place_avx512,
        map2_avx512,
        map2_in_place_avx512
    );
}

/// One dispatcher per loop shape: on cores without vectors the scalar loop;
/// elsewhere the one-at-a-time loop ([`Isa::Scalar`]), the baseline vector
/// loop (SSE2, NEON) and on x86-64 the AVX2 and AVX-512 loops.
macro_rules! dispatcher {
    ($name:ident, $tr:ident, $scalar:ident, $one:ident, $vec:ident, $avx2:ident, $avx512:ident,
     ($($arg:ident : $ty:ty),*)) => {
        #[inline(always)]
        pub(crate) fn $name<F: $tr>(f: &F, $($arg: $ty),*) {
            if !VECTORS {
                return d::$scalar(f, $($arg),*);
            }
            match selected() {
                Isa::Scalar => d::$one(f, $($arg),*),
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `selected()` returned `Avx512`, which it does only
                // when `is_supported(Avx512)` holds: the CPU has AVX-512F.
                Isa::Avx512 => unsafe { x86::$avx512(f, $($arg),*) },
                #[cfg(target_arch = "x86_64")]
                // SAFETY: as above: `Avx2` is selected only on a CPU with AVX2.
                Isa::Avx2 => unsafe { x86::$avx2(f, $($arg),*) },
                _ => d::$vec(f, $($arg),*),
            }
        }
    };
}

dispatcher!(map1_any, Map1, map1_scalar, one1, vec1, map1_avx2, map1_avx512,
    (x: &[f32], y: &mut [f32]));
dispatcher!(map1_in_place_any, Map1, map1_in_place_scalar, one1_in_place, vec1_in_place,
    map1_in_place_avx2, map1_in_place_avx512, (xy: &mut [f32]));

/// Whether this build is for a core with Helium ([`mve_f32`]).
const HELIUM: bool = cfg!(all(target_arch = "arm", neurokern_arm_mve));

/// `y[i] = f(x[i])`: on Helium, ReLU on its integer lanes
/// ([`Map1::ZERO_NEGATIVES`]); elsewhere the dispatcher above.
#[inline(always)]
pub(crate) fn map1<F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
    if HELIUM && F::ZERO_NEGATIVES {
        #[cfg(all(target_arch = "arm", neurokern_arm_mve))]
        return mve_f32::zero_negatives(x, y);
    }
    map1_any(f, x, y)
}

/// `xy[i] = f(xy[i])`, as [`map1`].
#[inline(always)]
pub(crate) fn map1_in_place<F: Map1>(f: &F, xy: &mut [f32]) {
    if HELIUM && F::ZERO_NEGATIVES {
        #[cfg(all(target_arch = "arm", neurokern_arm_mve))]
        return mve_f32::zero_negatives_in_place(xy);
    }
    map1_in_place_any(f, xy)
}
dispatcher!(map2, Map2, map2_scalar, one2, vec2, map2_avx2, map2_avx512,
    (a: &[f32], b: &[f32], out: &mut [f32]));
dispatcher!(map2_in_place, Map2, map2_in_place_scalar, one2_in_place, vec2_in_place,
    map2_in_place_avx2, map2_in_place_avx512, (a: &[f32], b: &mut [f32]));
