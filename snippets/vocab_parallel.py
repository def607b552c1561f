"""Label smoothing when the vocabulary is split across tensor-parallel ranks, in NumPy.

Under tensor parallelism each of R ranks holds the logits of one slice of the vocabulary.
The hard-label loss needs two all-reduces (the row maximum and the sum of exponentials);
the smoothing term needs the mean log-probability over the *whole* vocabulary, which no
rank can see alone. This module computes the loss each rank ends up with, three ways:

* ``mode="partition"``: each rank averages over its own slice and uses its own slice size
  as K, as megatron-core 0.16.1's ``vocab_parallel_cross_entropy`` does (and Liger-Kernel
  0.8.2's ``label_smoothing_mode="partition"``): the ranks disagree;
* ``mode="global"``: one more all-reduce, of each rank's sum, gives every rank the whole
  vocabulary's mean (Liger-Kernel's default ``label_smoothing_mode="global"``): exact;
* ``mean_log_prob="exp"`` takes that sum as ``log(exp(z - max))`` in float32, as both
  libraries do: a logit far enough below the row's maximum underflows to ``log 0 = -inf``.
  ``mean_log_prob="logits"`` uses ``mean_k log p_k = mean_k z_k - lse(z)``, which is finite.

``tests/snippets/test_vocab_parallel.py`` checks the global mode against PyTorch's
``F.cross_entropy(..., label_smoothing=alpha)`` and the partition mode against a direct
formula.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import (
    FloatArray,
    _check_alpha,
    _check_finite,
    _check_labels,
    _check_logits,
)

Mode = Literal["global", "partition"]
Formula = Literal["pytorch", "megatron"]
MeanLogProb = Literal["logits", "exp"]


def float32_exp_underflow_gap(flush_subnormals: bool = False) -> float:
    """How far below the row maximum a logit can lie before ``exp`` gives 0 in float32.

    Without flushing, ``exp(-d)`` rounds to 0 once it is below half the smallest subnormal
    number, 2**-150; a device that flushes subnormals to zero loses it below the smallest
    normal number, 2**-126.
    """
    exponent = 126 if flush_subnormals else 150
    return exponent * float(np.log(2.0))


# --8<-- [start:vocab_parallel_smoothed_cross_entropy]
def vocab_parallel_smoothed_cross_entropy(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    alpha: float,
    *,
    ranks: int,
    mode: Mode = "global",
    formula: Formula = "pytorch",
    mean_log_prob: MeanLogProb = "logits",
) -> FloatArray:
    """The smoothed loss of each position as each of ``ranks`` ranks computes it.

    Parameters
    ----------
    logits : array_like, shape (N, V)
        The whole vocabulary's logits; rank r holds columns ``r*V/ranks`` to ``(r+1)*V/ranks``.
    labels : array_like of int, shape (N,)
    alpha : float in [0, 1)
    ranks : int, dividing V into slices of at least 2 classes
    mode : "global" averages log-probabilities over all V classes; "partition" over the
        rank's own slice, with the slice size as K.
    formula : "pytorch" (alpha/K on every class) or "megatron" (alpha/(K-1) on the wrong ones,
        that is alpha_eff = alpha K/(K-1)), where K is the size the mode averages over.
    mean_log_prob : "logits" computes mean log p as mean z - lse(z); "exp" as the mean of
        log(exp(z - max)) - log(sum exp(z - max)) in float32.

    Returns
    -------
    ndarray, shape (ranks, N)
        Row r is rank r's loss. In global mode the rows are equal.
    """
    z = _check_logits(logits).astype(np.float64)
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (N, V), got shape {z.shape}")
    _check_finite(z, "logits")
    y, _ = _check_labels(labels, z.shape[0:1], z.shape[1])
    if not 0.0 <= _check_alpha(alpha) < 1.0:
        raise ValueError(f"alpha must lie in [0, 1), got {alpha}")
    vocabulary = z.shape[1]
    if int(ranks) != ranks or ranks < 1 or vocabulary % ranks or vocabulary // ranks < 2:
        raise ValueError(
            f"ranks must be a positive integer dividing V = {vocabulary} into slices of at least 2, got {ranks}"
        )
    if mode not in ("global", "partition"):
        raise ValueError(f"mode must be 'global' or 'partition', got {mode!r}")
    if formula not in ("pytorch", "megatron"):
        raise ValueError(f"formula must be 'pytorch' or 'megatron', got {formula!r}")
    if mean_log_prob not in ("logits", "exp"):
        raise ValueError(f"mean_log_prob must be 'logits' or 'exp', got {mean_log_prob!r}")

    # What the two all-reduces of the hard loss give every rank.
    shifted = z - z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis=1))
    hard = lse - shifted[np.arange(len(y)), y]
    if alpha == 0:  # both libraries skip the smoothing path, and so its log
        return np.stack([hard] * ranks)

    slices = np.split(shifted, ranks, axis=1)
    if mean_log_prob == "logits":
        slice_sums = [s.sum(axis=1) - s.shape[1] * lse for s in slices]
    else:
        with np.errstate(divide="ignore"):
            slice_sums = [
                (np.log(np.exp(s.astype(np.float32))) - lse.astype(np.float32)[:, None]).sum(axis=1, dtype=np.float64)
                for s in slices
            ]
    if mode == "global":  # the extra all-reduce: every rank gets the sum over all slices
        size = vocabulary
        sums = [np.sum(slice_sums, axis=0)] * ranks
    else:
        size = vocabulary // ranks
        sums = slice_sums
    alpha_eff = alpha * size / (size - 1) if formula == "megatron" else alpha
    return np.stack([(1 - alpha_eff) * hard - alpha_eff * total / size for total in sums])
# --8<-- [end:vocab_parallel_smoothed_cross_entropy]
