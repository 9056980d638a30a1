//! The int8 fully connected layer's inner loop: the dot products of a
//! layer's weight rows with its input, `Σ_i w[r·stride + i]·x[i]` in i32,
//! handed to the caller a chunk of [`CHUNK`] rows at a time so that the
//! requantization runs as a loop of its own, its constants in registers
//! (interleaved with the dot products they were spilled and reloaded for
//! every row). Integer sums are exact and wrap the same way in any order, so
//! every body returns the same integers; they differ in speed only.
//!
//! * On Cortex-M cores with the DSP extension (M4, M7, M33 built with
//!   `+dsp`), [`dsp`]: the input widened once to 16-bit pairs, four rows at a
//!   time with `SMLAD` in `asm!` (1.34 instructions per multiply-accumulate).
//! * On the Cortex-M55, [`mve`]: Helium's `VMLADAVA.S8`, sixteen
//!   multiply-accumulates per instruction, four rows at a time.
//! * On x86-64, [`x86`]: AVX2's `vpmaddwd` on inputs widened to i16, and
//!   AVX-512 VNNI's `vpdpbusd`, four rows at a time, chosen at run time like
//!   the float kernels; the chunk loop and the requantization are compiled
//!   with the body's features, so LLVM vectorises the requantization too.
//! * Elsewhere the plain loop, which LLVM vectorises where there are
//!   vectors (NEON: widening multiply-adds) and leaves scalar where there
//!   are none.

#[cfg(not(all(target_arch = "arm", any(neurokern_arm_dsp, neurokern_arm_mve))))]
use super::{selected, Isa, VECTORS};

#[cfg(all(target_arch = "arm", neurokern_arm_dsp, not(neurokern_arm_mve)))]
mod dsp;
#[cfg(all(target_arch = "arm", neurokern_arm_mve))]
mod mve;
#[cfg(all(
    feature = "std",
    not(all(target_arch = "arm", any(neurokern_arm_dsp, neurokern_arm_mve)))
))]
pub(crate) mod packed;
#[cfg(all(feature = "std", target_arch = "x86_64", not(miri)))]
mod packed_vnni;
#[cfg(target_arch = "x86_64")]
mod x86;

/// What receives a layer's row sums, a chunk at a time: `take(first_row,
/// sums)`. A trait rather than a closure so that its one implementation
/// (the requantization) can be `#[inline(always)]` into the chunk loop,
/// which on x86-64 is compiled for the body's vector features.
pub(crate) trait Sink {
    /// The sums of rows `first_row..first_row + sums.len()`.
    fn take(&mut self, first_row: usize, sums: &[i32]);

    /// Where the requantization is one [`InlineOut`] for every row, it and
    /// the layer's int8 outputs: a vector body may then requantize in
    /// registers and write the outputs itself instead of calling
    /// [`Sink::take`] (the packed VNNI body does). `None` otherwise.
    #[cfg_attr(not(all(feature = "std", target_arch = "x86_64")), allow(dead_code))]
    fn inline(&mut self) -> Option<(InlineOut, &mut [i8])> {
        None
    }
}

/// A requantization in one of the two forms `int8/requant.rs` states for
/// a single multiplier, for a vector body to apply in registers (its
/// constants as that file computes them).
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(all(feature = "std", target_arch = "x86_64")), allow(dead_code))]
pub(crate) enum Inline {
    /// LiteRT below ¼: `(high32(s·m) + h) >> r`.
    High { m: i32, h: i32, r: u32 },
    /// TFLite Micro's: `q = (s·m + 2^30) >> 31`, then `(min(q, cap) + half
    /// + (q >> 31)) >> e`.
    Double { m: i32, half: i32, e: u32, cap: i32 },
}

/// An [`Inline`] requantization, the output's zero point and its clamp.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(all(feature = "std", target_arch = "x86_64")), allow(dead_code))]
pub(crate) struct InlineOut {
    pub(crate) form: Inline,
    pub(crate) zero_point: i32,
    pub(crate) lo: i32,
    pub(crate) hi: i32,
}

/// Rows whose sums one call of [`Sink::take`] receives: 256 bytes of stack.
pub(crate) const CHUNK: usize = 64;

