"""The NumPy library against PyTorch, to 1e-6 in float64.

PyTorch is optional (requirements-torch.txt); without it this whole module skips and says why.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip(
    "torch",
    reason="PyTorch not installed: parity tests skipped (pip install -r requirements-torch.txt)",
)
F = torch.nn.functional

from snippets.distillation import (
    distillation_loss,
    distillation_loss_grad,
)  # noqa: E402
from snippets.label_smoothing import (  # noqa: E402
    log_softmax,
    smooth_targets,
    smoothed_cross_entropy,
    smoothed_cross_entropy_grad,
)
from snippets.torch_label_smoothing import (  # noqa: E402
    torch_loss,
    torch_manual_loss,
    torch_soft_targets_loss,
)

pytestmark = pytest.mark.torch
TOL = dict(rtol=1e-6, atol=1e-6)


def torch_reference(
    z, labels, alpha, *, reduction="mean", ignore_index=None, weight=None
):
    """PyTorch's loss and autograd gradient for NumPy inputs with classes on the last axis."""
    # PyTorch wants classes on dim 1 for (N, C, d1, ...): move them there and back.
    logits = torch.tensor(
        np.moveaxis(z, -1, 1) if z.ndim > 1 else z, requires_grad=True
    )
    options = dict(reduction=reduction, label_smoothing=alpha)
    if ignore_index is not None:
        options["ignore_index"] = ignore_index
    if weight is not None:
        options["weight"] = torch.tensor(weight)
    loss = F.cross_entropy(logits, torch.tensor(labels), **options)
    loss.sum().backward()
    grad = logits.grad.numpy()
    return loss.detach().numpy(), (np.moveaxis(grad, 1, -1) if z.ndim > 1 else grad)


def assert_parity(z, labels, alpha, **options):
    expected_loss, expected_grad = torch_reference(z, labels, alpha, **options)
    loss = smoothed_cross_entropy(z, labels, alpha, **options)
    grad = smoothed_cross_entropy_grad(z, labels, alpha, **options)
    assert np.shape(loss) == expected_loss.shape
    np.testing.assert_allclose(loss, expected_loss, **TOL)
    np.testing.assert_allclose(grad, expected_grad, **TOL)


