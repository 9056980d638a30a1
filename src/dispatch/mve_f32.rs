//! f32 ReLU on Helium's integer lanes (Cortex-M55).
//!
//! Helium's floating-point instructions flush subnormals to zero whatever
//! FPSCR says, so the f32 kernels stay scalar on the M55 (ARCHITECTURE.md).
//! ReLU needs no arithmetic: on the bit patterns it is +0 for every
//! negative number and −0 and the input otherwise (a NaN of either sign
//! kept), which one signed compare decides — the patterns from −0
//! (`0x8000_0000`) to −∞ (`0xff80_0000`) are exactly the i32 at or below
//! `0xff80_0000 as i32`. Four lanes per `VCMP.S32` / `VPSEL`, the loop
//! tail-predicated (`DLSTP` / `LETP`: the last lanes need no scalar tail).

use core::arch::asm;

/// The bits of −∞ as i32: every negative number and −0 is at or below it.
const NEG_INF: i32 = 0xff80_0000_u32 as i32;

/// `y[i] = relu(x[i])` for `i < min(x.len(), y.len())`.
#[inline(never)]
pub(super) fn zero_negatives(x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    // SAFETY: `n` f32 readable at `x` and writable at `y` (both at least
    // `n` long).
    unsafe { run(x.as_ptr(), y.as_mut_ptr(), n) }
}

/// `xy[i] = relu(xy[i])`.
#[inline(never)]
pub(super) fn zero_negatives_in_place(xy: &mut [f32]) {
    let n = xy.len();
    let p = xy.as_mut_ptr();
    // SAFETY: `n` f32 readable and writable at `p`; each vector is read
    // before it is written back to the same place.
    unsafe { run(p, p, n) }
}

/// # Safety
/// `n` f32 readable at `x` and writable at `y` (which may be `x`).
#[inline(always)]
unsafe fn run(x: *const f32, y: *mut f32, n: usize) {
    if n == 0 {
        return;
    }
    // SAFETY: the caller's: the loop reads and writes `n` f32 (tail
    // predication masks the lanes past `n`), 16 bytes a turn; it clobbers
    // q0/q1 (s0–s7, declared) and lr (the loop counter), touches no stack.
    unsafe {
        asm!(
            "vmov.i32 q1, #0",
            "dlstp.32 lr, {n}",
            "2:",
            "vldrw.u32 q0, [{x}], #16",
            "vcmp.s32 gt, q0, {t}",
            "vpsel q0, q0, q1",
            "vstrw.32 q0, [{y}], #16",
            "letp lr, 2b",
            x = inout(reg) x => _,
            y = inout(reg) y => _,
            n = in(reg) n,
            t = in(reg) NEG_INF,
            out("lr") _,
            out("s0") _, out("s1") _, out("s2") _, out("s3") _,
            out("s4") _, out("s5") _, out("s6") _, out("s7") _,
            options(nostack),
        );
    }
}
