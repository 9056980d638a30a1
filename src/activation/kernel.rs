//! The lane-generic kernel trait and the adapters that run a kernel over
//! slices, in place, over arrays, and as a fused backward pass.

use crate::lanes::{self, Lane, Map1, Map2};

/// One activation written once for every lane type: its forward function
/// and its derivative from the input.
pub(crate) trait Kernel: Copy {
    /// φ is a few integer instructions per element (see
    /// [`Map1::UNROLL`](crate::lanes::Map1::UNROLL)): the scalar forward
    /// loop then runs eight elements per iteration.
    const CHEAP: bool = false;
    /// φ is ReLU exactly ([`Map1::ZERO_NEGATIVES`](crate::lanes::Map1::ZERO_NEGATIVES)).
    const ZERO_NEGATIVES: bool = false;
    /// φ(x).
    fn f<L: Lane>(&self, x: L) -> L;
    /// φ'(x), from the input.
    fn df<L: Lane>(&self, x: L) -> L;
}

/// A kernel whose derivative can also be expressed through its output
/// y = φ(x) (σ, tanh, ReLU, …; not SiLU or GELU, which are not injective).
pub(crate) trait KernelFromOutput: Kernel {
    /// φ'(x) expressed through the cached output y = φ(x).
    fn df_from_output<L: Lane>(&self, y: L) -> L;
}

#[derive(Clone, Copy)]
struct Fwd<K>(K);
#[derive(Clone, Copy)]
struct Der<K>(K);
#[derive(Clone, Copy)]
struct DerY<K>(K);
#[derive(Clone, Copy)]
struct Back<K>(K);
#[derive(Clone, Copy)]
struct BackY<K>(K);

impl<K: Kernel> Map1 for Fwd<K> {
    const UNROLL: bool = K::CHEAP;
    const ZERO_NEGATIVES: bool = K::ZERO_NEGATIVES;
    #[inline(always)]
    fn apply<L: Lane>(&self, x: L) -> L {
        self.0.f(x)
    }
}
impl<K: Kernel> Map1 for Der<K> {
    #[inline(always)]
    fn apply<L: Lane>(&self, x: L) -> L {
        self.0.df(x)
    }
}
impl<K: KernelFromOutput> Map1 for DerY<K> {
    #[inline(always)]
    fn apply<L: Lane>(&self, y: L) -> L {
        self.0.df_from_output(y)
    }
}
impl<K: Kernel> Map2 for Back<K> {
    #[inline(always)]
    fn apply<L: Lane>(&self, x: L, dy: L) -> L {
        dy * self.0.df(x)
    }
}
impl<K: KernelFromOutput> Map2 for BackY<K> {
    #[inline(always)]
    fn apply<L: Lane>(&self, y: L, dy: L) -> L {
        dy * self.0.df_from_output(y)
    }
}

#[inline(always)]
#[track_caller]
pub(crate) fn forward<K: Kernel>(k: K, op: &str, x: &[f32], y: &mut [f32]) {
    lanes::check_len(op, "x", x.len(), "y", y.len());
    lanes::map1(&Fwd(k), x, y);
}

#[inline(always)]
pub(crate) fn forward_in_place<K: Kernel>(k: K, xy: &mut [f32]) {
    lanes::map1_in_place(&Fwd(k), xy);
}

#[inline(always)]
pub(crate) fn forward_array<K: Kernel, const N: usize>(k: K, mut x: [f32; N]) -> [f32; N] {
    lanes::map1_in_place(&Fwd(k), &mut x);
    x
}

#[inline(always)]
#[track_caller]
pub(crate) fn derivative<K: Kernel>(k: K, op: &str, x: &[f32], d: &mut [f32]) {
    lanes::check_len(op, "x", x.len(), "d", d.len());
    lanes::map1(&Der(k), x, d);
}

#[inline(always)]
#[track_caller]
pub(crate) fn derivative_from_output<K: KernelFromOutput>(
    k: K,
    op: &str,
    y: &[f32],
    d: &mut [f32],
) {
    lanes::check_len(op, "y", y.len(), "d", d.len());
    lanes::map1(&DerY(k), y, d);
}

#[inline(always)]
#[track_caller]
pub(crate) fn backward<K: Kernel>(k: K, op: &str, x: &[f32], dy: &[f32], dx: &mut [f32]) {
    lanes::check_len(op, "x", x.len(), "dy", dy.len());
    lanes::check_len(op, "x", x.len(), "dx", dx.len());
    lanes::map2(&Back(k), x, dy, dx);
}

#[inline(always)]
#[track_caller]
pub(crate) fn backward_in_place<K: Kernel>(k: K, op: &str, x: &[f32], g: &mut [f32]) {
    lanes::check_len(op, "x", x.len(), "grad", g.len());
    lanes::map2_in_place(&Back(k), x, g);
}

#[inline(always)]
#[track_caller]
pub(crate) fn backward_from_output<K: KernelFromOutput>(
    k: K,
    op: &str,
    y: &[f32],
    dy: &[f32],
    dx: &mut [f32],
) {
    lanes::check_len(op, "y", y.len(), "dy", dy.len());
    lanes::check_len(op, "y", y.len(), "dx", dx.len());
    lanes::map2(&BackY(k), y, dy, dx);
}

#[inline(always)]
#[track_caller]
pub(crate) fn backward_from_output_in_place<K: KernelFromOutput>(
    k: K,
    op: &str,
    y: &[f32],
    g: &mut [f32],
) {
    lanes::check_len(op, "y", y.len(), "grad", g.len());
    lanes::map2_in_place(&BackY(k), y, g);
}
