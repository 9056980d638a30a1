//! The int8 row sums on x86-64: the plain loop compiled again for AVX2 and
//! AVX-512, and AVX-512 VNNI's `vpdpbusd`.

/// The plain loop compiled for AVX2 (`vpmaddwd` on 16 lanes).
#[target_feature(enable = "avx2")]
pub(super) fn rows_avx2(w: &[i8], stride: usize, x: &[i8], acc: &mut [i32]) {
    super::rows_plain(w, stride, x, acc)
}

/// The plain loop compiled for AVX-512F.
#[target_feature(enable = "avx512f")]
pub(super) fn rows_avx512(w: &[i8], stride: usize, x: &[i8], acc: &mut [i32]) {
    super::rows_plain(w, stride, x, acc)
}

/// Rows sharing each load of the input in the VNNI body.
#[cfg(not(miri))]
const GROUP: usize = 4;

/// AVX-512 VNNI, 64 multiply-accumulates per `vpdpbusd`: it multiplies
/// unsigned by signed bytes, so the input goes in as `x + 128` (its sign bit
/// flipped) and `128 · Σw`, summed by a second `vpdpbusd` of the weights
/// with ones, is taken off: `Σ w·(x + 128) − 128·Σ w = Σ w·x`, exactly, in
/// wrapping i32 (the method of oneDNN's and XNNPACK's u8s8 kernels; our own
/// code). Each input block is loaded and flipped once for [`GROUP`] rows;
/// the last `cols % 64` columns go through the plain loop.
#[cfg(not(miri))]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
pub(super) fn rows_avx512_vnni(w: &[i8], stride: usize, x: &[i8], acc: &mut [i32]) {
    use core::arch::x86_64::{
        __m512i, _mm512_dpbusd_epi32, _mm512_loadu_si512, _mm512_reduce_add_epi32,
        _mm512_set1_epi8, _mm512_setzero_si512, _mm512_slli_epi32, _mm512_sub_epi32,
        _mm512_xor_si512,
    };
    let n = stride.min(x.len());
    let rows = acc.len();
    if n < 64 || w.len() < rows * stride {
        return super::rows_plain(w, stride, x, acc);
    }
    let blocks = n / 64;
    let done = 64 * blocks;
    let flip = _mm512_set1_epi8(-128);
    let ones = _mm512_set1_epi8(1);
    for (g, acc) in acc.chunks_mut(GROUP).enumerate() {
        let w = &w[g * GROUP * stride..];
        let mut sums = [_mm512_setzero_si512(); GROUP];
        let mut wsums = [_mm512_setzero_si512(); GROUP];
        for b in 0..blocks {
            // SAFETY: bytes 64b..64b + 64 of `x` (64·blocks <= n <= x.len()).
            let xu: __m512i = _mm512_xor_si512(
                unsafe { _mm512_loadu_si512(x.as_ptr().add(64 * b).cast()) },
                flip,
            );
            for r in 0..acc.len() {
                // SAFETY: bytes r·stride + 64b .. + 64 of `w`: within row
                // r (64·blocks <= n <= stride) of this group, whose rows
                // lie within the `rows · stride` checked above.
                let wv = unsafe { _mm512_loadu_si512(w.as_ptr().add(r * stride + 64 * b).cast()) };
                sums[r] = _mm512_dpbusd_epi32(sums[r], xu, wv);
                wsums[r] = _mm512_dpbusd_epi32(wsums[r], ones, wv);
            }
        }
        for (r, a) in acc.iter_mut().enumerate() {
            // 128·Σw taken off lane by lane, then one horizontal sum
            let lanes = _mm512_sub_epi32(sums[r], _mm512_slli_epi32::<7>(wsums[r]));
            let mut s = _mm512_reduce_add_epi32(lanes);
            let row = &w[r * stride..r * stride + n];
            for (&wv, &xv) in row[done..].iter().zip(&x[done..n]) {
                s = s.wrapping_add(wv as i32 * xv as i32);
            }
            *a = s;
        }
    }
}
