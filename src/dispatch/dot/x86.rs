//! The int8 row sums on x86-64: AVX2's `vpmaddwd` on inputs widened to
//! i16, AVX-512 VNNI's `vpdpbusd`; each inside a `#[target_feature]`
//! function with the chunk loop and the caller's requantization, which LLVM
//! vectorises for the same features.

/// The layer's chunks with [`rows_avx2`], the caller's requantization
/// compiled for AVX2 with it.
#[target_feature(enable = "avx2")]
pub(super) fn chunks_avx2(
    w: &[i8],
    stride: usize,
    rows: usize,
    x: &[i8],
    bias: &[i32],
    emit: impl super::Sink,
) {
    super::chunks_with(w, stride, rows, x, bias, emit, |w, stride, x, bias, acc| {
        rows_avx2(w, stride, x, bias, acc)
    })
}

/// AVX2: sixteen columns at a time widened to i16 (`vpmovsxbw`, the
/// input's once for four rows) and multiplied in pairs by `vpmaddwd` —
/// exact, as every product is at most 2^14 and a pair's sum fits i32
/// (`vpmaddubsw`, which multiplies bytes directly, saturates its 16-bit
/// pairs and is not). Four rows' partial sums are folded into one vector of
/// four sums by unpack-and-add. The last `cols % 16` columns go through the
/// plain loop.
#[target_feature(enable = "avx2")]
#[inline]
fn rows_avx2(w: &[i8], stride: usize, x: &[i8], bias: &[i32], acc: &mut [i32]) {
    use core::arch::x86_64::{
        __m256i, _mm256_add_epi32, _mm256_castsi256_si128, _mm256_cvtepi8_epi16,
        _mm256_extracti128_si256, _mm256_madd_epi16, _mm256_setzero_si256, _mm256_unpackhi_epi32,
        _mm256_unpackhi_epi64, _mm256_unpacklo_epi32, _mm256_unpacklo_epi64, _mm_add_epi32,
        _mm_loadu_si128, _mm_storeu_si128,
    };
    let n = stride.min(x.len());
    let rows = acc.len();
    if n < 16 || rows == 0 || w.len() < (rows - 1) * stride + n {
        return super::rows_plain(w, stride, x, bias, acc);
    }
    let blocks = n / 16;
    let done = 16 * blocks;
    let wide = |p: *const i8| -> __m256i {
        // SAFETY: the callers pass 16 readable bytes at `p` (below).
        _mm256_cvtepi8_epi16(unsafe { _mm_loadu_si128(p.cast()) })
    };
    let groups = rows / 4;
    for g in 0..groups {
        let r = 4 * g;
        // SAFETY (the pointers handed to `wide`): bytes 16b..16b + 16 of
        // `x` (16·blocks <= n <= x.len()) and of rows r..r + 4 (within the
        // rows checked above, 16·blocks <= n <= stride).
        let row = |k: usize, b: usize| unsafe { w.as_ptr().add((r + k) * stride + 16 * b) };
        let (mut s0, mut s1, mut s2, mut s3) = (
            _mm256_setzero_si256(),
            _mm256_setzero_si256(),
            _mm256_setzero_si256(),
            _mm256_setzero_si256(),
        );
        for b in 0..blocks {
            // SAFETY: as above.
            let xv = wide(unsafe { x.as_ptr().add(16 * b) });
            s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(wide(row(0, b)), xv));
            s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(wide(row(1, b)), xv));
            s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(wide(row(2, b)), xv));
            s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(wide(row(3, b)), xv));
        }
        // per 128-bit lane [s0, s1, s2, s3] partials, then the two lanes
        let a = _mm256_add_epi32(_mm256_unpacklo_epi32(s0, s1), _mm256_unpackhi_epi32(s0, s1));
        let c = _mm256_add_epi32(_mm256_unpacklo_epi32(s2, s3), _mm256_unpackhi_epi32(s2, s3));
        let d = _mm256_add_epi32(_mm256_unpacklo_epi64(a, c), _mm256_unpackhi_epi64(a, c));
        let q = _mm_add_epi32(_mm256_castsi256_si128(d), _mm256_extracti128_si256::<1>(d));
        let (b, out) = (&bias[r..r + 4], &mut acc[r..r + 4]);
        // SAFETY: four i32 at `b` and at `out` (slices of four).
        unsafe {
            let q = _mm_add_epi32(q, _mm_loadu_si128(b.as_ptr().cast()));
            _mm_storeu_si128(out.as_mut_ptr().cast(), q)
        };
    }
    // the rows past the last four, and every row's last columns
    let left = 4 * groups;
    let (w_left, x_done) = (&w[left * stride..], &x[..done]);
    super::rows_plain(w_left, stride, x_done, &bias[left..], &mut acc[left..]);
    add_tail(w, stride, &x[..n], done, acc);
}

