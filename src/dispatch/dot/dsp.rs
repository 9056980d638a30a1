//! The int8 row sums on Cortex-M cores with the DSP extension (M4, M7, M33
//! built with `+dsp`).
//!
//! The input is widened (once per layer when it has at most 256 columns,
//! else 256 at a time for each chunk of rows) to pairs of 16-bit lanes in
//! the order `SXTB16` splits a word (bytes 0 and 2, then bytes 1 and 3, the
//! second after a rotation by 8), so that a row's four columns cost one
//! load, two `SXTB16` and two `SMLAD` (each multiplies both lanes and adds
//! them to the row's sum), and the input's one `LDRD` is shared by four
//! rows: 21 instructions for 16 multiply-accumulates, 1.31 per MAC before
//! the loop's branch (1.33 with it, 32 columns a turn). (Method: Arm's DSP extension as CMSIS-NN's
//! `arm_nn_vec_mat_mult_t_s8` uses it, which splits the input again for
//! every pair of rows; widening it once and taking four rows is ours.)
//! Stable Rust has no Arm DSP intrinsics, and LLVM's ParallelDSP pass does
//! not match i8: hence `asm!`.

use core::arch::asm;
use core::mem::MaybeUninit;

/// Input columns widened at once: 512 bytes of stack.
const WIDE: usize = 256;

/// The layer's row sums a chunk at a time (see `dot_chunks_i8`): four rows
/// at a time with [`dot4`], the one to three rows left with [`dot1`], the
/// last `x.len() % 4` columns in Rust. The buffers are left uninitialised
/// (zeroing them cost a small layer more than its multiply-accumulates):
/// only what was written is read.
#[inline(always)]
pub(super) fn chunks(
    w: &[i8],
    stride: usize,
    rows: usize,
    x: &[i8],
    bias: &[i32],
    mut emit: impl super::Sink,
) {
    let cols = x.len();
    let quads = cols / 4 * 4;
    let mut wide = MaybeUninit::<[u32; WIDE / 2]>::uninit();
    let mut sums = MaybeUninit::<[i32; super::CHUNK]>::uninit();
    // an input of one block is widened once for the layer, a longer one
    // block by block for every chunk of rows (1.5 instructions per column,
    // against the chunk's 84 per column)
    let once = quads <= WIDE;
    let words = if once {
        widen(&x[..quads], &mut wide)
    } else {
        0
    };
    let mut first = 0;
    while first < rows {
        let m = super::CHUNK.min(rows - first);
        let w = &w[first * stride..(first + m) * stride];
        let bias = &bias[first..first + m];
        let out = sums.as_mut_ptr().cast::<i32>();
        // SAFETY (both calls): `out` has room for CHUNK >= m; `init` is the
        // m biases, or the m sums the block before wrote.
        if quads == 0 {
            // no whole quad (one to three inputs): the biases, then the tail
            // SAFETY: `m <= CHUNK` i32 fit in the buffer; `bias` is another
            // allocation
            unsafe { core::ptr::copy_nonoverlapping(bias.as_ptr(), out, m) };
        } else if once {
            // SAFETY: `widen` wrote the first `words` of the buffer above.
            let xw = unsafe { core::slice::from_raw_parts(wide.as_ptr().cast::<u32>(), words) };
            unsafe { block(w, stride, xw, bias.as_ptr(), out, m) };
        } else {
            let mut c0 = 0;
            while c0 < quads {
                let c1 = quads.min(c0 + WIDE);
                let words = widen(&x[c0..c1], &mut wide);
                // SAFETY: `widen` wrote the first `words` of the buffer.
                let xw = unsafe { core::slice::from_raw_parts(wide.as_ptr().cast::<u32>(), words) };
                let init = if c0 == 0 {
                    bias.as_ptr()
                } else {
                    out.cast_const()
                };
                unsafe { block(&w[c0..], stride, xw, init, out, m) };
                c0 = c1;
            }
        }
        // SAFETY: the copy or `block` wrote the first `m <= CHUNK` sums.
        let sums = unsafe { core::slice::from_raw_parts_mut(out, m) };
        if quads < cols {
            // the last one to three columns, row by row (a first layer of
            // one input is all tail: one multiply-add per row)
            let rows = w.chunks_exact(stride);
            if cols - quads == 1 {
                let xv = x[quads] as i32;
                for (a, row) in sums.iter_mut().zip(rows) {
                    *a = a.wrapping_add(row[quads] as i32 * xv);
                }
            } else {
                for (a, row) in sums.iter_mut().zip(rows) {
                    for (&wv, &xv) in row[quads..cols].iter().zip(&x[quads..]) {
                        *a = a.wrapping_add(wv as i32 * xv as i32);
                    }
                }
            }
        }
        emit.take(first, sums);
        first += m;
    }
}

