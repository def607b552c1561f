"""Label-smoothed cross-entropy straight from hidden states, without the (N, K) logits.

A language model's last layer is a linear head: the logits of position n are
``z_n = W h_n + b`` over a vocabulary of K classes. At K = 128,000 the logits of a
batch, and their gradient, are the largest arrays of the whole loss. This module
computes exactly what

    smoothed_cross_entropy(hidden @ head_weight.T + head_bias, labels, alpha, ...)

computes (see ``snippets/label_smoothing.py``, PyTorch's ``weight`` and
``ignore_index`` semantics included), and its gradient with respect to the hidden
states, the head's weight and its bias, while only one block of classes' logits
exists at a time:

* ``lse(z_n) = log sum_k exp(z_nk)`` by an online log-sum-exp over blocks of classes;
* the true-class logit by one dot product per position, ``z_ny = h_n . W_y + b_y``;
* the smoothing term by the mean-logit identity, which needs no logits at all:
  ``sum_k w_k z_nk = h_n . (W^T w) + b . w``, two dot products.

Peak extra memory is about two blocks (``_BLOCK_BYTES`` each) plus a few numbers per
position, whatever K is. Conventions and errors are those of ``snippets.label_smoothing``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import (
    FloatArray,
    IntArray,
    Reduction,
    _as_float,
    _check_alpha,
    _check_finite,
    _check_labels,
    _check_reduction,
    _check_weight,
)

# Scratch budget for one block of logits: large enough that each block's matrix
# products run at full speed (1 MiB blocks made the gradient several times slower
# at N = 4096), and still a tiny fraction of the (N, K) logits.
_BLOCK_BYTES = 2**24

# ---------------------------------------------------------------- validation


def _check_linear_head(
    hidden: npt.ArrayLike,
    head_weight: npt.ArrayLike,
    head_bias: npt.ArrayLike | None,
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Return hidden (..., d), head_weight (K, d) and head_bias (K,) in one float dtype.

    The dtype is float32 only when every input is float32; anything else becomes float64.
    """
    h, w = _as_float(hidden), _as_float(head_weight)
    b = None if head_bias is None else _as_float(head_bias)
    if h.ndim == 0:
        raise ValueError(
            "hidden must have the features on the last axis, shape (..., d), got shape ()"
        )
    d = h.shape[-1]
    if w.ndim != 2 or w.shape[0] < 2 or w.shape[1] != d:
        raise ValueError(
            f"head_weight must have shape (K, {d}) with K >= 2 classes "
            f"(d = {d} from hidden's last axis), got {w.shape}"
        )
    num_classes = w.shape[0]
    if b is not None and b.shape != (num_classes,):
        raise ValueError(
            f"head_bias must have shape ({num_classes},), one entry per class, got {b.shape}"
        )
    dtype = np.result_type(h, w, *([] if b is None else [b]))
    h, w = h.astype(dtype, copy=False), w.astype(dtype, copy=False)
    b = None if b is None else b.astype(dtype, copy=False)
    _check_finite(h, "hidden")
    _check_finite(w, "head_weight")
    if b is not None:
        _check_finite(b, "head_bias")
    return h, w, b


@dataclass(frozen=True)
class _Problem:
    """Validated inputs, flattened to rows: what the loss and its gradient both need."""

    rows: FloatArray  # (N, d): hidden with the batch axes flattened
    head_weight: FloatArray  # (K, d)
    head_bias: FloatArray | None  # (K,)
    labels: IntArray  # (N,), ignored positions replaced by 0
    counted: FloatArray  # (N,): 1 where the label counts, 0 where ignored
    label_weight: FloatArray  # (N,): w_y, and 0 where ignored
    class_weight: FloatArray  # (K,)
    alpha: float
    batch_shape: tuple[int, ...]

    @property
    def num_classes(self) -> int:
        return len(self.head_weight)


def _problem(
    hidden: npt.ArrayLike,
    head_weight: npt.ArrayLike,
    labels: npt.ArrayLike,
    alpha: float,
    head_bias: npt.ArrayLike | None,
    reduction: str,
    ignore_index: int | None,
    weight: npt.ArrayLike | None,
) -> _Problem:
    alpha = _check_alpha(alpha)
    h, w, b = _check_linear_head(hidden, head_weight, head_bias)
    batch_shape = h.shape[:-1]
    labels, keep = _check_labels(labels, batch_shape, len(w), ignore_index)
    class_weight = _check_weight(weight, len(w), h.dtype)
    _check_reduction(reduction)
    counted = keep.reshape(-1).astype(h.dtype)
    labels = labels.reshape(-1)
    return _Problem(
        rows=h.reshape(-1, h.shape[-1]),
        head_weight=w,
        head_bias=b,
        labels=labels,
        counted=counted,
        label_weight=counted * class_weight[labels],
        class_weight=class_weight,
        alpha=alpha,
        batch_shape=batch_shape,
    )


# ------------------------------------------------------- logits, in blocks


