"""Tests for snippets/calibration.py: ECE, reliability diagrams, temperature scaling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.calibration import (
    expected_calibration_error,
    fit_temperature,
    reliability_diagram,
)
from snippets.label_smoothing import smoothed_cross_entropy, softmax


def loop_ece(probs: np.ndarray, labels: np.ndarray, n_bins: int) -> float:
    """Guo et al.'s Eq. 3, one bin at a time, for bins (m/M, (m+1)/M]."""
    confidence = probs.max(axis=-1)
    correct = probs.argmax(axis=-1) == labels
    total = 0.0
    for m in range(n_bins):
        low, high = m / n_bins, (m + 1) / n_bins
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            total += in_bin.mean() * abs(
                correct[in_bin].mean() - confidence[in_bin].mean()
            )
    return total


def sample_labels(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one label per row from the row's distribution."""
    cumulative = probs.cumsum(axis=-1)
    draws = rng.random(probs.shape[:-1] + (1,))
    return np.minimum((draws > cumulative).sum(axis=-1), probs.shape[-1] - 1)


def test_ece_by_hand():
    probs = np.array([[0.95, 0.05], [0.95, 0.05], [0.35, 0.65], [0.55, 0.45]])
    labels = np.array([0, 1, 1, 0])
    # Bins of width 0.1: (0.9, 1] holds two at 0.95 with accuracy 1/2 -> gap 0.45;
    # (0.6, 0.7] one at 0.65, correct -> 0.35; (0.5, 0.6] one at 0.55, correct -> 0.45.
    assert expected_calibration_error(probs, labels, n_bins=10) == pytest.approx(
        (2 * 0.45 + 0.35 + 0.45) / 4
    )


def test_bins_are_closed_on_the_right():
    diagram = reliability_diagram(
        np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([0, 0]), n_bins=4
    )
    np.testing.assert_array_equal(
        diagram.count, [0, 1, 0, 1]
    )  # 0.5 lies in (0.25, 0.5]
    np.testing.assert_array_equal(diagram.edges, [0.0, 0.25, 0.5, 0.75, 1.0])


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(2, 8),
    n_bins=st.integers(1, 20),
    n=st.integers(1, 60),
)
def test_ece_matches_loop_reference(seed, k, n_bins, n):
    rng = np.random.default_rng(seed)
    probs = softmax(rng.normal(scale=3, size=(n, k)))
    labels = rng.integers(0, k, size=n)
    assert expected_calibration_error(probs, labels, n_bins) == pytest.approx(
        loop_ece(probs, labels, n_bins), abs=1e-12
    )


