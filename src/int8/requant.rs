//! The requantization of a fully connected layer's row sums:
//! `clamp(M·s + zp_out, lo, hi)` as int8, a loop of its own over each chunk
//! of rows the dispatch module hands over.
//!
//! [`Multiplier::apply_as`] states the arithmetic; [`Requant`] computes the
//! same int8 in the fewest instructions its shift allows, worked out once
//! per multiplier:
//!
//! * LiteRT, `shift ≤ −2` (every multiplier below ¼): the rounding constant
//!   `2^(30 − shift)` lies wholly in the product's high word, so `(s·m +
//!   2^(30 − shift)) >> (31 − shift)` is `(high32(s·m) + 2^(−shift − 2)) >>
//!   (−shift − 1)`: one high multiply (`SMMUL`), an add and a shift.
//! * TFLite Micro, `−23 ≤ shift ≤ −1`: the rounding right shift by `e =
//!   −shift` (half away from zero) is `(q + 2^(e−1) − [q < 0]) >> e`, the add
//!   saturating (`QADD`). It saturates only when `q ≥ 2^31 − 2^(e−1)`, and
//!   then gives `2^(31−e) − 1` for `2^(31−e)`: both at least 255, so after
//!   the zero point (at least −128) both clamp to the top of int8. Without
//!   `QADD` `q` is capped instead (one `min` where a saturating add of i32
//!   costs four instructions), to the same effect.
//! * Anything else: `apply_as`'s statement.
//!
//! The tests compare every form with `apply_as` over random and extreme
//! sums.

use super::multiplier::rounding_shift_right;
use super::{Arithmetic, Multiplier};
use crate::dispatch::Inline;

/// Where a requantized value goes: the output's zero point, then the clamp.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Out {
    pub zero_point: i32,
    pub lo: i32,
    pub hi: i32,
}

impl Out {
    #[inline(always)]
    fn put(self, v: i32) -> i8 {
        v.wrapping_add(self.zero_point).max(self.lo).min(self.hi) as i8
    }

    /// `put` where `TOP` promises `hi == 127` (no fused activation, ReLU):
    /// the clamp to int8 is one `SSAT`, then the floor.
    /// Elsewhere the vector clamp is the same two instructions either way,
    /// so `put` it is.
    #[inline(always)]
    fn put_as<const TOP: bool>(self, v: i32) -> i8 {
        if TOP && cfg!(target_arch = "arm") {
            v.wrapping_add(self.zero_point)
                .clamp(-128, 127)
                .max(self.lo) as i8
        } else {
            self.put(v)
        }
    }
}

/// One multiplier's requantization in the form its shift allows.
#[derive(Clone, Copy, Debug)]
enum Requant {
    /// LiteRT, `shift ≤ −2`: `(high32(s·m) + h) >> r`.
    High { m: i32, h: i32, r: u32 },
    /// TFLite Micro, `−23 ≤ shift ≤ −1`: `q = (s·m + 2^30) >> 31`, then
    /// `sat(q + half + (q >> 31)) >> e` with `half = 2^(e−1)`.
    Double { m: i32, half: i32, e: u32 },
    /// Anything else, as `apply_as` states it.
    General(Multiplier, Arithmetic),
}

impl Requant {
    #[inline(always)]
    fn new(pair: [i32; 2], arithmetic: Arithmetic) -> Requant {
        let [m, shift] = pair;
        match arithmetic {
            Arithmetic::LiteRt if high_form(shift) => Requant::High {
                m,
                h: 1 << (-shift - 2),
                r: (-shift - 1) as u32,
            },
            Arithmetic::Tflm if double_form(shift) => Requant::Double {
                m,
                half: 1 << (-shift - 1),
                e: -shift as u32,
            },
            _ => Requant::General(Multiplier { mantissa: m, shift }, arithmetic),
        }
    }

    /// `out.put(M·s)`, `M·s` rounded as the arithmetic rounds it (what
    /// the tests compare `requantize`'s loops with).
    #[cfg(test)]
    fn to_i8(self, s: i32, out: Out) -> i8 {
        match self {
            Requant::High { m, h, r } => out.put(high(s, m).wrapping_add(h) >> r),
            Requant::Double { m, half, e } => out.put(double(s, m, half, e)),
            Requant::General(m, a) => out.put(general(m, a, s)),
        }
    }
}

