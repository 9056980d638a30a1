#!/usr/bin/env python3
"""Fit the polynomials of the activations added after ReLU (ELU, softplus,
GELU): the same method as tools/fit_poly.py (Lawson-weighted least squares on
Chebyshev nodes against mpmath references, coefficients rounded to f32).

    pip install mpmath numpy && python3 tools/fit_activations.py

Forms (textbook; nothing copied from another library):
* expm1(r) = r + r^2/2 + r^3 P(r) on [-ln2/2, ln2]     (ELU: Cody & Waite
  reduction, then the polynomial; Muller, "Elementary Functions", ch. 11)
* log1p(t) = 2s + 2s^3 Q(s^2), s = t / (2 + t) on t in [0, 1]   (softplus:
  the atanh series, Muller ch. 11)
* GELU's Phi(x) = 1/2 + x E(x^2) on |x| <= A, and its derivative
  Phi(x) + x phi(x) = 1/2 + x F(x^2) there;
  beyond, Phi(-t) = e^{-t^2/2} m(t) (m is Mills' ratio over sqrt(2 pi)):
  m(t) = M1(t - c) on [A, B] and t m(t) = R(1/t^2) on [B, 14.5].
"""
import mpmath as mp
import numpy as np

from fit_poly import cheb_nodes, f32, lawson, lit

mp.mp.dps = 50
A, B, T_MAX = 0.75, 2.5, 14.5


def report(name, c32, approx, exact, scale):
    rel = np.max(np.abs(approx - exact) / np.abs(scale))
    print(f"{name}: max rel err {rel:.3e} (2^{np.log2(rel):.1f})")
    print("   ", ", ".join(lit(v) for v in c32))


def fit(name, x, exact, fixed, powers, var, scale, deg):
    """exact(x) ~ fixed(x) + sum c_j * var(x)**j * powers(x), relative to scale."""
    ex = np.array([float(exact(mp.mpf(v))) for v in x])
    fx = np.array([float(fixed(mp.mpf(v))) for v in x])
    pw = np.array([float(powers(mp.mpf(v))) for v in x])
    vv = np.array([float(var(mp.mpf(v))) for v in x])
    basis = np.stack([pw * vv ** j for j in range(deg + 1)], axis=1)
    sc = np.abs(np.array([float(scale(mp.mpf(v))) for v in x]))
    # round one coefficient at a time to f32 and refit the rest, so the
    # later coefficients absorb the rounding of the earlier ones
    c32 = []
    resid = ex - fx
    for j in range(deg + 1):
        c = lawson(basis[:, j:], resid, sc)
        c32.append(f32(c[0]))
        resid = resid - c32[-1] * basis[:, j]
    approx = fx + sum(c32[j] * pw * vv ** j for j in range(deg + 1))
    report(name, c32, approx, ex, sc)


def phi_cdf(x):
    return mp.erfc(-x / mp.sqrt(2)) / 2


if __name__ == "__main__":
    h = float(mp.log(2))
    x = cheb_nodes(-h / 2 - 1e-4, h + 1e-4, 3000)
    for d in (4, 5, 6):
        fit(f"expm1 P deg {d}", x, mp.expm1, lambda r: r + r * r / 2, lambda r: r ** 3,
            lambda r: r, mp.expm1, d)
    s = cheb_nodes(1e-6, 1 / 3 + 1e-6, 3000)
    for d in (3, 4, 5):
        fit(f"log1p Q deg {d}", s, lambda v: mp.log1p(2 * v / (1 - v)), lambda v: 2 * v,
            lambda v: 2 * v ** 3, lambda v: v * v, lambda v: mp.log1p(2 * v / (1 - v)), d)
    x = cheb_nodes(1e-6, A, 3000)
    for d in (5, 6, 7):
        fit(f"gelu E deg {d}", x, phi_cdf, lambda v: mp.mpf(1) / 2, lambda v: v,
            lambda v: v * v, lambda v: phi_cdf(-v), d)
    for d in (5, 6, 7):
        fit(f"gelu F deg {d}", x, lambda v: phi_cdf(v) + v * mp.npdf(v), lambda v: mp.mpf(1) / 2,
            lambda v: v, lambda v: v * v, lambda v: phi_cdf(v) + v * mp.npdf(v) - 0.5 * 0 , d)
    m = lambda t: phi_cdf(-t) * mp.exp(t * t / 2)
    c = (A + B) / 2
    t = cheb_nodes(A - 1e-4, B + 1e-4, 3000)
    for d in (8, 9, 10, 11):
        fit(f"gelu M1 deg {d} (c = {c})", t, m, lambda v: 0, lambda v: 1, lambda v: v - c, m, d)
    R = lambda v: m(1 / mp.sqrt(v)) / mp.sqrt(v)
    for (lo, hi, uc) in ((B, T_MAX, 0.0859375),):
        u = cheb_nodes(1 / hi ** 2 - 1e-5, 1 / lo ** 2 + 1e-5, 3000)
        for d in (8, 9, 10, 11):
            fit(f"gelu R [{lo}, {hi}] deg {d} (uc = {uc})", u, R, lambda v: 0, lambda v: 1,
                lambda v: v - uc, R, d)
    # softplus near 0: softplus(x) = x/2 + G(x^2), G(v) = log(2 cosh(sqrt(v)/2)), v in [0, S^2]
    G = lambda v: mp.log(2 * mp.cosh(mp.sqrt(v) / 2))
    for S in (1.0, 1.5):
        v = cheb_nodes(0, S * S, 3000)
        for d in (6, 7, 8, 9):
            fit(f"softplus G |x| <= {S} deg {d}", v, G, lambda w: 0, lambda w: 1, lambda w: w, G, d)