def test_reliability_diagram_statistics():
    rng = np.random.default_rng(0)
    probs = softmax(rng.normal(scale=2, size=(500, 5)))
    labels = rng.integers(0, 5, size=500)
    diagram = reliability_diagram(probs, labels, n_bins=15)
    assert diagram.count.sum() == 500
    filled = diagram.count > 0
    assert (
        np.isnan(diagram.confidence[~filled]).all()
        and np.isnan(diagram.accuracy[~filled]).all()
    )
    assert (diagram.confidence[filled] > diagram.edges[:-1][filled]).all()
    assert (diagram.confidence[filled] <= diagram.edges[1:][filled]).all()
    assert ((diagram.accuracy[filled] >= 0) & (diagram.accuracy[filled] <= 1)).all()
    assert not filled[: 15 // 5].any()  # top-label confidence is never below 1/K


def test_batch_shape_is_flattened():
    rng = np.random.default_rng(1)
    probs = softmax(rng.normal(size=(4, 6, 3)))
    labels = rng.integers(0, 3, size=(4, 6))
    assert expected_calibration_error(probs, labels) == expected_calibration_error(
        probs.reshape(24, 3), labels.reshape(24)
    )


def test_calibrated_model_has_small_ece_and_overconfident_model_large():
    rng = np.random.default_rng(2)
    logits = rng.normal(scale=2, size=(20_000, 10))
    probs = softmax(logits)
    labels = sample_labels(
        rng, probs
    )  # labels drawn from the model: calibrated by construction
    assert expected_calibration_error(probs, labels) < 0.02
    assert expected_calibration_error(softmax(3 * logits), labels) > 0.1


def test_fit_temperature_recovers_the_true_temperature():
    rng = np.random.default_rng(3)
    logits = rng.normal(scale=4, size=(20_000, 10))
    labels = sample_labels(
        rng, softmax(logits / 2.0)
    )  # the data were generated at T = 2
    assert fit_temperature(logits, labels) == pytest.approx(2.0, rel=0.05)


def test_fit_temperature_minimizes_the_nll():
    rng = np.random.default_rng(4)
    logits = rng.normal(scale=3, size=(300, 6))
    labels = np.where(
        rng.random(300) < 0.6, logits.argmax(axis=-1), rng.integers(0, 6, size=300)
    )
    t = fit_temperature(logits, labels)

    def nll(temperature: float) -> float:
        return float(smoothed_cross_entropy(logits / temperature, labels))

    assert nll(t) < nll(t * 1.001) and nll(t) < nll(t / 1.001)
    scipy_optimize = pytest.importorskip("scipy.optimize")
    best = scipy_optimize.minimize_scalar(
        nll, bounds=(0.05, 20), method="bounded", options={"xatol": 1e-10}
    )
    assert t == pytest.approx(best.x, rel=1e-6)


def test_temperature_scaling_fixes_overconfidence_without_changing_accuracy():
    rng = np.random.default_rng(5)
    logits = rng.normal(scale=2, size=(5_000, 10))
    labels = sample_labels(rng, softmax(logits))
    overconfident = 2.5 * logits
    t = fit_temperature(overconfident, labels)
    assert t > 1
    before = expected_calibration_error(softmax(overconfident), labels)
    after = expected_calibration_error(softmax(overconfident / t), labels)
    assert after < before / 3
    np.testing.assert_array_equal(
        (overconfident / t).argmax(axis=-1), overconfident.argmax(axis=-1)
    )


def test_fit_temperature_keeps_batch_shape():
    rng = np.random.default_rng(6)
    logits = rng.normal(scale=3, size=(10, 20, 4))
    labels = sample_labels(rng, softmax(logits / 1.5))
    assert fit_temperature(logits, labels) == pytest.approx(
        fit_temperature(logits.reshape(200, 4), labels.reshape(200))
    )


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("n_bins", [0, -3, 2.5])
def test_n_bins(n_bins):
    probs, labels = np.array([[0.3, 0.7]]), np.array([1])
    for call in (expected_calibration_error, reliability_diagram):
        with pytest.raises(
            ValueError, match=rf"n_bins must be an integer >= 1, got {n_bins}"
        ):
            call(probs, labels, n_bins)


def test_probs_must_be_probabilities():
    with pytest.raises(
        ValueError,
        match=r"probs must sum to 1 over the last axis, got a row summing to 1.2",
    ):
        expected_calibration_error(np.array([[0.5, 0.7]]), np.array([0]))
    with pytest.raises(ValueError, match=r"probs must be non-negative, got -0.25"):
        reliability_diagram(np.array([[1.25, -0.25]]), np.array([0]))
    with pytest.raises(
        ValueError, match=r"probs must be finite, got nan at index \(0, 0\)"
    ):
        expected_calibration_error(np.array([[np.nan, 1.0]]), np.array([0]))
    with pytest.raises(
        ValueError,
        match=r"probs must have at least 2 classes on the last axis, got shape \(3, 1\)",
    ):
        expected_calibration_error(np.ones((3, 1)), np.zeros(3, dtype=int))
    with pytest.raises(
        ValueError, match=r"probs must hold at least one example, got shape \(0, 3\)"
    ):
        expected_calibration_error(np.zeros((0, 3)), np.zeros(0, dtype=int))


def test_calibration_labels():
    probs = np.array([[0.2, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\), got 2"):
        expected_calibration_error(probs, np.array([0, 2]))
    with pytest.raises(
        ValueError, match=r"labels must have shape \(2,\) .* got \(3,\)"
    ):
        reliability_diagram(probs, np.array([0, 1, 1]))
    with pytest.raises(
        ValueError, match=r"labels must have shape \(2,\) .* got \(1,\)"
    ):
        fit_temperature(np.zeros((2, 3)), np.array([0]))


def test_fit_temperature_errors():
    with pytest.raises(
        ValueError, match=r"logits must be finite, got inf at index \(1, 0\)"
    ):
        fit_temperature(np.array([[1.0, 0.0], [np.inf, 0.0]]), np.array([0, 1]))
    perfect = np.array([[3.0, 0.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match=r"logits put every true label on top"):
        fit_temperature(perfect, np.array([0, 1]))
    with pytest.raises(
        ValueError, match=r"logits rank the true labels no better than chance"
    ):
        fit_temperature(perfect, np.array([1, 0]))
