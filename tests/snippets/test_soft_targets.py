"""Tests for snippets/soft_targets.py against independent references.

References: brute-force minimisation of the expected loss with scipy.optimize, explicit
sums over labels, Monte Carlo label noise, PyTorch's cross-entropy where a library
convention is claimed, and each codebase's formula re-typed from its source.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from scipy.special import log_softmax as scipy_log_softmax

from snippets.label_smoothing import smooth_labels, smooth_targets
from snippets.soft_targets import (
    alpha_from_eps,
    binary_targets,
    effective_alpha,
    mixup_targets,
    population_minimizer,
    symmetric_noise_rate,
    unsmooth_probabilities,
)

FAST = settings(max_examples=40, deadline=None)
alphas = st.floats(min_value=0.0, max_value=1.0)
open_alphas = st.floats(min_value=0.0, max_value=0.99)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def expected_smoothed_loss(z, eta, alpha, prior=None):
    """E_{y ~ eta} H(y_s(y), softmax(z)), summed label by label with explicit targets."""
    k = len(eta)
    u = np.full(k, 1 / k) if prior is None else np.asarray(prior)
    log_p = scipy_log_softmax(z)
    total = 0.0
    for label in range(k):
        target = alpha * u.copy()
        target[label] += 1 - alpha
        total += eta[label] * -(target * log_p).sum()
    return total


def brute_force_minimizer(eta, alpha, prior=None):
    """Minimise the expected loss over logits with BFGS; return softmax of the optimum."""
    result = minimize(
        expected_smoothed_loss,
        np.zeros(len(eta)),
        args=(eta, alpha, prior),
        method="BFGS",
        options=dict(gtol=1e-10, maxiter=10_000),
    )
    return np.exp(scipy_log_softmax(result.x))


# ------------------------------------------------------- population minimiser


@FAST
@given(
    k=st.integers(2, 8),
    alpha=st.floats(min_value=0.02, max_value=0.95),
    seed=seeds,
    concentration=st.sampled_from([0.2, 1.0, 5.0]),
)
def test_population_minimizer_matches_brute_force(k, alpha, seed, concentration):
    eta = np.random.default_rng(seed).dirichlet(np.full(k, concentration))
    np.testing.assert_allclose(
        population_minimizer(eta, alpha), brute_force_minimizer(eta, alpha), atol=2e-5
    )


@pytest.mark.parametrize(
    "eta",
    [
        np.array([1.0, 0.0, 0.0, 0.0]),  # a deterministic label: minimiser still interior
        np.full(5, 0.2),  # uniform eta: nothing to distort
        np.array([0.5, 0.5]),  # K = 2, a tie
        np.array([0.999, 0.001]),
    ],
)
def test_population_minimizer_edge_distributions(eta):
    np.testing.assert_allclose(
        population_minimizer(eta, 0.1), brute_force_minimizer(eta, 0.1), atol=2e-5
    )


def test_population_minimizer_with_prior_matches_brute_force():
    rng = np.random.default_rng(4)
    eta, prior = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    np.testing.assert_allclose(
        population_minimizer(eta, 0.3, prior),
        brute_force_minimizer(eta, 0.3, prior),
        atol=2e-5,
    )


@FAST
@given(k=st.integers(2, 40), alpha=st.floats(0.0, 0.999), seed=seeds)
def test_population_minimizer_keeps_the_bayes_decision(k, alpha, seed):
    eta = np.random.default_rng(seed).dirichlet(np.ones(k), size=20)
    p = population_minimizer(eta, alpha)
    np.testing.assert_array_equal(p.argmax(axis=-1), eta.argmax(axis=-1))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-12)


def test_population_minimizer_is_stationary_for_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch not installed")
    F = torch.nn.functional
    rng = np.random.default_rng(5)
    k, alpha = 7, 0.15
    eta = rng.dirichlet(np.ones(k))
    z = torch.tensor(np.log(population_minimizer(eta, alpha)), requires_grad=True)
    labels = torch.arange(k)
    per_label = F.cross_entropy(z.expand(k, k), labels, label_smoothing=alpha, reduction="none")
    (torch.tensor(eta) * per_label).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), 0, atol=1e-12)


def test_population_minimizer_float32_and_batch_shape():
    eta = np.full((2, 3, 4), 0.25, dtype=np.float32)
    p = population_minimizer(eta, 0.1)
    assert p.dtype == np.float32 and p.shape == (2, 3, 4)


def test_population_minimizer_errors():
    with pytest.raises(ValueError, match="class_probs must sum to 1"):
        population_minimizer([0.5, 0.6], 0.1)
    with pytest.raises(ValueError, match="alpha must lie in"):
        population_minimizer([0.5, 0.5], 1.5)
    with pytest.raises(ValueError, match=r"prior must have shape \(2,\)"):
        population_minimizer([0.5, 0.5], 0.1, prior=[1.0])
    with pytest.raises(ValueError, match="prior must be non-negative"):
        population_minimizer([0.5, 0.5], 0.1, prior=[1.5, -0.5])


# ---------------------------------------------------------------- inversion


@FAST
@given(k=st.integers(2, 30), alpha=open_alphas, seed=seeds)
def test_unsmooth_inverts_the_population_map(k, alpha, seed):
    rng = np.random.default_rng(seed)
    eta = rng.dirichlet(np.full(k, 0.5), size=10)
    prior = rng.dirichlet(np.ones(k))
    for u in (None, prior):
        recovered = unsmooth_probabilities(population_minimizer(eta, alpha, u), alpha, u)
        np.testing.assert_allclose(recovered, eta, atol=1e-9)


def test_unsmooth_of_an_estimate_can_go_negative_and_clip_fixes_it():
    k, alpha = 4, 0.2
    estimate = np.array([0.9, 0.08, 0.01, 0.01])  # 0.01 < alpha / K = 0.05
    raw = unsmooth_probabilities(estimate, alpha)
    assert (raw[2:] < 0).all()
    np.testing.assert_allclose(raw.sum(), 1.0)
    clipped = unsmooth_probabilities(estimate, alpha, clip=True)
    assert (clipped >= 0).all()
    np.testing.assert_allclose(clipped.sum(), 1.0)
    assert clipped.argmax() == estimate.argmax() == raw.argmax()
    assert k == estimate.size


def test_unsmooth_sharpens_the_smoothed_optimum_back_to_one_hot():
    y_s = smooth_labels(np.array([2]), 5, 0.1)
    np.testing.assert_allclose(unsmooth_probabilities(y_s, 0.1), np.eye(5)[[2]], atol=1e-12)


def test_unsmooth_errors():
    with pytest.raises(ValueError, match="alpha must be < 1"):
        unsmooth_probabilities([0.5, 0.5], 1.0)
    with pytest.raises(ValueError, match="probs must be finite"):
        unsmooth_probabilities([np.nan, 0.5], 0.1)


# ------------------------------------------------------------------- noise


@pytest.mark.parametrize("k", [2, 3, 10, 1000])
@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.5, 1.0])
def test_symmetric_noise_expectation_is_the_smoothed_target(k, alpha):
    rate = symmetric_noise_rate(k, alpha)
    expected = np.full(k, rate / (k - 1))  # symmetric noise, written from its definition
    expected[0] = 1 - rate
    np.testing.assert_allclose(expected, smooth_labels(np.array([0]), k, alpha)[0], atol=1e-15)


def test_symmetric_noise_monte_carlo():
    rng = np.random.default_rng(6)
    k, alpha, n = 5, 0.3, 400_000
    rate = symmetric_noise_rate(k, alpha)
    flip = rng.random(n) < rate
    other = (rng.integers(1, k, size=n)) % k  # a uniformly chosen class other than 0
    noisy = np.where(flip, other, 0)
    frequencies = np.bincount(noisy, minlength=k) / n
    np.testing.assert_allclose(frequencies, smooth_labels(np.array([0]), k, alpha)[0], atol=4e-3)


# ---------------------------------------------------------------- stacking


@FAST
@given(a1=alphas, a2=alphas, k=st.integers(2, 50), seed=seeds)
def test_effective_alpha_equals_smoothing_twice(a1, a2, k, seed):
    labels = np.random.default_rng(seed).integers(0, k, size=5)
    twice = smooth_targets(smooth_labels(labels, k, a1), a2)
    np.testing.assert_allclose(twice, smooth_labels(labels, k, effective_alpha(a1, a2)), atol=1e-12)


def test_effective_alpha_values_and_errors():
    assert effective_alpha(0.1) == pytest.approx(0.1)
    assert effective_alpha(0.1, 0.1) == pytest.approx(0.19)
    assert effective_alpha(0.1, 0.0, 1.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least one alpha"):
        effective_alpha()
    with pytest.raises(ValueError, match="alpha must lie in"):
        effective_alpha(0.1, -0.2)


def test_pytorch_smooths_already_smoothed_targets_again():
    torch = pytest.importorskip("torch", reason="PyTorch not installed")
    F = torch.nn.functional
    rng = np.random.default_rng(7)
    k, alpha = 6, 0.1
    z = rng.normal(size=(4, k))
    labels = rng.integers(0, k, size=4)
    once = smooth_labels(labels, k, alpha)
    got = F.cross_entropy(torch.tensor(z), torch.tensor(once), label_smoothing=alpha)
    want = -(smooth_labels(labels, k, effective_alpha(alpha, alpha)) * scipy_log_softmax(z, axis=1))
    np.testing.assert_allclose(got.item(), want.sum(axis=1).mean(), rtol=1e-12)


# ------------------------------------------------------------- conventions


@pytest.mark.parametrize("k", [2, 3, 10, 32_000])
@pytest.mark.parametrize("eps", [0.0, 0.05, 0.1, 0.4])
def test_alpha_from_eps_builds_the_other_convention(k, eps):
    if eps > (k - 1) / k:
        pytest.skip("outside the convention's range for this K")
    other = np.full(k, eps / (k - 1))
    other[1] = 1 - eps
    np.testing.assert_allclose(smooth_labels(np.array([1]), k, alpha_from_eps(eps, k))[0], other, atol=1e-15)


def test_alpha_from_eps_boundary_and_errors():
    assert alpha_from_eps(0.5, 2) == 1.0  # the boundary: uniform target
    with pytest.raises(ValueError, match=r"eps must lie in \[0, 0.5\] for K = 2"):
        alpha_from_eps(0.6, 2)
    with pytest.raises(ValueError, match="eps must lie in"):
        alpha_from_eps(float("nan"), 10)


def fairseq_style_loss(z, labels, eps):
    """fairseq v0.12.3 label_smoothed_nll_loss, re-typed: eps_i = eps / (V - 1)."""
    log_p = scipy_log_softmax(z, axis=1)
    nll = -log_p[np.arange(len(labels)), labels]
    smooth = -log_p.sum(axis=1)
    eps_i = eps / (z.shape[1] - 1)
    return (1 - eps - eps_i) * nll + eps_i * smooth


def test_fairseq_loss_is_alpha_over_k_with_converted_alpha():
    rng = np.random.default_rng(8)
    z, labels, eps = rng.normal(size=(6, 9)), rng.integers(0, 9, size=6), 0.1
    targets = smooth_labels(labels, 9, alpha_from_eps(eps, 9))
    np.testing.assert_allclose(
        fairseq_style_loss(z, labels, eps),
        -(targets * scipy_log_softmax(z, axis=1)).sum(axis=1),
        rtol=1e-12,
    )


# ------------------------------------------------------------------- mixup


def timm_mixup_target(labels, num_classes, lam, smoothing):
    """timm v1.0.28 mixup_target, re-typed with NumPy: partner = the batch flipped."""
    off = smoothing / num_classes
    on = 1.0 - smoothing + off
    y1 = np.full((len(labels), num_classes), off)
    y1[np.arange(len(labels)), labels] = on
    y2 = y1[::-1]
    return y1 * lam + y2 * (1.0 - lam)


@FAST
@given(k=st.integers(2, 20), lam=st.floats(0.0, 1.0), alpha=alphas, seed=seeds)
def test_mixup_targets_match_timm_and_smooth_once(k, lam, alpha, seed):
    labels = np.random.default_rng(seed).integers(0, k, size=6)
    got = mixup_targets(labels, labels[::-1], lam, k, alpha)
    np.testing.assert_allclose(got, timm_mixup_target(labels, k, lam, alpha), atol=1e-12)
    mixed_one_hots = lam * np.eye(k)[labels] + (1 - lam) * np.eye(k)[labels[::-1]]
    np.testing.assert_allclose(got, smooth_targets(mixed_one_hots, alpha), atol=1e-12)


def test_mixup_targets_errors():
    with pytest.raises(ValueError, match="lam must lie in"):
        mixup_targets([0], [1], 1.2, 3, 0.1)
    with pytest.raises(ValueError, match="partner_labels must have the shape"):
        mixup_targets([0, 1], [1], 0.5, 3, 0.1)


# ------------------------------------------------------------------ binary


@FAST
@given(alpha=alphas, columns=st.integers(1, 12), seed=seeds)
def test_binary_targets_match_keras_and_optax_formulas(alpha, columns, seed):
    y = (np.random.default_rng(seed).random((5, columns)) < 0.3).astype(np.float64)
    # Keras 3.15.1 binary_crossentropy: y * (1 - ls) + 0.5 * ls
    np.testing.assert_allclose(binary_targets(y, alpha, "half"), y * (1 - alpha) + 0.5 * alpha)
    # optax 0.2.8 smooth_labels: (1 - alpha) * labels + alpha / size(labels, -1)
    np.testing.assert_allclose(
        binary_targets(y, alpha, "per_column"), (1 - alpha) * y + alpha / columns
    )


def test_one_column_per_column_leaves_positives_hard():
    y = np.array([[1.0], [0.0]])
    np.testing.assert_allclose(binary_targets(y, 0.1, "per_column"), [[1.0], [0.1]])
    np.testing.assert_allclose(binary_targets(y, 0.1, "half"), [[0.95], [0.05]])


def test_timm_bce_index_targets_are_the_per_column_convention():
    k, alpha = 4, 0.1
    labels = np.array([0, 3])
    off = alpha / k  # timm v1.0.28 BinaryCrossEntropy.forward with class-index targets
    timm = np.full((2, k), off)
    timm[np.arange(2), labels] = 1 - alpha + off
    np.testing.assert_allclose(binary_targets(np.eye(k)[labels], alpha, "per_column"), timm)


def test_binary_targets_errors():
    with pytest.raises(ValueError, match="convention must be 'half' or 'per_column'"):
        binary_targets([[1.0]], 0.1, "keras")
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\], got 2.0"):
        binary_targets([[2.0]], 0.1, "half")
    with pytest.raises(ValueError, match="got a scalar"):
        binary_targets(1.0, 0.1, "half")
