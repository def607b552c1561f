"""Tests for snippets/label_smoothing.py: values, properties, stability, memory, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

import snippets.label_smoothing as ls
from snippets.label_smoothing import (
    log_softmax,
    loss_floor,
    optimal_logit_gap,
    smooth_labels,
    smooth_targets,
    smoothed_cross_entropy,
    smoothed_cross_entropy_grad,
    softmax,
)
from snippets.memory_cost import peak_traced_bytes

FAST = settings(max_examples=40, deadline=None)

num_classes = st.integers(min_value=2, max_value=12)
alphas = st.floats(min_value=0.0, max_value=1.0)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def reference_log_softmax(z: np.ndarray) -> np.ndarray:
    """Textbook log-softmax in float64, written independently of the library."""
    z = z.astype(np.float64)
    m = z.max(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


def reference_loss(z, labels, alpha, weight=None, ignore_index=None, reduction="mean"):
    """The naive way, with an explicit (..., K) target: -sum_c w_c y_s,c log p_c.

    With weights, PyTorch scales the true-class part by w_y and the uniform part
    by each w_c, which is exactly -sum_c w_c y_s,c log p_c. The mean divides by sum w_y.
    """
    k = z.shape[-1]
    w = np.ones(k) if weight is None else np.asarray(weight, dtype=np.float64)
    keep = (
        np.ones(labels.shape, bool) if ignore_index is None else labels != ignore_index
    )
    safe = np.where(keep, labels, 0)
    targets = np.full(labels.shape + (k,), alpha / k)
    np.put_along_axis(targets, safe[..., None], 1 - alpha + alpha / k, axis=-1)
    per = -(w * targets * reference_log_softmax(z)).sum(axis=-1) * keep
    if reduction == "none":
        return per
    if reduction == "sum":
        return per.sum()
    return per.sum() / (w[safe] * keep).sum()


def random_problem(
    rng: np.random.Generator, shape: tuple[int, ...], k: int, scale: float = 3.0
):
    z = rng.normal(scale=scale, size=shape + (k,))
    labels = rng.integers(0, k, size=shape)
    return z, labels


# ------------------------------------------------------------------ targets


def test_smooth_labels_values():
    targets = smooth_labels([2, 0], num_classes=4, alpha=0.2)
    np.testing.assert_allclose(
        targets, [[0.05, 0.05, 0.85, 0.05], [0.85, 0.05, 0.05, 0.05]]
    )
    assert targets.dtype == np.float64


def test_smooth_labels_keeps_batch_shape_and_dtype():
    labels = np.arange(6).reshape(2, 3) % 5
    targets = smooth_labels(labels, 5, 0.1, dtype=np.float32)
    assert targets.shape == (2, 3, 5)
    assert targets.dtype == np.float32
    np.testing.assert_array_equal(targets.argmax(axis=-1), labels)


def test_smooth_labels_alpha_extremes():
    np.testing.assert_array_equal(smooth_labels([1], 3, 0.0), [[0.0, 1.0, 0.0]])
    np.testing.assert_allclose(smooth_labels([1], 3, 1.0), [[1 / 3, 1 / 3, 1 / 3]])


@FAST
@given(k=num_classes, alpha=alphas, seed=seeds, n=st.integers(1, 20))
def test_smooth_labels_property(k, alpha, seed, n):
    labels = np.random.default_rng(seed).integers(0, k, size=n)
    targets = smooth_labels(labels, k, alpha)
    np.testing.assert_allclose(targets.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert (targets >= alpha / k - 1e-15).all()
    if alpha < 1:
        np.testing.assert_array_equal(targets.argmax(axis=-1), labels)


@FAST
@given(k=num_classes, alpha=alphas, seed=seeds)
def test_smooth_targets_property(k, alpha, seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(k, 0.5), size=(3, 2))
    smoothed = smooth_targets(probs, alpha)
    assert smoothed.shape == probs.shape
    np.testing.assert_allclose(smoothed.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    assert (smoothed >= alpha / k - 1e-15).all()


def test_smooth_targets_of_one_hot_equals_smooth_labels():
    labels = np.array([0, 3, 1])
    one_hot = np.eye(4)[labels]
    np.testing.assert_allclose(
        smooth_targets(one_hot, 0.3), smooth_labels(labels, 4, 0.3)
    )


def test_smooth_targets_preserves_float32():
    probs = np.full((2, 4), 0.25, dtype=np.float32)
    assert smooth_targets(probs, 0.1).dtype == np.float32


# -------------------------------------------------------------------- loss


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("shape", [(7,), (2, 3), (2, 1, 3)])
def test_loss_matches_explicit_targets(reduction, shape):
    rng = np.random.default_rng(0)
    z, labels = random_problem(rng, shape, 6)
    got = smoothed_cross_entropy(z, labels, 0.15, reduction=reduction)
    np.testing.assert_allclose(
        got, reference_loss(z, labels, 0.15, reduction=reduction), rtol=1e-12
    )
    assert np.shape(got) == (shape if reduction == "none" else ())


def test_alpha_zero_is_plain_cross_entropy():
    rng = np.random.default_rng(1)
    z, labels = random_problem(rng, (5,), 4)
    nll = -reference_log_softmax(z)[np.arange(5), labels]
    np.testing.assert_allclose(
        smoothed_cross_entropy(z, labels, reduction="none"), nll, rtol=1e-12
    )


def test_alpha_one_is_cross_entropy_with_uniform():
    rng = np.random.default_rng(2)
    z, labels = random_problem(rng, (5,), 4)
    uniform_ce = -reference_log_softmax(z).mean(axis=-1)
    got = smoothed_cross_entropy(z, labels, 1.0, reduction="none")
    np.testing.assert_allclose(got, uniform_ce, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype):
    rng = np.random.default_rng(3)
    z, labels = random_problem(rng, (4,), 5)
    z = z.astype(dtype)
    w = np.linspace(0.5, 2, 5)
    for reduction in ("none", "mean", "sum"):
        assert (
            smoothed_cross_entropy(z, labels, 0.1, reduction=reduction, weight=w).dtype
            == dtype
        )
        assert (
            smoothed_cross_entropy_grad(
                z, labels, 0.1, reduction=reduction, weight=w
            ).dtype
            == dtype
        )
    assert softmax(z).dtype == dtype
    assert log_softmax(z).dtype == dtype


def test_integer_logits_are_computed_in_float64():
    assert smoothed_cross_entropy([[1, 2, 3]], [0], 0.1).dtype == np.float64


def test_stable_for_huge_float32_logits():
    rng = np.random.default_rng(4)
    z = (rng.choice([-1.0, 1.0], size=(8, 50)) * 1e4).astype(np.float32)
    z[:, 0] = 1e4  # ties at the maximum, and a spread of 2e4
    labels = rng.integers(0, 50, size=8)
    for reduction in ("none", "mean", "sum"):
        loss = smoothed_cross_entropy(z, labels, 0.1, reduction=reduction)
        assert np.isfinite(loss).all()
        np.testing.assert_allclose(
            loss, reference_loss(z, labels, 0.1, reduction=reduction), rtol=1e-6
        )
    assert np.isfinite(smoothed_cross_entropy_grad(z, labels, 0.1)).all()
    assert np.isfinite(softmax(z)).all() and np.isfinite(log_softmax(z)).all()


def test_softmax_and_log_softmax_agree():
    rng = np.random.default_rng(5)
    z = rng.normal(scale=20, size=(3, 4, 9))
    np.testing.assert_allclose(softmax(z).sum(axis=-1), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.log(softmax(z)), log_softmax(z), atol=1e-9)
    np.testing.assert_allclose(log_softmax(z), reference_log_softmax(z), atol=1e-12)
    np.testing.assert_allclose(softmax(z + 1000.0), softmax(z), atol=1e-12)


def rows_of_very_different_scale(rng: np.random.Generator, k: int = 7) -> np.ndarray:
    """Six rows whose scales run from 0.1 to 1e3, two of them offset by +1e3 and -1e3.

    Shifting every row by the batch's maximum instead of its own would send the low
    rows' exponentials to 0 (and their logs to -inf).
    """
    scale = np.array([0.1, 1.0, 10.0, 100.0, 1000.0, 1000.0])[:, None]
    offset = np.array([0.0, 0.0, 0.0, 0.0, 1000.0, -1000.0])[:, None]
    return rng.normal(size=(6, k)) * scale + offset


@pytest.mark.parametrize(
    ("dtype", "rtol", "atol"), [(np.float64, 1e-12, 1e-12), (np.float32, 1e-5, 1e-4)]
)
def test_rows_of_very_different_scale(dtype, rtol, atol):
    rng = np.random.default_rng(15)
    z = rows_of_very_different_scale(rng).astype(dtype)
    labels = rng.integers(0, 7, size=6)
    exact = z.astype(np.float64)  # scipy's reference, on the same values in float64
    log_p = scipy.special.log_softmax(exact, axis=-1)
    p = scipy.special.softmax(exact, axis=-1)
    alpha, targets = 0.2, smooth_labels(labels, 7, 0.2)
    np.testing.assert_allclose(softmax(z), p, rtol=rtol, atol=atol)
    np.testing.assert_allclose(log_softmax(z), log_p, rtol=rtol, atol=atol)
    np.testing.assert_allclose(
        smoothed_cross_entropy(z, labels, alpha, reduction="none"),
        -(targets * log_p).sum(axis=-1),
        rtol=rtol,
        atol=atol,
    )
    np.testing.assert_allclose(
        smoothed_cross_entropy_grad(z, labels, alpha), (p - targets) / 6, atol=atol
    )


# ---------------------------------------------------------- weight, ignore


def test_weight_follows_pytorch_not_per_sample_weighting():
    rng = np.random.default_rng(6)
    z, labels = random_problem(rng, (6,), 5)
    w = np.array([0.2, 1.0, 3.0, 0.5, 2.0])
    got = smoothed_cross_entropy(z, labels, 0.3, weight=w)
    np.testing.assert_allclose(
        got, reference_loss(z, labels, 0.3, weight=w), rtol=1e-12
    )
    # The other, intuitive reading: weight each sample's smoothed loss by w_y.
    per_sample = smoothed_cross_entropy(z, labels, 0.3, reduction="none")
    intuitive = (w[labels] * per_sample).sum() / w[labels].sum()
    assert abs(got - intuitive) > 1e-3


def test_uniform_weights_change_nothing():
    rng = np.random.default_rng(7)
    z, labels = random_problem(rng, (6,), 5)
    for reduction in ("none", "mean", "sum"):
        np.testing.assert_allclose(
            smoothed_cross_entropy(
                z, labels, 0.2, reduction=reduction, weight=np.ones(5)
            ),
            smoothed_cross_entropy(z, labels, 0.2, reduction=reduction),
            rtol=1e-12,
        )


@pytest.mark.parametrize("ignore_index", [-100, 2])
def test_ignore_index_drops_positions(ignore_index):
    rng = np.random.default_rng(8)
    z, labels = random_problem(rng, (10,), 4)
    labels[[1, 4, 5]] = ignore_index
    kept = labels != ignore_index
    none = smoothed_cross_entropy(
        z, labels, 0.2, reduction="none", ignore_index=ignore_index
    )
    np.testing.assert_array_equal(none[~kept], 0.0)
    np.testing.assert_allclose(
        none[kept], smoothed_cross_entropy(z[kept], labels[kept], 0.2, reduction="none")
    )
    mean = smoothed_cross_entropy(z, labels, 0.2, ignore_index=ignore_index)
    np.testing.assert_allclose(
        mean, smoothed_cross_entropy(z[kept], labels[kept], 0.2), rtol=1e-12
    )
    grad = smoothed_cross_entropy_grad(z, labels, 0.2, ignore_index=ignore_index)
    np.testing.assert_array_equal(grad[~kept], 0.0)
    np.testing.assert_allclose(
        grad[kept], smoothed_cross_entropy_grad(z[kept], labels[kept], 0.2), rtol=1e-12
    )


def test_ignore_index_with_weight_divides_by_counted_weights():
    rng = np.random.default_rng(9)
    z, labels = random_problem(rng, (8,), 3)
    labels[[0, 3]] = -1
    w = np.array([1.0, 2.0, 0.5])
    got = smoothed_cross_entropy(z, labels, 0.1, ignore_index=-1, weight=w)
    np.testing.assert_allclose(
        got, reference_loss(z, labels, 0.1, weight=w, ignore_index=-1), rtol=1e-12
    )


def test_everything_ignored_gives_nan_mean_like_pytorch():
    z = np.zeros((3, 4))
    labels = np.full(3, -100)
    assert np.isnan(smoothed_cross_entropy(z, labels, 0.1, ignore_index=-100))
    assert (
        smoothed_cross_entropy(z, labels, 0.1, ignore_index=-100, reduction="sum")
        == 0.0
    )
    np.testing.assert_array_equal(
        smoothed_cross_entropy(z, labels, 0.1, ignore_index=-100, reduction="none"), 0.0
    )
    np.testing.assert_array_equal(
        smoothed_cross_entropy_grad(z, labels, 0.1, ignore_index=-100), 0.0
    )


def test_zero_total_weight_gives_nan_mean_like_pytorch():
    z = np.random.default_rng(10).normal(size=(3, 4))
    labels = np.zeros(3, dtype=int)
    w = np.array([0.0, 1.0, 1.0, 1.0])
    assert np.isnan(smoothed_cross_entropy(z, labels, 0.1, weight=w))
    assert np.isnan(smoothed_cross_entropy_grad(z, labels, 0.1, weight=w)).all()


def test_empty_batch():
    z = np.zeros((0, 4))
    labels = np.zeros(0, dtype=int)
    assert np.isnan(smoothed_cross_entropy(z, labels, 0.1))
    assert smoothed_cross_entropy(z, labels, 0.1, reduction="sum") == 0.0
    assert smoothed_cross_entropy(z, labels, 0.1, reduction="none").shape == (0,)


# ------------------------------------------------------ chunking and memory


def test_result_does_not_depend_on_chunking(monkeypatch):
    rng = np.random.default_rng(11)
    z, labels = random_problem(rng, (37,), 16)
    w = rng.uniform(0.1, 2, size=16)
    whole = smoothed_cross_entropy(z, labels, 0.1, reduction="none", weight=w)
    # 3 rows per chunk: 13 chunks, the last one ragged.
    monkeypatch.setattr(ls, "_CHUNK_BYTES", 3 * 16 * 8)
    chunked = smoothed_cross_entropy(z, labels, 0.1, reduction="none", weight=w)
    np.testing.assert_allclose(chunked, whole, rtol=1e-14)
    np.testing.assert_allclose(
        whole, reference_loss(z, labels, 0.1, weight=w, reduction="none"), rtol=1e-12
    )


def test_non_finite_logit_found_in_a_later_chunk(monkeypatch):
    z = np.zeros((2, 5, 4))
    z[1, 3, 2] = -np.inf
    monkeypatch.setattr(
        ls, "_CHUNK_BYTES", 2 * 4 * 8
    )  # 2 rows per chunk: row 8 is in the 5th
    with pytest.raises(
        ValueError, match=r"logits must be finite, got -inf at index \(1, 3, 2\)"
    ):
        smoothed_cross_entropy(z, np.zeros((2, 5), dtype=int), 0.0)


def test_scratch_memory_is_bounded_by_the_chunk():
    n, k = 2048, 4096  # 32 MiB of float32 logits
    z = np.random.default_rng(12).standard_normal((n, k), dtype=np.float32)
    labels = np.random.default_rng(13).integers(0, k, size=n)
    peak = peak_traced_bytes(lambda: smoothed_cross_entropy(z, labels, 0.1))
    # One scratch chunk, its finiteness mask, and a few length-N vectors.
    assert peak <= 1.5 * ls._CHUNK_BYTES + 64 * n, f"peak scratch {peak} bytes"
    assert peak < z.nbytes / 8


def test_a_row_larger_than_the_budget_is_a_chunk_of_its_own(monkeypatch):
    n, k = 64, 4096
    z = np.random.default_rng(16).standard_normal((n, k))
    labels = np.zeros(n, dtype=int)
    row_bytes = k * z.itemsize
    monkeypatch.setattr(ls, "_CHUNK_BYTES", row_bytes // 4)
    peak = peak_traced_bytes(lambda: smoothed_cross_entropy(z, labels, 0.1))
    # One row of scratch, the all-ones class weights, a row's finiteness mask, N-vectors.
    assert peak <= 1.5 * row_bytes + k * 8 + 64 * n, f"peak {peak} bytes"


def test_float32_gradient_needs_no_float64_temporaries():
    z = np.random.default_rng(17).standard_normal((512, 4096), dtype=np.float32)
    labels = np.zeros(512, dtype=int)
    # The gradient itself and one temporary of the same size and dtype.
    peak = peak_traced_bytes(lambda: smoothed_cross_entropy_grad(z, labels, 0.1))
    assert peak <= 2.25 * z.nbytes, f"peak {peak} bytes for {z.nbytes} bytes of logits"


# --------------------------------------------------------------- gradient


def numeric_grad(f, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central finite differences of the scalar function f at z."""
    grad = np.zeros_like(z)
    for index in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[index] = h
        grad[index] = (f(z + step) - f(z - step)) / (2 * h)
    return grad


