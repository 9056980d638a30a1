//! The int8 fully connected layer's inner loop: the dot products of a few
//! consecutive weight rows with the input, `acc[r] = Σ_i w[r·fan_in + i]·x[i]`
//! in i32. Integer sums are exact and wrap the same way in any order, so
//! every body returns the same integers; they differ in speed only.
//!
//! * On Cortex-M cores with the DSP extension (M4, M7, M33 built with
//!   `target-cpu=cortex-m33`, M55), three rows at a time in `asm!`: each
//!   word of four inputs is loaded once and split by `SXTB16` into two
//!   pairs of 16-bit lanes (bytes 0 and 2, bytes 1 and 3, the second with a
//!   rotation by 8), each row's word likewise, and `SMLAD` multiplies both
//!   lanes and adds them to the row's sum — four multiply-accumulates in
//!   five instructions per row, the input's three shared by the rows
//!   (method: Arm's DSP extension as CMSIS-NN's `arm_nn_vec_mat_mult_t_s8`
//!   uses it, with three rows instead of two: our own code). Stable Rust has
//!   no Arm DSP intrinsics, and LLVM's ParallelDSP pass does not match i8.
//! * Elsewhere, the plain loop, which LLVM vectorises on hosts into widening
//!   multiply-adds (`vpmaddwd`); on x86-64 compiled again for AVX2 and
//!   AVX-512 and chosen at run time like the float kernels.

use super::{selected, Isa, VECTORS};

/// Rows one call computes (the caller hands over up to this many).
#[cfg(all(target_arch = "arm", neurokern_arm_mve))]
pub(crate) const DOT_ROWS: usize = 4;
/// Rows one call computes (the caller hands over up to this many).
#[cfg(all(target_arch = "arm", neurokern_arm_dsp, not(neurokern_arm_mve)))]
pub(crate) const DOT_ROWS: usize = 3;
/// Rows one call computes (the caller hands over up to this many): four
/// where there are vector registers to share the input, one on cores
/// without (the Cortex-M0 has eight registers: more rows only spill).
#[cfg(not(all(target_arch = "arm", any(neurokern_arm_dsp, neurokern_arm_mve))))]
pub(crate) const DOT_ROWS: usize = if VECTORS { 4 } else { 1 };

/// [`DOT_ROWS`] rows at once: `Σ_i w[r·fan_in + i]·x[i]` over
/// `i < fan_in`, wrapping.
///
/// # Panics
/// If `w` is shorter than `DOT_ROWS · fan_in` or `x` than `fan_in`.
#[inline(always)]
pub(crate) fn dot_group_i8(w: &[i8], fan_in: usize, x: &[i8]) -> [i32; DOT_ROWS] {
    assert!(w.len() >= DOT_ROWS * fan_in && x.len() >= fan_in);
    #[cfg(all(target_arch = "arm", neurokern_arm_mve))]
    {
        mve::dot4(w, fan_in, x)
    }
    #[cfg(all(target_arch = "arm", neurokern_arm_dsp, not(neurokern_arm_mve)))]
    {
        dsp::dot3(w, fan_in, x)
    }
    #[cfg(not(all(target_arch = "arm", any(neurokern_arm_dsp, neurokern_arm_mve))))]
    {
        let mut acc = [0i32; DOT_ROWS];
        dot_rows_i8(&w[..DOT_ROWS * fan_in], fan_in, &x[..fan_in], &mut acc);
        acc
    }
}

