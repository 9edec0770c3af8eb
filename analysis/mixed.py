"""Logistic model with a fixed field effect and a random officer effect, fitted per item.

Why this model (method §4.1): an officer's raw share of satisfied answers mixes two
things that are not theirs to answer for — the fields they happened to serve (land
dossiers draw lower scores than certified copies) and luck (30 answers give a share
±15 points wide). A field effect takes out the first; treating the officer effects as
draws from one distribution and shrinking them toward the unit (empirical Bayes) tames
the second, the way small-area estimates and hospital league tables do.

The fit works on counts per officer × field cell, so it is fast whatever the number of
responses: Newton's method on at most (fields + officers) parameters, and a
one-dimensional search for the spread of the officer effects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, log1p

from analysis.stats import FloatArray

#: prior standard deviation of a field effect on the logit scale: so wide that it moves no
#: published figure (less than 0.001 point in the examples), only there so that a field where
#: every answer is satisfied keeps a finite effect and the fit without shrinkage is unique
FIELD_PRIOR_SD = 100.0
#: search range for the standard deviation of officer effects (logit scale)
TAU_BOUNDS = (1e-3, 5.0)


@dataclass(frozen=True)
class ItemFit:
    """The fitted model of one item.

    Attributes
    ----------
    alpha : (F,) field effects (logit scale)
    u : (O,) officer effects, posterior modes
    cov : (F+O, F+O) approximate posterior covariance of ``(alpha, u)`` (inverse Hessian)
    tau : spread of officer effects (logit sd), estimated or given
    """

    alpha: FloatArray
    u: FloatArray
    cov: FloatArray
    tau: float


def _mode(
    n: FloatArray, s: FloatArray, inv_tau2: float, start: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, float]:
    """Posterior mode of ``(alpha, u)``, the Hessian there and the log-likelihood.

    ``n``, ``s``: (O, F) answers and satisfied answers per officer × field.
    """
    o, f = n.shape
    theta = np.zeros(f + o) if start is None else start.copy()
    inv_a2 = 1.0 / FIELD_PRIOR_SD**2

    def objective(th: FloatArray) -> tuple[float, FloatArray]:
        eta = th[None, :f] + th[f:, None]
        loglik = float((s * eta - n * np.logaddexp(0.0, eta)).sum())
        return -loglik + 0.5 * inv_a2 * float(th[:f] @ th[:f]) + 0.5 * inv_tau2 * float(th[f:] @ th[f:]), eta

    value, eta = objective(theta)
    for _ in range(100):
        p = expit(eta)
        resid = s - n * p
        w = n * p * (1.0 - p)
        grad = np.concatenate([-resid.sum(axis=0) + inv_a2 * theta[:f], -resid.sum(axis=1) + inv_tau2 * theta[f:]])
        hess = np.zeros((f + o, f + o))
        hess[:f, :f] = np.diag(w.sum(axis=0) + inv_a2)
        hess[f:, f:] = np.diag(w.sum(axis=1) + inv_tau2)
        hess[:f, f:] = w.T
        hess[f:, :f] = w
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:  # step halving keeps Newton monotone on this convex objective
            new_value, new_eta = objective(theta - t * step)
            if new_value <= value + 1e-12 or t < 1e-8:
                break
            t /= 2.0
        theta, eta = theta - t * step, new_eta
        done = value - new_value < 1e-10
        value = new_value
        if done:
            break
    p = expit(eta)
    w = n * p * (1.0 - p)
    hess = np.zeros((f + o, f + o))
    hess[:f, :f] = np.diag(w.sum(axis=0) + inv_a2)
    hess[f:, f:] = np.diag(w.sum(axis=1) + inv_tau2)
    hess[:f, f:] = w.T
    hess[f:, :f] = w
    loglik = float((s * eta - n * np.logaddexp(0.0, eta)).sum())
    return theta, hess, loglik


def fit_item(n: FloatArray, s: FloatArray, tau: float | None = None) -> ItemFit:
    r"""Fit :math:`\operatorname{logit} P(y=1 \mid o, f) = \alpha_f + u_o`, :math:`u_o \sim N(0, \tau^2)`.

    Parameters
    ----------
    n, s : array (O, F)
        Valid answers and satisfied answers of officer ``o`` in field ``f``.
    tau : float, optional
        Spread of the officer effects. ``None`` (default) estimates it by maximising the
        Laplace approximation of the marginal likelihood (field effects at their joint
        mode, as ``lme4``'s fast fit does)::

            log m(τ) ≈ ℓ(α̂, û) − Σ û²/(2τ²) − O·log τ − ½ Σ_o log(Σ_f n p(1−p) + 1/τ²)

        ``numpy.inf`` gives the fixed-effects fit (no shrinkage).

    Returns
    -------
    ItemFit

    Examples
    --------
    >>> n = np.array([[10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    >>> s = np.array([[5.0, 0.0], [8.0, 5.0], [0.0, 5.0]])
    >>> fit = fit_item(n, s, tau=np.inf)
    >>> round(float(expit(fit.alpha[1] + fit.u[0])), 4)  # officer 0 in field 1: logit 0 + (0 − ln 4)
    0.2
    """
    n = np.asarray(n, dtype=float)
    s = np.asarray(s, dtype=float)
    if n.shape != s.shape or n.ndim != 2:
        raise ValueError("n, s: expected two arrays of the same shape (officers, fields)")
    if (s < 0).any() or (s > n).any():
        raise ValueError("s: satisfied answers must lie between 0 and n")
    if tau is None:
        o = n.shape[0]

        def neg_marginal(log_tau: float) -> float:
            inv_tau2 = float(np.exp(-2.0 * log_tau))
            theta, hess, loglik = _mode(n, s, inv_tau2)
            u = theta[n.shape[1] :]
            logdet = float(np.log(np.diag(hess)[n.shape[1] :]).sum())
            return -(loglik - 0.5 * inv_tau2 * float(u @ u) - o * log_tau - 0.5 * logdet)

        best = minimize_scalar(neg_marginal, bounds=tuple(np.log(TAU_BOUNDS)), method="bounded")
        tau = float(np.exp(best.x))
    if not tau > 0:
        raise ValueError(f"tau: must be positive (got {tau!r})")
    inv_tau2 = 0.0 if np.isinf(tau) else 1.0 / tau**2
    theta, hess, _ = _mode(n, s, inv_tau2)
    f = n.shape[1]
    return ItemFit(alpha=theta[:f], u=theta[f:], cov=np.linalg.inv(hess), tau=float(tau))


def standardised(fit: ItemFit, weights: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Each officer's probability of a satisfied answer over the field mix ``weights``.

    .. math:: \theta_o = \sum_f w_f\, \operatorname{expit}(\alpha_f + u_o)

    Returns ``(theta, se, prior_share)``: the standardised probability per officer, its
    standard error by the delta method over the posterior covariance of ``(alpha, u)``,
    and the share of the officer effect's posterior variance that comes from shrinkage,
    ``var(u_o | data) / τ²`` (with a normal approximation, the estimate's error is
    ``−s·u_o`` plus noise of the officer's own answers, of variances ``s·v`` and ``(1−s)·v``;
    the first part moves together across the items of one officer).
    """
    w = np.asarray(weights, dtype=float)
    f = fit.alpha.size
    p = expit(fit.alpha[None, :] + fit.u[:, None])  # (O, F)
    theta = p @ w
    dp = p * (1.0 - p) * w[None, :]  # ∂θ_o/∂α_f
    o = fit.u.size
    grad = np.zeros((o, f + o))
    grad[:, :f] = dp
    grad[np.arange(o), f + np.arange(o)] = dp.sum(axis=1)
    var = np.einsum("ij,jk,ik->i", grad, fit.cov, grad)
    share = np.zeros(o) if np.isinf(fit.tau) else np.clip(np.diag(fit.cov)[f:] / fit.tau**2, 0.0, 1.0)
    return theta, np.sqrt(np.maximum(var, 0.0)), share


def logit_interval(theta: FloatArray, se: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Interval ``expit(logit θ ± z·se/(θ(1−θ)))``: stays inside 0–1, as a share must."""
    theta = np.clip(theta, 1e-9, 1 - 1e-9)
    centre = np.log(theta) - log1p(-theta)
    half = z * se / (theta * (1.0 - theta))
    return expit(centre - half), expit(centre + half)
