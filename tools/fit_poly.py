#!/usr/bin/env python3
"""Fit the polynomial coefficients used by neurokern's exp and tanh kernels.

Method: weighted least squares on Chebyshev nodes, minimising the *relative*
error of the final function value, followed by a few Lawson iterations
(iteratively re-weighted least squares, Lawson 1961) that push the solution
towards the minimax (equi-ripple) one. The reference values come from mpmath at
60 digits. Coefficients are then rounded to f32, and the script prints them as
Rust literals together with the relative error of the rounded polynomial
evaluated in f64 (the f32 evaluation error is measured by the Rust tests).

    pip install mpmath numpy && python3 tools/fit_poly.py

Nothing here is copied from another library: the forms are textbook
(Cody & Waite, "Software Manual for the Elementary Functions", 1980, ch. 6
for exp; Muller, "Elementary Functions", 3rd ed., ch. 3 for least squares /
Remez-style fitting).
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 60


def f32(v):
    return float(np.float32(v))


def cheb_nodes(a, b, n):
    k = np.arange(n)
    return 0.5 * (a + b) + 0.5 * (b - a) * np.cos((2 * k + 1) * np.pi / (2 * n))


def lawson(basis, target, scale, iters=60):
    """Minimise max |(basis @ c - target) / scale| with Lawson's IRLS."""
    w = np.ones(len(target)) / len(target)
    c = None
    for _ in range(iters):
        sw = np.sqrt(w) / scale
        c, *_ = np.linalg.lstsq(basis * sw[:, None], target * sw, rcond=None)
        err = np.abs(basis @ c - target) / scale
        w = w * err
        w /= w.sum()
    return c


def fit_exp(deg):
    # exp(r) = 1 + r + r^2 * (c2 + c3 r + ... + c_deg r^(deg-2)), r in [0, ln2]
    # (slightly widened: the f32 floor of z/ln2 can leave r a few 1e-6 outside)
    h = float(mp.log(2))
    r = cheb_nodes(-1e-5, h + 1e-5, 4000)
    ex = np.array([float(mp.exp(mp.mpf(v))) for v in r])
    # target for the unknown part: (exp(r) - 1 - r) / r^2, but weight by relative error of exp
    target = np.array([float((mp.exp(mp.mpf(v)) - 1 - mp.mpf(v))) for v in r])
    basis = np.stack([r ** (j + 2) for j in range(deg - 1)], axis=1)
    c = lawson(basis, target, ex)
    c32 = [f32(v) for v in c]
    approx = 1 + r + sum(c32[j] * r ** (j + 2) for j in range(deg - 1))
    rel = np.max(np.abs(approx - ex) / ex)
    return c32, rel


def fit_tanh(deg, a):
    # tanh(x) = x + x^3 * P(x^2), P of degree deg in s = x^2, x in [0, a]
    x = cheb_nodes(1e-4, a, 4000)
    th = np.array([float(mp.tanh(mp.mpf(v))) for v in x])
    target = np.array([float(mp.tanh(mp.mpf(v)) - mp.mpf(v)) for v in x])
    basis = np.stack([x ** (2 * j + 3) for j in range(deg + 1)], axis=1)
    c = lawson(basis, target, th)
    c32 = [f32(v) for v in c]
    approx = x + sum(c32[j] * x ** (2 * j + 3) for j in range(deg + 1))
    rel = np.max(np.abs(approx - th) / th)
    return c32, rel


def lit(v):
    return f"{np.float32(v)!r}".replace("np.float32(", "").rstrip(")") + "_f32"


if __name__ == "__main__":
    ln2 = mp.log(2)
    hi = f32(ln2)
    # Cody-Waite split: ln2_hi keeps 16 significant bits so k * ln2_hi is exact
    # for |k| < 2^8.
    bits = np.float32(ln2).view(np.uint32) & np.uint32(0xFFFFFF00)
    hi = float(bits.view(np.float32))
    lo = f32(ln2 - hi)
    print(f"LN2_HI = {lit(hi)}  LN2_LO = {lit(lo)}  LOG2E = {lit(1 / ln2)}")
    for deg in (5, 6):
        c, rel = fit_exp(deg)
        print(f"exp degree {deg}: rel err {rel:.3e} (2^{np.log2(rel):.1f})")
        print("   ", ", ".join(lit(v) for v in c))
    a = float(mp.atanh(mp.mpf(1) / 2))
    print(f"tanh switch point atanh(1/2) = {a!r}")
    for deg in (3, 4, 5):
        c, rel = fit_tanh(deg, a)
        print(f"tanh odd degree {2 * deg + 3}: rel err {rel:.3e} (2^{np.log2(rel):.1f})")
        print("   ", ", ".join(lit(v) for v in c))
