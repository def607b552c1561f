"""Tensor-parallel label smoothing (snippets/vocab_parallel.py): the global mode against
PyTorch's F.cross_entropy, the partition mode against the per-slice formula written out,
and the float32 underflow of the log-of-exp form."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp

from snippets.soft_targets import alpha_from_eps
from snippets.vocab_parallel import (
    float32_exp_underflow_gap,
    vocab_parallel_smoothed_cross_entropy,
)

torch = pytest.importorskip("torch", reason="PyTorch not installed: vocab-parallel tests skipped")
F = torch.nn.functional
pytestmark = pytest.mark.torch


def pytorch_loss(z, labels, alpha):
    """PyTorch's per-position smoothed loss (alpha/K over the whole vocabulary), float64."""
    return F.cross_entropy(torch.from_numpy(z), torch.from_numpy(labels), label_smoothing=alpha,
                           reduction="none").numpy()


@st.composite
def problems(draw):
    ranks = draw(st.sampled_from([1, 2, 4, 8]))
    vocabulary = ranks * draw(st.integers(2, 40))
    n = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from([1e-3, 1.0, 10.0, 60.0]))  # up to gaps near float32's exp limit
    rng = np.random.default_rng(seed)
    z = scale * rng.standard_normal((n, vocabulary))
    if draw(st.booleans()):  # awkward rows: ties, a constant row, a huge common offset
        z[0] = 5.0
        z[-1] += 1e6
    labels = rng.integers(0, vocabulary, size=n)
    alpha = draw(st.sampled_from([0.0, 0.05, 0.1, 0.5, 0.99]))
    return z, labels, alpha, ranks


