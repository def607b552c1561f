"""Label smoothing in plain NumPy: targets, loss, gradient, and the optimum they imply.

Conventions used throughout:

* classes lie on the last axis; any leading batch shape is allowed;
* float32 and float64 inputs keep their dtype (other numbers become float64);
* bad input raises ``ValueError`` naming the argument and the offending value.
  Nothing is broadcast or clipped silently.

The loss follows ``torch.nn.functional.cross_entropy(..., label_smoothing=alpha)``
exactly, including its ``weight`` and ``ignore_index`` semantics.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating]
IntArray = npt.NDArray[np.integer]
BoolArray = npt.NDArray[np.bool_]
Reduction = Literal["none", "mean", "sum"]

# Scratch budget for one chunk of rows of the loss: big enough to amortize
# NumPy's per-call overhead, small enough to stay in a core's L2 cache.
_CHUNK_BYTES = 2**20


# ---------------------------------------------------------------- validation


def _check_alpha(alpha: float) -> float:
    """Return ``alpha`` as a float, or raise if it is outside [0, 1]."""
    if not 0.0 <= alpha <= 1.0:  # written this way round so NaN fails too
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return float(alpha)


def _check_num_classes(num_classes: int) -> int:
    """Return ``num_classes`` as an int, or raise if it is not an integer >= 2."""
    if int(num_classes) != num_classes or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes}")
    return int(num_classes)


def _as_float(array: npt.ArrayLike) -> FloatArray:
    """Keep float32/float64 arrays as they are; convert anything else to float64."""
    array = np.asarray(array)
    if array.dtype in (np.float32, np.float64):
        return array
    return array.astype(np.float64)


def _first_non_finite(array: FloatArray) -> tuple[int, ...]:
    """Index of the first NaN or infinity in ``array`` (which must have one)."""
    return tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])


def _check_finite(array: FloatArray, name: str) -> None:
    """Raise if ``array`` holds a NaN or an infinity."""
    if not np.isfinite(array).all():
        index = _first_non_finite(array)
        raise ValueError(f"{name} must be finite, got {array[index]} at index {index}")


def _check_logits(logits: npt.ArrayLike, name: str = "logits") -> FloatArray:
    """Return ``logits`` as a float array with at least two classes on the last axis.

    Finiteness is checked by the caller, so the loss can do it chunk by chunk.
    """
    z = _as_float(logits)
    if z.ndim == 0 or z.shape[-1] < 2:
        raise ValueError(
            f"{name} must have at least 2 classes on the last axis, got shape {z.shape}"
        )
    return z


def _check_labels(
    labels: npt.ArrayLike,
    batch_shape: tuple[int, ...],
    num_classes: int,
    ignore_index: int | None = None,
) -> tuple[IntArray, BoolArray]:
    """Validate integer class indices against ``batch_shape`` and ``num_classes``.

    Returns
    -------
    labels : ndarray of int
        The labels, with ignored positions replaced by 0 so they can index safely.
    keep : ndarray of bool
        False where the label equals ``ignore_index``.
    """
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must be integer class indices, got dtype {labels.dtype}"
        )
    if labels.shape != batch_shape:
        raise ValueError(
            f"labels must have shape {batch_shape} (the logits' shape without the class axis), "
            f"got {labels.shape}"
        )
    keep = (
        np.ones(labels.shape, dtype=bool)
        if ignore_index is None
        else labels != ignore_index
    )
    outside = keep & ((labels < 0) | (labels >= num_classes))
    if outside.any():
        allowed = f"[0, {num_classes})"
        if ignore_index is not None:
            allowed += f" or equal ignore_index={ignore_index}"
        raise ValueError(f"labels must lie in {allowed}, got {labels[outside][0]}")
    return np.where(keep, labels, 0), keep


def _check_probabilities(probs: FloatArray, name: str) -> None:
    """Raise unless every row of ``probs`` is finite, non-negative and sums to 1.

    The sum may miss 1 by sqrt(machine epsilon): about 3e-4 in float32, 1.5e-8 in float64.
    """
    _check_finite(probs, name)
    if (probs < 0).any():
        raise ValueError(f"{name} must be non-negative, got {probs[probs < 0][0]}")
    sums = probs.sum(axis=-1)
    off = np.abs(sums - 1) > np.sqrt(np.finfo(probs.dtype).eps)
    if off.any():
        raise ValueError(
            f"{name} must sum to 1 over the last axis, got a row summing to {sums[off][0]}"
        )


def _check_weight(
    weight: npt.ArrayLike | None, num_classes: int, dtype: np.dtype
) -> FloatArray:
    """Return per-class weights of length ``num_classes`` (all ones when ``weight`` is None)."""
    if weight is None:
        return np.ones(num_classes, dtype=dtype)
    w = np.asarray(weight, dtype=dtype)
    if w.shape != (num_classes,):
        raise ValueError(
            f"weight must have shape ({num_classes},), one entry per class, got {w.shape}"
        )
    _check_finite(w, "weight")
    if (w < 0).any():
        raise ValueError(f"weight must be non-negative, got {w[w < 0][0]}")
    return w


def _check_reduction(reduction: str) -> None:
    """Raise unless ``reduction`` is one of PyTorch's three."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(
            f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}"
        )


