"""The same label-smoothed loss in PyTorch, for the page's "PyTorch" tab.

PyTorch is not a dependency of the site: install it with
``pip install -r requirements-torch.txt``. Note PyTorch puts the classes on
dimension 1 for inputs of shape (N, C, d1, ...), while the NumPy code uses the last axis.

At vocabulary scale, :func:`smoothed_linear_cross_entropy` takes the hidden states and
the output layer instead of the logits and never holds the (N, K) logits, forward or
backward; :func:`smoothing_on_a_hard_label_kernel` adds smoothing to any fused
hard-label kernel (``F.linear_cross_entropy``'s chunked path, Liger-Kernel, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import torch
import torch.nn.functional as F

Reduction = Literal["none", "mean", "sum"]


# --8<-- [start:torch_loss]
def torch_loss(
    logits: torch.Tensor, labels: torch.Tensor, alpha: float = 0.1
) -> torch.Tensor:
    """Mean label-smoothed cross-entropy, PyTorch's built-in way (PyTorch >= 1.10).

    ``logits`` has shape (N, C) or (N, C, d1, ...); ``labels`` holds class indices.
    """
    return F.cross_entropy(logits, labels, label_smoothing=alpha)
# --8<-- [end:torch_loss]


# --8<-- [start:torch_manual_loss]
def torch_manual_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    alpha: float = 0.1,
    *,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
) -> torch.Tensor:
    """The same loss written out: (1 - alpha) * NLL + alpha * mean_k(-log p_k).

    ``logits`` has shape (N, C) or (N, C, d1, ...), classes on dim 1 as in PyTorch.
    Positions labelled ``ignore_index`` count for nothing; with class ``weight`` the
    true-class term is scaled by w_y, the uniform term becomes
    (alpha / C) * sum_c w_c (-log p_c), and the mean divides by the sum of w_y.
    """
    num_classes = logits.shape[1]
    if weight is None:
        weight = logits.new_ones(num_classes)
    log_p = F.log_softmax(logits, dim=1)
    counted = labels != ignore_index
    safe_labels = labels.where(counted, 0)  # any index: these positions are masked
    nll = -log_p.gather(1, safe_labels.unsqueeze(1)).squeeze(1)  # -log p_y
    class_axis = (-1,) + (1,) * (logits.dim() - 2)  # weight broadcast along dim 1
    uniform = -(log_p * weight.view(class_axis)).sum(dim=1) / num_classes
    label_weight = weight[safe_labels] * counted  # w_y, and 0 where ignored
    loss = (1 - alpha) * label_weight * nll + alpha * uniform * counted
    return loss.sum() / label_weight.sum()
# --8<-- [end:torch_manual_loss]


# --8<-- [start:torch_soft_targets]
def torch_soft_targets_loss(
    logits: torch.Tensor, targets: torch.Tensor, alpha: float = 0.1
) -> torch.Tensor:
    """Label smoothing applied to probability targets of shape (N, C).

    PyTorch smooths them too: the target becomes ``targets * (1 - alpha) + alpha / C``.
    """
    return F.cross_entropy(logits, targets, label_smoothing=alpha)
# --8<-- [end:torch_soft_targets]


# ----------------------------------------------------------- vocabulary scale

# Logits per chunk of rows, in bytes: large enough that each chunk's update of the
# (K, d) weight gradient is amortized over many rows, small enough to stay a small
# fraction of the (N, K) logits. Tuned with benchmarks/linear_cross_entropy.py.
_CHUNK_BYTES = 2**28


def _check_linear_inputs(
    hidden: torch.Tensor,
    head_weight: torch.Tensor,
    labels: torch.Tensor,
    alpha: float,
    head_bias: torch.Tensor | None,
    weight: torch.Tensor | None,
    ignore_index: int,
    reduction: str,
    chunk_size: int | None,
) -> None:
    """Raise ``ValueError`` naming the argument, with the NumPy library's messages."""
    if not 0.0 <= alpha <= 1.0:  # written this way round so NaN fails too
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    if hidden.dim() == 0:
        raise ValueError(
            "hidden must have the features on the last axis, shape (..., d), got shape ()"
        )
    d = hidden.shape[-1]
    if head_weight.dim() != 2 or head_weight.shape[0] < 2 or head_weight.shape[1] != d:
        raise ValueError(
            f"head_weight must have shape (K, {d}) with K >= 2 classes "
            f"(d = {d} from hidden's last axis), got {tuple(head_weight.shape)}"
        )
    num_classes = head_weight.shape[0]
    if head_bias is not None and head_bias.shape != (num_classes,):
        raise ValueError(
            f"head_bias must have shape ({num_classes},), one entry per class, "
            f"got {tuple(head_bias.shape)}"
        )
    if labels.dtype.is_floating_point or labels.dtype.is_complex:
        raise ValueError(
            f"labels must be integer class indices, got dtype {labels.dtype}"
        )
    if labels.shape != hidden.shape[:-1]:
        raise ValueError(
            f"labels must have shape {tuple(hidden.shape[:-1])} (hidden's shape without "
            f"the feature axis), got {tuple(labels.shape)}"
        )
    outside = (labels != ignore_index) & ((labels < 0) | (labels >= num_classes))
    if outside.any():
        raise ValueError(
            f"labels must lie in [0, {num_classes}) or equal ignore_index={ignore_index}, "
            f"got {labels[outside][0].item()}"
        )
    if weight is not None:
        if weight.shape != (num_classes,):
            raise ValueError(
                f"weight must have shape ({num_classes},), one entry per class, "
                f"got {tuple(weight.shape)}"
            )
        if (weight < 0).any():
            raise ValueError(
                f"weight must be non-negative, got {weight[weight < 0][0].item()}"
            )
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(
            f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}"
        )
    if chunk_size is not None and (int(chunk_size) != chunk_size or chunk_size < 1):
        raise ValueError(
            f"chunk_size must be a positive integer or None, got {chunk_size}"
        )