/// The same on a CPU with AVX-512F but not VNNI: the AVX2 row sums (the
/// body the `Avx2` choice runs and the tests compare), the requantization
/// compiled for AVX-512F.
#[target_feature(enable = "avx512f")]
pub(super) fn chunks_avx512(
    w: &[i8],
    stride: usize,
    rows: usize,
    x: &[i8],
    bias: &[i32],
    emit: impl super::Sink,
) {
    super::chunks_with(w, stride, rows, x, bias, emit, |w, stride, x, bias, acc| {
        rows_avx2(w, stride, x, bias, acc)
    })
}

/// The same with the row sums on VNNI ([`rows_avx512_vnni`]).
#[cfg(not(miri))]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
pub(super) fn chunks_avx512_vnni(
    w: &[i8],
    stride: usize,
    rows: usize,
    x: &[i8],
    bias: &[i32],
    emit: impl super::Sink,
) {
    super::chunks_with(w, stride, rows, x, bias, emit, |w, stride, x, bias, acc| {
        rows_avx512_vnni(w, stride, x, bias, acc)
    })
}

/// AVX-512 VNNI, 64 multiply-accumulates per `vpdpbusd`. It multiplies
/// unsigned by signed bytes, so the weights go in as `w + 128` (their sign
/// bit flipped) and `128 · Σx` — one sum of the input for all the rows — is
/// taken off: `Σ (w + 128)·x − 128·Σx = Σ w·x`, exactly, in wrapping i32
/// (the offset method of the u8·s8 kernels of oneDNN and XNNPACK, here on
/// the weights since the input is what the rows share; our own code). Four
/// rows at a time share each load of the input; their four vectors of
/// partial sums are folded into one vector of four sums by two rounds of
/// unpack-and-add and two of halving, rather than four horizontal sums.
/// The last `cols % 64` columns go through the plain loop.
#[cfg(not(miri))]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
#[inline]
fn rows_avx512_vnni(w: &[i8], stride: usize, x: &[i8], bias: &[i32], acc: &mut [i32]) {
    use core::arch::x86_64::{
        _mm256_add_epi32, _mm256_castsi256_si128, _mm256_extracti128_si256, _mm512_add_epi32,
        _mm512_castsi512_si256, _mm512_dpbusd_epi32, _mm512_extracti64x4_epi64, _mm512_loadu_si512,
        _mm512_reduce_add_epi32, _mm512_set1_epi8, _mm512_setzero_si512, _mm512_unpackhi_epi32,
        _mm512_unpackhi_epi64, _mm512_unpacklo_epi32, _mm512_unpacklo_epi64, _mm512_xor_si512,
        _mm_add_epi32, _mm_loadu_si128, _mm_set1_epi32, _mm_storeu_si128, _mm_sub_epi32,
    };
    let n = stride.min(x.len());
    let rows = acc.len();
    if n < 64 || rows == 0 || w.len() < (rows - 1) * stride + n {
        return super::rows_plain(w, stride, x, bias, acc);
    }
    let blocks = n / 64;
    let done = 64 * blocks;
    let flip = _mm512_set1_epi8(-128);
    // the input's blocks, loaded once: Σx (times 128) comes off every row
    let load_x = |b: usize| {
        // SAFETY: bytes 64b..64b + 64 of `x` (64·blocks <= n <= x.len()).
        unsafe { _mm512_loadu_si512(x.as_ptr().add(64 * b).cast()) }
    };
    let mut sx = _mm512_setzero_si512();
    for b in 0..blocks {
        sx = _mm512_dpbusd_epi32(sx, _mm512_set1_epi8(1), load_x(b));
    }
    let offset = _mm512_reduce_add_epi32(sx).wrapping_mul(128);
    let offset_v = _mm_set1_epi32(offset);
    // row r's block b as unsigned bytes
    let load_w = |r: usize, b: usize| {
        // SAFETY: bytes r·stride + 64b .. + 64 of `w`: within row r
        // (64·blocks <= n) of the rows checked above.
        _mm512_xor_si512(
            unsafe { _mm512_loadu_si512(w.as_ptr().add(r * stride + 64 * b).cast()) },
            flip,
        )
    };
    let groups = rows / 4;
    for g in 0..groups {
        let r = 4 * g;
        let (mut s0, mut s1, mut s2, mut s3) = (
            _mm512_setzero_si512(),
            _mm512_setzero_si512(),
            _mm512_setzero_si512(),
            _mm512_setzero_si512(),
        );
        // two blocks a turn (a 128-wide layer is one turn), then the odd one
        let mut b = 0;
        while b + 2 <= blocks {
            let (xa, xb) = (load_x(b), load_x(b + 1));
            s0 = _mm512_dpbusd_epi32(s0, load_w(r, b), xa);
            s1 = _mm512_dpbusd_epi32(s1, load_w(r + 1, b), xa);
            s2 = _mm512_dpbusd_epi32(s2, load_w(r + 2, b), xa);
            s3 = _mm512_dpbusd_epi32(s3, load_w(r + 3, b), xa);
            s0 = _mm512_dpbusd_epi32(s0, load_w(r, b + 1), xb);
            s1 = _mm512_dpbusd_epi32(s1, load_w(r + 1, b + 1), xb);
            s2 = _mm512_dpbusd_epi32(s2, load_w(r + 2, b + 1), xb);
            s3 = _mm512_dpbusd_epi32(s3, load_w(r + 3, b + 1), xb);
            b += 2;
        }
        if b < blocks {
            let xv = load_x(b);
            s0 = _mm512_dpbusd_epi32(s0, load_w(r, b), xv);
            s1 = _mm512_dpbusd_epi32(s1, load_w(r + 1, b), xv);
            s2 = _mm512_dpbusd_epi32(s2, load_w(r + 2, b), xv);
            s3 = _mm512_dpbusd_epi32(s3, load_w(r + 3, b), xv);
        }
        // per 128-bit lane: [s0, s1, s0, s1] and [s2, s3, s2, s3] partials,
        // then [s0, s1, s2, s3]; then the four lanes added
        let a = _mm512_add_epi32(_mm512_unpacklo_epi32(s0, s1), _mm512_unpackhi_epi32(s0, s1));
        let c = _mm512_add_epi32(_mm512_unpacklo_epi32(s2, s3), _mm512_unpackhi_epi32(s2, s3));
        let d = _mm512_add_epi32(_mm512_unpacklo_epi64(a, c), _mm512_unpackhi_epi64(a, c));
        let h = _mm256_add_epi32(_mm512_castsi512_si256(d), _mm512_extracti64x4_epi64::<1>(d));
        let q = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256::<1>(h));
        let (b, out) = (&bias[r..r + 4], &mut acc[r..r + 4]);
        // SAFETY: four i32 at `b` and at `out` (slices of four).
        unsafe {
            let q = _mm_add_epi32(
                q,
                _mm_sub_epi32(_mm_loadu_si128(b.as_ptr().cast()), offset_v),
            );
            _mm_storeu_si128(out.as_mut_ptr().cast(), q)
        };
    }
    for (r, a) in acc.iter_mut().enumerate().skip(4 * groups) {
        let mut s0 = _mm512_setzero_si512();
        for b in 0..blocks {
            s0 = _mm512_dpbusd_epi32(s0, load_w(r, b), load_x(b));
        }
        *a = _mm512_reduce_add_epi32(s0)
            .wrapping_sub(offset)
            .wrapping_add(bias[r]);
    }
    add_tail(w, stride, &x[..n], done, acc);
}

/// `acc[r] += Σ_{done <= i < x.len()} w[r·stride + i]·x[i]`: the columns
/// past a body's last whole vector, for every row.
#[inline(always)]
fn add_tail(w: &[i8], stride: usize, x: &[i8], done: usize, acc: &mut [i32]) {
    if done >= x.len() {
        return;
    }
    for (r, a) in acc.iter_mut().enumerate() {
        let row = &w[r * stride..r * stride + x.len()];
        for (&wv, &xv) in row[done..].iter().zip(&x[done..]) {
            *a = a.wrapping_add(wv as i32 * xv as i32);
        }
    }
}
