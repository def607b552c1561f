"""Tests for snippets/calibration.py: ECE, reliability diagrams, the Brier score, temperature scaling."""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize_scalar
from scipy.special import softmax as scipy_softmax
from sklearn.metrics import brier_score_loss

from snippets.calibration import (
    brier_score,
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


def test_lowest_and_highest_bins():
    # K = 20, uniform: confidence 0.05 lies in the lowest bin (0, 0.1]. A confidence of
    # 1 + 1e-9 (rounding; within the sum tolerance) belongs to the top bin (0.9, 1].
    probs = np.array([np.full(20, 0.05), [1 + 1e-9] + [0.0] * 19])
    diagram = reliability_diagram(probs, np.array([3, 0]), n_bins=10)
    np.testing.assert_array_equal(diagram.count, [1, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    np.testing.assert_allclose(diagram.confidence[[0, -1]], [0.05, 1 + 1e-9], rtol=1e-15)
    np.testing.assert_array_equal(diagram.accuracy[[0, -1]], [0.0, 1.0])


def test_default_is_fifteen_bins():
    rng = np.random.default_rng(8)
    probs = softmax(rng.normal(scale=2, size=(400, 4)))
    labels = rng.integers(0, 4, size=400)
    assert len(reliability_diagram(probs, labels).count) == 15
    assert loop_ece(probs, labels, 15) != pytest.approx(loop_ece(probs, labels, 16))
    assert expected_calibration_error(probs, labels) == pytest.approx(
        loop_ece(probs, labels, 15), abs=1e-12
    )


def test_empty_bins_are_nan_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diagram = reliability_diagram(np.array([[0.3, 0.7]]), np.array([1]), n_bins=5)
    assert np.isnan(diagram.confidence[[0, 1, 2, 4]]).all()
    assert np.isnan(diagram.accuracy[[0, 1, 2, 4]]).all()


def test_float32_probabilities():
    rng = np.random.default_rng(9)
    probs = softmax(rng.normal(scale=3, size=(500, 1000)).astype(np.float32))
    labels = rng.integers(0, 1000, size=500)
    # Row sums miss 1 by more than float64's tolerance, well within float32's.
    assert (np.abs(probs.sum(axis=-1, dtype=np.float64) - 1) > 1.5e-8).any()
    assert expected_calibration_error(probs, labels) == pytest.approx(
        loop_ece(probs.astype(np.float64), labels, 15), abs=1e-6
    )


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
    best = minimize_scalar(
        nll, bounds=(0.05, 20), method="bounded", options={"xatol": 1e-10}
    )
    assert t == pytest.approx(best.x, rel=1e-6)


def temperature_problem(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Held-out logits and labels of the kinds that make a temperature hard to fit.

    K from 2 to 1000 and N from 20 to 5000 (N * K capped to keep the test fast); labels
    drawn at a temperature from 0.2 to 5 (under- and over-confident logits), then a share
    of them replaced by uniform noise, up to all of them (at or below chance); logits up to
    1e3 in magnitude, in every third problem with row scales spread over 1e4; every fourth
    problem in float32.
    """
    rng = np.random.default_rng(seed)
    k = round(np.exp(rng.uniform(np.log(2), np.log(1000))))
    n = round(np.exp(rng.uniform(np.log(20), np.log(5000))))
    n = max(20, min(n, 200_000 // k))
    row_scale = 10 ** rng.uniform(-1, 3, size=(n, 1)) if seed % 3 == 0 else 1.0
    logit_scale = 10 ** rng.uniform(-1, 2.5)
    logits = np.clip(rng.normal(size=(n, k)) * row_scale * logit_scale, -1e3, 1e3)
    generating_temperature = np.exp(rng.uniform(np.log(0.2), np.log(5)))
    labels = sample_labels(rng, scipy_softmax(logits / generating_temperature, axis=-1))
    noise = [0.0, 0.0, 0.5, 0.9, 0.99, 1.0][seed % 6]
    labels = np.where(rng.random(n) < noise, rng.integers(0, k, size=n), labels)
    return (logits.astype(np.float32) if seed % 4 == 0 else logits), labels


def reference_temperature(logits: np.ndarray, labels: np.ndarray) -> float | None:
    """The NLL minimiser by scipy's brentq on dNLL/dlog T = 0; None if it has no minimum.

    dNLL/dT = -mean(E_p[z] - z_y) / T^2 with p = softmax(z / T), so the minimiser is
    the root of mean(E_p[z] - z_y); searching in log T makes brentq's xtol relative.
    """
    z = logits.astype(np.float64)
    z_true = np.take_along_axis(z, labels[:, None], axis=-1)
    at_chance = np.mean(z.mean(axis=-1, keepdims=True) - z_true) >= 0
    all_on_top = np.all(z_true == z.max(axis=-1, keepdims=True))
    if at_chance or all_on_top:
        return None

    def slope(log_t: float) -> float:
        p = scipy_softmax(z / np.exp(log_t), axis=-1)
        return float(np.mean(np.sum(p * (z - z_true), axis=-1)))

    return float(np.exp(brentq(slope, np.log(1e-8), np.log(1e8), xtol=1e-14)))


TEMPERATURE_SEEDS = range(256)


@functools.cache
def reference_for_seed(seed: int) -> float | None:
    return reference_temperature(*temperature_problem(seed))


@pytest.mark.parametrize("seed", TEMPERATURE_SEEDS)
def test_fit_temperature_equals_an_independent_minimiser(seed):
    logits, labels = temperature_problem(seed)
    expected = reference_for_seed(seed)
    if expected is None:
        with pytest.raises(
            ValueError, match=r"no better than chance|every true label on top"
        ):
            fit_temperature(logits, labels)
    else:
        assert fit_temperature(logits, labels) == pytest.approx(expected, rel=1e-9)


def test_temperature_problems_cover_the_awkward_cases():
    fitted = [
        (temperature_problem(seed)[0], reference_for_seed(seed))
        for seed in TEMPERATURE_SEEDS
        if reference_for_seed(seed) is not None
    ]
    temperatures = np.array([t for _, t in fitted])
    assert len(fitted) >= 200
    assert (temperatures < 1).sum() >= 20  # under-confident logits: beta > 1 is bracketed
    assert (temperatures > 1).sum() >= 20  # over-confident logits
    assert (temperatures > 20).sum() >= 20  # near chance
    assert sum(z.dtype == np.float32 for z, _ in fitted) >= 20
    assert sum(z.shape[-1] >= 500 for z, _ in fitted) >= 10
    assert sum(len(z) >= 2000 for z, _ in fitted) >= 10
    assert sum(np.abs(z).max() >= 999 for z, _ in fitted) >= 20
    assert len(TEMPERATURE_SEEDS) - len(fitted) >= 10  # no minimum: the errors are tested too


def test_fit_temperature_of_a_large_vocabulary():
    rng = np.random.default_rng(7)
    logits = rng.normal(scale=300, size=(5000, 1000)).clip(-1e3, 1e3)
    labels = sample_labels(rng, softmax(logits / 0.2))
    labels[:50] = rng.integers(0, 1000, size=50)  # a few confident mistakes
    assert fit_temperature(logits, labels) == pytest.approx(
        reference_temperature(logits, labels), rel=1e-9
    )


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


# ------------------------------------------------------------------ Brier score


def test_brier_by_hand():
    probs = np.array([[0.7, 0.2, 0.1], [0.5, 0.5, 0.0]])
    # (0.3² + 0.2² + 0.1²) = 0.14 and (0.5² + 0.5²) = 0.5 for labels 0 and 1
    assert brier_score(probs, np.array([0, 1])) == pytest.approx((0.14 + 0.5) / 2)
    assert brier_score(np.eye(3), np.arange(3)) == 0.0
    assert brier_score(np.eye(3), np.array([1, 2, 0])) == 2.0


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(2, 12), n=st.integers(1, 300),
       concentration=st.sampled_from([0.05, 1.0, 50.0]))
def test_brier_matches_scikit_learn(seed, k, n, concentration):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(k, concentration), size=n)
    probs /= probs.sum(axis=1, keepdims=True)
    labels = rng.integers(0, k, n)
    expected = brier_score_loss(labels, probs, labels=np.arange(k), scale_by_half=False)
    assert brier_score(probs, labels) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_brier_keeps_batch_shape_and_rewards_calibration():
    rng = np.random.default_rng(4)
    probs = rng.dirichlet(np.ones(4), size=(3, 5))
    labels = rng.integers(0, 4, (3, 5))
    assert brier_score(probs, labels) == pytest.approx(brier_score(probs.reshape(15, 4), labels.ravel()))
    # A proper score: labels drawn from p score better under p than under a sharpened p.
    p = rng.dirichlet(np.ones(5), size=20000)
    y = sample_labels(rng, p)
    sharpened = softmax(3.0 * np.log(p))
    assert brier_score(p, y) < brier_score(sharpened, y)


def test_brier_errors():
    with pytest.raises(ValueError, match=r"probs must sum to 1 over the last axis"):
        brier_score(np.array([[0.5, 0.7]]), np.array([0]))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\), got 2"):
        brier_score(np.array([[0.5, 0.5]]), np.array([2]))
    with pytest.raises(ValueError, match=r"probs must hold at least one example"):
        brier_score(np.zeros((0, 3)), np.zeros(0, dtype=int))


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
    batched = np.full((2, 4, 3), 1 / 3)
    batch_labels = np.zeros((2, 4), dtype=int)
    batch_labels[1, 2] = 3  # the class axis is the last one, of length 3
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\), got 3"):
        reliability_diagram(batched, batch_labels)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\), got 3"):
        fit_temperature(np.log(batched), batch_labels)
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
    on_top = (
        r"^logits put every true label on top: the NLL falls as T -> 0, with no minimum$"
    )
    chance = (
        r"^logits rank the true labels no better than chance: "
        r"the NLL falls as T -> inf$"
    )
    with pytest.raises(ValueError, match=on_top):
        fit_temperature(perfect, np.array([0, 1]))
    with pytest.raises(ValueError, match=chance):
        fit_temperature(perfect, np.array([1, 0]))
    # Exactly at chance: the slope is 0 at T = inf and positive below it, so the
    # minimum is at T = inf.
    with pytest.raises(ValueError, match=chance):
        fit_temperature(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 0]))