@FAST
@given(
    k=st.integers(2, 6),
    alpha=alphas,
    seed=seeds,
    reduction=st.sampled_from(["mean", "sum", "none"]),
    weighted=st.booleans(),
    ignore=st.booleans(),
)
def test_gradient_matches_finite_differences(
    k, alpha, seed, reduction, weighted, ignore
):
    rng = np.random.default_rng(seed)
    z, labels = random_problem(rng, (2, 3), k)
    labels[0, 1] = -7 if ignore else labels[0, 1]
    w = rng.uniform(0.1, 3.0, size=k) if weighted else None
    options = dict(reduction=reduction, weight=w, ignore_index=-7 if ignore else None)

    def total(logits):  # for "none", the gradient is that of the sum
        return float(np.sum(smoothed_cross_entropy(logits, labels, alpha, **options)))

    analytic = smoothed_cross_entropy_grad(z, labels, alpha, **options)
    np.testing.assert_allclose(analytic, numeric_grad(total, z), rtol=1e-6, atol=1e-8)


def test_gradient_is_softmax_minus_smoothed_targets():
    rng = np.random.default_rng(14)
    z, labels = random_problem(rng, (4, 2), 5)
    expected = (softmax(z) - smooth_labels(labels, 5, 0.1)) / labels.size
    np.testing.assert_allclose(
        smoothed_cross_entropy_grad(z, labels, 0.1), expected, atol=1e-15
    )