# --8<-- [start:chunked_loss_and_grads]
def _chunked_loss_and_grads(
    hidden: torch.Tensor,
    head_weight: torch.Tensor,
    head_bias: torch.Tensor | None,
    labels: torch.Tensor,
    counted: torch.Tensor,
    class_weight: torch.Tensor,
    alpha: float,
    chunk_rows: int,
    row_scale: torch.Tensor | None,
) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None, torch.Tensor | None]:
    """Per-position smoothed losses and, given ``row_scale``, the gradients of their
    ``row_scale``-weighted sum for hidden (N, d), head_weight (K, d) and head_bias (K,).

    One (chunk_rows, K) block of logits exists at a time, overwritten in place by
    its softmax and then by its gradient. The smoothing term's share of the gradient,
    -(alpha/K) w_k for every position, is the gradient of two dot products and is
    added once, outside the loop, as rank-one updates.
    """
    num_classes = head_weight.shape[0]
    label_weight = class_weight[labels] * counted  # w_y, and 0 where ignored
    total_weight = class_weight.sum()
    # The mean-logit identity: sum_k w_k z_k = h . (W^T w) + b . w, no logits needed.
    weighted_dir = head_weight.T @ class_weight
    weighted_sum = hidden @ weighted_dir
    if head_bias is not None:
        weighted_sum += head_bias @ class_weight
    lse = torch.empty_like(weighted_sum)
    true_logit = torch.empty_like(weighted_sum)
    grads = row_scale is not None
    if grads:
        true_coef = row_scale * (1 - alpha) * label_weight
        smooth_coef = row_scale * counted * (alpha / num_classes)
        softmax_coef = true_coef + smooth_coef * total_weight
        d_hidden = torch.empty_like(hidden)
        d_weight = torch.zeros_like(head_weight)
        d_bias = None if head_bias is None else torch.zeros_like(head_bias)
    for start in range(0, len(hidden), chunk_rows):
        rows = slice(start, start + chunk_rows)
        h, y = hidden[rows], labels[rows, None]
        # The only (chunk_rows, K) array: this chunk's logits, then its gradient.
        z = F.linear(h, head_weight, head_bias)
        true_logit[rows] = z.gather(1, y).squeeze(1)
        row_max = z.amax(dim=1, keepdim=True)
        z.sub_(row_max).exp_()  # in place: exp(z - max) <= 1
        sum_exp = z.sum(dim=1)
        lse[rows] = row_max.squeeze(1) + sum_exp.log()
        if grads:
            # d loss / d z = softmax_coef * softmax - true_coef * onehot(y)  (- smoothing, below)
            z.mul_((softmax_coef[rows] / sum_exp).unsqueeze(1))
            z.scatter_add_(1, y, -true_coef[rows, None])
            torch.mm(z, head_weight, out=d_hidden[rows])
            d_weight.addmm_(z.T, h)
            if d_bias is not None:
                d_bias += z.sum(dim=0)
        del z  # else the next chunk's logits are allocated while these are still held
    loss = counted * (
        (1 - alpha) * class_weight[labels] * (lse - true_logit)
        + (alpha / num_classes) * (total_weight * lse - weighted_sum)
    )
    if not grads:
        return loss, None, None, None
    # The smoothing term, -(alpha/K) sum_k w_k z_k per position, differentiated directly.
    d_hidden.addr_(smooth_coef, weighted_dir, alpha=-1)
    d_weight.addr_(class_weight, smooth_coef @ hidden, alpha=-1)
    if d_bias is not None:
        d_bias -= class_weight * smooth_coef.sum()
    return loss, d_hidden, d_weight, d_bias
