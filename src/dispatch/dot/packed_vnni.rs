//! The packed weights' body on AVX-512 VNNI ([`super::packed`]): per quad
//! of the input one broadcast, per panel of sixteen rows one `vpdpbusd`.

/// [`super::packed::packed_chunks_i8`] on AVX-512 VNNI: the chunk loop and
/// the caller's requantization compiled with [`panels_avx512_vnni`]; the
/// input's first [`QUADS`] quads made unsigned once for every chunk.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
pub(super) fn packed_avx512_vnni(
    p: &[i8],
    rows: usize,
    x: &[i8],
    bias: &[i32],
    offset: &[i32],
    mut emit: impl super::Sink,
) {
    let mut xq = [0u32; QUADS];
    let first = unsigned_quads(x, 0, &mut xq);
    let xq = &xq[..first];
    if first == x.len().div_ceil(4) {
        if let Some((q, y)) = emit.inline() {
            return fused(p, rows, xq, bias, offset, q, y);
        }
    }
    super::packed::packed_with(p, rows, x, bias, offset, emit, |p, x, bias, offset, acc| {
        panels_avx512_vnni(p, x, xq, bias, offset, acc)
    })
}

/// A layer of at most [`QUADS`] quads whose requantization is
/// [`super::Inline`]: each panel's sixteen sums requantized in registers as
/// soon as they are summed and stored as sixteen int8 (the arithmetic of
/// the sink's `take`, whose forms `int8/requant.rs` states; the tests
/// compare the two), so that the requantization runs under the next
/// panel's loads rather than after a chunk.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
fn fused(
    p: &[i8],
    rows: usize,
    xq: &[u32],
    bias: &[i32],
    offset: &[i32],
    q: super::InlineOut,
    y: &mut [i8],
) {
    use core::arch::x86_64::{_mm512_add_epi32, _mm_mask_storeu_epi8, _mm_storeu_si128};
    let quads = xq.len();
    let panels = rows.div_ceil(16);
    assert!(
        p.len() >= panels * quads * 64
            && bias.len() >= rows
            && offset.len() >= rows
            && y.len() >= rows
    );
    for g in 0..panels {
        let s = panel_sums(&p[g * quads * 64..(g + 1) * quads * 64], xq);
        let (r, mask) = (16 * g, lanes(rows - 16 * g));
        // SAFETY: the lanes `mask` selects are rows r..min(r + 16, rows)
        // of `bias`, `offset` and `y` (each at least `rows` long); masked-off
        // lanes are neither read nor written.
        unsafe {
            let v = requantize16(_mm512_add_epi32(start(bias, offset, r, mask), s), q);
            if mask == 0xffff {
                _mm_storeu_si128(y.as_mut_ptr().add(r).cast(), v)
            } else {
                _mm_mask_storeu_epi8(y.as_mut_ptr().add(r), mask, v)
            }
        }
    }
}

/// The mask of a panel's first `left` rows (all sixteen if `left >= 16`).
#[inline(always)]
fn lanes(left: usize) -> u16 {
    if left >= 16 {
        0xffff
    } else {
        (1u16 << left) - 1
    }
}

/// Rows `r..` (the lanes of `mask`) start at their bias less their offset.
///
/// # Safety
/// The lanes `mask` selects are within `bias` and `offset`.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn start(bias: &[i32], offset: &[i32], r: usize, mask: u16) -> core::arch::x86_64::__m512i {
    use core::arch::x86_64::{
        _mm512_loadu_si512, _mm512_mask_loadu_epi32, _mm512_setzero_si512, _mm512_sub_epi32,
    };
    // SAFETY: the caller's: the lanes read are within the slices.
    unsafe {
        let load = |p: *const i32| {
            if mask == 0xffff {
                _mm512_loadu_si512(p.cast())
            } else {
                _mm512_mask_loadu_epi32(_mm512_setzero_si512(), mask, p)
            }
        };
        _mm512_sub_epi32(load(bias.as_ptr().add(r)), load(offset.as_ptr().add(r)))
    }
}

