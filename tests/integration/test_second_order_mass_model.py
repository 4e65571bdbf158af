"""The O(1/N^2) spectrum against the stochastic mass model driven by Gaussian (colored) shot noise.

With ``noise='colored'`` the MPR model is driven by stationary Gaussian noise with the spectrum S_xi of the fixed
point: it has no bispectrum and no modulation of the trains by the input, so the measured low-frequency excess over
the linear spectrum is the Gaussian part of the theory, gaussian_k2 + k1_k3 (numerics.second_order_spectrum), and the
mean-rate shift is eq. (95).  Inhibitory case (eta_bar = 2, Delta = 0.2, J = -4), N = 200, band 0.1-0.4 of the
shot-noise peak where the linear spectrum is ~1.9e-6 and the excess about as large.
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from shotnoise.numerics import Model
from shotnoise.numerics.second_order_spectrum import second_order_spectrum
from shotnoise.numerics.spectral_estimation import welch

SEEDS = 6
SEGMENT, BIN, DT, T = 100.0, 0.05, 0.01, 1500.0


def test_gaussian_terms_explain_low_frequency_excess_and_rate_shift():
    m = Model(eta_bar=2.0, Delta=0.2, J=-4.0, N=200)
    op = m.operating_point()
    wpk = op.resonance().omega_peak
    ew = op.expected_welch(segment=SEGMENT, bin_width=BIN)  # linear spectrum with binning, aliases and leakage
    om = ew.omega
    sel = (om >= 0.1 * wpk) & (om <= 0.4 * wpk)
    so = second_order_spectrum(point=op, omega=om[sel])
    # the correction is smooth on the scale of the Welch resolution (2 pi/SEGMENT = 0.06) and of binning
    # (sinc^2(omega BIN/2) = 1 - 1e-4 here, its aliases at 2 pi/BIN = 126 are 1e-8 of it): unbinned values suffice
    pred = float(np.mean(so.components["gaussian_k2"]["activity"] + so.components["k1_k3"]["activity"]))
    excess, shift = [], []
    for seed in range(SEEDS):
        run = m.simulate_stochastic_mass(T=T + 100, dt=DT, transient=100, bin_width=BIN, noise="colored", seed=seed)
        sp = welch(run.s, dt=BIN, segment=SEGMENT)
        excess.append(np.mean(sp.psd[sel]) - np.mean(ew.psd[sel]))
        shift.append(run.mean_r - op.r)
    excess, shift = np.array(excess), np.array(shift)
    # Student t over the seeds (5 dof), two tests (excess, shift) at family-wise alpha = 1e-3: |t| <= t_crit
    t_crit = stats.t.ppf(1 - 1e-3 / 4, SEEDS - 1)
    se = excess.std(ddof=1) / np.sqrt(SEEDS)
    # the excess is resolved (the same test against 'no excess' rejects; else the comparison could not fail) ...
    assert excess.mean() / se > t_crit
    # ... and equals the prediction (seed-to-seed scatter: includes the linear part's)
    assert abs(excess.mean() - pred) / se <= t_crit, (excess.mean(), pred, se)
    se_r = shift.std(ddof=1) / np.sqrt(SEEDS)
    assert shift.mean() / se_r > t_crit
    assert abs(shift.mean() - so.rate_shift) / se_r <= t_crit, (shift.mean(), so.rate_shift, se_r)