# --8<-- [end:chunked_loss_and_grads]


class _SmoothedLinearCrossEntropy(torch.autograd.Function):
    """Forward and backward of :func:`smoothed_linear_cross_entropy` on (N, d) rows.

    For "mean" and "sum" the gradients are computed during the forward pass, while each
    chunk's logits are at hand, and backward only scales them (as Liger-Kernel does):
    three matrix products in all, like the dense computation. For "none" the upstream
    gradient differs per position, so backward runs the chunks again.
    """

    @staticmethod
    def forward(
        ctx,
        hidden,
        head_weight,
        head_bias,
        labels,
        class_weight,
        alpha,
        ignore_index,
        reduction,
        chunk_rows,
    ):
        # float16/bfloat16 inputs are computed in float32 (CPUs emulate half matmuls).
        acc = (
            torch.float32
            if hidden.dtype in (torch.float16, torch.bfloat16)
            else hidden.dtype
        )
        h, w = hidden.to(acc), head_weight.to(acc)
        b = None if head_bias is None else head_bias.to(acc)
        class_weight = class_weight.to(acc)
        counted = labels != ignore_index
        y = labels.where(counted, 0)  # any valid index; these positions are masked
        counted = counted.to(acc)
        ctx.options = (
            alpha,
            chunk_rows,
            reduction,
            hidden.dtype,
            head_weight.dtype,
            None if head_bias is None else head_bias.dtype,
        )
        total_weight = (class_weight[y] * counted).sum()
        if reduction == "none":
            loss, *_ = _chunked_loss_and_grads(
                h, w, b, y, counted, class_weight, alpha, chunk_rows, None
            )
            ctx.save_for_backward(h, w, b, y, counted, class_weight)
            return loss
        needs_grad = any(ctx.needs_input_grad[:3])
        scale = (
            1 / total_weight if reduction == "mean" else torch.ones_like(total_weight)
        )
        if reduction == "mean" and total_weight == 0:
            scale = torch.full_like(total_weight, float("nan"))  # as PyTorch: NaN mean
        row_scale = torch.where(counted > 0, scale, 0) if needs_grad else None
        loss, *grads = _chunked_loss_and_grads(
            h, w, b, y, counted, class_weight, alpha, chunk_rows, row_scale
        )
        ctx.save_for_backward(*(g for g in grads if g is not None))
        return loss.sum() * scale

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_output):
        alpha, chunk_rows, reduction, *dtypes = ctx.options
        if reduction == "none":
            h, w, b, y, counted, class_weight = ctx.saved_tensors
            row_scale = grad_output.to(h.dtype) * counted
            _, *grads = _chunked_loss_and_grads(
                h, w, b, y, counted, class_weight, alpha, chunk_rows, row_scale
            )
        else:
            saved = iter(ctx.saved_tensors)
            grads = [next(saved) if dtype is not None else None for dtype in dtypes]
            if grad_output != 1:  # loss.backward() passes 1: no (K, d) copy then
                grads = [None if g is None else g * grad_output for g in grads]
        grads = [None if g is None else g.to(dtype) for g, dtype in zip(grads, dtypes)]
        return (*grads, None, None, None, None, None, None)


