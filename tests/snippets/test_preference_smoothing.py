"""Conservative and robust DPO losses (snippets/preference_smoothing.py) against PyTorch's
binary cross-entropy and the formulas in torchtune 0.6.1 and TRL 1.16.0, on generated margins."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.preference_smoothing import conservative_dpo_loss, optimal_reward_margin, robust_dpo_loss
from snippets.soft_targets import binary_targets

torch = pytest.importorskip("torch", reason="PyTorch not installed: preference tests skipped")
F = torch.nn.functional
pytestmark = pytest.mark.torch

margins = st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=20).map(np.array)
betas = st.sampled_from([0.01, 0.1, 0.5, 5.0])
flips = st.sampled_from([0.0, 1e-3, 0.1, 0.3, 0.49])


@settings(max_examples=80, deadline=None)
@given(margins, betas, flips)
def test_conservative_dpo_is_cross_entropy_against_one_minus_eps(h, beta, eps):
    x = torch.tensor(beta * h)
    bce = F.binary_cross_entropy_with_logits(x, torch.full_like(x, 1 - eps), reduction="none")
    torchtune = -F.logsigmoid(x) * (1 - eps) - F.logsigmoid(-x) * eps  # DPOLoss, torchtune 0.6.1
    got = conservative_dpo_loss(h, beta, eps)
    np.testing.assert_allclose(got, bce.numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got, torchtune.numpy(), rtol=1e-9, atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(margins, betas, flips)
def test_robust_dpo_matches_trl(h, beta, eps):
    x = torch.tensor(beta * h)
    trl = (-(1 - eps) * F.logsigmoid(x) + eps * F.logsigmoid(-x)) / (1 - 2 * eps)  # TRL 1.16.0 "robust"
    np.testing.assert_allclose(robust_dpo_loss(h, beta, eps), trl.numpy(), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("eps", [1e-3, 0.05, 0.1, 0.3])
@pytest.mark.parametrize("beta", [0.1, 1.0])
def test_the_conservative_margin_stops_and_the_robust_one_does_not(eps, beta):
    h_star = optimal_reward_margin(beta, eps)
    grid = h_star + np.linspace(-1, 1, 2001) / beta
    assert abs(grid[conservative_dpo_loss(grid, beta, eps).argmin()] - h_star) < 2e-3 / beta
    # The target is Keras's "toward 0.5" with alpha = 2 eps: the same finite optimum.
    target = binary_targets(np.array([[1.0]]), 2 * eps, "half")[0, 0]
    assert np.isclose(1 / (1 + np.exp(-beta * h_star)), target)
    # The robust loss keeps falling as the margin grows: no finite optimum.
    far = np.array([h_star, 10 * h_star, 100 * h_star])
    assert (np.diff(robust_dpo_loss(far, beta, eps)) < 0).all()


def test_plain_dpo_has_no_finite_margin():
    assert optimal_reward_margin(0.1, 0.0) == float("inf")
    assert (np.diff(conservative_dpo_loss(np.array([1.0, 10.0, 100.0]), 0.1, 0.0)) < 0).all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: conservative_dpo_loss([0.0], 0.0, 0.1), r"beta must be positive, got 0.0"),
        (lambda: conservative_dpo_loss([0.0], 0.1, 1.0), r"flip must lie in \[0, 1.0\), got 1.0"),
        (lambda: optimal_reward_margin(0.1, 0.5), r"flip must lie in \[0, 0.5\), got 0.5"),
        (lambda: robust_dpo_loss([0.0], 0.1, -0.1), r"flip must lie in \[0, 0.5\), got -0.1"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