/// `out[r] = init[r] + Σ_i w[r·stride + i]·x[i]` for `r < m` over the
/// widened block `xw`, `init` the biases or `out` itself (each group's four
/// are read before they are written): four rows at a time with [`dot4`],
/// then one with [`dot1`]. A function of its own (never inlined): in the
/// caller's registers its pointers were spilled and reloaded for every
/// group.
///
/// # Safety
/// `init` points to `m` initialised i32 and `out` to room for `m`.
///
/// # Panics
/// If `xw.len()` is odd, `2·xw.len() > stride`, `w` is too short for the
/// rows or `m > CHUNK`.
#[inline(never)]
unsafe fn block(w: &[i8], stride: usize, xw: &[u32], init: *const i32, out: *mut i32, m: usize) {
    let cols = 2 * xw.len();
    assert!(
        xw.len().is_multiple_of(2)
            && cols <= stride
            && m <= super::CHUNK
            && (m == 0 || w.len() >= (m - 1) * stride + cols)
    );
    // SAFETY (the reads and writes of `init` and `out`): the caller's
    // promise; every access below is at an index below `m`.
    let groups = m / 4;
    for g in 0..groups {
        let r = 4 * g;
        let start = unsafe { init.add(r).cast::<[i32; 4]>().read() };
        // SAFETY: rows r..r + 4 lie within `w` (asserted above), each with
        // `cols <= stride` bytes from its start
        let sum = unsafe { dot4(w.as_ptr().add(r * stride), stride, xw, start) };
        unsafe { out.add(r).cast::<[i32; 4]>().write(sum) };
    }
    for r in 4 * groups..m {
        let start = unsafe { init.add(r).read() };
        let sum = dot1(&w[r * stride..r * stride + cols], xw, start);
        unsafe { out.add(r).write(sum) };
    }
}

/// `x` (a multiple of four bytes, at most [`WIDE`]) as 16-bit lanes in
/// `buf`: word `2k` holds `x[4k]` and `x[4k + 2]`, word `2k + 1` holds
/// `x[4k + 1]` and `x[4k + 3]`; returns how many words it wrote.
#[inline(always)]
fn widen(x: &[i8], buf: &mut MaybeUninit<[u32; WIDE / 2]>) -> usize {
    let n = x.len().min(WIDE) / 4;
    let out = buf.as_mut_ptr().cast::<u32>();
    if n > 0 {
        // SAFETY: reads the `4n` bytes of `x` (unaligned word loads are
        // allowed on these cores: CCR.UNALIGN_TRP clear, the default),
        // writes `2n <= WIDE / 2` words of `buf` (`STRD` needs word
        // alignment, which the `u32` array has), touches no stack.
        unsafe {
            asm!(
                "2:",
                "ldr {t}, [{xp}], #4",
                "sxtb16 {a}, {t}",
                "sxtb16 {b}, {t}, ror #8",
                "strd {a}, {b}, [{op}], #8",
                "subs {n}, {n}, #1",
                "bne 2b",
                xp = inout(reg) x.as_ptr() => _,
                op = inout(reg) out => _,
                n = inout(reg) n => _,
                t = out(reg) _,
                a = out(reg) _,
                b = out(reg) _,
                options(nostack),
            );
        }
    }
    2 * n
}

/// Four columns of four rows: the input's two words in one `LDRD`, then
/// per row one load, two splits, two `SMLAD`s. Rows 1 and 3 are addressed
/// from rows 0 and 2 (`+ stride`), so only two weight pointers move.
macro_rules! quad4 {
    () => {
        concat!(
            "ldrd {xa}, {xb}, [{xp}], #8\n",
            "ldr {w}, [{w0}, {st}]\n",
            "sxtb16 {t}, {w}, ror #8\n",
            "sxtb16 {w}, {w}\n",
            "smlad {a1}, {w}, {xa}, {a1}\n",
            "smlad {a1}, {t}, {xb}, {a1}\n",
            "ldr {w}, [{w0}], #4\n",
            "sxtb16 {t}, {w}, ror #8\n",
            "sxtb16 {w}, {w}\n",
            "smlad {a0}, {w}, {xa}, {a0}\n",
            "smlad {a0}, {t}, {xb}, {a0}\n",
            "ldr {w}, [{w2}, {st}]\n",
            "sxtb16 {t}, {w}, ror #8\n",
            "sxtb16 {w}, {w}\n",
            "smlad {a3}, {w}, {xa}, {a3}\n",
            "smlad {a3}, {t}, {xb}, {a3}\n",
            "ldr {w}, [{w2}], #4\n",
            "sxtb16 {t}, {w}, ror #8\n",
            "sxtb16 {w}, {w}\n",
            "smlad {a2}, {w}, {xa}, {a2}\n",
            "smlad {a2}, {t}, {xb}, {a2}\n",
        )
    };
}