# ---------------------------------------------------------------- optimum


@FAST
@given(
    k=num_classes,
    alpha=st.floats(0.01, 1.0),
    shift=st.floats(-50, 50),
    label=st.integers(0, 11),
)
def test_loss_floor_is_reached_at_the_smoothed_target(k, alpha, shift, label):
    label %= k
    y_s = smooth_labels([label], k, alpha)
    z = np.log(y_s) + shift  # softmax(z) = y_s
    loss = smoothed_cross_entropy(z, [label], alpha)
    assert loss == pytest.approx(loss_floor(k, alpha), rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(
        smoothed_cross_entropy_grad(z, [label], alpha), 0.0, atol=1e-12
    )


@FAST
@given(k=num_classes, alpha=alphas, seed=seeds)
def test_loss_never_below_floor(k, alpha, seed):
    z, labels = random_problem(np.random.default_rng(seed), (16,), k, scale=10.0)
    losses = smoothed_cross_entropy(z, labels, alpha, reduction="none")
    assert (losses >= loss_floor(k, alpha) - 1e-9).all()


@settings(max_examples=15, deadline=None)
@given(k=st.integers(2, 10), alpha=st.floats(0.05, 1.0), label=st.integers(0, 9))
def test_gradient_descent_converges_to_the_optimal_gap(k, alpha, label):
    label %= k
    z = np.zeros((1, k))
    for _ in range(20_000):
        grad = smoothed_cross_entropy_grad(z, [label], alpha)
        if np.abs(grad).max() < 1e-12:
            break
        z -= 1.5 * grad
    wrong = np.delete(z[0], label)
    np.testing.assert_allclose(wrong, wrong.mean(), atol=1e-9)  # all wrong logits equal
    assert z[0, label] - wrong.mean() == pytest.approx(
        optimal_logit_gap(k, alpha), abs=1e-8
    )


def test_without_smoothing_the_gap_keeps_growing():
    z = np.zeros((1, 10))
    gaps = []
    for step in range(1, 3001):
        z -= smoothed_cross_entropy_grad(z, [3], 0.0)
        if step in (10, 100, 1000, 3000):
            gaps.append(z[0, 3] - np.delete(z[0], 3).max())
    assert all(later > earlier + 1 for earlier, later in zip(gaps, gaps[1:]))
    assert optimal_logit_gap(10, 0.0) == math.inf


# The fact sheet's table (section 9), computed independently of this library.
@pytest.mark.parametrize(
    ("k", "alpha", "gap", "floor"),
    [
        (3, 0.1, 3.332, 0.291),
        (10, 0.05, 5.252, 0.282),
        (10, 0.1, 4.511, 0.500),
        (100, 0.1, 6.804, 0.778),
        (1000, 0.1, 9.105, 1.015),
    ],
)
def test_fact_sheet_table(k, alpha, gap, floor):
    assert optimal_logit_gap(k, alpha) == pytest.approx(gap, abs=5e-4)
    assert loss_floor(k, alpha) == pytest.approx(floor, abs=5e-4)


@FAST
@given(k=num_classes, alpha=alphas)
def test_loss_floor_is_the_entropy_of_the_target(k, alpha):
    y_s = smooth_labels([0], k, alpha)[0]
    nonzero = y_s[y_s > 0]
    assert loss_floor(k, alpha) == pytest.approx(
        -(nonzero * np.log(nonzero)).sum(), abs=1e-12
    )


def test_optimum_extremes():
    assert optimal_logit_gap(7, 1.0) == 0.0
    assert loss_floor(7, 0.0) == 0.0
    assert loss_floor(7, 1.0) == pytest.approx(math.log(7))


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan")])
def test_alpha_out_of_range(alpha):
    z, labels = np.zeros((2, 3)), np.array([0, 1])
    pattern = rf"alpha must lie in \[0, 1\], got {alpha}"
    for call in (
        lambda: smooth_labels(labels, 3, alpha),
        lambda: smooth_targets(np.full((1, 3), 1 / 3), alpha),
        lambda: smoothed_cross_entropy(z, labels, alpha),
        lambda: smoothed_cross_entropy_grad(z, labels, alpha),
        lambda: optimal_logit_gap(3, alpha),
        lambda: loss_floor(3, alpha),
    ):
        with pytest.raises(ValueError, match=pattern):
            call()


@pytest.mark.parametrize("k", [1, 0, 2.5])
def test_num_classes_too_small(k):
    for call in (
        lambda: smooth_labels([0], k, 0.1),
        lambda: optimal_logit_gap(k, 0.1),
        lambda: loss_floor(k, 0.1),
    ):
        with pytest.raises(
            ValueError, match=rf"num_classes must be an integer >= 2, got {k}"
        ):
            call()


def test_single_class_logits_and_targets():
    pattern = r"must have at least 2 classes on the last axis, got shape \(3, 1\)"
    with pytest.raises(ValueError, match="logits " + pattern):
        smoothed_cross_entropy(np.zeros((3, 1)), [0, 0, 0])
    with pytest.raises(ValueError, match="logits " + pattern):
        smoothed_cross_entropy_grad(np.zeros((3, 1)), [0, 0, 0])
    with pytest.raises(ValueError, match="logits " + pattern):
        softmax(np.zeros((3, 1)))
    with pytest.raises(ValueError, match="targets " + pattern):
        smooth_targets(np.ones((3, 1)), 0.1)
    with pytest.raises(
        ValueError,
        match=r"logits must have at least 2 classes on the last axis, got shape \(\)",
    ):
        smoothed_cross_entropy(np.float64(1.0), 0)


@pytest.mark.parametrize("bad", [5, -1, 9])
def test_label_out_of_range(bad):
    z = np.zeros((3, 5))
    for call in (
        lambda: smoothed_cross_entropy(z, [0, bad, 1]),
        lambda: smoothed_cross_entropy_grad(z, [0, bad, 1]),
        lambda: smooth_labels([0, bad, 1], 5, 0.1),
    ):
        with pytest.raises(
            ValueError, match=rf"labels must lie in \[0, 5\), got {bad}"
        ):
            call()
    with pytest.raises(
        ValueError,
        match=rf"labels must lie in \[0, 5\) or equal ignore_index=-100, got {bad}",
    ):
        smoothed_cross_entropy(z, [-100, bad, 1], ignore_index=-100)


def test_labels_must_be_integers():
    with pytest.raises(
        ValueError, match="labels must be integer class indices, got dtype float64"
    ):
        smoothed_cross_entropy(np.zeros((2, 3)), [0.0, 1.0])


def test_shapes_that_disagree():
    with pytest.raises(
        ValueError, match=r"labels must have shape \(4,\) .* got \(3,\)"
    ):
        smoothed_cross_entropy(np.zeros((4, 5)), [0, 1, 2])
    with pytest.raises(
        ValueError, match=r"labels must have shape \(2, 3\) .* got \(3, 2\)"
    ):
        smoothed_cross_entropy_grad(np.zeros((2, 3, 5)), np.zeros((3, 2), dtype=int))
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\) .* got \(\)"):
        smoothed_cross_entropy(np.zeros((2, 5)), 1)  # no broadcasting of a scalar label
    with pytest.raises(
        ValueError,
        match=r"weight must have shape \(5,\), one entry per class, got \(4,\)",
    ):
        smoothed_cross_entropy(np.zeros((2, 5)), [0, 1], weight=np.ones(4))


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_logits(value):
    z = np.zeros((2, 3))
    z[1, 2] = value
    for call in (
        lambda: smoothed_cross_entropy(z, [0, 1], 0.1),
        lambda: smoothed_cross_entropy_grad(z, [0, 1], 0.1),
        lambda: softmax(z),
        lambda: log_softmax(z),
    ):
        with pytest.raises(
            ValueError, match=rf"logits must be finite, got {value} at index \(1, 2\)"
        ):
            call()


