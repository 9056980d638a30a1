//! The int8 table lookup of [`int8::Lut`](crate::int8::Lut): a byte
//! gather, which LLVM does not vectorise from a loop, so its x86-64 bodies
//! are written with `core::arch` intrinsics (the loads and stores are the
//! `unsafe` calls, each with its bound in a `// SAFETY:` comment).

// not under Miri, which does not implement these intrinsics
#[cfg(all(target_arch = "x86_64", not(miri)))]
mod x86 {
    use core::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_broadcastsi128_si256, _mm256_cmpeq_epi8,
        _mm256_loadu_si256, _mm256_or_si256, _mm256_set1_epi8, _mm256_setzero_si256,
        _mm256_shuffle_epi8, _mm256_srli_epi16, _mm256_storeu_si256, _mm512_loadu_si512,
        _mm512_mask_blend_epi8, _mm512_movepi8_mask, _mm512_permutex2var_epi8, _mm512_storeu_si512,
        _mm_loadu_si128,
    };

    /// The int8 table lookup, 64 bytes at a time: `vpermi2b` looks up the
    /// 7 low bits of each index in two 128-entry halves of the table (two
    /// registers each), and the index's top bit picks the half.
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
    pub(super) fn lut_i8_vbmi(table: &[i8; 256], x: &[i8], y: &mut [i8]) {
        let n = x.len().min(y.len());
        let p = table.as_ptr();
        // SAFETY: four 64-byte loads at offsets 0, 64, 128 and 192 of a
        // 256-byte array (unaligned loads).
        let (t0, t1, t2, t3) = unsafe {
            (
                _mm512_loadu_si512(p.cast()),
                _mm512_loadu_si512(p.add(64).cast()),
                _mm512_loadu_si512(p.add(128).cast()),
                _mm512_loadu_si512(p.add(192).cast()),
            )
        };
        let mut i = 0;
        while i + 64 <= n {
            // SAFETY: bytes i..i + 64 are within `x` (i + 64 <= n <= x.len()).
            let idx = unsafe { _mm512_loadu_si512(x.as_ptr().add(i).cast()) };
            let low = _mm512_permutex2var_epi8(t0, idx, t1);
            let high = _mm512_permutex2var_epi8(t2, idx, t3);
            let r = _mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), low, high);
            // SAFETY: bytes i..i + 64 are within `y` (i + 64 <= n <= y.len()).
            unsafe { _mm512_storeu_si512(y.as_mut_ptr().add(i).cast(), r) };
            i += 64;
        }
        super::lut_i8_scalar(table, &x[i..n], &mut y[i..n]);
    }

    /// The int8 table lookup, 32 bytes at a time with AVX2's 16-entry
    /// `vpshufb`: the table as 16 rows of 16 bytes, each row looked up with
    /// the index's low 4 bits and kept where its high 4 bits name that row.
    #[target_feature(enable = "avx2")]
    pub(super) fn lut_i8_avx2(table: &[i8; 256], x: &[i8], y: &mut [i8]) {
        let n = x.len().min(y.len());
        let mut rows = [_mm256_setzero_si256(); 16];
        let mut k = 0;
        while k < 16 {
            // SAFETY: 16 bytes at offset 16k <= 240 of a 256-byte array.
            let row = unsafe { _mm_loadu_si128(table.as_ptr().add(16 * k).cast()) };
            rows[k] = _mm256_broadcastsi128_si256(row);
            k += 1;
        }
        let nibble = _mm256_set1_epi8(0x0f);
        let mut i = 0;
        while i + 32 <= n {
            // SAFETY: bytes i..i + 32 are within `x` (i + 32 <= n <= x.len()).
            let idx: __m256i = unsafe { _mm256_loadu_si256(x.as_ptr().add(i).cast()) };
            let low = _mm256_and_si256(idx, nibble);
            let high = _mm256_and_si256(_mm256_srli_epi16::<4>(idx), nibble);
            let mut r = _mm256_setzero_si256();
            let mut k = 0;
            while k < 16 {
                let hit = _mm256_cmpeq_epi8(high, _mm256_set1_epi8(k as i8));
                let v = _mm256_shuffle_epi8(rows[k], low);
                r = _mm256_or_si256(r, _mm256_and_si256(hit, v));
                k += 1;
            }
            // SAFETY: bytes i..i + 32 are within `y` (i + 32 <= n <= y.len()).
            unsafe { _mm256_storeu_si256(y.as_mut_ptr().add(i).cast(), r) };
            i += 32;
        }
        super::lut_i8_scalar(table, &x[i..n], &mut y[i..n]);
    }
}

/// `y[k] = table[x[k] as u8]` one byte at a time.
#[inline]
fn lut_i8_scalar(table: &[i8; 256], x: &[i8], y: &mut [i8]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = table[x as u8 as usize];
    }
}

/// The int8 table lookup of [`int8::Lut`](crate::int8::Lut):
/// `y[k] = table[x[k] as u8]` over `min(x.len(), y.len())` elements. A
/// lookup is a lookup, so every body returns the same bytes: on x86-64 the
/// AVX-512 body uses VBMI's byte permutes where the CPU has them (64
/// elements in a few instructions), the AVX2 body (and an AVX-512 CPU
/// without VBMI) 16 `vpshufb`s per 32 elements; elsewhere one load per
/// element.
#[inline]
pub(crate) fn lut_i8(table: &[i8; 256], x: &[i8], y: &mut [i8]) {
    // (not under Miri, which does not implement these intrinsics)
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    if super::VECTORS {
        use super::{selected, Isa};
        match selected() {
            // SAFETY: the CPU has AVX-512F, BW and VBMI (checked just now).
            Isa::Avx512 if super::cpu::has_avx512_vbmi() => {
                return unsafe { x86::lut_i8_vbmi(table, x, y) }
            }
            // SAFETY: the CPU has AVX2 (checked just now).
            Isa::Avx512 | Isa::Avx2 if super::cpu::has_avx2() => {
                return unsafe { x86::lut_i8_avx2(table, x, y) }
            }
            _ => {}
        }
    }
    lut_i8_scalar(table, x, y)
}
