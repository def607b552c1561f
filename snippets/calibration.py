"""Calibration in NumPy: reliability diagrams, ECE, the Brier score, and temperature scaling.

Follows Guo et al. 2017, "On Calibration of Modern Neural Networks": equal-width
bins on the top-label confidence, ECE as in their Eq. 3, and one temperature
T > 0 fitted by minimizing the negative log-likelihood on held-out data (the one
root of its slope, found by SciPy's brentq). Binned ECE depends on the bins and is
a biased estimate on a small test set (Kumar, Liang & Ma 2019), so the Brier score
(Brier 1950), which needs no bins, is given beside it.
Classes lie on the last axis; any leading batch shape is allowed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.optimize

from snippets.label_smoothing import (
    FloatArray,
    IntArray,
    _check_finite,
    _check_labels,
    _check_logits,
    _check_probabilities,
    _softmax,
)


class ReliabilityDiagram(NamedTuple):
    """Per-bin statistics of top-label confidence, one entry per bin.

    Attributes
    ----------
    edges : ndarray, shape (n_bins + 1,)
        Bin edges on [0, 1]; bin m holds confidences in (edges[m], edges[m + 1]].
    confidence : ndarray, shape (n_bins,)
        Mean top-label probability in each bin (NaN for an empty bin).
    accuracy : ndarray, shape (n_bins,)
        Fraction of the bin's examples whose top label is correct (NaN if empty).
    count : ndarray of int, shape (n_bins,)
        Number of examples in each bin.
    """

    edges: FloatArray
    confidence: FloatArray
    accuracy: FloatArray
    count: IntArray


def _check_n_bins(n_bins: int) -> int:
    """Return ``n_bins`` as an int, or raise if it is not an integer >= 1."""
    if int(n_bins) != n_bins or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1, got {n_bins}")
    return int(n_bins)


# --8<-- [start:reliability_diagram]
def reliability_diagram(
    probs: npt.ArrayLike, labels: npt.ArrayLike, n_bins: int = 15
) -> ReliabilityDiagram:
    """Bin examples by top-label confidence; report each bin's confidence and accuracy.

    Parameters
    ----------
    probs : array_like, shape (..., K)
        Predicted probabilities; each row sums to 1.
    labels : array_like of int, shape (...)
        True class indices in [0, K).
    n_bins : int, default 15
        Number of equal-width bins on [0, 1].

    Returns
    -------
    ReliabilityDiagram
        ``edges``, and per bin the mean ``confidence``, the ``accuracy`` and the ``count``.
        A perfectly calibrated model has accuracy equal to confidence in every bin.
    """
    p = _check_logits(probs, "probs")
    _check_probabilities(p, "probs")
    labels, _ = _check_labels(labels, p.shape[:-1], p.shape[-1])
    n_bins = _check_n_bins(n_bins)
    if labels.size == 0:
        raise ValueError(f"probs must hold at least one example, got shape {p.shape}")

    confidence = p.max(axis=-1).ravel()
    correct = (p.argmax(axis=-1) == labels).ravel()
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # searchsorted(side="left") - 1 puts c in bin m when edges[m] < c <= edges[m + 1].
    # c >= 1/K > 0, so no bin is below 0; a c of 1 + tiny (rounding) joins the top bin.
    bins = np.minimum(np.searchsorted(edges, confidence, side="left") - 1, n_bins - 1)
    count = np.bincount(bins, minlength=n_bins)
    with np.errstate(invalid="ignore"):  # an empty bin's 0 / 0 becomes NaN
        mean_confidence = (
            np.bincount(bins, weights=confidence, minlength=n_bins) / count
        )
        accuracy = np.bincount(bins, weights=correct, minlength=n_bins) / count
    return ReliabilityDiagram(edges, mean_confidence, accuracy, count)
# --8<-- [end:reliability_diagram]


# --8<-- [start:expected_calibration_error]
def expected_calibration_error(
    probs: npt.ArrayLike, labels: npt.ArrayLike, n_bins: int = 15
) -> float:
    """Expected calibration error (Guo et al. 2017, Eq. 3).

    ``ECE = sum_m (|B_m| / n) * |acc(B_m) - conf(B_m)|`` over equal-width bins
    ``B_m`` of top-label confidence; empty bins contribute nothing.

    Parameters
    ----------
    probs : array_like, shape (..., K)
        Predicted probabilities; each row sums to 1.
    labels : array_like of int, shape (...)
        True class indices in [0, K).
    n_bins : int, default 15
        Number of bins (Guo et al. use 15).

    Returns
    -------
    float
        In [0, 1]; 0 means confidence matches accuracy in every bin.
    """
    diagram = reliability_diagram(probs, labels, n_bins)
    filled = diagram.count > 0
    gaps = np.abs(diagram.accuracy[filled] - diagram.confidence[filled])
    return float(np.sum(diagram.count[filled] / diagram.count.sum() * gaps))
# --8<-- [end:expected_calibration_error]


# --8<-- [start:brier_score]
def brier_score(probs: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """Multi-class Brier score (Brier 1950): the mean over examples of ``sum_k (p_k - [k = y])^2``.

    A proper scoring rule computed without bins: it rewards confidence that is both
    calibrated and sharp, so it falls when either improves.

    Parameters
    ----------
    probs : array_like, shape (..., K)
        Predicted probabilities; each row sums to 1.
    labels : array_like of int, shape (...)
        True class indices in [0, K).

    Returns
    -------
    float
        In [0, 2]: 0 for certain, correct predictions; 2 for certain, wrong ones.
    """
    p = _check_logits(probs, "probs")
    _check_probabilities(p, "probs")
    labels, _ = _check_labels(labels, p.shape[:-1], p.shape[-1])
    if labels.size == 0:
        raise ValueError(f"probs must hold at least one example, got shape {p.shape}")
    one_hot = labels[..., None] == np.arange(p.shape[-1])
    return float(np.mean(np.sum((p - one_hot) ** 2, axis=-1)))
# --8<-- [end:brier_score]


# --8<-- [start:fit_temperature]
def _nll_slope(beta: float, z: FloatArray, z_true: FloatArray) -> float:
    """Slope in beta = 1/T of the mean NLL of ``softmax(beta * z)``: mean(E_p[z] - z_y).

    NLL(beta) = mean(logsumexp(beta z) - beta z_y) is convex in beta (its curvature is
    mean(Var_p[z]) >= 0), so its slope rises with beta. Summing p * (z - z_y), rather
    than subtracting z_y from E_p[z], avoids cancellation when p is nearly one-hot.
    """
    p = _softmax(beta * z)
    return float(np.mean(np.sum(p * (z - z_true[..., None]), axis=-1)))


def fit_temperature(logits: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """The single temperature T > 0 that minimizes the NLL of ``softmax(logits / T)``.

    Fit it on held-out data, then divide test logits by it. Dividing by T never
    changes the arg-max, so accuracy is unchanged (Guo et al. 2017, Sec. 4.2).

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Finite held-out logits.
    labels : array_like of int, shape (...)
        Their true class indices in [0, K).

    Returns
    -------
    float
        T > 1 softens over-confident predictions; T < 1 sharpens under-confident ones.
    """
    z = _check_logits(logits).astype(np.float64)
    _check_finite(z, "logits")
    labels, _ = _check_labels(labels, z.shape[:-1], z.shape[-1])
    z_true = np.take_along_axis(z, labels[..., None], axis=-1)[..., 0]

    # The NLL is convex in beta = 1/T; its minimum is where the slope is 0. At beta = 0
    # (T = inf) the slope is mean(mean_k z - z_y); as beta -> inf (T -> 0) it tends
    # to mean(max_k z - z_y). A minimum at a T > 0 needs the first < 0, the second > 0.
    if _nll_slope(0.0, z, z_true) >= 0:
        raise ValueError(
            "logits rank the true labels no better than chance: the NLL falls as T -> inf"
        )
    if np.all(z_true == z.max(axis=-1)):
        raise ValueError(
            "logits put every true label on top: the NLL falls as T -> 0, with no minimum"
        )

    # Bracket the root: the slope is negative at beta = 0; double beta until it is not.
    low, high = 0.0, 1.0
    while _nll_slope(high, z, z_true) < 0:
        low, high = high, 2 * high
    # Brent's method (secant steps, safeguarded by bisection) shrinks the bracket until
    # it is xtol + rtol * beta wide; the default rtol is 4 ulps, and an xtol of about 0
    # leaves that relative test alone in charge, however small beta is.
    beta = scipy.optimize.brentq(_nll_slope, low, high, args=(z, z_true), xtol=1e-300)
    return 1 / beta
# --8<-- [end:fit_temperature]
