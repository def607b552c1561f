"""Gradient descent on one example's logits, reduced to the one number that matters: the gap.

Train a free logit vector ``z`` of K classes on one example with true class ``t`` and target
``y_s = (1 - alpha) * onehot(t) + alpha / K``. The gradient is ``softmax(z) - y_s``, and every
wrong class has the same target, so wrong logits that start equal get equal gradients and stay
equal. The state is then the gap ``g = z_t - z_j`` (the mean logit never moves: the gradient
sums to 0), and one step of size ``lr`` changes it by

    g  <-  g + lr * (K * p_wrong(g) - alpha),    p_wrong(g) = 1 / (exp(g) + K - 1),

the difference of the true-class and wrong-class gradients. With alpha > 0 the gap settles
where ``K * p_wrong = alpha``, the closed form ``g* = log(1 + K (1 - alpha) / alpha)``; with hard
targets (alpha = 0) the step stays positive forever and ``exp(g)`` grows like ``K * lr * step``,
so the gap gains about log 10 = 2.3 for every tenfold more steps.

For ``lr <= 2`` the update is a non-decreasing map of ``g`` (its slope is at least ``1 - lr / 2``),
so the smoothed gap climbs to g* without overshooting it.

:func:`gap_probabilities` turns a gap back into what the model predicts: the softmax probability
of the true class and of each other class.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import FloatArray, _check_alpha, _check_num_classes


# --8<-- [start:gap_loss]
def gap_loss(num_classes: int, alpha: float, gap: npt.ArrayLike) -> FloatArray:
    """Smoothed cross-entropy of logits whose true class leads every other class by ``gap``.

    With ``r = alpha (K - 1) / K`` the target mass on the wrong classes, the loss is
    ``softplus(log(K - 1) - g) + r g``: 0 is approached but never reached with hard targets,
    and the minimum ``H(y_s)`` is reached at ``g*`` with smoothing.

    Parameters
    ----------
    num_classes : int
        K, at least 2.
    alpha : float
        Smoothing factor in [0, 1].
    gap : array_like
        Finite gaps ``z_true - z_other`` in nats.

    Returns
    -------
    ndarray of float64, the shape of ``gap``
        The loss in nats.
    """
    num_classes = _check_num_classes(num_classes)
    alpha = _check_alpha(alpha)
    g = np.asarray(gap, dtype=np.float64)
    if not np.isfinite(g).all():
        raise ValueError(f"gap must be finite, got {g[~np.isfinite(g)].flat[0]}")
    wrong_mass = alpha * (num_classes - 1) / num_classes
    return np.logaddexp(0.0, math.log(num_classes - 1) - g) + wrong_mass * g
# --8<-- [end:gap_loss]


def gap_probabilities(num_classes: int, gap: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Softmax of logits whose true class leads every other class by ``gap``.

    ``p_true = 1 / (1 + (K - 1) exp(-g))`` and each wrong class gets ``exp(-g) p_true``, written
    with the softplus of :func:`gap_loss` so that neither overflows nor loses the tail near 1.

    Parameters
    ----------
    num_classes : int
        K, at least 2.
    gap : array_like
        Finite gaps ``z_true - z_other`` in nats.

    Returns
    -------
    (ndarray, ndarray) of float64, each the shape of ``gap``
        The probability of the true class and that of each of the K - 1 other classes.
    """
    num_classes = _check_num_classes(num_classes)
    g = np.asarray(gap, dtype=np.float64)
    if not np.isfinite(g).all():
        raise ValueError(f"gap must be finite, got {g[~np.isfinite(g)].flat[0]}")
    log_p_true = -np.logaddexp(0.0, math.log(num_classes - 1) - g)
    return np.exp(log_p_true), np.exp(log_p_true - g)


# --8<-- [start:gap_trajectory]
def gap_trajectory(
    num_classes: int, alpha: float, steps: int, lr: float = 1.0
) -> FloatArray:
    """Logit gap after 0, 1, ..., ``steps`` steps of gradient descent from all-zero logits.

    Exactly what plain gradient descent with :func:`smoothed_cross_entropy_grad` does to
    ``z_t - z_j`` on one example, at the cost of one scalar update per step instead of K.

    Parameters
    ----------
    num_classes : int
        K, at least 2.
    alpha : float
        Smoothing factor in [0, 1]; 0 gives hard targets.
    steps : int
        Number of steps, at least 0.
    lr : float, default 1.0
        Learning rate, finite and positive.

    Returns
    -------
    ndarray of float64, shape (steps + 1,)
        The gap before the first step (0) and after each step.
    """
    num_classes = _check_num_classes(num_classes)
    alpha = _check_alpha(alpha)
    if isinstance(steps, bool) or int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be finite and positive, got {lr}")
    gaps = np.empty(int(steps) + 1)
    g = 0.0
    gaps[0] = g
    for n in range(1, int(steps) + 1):
        # K * p_wrong = K / (exp(g) + K - 1): exactly 1 at g = 0, so alpha = 1 stays put.
        # math.exp raises beyond 709; from 700 on the term is below any double's rounding.
        g += lr * (num_classes / (math.exp(min(g, 700.0)) + num_classes - 1) - alpha)
        gaps[n] = g
    return gaps
# --8<-- [end:gap_trajectory]