/// Whether LiteRT's rounding constant lies wholly in the product's high
/// word (the `High` form).
#[inline(always)]
fn high_form(shift: i32) -> bool {
    shift <= -2
}

/// Whether TFLite Micro's rounding shift may saturate its add (the
/// `Double` form): `2^(31 + shift)` is at least 256, so the saturated
/// value clamps as the exact one does.
#[inline(always)]
fn double_form(shift: i32) -> bool {
    (-23..=-1).contains(&shift)
}

/// The high word of `s·m`.
#[inline(always)]
fn high(s: i32, m: i32) -> i32 {
    ((s as i64 * m as i64) >> 32) as i32
}

/// The `Double` form. On Arm cores with the DSP extension the add
/// saturates (`QADD`, one instruction); elsewhere, where a saturating add
/// of i32 costs four instructions (vector or scalar), `q` is first capped at [`DOUBLE_CAP`] (one `min`), below
/// which the add cannot overflow, and the capped value still shifts to at
/// least 255, so it clamps to the top of int8 as the saturated one does.
#[inline(always)]
fn double(s: i32, m: i32, half: i32, e: u32) -> i32 {
    let q = ((s as i64 * m as i64 + (1 << 30)) >> 31) as i32;
    if cfg!(neurokern_arm_dsp) {
        q.saturating_add(half + (q >> 31)) >> e
    } else {
        q.min(DOUBLE_CAP).wrapping_add(half + (q >> 31)) >> e
    }
}

/// The cap of the `Double` form's `q` without `QADD`: with `half ≤ 2^22` (`e ≤
/// 23`), `DOUBLE_CAP + half` fits i32, and `(DOUBLE_CAP + half) >> e ≥
/// (2^31 − 1) >> 23 = 255` for every `e` of the form.
const DOUBLE_CAP: i32 = i32::MAX - (1 << 22);

/// `apply_as` with the left shift wrapping as TFLite's does (its caller's
/// sums never overflow it in practice; wrapping keeps it total).
#[inline(always)]
fn general(m: Multiplier, arithmetic: Arithmetic, s: i32) -> i32 {
    match arithmetic {
        Arithmetic::LiteRt => m.apply(s),
        Arithmetic::Tflm => {
            let left = m.shift.max(0) as u32;
            let right = (-m.shift).max(0);
            let q = ((s.wrapping_shl(left) as i64 * m.mantissa as i64 + (1 << 30)) >> 31) as i32;
            rounding_shift_right(q, right)
        }
    }
}

/// A single multiplier's form for a vector body that requantizes in
/// registers ([`crate::dispatch::Inline`]): `High`, or `Double` where it
/// caps `q` (off the DSP cores); `None` for anything else.
pub(crate) fn inline_form(pair: [i32; 2], arithmetic: Arithmetic) -> Option<Inline> {
    match Requant::new(pair, arithmetic) {
        Requant::High { m, h, r } => Some(Inline::High { m, h, r }),
        Requant::Double { m, half, e } if !cfg!(neurokern_arm_dsp) => Some(Inline::Double {
            m,
            half,
            e,
            cap: DOUBLE_CAP,
        }),
        _ => None,
    }
}

/// `y[o] = out.put(M_o · sums[o])` for every row of a chunk, `M_o` the one
/// multiplier of the layer or row `o`'s (`multipliers` has one entry or one
/// per row), rounded as `arithmetic` rounds. On Arm never inlined: a
/// function of its own keeps its constants in registers (inlined into the
/// layer's loop they were spilled and reloaded for every row); elsewhere
/// inlined into the dispatch module's chunk loop, which on x86-64 is
/// compiled for the body's vector features, so these loops are vectorised
/// with it.
#[cfg_attr(target_arch = "arm", inline(never))]
#[cfg_attr(not(target_arch = "arm"), inline(always))]
pub(crate) fn requantize(
    sums: &[i32],
    multipliers: &[[i32; 2]],
    arithmetic: Arithmetic,
    out: Out,
    y: &mut [i8],
) {
    if out.hi == 127 {
        loops::<true>(sums, multipliers, arithmetic, out, y)
    } else {
        loops::<false>(sums, multipliers, arithmetic, out, y)
    }
}