# ------------------------------------------------------------------ softmax


# --8<-- [start:softmax]
def softmax(logits: npt.ArrayLike) -> FloatArray:
    """Softmax over the last axis, stable for logits of any magnitude.

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Finite scores; K >= 2.

    Returns
    -------
    ndarray, shape (..., K)
        Probabilities that sum to 1 over the last axis.
    """
    z = _check_logits(logits)
    _check_finite(z, "logits")
    return _softmax(z)


def _softmax(z: FloatArray) -> FloatArray:
    # Subtracting the row maximum leaves softmax unchanged and keeps exp() <= 1.
    e = z - z.max(axis=-1, keepdims=True)
    np.exp(e, out=e)  # in place: one (..., K) array in all
    e /= e.sum(axis=-1, keepdims=True)
    return e
# --8<-- [end:softmax]


# --8<-- [start:log_softmax]
def log_softmax(logits: npt.ArrayLike) -> FloatArray:
    """Log of the softmax over the last axis, computed without overflow or log(0).

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Finite scores; K >= 2.

    Returns
    -------
    ndarray, shape (..., K)
        ``logits - logsumexp(logits)``: finite, <= 0.
    """
    z = _check_logits(logits)
    _check_finite(z, "logits")
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
# --8<-- [end:log_softmax]


# ------------------------------------------------------------------ targets


# --8<-- [start:smooth_labels]
def smooth_labels(
    labels: npt.ArrayLike,
    num_classes: int,
    alpha: float,
    *,
    dtype: npt.DTypeLike = np.float64,
) -> FloatArray:
    """Turn integer class indices into smoothed targets ``(1 - alpha) * onehot + alpha / K``.

    Parameters
    ----------
    labels : array_like of int, shape (...)
        Class indices in [0, num_classes).
    num_classes : int
        K, at least 2.
    alpha : float
        Smoothing factor in [0, 1]. 0 gives one-hot targets, 1 the uniform distribution.
    dtype : dtype, optional
        Floating dtype of the result (float64 by default).

    Returns
    -------
    ndarray, shape (..., K)
        The true class gets ``1 - alpha + alpha / K``, every other class ``alpha / K``.
    """
    num_classes = _check_num_classes(num_classes)
    alpha = _check_alpha(alpha)
    labels = np.asarray(labels)
    labels, _ = _check_labels(labels, labels.shape, num_classes)
    targets = np.full(labels.shape + (num_classes,), alpha / num_classes, dtype=dtype)
    np.put_along_axis(
        targets, labels[..., None], 1 - alpha + alpha / num_classes, axis=-1
    )
    return targets
# --8<-- [end:smooth_labels]


# --8<-- [start:smooth_targets]
def smooth_targets(targets: npt.ArrayLike, alpha: float) -> FloatArray:
    """Smooth probability (or one-hot) targets: ``(1 - alpha) * targets + alpha / K``.

    Parameters
    ----------
    targets : array_like, shape (..., K)
        Rows of non-negative numbers that sum to 1; K >= 2.
    alpha : float
        Smoothing factor in [0, 1].

    Returns
    -------
    ndarray, shape (..., K)
        Still sums to 1, and every entry is at least ``alpha / K``.
    """
    alpha = _check_alpha(alpha)
    t = _check_logits(targets, "targets")
    _check_probabilities(t, "targets")
    return (1 - alpha) * t + alpha / t.shape[-1]
# --8<-- [end:smooth_targets]


# --------------------------------------------------------------------- loss