def test_bad_weight_values():
    z = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"weight must be non-negative, got -1.0"):
        smoothed_cross_entropy(z, [0, 1], weight=[1.0, -1.0, 1.0])
    with pytest.raises(
        ValueError, match=r"weight must be finite, got nan at index \(0,\)"
    ):
        smoothed_cross_entropy_grad(z, [0, 1], weight=[np.nan, 1.0, 1.0])


def test_bad_reduction():
    for call in (smoothed_cross_entropy, smoothed_cross_entropy_grad):
        with pytest.raises(
            ValueError, match=r"reduction must be 'none', 'mean' or 'sum', got 'avg'"
        ):
            call(np.zeros((2, 3)), [0, 1], reduction="avg")


def test_float32_probabilities_are_checked_at_float32_precision():
    z = np.random.default_rng(18).normal(scale=3, size=(64, 1000)).astype(np.float32)
    probs = softmax(z)
    # float32 rounding leaves row sums further from 1 than float64's tolerance allows.
    assert (np.abs(probs.sum(axis=-1, dtype=np.float64) - 1) > 1.5e-8).any()
    smoothed = smooth_targets(probs, 0.1)
    assert smoothed.dtype == np.float32
    np.testing.assert_allclose(smoothed, 0.9 * probs + 0.1 / 1000, rtol=1e-6)
    off = np.array([[0.5, 0.502]], dtype=np.float32)  # beyond float32's 3.5e-4
    with pytest.raises(ValueError, match=r"targets must sum to 1 over the last axis"):
        smooth_targets(off, 0.1)