def problem(seed, shape, k, scale=3.0):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=scale, size=shape + (k,)), rng.integers(0, k, size=shape)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.37, 1.0])
@pytest.mark.parametrize("k", [2, 7])
@pytest.mark.parametrize("weighted", [False, True])
def test_every_reduction_alpha_k_and_weight(reduction, alpha, k, weighted):
    z, labels = problem(k, (9,), k)
    weight = np.random.default_rng(1).uniform(0.1, 3.0, size=k) if weighted else None
    assert_parity(z, labels, alpha, reduction=reduction, weight=weight)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("ignore_index", [-100, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_ignore_index(reduction, ignore_index, weighted):
    z, labels = problem(2, (12,), 5)
    labels[[0, 5, 6]] = ignore_index
    weight = np.linspace(0.5, 2.5, 5) if weighted else None
    assert_parity(
        z, labels, 0.2, reduction=reduction, ignore_index=ignore_index, weight=weight
    )


@pytest.mark.parametrize("shape", [(2, 3, 4), (2, 1, 3, 2)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_batch_shapes_with_three_or_more_dims(shape, reduction):
    z, labels = problem(3, shape, 6)
    labels.flat[[1, 7]] = -100
    assert_parity(
        z,
        labels,
        0.1,
        reduction=reduction,
        ignore_index=-100,
        weight=np.arange(1.0, 7.0),
    )


def test_single_example_without_batch_axis():
    z, labels = problem(4, (), 5)
    assert_parity(z, labels, 0.1, reduction="none")


def test_everything_ignored_matches_pytorch():
    # PyTorch: mean is NaN (0/0), yet the gradient is 0 everywhere, not NaN.
    z, _ = problem(5, (4,), 3)
    labels = np.full(4, -100)
    for reduction in ("none", "mean", "sum"):
        expected_loss, expected_grad = torch_reference(
            z, labels, 0.1, reduction=reduction, ignore_index=-100
        )
        options = dict(reduction=reduction, ignore_index=-100)
        # assert_array_equal treats NaN as equal to NaN.
        np.testing.assert_array_equal(
            smoothed_cross_entropy(z, labels, 0.1, **options), expected_loss
        )
        np.testing.assert_array_equal(
            smoothed_cross_entropy_grad(z, labels, 0.1, **options), expected_grad
        )
        assert np.isnan(expected_loss).all() == (reduction == "mean")
        assert (expected_grad == 0).all()


def test_zero_total_weight_matches_pytorch():
    # PyTorch: mean is NaN and so is every gradient entry.
    z, _ = problem(6, (4,), 3)
    labels = np.zeros(4, dtype=np.int64)
    weight = np.array([0.0, 1.0, 2.0])
    expected_loss, expected_grad = torch_reference(z, labels, 0.1, weight=weight)
    assert np.isnan(expected_loss) and np.isnan(expected_grad).all()
    assert np.isnan(smoothed_cross_entropy(z, labels, 0.1, weight=weight))
    assert np.isnan(smoothed_cross_entropy_grad(z, labels, 0.1, weight=weight)).all()


def test_huge_float32_logits_agree():
    rng = np.random.default_rng(7)
    z = (rng.normal(size=(16, 100)) * 1e4).astype(np.float32)
    labels = rng.integers(0, 100, size=16)
    expected = F.cross_entropy(
        torch.from_numpy(z),
        torch.from_numpy(labels),
        label_smoothing=0.1,
        reduction="none",
    )
    got = smoothed_cross_entropy(z, labels, 0.1, reduction="none")
    assert got.dtype == np.float32 and np.isfinite(got).all()
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-5)


def test_probability_targets_are_smoothed_the_same_way():
    rng = np.random.default_rng(8)
    z = rng.normal(size=(6, 5))
    targets = rng.dirichlet(np.ones(5), size=6)
    expected = F.cross_entropy(
        torch.tensor(z), torch.tensor(targets), label_smoothing=0.3, reduction="none"
    )
    got = -(smooth_targets(targets, 0.3) * log_softmax(z)).sum(axis=-1)
    np.testing.assert_allclose(got, expected.numpy(), **TOL)


def test_pytorch_tab_code_agrees_with_numpy():
    z, labels = problem(9, (10,), 6)
    zt, yt = torch.tensor(z), torch.tensor(labels)
    expected = smoothed_cross_entropy(z, labels, 0.1)
    np.testing.assert_allclose(torch_loss(zt, yt, 0.1).item(), expected, **TOL)
    np.testing.assert_allclose(torch_manual_loss(zt, yt, 0.1).item(), expected, **TOL)
    one_hot = np.eye(6)[labels]
    np.testing.assert_allclose(
        torch_soft_targets_loss(zt, torch.tensor(one_hot), 0.1).item(), expected, **TOL
    )


def test_pytorch_tab_code_on_three_dim_input():
    z, labels = problem(10, (2, 4), 5)  # NumPy layout (N, d1, C)
    expected = smoothed_cross_entropy(z, labels, 0.2)
    got = torch_loss(
        torch.tensor(np.moveaxis(z, -1, 1)), torch.tensor(labels), 0.2
    )  # torch layout (N, C, d1)
    np.testing.assert_allclose(got.item(), expected, **TOL)


@pytest.mark.parametrize(
    ("temperature", "soft_weight"), [(1.0, 0.5), (4.0, 0.9), (0.5, 1.0)]
)
def test_distillation_against_autograd(temperature, soft_weight):
    rng = np.random.default_rng(11)
    student, teacher = rng.normal(scale=2, size=(2, 8, 5))
    labels = rng.integers(0, 5, size=8)
    zs = torch.tensor(student, requires_grad=True)
    soft = F.kl_div(
        F.log_softmax(zs / temperature, dim=-1),
        F.log_softmax(torch.tensor(teacher) / temperature, dim=-1),
        reduction="batchmean",
        log_target=True,
    )
    loss = (1 - soft_weight) * F.cross_entropy(
        zs, torch.tensor(labels)
    ) + soft_weight * temperature**2 * soft
    loss.backward()
    np.testing.assert_allclose(
        distillation_loss(student, teacher, labels, temperature, soft_weight),
        loss.item(),
        **TOL,
    )
    np.testing.assert_allclose(
        distillation_loss_grad(student, teacher, labels, temperature, soft_weight),
        zs.grad.numpy(),
        **TOL,
    )
