//! What the CPU can run, asked once and cached: CPUID and XGETBV on x86-64,
//! both in `core::arch`, so a `no_std` build and a dependent with default
//! features choose their body at run time as a `std` build does (the method
//! of Intel's SDM, vol. 1 §14.3 and §15.2, which `std_detect` and the
//! `cpufeatures` crate also follow: the CPU must report the instructions
//! *and* the operating system must save the wider registers, XCR0).
//!
//! Under Miri (which cannot execute `cpuid`) and on other architectures the
//! compile-time target features decide.

/// Feature bits, cached after the first question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Features {
    /// AVX2 with the OS saving ymm registers.
    pub(crate) avx2: bool,
    /// AVX-512F with the OS saving zmm and mask registers.
    pub(crate) avx512f: bool,
    /// AVX-512F, BW and VBMI (the int8 lookup's byte permutes).
    pub(crate) avx512_vbmi: bool,
    /// AVX-512F, BW and VNNI (the int8 dot product's `vpdpwssd`).
    pub(crate) avx512_vnni: bool,
}

impl Features {
    const fn code(self) -> u8 {
        0x80 | self.avx2 as u8
            | (self.avx512f as u8) << 1
            | (self.avx512_vbmi as u8) << 2
            | (self.avx512_vnni as u8) << 3
    }
    const fn from_code(c: u8) -> Self {
        Features {
            avx2: c & 1 != 0,
            avx512f: c & 2 != 0,
            avx512_vbmi: c & 4 != 0,
            avx512_vnni: c & 8 != 0,
        }
    }
}

/// From the compile-time target features: what Miri and other targets use.
#[allow(dead_code)]
const COMPILED: Features = Features {
    avx2: cfg!(all(target_arch = "x86_64", target_feature = "avx2")),
    avx512f: cfg!(all(target_arch = "x86_64", target_feature = "avx512f")),
    avx512_vbmi: cfg!(all(
        target_arch = "x86_64",
        target_feature = "avx512f",
        target_feature = "avx512bw",
        target_feature = "avx512vbmi"
    )),
    avx512_vnni: cfg!(all(
        target_arch = "x86_64",
        target_feature = "avx512f",
        target_feature = "avx512bw",
        target_feature = "avx512vnni"
    )),
};

/// The features of this CPU (cached: one relaxed load after the first call).
#[inline]
pub(crate) fn features() -> Features {
    use core::sync::atomic::{AtomicU8, Ordering};
    /// 0: not asked yet; otherwise `0x80 | bits`.
    static CACHE: AtomicU8 = AtomicU8::new(0);
    let c = CACHE.load(Ordering::Relaxed);
    if c != 0 {
        return Features::from_code(c);
    }
    let f = ask();
    CACHE.store(f.code(), Ordering::Relaxed);
    f
}

#[cfg(not(all(target_arch = "x86_64", not(miri))))]
fn ask() -> Features {
    COMPILED
}

/// Asks the CPU (CPUID leaves 1 and 7) and the OS (XCR0 through XGETBV).
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[cold]
fn ask() -> Features {
    use core::arch::x86_64::{__cpuid, __cpuid_count};
    // SAFETY: CPUID exists on every x86-64 CPU, leaf 0 on every one.
    #[allow(unused_unsafe)]
    let max_leaf = unsafe { __cpuid(0) }.eax;
    // SAFETY: leaf 1 exists on every x86-64 CPU.
    #[allow(unused_unsafe)]
    let leaf1 = unsafe { __cpuid(1) };
    let osxsave = leaf1.ecx & (1 << 27) != 0;
    let avx = leaf1.ecx & (1 << 28) != 0;
    let (ebx7, ecx7) = if max_leaf >= 7 {
        // SAFETY: leaf 7 exists (max_leaf >= 7).
        #[allow(unused_unsafe)]
        let l = unsafe { __cpuid_count(7, 0) };
        (l.ebx, l.ecx)
    } else {
        (0, 0)
    };
    // XCR0: bits 1-2 the OS saves xmm/ymm, bits 5-7 opmask and zmm state
    let xcr0 = if osxsave {
        // SAFETY: CPUID says the OS enabled XSAVE (OSXSAVE), so XGETBV runs.
        unsafe { xgetbv0() }
    } else {
        0
    };
    let os_ymm = xcr0 & 0b110 == 0b110;
    let os_zmm = os_ymm && xcr0 & 0b1110_0000 == 0b1110_0000;
    let avx2 = os_ymm && avx && ebx7 & (1 << 5) != 0;
    let avx512f = os_zmm && ebx7 & (1 << 16) != 0;
    let avx512bw = ebx7 & (1 << 30) != 0;
    let vbmi = ecx7 & (1 << 1) != 0;
    let vnni = ecx7 & (1 << 11) != 0;
    Features {
        avx2,
        avx512f,
        avx512_vbmi: avx512f && avx512bw && vbmi,
        avx512_vnni: avx512f && avx512bw && vnni,
    }
}

/// XCR0, the register that says which register states the OS saves.
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[target_feature(enable = "xsave")]
unsafe fn xgetbv0() -> u64 {
    // SAFETY: the caller checked OSXSAVE; XCR 0 always exists then.
    #[allow(unused_unsafe)]
    unsafe {
        core::arch::x86_64::_xgetbv(0)
    }
}

#[inline]
pub(crate) fn has_avx2() -> bool {
    features().avx2
}

#[inline]
pub(crate) fn has_avx512() -> bool {
    features().avx512f
}

/// (used by the int8 lookup's x86-64 bodies only)
#[cfg_attr(not(all(target_arch = "x86_64", not(miri))), allow(dead_code))]
#[inline]
pub(crate) fn has_avx512_vbmi() -> bool {
    features().avx512_vbmi
}

/// (used by the int8 dot product's x86-64 bodies only)
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
#[inline]
pub(crate) fn has_avx512_vnni() -> bool {
    features().avx512_vnni
}

#[cfg(all(test, feature = "std", target_arch = "x86_64", not(miri)))]
mod tests {
    /// The answer from CPUID/XGETBV equals std's `is_x86_feature_detected!`
    /// on this machine (a test that fails if a bit or a leaf were wrong on
    /// the CPU at hand).
    #[test]
    fn agrees_with_std_detect() {
        let f = super::ask();
        assert_eq!(f.avx2, std::is_x86_feature_detected!("avx2"));
        assert_eq!(f.avx512f, std::is_x86_feature_detected!("avx512f"));
        assert_eq!(
            f.avx512_vbmi,
            std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("avx512vbmi")
        );
        assert_eq!(
            f.avx512_vnni,
            std::is_x86_feature_detected!("avx512f")
                && std::is_x86_feature_detected!("avx512bw")
                && std::is_x86_feature_detected!("avx512vnni")
        );
        assert_eq!(super::features(), f);
        assert_eq!(super::Features::from_code(f.code()), f);
    }
}
