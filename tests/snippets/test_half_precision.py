"""The float16 overflow predictions, in NumPy (tests/snippets/test_torch_half_precision.py
checks them against PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp

from snippets.half_precision import (
    FLOAT16_MAX,
    float16_overflow_range,
    float16_overflow_vocabulary,
    float16_smoothing_overflows,
    gaussian_logits,
    smoothing_sum,
)


def test_smoothing_sum_is_k_lse_minus_the_logit_sum():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=3, size=(5, 4, 300))
    expected = 300 * logsumexp(z, axis=-1) - z.sum(axis=-1)
    np.testing.assert_allclose(smoothing_sum(z), expected, rtol=1e-12)
    assert smoothing_sum(z.astype(np.float16)).dtype == np.float64


def test_float16_max():
    assert FLOAT16_MAX == 65504.0
    with np.errstate(over="ignore"):
        assert np.isinf(np.float16(65520.0)) and np.float16(65519.0) == 65504.0


def test_one_position_overflows_past_the_float16_maximum():
    k = 7008  # float16_overflow_vocabulary(1.0) for seed 0, checked against PyTorch
    assert float16_overflow_vocabulary(1.0) == k
    below, at = gaussian_logits(1, k - 1, 1.0), gaussian_logits(1, k, 1.0)
    assert smoothing_sum(below)[0] < 65520 <= smoothing_sum(at)[0]
    assert not float16_smoothing_overflows(below, "none")
    assert float16_smoothing_overflows(at, "none")


@pytest.mark.parametrize("std", [0.5, 1.0, 4.0])
def test_batch_reductions_overflow_n_times_sooner(std):
    one = float16_overflow_vocabulary(std)
    for n in (8, 64):
        for reduction in ("mean", "sum"):
            k = float16_overflow_vocabulary(std, n, reduction)
            assert k < one
            # n positions store n times as much: the threshold moves by about n (log K shrinks too).
            assert one / n < k < 2 * one / n
    assert float16_overflow_vocabulary(std, 4096, "mean") <= 10


def test_larger_logits_overflow_sooner():
    thresholds = [float16_overflow_vocabulary(std) for std in (0.5, 1, 2, 4, 8)]
    assert thresholds == sorted(thresholds, reverse=True)


def test_logits_for_k_classes_begin_those_for_k_plus_one():
    np.testing.assert_array_equal(
        gaussian_logits(3, 10, 2.0)[:, :9], gaussian_logits(3, 9, 2.0)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.0,), r"std must be positive, got 0.0"),
        ((1.0, 0), r"num_positions must be a positive integer, got 0"),
        ((1.0, 1, "avg"), r"reduction must be 'none', 'mean' or 'sum', got 'avg'"),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        float16_overflow_vocabulary(*args)


@pytest.mark.parametrize(("std", "num_positions", "reduction"), [(1.0, 1, "none"), (4.0, 1, "none"), (4.0, 16, "mean")])
def test_overflow_range_spans_the_draws(std, num_positions, reduction):
    seeds = range(3, 8)
    each = [float16_overflow_vocabulary(std, num_positions, reduction, seed) for seed in seeds]
    low, high = float16_overflow_range(std, num_positions, reduction, seeds)
    assert (low, high) == (min(each), max(each))
    assert len(set(each)) > 1  # the threshold does depend on the draw
    # Each bound is a real threshold for its own draw: one class fewer stays finite.
    for seed, k in zip(seeds, each):
        logits = gaussian_logits(num_positions, k, std, seed)
        assert float16_smoothing_overflows(logits, reduction)
        assert not float16_smoothing_overflows(logits[:, :-1], reduction)


def test_overflow_range_needs_seeds():
    with pytest.raises(ValueError, match=r"seeds must not be empty, got range\(0, 0\)"):
        float16_overflow_range(1.0, seeds=range(0))