@settings(max_examples=60, deadline=None)
@given(problems())
def test_global_mode_is_pytorch_on_every_rank(problem):
    z, labels, alpha, ranks = problem
    got = vocab_parallel_smoothed_cross_entropy(z, labels, alpha, ranks=ranks)
    assert got.shape == (ranks, len(labels))
    np.testing.assert_allclose(got, np.broadcast_to(pytorch_loss(z, labels, alpha), got.shape),
                               rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_global_megatron_formula_is_eps_over_v_minus_1(problem):
    z, labels, eps, ranks = problem
    vocabulary = z.shape[1]
    if eps * vocabulary / (vocabulary - 1) >= 1:
        return  # not a valid target under the epsilon/(V-1) convention
    got = vocab_parallel_smoothed_cross_entropy(z, labels, eps, ranks=ranks, formula="megatron")
    expected = pytorch_loss(z, labels, alpha_from_eps(eps, vocabulary))
    np.testing.assert_allclose(got, np.broadcast_to(expected, got.shape), rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(problems(), st.sampled_from(["pytorch", "megatron"]))
def test_partition_mode_averages_each_rank_slice(problem, formula):
    z, labels, alpha, ranks = problem
    got = vocab_parallel_smoothed_cross_entropy(z, labels, alpha, ranks=ranks, mode="partition", formula=formula)
    size = z.shape[1] // ranks
    a = alpha * size / (size - 1) if formula == "megatron" else alpha
    lse = logsumexp(z, axis=1)
    hard = lse - z[np.arange(len(labels)), labels]
    for r in range(ranks):
        own = z[:, r * size:(r + 1) * size]
        expected = (1 - a) * hard + a * (lse - own.mean(axis=1))
        np.testing.assert_allclose(got[r], expected, rtol=1e-9, atol=1e-9 * (1 + np.abs(z).max()))


def test_partition_ranks_disagree_but_alpha_over_k_averages_out():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(6, 64))
    z[:, :16] += 3.0  # the first rank's slice holds the likelier tokens
    labels = rng.integers(0, 64, size=6)
    exact = pytorch_loss(z, labels, 0.1)
    one_rank = vocab_parallel_smoothed_cross_entropy(z, labels, 0.1, ranks=1, mode="partition")
    np.testing.assert_allclose(one_rank[0], exact, rtol=1e-12)  # one rank sees everything
    split = vocab_parallel_smoothed_cross_entropy(z, labels, 0.1, ranks=4, mode="partition")
    assert (np.ptp(split, axis=0) > 0.2).all()  # every position gets four different losses
    # With alpha/K and equal slices, the mean of the slice means is the whole mean...
    np.testing.assert_allclose(split.mean(axis=0), exact, rtol=1e-12)
    # ...but Megatron's alpha K/(K-1) uses the slice's K, so even the average is off.
    megatron = vocab_parallel_smoothed_cross_entropy(z, labels, 0.1, ranks=4, mode="partition", formula="megatron")
    exact_megatron = pytorch_loss(z, labels, alpha_from_eps(0.1, 64))
    assert not np.allclose(megatron.mean(axis=0), exact_megatron, rtol=1e-6)


def test_float32_exp_underflow_gap():
    for flush, gap in ((False, float32_exp_underflow_gap()), (True, float32_exp_underflow_gap(True))):
        assert np.exp(np.float32(-(gap + 0.01))) == 0 or flush  # NumPy keeps subnormals
        assert np.exp(np.float32(-(gap - 0.01))) > 0
    assert float32_exp_underflow_gap() == pytest.approx(103.972, abs=1e-3)
    assert float32_exp_underflow_gap(True) == pytest.approx(87.337, abs=1e-3)
    assert np.finfo(np.float32).tiny == pytest.approx(np.exp(-float32_exp_underflow_gap(True)), rel=1e-6)


@pytest.mark.parametrize("ranks", [1, 4])
@pytest.mark.parametrize("mode", ["global", "partition"])
def test_log_of_exp_turns_a_far_logit_into_an_infinite_loss(ranks, mode):
    rng = np.random.default_rng(1)
    z = rng.normal(size=(3, 16))
    labels = np.array([0, 5, 9])
    kwargs = dict(ranks=ranks, mode=mode)
    # Moderate gaps: the two ways of taking the mean log-probability agree.
    np.testing.assert_allclose(
        vocab_parallel_smoothed_cross_entropy(z, labels, 0.1, mean_log_prob="exp", **kwargs),
        vocab_parallel_smoothed_cross_entropy(z, labels, 0.1, **kwargs), rtol=1e-6)
    far = z.copy()
    far[1, 12] = far[1].max() - float32_exp_underflow_gap() - 1  # one wrong token very unlikely
    exp_form = vocab_parallel_smoothed_cross_entropy(far, labels, 0.1, mean_log_prob="exp", **kwargs)
    finite = vocab_parallel_smoothed_cross_entropy(far, labels, 0.1, **kwargs)
    assert np.isfinite(finite).all()
    assert np.isinf(exp_form[:, 1]).any() and np.isfinite(exp_form[:, [0, 2]]).all()
    if mode == "global":
        np.testing.assert_allclose(finite[0], pytorch_loss(far, labels, 0.1), rtol=1e-12)
    # Without smoothing the far logit costs nothing: the hard loss never takes its log.
    assert np.isfinite(vocab_parallel_smoothed_cross_entropy(far, labels, 0.0, mean_log_prob="exp", **kwargs)).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(ranks=3), r"ranks must be a positive integer dividing V = 8 into slices of at least 2, got 3"),
        (dict(ranks=8), r"ranks must be a positive integer dividing V = 8 into slices of at least 2, got 8"),
        (dict(ranks=0), r"got 0"),
        (dict(ranks=2, mode="local"), r"mode must be 'global' or 'partition', got 'local'"),
        (dict(ranks=2, formula="nemo"), r"formula must be 'pytorch' or 'megatron', got 'nemo'"),
        (dict(ranks=2, mean_log_prob="log"), r"mean_log_prob must be 'logits' or 'exp', got 'log'"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        vocab_parallel_smoothed_cross_entropy(np.zeros((2, 8)), np.array([0, 1]), 0.1, **kwargs)


def test_bad_inputs():
    z, y = np.zeros((2, 8)), np.array([0, 1])
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\), got 1.0"):
        vocab_parallel_smoothed_cross_entropy(z, y, 1.0, ranks=2)
    with pytest.raises(ValueError, match=r"logits must have shape \(N, V\), got shape \(2, 2, 8\)"):
        vocab_parallel_smoothed_cross_entropy(np.zeros((2, 2, 8)), y, 0.1, ranks=2)
    with pytest.raises(ValueError, match=r"logits must be finite"):
        vocab_parallel_smoothed_cross_entropy(np.full((2, 8), np.nan), y, 0.1, ranks=2)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 8\), got 8"):
        vocab_parallel_smoothed_cross_entropy(z, np.array([0, 8]), 0.1, ranks=2)
