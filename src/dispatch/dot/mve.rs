//! The int8 row sums on Helium (MVE, the Cortex-M55).

use core::arch::asm;
use core::mem::MaybeUninit;

/// The layer's row sums a chunk at a time (see `dot_chunks_i8`), each
/// chunk by [`block`]. The chunk's buffer is left uninitialised (zeroing
/// it cost a small layer more than its multiply-accumulates): `block`
/// writes every sum before the slice over them is made.
#[inline(always)]
pub(super) fn chunks(
    w: &[i8],
    stride: usize,
    rows: usize,
    x: &[i8],
    bias: &[i32],
    mut emit: impl super::Sink,
) {
    let mut buf = MaybeUninit::<[i32; super::CHUNK]>::uninit();
    let out = buf.as_mut_ptr().cast::<i32>();
    let mut first = 0;
    while first < rows {
        let m = super::CHUNK.min(rows - first);
        let w = &w[first * stride..(first + m) * stride];
        // SAFETY: `out` has room for CHUNK >= m i32.
        unsafe { block(w, stride, x, &bias[first..first + m], out) };
        // SAFETY: `block` wrote the first m.
        let sums = unsafe { core::slice::from_raw_parts(out, m) };
        emit.take(first, sums);
        first += m;
    }
}

/// `out[r] = bias[r] + Σ_i w[r·stride + i]·x[i]` for `r < bias.len()`: four
/// rows at a time with [`dot4`], started at their biases, the one to three
/// rows left by the plain loop. A function of its own (never inlined): in
/// the caller's registers its pointers were spilled and reloaded for every
/// group.
///
/// # Safety
/// `out` has room for `bias.len()` i32.
///
/// # Panics
/// If `w` is shorter than the rows or `x.len() > stride`.
#[inline(never)]
unsafe fn block(w: &[i8], stride: usize, x: &[i8], bias: &[i32], out: *mut i32) {
    let m = bias.len();
    let groups = m / 4;
    for g in 0..groups {
        let r = 4 * g;
        let init = [bias[r], bias[r + 1], bias[r + 2], bias[r + 3]];
        let s = dot4(&w[r * stride..], stride, x, init);
        // SAFETY: r + 4 <= m: within the caller's room.
        unsafe { out.add(r).cast::<[i32; 4]>().write(s) };
    }
    for r in 4 * groups..m {
        let mut s = [0i32];
        super::rows_plain(&w[r * stride..], stride, x, &bias[r..r + 1], &mut s);
        // SAFETY: r < m.
        unsafe { out.add(r).write(s[0]) };
    }
}

/// `init[r]` plus four rows (`w[r·stride..r·stride + x.len()]`, r < 4)
/// dotted with `x` on
/// Helium: per sixteen columns one `VLDRB` of the input and, per row, one
/// `VLDRB` and one `VMLADAVA.S8` (sixteen signed byte products added to the
/// row's sum) — ten instructions for 64 multiply-accumulates. The sums live
/// in even registers (the instruction's encoding), hence the named
/// registers; the last `x.len() % 16` columns go through Rust.
///
/// # Panics
/// If `w` is shorter than `3 · stride + x.len()`.
#[inline(always)]
fn dot4(w: &[i8], stride: usize, x: &[i8], init: [i32; 4]) -> [i32; 4] {
    let cols = x.len();
    assert!(cols <= stride && w.len() >= 3 * stride + cols);
    let turns = cols / 16;
    let [mut a0, mut a1, mut a2, mut a3] = init;
    if turns > 0 {
        let p = w.as_ptr();
        // SAFETY: the loop reads bytes [0, 16·turns) of `x` and of the four
        // rows at `p + r·stride` (16·turns <= cols, the rows within `w`:
        // asserted above); it writes only its register operands and q0/q1
        // (s0–s7, declared clobbered), and touches no stack.
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
                w1 = inout(reg) p.add(stride) => _,
                w2 = inout(reg) p.add(2 * stride) => _,
                w3 = inout(reg) p.add(3 * stride) => _,
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
    for i in 16 * turns..cols {
        let xv = x[i] as i32;
        a0 = a0.wrapping_add(w[i] as i32 * xv);
        a1 = a1.wrapping_add(w[stride + i] as i32 * xv);
        a2 = a2.wrapping_add(w[2 * stride + i] as i32 * xv);
        a3 = a3.wrapping_add(w[3 * stride + i] as i32 * xv);
    }
    [a0, a1, a2, a3]
}
