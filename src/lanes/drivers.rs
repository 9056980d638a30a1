//! The loops that apply a lane-generic function to slices.
//!
//! Two shapes, both performing the same operations per element:
//!
//! * **Blocks**: the slice is cut into blocks of `B::N` elements (`B` is four
//!   vectors side by side, see [`X4`](super::X4)), and the last, partial
//!   block goes through a zero-padded buffer (the padding's results are
//!   discarded). [`crate::dispatch`] compiles these loops once per vector
//!   body, each with its own target features (SSE2, AVX2, AVX-512).
//! * **Scalar**: one `f32` at a time, for cores without vector registers.

use super::{Lane, Map1, Map2};

/// The largest block any body uses (`X4<V<16>>`, AVX-512).
pub(crate) const MAX_BLOCK: usize = 64;

/// `y = f(x)` on one block of at most `B::N` elements.
#[inline(always)]
fn block1<B: Lane, F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
    if !x.is_empty() {
        let mut buf = [0.0f32; MAX_BLOCK];
        buf[..x.len()].copy_from_slice(x);
        f.apply(B::load(&buf)).store(&mut buf);
        let n = y.len();
        y.copy_from_slice(&buf[..n]);
    }
}

/// `xy = f(xy)` on one block.
#[inline(always)]
fn block1_in_place<B: Lane, F: Map1>(f: &F, xy: &mut [f32]) {
    if !xy.is_empty() {
        let mut buf = [0.0f32; MAX_BLOCK];
        let n = xy.len();
        buf[..n].copy_from_slice(xy);
        f.apply(B::load(&buf)).store(&mut buf);
        xy.copy_from_slice(&buf[..n]);
    }
}

/// `out = f(a, b)` on one block.
#[inline(always)]
fn block2<B: Lane, F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
    if !a.is_empty() {
        let (mut ba, mut bb) = ([0.0f32; MAX_BLOCK], [0.0f32; MAX_BLOCK]);
        ba[..a.len()].copy_from_slice(a);
        bb[..b.len()].copy_from_slice(b);
        f.apply(B::load(&ba), B::load(&bb)).store(&mut ba);
        let n = out.len();
        out.copy_from_slice(&ba[..n]);
    }
}

/// `b = f(a, b)` on one block.
#[inline(always)]
fn block2_in_place<B: Lane, F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
    if !a.is_empty() {
        let (mut ba, mut bb) = ([0.0f32; MAX_BLOCK], [0.0f32; MAX_BLOCK]);
        let n = b.len();
        ba[..n].copy_from_slice(a);
        bb[..n].copy_from_slice(b);
        f.apply(B::load(&ba), B::load(&bb)).store(&mut ba);
        b.copy_from_slice(&ba[..n]);
    }
}

/// Keeps LLVM's loop vectorizer off a loop whose body is already vector
/// code: without it, LLVM re-vectorised the block loops across iterations
/// with gathers and scatters (20× slower on AVX-512). `black_box(())` is an
/// empty barrier with no run-time cost; if a compiler ignored it, only speed
/// would change, never a result.
#[inline(always)]
fn barrier() {
    core::hint::black_box(());
}

/// How many leading elements of `out` to process through the padded block
/// so that the rest starts on a 64-byte boundary. A 64-byte AVX-512 store
/// to an address that is not 64-aligned straddles two cache lines on every
/// iteration, and those split stores made the cheap kernels (ReLU) slower
/// than a plain loop; the head (at most 15 elements) costs one padded block.
#[inline(always)]
fn head_len(out: &[f32]) -> usize {
    out.as_ptr().align_offset(64).min(out.len())
}

/// `y[i] = f(x[i])` over the common length: a head up to the output's next
/// 64-byte boundary, full blocks of `B`, then the padded last block.
#[inline(always)]
pub(crate) fn run1<B: Lane, F: Map1>(f: &F, x: &[f32], y: &mut [f32]) {
    let n = x.len().min(y.len());
    let head = head_len(&y[..n]);
    let (xh, x) = x[..n].split_at(head);
    let (yh, y) = y[..n].split_at_mut(head);
    block1::<B, F>(f, xh, yh);
    let mut xb = x.chunks_exact(B::N);
    let mut yb = y.chunks_exact_mut(B::N);
    for (xs, ys) in (&mut xb).zip(&mut yb) {
        f.apply(B::load(xs)).store(ys);
        barrier();
    }
    block1::<B, F>(f, xb.remainder(), yb.into_remainder());
}

/// `xy[i] = f(xy[i])`.
#[inline(always)]
pub(crate) fn run1_in_place<B: Lane, F: Map1>(f: &F, xy: &mut [f32]) {
    let head = head_len(xy);
    let (h, xy) = xy.split_at_mut(head);
    block1_in_place::<B, F>(f, h);
    let mut b = xy.chunks_exact_mut(B::N);
    for s in &mut b {
        let v = f.apply(B::load(s));
        v.store(s);
        barrier();
    }
    block1_in_place::<B, F>(f, b.into_remainder());
}

/// `out[i] = f(a[i], b[i])` over the common length.
#[inline(always)]
pub(crate) fn run2<B: Lane, F: Map2>(f: &F, a: &[f32], b: &[f32], out: &mut [f32]) {
    let n = a.len().min(b.len()).min(out.len());
    let head = head_len(&out[..n]);
    let (ah, a) = a[..n].split_at(head);
    let (bh, b) = b[..n].split_at(head);
    let (oh, out) = out[..n].split_at_mut(head);
    block2::<B, F>(f, ah, bh, oh);
    let mut ab = a.chunks_exact(B::N);
    let mut bb = b.chunks_exact(B::N);
    let mut ob = out.chunks_exact_mut(B::N);
    for ((as_, bs), os) in (&mut ab).zip(&mut bb).zip(&mut ob) {
        f.apply(B::load(as_), B::load(bs)).store(os);
        barrier();
    }
    block2::<B, F>(f, ab.remainder(), bb.remainder(), ob.into_remainder());
}

/// `b[i] = f(a[i], b[i])` over the common length.
#[inline(always)]
pub(crate) fn run2_in_place<B: Lane, F: Map2>(f: &F, a: &[f32], b: &mut [f32]) {
    let n = a.len().min(b.len());
    let head = head_len(&b[..n]);
    let (ah, a) = a[..n].split_at(head);
    let (bh, b) = b[..n].split_at_mut(head);
    block2_in_place::<B, F>(f, ah, bh);
    let mut ab = a.chunks_exact(B::N);
    let mut bb = b.chunks_exact_mut(B::N);
    for (as_, bs) in (&mut ab).zip(&mut bb) {
        let v = f.apply(B::load(as_), B::load(bs));
        v.store(bs);
        barrier();
    }
    block2_in_place::<B, F>(f, ab.remainder(), bb.into_remainder());
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