/// One panel's sixteen sums: `w` its quads' 64 bytes each, `xq` the
/// input's quads unsigned; four vectors over alternate quads.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
#[inline]
fn panel_sums(w: &[i8], xq: &[u32]) -> core::arch::x86_64::__m512i {
    use core::arch::x86_64::{
        _mm512_add_epi32, _mm512_dpbusd_epi32, _mm512_loadu_si512, _mm512_set1_epi32,
        _mm512_setzero_si512,
    };
    let nq = xq.len();
    assert!(w.len() >= 64 * nq);
    // SAFETY (every load below): bytes 64k..64k + 64 of `w`, which holds at
    // least 64·nq bytes, for k < nq.
    let load = |k: usize| unsafe { _mm512_loadu_si512(w.as_ptr().add(64 * k).cast()) };
    let (mut a0, mut a1, mut a2, mut a3) = (
        _mm512_setzero_si512(),
        _mm512_setzero_si512(),
        _mm512_setzero_si512(),
        _mm512_setzero_si512(),
    );
    let mut quad4 = xq.chunks_exact(4);
    for (j, q) in (&mut quad4).enumerate() {
        let k = 4 * j;
        a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(q[0] as i32), load(k));
        a1 = _mm512_dpbusd_epi32(a1, _mm512_set1_epi32(q[1] as i32), load(k + 1));
        a2 = _mm512_dpbusd_epi32(a2, _mm512_set1_epi32(q[2] as i32), load(k + 2));
        a3 = _mm512_dpbusd_epi32(a3, _mm512_set1_epi32(q[3] as i32), load(k + 3));
    }
    let k = nq - quad4.remainder().len();
    for (i, &q) in quad4.remainder().iter().enumerate() {
        a0 = _mm512_dpbusd_epi32(a0, _mm512_set1_epi32(q as i32), load(k + i));
    }
    _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3))
}

/// Sixteen sums requantized as [`super::Inline`] states, then the zero
/// point and the clamp; the int8 results in order. The 64-bit products of
/// the even lanes and (shifted down) of the odd ones by `vpmuldq`, their
/// bits 31–62 (or the high words) put back in place by one blend.
#[target_feature(enable = "avx512f,avx512bw")]
#[inline]
fn requantize16(
    s: core::arch::x86_64::__m512i,
    q: super::InlineOut,
) -> core::arch::x86_64::__m128i {
    use core::arch::x86_64::{
        _mm512_add_epi32, _mm512_add_epi64, _mm512_cvtepi32_epi8, _mm512_mask_blend_epi32,
        _mm512_max_epi32, _mm512_min_epi32, _mm512_mul_epi32, _mm512_set1_epi32, _mm512_set1_epi64,
        _mm512_slli_epi64, _mm512_sra_epi32, _mm512_srai_epi32, _mm512_srli_epi64,
        _mm_cvtsi32_si128,
    };
    let products = |m: i32| {
        let m = _mm512_set1_epi32(m);
        let even = _mm512_mul_epi32(s, m);
        let odd = _mm512_mul_epi32(_mm512_srli_epi64::<32>(s), m);
        (even, odd)
    };
    let v = match q.form {
        super::Inline::High { m, h, r } => {
            let (even, odd) = products(m);
            // the high words: even ones moved down, odd ones in place
            let high = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64::<32>(even), odd);
            let count = _mm_cvtsi32_si128(r as i32);
            _mm512_sra_epi32(_mm512_add_epi32(high, _mm512_set1_epi32(h)), count)
        }
        super::Inline::Double { m, half, e, cap } => {
            let (even, odd) = products(m);
            let round = _mm512_set1_epi64(1 << 30);
            let (even, odd) = (_mm512_add_epi64(even, round), _mm512_add_epi64(odd, round));
            // bits 31..62: even ones shifted down to the low word, odd
            // ones up to the high word
            let q = _mm512_mask_blend_epi32(
                0xaaaa,
                _mm512_srli_epi64::<31>(even),
                _mm512_slli_epi64::<1>(odd),
            );
            let sign = _mm512_srai_epi32::<31>(q);
            let t = _mm512_add_epi32(
                _mm512_min_epi32(q, _mm512_set1_epi32(cap)),
                _mm512_add_epi32(_mm512_set1_epi32(half), sign),
            );
            _mm512_sra_epi32(t, _mm_cvtsi32_si128(e as i32))
        }
    };
    let v = _mm512_add_epi32(v, _mm512_set1_epi32(q.zero_point));
    let v = _mm512_min_epi32(
        _mm512_max_epi32(v, _mm512_set1_epi32(q.lo)),
        _mm512_set1_epi32(q.hi),
    );
    _mm512_cvtepi32_epi8(v)
}

/// Input quads per pass of [`panels_avx512_vnni`]: 1,024 columns, a
/// kibibyte of stack.
const QUADS: usize = 256;

