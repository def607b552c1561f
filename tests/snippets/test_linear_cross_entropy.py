"""The linear-head loss against the dense computation it replaces, logits built in full.

The reference is snippets.label_smoothing (itself checked against PyTorch) applied to
``hidden @ head_weight.T + head_bias``, with the chain rule for the gradients.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from snippets import linear_cross_entropy as lce
from snippets.label_smoothing import (
    smoothed_cross_entropy,
    smoothed_cross_entropy_grad,
)
from snippets.linear_cross_entropy import (
    smoothed_linear_cross_entropy,
    smoothed_linear_cross_entropy_grad,
    weighted_logit_sum,
)

REDUCTIONS = ["none", "mean", "sum"]


@pytest.fixture(params=["default blocks", "small blocks"])
def blocks(request, monkeypatch):
    """Run a test with the default block budget and with blocks of a few classes,
    so the online log-sum-exp really goes through many blocks."""
    if request.param == "small blocks":
        monkeypatch.setattr(lce, "_BLOCK_BYTES", 512)
    return request.param


def dense_reference(hidden, head_weight, labels, alpha, *, head_bias=None, **options):
    """Loss and (d_hidden, d_head_weight, d_head_bias) with the full logits."""
    logits = hidden @ head_weight.T
    if head_bias is not None:
        logits = logits + head_bias
    loss = smoothed_cross_entropy(logits, labels, alpha, **options)
    d_logits = smoothed_cross_entropy_grad(logits, labels, alpha, **options)
    d_rows = d_logits.reshape(-1, head_weight.shape[0])
    rows = hidden.reshape(-1, hidden.shape[-1])
    d_bias = None if head_bias is None else d_rows.sum(axis=0)
    return loss, (d_logits @ head_weight, d_rows.T @ rows, d_bias)


def problem(seed, batch_shape, k, d, *, scale=1.0, bias=True, dtype=np.float64):
    rng = np.random.default_rng(seed)
    hidden = (rng.normal(scale=scale, size=batch_shape + (d,))).astype(dtype)
    head_weight = rng.normal(scale=d**-0.5, size=(k, d)).astype(dtype)
    head_bias = rng.normal(size=k).astype(dtype) if bias else None
    labels = rng.integers(0, k, size=batch_shape)
    return hidden, head_weight, head_bias, labels


def assert_matches_dense(hidden, head_weight, labels, alpha, rtol=1e-10, **options):
    expected_loss, expected_grads = dense_reference(
        hidden, head_weight, labels, alpha, **options
    )
    loss = smoothed_linear_cross_entropy(hidden, head_weight, labels, alpha, **options)
    grads = smoothed_linear_cross_entropy_grad(
        hidden, head_weight, labels, alpha, **options
    )
    assert np.shape(loss) == np.shape(expected_loss)
    assert np.asarray(loss).dtype == np.asarray(expected_loss).dtype
    # atol guards entries that are exactly 0 in one and a rounding error in the other.
    scale = max(1.0, float(np.abs(np.nan_to_num(expected_loss)).max(initial=0)))
    np.testing.assert_allclose(loss, expected_loss, rtol=rtol, atol=rtol * scale)
    for got, expected in zip(grads, expected_grads):
        if expected is None:
            assert got is None
            continue
        assert got.shape == expected.shape and got.dtype == expected.dtype
        atol = rtol * max(1e-300, float(np.abs(np.nan_to_num(expected)).max(initial=0)))
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("bias", [False, True])
def test_every_reduction_alpha_weight_and_bias(reduction, alpha, weighted, bias, blocks):
    hidden, w, b, labels = problem(3, (13,), 50, 6, bias=bias)
    labels[[2, 7]] = -100
    weight = np.random.default_rng(4).uniform(0.1, 3.0, size=50) if weighted else None
    assert_matches_dense(
        hidden,
        w,
        labels,
        alpha,
        head_bias=b,
        reduction=reduction,
        ignore_index=-100,
        weight=weight,
    )


@pytest.mark.parametrize("seed", range(40))
def test_random_problems(seed, blocks):
    """Random sizes, chunk boundaries, smoothing, weights, ignored positions, reductions."""
    rng = np.random.default_rng(1000 + seed)
    n, k, d = rng.integers(1, 40), rng.integers(2, 3000), rng.integers(1, 20)
    hidden, w, b, labels = problem(
        seed, (int(n),), int(k), int(d), bias=rng.random() < 0.7
    )
    ignore_index = (
        int(rng.choice([-100, 0, int(k) - 1])) if rng.random() < 0.6 else None
    )
    if ignore_index is not None:
        labels[rng.random(int(n)) < 0.3] = ignore_index
    weight = rng.uniform(0, 2, size=int(k)) if rng.random() < 0.5 else None
    assert_matches_dense(
        hidden,
        w,
        labels,
        float(rng.uniform(0, 1)),
        head_bias=b,
        reduction=str(rng.choice(REDUCTIONS)),
        ignore_index=ignore_index,
        weight=weight,
    )


@pytest.mark.parametrize("batch_shape", [(), (1,), (2, 3), (2, 1, 4)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_batch_shapes(batch_shape, reduction, blocks):
    hidden, w, b, labels = problem(5, batch_shape, 9, 4)
    labels = np.asarray(labels)
    if labels.size > 1:
        labels.flat[1] = -100
    assert_matches_dense(
        hidden,
        w,
        labels,
        0.2,
        head_bias=b,
        reduction=reduction,
        ignore_index=-100,
        weight=np.arange(1.0, 10.0),
    )


@pytest.mark.parametrize("k", [2, 3, 65_537, 131_072, 262_144])
def test_vocabulary_sizes_up_to_256k(k, blocks):
    hidden, w, b, labels = problem(6, (5,), k, 3)
    labels[0] = k - 1  # the last class, in the last chunk
    weight = np.random.default_rng(7).uniform(0.5, 1.5, size=k)
    assert_matches_dense(hidden, w, labels, 0.1, head_bias=b, weight=weight)


@pytest.mark.parametrize("scale", [1e2, 1e4, 1e6])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_extreme_logits_from_large_norm_hidden_states(scale, reduction, blocks):
    """Logits of size ~scale: a softmax this peaked is one-hot in float64."""
    hidden, w, b, labels = problem(8, (6,), 700, 5, scale=scale)
    assert_matches_dense(hidden, w, labels, 0.1, head_bias=b, reduction=reduction)
    loss = smoothed_linear_cross_entropy(hidden, w, labels, 0.1, reduction="none")
    assert np.isfinite(loss).all()


@pytest.mark.parametrize("scale", [1.0, 1e3])
def test_float32_stays_float32_and_agrees_with_float64(scale, blocks):
    hidden, w, b, labels = problem(9, (16,), 5000, 8, scale=scale, dtype=np.float32)
    options = dict(head_bias=b, reduction="none", weight=np.linspace(0.5, 2, 5000))
    loss32 = smoothed_linear_cross_entropy(hidden, w, labels, 0.1, **options)
    grads32 = smoothed_linear_cross_entropy_grad(hidden, w, labels, 0.1, **options)
    as64 = [np.float64(x) for x in (hidden, w, b)]
    options64 = dict(options, head_bias=as64[2])
    loss64 = smoothed_linear_cross_entropy(as64[0], as64[1], labels, 0.1, **options64)
    grads64 = smoothed_linear_cross_entropy_grad(
        as64[0], as64[1], labels, 0.1, **options64
    )
    assert loss32.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads32)
    # float32 rounding of logits of size ~scale moves the loss by ~1e-7 * scale.
    np.testing.assert_allclose(loss32, loss64, rtol=1e-5, atol=1e-6 * scale)
    # The softmax turns a logit error of ~1e-7 * scale into a relative gradient error as large.
    for g32, g64 in zip(grads32, grads64):
        atol = 1e-6 * scale * np.abs(g64).max()
        np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=atol)


def test_mixed_dtypes_compute_in_float64():
    hidden, w, b, labels = problem(10, (4,), 7, 3)
    loss = smoothed_linear_cross_entropy(hidden.astype(np.float32), w, labels, 0.1)
    assert loss.dtype == np.float64


def test_weighted_logit_sum_is_the_mean_logit_identity():
    hidden, w, b, _ = problem(11, (3, 4), 1000, 16)
    logits = hidden @ w.T + b
    np.testing.assert_allclose(
        weighted_logit_sum(hidden, w, b) / 1000, logits.mean(axis=-1), rtol=1e-12
    )
    weight = np.random.default_rng(12).uniform(0, 3, size=1000)
    np.testing.assert_allclose(
        weighted_logit_sum(hidden, w, b, weight=weight), logits @ weight, rtol=1e-12
    )
    np.testing.assert_allclose(
        weighted_logit_sum(hidden, w), (hidden @ w.T).sum(axis=-1), rtol=1e-12
    )


def test_everything_ignored_gives_nan_mean_and_zero_gradient():
    hidden, w, b, _ = problem(13, (4,), 6, 3)
    labels = np.full(4, -100)
    options = dict(head_bias=b, ignore_index=-100)
    assert np.isnan(smoothed_linear_cross_entropy(hidden, w, labels, 0.1, **options))
    assert (
        smoothed_linear_cross_entropy(
            hidden, w, labels, 0.1, reduction="sum", **options
        )
        == 0
    )
    for grad in smoothed_linear_cross_entropy_grad(hidden, w, labels, 0.1, **options):
        assert (grad == 0).all()


def test_zero_total_weight_gives_nan_like_the_dense_loss():
    hidden, w, b, _ = problem(14, (4,), 3, 2)
    labels = np.zeros(4, dtype=np.int64)
    weight = np.array([0.0, 1.0, 2.0])
    assert_matches_dense(hidden, w, labels, 0.1, head_bias=b, weight=weight)
    assert np.isnan(
        smoothed_linear_cross_entropy(hidden, w, labels, 0.1, weight=weight)
    )


# ------------------------------------------------------------------ memory


@pytest.mark.parametrize(
    "function", [smoothed_linear_cross_entropy, smoothed_linear_cross_entropy_grad]
)
def test_no_array_of_n_by_k_is_allocated(function, monkeypatch):
    """Peak traced memory follows the block budget, far below one (N, K) float64 array."""
    monkeypatch.setattr(lce, "_BLOCK_BYTES", 2**20)
    n, k, d = 128, 262_144, 4
    hidden, w, b, labels = problem(15, (n,), k, d)
    outputs = (k * d + k) * 8 if function is smoothed_linear_cross_entropy_grad else 0
    bound = (
        outputs + 4 * lce._BLOCK_BYTES + 2**20
    )  # gradients returned, blocks, per-row vectors
    assert bound < n * k * 8 / 8  # the bound is an eighth of one (N, K) array
    tracemalloc.start()
    try:
        function(hidden, w, labels, 0.1, head_bias=b, weight=np.ones(k))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < bound, f"peak {peak / 2**20:.1f} MiB, bound {bound / 2**20:.1f} MiB"


def test_the_memory_test_catches_the_dense_computation():
    n, k, d = 128, 262_144, 4
    hidden, w, b, labels = problem(15, (n,), k, d)
    tracemalloc.start()
    try:
        smoothed_cross_entropy(hidden @ w.T + b, labels, 0.1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak >= n * k * 8


# ------------------------------------------------------------------ errors


def call(hidden=None, head_weight=None, labels=None, alpha=0.1, **options):
    default_hidden, default_w, default_b, default_labels = problem(16, (4,), 5, 3)
    return smoothed_linear_cross_entropy(
        default_hidden if hidden is None else hidden,
        default_w if head_weight is None else head_weight,
        default_labels if labels is None else labels,
        alpha,
        **options,
    )


@pytest.mark.parametrize(
    "function", [smoothed_linear_cross_entropy, smoothed_linear_cross_entropy_grad]
)
def test_both_functions_validate(function):
    hidden, w, _, labels = problem(16, (4,), 5, 3)
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\], got 1.5"):
        function(hidden, w, labels, 1.5)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (dict(alpha=-0.1), r"alpha must lie in \[0, 1\], got -0.1"),
        (dict(alpha=float("nan")), r"alpha must lie in \[0, 1\], got nan"),
        (
            dict(hidden=np.float64(1.0)),
            r"hidden must have the features on the last axis, shape \(\.\.\., d\), got shape \(\)",
        ),
        (
            dict(head_weight=np.ones((5, 4))),
            r"head_weight must have shape \(K, 3\) with K >= 2 classes \(d = 3 from hidden's last axis\), got \(5, 4\)",
        ),
        (
            dict(head_weight=np.ones((1, 3)), labels=np.zeros(4, dtype=int)),
            r"head_weight must have shape \(K, 3\) .* got \(1, 3\)",
        ),
        (
            dict(head_weight=np.ones(3)),
            r"head_weight must have shape \(K, 3\) .* got \(3,\)",
        ),
        (
            dict(head_bias=np.ones(4)),
            r"head_bias must have shape \(5,\), one entry per class, got \(4,\)",
        ),
        (
            dict(labels=np.array([0, 1, 2])),
            r"labels must have shape \(4,\) .* got \(3,\)",
        ),
        (dict(labels=np.array([0, 1, 2, 5])), r"labels must lie in \[0, 5\), got 5"),
        (
            dict(labels=np.array([0, 1, 2, -100]), ignore_index=-1),
            r"labels must lie in \[0, 5\) or equal ignore_index=-1, got -100",
        ),
        (
            dict(labels=np.array([0.0, 1, 2, 3])),
            r"labels must be integer class indices, got dtype float64",
        ),
        (
            dict(weight=np.ones(4)),
            r"weight must have shape \(5,\), one entry per class, got \(4,\)",
        ),
        (
            dict(weight=np.array([1, 1, -2.0, 1, 1])),
            r"weight must be non-negative, got -2.0",
        ),
        (
            dict(reduction="avg"),
            r"reduction must be 'none', 'mean' or 'sum', got 'avg'",
        ),
        (
            dict(hidden=np.array([[0, 1, 2], [0, np.nan, 0], [0, 0, 0], [1, 1, 1.0]])),
            r"hidden must be finite, got nan at index \(1, 1\)",
        ),
        (
            dict(head_weight=np.where(np.arange(15).reshape(5, 3) == 8, np.inf, 1.0)),
            r"head_weight must be finite, got inf at index \(2, 2\)",
        ),
        (
            dict(head_bias=np.array([0, 0, 0, -np.inf, 0])),
            r"head_bias must be finite, got -inf at index \(3,\)",
        ),
    ],
)
def test_bad_input_names_the_argument_and_value(options, message):
    with pytest.raises(ValueError, match=message):
        call(**options)


def test_overflowing_logits_are_an_error_not_a_nan():
    hidden = np.full((2, 3, 2), 1e200)
    w = np.full((4, 2), 1e200)
    labels = np.zeros((2, 3), dtype=int)
    pattern = r"logits hidden @ head_weight.T \+ head_bias must be finite, got inf at index \(0, 0, 0\)"
    with pytest.raises(ValueError, match=pattern):
        smoothed_linear_cross_entropy(hidden, w, labels, 0.1)
    with pytest.raises(ValueError, match=pattern):
        smoothed_linear_cross_entropy_grad(hidden, w, labels, 0.1)