/// `init[r]` plus four rows (at `w + r·stride`, r < 4) dotted with the
/// widened input `xw` (`2·xw.len()` columns): 32 columns per loop turn
/// (170 instructions for 128 multiply-accumulates), then four at a time, in
/// one `asm!` block whose counter holds both (`32·turns + quads`).
///
/// # Safety
/// `xw.len()` is even and bytes `[0, 2·xw.len())` from `w + r·stride` are
/// readable for r < 4.
#[inline(always)]
unsafe fn dot4(w: *const i8, stride: usize, xw: &[u32], init: [i32; 4]) -> [i32; 4] {
    let cols = 2 * xw.len();
    let [mut a0, mut a1, mut a2, mut a3] = init;
    if cols == 0 {
        return init;
    }
    // SAFETY: the loops read the `cols` columns of the widened input
    // (words, aligned: `LDRD` needs it) and bytes [0, cols) of the four rows
    // at `w + r·stride` (readable: the caller's promise; unaligned word
    // loads are allowed on these cores), write only their register operands
    // and touch no stack. The counter `32·turns + quads` (`quads < 8`)
    // counts the turns down by 32 while 32 or more remain, then the quads
    // by one.
    unsafe {
        asm!(
            "subs {n}, {n}, #32",
            "blo 3f",
            "2:",
            quad4!(),
            quad4!(),
            quad4!(),
            quad4!(),
            quad4!(),
            quad4!(),
            quad4!(),
            quad4!(),
            "subs {n}, {n}, #32",
            "bhs 2b",
            "3:",
            "adds {n}, {n}, #32",
            "beq 5f",
            "4:",
            quad4!(),
            "subs {n}, {n}, #1",
            "bne 4b",
            "5:",
            xp = inout(reg) xw.as_ptr() => _,
            w0 = inout(reg) w => _,
            w2 = inout(reg) w.wrapping_add(2 * stride) => _,
            st = in(reg) stride,
            n = inout(reg) cols / 32 * 32 + cols % 32 / 4 => _,
            a0 = inout(reg) a0,
            a1 = inout(reg) a1,
            a2 = inout(reg) a2,
            a3 = inout(reg) a3,
            xa = out(reg) _,
            xb = out(reg) _,
            w = out(reg) _,
            t = out(reg) _,
            options(nostack, readonly),
        );
    }
    [a0, a1, a2, a3]
}

/// Four columns of one row.
macro_rules! quad1 {
    () => {
        concat!(
            "ldrd {xa}, {xb}, [{xp}], #8\n",
            "ldr {w}, [{w0}], #4\n",
            "sxtb16 {t}, {w}, ror #8\n",
            "sxtb16 {w}, {w}\n",
            "smlad {a0}, {w}, {xa}, {a0}\n",
            "smlad {a0}, {t}, {xb}, {a0}\n",
        )
    };
}

/// `init` plus one row (`w[..]`) dotted with the widened input `xw`: four
/// columns per loop turn, 1.5 instructions per multiply-accumulate plus the
/// branch.
///
/// # Panics
/// If `xw.len()` is odd or `w` is shorter than `2·xw.len()`.
#[inline(always)]
fn dot1(w: &[i8], xw: &[u32], init: i32) -> i32 {
    let quads = xw.len() / 2;
    assert!(xw.len().is_multiple_of(2) && w.len() >= 4 * quads);
    let mut a0 = init;
    if quads > 0 {
        // SAFETY: reads the `4·quads` columns of the widened input (aligned
        // words) and bytes [0, 4·quads) of `w` (asserted above), writes
        // only its register operands, touches no stack.
        unsafe {
            asm!(
                "2:",
                quad1!(),
                "subs {n}, {n}, #1",
                "bne 2b",
                xp = inout(reg) xw.as_ptr() => _,
                w0 = inout(reg) w.as_ptr() => _,
                n = inout(reg) quads => _,
                a0 = inout(reg) a0,
                xa = out(reg) _,
                xb = out(reg) _,
                w = out(reg) _,
                t = out(reg) _,
                options(nostack, readonly),
            );
        }
    }
    a0
}
