"""Small statistical building blocks: Wilson interval, linearized variance, tests, rounding."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

FloatArray = NDArray[np.float64]


def z_value(confidence: float = 0.95) -> float:
    """Two-sided standard-normal quantile for ``confidence`` (1.959964 for 0.95).

    >>> round(z_value(0.95), 6)
    1.959964
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: must lie strictly between 0 and 1, got {confidence!r}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a proportion (as a proportion, not a percent).

    With ``p̂ = x/n`` and ``z`` the two-sided normal quantile::

        centre = (p̂ + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/4n²)

    The interval is ``centre ± half``; it never leaves [0, 1] and keeps good
    coverage near 0 and 1 where the Wald interval fails. ``n`` may be a
    non-integer effective sample size. ``n = 0`` gives NaN.

    Examples
    --------
    >>> lo, hi = wilson_interval(7, 10)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.3968, 0.8922)
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(m > 0, x / m, np.nan)
        denom = 1 + z * z / m
        centre = (p + z * z / (2 * m)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def linearized_variance(grad: FloatArray, totals: FloatArray, cross: FloatArray, n: FloatArray) -> FloatArray:
    """Delta-method variance of a smooth function of totals, from cross-product sums.

    For an estimator ``θ = f(T)`` of the totals ``T = Σ_r u_r`` with gradient
    ``g = ∂f/∂T`` the linearized residual of respondent ``r`` is ``z_r = gᵀu_r``
    and, treating respondents as independent draws::

        Var(θ) ≈ n/(n − 1) · [gᵀ M g − (gᵀ T)² / n],    M = Σ_r u_r u_rᵀ

    (for ratio estimators ``gᵀT = 0``, so the mean correction vanishes).

    Parameters
    ----------
    grad : array (G, P)
        Gradient per group.
    totals : array (G, P)
        ``T`` per group.
    cross : array (G, P, P)
        ``M`` per group.
    n : array (G,)
        Respondents per group; ``n < 2`` gives NaN.

    Examples
    --------
    One proportion, 3 of 4 respondents satisfied, ``θ = S/V``:

    >>> u = np.array([[1, 1], [1, 1], [1, 1], [0, 1.]])  # (s, v) per respondent
    >>> g = np.array([[1 / 4, -0.75 / 4]])
    >>> float(linearized_variance(g, u.sum(0)[None], (u.T @ u)[None], np.array([4.0]))[0])
    0.0625
    """
    # M g first, then gᵀ(M g): one pass over M (a three-operand einsum walks it ~5× slower)
    quad = np.einsum("gi,gi->g", grad, np.einsum("gij,gj->gi", cross, grad))
    first = np.einsum("gi,gi->g", grad, totals)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.where(n > 1, n / (n - 1) * (quad - first * first / n), np.nan)
    return np.maximum(var, 0.0)


def two_proportion_test(x1: ArrayLike, n1: ArrayLike, x2: ArrayLike, n2: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Two-sided two-proportion z test with pooled variance.

    ``z = (p1 − p2) / sqrt(p(1 − p)(1/n1 + 1/n2))`` with ``p = (x1 + x2)/(n1 + n2)``.

    Returns
    -------
    (z, p_value) : arrays
        NaN where either ``n`` is 0 or the pooled proportion is 0 or 1
        (then both samples agree perfectly: ``p_value`` is 1).

    Examples
    --------
    >>> z, p = two_proportion_test(170, 200, 150, 200)
    >>> round(float(z), 3), round(float(p), 4)
    (2.5, 0.0124)
    """
    a1, m1, a2, m2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = a1 / m1, a2 / m2
        pool = (a1 + a2) / (m1 + m2)
        se = np.sqrt(pool * (1 - pool) * (1 / m1 + 1 / m2))
        z = np.where(se > 0, (p1 - p2) / se, np.nan)
    ok = (m1 > 0) & (m2 > 0)
    pvalue = np.where(np.isnan(z), np.where(ok & (se == 0), 1.0, np.nan), 2 * stats.norm.sf(np.abs(z)))
    return np.where(ok, z, np.nan), np.where(ok, pvalue, np.nan)


def _half_up(value: float, decimals: int) -> float:
    if not np.isfinite(value):
        return float(value)
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


#: a scaled value further than this from a rounding tie (k + ½) is rounded in floating point; nearer, in decimal
_TIE_MARGIN = 1e-6
#: scaled values up to this size have float errors far below the margin (an ulp of 1e8 is 1.5e-8)
_FAST_LIMIT = 1e8


def _half_up_array(arr: FloatArray, scaled: FloatArray, decimals: int, exact) -> FloatArray:
    """``arr`` rounded half-up to ``decimals``, given ``scaled`` (≈ the exact decimal value × 10^decimals).

    Where ``scaled`` lies clearly between two ties, rounding it in floating point gives the decimal
    result (``k / 10^decimals`` is the double nearest the decimal ``k·10^-decimals``, as ``float(Decimal)``
    is); values near a tie, very large or not finite go through ``exact`` (the decimal computation)."""
    magnitude = np.abs(scaled)
    whole = np.floor(magnitude)
    with np.errstate(invalid="ignore"):
        fraction = magnitude - whole
        fast = np.isfinite(scaled) & (magnitude < _FAST_LIMIT) & (np.abs(fraction - 0.5) > _TIE_MARGIN)
    out = np.copysign((whole + (fraction > 0.5)) / 10.0**decimals, arr)
    finite = np.isfinite(arr)
    out[~finite] = arr[~finite]
    slow = ~fast & finite
    if slow.any():
        out[slow] = [exact(v) for v in arr[slow]]
    return out


def round_half_up(values: ArrayLike | float, decimals: int = 2) -> FloatArray | float:
    """Round as a person would on paper: half away from zero, on the decimal shown.

    Binary floats make ``round(8.345, 2)`` give 8.34; this rounds the shortest
    decimal representation instead, as the published tables do. Arrays are rounded in
    floating point where no tie is near (the same result) and in decimal near a tie.

    >>> round_half_up(8.345), round_half_up([91.175, float("nan")]).tolist()
    (8.35, [91.18, nan])
    """
    if np.ndim(values) == 0:
        return _half_up(float(values), decimals)  # type: ignore[arg-type]
    arr = np.asarray(values, dtype=float)
    flat = arr.ravel()
    if decimals < 0 or decimals > 15:
        return np.array([_half_up(v, decimals) for v in flat]).reshape(arr.shape)
    out = _half_up_array(flat, flat * 10.0**decimals, decimals, lambda v: _half_up(float(v), decimals))
    return out.reshape(arr.shape)


def par_points(index: ArrayLike | float, max_points: float = 10.0) -> FloatArray | float:
    """PAR INDEX points: ``index × max_points / 100`` rounded half-up to 2 decimals.

    The product is taken in decimal arithmetic on the index as given (full
    precision), so 83.45 % of 10 points is 8.35, not the 8.34 binary floats give.
    Arrays are computed in floating point where no tie is near, in decimal near one.

    >>> par_points(91.17), par_points(83.45), par_points(83.454)
    (9.12, 8.35, 8.35)
    """
    if not np.isfinite(max_points) or max_points <= 0:
        raise ValueError(f"max_points: must be a positive number, got {max_points!r}")
    cap = Decimal(repr(float(max_points)))

    def one(v: float) -> float:
        if not np.isfinite(v):
            return float(v)
        exact = Decimal(repr(float(v))) * cap / 100
        return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    if np.ndim(index) == 0:
        return one(float(index))  # type: ignore[arg-type]
    arr = np.asarray(index, dtype=float)
    flat = arr.ravel()
    # index × max_points / 100 in hundredths is index × max_points
    out = _half_up_array(flat, flat * float(max_points), 2, lambda v: one(float(v)))
    return out.reshape(arr.shape)


def rank_desc(values: pd.Series, eligible: pd.Series | Iterable[bool] | None = None) -> pd.Series:
    """Competition ranks (1, 2, 2, 4) on the published 2-decimal value, best = highest.

    Values that are NaN or not ``eligible`` (e.g. small samples) get ``<NA>``.

    >>> rank_desc(pd.Series([84.001, 83.996, 85.0, 70.0]), [True, True, True, False]).tolist()
    [2, 2, 1, <NA>]
    """
    ok = values.notna()
    if eligible is not None:
        ok &= pd.Series(list(eligible), index=values.index, dtype=bool)
    shown = pd.Series(round_half_up(values.to_numpy(dtype=float)), index=values.index)
    ranks = shown[ok].rank(method="min", ascending=False)
    return ranks.reindex(values.index).astype("Int64")