def test_row_sums_may_miss_one_by_the_documented_tolerance():
    tolerance = 2.0**-26  # sqrt(float64 machine epsilon), exactly
    np.testing.assert_allclose(
        smooth_targets([[0.5, 0.5 + tolerance]], 0.0), [[0.5, 0.5 + tolerance]]
    )
    with pytest.raises(ValueError, match=r"got a row summing to 1.0000000298"):
        smooth_targets([[0.5, 0.5 + 2 * tolerance]], 0.0)


def test_errors_show_the_first_negative_value():
    with pytest.raises(ValueError, match=r"^targets must be non-negative, got -0.25$"):
        smooth_targets([[0.5, 0.0, 0.75, -0.25]], 0.1)
    with pytest.raises(ValueError, match=r"^weight must be non-negative, got -1.0$"):
        smoothed_cross_entropy(np.zeros((2, 3)), [0, 1], weight=[0.0, 0.5, -1.0])


def test_targets_must_be_probabilities():
    with pytest.raises(
        ValueError,
        match=r"targets must sum to 1 over the last axis, got a row summing to 0.9",
    ):
        smooth_targets([[0.5, 0.4], [0.5, 0.5]], 0.1)
    with pytest.raises(ValueError, match=r"targets must be non-negative, got -0.5"):
        smooth_targets([[1.5, -0.5]], 0.1)
    with pytest.raises(
        ValueError, match=r"targets must be finite, got nan at index \(0, 1\)"
    ):
        smooth_targets([[1.0, np.nan]], 0.1)


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.2])
def test_the_same_alpha_keeps_the_target_not_the_gap_when_k_grows(alpha):
    """practice.md, "Mind K": keeping alpha nearly keeps the true-class target 1 - alpha + alpha/K
    while the gap grows with K; keeping the gap at a larger K takes a larger alpha and a lower target."""
    from scipy.optimize import brentq

    target = lambda k, a: 1 - a + a / k  # noqa: E731
    small, large = 10, 1000
    assert abs(target(large, alpha) - target(small, alpha)) <= alpha / small
    assert optimal_logit_gap(large, alpha) > optimal_logit_gap(small, alpha)
    same_gap = brentq(lambda a: optimal_logit_gap(large, a) - optimal_logit_gap(small, alpha), 1e-9, 1 - 1e-9)
    assert same_gap > alpha and target(large, same_gap) < target(small, alpha)
