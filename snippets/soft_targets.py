"""What smoothed targets mean beyond one example: the population optimum, priors, noise, stacking.

Companion to :mod:`snippets.label_smoothing`, whose conventions it shares: classes on the last
axis, float32/float64 kept, bad input raises ``ValueError`` naming the argument and the value.

* :func:`population_minimizer` and :func:`unsmooth_probabilities`: with labels drawn from
  eta(x), the expected smoothed loss is minimised by ``(1 - alpha) eta + alpha u``, and that map
  can be undone after training.
* :func:`symmetric_noise_rate`: the flip rate of symmetric label noise whose expected one-hot
  label is the smoothed target.
* :func:`effective_alpha` and :func:`alpha_from_eps`: smoothing applied twice, and the
  eps/(K - 1) convention, each written as one alpha/K smoothing.
* :func:`mixup_targets`: timm's Mixup/CutMix targets, smoothed before they are mixed.
* :func:`binary_targets`: the two conventions for sigmoid (binary and multi-label) targets.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import (
    FloatArray,
    _as_float,
    _check_alpha,
    _check_logits,
    _check_num_classes,
    _check_probabilities,
    smooth_labels,
)

BinaryConvention = Literal["half", "per_column"]


def _check_prior(prior: npt.ArrayLike | None, num_classes: int, dtype: np.dtype) -> FloatArray:
    """Return the smoothing distribution u: uniform when ``prior`` is None."""
    if prior is None:
        return np.full(num_classes, 1 / num_classes, dtype=dtype)
    u = np.asarray(prior, dtype=dtype)
    if u.shape != (num_classes,):
        raise ValueError(
            f"prior must have shape ({num_classes},), one entry per class, got {u.shape}"
        )
    _check_probabilities(u, "prior")
    return u


# --8<-- [start:population_minimizer]
def population_minimizer(
    class_probs: npt.ArrayLike, alpha: float, prior: npt.ArrayLike | None = None
) -> FloatArray:
    """The prediction that minimises the expected smoothed loss when labels are drawn from eta.

    For one input x with label distribution eta = P(y | x), the expected loss
    ``E_y[H((1 - alpha) onehot(y) + alpha u, p)]`` equals ``H((1 - alpha) eta + alpha u, p)``,
    because cross-entropy is linear in its target; it is smallest at that target.

    Parameters
    ----------
    class_probs : array_like, shape (..., K)
        eta: rows of non-negative numbers that sum to 1; K >= 2.
    alpha : float
        Smoothing factor in [0, 1].
    prior : array_like, shape (K,), optional
        The smoothing distribution u (Szegedy et al.'s u(k)); uniform 1/K when omitted.

    Returns
    -------
    ndarray, shape (..., K)
        ``(1 - alpha) * eta + alpha * u``. With the uniform u its argmax is eta's.
    """
    alpha = _check_alpha(alpha)
    eta = _check_logits(class_probs, "class_probs")
    _check_probabilities(eta, "class_probs")
    u = _check_prior(prior, eta.shape[-1], eta.dtype)
    return (1 - alpha) * eta + alpha * u
# --8<-- [end:population_minimizer]


# --8<-- [start:unsmooth_probabilities]
def unsmooth_probabilities(
    probs: npt.ArrayLike,
    alpha: float,
    prior: npt.ArrayLike | None = None,
    *,
    clip: bool = False,
) -> FloatArray:
    """Undo :func:`population_minimizer`: ``eta = (p - alpha u) / (1 - alpha)``.

    A trained model only estimates the smoothed optimum, so an entry of ``probs`` below
    ``alpha * u_k`` maps to a negative number. That is returned as it is unless ``clip``
    is set, which sets negatives to 0 and renormalises each row.

    Parameters
    ----------
    probs : array_like, shape (..., K)
        Predicted probabilities of a model trained with smoothing factor ``alpha``.
    alpha : float
        The smoothing factor used in training, in [0, 1): alpha = 1 keeps no information.
    prior : array_like, shape (K,), optional
        The smoothing distribution used in training; uniform when omitted.
    clip : bool, default False
        Clip negative entries to 0 and renormalise, so every row is a distribution.

    Returns
    -------
    ndarray, shape (..., K)
        Rows that sum to 1. The argmax is unchanged (for the uniform u, and before clipping
        in general).
    """
    alpha = _check_alpha(alpha)
    if alpha == 1:
        raise ValueError("alpha must be < 1 to undo smoothing: at alpha = 1 every target is u")
    p = _check_logits(probs, "probs")
    _check_probabilities(p, "probs")
    u = _check_prior(prior, p.shape[-1], p.dtype)
    eta = (p - alpha * u) / (1 - alpha)
    if clip:
        eta = np.maximum(eta, 0)
        eta /= eta.sum(axis=-1, keepdims=True)
    return eta
# --8<-- [end:unsmooth_probabilities]


# --8<-- [start:symmetric_noise_rate]
def symmetric_noise_rate(num_classes: int, alpha: float) -> float:
    """Flip rate r of symmetric label noise whose expected one-hot label is the smoothed target.

    Under symmetric noise a label is kept with probability 1 - r and replaced by each other
    class with probability r / (K - 1). Its expectation puts r / (K - 1) on every wrong class;
    matching alpha / K gives ``r = alpha (K - 1) / K``, and then the true class gets
    ``1 - r = 1 - alpha + alpha / K`` as well.
    """
    num_classes = _check_num_classes(num_classes)
    alpha = _check_alpha(alpha)
    return alpha * (num_classes - 1) / num_classes
# --8<-- [end:symmetric_noise_rate]


# --8<-- [start:effective_alpha]
def effective_alpha(*alphas: float) -> float:
    """One alpha/K smoothing equal to applying the given smoothings one after another.

    Smoothing is the affine map t -> (1 - a) t + a u with a fixed point u, so composing two
    keeps ``(1 - a1)(1 - a2)`` of the original target: ``1 - prod(1 - a_i)``. For 0.1 twice
    that is 0.19.
    """
    if not alphas:
        raise ValueError("effective_alpha needs at least one alpha, got none")
    kept = 1.0
    for alpha in alphas:
        kept *= 1 - _check_alpha(alpha)
    return 1 - kept
# --8<-- [end:effective_alpha]


# --8<-- [start:alpha_from_eps]
def alpha_from_eps(eps: float, num_classes: int) -> float:
    """The alpha/K factor that builds the same target as eps/(K - 1) smoothing.

    That convention gives the true class exactly 1 - eps and each wrong class eps/(K - 1)
    (tensor2tensor, fairseq, Megatron-LM, NeMo's SmoothedCrossEntropyLoss). Matching the wrong
    classes, alpha/K = eps/(K - 1), gives ``alpha = eps K / (K - 1)``.

    Parameters
    ----------
    eps : float
        In [0, (K - 1)/K], so that alpha stays in [0, 1].
    num_classes : int
        K, at least 2.
    """
    num_classes = _check_num_classes(num_classes)
    limit = (num_classes - 1) / num_classes
    if not 0.0 <= eps <= limit:  # written this way round so NaN fails too
        raise ValueError(
            f"eps must lie in [0, {limit:g}] for K = {num_classes} (above it the true class "
            f"would get less than a wrong class), got {eps}"
        )
    return min(1.0, eps * num_classes / (num_classes - 1))
# --8<-- [end:alpha_from_eps]


# --8<-- [start:mixup_targets]
def mixup_targets(
    labels: npt.ArrayLike,
    partner_labels: npt.ArrayLike,
    lam: float,
    num_classes: int,
    alpha: float,
) -> FloatArray:
    """Soft targets of Mixup/CutMix with smoothing inside, as timm's ``mixup_target`` builds them.

    Each image is mixed with a partner (timm: the batch flipped); its target is
    ``lam * y_s(label) + (1 - lam) * y_s(partner)``. Smoothing is affine, so this equals
    smoothing the mixed one-hots once: the loss must not smooth them again.

    Parameters
    ----------
    labels, partner_labels : array_like of int, shape (N,)
        Class indices of each image and of the image mixed into it.
    lam : float
        Weight of the image's own label, in [0, 1].
    num_classes : int
        K, at least 2.
    alpha : float
        Smoothing factor in [0, 1] (timm's ``label_smoothing``, default 0.1).

    Returns
    -------
    ndarray, shape (N, K)
    """
    if not 0.0 <= lam <= 1.0:
        raise ValueError(f"lam must lie in [0, 1], got {lam}")
    labels, partner_labels = np.asarray(labels), np.asarray(partner_labels)
    if labels.shape != partner_labels.shape:
        raise ValueError(
            f"partner_labels must have the shape of labels, {labels.shape}, "
            f"got {partner_labels.shape}"
        )
    own = smooth_labels(labels, num_classes, alpha)
    partner = smooth_labels(partner_labels, num_classes, alpha)
    return lam * own + (1 - lam) * partner
# --8<-- [end:mixup_targets]


# --8<-- [start:binary_targets]
def binary_targets(
    targets: npt.ArrayLike, alpha: float, convention: BinaryConvention
) -> FloatArray:
    """Smooth 0/1 (or soft) targets for sigmoid outputs, in one of the two conventions in use.

    ``"half"``: each entry moves toward 0.5, ``t (1 - alpha) + alpha / 2`` (Keras
    ``BinaryCrossentropy``). Works the same for one column or many (multi-label).

    ``"per_column"``: the last axis is read as C classes, ``t (1 - alpha) + alpha / C``
    (``optax.smooth_labels``; timm's ``BinaryCrossEntropy`` with class-index targets). With one
    column, C = 1: negatives become alpha and positives stay exactly 1.

    Parameters
    ----------
    targets : array_like, shape (..., C)
        Values in [0, 1], one column per sigmoid output.
    alpha : float
        Smoothing factor in [0, 1].
    convention : {"half", "per_column"}

    Returns
    -------
    ndarray, shape (..., C)
    """
    if convention not in ("half", "per_column"):
        raise ValueError(f"convention must be 'half' or 'per_column', got {convention!r}")
    alpha = _check_alpha(alpha)
    t = _as_float(targets)
    if t.ndim == 0:
        raise ValueError("targets must have a last axis of sigmoid outputs, got a scalar")
    if not np.isfinite(t).all() or (t < 0).any() or (t > 1).any():
        bad = t[~(np.isfinite(t) & (t >= 0) & (t <= 1))][0]
        raise ValueError(f"targets must lie in [0, 1], got {bad}")
    toward = 0.5 if convention == "half" else 1 / t.shape[-1]
    return t * (1 - alpha) + alpha * toward
# --8<-- [end:binary_targets]

