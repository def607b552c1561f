"""The PyTorch linear-head loss against F.cross_entropy on full logits, and autograd.

PyTorch is optional (requirements-torch.txt); without it this whole module skips.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch",
    reason="PyTorch not installed: parity tests skipped (pip install -r requirements-torch.txt)",
)
F = torch.nn.functional
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402

from snippets.torch_label_smoothing import (  # noqa: E402
    smoothed_linear_cross_entropy,
    smoothed_torch_linear_cross_entropy,
    torch_manual_loss,
)

pytestmark = pytest.mark.torch
REDUCTIONS = ["none", "mean", "sum"]


def problem(seed, batch_shape, k, d, *, scale=1.0, bias=True, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    hidden = (
        torch.randn(*batch_shape, d, generator=g, dtype=torch.float64) * scale
    ).to(dtype)
    head_weight = (torch.randn(k, d, generator=g, dtype=torch.float64) / d**0.5).to(
        dtype
    )
    head_bias = (
        torch.randn(k, generator=g, dtype=torch.float64).to(dtype) if bias else None
    )
    labels = torch.randint(0, k, batch_shape, generator=g)
    return hidden, head_weight, head_bias, labels


def dense(
    hidden, head_weight, labels, alpha, *, head_bias=None, reduction="mean", **options
):
    """F.cross_entropy on the full logits; classes moved to dim 1 for batch shapes."""
    logits = F.linear(hidden, head_weight, head_bias)
    if logits.dim() > 2:
        logits = logits.movedim(-1, 1)
    return F.cross_entropy(
        logits, labels, label_smoothing=alpha, reduction=reduction, **options
    )


def loss_and_grads(loss_fn, inputs, upstream):
    params = [
        x.detach().clone().requires_grad_() if x is not None else None for x in inputs
    ]
    loss = loss_fn(*params)
    wanted = [p for p in params if p is not None]
    grads = torch.autograd.grad(loss, wanted, upstream(loss))
    return loss.detach(), grads


def upstream(loss):
    """A random upstream gradient, so "none" is checked row by row."""
    g = torch.Generator().manual_seed(99)
    return torch.randn(loss.shape, generator=g, dtype=torch.float64).to(loss.dtype)


def normwise_error(got, expected):
    """Largest absolute error relative to the largest entry (NaN where both are NaN)."""
    if torch.isnan(expected).all() and torch.isnan(got).all():
        return 0.0
    assert torch.equal(torch.isnan(got), torch.isnan(expected))
    keep = ~torch.isnan(expected)
    scale = expected[keep].abs().max().clamp(min=1e-300) if keep.any() else 1.0
    return float(((got - expected)[keep].abs().max() / scale)) if keep.any() else 0.0


def assert_parity(
    hidden, head_weight, head_bias, labels, alpha, *, rtol, chunk_size=None, **options
):
    """Loss and gradients against F.cross_entropy on the full logits, in float64.

    float64 inputs must agree to ``rtol``. float32 inputs are compared with the float64
    computation on the same numbers: the error must stay within ``rtol`` (relative to the
    largest entry) or within the error of PyTorch's own float32 computation, whichever is
    larger (summing 256k float32 terms can cost PyTorch more than 1e-5).
    """
    inputs = (hidden, head_weight, head_bias)

    def dense_fn(h, w, b):
        return dense(h, w, labels, alpha, head_bias=b, **options)

    def ours(h, w, b):
        return smoothed_linear_cross_entropy(
            h, w, labels, alpha, head_bias=b, chunk_size=chunk_size, **options
        )

    got = loss_and_grads(ours, inputs, upstream)
    as64 = tuple(None if x is None else x.double() for x in inputs)
    options64 = {
        k: (v.double() if isinstance(v, torch.Tensor) else v)
        for k, v in options.items()
    }
    expected = loss_and_grads(
        lambda h, w, b: dense(h, w, labels, alpha, head_bias=b, **options64),
        as64,
        upstream,
    )
    baseline = (
        loss_and_grads(dense_fn, inputs, upstream)
        if hidden.dtype != torch.float64
        else None
    )
    assert got[0].shape == expected[0].shape and got[0].dtype == hidden.dtype
    pairs = [(got[0], expected[0])] + list(zip(got[1], expected[1]))
    for i, (a, e) in enumerate(pairs):
        assert a.shape == e.shape
        error = normwise_error(a.double(), e)
        allowed = rtol
        if baseline is not None:
            b = baseline[0] if i == 0 else baseline[1][i - 1]
            allowed = max(rtol, normwise_error(b.double(), e))
        assert (
            error <= allowed
        ), f"output {i}: error {error:.3g} > allowed {allowed:.3g}"


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.6, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("chunk_size", [1, 5, None])
def test_float64_parity_with_f_cross_entropy(
    reduction, alpha, weighted, bias, chunk_size
):
    hidden, w, b, labels = problem(1, (17,), 40, 6, bias=bias)
    labels[[3, 9]] = -100
    weight = torch.linspace(0.2, 3.0, 40, dtype=torch.float64) if weighted else None
    assert_parity(
        hidden,
        w,
        b,
        labels,
        alpha,
        rtol=1e-10,
        chunk_size=chunk_size,
        reduction=reduction,
        weight=weight,
        ignore_index=-100,
    )


@pytest.mark.parametrize("seed", range(20))
def test_float32_parity_on_random_problems(seed):
    rng = np.random.default_rng(seed)
    n, k, d = (
        int(rng.integers(1, 64)),
        int(rng.integers(2, 5000)),
        int(rng.integers(1, 64)),
    )
    hidden, w, b, labels = problem(
        seed,
        (n,),
        k,
        d,
        scale=float(rng.choice([1, 4])),
        bias=rng.random() < 0.5,
        dtype=torch.float32,
    )
    ignore_index = int(rng.choice([-100, 0])) if rng.random() < 0.5 else -100
    labels[torch.from_numpy(rng.random(n) < 0.2)] = ignore_index
    weight = (
        torch.from_numpy(rng.uniform(0.1, 2, size=k)).float()
        if rng.random() < 0.5
        else None
    )
    assert_parity(
        hidden,
        w,
        b,
        labels,
        float(rng.uniform(0, 1)),
        rtol=1e-5,
        chunk_size=int(rng.integers(1, n + 1)),
        reduction=str(rng.choice(REDUCTIONS)),
        weight=weight,
        ignore_index=ignore_index,
    )


@pytest.mark.parametrize("batch_shape", [(), (2, 3), (2, 1, 4)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_batch_shapes(batch_shape, reduction):
    hidden, w, b, labels = problem(2, batch_shape, 9, 4)
    if labels.numel() > 1:
        labels.view(-1)[1] = -100
    assert_parity(
        hidden,
        w,
        b,
        labels,
        0.3,
        rtol=1e-10,
        chunk_size=2,
        reduction=reduction,
        weight=torch.arange(1.0, 10.0, dtype=torch.float64),
    )


@pytest.mark.parametrize("k", [65_537, 262_144])
def test_vocabulary_sizes_up_to_256k(k):
    hidden, w, b, labels = problem(3, (6,), k, 4)
    labels[0] = k - 1
    assert_parity(hidden, w, b, labels, 0.1, rtol=1e-10, chunk_size=4)
    assert_parity(hidden.float(), w.float(), b.float(), labels, 0.1, rtol=1e-5)


@pytest.mark.parametrize("scale", [1e2, 1e4])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_extreme_logits_from_large_norm_hidden_states(scale, dtype):
    hidden, w, b, labels = problem(4, (12,), 300, 8, scale=scale, dtype=dtype)
    rtol = 1e-10 if dtype == torch.float64 else 1e-5
    assert_parity(hidden, w, b, labels, 0.1, rtol=rtol, chunk_size=5, reduction="sum")
    assert torch.isfinite(
        smoothed_linear_cross_entropy(hidden, w, labels, 0.1, reduction="none")
    ).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(reduction):
    hidden, w, b, labels = problem(5, (5,), 7, 3)
    labels[1] = -100
    weight = torch.linspace(0.5, 2, 7, dtype=torch.float64)
    params = [x.requires_grad_() for x in (hidden, w, b)]
    assert torch.autograd.gradcheck(
        lambda h, w, b: smoothed_linear_cross_entropy(
            h,
            w,
            labels,
            0.2,
            head_bias=b,
            weight=weight,
            reduction=reduction,
            chunk_size=2,
        ),
        params,
    )


def test_only_some_inputs_need_gradients():
    hidden, w, b, labels = problem(6, (8,), 11, 3)
    w.requires_grad_()
    smoothed_linear_cross_entropy(hidden, w, labels, 0.1, head_bias=b).backward()
    expected = w.detach().clone().requires_grad_()
    dense(hidden, expected, labels, 0.1, head_bias=b).backward()
    torch.testing.assert_close(w.grad, expected.grad, rtol=1e-10, atol=1e-12)
    with torch.no_grad():
        torch.testing.assert_close(
            smoothed_linear_cross_entropy(hidden, w, labels, 0.1, head_bias=b),
            dense(hidden, w, labels, 0.1, head_bias=b),
            rtol=1e-10,
            atol=0,
        )


def test_everything_ignored_and_zero_total_weight_match_pytorch():
    hidden, w, b, _ = problem(7, (4,), 3, 2)
    ignored = torch.full((4,), -100)
    assert_parity(hidden, w, b, ignored, 0.1, rtol=1e-10)  # NaN mean, zero gradients
    zero_weight = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64)
    assert_parity(
        hidden,
        w,
        b,
        torch.zeros(4, dtype=torch.long),
        0.1,
        rtol=1e-10,
        weight=zero_weight,
    )


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_inputs_are_computed_in_float32(dtype):
    hidden, w, b, labels = problem(8, (32,), 20_000, 16, scale=3.0, dtype=dtype)
    params = [x.requires_grad_() for x in (hidden, w, b)]
    loss = smoothed_linear_cross_entropy(*params[:2], labels, 0.1, head_bias=params[2])
    assert loss.dtype == torch.float32 and torch.isfinite(loss)
    loss.backward()
    assert all(p.grad.dtype == dtype for p in params)
    # The reference: the same half-precision numbers, computed in float32 throughout.
    upcast = [p.detach().float().requires_grad_() for p in params]
    expected = dense(upcast[0], upcast[1], labels, 0.1, head_bias=upcast[2])
    expected.backward()
    torch.testing.assert_close(loss, expected, rtol=1e-5, atol=0)
    for p, q in zip(params, upcast):
        torch.testing.assert_close(
            p.grad, q.grad.to(dtype)
        )  # equal up to the final rounding
    # F.cross_entropy on the half-precision logits overflows (see test_float16_overflow.py).
    if dtype == torch.float16:
        assert torch.isinf(
            dense(
                *[p.detach() for p in params[:2]],
                labels,
                0.1,
                head_bias=params[2].detach(),
            )
        )


# ------------------------------------------------------------------ memory


class LargestTensor(TorchDispatchMode):
    """Records the element count of the largest tensor any operation produces."""

    def __init__(self):
        super().__init__()
        self.largest = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, (tuple, list)) else [out]:
            if isinstance(t, torch.Tensor):
                self.largest = max(self.largest, t.numel())
        return out


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_no_operation_produces_n_by_k_logits_forward_or_backward(reduction):
    n, k, d = 256, 50_000, 8
    hidden, w, b, labels = problem(9, (n,), k, d, dtype=torch.float32)
    params = [x.requires_grad_() for x in (hidden, w, b)]
    with LargestTensor() as mode:
        loss = smoothed_linear_cross_entropy(
            params[0],
            params[1],
            labels,
            0.1,
            head_bias=params[2],
            reduction=reduction,
            chunk_size=16,
        )
        loss.sum().backward()
    assert mode.largest <= max(
        16 * k, k * d
    )  # one chunk of logits, or the weight's gradient
    with LargestTensor() as mode:  # the check sees the dense computation's logits
        dense(params[0], params[1], labels, 0.1, head_bias=params[2]).backward()
    assert mode.largest >= n * k


# ------------------------------------------- on top of a hard-label kernel


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_smoothing_on_pytorchs_chunked_hard_label_kernel(reduction, weighted):
    hidden, w, b, labels = problem(10, (33,), 500, 8)
    labels[[0, 4]] = -100
    weight = torch.linspace(0.5, 2, 500, dtype=torch.float64) if weighted else None

    def upstream(loss):
        return torch.randn(
            loss.shape, generator=torch.Generator().manual_seed(1), dtype=loss.dtype
        )

    expected, expected_grads = loss_and_grads(
        lambda h, w_, b_: dense(
            h, w_, labels, 0.1, head_bias=b_, weight=weight, reduction=reduction
        ),
        (hidden, w, b),
        upstream,
    )
    got, got_grads = loss_and_grads(
        lambda h, w_, b_: smoothed_torch_linear_cross_entropy(
            h, w_, labels, 0.1, head_bias=b_, weight=weight, reduction=reduction
        ),
        (hidden, w, b),
        upstream,
    )
    torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-10)
    for a, c in zip(got_grads, expected_grads):
        torch.testing.assert_close(a, c, rtol=1e-10, atol=1e-12)


def test_pytorchs_linear_cross_entropy_drops_its_chunked_path_for_smoothing():
    """With label_smoothing > 0, options are ignored with a warning: full logits again."""
    n, k, d = 256, 50_000, 8
    hidden, w, b, labels = problem(11, (n,), k, d, dtype=torch.float32)
    options = torch.nn.LinearCrossEntropyOptions()
    with LargestTensor() as hard:
        F.linear_cross_entropy(hidden, w, labels, linear_bias=b, options=options)
    with (
        pytest.warns(UserWarning, match="options`` ignored; chunked path needs"),
        LargestTensor() as smoothed,
    ):
        loss = F.linear_cross_entropy(
            hidden, w, labels, linear_bias=b, label_smoothing=0.1, options=options
        )
    assert hard.largest < n * k <= smoothed.largest
    torch.testing.assert_close(loss, dense(hidden, w, labels, 0.1, head_bias=b))
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error"
        )  # the default options=None is the reference path, silently
        with LargestTensor() as default:
            F.linear_cross_entropy(
                hidden, w, labels, linear_bias=b, label_smoothing=0.1
            )
    assert default.largest >= n * k


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (dict(alpha=1.5), r"alpha must lie in \[0, 1\], got 1.5"),
        (dict(alpha=-0.1), r"alpha must lie in \[0, 1\], got -0.1"),
        (
            dict(hidden=torch.tensor(1.0)),
            r"hidden must have the features on the last axis",
        ),
        (
            dict(head_weight=torch.ones(5, 4)),
            r"head_weight must have shape \(K, 3\) with K >= 2 classes \(d = 3 from hidden's last axis\), got \(5, 4\)",
        ),
        (
            dict(head_bias=torch.ones(4)),
            r"head_bias must have shape \(5,\), one entry per class, got \(4,\)",
        ),
        (
            dict(labels=torch.tensor([0, 1, 2])),
            r"labels must have shape \(4,\) .* got \(3,\)",
        ),
        (
            dict(labels=torch.tensor([0, 1, 2, 5])),
            r"labels must lie in \[0, 5\) or equal ignore_index=-100, got 5",
        ),
        (
            dict(labels=torch.tensor([0.0, 1, 2, 3])),
            r"labels must be integer class indices, got dtype torch.float32",
        ),
        (
            dict(weight=torch.ones(4)),
            r"weight must have shape \(5,\), one entry per class, got \(4,\)",
        ),
        (
            dict(weight=torch.tensor([1, 1, -2.0, 1, 1])),
            r"weight must be non-negative, got -2.0",
        ),
        (
            dict(reduction="avg"),
            r"reduction must be 'none', 'mean' or 'sum', got 'avg'",
        ),
        (dict(chunk_size=0), r"chunk_size must be a positive integer or None, got 0"),
    ],
)
def test_bad_input_names_the_argument_and_value(options, message):
    hidden, w, _, labels = problem(12, (4,), 5, 3, dtype=torch.float32)
    args = dict(hidden=hidden, head_weight=w, labels=labels, alpha=0.1)
    args.update(options)
    kwargs = {
        k: args.pop(k)
        for k in ("head_bias", "weight", "reduction", "chunk_size")
        if k in args
    }
    with pytest.raises(ValueError, match=message):
        smoothed_linear_cross_entropy(
            args["hidden"], args["head_weight"], args["labels"], args["alpha"], **kwargs
        )


# ------------------------------------------------------- torch_manual_loss


@pytest.mark.parametrize("shape", [(9, 6), (3, 6, 4), (2, 6, 3, 2)])
@pytest.mark.parametrize("alpha", [0.0, 0.1, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_manual_loss_matches_f_cross_entropy(shape, alpha, weighted):
    g = torch.Generator().manual_seed(13)
    logits = torch.randn(*shape, generator=g, dtype=torch.float64, requires_grad=True)
    labels = torch.randint(0, shape[1], (shape[0],) + shape[2:], generator=g)
    labels.view(-1)[[0, 2]] = -100  # the padding label
    weight = (
        torch.rand(shape[1], generator=g, dtype=torch.float64) + 0.1
        if weighted
        else None
    )
    got = torch_manual_loss(logits, labels, alpha, weight=weight)
    expected = F.cross_entropy(logits, labels, weight=weight, label_smoothing=alpha)
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)
    (got_grad,) = torch.autograd.grad(got, logits)
    (expected_grad,) = torch.autograd.grad(expected, logits)
    torch.testing.assert_close(got_grad, expected_grad, rtol=1e-12, atol=1e-12)


def test_manual_loss_takes_another_ignore_index():
    g = torch.Generator().manual_seed(14)
    logits = torch.randn(8, 5, generator=g, dtype=torch.float64)
    labels = torch.randint(0, 5, (8,), generator=g)
    got = torch_manual_loss(logits, labels, 0.2, ignore_index=int(labels[0]))
    expected = F.cross_entropy(
        logits, labels, label_smoothing=0.2, ignore_index=int(labels[0])
    )
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)
