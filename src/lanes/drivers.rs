//! The loops that apply a lane-generic function to slices.
//!
//! Every loop applies the kernel's `f32` body to one element after another,
//! so each body performs the same operations per element, in order:
//!
//! * **Vector** (`vec*`): a plain loop, which LLVM's loop vectorizer turns
//!   into vector code. [`crate::dispatch`] compiles it once per
//!   target-feature set (SSE2 or NEON, AVX2, AVX-512) and picks one at run
//!   time. The loop vectorizer keeps each lane's operations exactly (no
//!   reassociation, no contraction into FMA without fast-math flags), so the
//!   vector code returns the scalar code's bits.
//! * **Scalar** (`map*_scalar`): for cores without vector registers, with
//!   an eight-element unroll for the cheapest kernels ([`Map1::UNROLL`]).
//! * **One at a time** (`one*`): the scalar body on a host, kept from being
//!   vectorised (the reference the tests compare the vector bodies with).

use super::{Map1, Map2};

/// Keeps LLVM's loop vectorizer off a loop: an empty `black_box(())` has no
/// run-time cost, and if a compiler ignored it only speed would change.
#[inline(always)]
fn barrier() {
    core::hint::black_box(());
}

/// `y[i] = f(x[i])`, one `f32` at a time; eight per iteration when
/// [`Map1::UNROLL`] (the same operations on each element, in order).
#[inline(always)]
pub(crate) fn map1_scalar<F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let (mut x, mut y) = (&x[..n], &mut y[..n]);
    if F::UNROLL {
        let mut xc = x.chunks_exact(8);
        let mut yc = y.chunks_exact_mut(8);
        for (xs, ys) in (&mut xc).zip(&mut yc) {
            // spelled out (LLVM pairs the loads and stores): `array::map`
            // and an inner loop over two halves stayed loops at `opt-level = "s"`
            let (a, b, c, d) = (xs[0], xs[1], xs[2], xs[3]);
            let (e, g, h, i) = (xs[4], xs[5], xs[6], xs[7]);
            (ys[0], ys[1], ys[2], ys[3]) = (f.apply(a), f.apply(b), f.apply(c), f.apply(d));
            (ys[4], ys[5], ys[6], ys[7]) = (f.apply(e), f.apply(g), f.apply(h), f.apply(i));
        }
        (x, y) = (xc.remainder(), yc.into_remainder());
    }
    for (xi, yi) in x.iter().zip(y.iter_mut()) {
        *yi = f.apply(*xi);
    }
}

/// `xy[i] = f(xy[i])`, one `f32` at a time; eight per iteration when
/// [`Map1::UNROLL`].
#[inline(always)]
pub(crate) fn map1_in_place_scalar<F: Map1>(f: &F, mut xy: &mut [f32]) {
    if F::UNROLL {
        let mut c = xy.chunks_exact_mut(8);
        for s in &mut c {
            let (a, b, c, d) = (s[0], s[1], s[2], s[3]);
            let (e, g, h, i) = (s[4], s[5], s[6], s[7]);
            (s[0], s[1], s[2], s[3]) = (f.apply(a), f.apply(b), f.apply(c), f.apply(d));
            (s[4], s[5], s[6], s[7]) = (f.apply(e), f.apply(g), f.apply(h), f.apply(i));
        }
        xy = c.into_remainder();
    }
    for v in xy.iter_mut() {
        *v = f.apply(*v);
    }
}

/// `out[i] = f(a[i], b[i])`, one `f32` at a time.
#[inline(always)]
pub(crate) fn map2_scalar<F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((ai, bi), oi) in a.iter().zip(b).zip(out.iter_mut()) {
        *oi = f.apply(*ai, *bi);
    }
}

/// `b[i] = f(a[i], b[i])`, one `f32` at a time.
#[inline(always)]
pub(crate) fn map2_in_place_scalar<F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
    for (ai, bi) in a.iter().zip(b.iter_mut()) {
        *bi = f.apply(*ai, *bi);
    }
}

/// `y[i] = f(x[i])` on the body [`crate::dispatch`] selects.
#[inline(always)]
pub(crate) fn map1<F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
    crate::dispatch::map1(f, x, y)
}

/// `xy[i] = f(xy[i])` on the selected body.
#[inline(always)]
pub(crate) fn map1_in_place<F: Map1>(f: &F, xy: &mut [f32]) {
    crate::dispatch::map1_in_place(f, xy)
}

/// `out[i] = f(a[i], b[i])` on the selected body.
#[inline(always)]
pub(crate) fn map2<F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
    crate::dispatch::map2(f, a, b, out)
}

/// `b[i] = f(a[i], b[i])` on the selected body.
#[inline(always)]
pub(crate) fn map2_in_place<F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
    crate::dispatch::map2_in_place(f, a, b)
}

/// `y[i] = f(x[i])` as a plain loop over `f32` lanes, for LLVM's loop
/// vectorizer: the vector bodies of [`crate::dispatch`] are this loop
/// compiled once per target-feature set (see ARCHITECTURE.md, "Run-time
/// dispatch").
#[inline(always)]
pub(crate) fn vec1<F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = f.apply(*xi);
    }
}

/// `xy[i] = f(xy[i])`, for the loop vectorizer.
#[inline(always)]
pub(crate) fn vec1_in_place<F: Map1>(f: &F, xy: &mut [f32]) {
    for v in xy.iter_mut() {
        *v = f.apply(*v);
    }
}

/// `out[i] = f(a[i], b[i])`, for the loop vectorizer.
#[inline(always)]
pub(crate) fn vec2<F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((oi, ai), bi) in out.iter_mut().zip(a).zip(b) {
        *oi = f.apply(*ai, *bi);
    }
}

/// `b[i] = f(a[i], b[i])`, for the loop vectorizer.
#[inline(always)]
pub(crate) fn vec2_in_place<F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
    for (bi, ai) in b.iter_mut().zip(a) {
        *bi = f.apply(*ai, *bi);
    }
}

/// `y[i] = f(x[i])`, one element per iteration, not vectorised.
#[inline(always)]
pub(crate) fn one1<F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = f.apply(*xi);
        barrier();
    }
}

/// `xy[i] = f(xy[i])`, not vectorised.
#[inline(always)]
pub(crate) fn one1_in_place<F: Map1>(f: &F, xy: &mut [f32]) {
    for v in xy.iter_mut() {
        *v = f.apply(*v);
        barrier();
    }
}

/// `out[i] = f(a[i], b[i])`, not vectorised.
#[inline(always)]
pub(crate) fn one2<F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((oi, ai), bi) in out.iter_mut().zip(a).zip(b) {
        *oi = f.apply(*ai, *bi);
        barrier();
    }
}

/// `b[i] = f(a[i], b[i])`, not vectorised.
#[inline(always)]
pub(crate) fn one2_in_place<F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
    for (bi, ai) in b.iter_mut().zip(a) {
        *bi = f.apply(*ai, *bi);
        barrier();
    }
}
