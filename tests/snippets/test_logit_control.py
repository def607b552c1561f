"""z-loss and soft-capping (snippets/logit_control.py) against PyTorch, on generated logits
including huge, tiny, tied and one-class-dominant rows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.label_smoothing import smoothed_cross_entropy
from snippets.logit_control import (
    log_normalizer,
    max_soft_capped_gap,
    soft_cap,
    z_loss,
    z_loss_grad,
)

torch = pytest.importorskip("torch", reason="PyTorch not installed: logit-control tests skipped")
pytestmark = pytest.mark.torch


@st.composite
def logits(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    shape = (draw(st.integers(1, 5)), draw(st.integers(2, 300)))
    z = draw(st.sampled_from([1e-6, 1.0, 30.0, 1e4])) * rng.standard_normal(shape)
    if draw(st.booleans()):
        z[0] = 7.0           # a tied row
        z[-1, 0] += 500.0    # one dominant class
    return z + draw(st.sampled_from([0.0, -1e3, 1e3]))


@settings(max_examples=60, deadline=None)
@given(logits(), st.sampled_from([1e-4, 1e-2, 1.0]))
def test_z_loss_and_its_gradient_match_pytorch(z, coefficient):
    t = torch.tensor(z, requires_grad=True)
    reference = coefficient * torch.logsumexp(t, dim=-1) ** 2
    reference.sum().backward()
    np.testing.assert_allclose(log_normalizer(z), torch.logsumexp(t, -1).detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z_loss(z, coefficient), reference.detach().numpy(), rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(z_loss_grad(z, coefficient), t.grad.numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(logits(), st.sampled_from([1.0, 30.0, 50.0]))
def test_soft_cap_matches_pytorch_and_bounds_every_gap(z, cap):
    capped = soft_cap(z, cap)
    np.testing.assert_allclose(capped, (cap * torch.tanh(torch.tensor(z) / cap)).numpy(), rtol=1e-12, atol=1e-12)
    assert (np.abs(capped) <= cap).all()
    assert (np.ptp(capped, axis=-1) <= max_soft_capped_gap(cap)).all()
    # Monotone: the top logit stays on top (saturated logits far beyond the cap may tie with it).
    rows = np.arange(len(z))
    assert (capped[rows, z.argmax(-1)] == capped.max(-1)).all()


def test_smoothing_ignores_a_shift_that_z_loss_sees():
    rng = np.random.default_rng(0)
    z, labels = rng.normal(size=(4, 10)), rng.integers(0, 10, size=4)
    shifted = z + 5.0
    assert np.isclose(smoothed_cross_entropy(shifted, labels, 0.1), smoothed_cross_entropy(z, labels, 0.1))
    np.testing.assert_allclose(log_normalizer(shifted), log_normalizer(z) + 5.0)
    assert (z_loss(shifted) > z_loss(z)).all()
    # z-loss is zero, with zero gradient, once lse(z) = 0: the shift that normalises z.
    normalised = z - log_normalizer(z)[:, None]
    np.testing.assert_allclose(z_loss(normalised), 0, atol=1e-30)
    np.testing.assert_allclose(z_loss_grad(normalised), 0, atol=1e-18)


def test_the_gemma_2_cap_keeps_gaps_inside_float32_exp_range():
    from snippets.vocab_parallel import float32_exp_underflow_gap

    assert max_soft_capped_gap(30.0) == 60.0 < float32_exp_underflow_gap(flush_subnormals=True)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: z_loss(np.zeros((2, 3)), 0.0), r"coefficient must be positive, got 0.0"),
        (lambda: z_loss_grad(np.zeros((2, 3)), float("nan")), r"coefficient must be positive, got nan"),
        (lambda: soft_cap(np.zeros((2, 3)), -1.0), r"cap must be positive, got -1.0"),
        (lambda: max_soft_capped_gap(0), r"cap must be positive, got 0"),
        (lambda: soft_cap(np.array([[1.0, np.inf]])), r"logits must be finite"),
        (lambda: log_normalizer(np.zeros((2, 1))), r"logits must have at least 2 classes"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