/// Quads `k0..` of `x` (at most `out.len()`) as unsigned bytes `x + 128`,
/// little-endian, the columns past `x` zero; returns how many.
#[target_feature(enable = "avx512f,avx512bw")]
#[inline]
fn unsigned_quads(x: &[i8], k0: usize, out: &mut [u32]) -> usize {
    use core::arch::x86_64::{
        _mm512_loadu_si512, _mm512_set1_epi8, _mm512_storeu_si512, _mm512_xor_si512,
    };
    let cols = &x[(4 * k0).min(x.len())..x.len().min(4 * (k0 + out.len()))];
    let n = cols.len().div_ceil(4);
    let mut blocks = cols.chunks_exact(64);
    for (b, block) in (&mut blocks).enumerate() {
        let dst = &mut out[16 * b..16 * b + 16];
        // SAFETY: 64 bytes read from `block` (64 long) and written to
        // `dst` (sixteen u32).
        unsafe {
            let v = _mm512_xor_si512(
                _mm512_loadu_si512(block.as_ptr().cast()),
                _mm512_set1_epi8(-128),
            );
            _mm512_storeu_si512(dst.as_mut_ptr().cast(), v);
        }
    }
    let done = cols.len() - blocks.remainder().len();
    for (q, c) in out[done / 4..n]
        .iter_mut()
        .zip(blocks.remainder().chunks(4))
    {
        let b = |j: usize| c.get(j).map_or(0, |&v| (v as u8 ^ 0x80) as u32) << (8 * j);
        *q = b(0) | b(1) | b(2) | b(3);
    }
    n
}

/// Packed panels on VNNI: per quad of the input one broadcast of its four
/// bytes (as `x + 128`, unsigned) and, per panel, one `vpdpbusd` with the
/// quad's 64 bytes of weights — sixteen rows' sums in one vector, four
/// vectors over alternate quads. Each row starts at its bias less its
/// [`super::packed::pack_i8`] offset `128·Σw`. `xq` holds the input's first
/// quads unsigned; the input goes [`QUADS`] at a time.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
#[inline]
fn panels_avx512_vnni(
    p: &[i8],
    x: &[i8],
    xq: &[u32],
    bias: &[i32],
    offset: &[i32],
    acc: &mut [i32],
) {
    use core::arch::x86_64::{
        _mm512_add_epi32, _mm512_loadu_si512, _mm512_mask_loadu_epi32, _mm512_mask_storeu_epi32,
        _mm512_setzero_si512, _mm512_storeu_si512,
    };
    let quads = x.len().div_ceil(4);
    let panels = acc.len().div_ceil(16);
    let rows = acc.len();
    assert!(p.len() >= panels * quads * 64 && bias.len() >= rows && offset.len() >= rows);
    // the input past its first QUADS quads (a layer over 1,024 wide)
    let mut more;
    let mut k0 = 0;
    while k0 < quads {
        let xq = if k0 == 0 {
            xq
        } else {
            more = [0u32; QUADS];
            let n = unsigned_quads(x, k0, &mut more);
            &more[..n]
        };
        let nq = xq.len();
        for g in 0..panels {
            let w = &p[(g * quads + k0) * 64..(g * quads + k0 + nq) * 64];
            let s = panel_sums(w, xq);
            // the panel's rows (sixteen, or the layer's last ones)
            let (r, mask) = (16 * g, lanes(rows - 16 * g));
            // SAFETY: the lanes `mask` selects are rows r..min(r + 16, rows)
            // of `acc`, `bias` and `offset` (each at least `rows` long);
            // masked-off lanes are neither read nor written. (Whole panels
            // unmasked: a masked store does not forward to the loads of the
            // requantization that follows.)
            unsafe {
                let before = if k0 == 0 {
                    start(bias, offset, r, mask)
                } else if mask == 0xffff {
                    _mm512_loadu_si512(acc.as_ptr().add(r).cast())
                } else {
                    _mm512_mask_loadu_epi32(_mm512_setzero_si512(), mask, acc.as_ptr().add(r))
                };
                let v = _mm512_add_epi32(before, s);
                if mask == 0xffff {
                    _mm512_storeu_si512(acc.as_mut_ptr().add(r).cast(), v)
                } else {
                    _mm512_mask_storeu_epi32(acc.as_mut_ptr().add(r), mask, v)
                }
            }
        }
        k0 += nq;
    }
}
