//! A host's int8 weights packed for its dot products: sixteen rows (a
//! panel) interleaved by four columns (a quad), so that one broadcast of
//! four input bytes and one 64-byte load feed sixteen rows' sums in one
//! `vpdpbusd`, with no horizontal sums. Byte `j` of quad `k` of row `r` of
//! panel `g` lies at `(g·quads + k)·64 + 4r + j`; rows and columns past the
//! layer's are zero. The layout of XNNPACK's and oneDNN's packed int8 GEMM
//! weights (our own code). A copy of the weights, so for hosts: firmware
//! reads the weights where they lie ([`super::dot_chunks_i8`]).
//!
//! Only AVX-512 VNNI gains from it ([`packed_pays`]); the plain loop over
//! the packed layout is the reference the tests compare it with (and what
//! runs if another body is forced between a caller's check and its call).
//! Both return the same integers as the row-major bodies.

use super::{selected, Isa, Sink, CHUNK};

/// Whether the CPU has the body packed weights are for (AVX-512 with
/// VNNI): whether packing them is worth the copy.
pub(crate) fn packing_pays() -> bool {
    cfg!(all(target_arch = "x86_64", not(miri))) && super::super::cpu::has_avx512_vnni()
}

/// Whether the body selected now runs packed weights faster than the
/// row-major ones (AVX-512 with VNNI selected).
pub(crate) fn packed_pays() -> bool {
    packing_pays() && selected() == Isa::Avx512
}

/// Rows per panel.
pub(crate) const PANEL: usize = 16;

/// Bytes of the packed form of `rows` rows of `cols` weights.
pub(crate) const fn packed_len(rows: usize, cols: usize) -> usize {
    rows.div_ceil(PANEL) * PANEL * cols.div_ceil(4) * 4
}

/// Packs `rows` rows of `cols` weights, row `r` at `w[r·stride..]`, into
/// `out` (`packed_len(rows, cols)` bytes), and writes `128 · Σ_i w[r][i]`
/// (wrapping) to `offset[r]`: what the VNNI body takes off each row, whose
/// input goes in as `x + 128`.
///
/// # Panics
/// If `cols > stride`, `w` is shorter than `rows · stride`, `out` than
/// `packed_len(rows, cols)` or `offset` than `rows`.
pub(crate) fn pack_i8(
    w: &[i8],
    stride: usize,
    rows: usize,
    cols: usize,
    out: &mut [i8],
    offset: &mut [i32],
) {
    assert!(cols <= stride && w.len() >= rows * stride && offset.len() >= rows);
    let out = &mut out[..packed_len(rows, cols)];
    let quads = cols.div_ceil(4);
    out.fill(0);
    for (r, off) in offset[..rows].iter_mut().enumerate() {
        let row = &w[r * stride..r * stride + cols];
        let (g, rr) = (r / PANEL, r % PANEL);
        for (i, &v) in row.iter().enumerate() {
            out[(g * quads + i / 4) * 64 + 4 * rr + i % 4] = v;
        }
        *off = row
            .iter()
            .fold(0i32, |s, &v| s.wrapping_add(v as i32))
            .wrapping_mul(128);
    }
}

/// [`super::dot_chunks_i8`] on packed weights: for `rows` rows of `cols`
/// weights packed by [`pack_i8`] (`offset` its second output), calls
/// `emit.take(first_row, sums)` with `sums[r] = bias[first_row + r] +
/// Σ_{i < cols} w[first_row + r][i]·x[i]`, a chunk of at most [`CHUNK`]
/// rows (a whole number of panels) at a time.
///
/// # Panics
/// If `p` is shorter than `packed_len(rows, cols)`, `x` than `cols`, or
/// `bias` or `offset` than `rows`.
#[inline]
pub(crate) fn packed_chunks_i8(
    p: &[i8],
    rows: usize,
    cols: usize,
    x: &[i8],
    bias: &[i32],
    offset: &[i32],
    emit: impl Sink,
) {
    assert!(
        p.len() >= packed_len(rows, cols)
            && x.len() >= cols
            && bias.len() >= rows
            && offset.len() >= rows
    );
    let x = &x[..cols];
    match selected() {
        #[cfg(all(target_arch = "x86_64", not(miri)))]
        // SAFETY: the CPU has AVX-512F, BW and VNNI (asked just now).
        Isa::Avx512 if super::super::cpu::has_avx512_vnni() => unsafe {
            super::packed_vnni::packed_avx512_vnni(p, rows, x, bias, offset, emit)
        },
        _ => packed_with(p, rows, x, bias, offset, emit, |p, x, bias, _, acc| {
            panels_plain(p, x, bias, acc)
        }),
    }
}

/// The chunk loop over packed panels: `body(panels, x, bias, offset, acc)`
/// sets `acc[r] = bias[r] + Σ_i w[r][i]·x[i]` for the rows of whole panels
/// (`acc.len()` rows, the last panel possibly short; `offset` the rows'
/// [`pack_i8`] offsets).
#[inline(always)]
pub(super) fn packed_with(
    p: &[i8],
    rows: usize,
    x: &[i8],
    bias: &[i32],
    offset: &[i32],
    mut emit: impl Sink,
    body: impl Fn(&[i8], &[i8], &[i32], &[i32], &mut [i32]),
) {
    let panel_bytes = PANEL * x.len().div_ceil(4) * 4;
    let mut sums = [0i32; CHUNK];
    let mut first = 0;
    while first < rows {
        let m = CHUNK.min(rows - first);
        let (g0, g1) = (first / PANEL, (first + m).div_ceil(PANEL));
        let sums = &mut sums[..m];
        body(
            &p[g0 * panel_bytes..g1 * panel_bytes],
            x,
            &bias[first..first + m],
            &offset[first..first + m],
            sums,
        );
        emit.take(first, sums);
        first += m;
    }
}

/// The plain loop over packed panels: sixteen sums per quad.
#[inline(always)]
fn panels_plain(p: &[i8], x: &[i8], bias: &[i32], acc: &mut [i32]) {
    let quads = x.len().div_ceil(4);
    for (g, (acc, bias)) in acc.chunks_mut(PANEL).zip(bias.chunks(PANEL)).enumerate() {
        let mut s = [0i32; PANEL];
        let panel = &p[g * quads * 64..(g + 1) * quads * 64];
        for (k, quad) in panel.chunks_exact(64).enumerate() {
            for j in 0..4 {
                let xv = x.get(4 * k + j).map_or(0, |&v| v as i32);
                for (r, s) in s.iter_mut().enumerate() {
                    *s = s.wrapping_add(quad[4 * r + j] as i32 * xv);
                }
            }
        }
        for ((a, &b), &s) in acc.iter_mut().zip(bias).zip(&s) {
            *a = s.wrapping_add(b);
        }
    }
}