# --8<-- [start:logsumexp_terms]
def _logsumexp_terms(
    logits: FloatArray, labels: IntArray, class_weight: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per position: ``lse - z_y`` and ``sum_c w_c (lse - z_c)``, each of shape (...).

    Works through the rows a chunk at a time in one reused scratch buffer, so
    extra memory is about ``_CHUNK_BYTES`` whatever the batch size is.
    """
    rows, labels = logits.reshape(-1, logits.shape[-1]), labels.reshape(-1)
    n, k = rows.shape
    chunk = max(1, _CHUNK_BYTES // (k * rows.itemsize))
    scratch = np.empty((min(chunk, n), k), dtype=rows.dtype)
    total_weight = class_weight.sum()
    nll = np.empty(n, dtype=rows.dtype)
    uniform = np.empty(n, dtype=rows.dtype)
    for start in range(0, n, chunk):
        z = rows[start : start + chunk]
        if not np.isfinite(z).all():
            row, col = _first_non_finite(z)
            index = np.unravel_index(start + row, logits.shape[:-1]) + (col,)
            index = tuple(int(i) for i in index)
            raise ValueError(
                f"logits must be finite, got {z[row, col]} at index {index}"
            )
        # Both terms are differences, so shifting every logit of a row by its
        # maximum changes neither, and keeps exp() from overflowing.
        s = np.subtract(z, z.max(axis=1, keepdims=True), out=scratch[: len(z)])
        s_y = s[np.arange(len(z)), labels[start : start + chunk]]
        weighted_sum = s @ class_weight
        lse = np.log(np.exp(s, out=s).sum(axis=1))
        nll[start : start + chunk] = lse - s_y
        uniform[start : start + chunk] = total_weight * lse - weighted_sum
    return nll.reshape(logits.shape[:-1]), uniform.reshape(logits.shape[:-1])
# --8<-- [end:logsumexp_terms]


# --8<-- [start:smoothed_cross_entropy]
def smoothed_cross_entropy(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    alpha: float = 0.0,
    *,
    reduction: Reduction = "mean",
    ignore_index: int | None = None,
    weight: npt.ArrayLike | None = None,
) -> FloatArray:
    """Cross-entropy against label-smoothed targets, as PyTorch computes it.

    Uses ``(1 - alpha) * (lse - z_y) + alpha * (lse - mean_k z_k)`` with
    ``lse = log(sum_k exp(z_k))``, so no (N, K) target array is ever built.

    Parameters
    ----------
    logits : array_like, shape (..., K)
        Finite scores; K >= 2.
    labels : array_like of int, shape (...)
        Class indices in [0, K), or ``ignore_index``.
    alpha : float, default 0.0
        Smoothing factor in [0, 1]; 0 gives ordinary cross-entropy.
    reduction : {"mean", "sum", "none"}, default "mean"
        "none" returns one loss per position (0 where ignored).
    ignore_index : int, optional
        Label value whose positions add nothing to the loss or to the mean's count.
    weight : array_like, shape (K,), optional
        Non-negative class weights, with PyTorch's semantics: the true-class
        term is scaled by ``w_y``, the uniform term becomes
        ``(alpha / K) * sum_c w_c (lse - z_c)``, and "mean" divides by the sum of
        ``w_y`` over the positions not ignored.

    Returns
    -------
    ndarray
        Shape (...) for "none", a 0-d value otherwise. "mean" is NaN when nothing
        counts (every label ignored, or zero total weight), as in PyTorch.
    """
    alpha = _check_alpha(alpha)
    z = _check_logits(logits)
    num_classes = z.shape[-1]
    labels, keep = _check_labels(labels, z.shape[:-1], num_classes, ignore_index)
    class_weight = _check_weight(weight, num_classes, z.dtype)
    _check_reduction(reduction)

    # Per position: lse - z_y, and sum_c w_c (lse - z_c), a chunk of rows at a time.
    nll, uniform = _logsumexp_terms(z, labels, class_weight)
    counted = keep.astype(z.dtype)  # 1 where the label counts, 0 where ignored
    label_weight = counted * class_weight[labels]  # w_y, and 0 where ignored
    loss = (1 - alpha) * label_weight * nll + (alpha / num_classes) * counted * uniform

    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    total_weight = label_weight.sum()
    return loss.sum() / total_weight if total_weight > 0 else z.dtype.type(np.nan)
# --8<-- [end:smoothed_cross_entropy]


# --8<-- [start:smoothed_cross_entropy_grad]
def smoothed_cross_entropy_grad(
    logits: npt.ArrayLike,
    labels: npt.ArrayLike,
    alpha: float = 0.0,
    *,
    reduction: Reduction = "mean",
    ignore_index: int | None = None,
    weight: npt.ArrayLike | None = None,
) -> FloatArray:
    """Gradient of :func:`smoothed_cross_entropy` with respect to the logits.

    Without weights it is ``softmax(logits) - y_s`` per position, divided by the
    number of counted positions for "mean", and 0 at ignored positions.

    Parameters
    ----------
    logits, labels, alpha, reduction, ignore_index, weight
        As for :func:`smoothed_cross_entropy`. For "none" the result is the
        gradient of the sum, i.e. each position's own gradient.

    Returns
    -------
    ndarray, shape (..., K)
        Same shape and dtype as ``logits``.
    """
    alpha = _check_alpha(alpha)
    z = _check_logits(logits)
    _check_finite(z, "logits")
    num_classes = z.shape[-1]
    labels, keep = _check_labels(labels, z.shape[:-1], num_classes, ignore_index)
    class_weight = _check_weight(weight, num_classes, z.dtype)
    _check_reduction(reduction)

    counted = keep.astype(z.dtype)[
        ..., None
    ]  # 1 where the label counts, 0 where ignored
    label_weight = counted * class_weight[labels][..., None]  # w_y, and 0 where ignored
    smooth = (alpha / num_classes) * counted  # alpha/K, and 0 where ignored
    # d/dz of (1 - a) w_y (lse - z_y) + (a/K) sum_c w_c (lse - z_c), using d lse/dz = p:
    grad = _softmax(z)
    grad *= (1 - alpha) * label_weight + smooth * class_weight.sum()
    grad -= smooth * class_weight
    true_class = np.take_along_axis(grad, labels[..., None], axis=-1)
    np.put_along_axis(
        grad, labels[..., None], true_class - (1 - alpha) * label_weight, axis=-1
    )

    if reduction == "mean":
        total_weight = label_weight.sum()
        # As in PyTorch: ignored positions keep a zero gradient even when the mean is NaN.
        scale = 1 / total_weight if total_weight > 0 else np.nan
        grad *= np.where(counted, scale, 0).astype(z.dtype)
    return grad
# --8<-- [end:smoothed_cross_entropy_grad]


# ------------------------------------------------------------- the optimum


# --8<-- [start:optimal_logit_gap]
def optimal_logit_gap(num_classes: int, alpha: float) -> float:
    """Gap ``z_y - z_j`` between the true and each wrong logit at the loss minimum.

    The minimum has ``softmax(z) = y_s``, so the gap is
    ``log((1 - alpha + alpha/K) / (alpha/K)) = log(1 + K (1 - alpha) / alpha)``.
    Without smoothing (alpha = 0) there is no minimum: the gap grows forever.

    Parameters
    ----------
    num_classes : int
        K, at least 2.
    alpha : float
        Smoothing factor in [0, 1].

    Returns
    -------
    float
        The gap in nats; ``inf`` at alpha = 0 and 0 at alpha = 1.
    """
    num_classes = _check_num_classes(num_classes)
    alpha = _check_alpha(alpha)
    if alpha == 0:
        return math.inf
    return math.log1p(num_classes * (1 - alpha) / alpha)
# --8<-- [end:optimal_logit_gap]


# --8<-- [start:loss_floor]
def loss_floor(num_classes: int, alpha: float) -> float:
    """Smallest attainable smoothed loss: the entropy ``H(y_s)`` of the target.

    Cross-entropy ``H(y_s, p) = H(y_s) + KL(y_s || p)`` and KL >= 0, with equality
    only at ``p = y_s``.

    Parameters
    ----------
    num_classes : int
        K, at least 2.
    alpha : float
        Smoothing factor in [0, 1].

    Returns
    -------
    float
        ``H(y_s)`` in nats: 0 at alpha = 0, ``log K`` at alpha = 1.
    """
    num_classes = _check_num_classes(num_classes)
    alpha = _check_alpha(alpha)
    true_p = 1 - alpha + alpha / num_classes
    other_p = alpha / num_classes
    # 0 * log 0 counts as 0: at alpha = 0 the wrong classes contribute nothing.
    other_terms = (
        (num_classes - 1) * other_p * math.log(other_p) if other_p > 0 else 0.0
    )
    return -(true_p * math.log(true_p) + other_terms)
# --8<-- [end:loss_floor]
