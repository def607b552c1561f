"""Tests for snippets/gap_dynamics.py: the one-number reduction of gradient descent on logits,
checked against brute-force descent on the full K-vector and against the closed-form optimum."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.gap_dynamics import gap_loss, gap_probabilities, gap_trajectory
from snippets.label_smoothing import (
    loss_floor,
    optimal_logit_gap,
    smoothed_cross_entropy,
    smoothed_cross_entropy_grad,
    softmax,
)

FAST = settings(max_examples=30, deadline=None)


def brute_force_descent(num_classes: int, alpha: float, steps: int, lr: float, label: int = 0):
    """Plain gradient descent on all K logits of one example, from zeros: (gaps, final logits)."""
    z = np.zeros((1, num_classes))
    labels = np.array([label])
    others = np.arange(num_classes) != label
    gaps = [0.0]
    for _ in range(steps):
        z -= lr * smoothed_cross_entropy_grad(z, labels, alpha)
        gaps.append(z[0, label] - z[0, others].max())
    return np.array(gaps), z[0]


# --------------------------------------------------------- the reduction is exact


@pytest.mark.parametrize("num_classes", [2, 3, 10, 37])
@pytest.mark.parametrize("alpha", [0.0, 0.001, 0.1, 0.3, 0.9, 1.0])
@pytest.mark.parametrize("lr", [0.3, 1.0, 2.0])
def test_matches_brute_force_descent_on_the_full_vector(num_classes, alpha, lr):
    steps = 300
    expected, z = brute_force_descent(num_classes, alpha, steps, lr, label=num_classes // 2)
    np.testing.assert_allclose(gap_trajectory(num_classes, alpha, steps, lr), expected,
                               rtol=1e-11, atol=1e-12)
    # the premise of the reduction: the wrong logits stayed equal, the mean logit stayed 0
    wrong = np.delete(z, num_classes // 2)
    assert np.ptp(wrong) <= 1e-12 * max(1.0, abs(wrong[0]))
    assert abs(z.mean()) <= 1e-12 * max(1.0, np.abs(z).max())


@FAST
@given(num_classes=st.integers(2, 60), alpha=st.floats(0.0, 1.0),
       lr=st.floats(0.01, 3.0), steps=st.integers(0, 60))
def test_matches_brute_force_descent_property(num_classes, alpha, lr, steps):
    expected, _ = brute_force_descent(num_classes, alpha, steps, lr)
    np.testing.assert_allclose(gap_trajectory(num_classes, alpha, steps, lr), expected,
                               rtol=1e-10, atol=1e-11)


def test_matches_brute_force_descent_at_a_large_vocabulary():
    expected, _ = brute_force_descent(256_000, 0.1, 25, 1.0)
    np.testing.assert_allclose(gap_trajectory(256_000, 0.1, 25), expected, rtol=1e-10)


# --------------------------------------------------------- where it goes


@pytest.mark.parametrize("num_classes", [2, 10, 1000, 32_000, 256_000])
@pytest.mark.parametrize("alpha", [0.001, 0.01, 0.1, 0.3, 0.7, 1.0])
def test_smoothed_gap_settles_on_the_closed_form_without_overshooting(num_classes, alpha):
    gaps = gap_trajectory(num_classes, alpha, 40_000)
    target = optimal_logit_gap(num_classes, alpha)
    assert gaps[-1] == pytest.approx(target, rel=1e-9, abs=1e-10)
    rounding = 1e-14 * max(1.0, target)   # once settled, steps are float noise around g*
    assert (np.diff(gaps) >= -rounding).all() and (gaps <= target + rounding).all()
    # the loss along the way falls to the floor H(y_s)
    losses = gap_loss(num_classes, alpha, gaps)
    assert (np.diff(losses) <= 1e-14 * losses[0]).all()
    assert losses[-1] == pytest.approx(loss_floor(num_classes, alpha), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("num_classes", [2, 10, 1000, 256_000])
def test_hard_gap_grows_by_log_ten_per_decade_and_loss_goes_to_zero(num_classes):
    gaps = gap_trajectory(num_classes, 0.0, 100_000)
    assert (np.diff(gaps) > 0).all()
    # exp(g) grows like K * step: the gap gains log 10 per tenfold steps, and keeps doing so
    for n in (1_000, 10_000):
        assert gaps[10 * n] - gaps[n] == pytest.approx(math.log(10), rel=0.01)
    assert gaps[-1] == pytest.approx(math.log(num_classes * 100_000), rel=0.01)
    losses = gap_loss(num_classes, 0.0, gaps)
    assert (np.diff(losses) < 0).all() and losses[-1] > 0
    # loss ~ (K - 1) exp(-g) ~ (K - 1) / (K lr step)
    assert losses[-1] == pytest.approx((num_classes - 1) / (num_classes * 100_000), rel=0.01)


@pytest.mark.parametrize("num_classes", [2, 10, 256_000])
def test_first_step_moves_the_gap_by_lr_times_one_minus_alpha_at_every_vocabulary(num_classes):
    """From zero logits the gap's first step is lr (1 - alpha), whatever K: large vocabularies
    start no slower (the true logit rises by about lr while each wrong logit barely moves)."""
    for alpha in (0.0, 0.1, 1.0):
        assert gap_trajectory(num_classes, alpha, 1, lr=0.5)[1] == pytest.approx(0.5 * (1 - alpha))


def test_uniform_target_keeps_the_gap_exactly_at_zero():
    """alpha = 1 asks for the uniform distribution, which zero logits already give."""
    for num_classes in (2, 10, 256_000):
        assert (gap_trajectory(num_classes, 1.0, 1_000) == 0).all()


def test_a_huge_learning_rate_neither_overflows_nor_turns_into_nan():
    gaps = gap_trajectory(10, 0.0, 5, lr=1e6)
    assert np.isfinite(gaps).all() and (np.diff(gaps) >= 0).all()
    assert np.isfinite(gap_trajectory(10, 0.5, 5, lr=1e6)).all()


def test_a_learning_rate_above_two_can_overshoot():
    """The no-overshoot guarantee needs lr <= 2: beyond it the K = 2 gap jumps past g*."""
    gaps = gap_trajectory(2, 0.3, 50, lr=3.5)
    assert gaps.max() > optimal_logit_gap(2, 0.3) + 0.01


# --------------------------------------------------------- the loss of a gap


@pytest.mark.parametrize("num_classes", [2, 5, 1000, 256_000])
@pytest.mark.parametrize("alpha", [0.0, 0.05, 0.3, 1.0])
def test_gap_loss_equals_the_loss_of_the_full_logit_vector(num_classes, alpha):
    gaps = np.array([0.0, 0.5, 4.0, 17.0, 40.0])
    logits = np.zeros((len(gaps), num_classes))
    logits[:, 1] = gaps
    expected = smoothed_cross_entropy(logits, np.ones(len(gaps), dtype=int), alpha, reduction="none")
    # the full-vector loss is lse - z_y, accurate to a rounding of lse (~ the gap), no better
    np.testing.assert_allclose(gap_loss(num_classes, alpha, gaps), expected, rtol=1e-12, atol=1e-13)


def test_gap_loss_at_the_optimum_is_the_floor():
    for num_classes in (2, 10, 256_000):
        for alpha in (0.001, 0.1, 0.5, 1.0):
            g = optimal_logit_gap(num_classes, alpha)
            assert gap_loss(num_classes, alpha, g) == pytest.approx(loss_floor(num_classes, alpha),
                                                                    rel=1e-12, abs=1e-15)


def test_gap_loss_keeps_the_shape_and_starts_at_log_k():
    assert gap_loss(10, 0.1, np.zeros((2, 3))).shape == (2, 3)
    assert gap_loss(256_000, 0.3, 0.0) == pytest.approx(math.log(256_000))


# --------------------------------------------------------- the prediction at a gap


@pytest.mark.parametrize("num_classes", [2, 3, 10, 1000, 256_000])
def test_gap_probabilities_equal_the_softmax_of_the_full_logit_vector(num_classes):
    gaps = np.array([-30.0, -3.0, 0.0, 1e-9, 0.5, 4.511, 11.5, 40.0, 700.0])
    logits = np.zeros((len(gaps), num_classes))
    logits[:, 0] = gaps
    expected = softmax(logits)
    p_true, p_other = gap_probabilities(num_classes, gaps)
    np.testing.assert_allclose(p_true, expected[:, 0], rtol=1e-13, atol=0)
    np.testing.assert_allclose(p_other, expected[:, 1], rtol=1e-12, atol=0)
    assert (expected[:, 1:] == expected[:, 1:2]).all()   # every wrong class alike


@FAST
@given(num_classes=st.integers(2, 5000), gap=st.floats(-50.0, 700.0))
def test_gap_probabilities_sum_to_one_and_keep_the_tail(num_classes, gap):
    p_true, p_other = gap_probabilities(num_classes, gap)
    assert p_true + (num_classes - 1) * p_other == pytest.approx(1.0, rel=1e-13)
    # the tail 1 - p_true stays exact to relative precision even when p_true rounds to 1
    assert (num_classes - 1) * p_other == pytest.approx(
        -math.expm1(-np.logaddexp(0.0, math.log(num_classes - 1) - gap)), rel=1e-12, abs=0)


def test_gap_probabilities_at_the_optimum_are_the_smoothed_target():
    for num_classes in (2, 10, 256_000):
        for alpha in (0.001, 0.1, 0.5, 1.0):
            p_true, p_other = gap_probabilities(num_classes, optimal_logit_gap(num_classes, alpha))
            assert p_true == pytest.approx(1 - alpha + alpha / num_classes, rel=1e-12)
            assert p_other == pytest.approx(alpha / num_classes, rel=1e-12)


# --------------------------------------------------------- errors


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": -1}, "steps must be an integer >= 0, got -1"),
    ({"steps": 2.5}, "steps must be an integer >= 0, got 2.5"),
    ({"lr": 0.0}, "lr must be finite and positive, got 0.0"),
    ({"lr": math.nan}, "lr must be finite and positive, got nan"),
    ({"alpha": 1.5}, "alpha must lie in [0, 1], got 1.5"),
    ({"num_classes": 1}, "num_classes must be an integer >= 2, got 1"),
])
def test_trajectory_rejects_bad_arguments(kwargs, message):
    arguments = {"num_classes": 10, "alpha": 0.1, "steps": 5, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        gap_trajectory(**arguments)


def test_gap_loss_rejects_a_non_finite_gap():
    with pytest.raises(ValueError, match="gap must be finite, got inf"):
        gap_loss(10, 0.1, [1.0, math.inf])
    with pytest.raises(ValueError, match="gap must be finite, got nan"):
        gap_probabilities(10, [1.0, math.nan])
    with pytest.raises(ValueError, match="num_classes must be an integer >= 2, got 1"):
        gap_probabilities(1, 0.0)