/// `acc[r] = Σ_i w[r·fan_in + i]·x[i]` for `r < acc.len()` (at most
/// [`DOT_ROWS`]), over `i < min(fan_in, x.len())`, wrapping.
#[inline]
pub(crate) fn dot_rows_i8(w: &[i8], fan_in: usize, x: &[i8], acc: &mut [i32]) {
    #[cfg(all(target_arch = "arm", neurokern_arm_dsp, not(neurokern_arm_mve)))]
    if acc.len() == 3 && x.len() >= fan_in && w.len() >= 3 * fan_in {
        let a = dsp::dot3(w, fan_in, x);
        acc.copy_from_slice(&a);
        return;
    }
    if !VECTORS {
        return rows_plain(w, fan_in, x, acc);
    }
    match selected() {
        Isa::Scalar => rows_one(w, fan_in, x, acc),
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        // SAFETY: the CPU has AVX-512F, BW and VNNI (asked just now).
        Isa::Avx512 if super::cpu::has_avx512_vnni() => unsafe {
            x86::rows_avx512_vnni(w, fan_in, x, acc)
        },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `selected()` returned `Avx512` only because
        // `is_supported(Avx512)` holds: the CPU has AVX-512F.
        Isa::Avx512 => unsafe { x86::rows_avx512(w, fan_in, x, acc) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above: `Avx2` is selected only on a CPU with AVX2.
        Isa::Avx2 => unsafe { x86::rows_avx2(w, fan_in, x, acc) },
        _ => rows_plain(w, fan_in, x, acc),
    }
}

/// The plain loop: one row after another, each a sum LLVM may vectorise.
#[inline(always)]
fn rows_plain(w: &[i8], fan_in: usize, x: &[i8], acc: &mut [i32]) {
    for (a, row) in acc.iter_mut().zip(w.chunks(fan_in.max(1))) {
        let mut s = 0i32;
        for (&w, &x) in row.iter().zip(x) {
            s = s.wrapping_add(w as i32 * x as i32);
        }
        *a = s;
    }
}

/// One multiply-accumulate at a time ([`Isa::Scalar`]): the reference the
/// other bodies are compared with.
fn rows_one(w: &[i8], fan_in: usize, x: &[i8], acc: &mut [i32]) {
    for (a, row) in acc.iter_mut().zip(w.chunks(fan_in.max(1))) {
        let mut s = 0i32;
        for (&w, &x) in row.iter().zip(x) {
            s = core::hint::black_box(s.wrapping_add(w as i32 * x as i32));
        }
        *a = s;
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    /// The plain loop compiled for AVX2 (`vpmaddwd` on 16 lanes).
    #[target_feature(enable = "avx2")]
    pub(super) fn rows_avx2(w: &[i8], fan_in: usize, x: &[i8], acc: &mut [i32]) {
        super::rows_plain(w, fan_in, x, acc)
    }
    /// The plain loop compiled for AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) fn rows_avx512(w: &[i8], fan_in: usize, x: &[i8], acc: &mut [i32]) {
        super::rows_plain(w, fan_in, x, acc)
    }
    /// AVX-512 VNNI, 64 multiply-accumulates per `vpdpbusd`: it multiplies
    /// unsigned by signed bytes, so the input goes in as `x + 128` (its
    /// sign bit flipped) and `128 · Σw`, summed by a second `vpdpbusd` of
    /// the weights with ones, is taken off: `Σ w·(x + 128) − 128·Σ w =
    /// Σ w·x`, exactly, in wrapping i32 (the method of oneDNN's and
    /// XNNPACK's u8s8 kernels; our own code). Each input block is loaded
    /// and flipped once for all the rows; the last `fan_in % 64` columns go
    /// through the plain loop.
    #[cfg(not(miri))]
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) fn rows_avx512_vnni(w: &[i8], fan_in: usize, x: &[i8], acc: &mut [i32]) {
        use core::arch::x86_64::{
            __m512i, _mm512_dpbusd_epi32, _mm512_loadu_si512, _mm512_reduce_add_epi32,
            _mm512_set1_epi8, _mm512_setzero_si512, _mm512_slli_epi32, _mm512_sub_epi32,
            _mm512_xor_si512,
        };
        let n = fan_in.min(x.len());
        let rows = acc.len().min(super::DOT_ROWS);
        if n < 64 || w.len() < rows * fan_in {
            return super::rows_plain(w, fan_in, x, acc);
        }
        let blocks = n / 64;
        let flip = _mm512_set1_epi8(-128);
        let ones = _mm512_set1_epi8(1);
        let mut sums = [_mm512_setzero_si512(); super::DOT_ROWS];
        let mut wsums = [_mm512_setzero_si512(); super::DOT_ROWS];
        for b in 0..blocks {
            // SAFETY: bytes 64b..64b + 64 of `x` (64·blocks <= n <= x.len()).
            let xu: __m512i = _mm512_xor_si512(
                unsafe { _mm512_loadu_si512(x.as_ptr().add(64 * b).cast()) },
                flip,
            );
            for r in 0..rows {
                // SAFETY: bytes r·fan_in + 64b .. + 64 of `w`, within row r
                // (64·blocks <= n <= fan_in) of the `rows · fan_in` checked above.
                let wv = unsafe { _mm512_loadu_si512(w.as_ptr().add(r * fan_in + 64 * b).cast()) };
                sums[r] = _mm512_dpbusd_epi32(sums[r], xu, wv);
                wsums[r] = _mm512_dpbusd_epi32(wsums[r], ones, wv);
            }
        }
        let done = 64 * blocks;
        for r in 0..rows {
            // 128·Σw taken off lane by lane, then one horizontal sum
            let lanes = _mm512_sub_epi32(sums[r], _mm512_slli_epi32::<7>(wsums[r]));
            let mut s = _mm512_reduce_add_epi32(lanes);
            let row = &w[r * fan_in..(r + 1) * fan_in];
            for (&wv, &xv) in row[done..n].iter().zip(&x[done..n]) {
                s = s.wrapping_add(wv as i32 * xv as i32);
            }
            acc[r] = s;
        }
    }
}