# --8<-- [start:smoothed_linear_cross_entropy]
def smoothed_linear_cross_entropy(
    hidden: torch.Tensor,
    head_weight: torch.Tensor,
    labels: torch.Tensor,
    alpha: float = 0.0,
    *,
    head_bias: torch.Tensor | None = None,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
    chunk_size: int | None = None,
) -> torch.Tensor:
    """``F.cross_entropy(hidden @ head_weight.T + head_bias, labels, label_smoothing=alpha,
    weight=weight, ignore_index=ignore_index, reduction=reduction)`` without the logits.

    The (N, K) logits and their gradient never exist: the rows are processed
    ``chunk_size`` at a time, and the smoothing term uses the mean-logit identity
    ``sum_k w_k z_k = h . (W^T w) + b . w``. float16 and bfloat16 inputs are computed in
    float32; the loss is returned in float32 then, the gradients in the inputs' dtypes.

    Parameters
    ----------
    hidden : Tensor, shape (..., d)
        Hidden states, one per position (the input of the output layer).
    head_weight : Tensor, shape (K, d)
        The output layer's weight, as in ``torch.nn.Linear(d, K).weight``.
    labels : Tensor of int, shape (...)
        Class indices in [0, K), or ``ignore_index``.
    alpha : float, default 0.0
        Smoothing factor in [0, 1], PyTorch's ``label_smoothing``.
    head_bias : Tensor, shape (K,), optional
    weight : Tensor, shape (K,), optional
        Non-negative class weights, with ``F.cross_entropy``'s semantics.
    ignore_index : int, default -100
    reduction : {"mean", "sum", "none"}, default "mean"
    chunk_size : int, optional
        Rows per chunk; by default as many as fit about 256 MiB of float32 logits.

    Returns
    -------
    Tensor
        Shape (...) for "none", a scalar otherwise.

    On top of a fused hard-label kernel
    -----------------------------------
    With class weights ``w`` (ones by default), ``W_tot = sum_k w_k`` and the
    hard cross-entropy ``l_n = lse_n - z_ny``, the smoothed sum is::

        sum_n w'_y l_n + (alpha/K) sum_n (W_tot z_ny - h_n . (W^T w) - b . w),
        w'_c = (1 - alpha) w_c + alpha W_tot / K

    so any kernel that computes ``sum_n w'_y l_n`` from the hidden states can smooth:
    the rest is two dot products per position. See :func:`smoothing_on_a_hard_label_kernel`.
    """
    _check_linear_inputs(
        hidden,
        head_weight,
        labels,
        alpha,
        head_bias,
        weight,
        ignore_index,
        reduction,
        chunk_size,
    )
    num_classes = head_weight.shape[0]
    if chunk_size is None:
        chunk_size = max(1, _CHUNK_BYTES // (4 * num_classes))
    class_weight = hidden.new_ones(num_classes) if weight is None else weight
    loss = _SmoothedLinearCrossEntropy.apply(
        hidden.reshape(-1, hidden.shape[-1]),
        head_weight,
        head_bias,
        labels.reshape(-1),
        class_weight,
        float(alpha),
        ignore_index,
        reduction,
        int(chunk_size),
    )
    return loss.reshape(labels.shape) if reduction == "none" else loss
# --8<-- [end:smoothed_linear_cross_entropy]


# --8<-- [start:smoothing_on_a_hard_label_kernel]
def smoothing_on_a_hard_label_kernel(
    hard_loss: Callable[[torch.Tensor, str], torch.Tensor],
    hidden: torch.Tensor,
    head_weight: torch.Tensor,
    labels: torch.Tensor,
    alpha: float,
    *,
    head_bias: torch.Tensor | None = None,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
) -> torch.Tensor:
    """Label smoothing for any fused hard-label linear cross-entropy kernel.

    ``hard_loss(class_weight, reduction)`` must return the kernel's hard-label loss of
    ``hidden`` and ``labels`` with class weights ``class_weight`` and reduction "sum"
    or "none", ignoring ``ignore_index``: for example ``F.linear_cross_entropy(...,
    weight=class_weight, reduction=reduction, options=LinearCrossEntropyOptions())``.
    The result equals ``F.cross_entropy`` with ``label_smoothing=alpha``; autograd
    differentiates the extra term, whose gradient is small (N x d and K x d).
    """
    num_classes = head_weight.shape[0]
    w = hidden.new_ones(num_classes) if weight is None else weight
    counted = labels != ignore_index
    y = labels.where(counted, 0)
    total_weight = w.sum()
    hard = hard_loss(
        (1 - alpha) * w + alpha * total_weight / num_classes,
        "none" if reduction == "none" else "sum",
    )
    true_logit = (hidden * head_weight[y]).sum(-1)  # z_y = h . W_y + b_y
    weighted_sum = hidden @ (head_weight.T @ w)  # sum_k w_k z_k = h . W^T w + b . w
    if head_bias is not None:
        true_logit = true_logit + head_bias[y]
        weighted_sum = weighted_sum + head_bias @ w
    # counted comes last: a Python float times a bool tensor would round to float32.
    extra = (alpha / num_classes) * (total_weight * true_logit - weighted_sum) * counted
    if reduction == "none":
        return hard + extra
    total = hard + extra.sum()
    return total / (w[y] * counted).sum() if reduction == "mean" else total
# --8<-- [end:smoothing_on_a_hard_label_kernel]


# --8<-- [start:smoothed_torch_linear_cross_entropy]
def smoothed_torch_linear_cross_entropy(
    hidden: torch.Tensor,
    head_weight: torch.Tensor,
    labels: torch.Tensor,
    alpha: float,
    *,
    head_bias: torch.Tensor | None = None,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
) -> torch.Tensor:
    """PyTorch's own chunked ``F.linear_cross_entropy`` (PyTorch >= 2.13), with smoothing.

    ``F.linear_cross_entropy`` leaves its chunked path when ``label_smoothing > 0``;
    here the chunked path computes the weighted hard loss and the smoothing is added
    on top. ``hidden`` has shape (N, d) or (d,), as ``F.linear_cross_entropy`` requires.
    """
    options = torch.nn.LinearCrossEntropyOptions()  # opt in to the chunked path

    def hard_loss(class_weight: torch.Tensor, hard_reduction: str) -> torch.Tensor:
        return F.linear_cross_entropy(
            hidden,
            head_weight,
            labels,
            linear_bias=head_bias,
            weight=class_weight,
            ignore_index=ignore_index,
            reduction=hard_reduction,
            options=options,
        )

    return smoothing_on_a_hard_label_kernel(
        hard_loss,
        hidden,
        head_weight,
        labels,
        alpha,
        head_bias=head_bias,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
    )
# --8<-- [end:smoothed_torch_linear_cross_entropy]
