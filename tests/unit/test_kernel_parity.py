"""Parity of every generated kernel with a plain sympy.lambdify of its source expression.

The kernel lists come from ``codegen.SPECS`` (the same place codegen takes them
from), so a new kernel is tested automatically; a function in a generated file
without a spec fails :func:`test_every_generated_kernel_has_a_spec`.  The
reference is lambdified with mpmath and evaluated with 40 digits at 300 seeded
random points of each kernel's domain.  Tolerance: rtol 1e-12, plus an absolute
1e-12 times the largest |value| over the sample (sums of terms that cancel lose
digits in proportion to the size of the terms, not of the result).
"""
from __future__ import annotations

import importlib
import re

import mpmath
import numpy as np
import pytest
import sympy as sp

from shotnoise.numerics import codegen

N_POINTS = 300
RTOL = 1e-12
GENERATED = "shotnoise.numerics._generated."
ALL_SPECS = [(fname, spec) for fname, build in codegen.SPECS.items() for spec in build()]


def _sample(spec, rng):
    if callable(spec.domain):
        return spec.domain(rng, N_POINTS)
    assert len(spec.domain) == len(spec.args), "%s: one domain per argument" % spec.name
    cols = []
    for lo, hi in spec.domain:
        if isinstance(lo, complex) or isinstance(hi, complex):
            lo, hi = complex(lo), complex(hi)
            cols.append(rng.uniform(lo.real, hi.real, N_POINTS) + 1j * rng.uniform(lo.imag, hi.imag, N_POINTS))
        elif isinstance(lo, int) and isinstance(hi, int):
            cols.append(rng.integers(lo, hi + 1, N_POINTS))
        else:
            cols.append(rng.uniform(lo, hi, N_POINTS))
    return [tuple(c[i].item() for c in cols) for i in range(N_POINTS)]


def _mp(x):
    return mpmath.mpc(x) if isinstance(x, complex) else mpmath.mpf(x)


def _reference(spec):
    exprs = []
    for e in spec.outputs:
        e = sp.sympify(e)
        for name, lam in spec.helpers.items():
            e = e.replace(sp.Function(name), lam)
        exprs.append(e)
    return sp.lambdify(spec.args, exprs, modules="mpmath")


def test_every_generated_file_is_registered():
    on_disk = {p.name for p in codegen.GENERATED_DIR.glob("*.py") if p.name != "__init__.py"}
    assert on_disk == set(codegen.MODULES) == set(codegen.SPECS)


@pytest.mark.parametrize("fname", sorted(codegen.SPECS))
def test_every_generated_kernel_has_a_spec(fname):
    text = (codegen.GENERATED_DIR / fname).read_text()
    defined = set(re.findall(r"^def (\w+)\(", text, re.M))
    specs = {s.name for s in codegen.SPECS[fname]()}
    assert defined == specs, "kernels without a parity spec: %s" % (defined - specs)
    for spec in codegen.SPECS[fname]():
        assert spec.domain, "%s has no parity domain" % spec.name


@pytest.mark.parametrize("fname,spec", ALL_SPECS, ids=["%s:%s" % (f[:-3], s.name) for f, s in ALL_SPECS])
def test_kernel_matches_lambdify(fname, spec):
    kernel = getattr(importlib.import_module(GENERATED + fname[:-3]), spec.name)
    ref = _reference(spec)
    rng = np.random.default_rng(sum(map(ord, spec.name)))  # seeded per kernel, stable across runs
    got, want = [], []
    for pt in _sample(spec, rng):
        g = kernel(*pt)
        with mpmath.workdps(40):
            w = ref(*[_mp(x) for x in pt])
        got.append(np.atleast_1d(np.asarray(g, dtype=complex)))
        want.append(np.array([complex(x) for x in w]))
    got, want = np.array(got), np.array(want)
    assert got.shape == want.shape
    assert np.all(np.isfinite(want)), "%s: reference not finite on its domain" % spec.name
    scale = np.max(np.abs(want), axis=0)
    err = np.abs(got - want)
    ok = err <= RTOL * np.abs(want) + RTOL * scale
    assert ok.all(), "%s: worst relative error %g at %s" % (
        spec.name, np.max(err / (np.abs(want) + scale)), _sample(spec, rng)[0])


def test_stable_cot_coefficients_come_from_the_theory():
    from shotnoise.numerics.stable_cot import ZETA_EVEN
    from shotnoise.theory.shot_noise import mittag_leffler_zeta_coefficients
    exact = mittag_leffler_zeta_coefficients(codegen.ZETA_TERMS + 1)
    assert ZETA_EVEN == tuple(float(x) for x in exact)


def test_gaussian_ppf_ndtri_matches_the_theory_erfinv():
    """scipy's ndtri stands in for sympy's erfinv (not printable to math): parity at 300 points."""
    from shotnoise.numerics.densities import gaussian
    from shotnoise.theory import densities as dn
    from shotnoise.theory.symbols import Delta, eta_bar
    ref = sp.lambdify((dn.u, eta_bar, Delta), dn.ppf("gaussian"), modules="mpmath")
    rng = np.random.default_rng(7)
    for _ in range(N_POINTS):
        e, s, u = rng.uniform(-5, 5), rng.uniform(0.05, 3), rng.uniform(1e-9, 1 - 1e-9)
        with mpmath.workdps(40):
            want = float(ref(mpmath.mpf(u), mpmath.mpf(e), mpmath.mpf(s)))
        got = float(gaussian(e, s).ppf(u))
        assert abs(got - want) <= 1e-12 * (abs(want) + abs(e) + s)