/// [`requantize`]'s loops, `TOP` when the clamp's top is int8's.
#[inline(always)]
fn loops<const TOP: bool>(
    sums: &[i32],
    multipliers: &[[i32; 2]],
    arithmetic: Arithmetic,
    out: Out,
    y: &mut [i8],
) {
    if let [pair] = multipliers {
        // one loop per form, its constants in registers
        match Requant::new(*pair, arithmetic) {
            Requant::High { m, h, r } => {
                for (y, &s) in y.iter_mut().zip(sums) {
                    *y = out.put_as::<TOP>(high(s, m).wrapping_add(h) >> r);
                }
            }
            Requant::Double { m, half, e } => {
                for (y, &s) in y.iter_mut().zip(sums) {
                    *y = out.put_as::<TOP>(double(s, m, half, e));
                }
            }
            Requant::General(m, a) => {
                for (y, &s) in y.iter_mut().zip(sums) {
                    *y = out.put_as::<TOP>(general(m, a, s));
                }
            }
        }
    } else {
        // one multiplier per row: the form chosen row by row, inline
        let rows = y.iter_mut().zip(sums).zip(multipliers);
        match arithmetic {
            Arithmetic::LiteRt => {
                for ((y, &s), &[m, shift]) in rows {
                    let v = if high_form(shift) {
                        // (H + 2^k) >> (k + 1) = ((H >> k) + 1) >> 1:
                        // with H = q·2^k + r, r < 2^k moves neither floor
                        ((high(s, m) >> ((-shift - 2) & 31)) + 1) >> 1
                    } else {
                        general(Multiplier { mantissa: m, shift }, arithmetic, s)
                    };
                    *y = out.put_as::<TOP>(v);
                }
            }
            Arithmetic::Tflm => {
                for ((y, &s), &[m, shift]) in rows {
                    let v = if double_form(shift) {
                        double(s, m, 1 << (-shift - 1), -shift as u32)
                    } else {
                        general(Multiplier { mantissa: m, shift }, arithmetic, s)
                    };
                    *y = out.put_as::<TOP>(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every form gives `apply_as`'s int8 for every shift, over random sums
    /// of every magnitude and the extremes, with every zero point and clamp
    /// a layer can have.
    #[test]
    fn every_form_is_apply_as() {
        let mut st = 0x0123_4567_89ab_cdefu64;
        let mut next = move || {
            st ^= st << 13;
            st ^= st >> 7;
            st ^= st << 17;
            st
        };
        let outs = [
            Out {
                zero_point: -128,
                lo: -128,
                hi: 127,
            },
            Out {
                zero_point: 127,
                lo: -128,
                hi: 127,
            },
            Out {
                zero_point: 5,
                lo: 5,
                hi: 127,
            },
            Out {
                zero_point: -3,
                lo: -9,
                hi: 3,
            },
            Out {
                zero_point: 0,
                lo: -128,
                hi: 127,
            },
        ];
        let mut seen = [0usize; 3];
        for shift in -31..=30 {
            for _ in 0..400 {
                let r = next();
                let mantissa = (1 << 30) + (r % (1 << 30)) as i32;
                let m = Multiplier { mantissa, shift };
                let mut xs = [
                    i32::MIN,
                    i32::MAX,
                    0,
                    -1,
                    1,
                    (r >> 32) as i32,
                    (r >> 32) as i32 >> (r % 31),
                    ((r >> 40) as i32) << 8 >> 8,
                ];
                xs[2] = 1 << (r % 8);
                for arithmetic in Arithmetic::ALL {
                    let q = Requant::new(m.pair(), arithmetic);
                    seen[match q {
                        Requant::High { .. } => 0,
                        Requant::Double { .. } => 1,
                        Requant::General(..) => 2,
                    }] += 1;
                    for &x in &xs {
                        if shift > 0 && (x as i64) << shift != ((x as i64) << shift) as i32 as i64 {
                            continue; // TFLite's left shift overflows: undefined there
                        }
                        for out in outs {
                            let want = out.put(m.apply_as(x, arithmetic));
                            assert_eq!(q.to_i8(x, out), want, "{x} {m:?} {arithmetic:?} {out:?}");
                            let mut y = [0i8];
                            requantize(&[x], &[m.pair()], arithmetic, out, &mut y);
                            assert_eq!(y[0], want, "{x} {m:?} {arithmetic:?} {out:?}");
                            // per channel: the row's own multiplier, inline
                            let mut y = [0i8; 2];
                            let pairs = [Multiplier::ONE.pair(), m.pair()];
                            requantize(&[0, x], &pairs, arithmetic, out, &mut y);
                            assert_eq!(y[1], want, "{x} {m:?} {arithmetic:?} {out:?}");
                        }
                    }
                }
            }
        }
        assert!(seen.iter().all(|&n| n > 1000), "{seen:?}");
        // the ties: with the mantissa ½, sums ±(j·2^k + 2^(k−1)) and their
        // neighbours land on the halves of both roundings
        for shift in -31..=30 {
            let m = Multiplier {
                mantissa: 1 << 30,
                shift,
            };
            for k in 1..30 {
                for j in 0..3i64 {
                    for d in -1..=1i64 {
                        for sign in [1i64, -1] {
                            let x = sign * (j * (1 << k) + (1 << (k - 1)) + d);
                            let Ok(x) = i32::try_from(x) else { continue };
                            if shift > 0
                                && (x as i64) << shift != ((x as i64) << shift) as i32 as i64
                            {
                                continue;
                            }
                            for a in Arithmetic::ALL {
                                for out in outs {
                                    let want = out.put(m.apply_as(x, a));
                                    let got = Requant::new(m.pair(), a).to_i8(x, out);
                                    assert_eq!(got, want, "{x} {m:?} {a:?} {out:?}");
                                    let mut y = [0i8; 2];
                                    requantize(&[x, x], &[m.pair(); 2], a, out, &mut y);
                                    assert_eq!(y, [want; 2], "{x} {m:?} {a:?} {out:?}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The saturating add of the fast double rounding is reached, and the
    /// clamp hides it: `q` near `i32::MAX`.
    #[test]
    fn the_saturated_double_rounding_clamps_alike() {
        let m = Multiplier {
            mantissa: i32::MAX,
            shift: -23,
        };
        let out = Out {
            zero_point: -128,
            lo: -128,
            hi: 127,
        };
        let q = Requant::new(m.pair(), Arithmetic::Tflm);
        assert!(matches!(q, Requant::Double { .. }));
        for x in [i32::MAX, i32::MAX - 1, i32::MAX - (1 << 22), i32::MIN] {
            assert_eq!(q.to_i8(x, out), out.put(m.apply_as(x, Arithmetic::Tflm)));
        }
        // one shift further the shortcut would be wrong, so it is not taken
        let m = Multiplier {
            mantissa: i32::MAX,
            shift: -24,
        };
        let want = out.put(m.apply_as(i32::MAX, Arithmetic::Tflm));
        assert_ne!(out.put(double(i32::MAX, m.mantissa, 1 << 23, 24)), want);
        let q = Requant::new(m.pair(), Arithmetic::Tflm);
        assert!(matches!(q, Requant::General(..)));
        assert_eq!(q.to_i8(i32::MAX, out), want);
    }

    /// Per-channel multipliers: each row its own.
    #[test]
    fn each_row_takes_its_multiplier() {
        let out = Out {
            zero_point: 0,
            lo: -128,
            hi: 127,
        };
        let ms = [
            Multiplier::from_real(0.5).pair(),
            Multiplier::from_real(0.25).pair(),
            Multiplier::from_real(2.0).pair(),
        ];
        for a in Arithmetic::ALL {
            let mut y = [0i8; 3];
            requantize(&[50, 50, 50], &ms, a, out, &mut y);
            assert_eq!(y, [25, 13, 100], "{a:?}");
        }
    }
}