#[cfg(all(target_arch = "arm", neurokern_arm_mve))]
mod mve {
    use core::arch::asm;

    /// Four rows (`w[r·fan_in..(r + 1)·fan_in]`, r < 4) dotted with
    /// `x[..fan_in]` on Helium: per sixteen columns one `VLDRB` of the input
    /// and, per row, one `VLDRB` and one `VMLADAVA.S8` (sixteen signed
    /// byte products added to the row's sum) — ten instructions for 64
    /// multiply-accumulates. The sums live in even registers (the
    /// instruction's encoding), hence the named registers; the last
    /// `fan_in % 16` columns go through Rust.
    ///
    /// # Panics
    /// If `w` is shorter than `4 · fan_in` or `x` than `fan_in`.
    #[inline(always)]
    pub(super) fn dot4(w: &[i8], fan_in: usize, x: &[i8]) -> [i32; 4] {
        assert!(w.len() >= 4 * fan_in && x.len() >= fan_in);
        let turns = fan_in / 16;
        let (mut a0, mut a1, mut a2, mut a3) = (0i32, 0i32, 0i32, 0i32);
        if turns > 0 {
            let p = w.as_ptr();
            // SAFETY: the loop reads bytes [0, 16·turns) of `x` and of the
            // four rows at `p + r·fan_in` (16·turns <= fan_in, the rows
            // within `w`: asserted above); it writes only its register
            // operands and q0/q1 (s0–s7, declared clobbered), and touches
            // no stack.
            unsafe {
                asm!(
                    "2:",
                    "vldrb.8 q0, [{xp}], #16",
                    "vldrb.8 q1, [{w0}], #16",
                    "vmladava.s8 r0, q0, q1",
                    "vldrb.8 q1, [{w1}], #16",
                    "vmladava.s8 r2, q0, q1",
                    "vldrb.8 q1, [{w2}], #16",
                    "vmladava.s8 r4, q0, q1",
                    "vldrb.8 q1, [{w3}], #16",
                    "vmladava.s8 r8, q0, q1",
                    "subs {n}, {n}, #1",
                    "bne 2b",
                    xp = inout(reg) x.as_ptr() => _,
                    w0 = inout(reg) p => _,
                    w1 = inout(reg) p.add(fan_in) => _,
                    w2 = inout(reg) p.add(2 * fan_in) => _,
                    w3 = inout(reg) p.add(3 * fan_in) => _,
                    n = inout(reg) turns => _,
                    inout("r0") a0,
                    inout("r2") a1,
                    inout("r4") a2,
                    inout("r8") a3,
                    out("s0") _, out("s1") _, out("s2") _, out("s3") _,
                    out("s4") _, out("s5") _, out("s6") _, out("s7") _,
                    options(nostack, readonly),
                );
            }
        }
        for i in 16 * turns..fan_in {
            let xv = x[i] as i32;
            a0 = a0.wrapping_add(w[i] as i32 * xv);
            a1 = a1.wrapping_add(w[fan_in + i] as i32 * xv);
            a2 = a2.wrapping_add(w[2 * fan_in + i] as i32 * xv);
            a3 = a3.wrapping_add(w[3 * fan_in + i] as i32 * xv);
        }
        [a0, a1, a2, a3]
    }
}