def _logit_blocks(problem: _Problem) -> Iterator[tuple[int, FloatArray]]:
    """Yield ``(start, z)``: the logits of a block of classes starting at ``start``, all rows.

    Each block is a fresh (N, width) array the caller may overwrite; width is chosen
    so a block takes about ``_BLOCK_BYTES``. Raises if a logit overflows.
    """
    rows, w, b = problem.rows, problem.head_weight, problem.head_bias
    width = max(1, _BLOCK_BYTES // (max(1, len(rows)) * rows.itemsize))
    for start in range(0, len(w), width):
        with np.errstate(over="ignore"):  # an overflow is reported just below
            z = rows @ w[start : start + width].T
            if b is not None:
                z += b[start : start + width]
        if not np.isfinite(z).all():
            row, col = (int(i) for i in np.argwhere(~np.isfinite(z))[0])
            index = tuple(int(i) for i in np.unravel_index(row, problem.batch_shape))
            raise ValueError(
                "logits hidden @ head_weight.T + head_bias must be finite, "
                f"got {z[row, col]} at index {index + (start + col,)}"
            )
        yield start, z


# --8<-- [start:online_logsumexp]
def _logsumexp_over_classes(problem: _Problem) -> FloatArray:
    """``log sum_k exp(z_nk)`` for every row, visiting the classes a block at a time.

    Per row it keeps the largest logit seen so far and the sum of ``exp(z - that
    maximum)``. When a block raises the maximum, the sum so far is rescaled by
    ``exp(old_max - new_max)``, so no exponential ever overflows.
    """
    running_max = np.full(len(problem.rows), -np.inf, dtype=problem.rows.dtype)
    running_sum = np.zeros_like(running_max)
    for _, z in _logit_blocks(problem):
        new_max = np.maximum(running_max, z.max(axis=1, initial=-np.inf))
        running_sum *= np.exp(running_max - new_max)  # exp(-inf) = 0 on the first block
        z -= new_max[:, None]
        running_sum += np.exp(z, out=z).sum(axis=1)
        running_max = new_max
    return running_max + np.log(running_sum)
# --8<-- [end:online_logsumexp]


# --8<-- [start:weighted_logit_sum]
def weighted_logit_sum(
    hidden: npt.ArrayLike,
    head_weight: npt.ArrayLike,
    head_bias: npt.ArrayLike | None = None,
    *,
    weight: npt.ArrayLike | None = None,
) -> FloatArray:
    """``sum_k w_k z_k`` for the logits ``z = hidden @ head_weight.T + head_bias``, without z.

    The sum is linear in z, and z is linear in the hidden state, so the order of the
    two sums can be swapped: ``sum_k w_k (W_k . h + b_k) = h . (W^T w) + b . w``.
    Without ``weight`` (all ones) this is K times the mean logit,
    ``mean_k z_k = h . mean_k W_k + mean_k b_k``.

    Parameters
    ----------
    hidden : array_like, shape (..., d)
    head_weight : array_like, shape (K, d)
    head_bias : array_like, shape (K,), optional
    weight : array_like, shape (K,), optional
        Non-negative class weights; all ones when omitted.

    Returns
    -------
    ndarray, shape (...)
        One number per position, computed with two dot products in O(d) memory.
    """
    h, w, b = _check_linear_head(hidden, head_weight, head_bias)
    return _weighted_logit_sum(h, w, b, _check_weight(weight, len(w), h.dtype))


def _weighted_logit_sum(
    hidden: FloatArray,
    head_weight: FloatArray,
    head_bias: FloatArray | None,
    class_weight: FloatArray,
) -> FloatArray:
    # W^T w first: a vector of d numbers, so nothing of size N x K is ever formed.
    total = hidden @ (head_weight.T @ class_weight)
    return total if head_bias is None else total + head_bias @ class_weight
# --8<-- [end:weighted_logit_sum]


# --------------------------------------------------------------------- loss


def _reduce(loss: FloatArray, problem: _Problem, reduction: Reduction) -> FloatArray:
    """Apply PyTorch's reduction: "mean" divides by the sum of w_y over counted positions."""
    if reduction == "none":
        return loss.reshape(problem.batch_shape)
    if reduction == "sum":
        return loss.sum()
    total_weight = problem.label_weight.sum()
    return loss.sum() / total_weight if total_weight > 0 else loss.dtype.type(np.nan)


# --8<-- [start:smoothed_linear_cross_entropy]
def smoothed_linear_cross_entropy(
    hidden: npt.ArrayLike,
    head_weight: npt.ArrayLike,
    labels: npt.ArrayLike,
    alpha: float = 0.0,
    *,
    head_bias: npt.ArrayLike | None = None,
    reduction: Reduction = "mean",
    ignore_index: int | None = None,
    weight: npt.ArrayLike | None = None,
) -> FloatArray:
    """Label-smoothed cross-entropy of the logits ``hidden @ head_weight.T + head_bias``.

    Equals ``smoothed_cross_entropy(hidden @ head_weight.T + head_bias, labels, alpha, ...)``
    but never builds the (N, K) logits. Per position, with ``lse`` the log-sum-exp
    of the logits and ``w`` the class weights (all ones by default)::

        loss = (1 - alpha) w_y (lse - z_y) + (alpha / K) (sum_k w_k lse - sum_k w_k z_k)

    where only ``lse`` needs the logits (a block of classes at a time), and
    ``z_y`` and ``sum_k w_k z_k`` are dot products with the hidden state.

    Parameters
    ----------
    hidden : array_like, shape (..., d)
        Finite hidden states, one per position.
    head_weight : array_like, shape (K, d)
        The output layer's weight, one row per class; K >= 2.
    labels : array_like of int, shape (...)
        Class indices in [0, K), or ``ignore_index``.
    alpha : float, default 0.0
        Smoothing factor in [0, 1]; 0 gives ordinary cross-entropy.
    head_bias : array_like, shape (K,), optional
        The output layer's bias.
    reduction, ignore_index, weight
        As for :func:`snippets.label_smoothing.smoothed_cross_entropy`.

    Returns
    -------
    ndarray
        Shape (...) for "none", a 0-d value otherwise; float32 only if every input is.
    """
    p = _problem(
        hidden, head_weight, labels, alpha, head_bias, reduction, ignore_index, weight
    )
    lse = _logsumexp_over_classes(p)
    true_logit = np.einsum("nd,nd->n", p.rows, p.head_weight[p.labels])  # h . W_y
    if p.head_bias is not None:
        true_logit += p.head_bias[p.labels]
    weighted_sum = _weighted_logit_sum(
        p.rows, p.head_weight, p.head_bias, p.class_weight
    )
    hard = lse - true_logit
    uniform = p.class_weight.sum() * lse - weighted_sum  # sum_k w_k (lse - z_k)
    smooth = p.alpha / p.num_classes
    loss = (1 - p.alpha) * p.label_weight * hard + smooth * p.counted * uniform
    return _reduce(loss, p, reduction)
# --8<-- [end:smoothed_linear_cross_entropy]


# --8<-- [start:smoothed_linear_cross_entropy_grad]
def smoothed_linear_cross_entropy_grad(
    hidden: npt.ArrayLike,
    head_weight: npt.ArrayLike,
    labels: npt.ArrayLike,
    alpha: float = 0.0,
    *,
    head_bias: npt.ArrayLike | None = None,
    reduction: Reduction = "mean",
    ignore_index: int | None = None,
    weight: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Gradient of :func:`smoothed_linear_cross_entropy` for hidden, head_weight and head_bias.

    The gradient with respect to a block of logits is the one of
    :func:`snippets.label_smoothing.smoothed_cross_entropy_grad`, a scaled softmax
    minus the smoothed target; the chain rule through ``z = h W^T + b`` turns each
    block into its share of ``d_hidden`` and its rows of ``d_head_weight``. Two passes
    over the classes: the first finds every row's log-sum-exp, the second the gradient.

    Parameters
    ----------
    hidden, head_weight, labels, alpha, head_bias, reduction, ignore_index, weight
        As for :func:`smoothed_linear_cross_entropy`. For "none" the result is the
        gradient of the sum of the losses.

    Returns
    -------
    d_hidden : ndarray, shape (..., d)
    d_head_weight : ndarray, shape (K, d)
    d_head_bias : ndarray, shape (K,), or None when there is no bias
    """
    p = _problem(
        hidden, head_weight, labels, alpha, head_bias, reduction, ignore_index, weight
    )
    scale = np.ones_like(p.counted)  # d(reduced loss) / d(loss of each position)
    if reduction == "mean":
        total_weight = p.label_weight.sum()
        # As in PyTorch: ignored positions keep a zero gradient even when the mean is NaN.
        scale = np.where(
            p.counted > 0, 1 / total_weight if total_weight > 0 else np.nan, 0
        )
        scale = scale.astype(p.rows.dtype)
    smooth = scale * p.counted * (p.alpha / p.num_classes)  # alpha/K, 0 where ignored
    true = scale * (1 - p.alpha) * p.label_weight  # (1 - alpha) w_y, 0 where ignored
    # d loss / d z_k = (true + smooth * sum_c w_c) p_k - true [k = y] - smooth * w_k
    softmax_scale = true + smooth * p.class_weight.sum()

    lse = _logsumexp_over_classes(p)
    d_rows = np.zeros_like(p.rows)
    d_weight = np.empty_like(p.head_weight)
    d_bias = None if p.head_bias is None else np.empty_like(p.head_bias)
    for start, z in _logit_blocks(p):
        stop = start + z.shape[1]
        z -= lse[:, None]
        grad_z = np.exp(z, out=z)  # softmax of this block of classes
        grad_z *= softmax_scale[:, None]
        grad_z -= np.outer(smooth, p.class_weight[start:stop])
        here = (p.labels >= start) & (p.labels < stop)
        grad_z[here, p.labels[here] - start] -= true[here]
        # Chain rule through z = h W^T + b, for this block's classes.
        d_rows += grad_z @ p.head_weight[start:stop]
        d_weight[start:stop] = grad_z.T @ p.rows
        if d_bias is not None:
            d_bias[start:stop] = grad_z.sum(axis=0)
    return d_rows.reshape(p.batch_shape + p.rows.shape[-1:]), d_weight, d_bias
# --8<-- [end:smoothed_linear_cross_entropy_grad]