/// The layer's row sums: for `rows` rows of `stride` weights each, in chunks
/// of at most [`CHUNK`] rows, calls `emit.take(first_row, sums)` with
/// `sums[r] = bias[first_row + r] + Σ_{i < cols} w[(first_row + r)·stride +
/// i]·x[i]` (wrapping).
///
/// # Panics
/// If `cols > stride`, `x` is shorter than `cols`, `w` than `rows · stride`
/// or `bias` than `rows`.
#[inline]
pub(crate) fn dot_chunks_i8(
    w: &[i8],
    stride: usize,
    cols: usize,
    rows: usize,
    x: &[i8],
    bias: &[i32],
    emit: impl Sink,
) {
    assert!(cols <= stride && x.len() >= cols && w.len() >= rows * stride && bias.len() >= rows);
    let x = &x[..cols];
    #[cfg(all(target_arch = "arm", neurokern_arm_dsp, not(neurokern_arm_mve)))]
    {
        dsp::chunks(w, stride, rows, x, bias, emit)
    }
    #[cfg(all(target_arch = "arm", neurokern_arm_mve))]
    {
        mve::chunks(w, stride, rows, x, bias, emit)
    }
    #[cfg(not(all(target_arch = "arm", any(neurokern_arm_dsp, neurokern_arm_mve))))]
    {
        if !VECTORS {
            return chunks_with(w, stride, rows, x, bias, emit, rows_plain);
        }
        match selected() {
            #[cfg(all(target_arch = "x86_64", not(miri)))]
            // SAFETY: the CPU has AVX-512F, BW and VNNI (asked just now).
            Isa::Avx512 if super::cpu::has_avx512_vnni() => unsafe {
                x86::chunks_avx512_vnni(w, stride, rows, x, bias, emit)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `selected()` returned `Avx512` only because
            // `is_supported(Avx512)` holds: the CPU has AVX-512F.
            Isa::Avx512 => unsafe { x86::chunks_avx512(w, stride, rows, x, bias, emit) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above: `Avx2` is selected only on a CPU with AVX2.
            Isa::Avx2 => unsafe { x86::chunks_avx2(w, stride, rows, x, bias, emit) },
            Isa::Scalar => chunks_with(w, stride, rows, x, bias, emit, rows_one),
            _ => chunks_with(w, stride, rows, x, bias, emit, rows_plain),
        }
    }
}

/// The chunk loop around a body's row sums (`body(w, stride, x, bias,
/// acc)` sets `acc[r] = bias[r] + Σ_i w[r·stride + i]·x[i]`), `emit` inlined: on x86-64 it is
/// compiled inside the body's `#[target_feature]` function, so the
/// caller's requantization loop is vectorised for the same features.
#[cfg(not(all(target_arch = "arm", any(neurokern_arm_dsp, neurokern_arm_mve))))]
#[inline(always)]
fn chunks_with(
    w: &[i8],
    stride: usize,
    rows: usize,
    x: &[i8],
    bias: &[i32],
    mut emit: impl Sink,
    body: impl Fn(&[i8], usize, &[i8], &[i32], &mut [i32]),
) {
    let mut sums = [0i32; CHUNK];
    let mut first = 0;
    while first < rows {
        let m = CHUNK.min(rows - first);
        let sums = &mut sums[..m];
        let (w, bias) = (
            &w[first * stride..(first + m) * stride],
            &bias[first..first + m],
        );
        body(w, stride, x, bias, sums);
        emit.take(first, sums);
        first += m;
    }
}

#[cfg(not(all(target_arch = "arm", neurokern_arm_dsp, not(neurokern_arm_mve))))]
/// The plain loop: one row after another, each a sum LLVM may vectorise.
#[inline(always)]
fn rows_plain(w: &[i8], stride: usize, x: &[i8], bias: &[i32], acc: &mut [i32]) {
    for ((a, row), &b) in acc.iter_mut().zip(w.chunks(stride.max(1))).zip(bias) {
        let mut s = 0i32;
        for (&w, &x) in row.iter().zip(x) {
            s = s.wrapping_add(w as i32 * x as i32);
        }
        *a = s.wrapping_add(b);
    }
}

#[cfg(not(all(target_arch = "arm", neurokern_arm_dsp, not(neurokern_arm_mve))))]
/// One multiply-accumulate at a time ([`Isa::Scalar`]): the reference the
/// other bodies are compared with.
fn rows_one(w: &[i8], stride: usize, x: &[i8], bias: &[i32], acc: &mut [i32]) {
    for ((a, row), &b) in acc.iter_mut().zip(w.chunks(stride.max(1))).zip(bias) {
        let mut s = b;
        for (&w, &x) in row.iter().zip(x) {
            s = core::hint::black_box(s.wrapping_add(w as i32 * x as i32));
        }
        *a = s;
    }
}
