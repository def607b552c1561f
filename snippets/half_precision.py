"""Why label smoothing overflows on float16 logits, and at which vocabulary size.

PyTorch computes the smoothing term of ``F.cross_entropy(logits, labels,
label_smoothing=alpha)`` as ``-log_softmax(logits).sum(class_dim)`` in the logits'
dtype, and for "mean" and "sum" it sums that over the batch, again in the logits'
dtype (``cross_entropy_loss_label_smoothing`` in ATen's LossNLL.cpp). Every term
``-log p_k = lse - z_k`` is positive and about ``log K`` in size, so the stored sum
grows like ``K log K`` per position and like ``N K log K`` over a batch: in float16
it passes the largest finite value, 65,504, and becomes inf. The hard-label term is
an average of N numbers of size ``log K`` and stays finite.

This module predicts the overflow in NumPy; ``tests/snippets/test_half_precision.py``
checks the predictions against PyTorch.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import (
    FloatArray,
    _check_logits,
    _check_reduction,
    log_softmax,
)

FLOAT16_MAX = float(np.finfo(np.float16).max)  # 65,504
# float16 rounds to inf from halfway to the next power-of-two step: 65,504 + 16.
_FLOAT16_ROUNDS_TO_INF = FLOAT16_MAX + 16


# --8<-- [start:smoothing_sum]
def smoothing_sum(logits: npt.ArrayLike) -> FloatArray:
    """``sum_k -log p_k`` per position: what PyTorch stores before scaling by alpha/K.

    Parameters
    ----------
    logits : array_like, shape (..., K)

    Returns
    -------
    ndarray, shape (...)
        Computed in float64, whatever the logits' dtype.
    """
    z = _check_logits(logits).astype(np.float64)
    return -log_softmax(z).sum(axis=-1)


def float16_smoothing_overflows(
    logits: npt.ArrayLike, reduction: Literal["none", "mean", "sum"] = "mean"
) -> bool:
    """Whether ``F.cross_entropy`` on these logits, in float16 with smoothing, gives inf.

    "none" stores one sum per position; "mean" and "sum" store the sum over all
    positions (the mean divides only afterwards), so they overflow N times sooner.
    """
    _check_reduction(reduction)
    per_position = smoothing_sum(np.asarray(logits, dtype=np.float16))
    stored = per_position if reduction == "none" else per_position.sum()
    return bool((stored >= _FLOAT16_ROUNDS_TO_INF).any())
# --8<-- [end:smoothing_sum]


def gaussian_logits(
    num_positions: int, num_classes: int, std: float, seed: int = 0
) -> FloatArray:
    """Logits drawn from N(0, std^2), rounded to float16: a stand-in for a model's output."""
    rng = np.random.default_rng(seed)
    # Drawn class by class, so the logits for K classes begin those for K + 1.
    draws = rng.standard_normal((num_classes, num_positions)).T
    return (draws * std).astype(np.float16)


def float16_overflow_vocabulary(
    std: float,
    num_positions: int = 1,
    reduction: Literal["none", "mean", "sum"] = "none",
    seed: int = 0,
) -> int:
    """Smallest K at which smoothing overflows on float16 logits of scale ``std``.

    Bisection over K with :func:`gaussian_logits`: for a fixed seed, adding a class
    adds a positive term to every position's sum, so once it overflows it stays so.
    """
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}")
    if int(num_positions) != num_positions or num_positions < 1:
        raise ValueError(
            f"num_positions must be a positive integer, got {num_positions}"
        )

    def overflows(k: int) -> bool:
        return float16_smoothing_overflows(
            gaussian_logits(num_positions, k, std, seed), reduction
        )

    low, high = 1, 2  # overflows(low) is False: one class gives log p = 0
    while not overflows(high):
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if overflows(middle) else (middle, high)
    return high


def float16_overflow_range(
    std: float,
    num_positions: int = 1,
    reduction: Literal["none", "mean", "sum"] = "none",
    seeds: range = range(5),
) -> tuple[int, int]:
    """Smallest and largest :func:`float16_overflow_vocabulary` over several draws of the logits.

    The threshold depends on the draw (the terms are random), so a page quotes this range
    rather than one seed's value.
    """
    if len(seeds) == 0:
        raise ValueError(f"seeds must not be empty, got {seeds!r}")
    thresholds = [float16_overflow_vocabulary(std, num_positions, reduction, seed) for seed in seeds]
    return min(thresholds), max(thresholds)