#[cfg(all(target_arch = "arm", neurokern_arm_dsp, not(neurokern_arm_mve)))]
mod dsp {
    use core::arch::asm;

    /// Four columns of three rows: the input word split into its two lane
    /// pairs once, then per row one load, two splits, two `SMLAD`s. Rows 1
    /// and 2 are addressed from row 0 (`wp + st`, `wp + 2·st`), so row 0's
    /// pointer is the only one that moves.
    macro_rules! group {
        () => {
            concat!(
                "ldr {xb}, [{xp}], #4\n",
                "sxtb16 {xa}, {xb}\n",
                "sxtb16 {xb}, {xb}, ror #8\n",
                "ldr {w}, [{wp}, {st}]\n",
                "sxtb16 {wb}, {w}, ror #8\n",
                "sxtb16 {w}, {w}\n",
                "smlad {a1}, {w}, {xa}, {a1}\n",
                "smlad {a1}, {wb}, {xb}, {a1}\n",
                "ldr {w}, [{wp}, {st}, lsl #1]\n",
                "sxtb16 {wb}, {w}, ror #8\n",
                "sxtb16 {w}, {w}\n",
                "smlad {a2}, {w}, {xa}, {a2}\n",
                "smlad {a2}, {wb}, {xb}, {a2}\n",
                "ldr {w}, [{wp}], #4\n",
                "sxtb16 {wb}, {w}, ror #8\n",
                "sxtb16 {w}, {w}\n",
                "smlad {a0}, {w}, {xa}, {a0}\n",
                "smlad {a0}, {wb}, {xb}, {a0}\n",
            )
        };
    }

    /// Three rows (`w[0..fan_in]`, `w[fan_in..2·fan_in]`,
    /// `w[2·fan_in..3·fan_in]`) dotted with `x[..fan_in]`: sixteen columns
    /// per loop turn in `asm!` (72 instructions for 48 multiply-accumulates,
    /// 1.5 per MAC), the last `fan_in % 16` in Rust.
    ///
    /// # Panics
    /// If `w` is shorter than `3 · fan_in` or `x` than `fan_in` (the caller
    /// checks; the assertion keeps the loads in bounds).
    #[inline(always)]
    pub(super) fn dot3(w: &[i8], fan_in: usize, x: &[i8]) -> [i32; 3] {
        assert!(w.len() >= 3 * fan_in && x.len() >= fan_in);
        let turns = fan_in / 16;
        let (mut a0, mut a1, mut a2) = (0i32, 0i32, 0i32);
        if turns > 0 {
            let (mut xp, mut wp, mut n) = (x.as_ptr(), w.as_ptr(), turns);
            // SAFETY: the loop reads bytes [0, 16·turns) of `x` and of each
            // of the three rows, at `wp`, `wp + fan_in` and `wp + 2·fan_in`
            // (all within `w` and `x`: asserted above); unaligned word loads
            // are allowed on the M4/M33/M55 (the default: CCR.UNALIGN_TRP
            // clear). It writes only its register operands, touches no
            // stack, and leaves the flags clobbered (the default).
            unsafe {
                asm!(
                    "2:",
                    group!(),
                    group!(),
                    group!(),
                    group!(),
                    "subs {n}, {n}, #1",
                    "bne 2b",
                    xp = inout(reg) xp,
                    wp = inout(reg) wp,
                    n = inout(reg) n,
                    st = in(reg) fan_in,
                    a0 = inout(reg) a0,
                    a1 = inout(reg) a1,
                    a2 = inout(reg) a2,
                    xa = out(reg) _,
                    xb = out(reg) _,
                    w = out(reg) _,
                    wb = out(reg) _,
                    options(nostack, readonly),
                );
            }
            let _ = (xp, wp, n);
        }
        for i in 16 * turns..fan_in {
            let xv = x[i] as i32;
            a0 = a0.wrapping_add(w[i] as i32 * xv);
            a1 = a1.wrapping_add(w[fan_in + i] as i32 * xv);
            a2 = a2.wrapping_add(w[2 * fan_in + i] as i32 * xv);
        }
        [a0, a1, a2]
    }
}
