"""F.cross_entropy with label smoothing on half-precision logits, on the CPU.

Checks snippets.half_precision's overflow predictions against PyTorch, that the hard
loss stays finite, and the fixes: upcasting, autocast, the chunked linear loss.
PyTorch is optional (requirements-torch.txt); without it this module skips.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip(
    "torch",
    reason="PyTorch not installed: half-precision tests skipped (pip install -r requirements-torch.txt)",
)
F = torch.nn.functional

from snippets.half_precision import (
    float16_overflow_vocabulary,
    gaussian_logits,
)  # noqa: E402
from snippets.torch_label_smoothing import smoothed_linear_cross_entropy  # noqa: E402

pytestmark = pytest.mark.torch


def loss(k, std, n, reduction, alpha=0.1, dtype=torch.float16):
    logits = torch.from_numpy(gaussian_logits(n, k, std)).to(dtype)
    labels = torch.arange(n) % k
    return F.cross_entropy(logits, labels, label_smoothing=alpha, reduction=reduction)


@pytest.mark.parametrize("std", [0.5, 1.0, 4.0, 8.0])
@pytest.mark.parametrize(
    ("n", "reduction"), [(1, "none"), (8, "mean"), (8, "sum"), (4096, "mean")]
)
def test_pytorch_overflows_where_predicted(std, n, reduction):
    k = float16_overflow_vocabulary(std, n, reduction)
    # PyTorch's float16 log-softmax rounds each term: allow the threshold to move by 0.1 %.
    slack = max(1, k // 1000)
    assert torch.isfinite(loss(k - slack, std, n, reduction)).all()
    assert torch.isinf(loss(k + slack, std, n, reduction)).any()
    assert torch.isinf(loss(2 * k, std, n, reduction)).any()


@pytest.mark.parametrize("std", [1.0, 4.0])
@pytest.mark.parametrize("seed", range(5))
def test_every_draw_of_the_quoted_range_overflows_where_predicted(std, seed):
    # The scale page quotes float16_overflow_range over seeds 0-4: each draw's threshold holds.
    k = float16_overflow_vocabulary(std, seed=seed)
    for classes, overflows in ((k - 8, False), (k + 8, True)):
        logits = torch.from_numpy(gaussian_logits(1, classes, std, seed))
        got = F.cross_entropy(logits, torch.tensor([0]), label_smoothing=0.1, reduction="none")
        assert bool(torch.isinf(got).any()) == overflows


@pytest.mark.parametrize(("n", "reduction"), [(1, "none"), (64, "mean")])
def test_without_smoothing_the_loss_stays_finite(n, reduction):
    k = 4 * float16_overflow_vocabulary(1.0, n, reduction)
    assert torch.isinf(loss(k, 1.0, n, reduction)).any()
    assert torch.isfinite(loss(k, 1.0, n, reduction, alpha=0.0)).all()


def test_upcasting_and_autocast_fix_it():
    k = 2 * float16_overflow_vocabulary(1.0)
    logits = torch.from_numpy(gaussian_logits(16, k, 1.0))  # float16
    labels = torch.arange(16)
    reference = F.cross_entropy(logits.double(), labels, label_smoothing=0.1)
    assert torch.isinf(F.cross_entropy(logits, labels, label_smoothing=0.1))
    upcast = F.cross_entropy(logits.float(), labels, label_smoothing=0.1)
    torch.testing.assert_close(upcast.double(), reference, rtol=1e-6, atol=0)
    # CPU autocast lists cross_entropy_loss under its fp32 policy (aten/src/ATen/autocast_mode.cpp).
    with torch.autocast("cpu", dtype=torch.float16):
        autocast = F.cross_entropy(logits, labels, label_smoothing=0.1)
        assert (
            F.log_softmax(logits, dim=1).dtype == torch.float16
        )  # not upcast by itself
    assert autocast.dtype == torch.float32
    torch.testing.assert_close(autocast.double(), reference, rtol=1e-6, atol=0)


def autocast_keys(op):
    """The autocast dispatch keys that have a kernel registered for an ATen operator."""
    return {line.split(":")[0] for line in torch._C._dispatch_dump(op).splitlines() if line.startswith("Autocast")}


def test_cuda_autocast_upcasts_what_a_hand_written_loss_uses():
    # The scale page's advice by device: CUDA autocast has fp32 kernels for log_softmax,
    # softmax and sum (AT_FORALL_FP32_SET_OPT_DTYPE) and nll_loss; CPU autocast only for the
    # composite cross_entropy_loss (and nll_loss), not for log_softmax.
    for op in ("aten::log_softmax.int", "aten::softmax.int", "aten::sum", "aten::nll_loss"):
        assert "AutocastCUDA" in autocast_keys(op), op
    assert "AutocastCPU" not in autocast_keys("aten::log_softmax.int")
    assert "AutocastCPU" in autocast_keys("aten::cross_entropy_loss")
    assert torch.get_autocast_dtype("cpu") == torch.bfloat16
    assert torch.get_autocast_dtype("cuda") == torch.float16


def test_the_chunked_linear_loss_accumulates_in_float32():
    d, k = 16, 2 * float16_overflow_vocabulary(1.0)
    g = torch.Generator().manual_seed(0)
    hidden = torch.randn(8, d, generator=g).half()
    head_weight = (torch.randn(k, d, generator=g) / d**0.5).half()
    labels = torch.arange(8)
    assert torch.isinf(
        F.cross_entropy(hidden @ head_weight.T, labels, label_smoothing=0.1)
    )
    got = smoothed_linear_cross_entropy(hidden, head_weight, labels, 0.1)
    expected = F.cross_entropy(
        hidden.double() @ head_weight.double().T, labels, label_smoothing=0.1
    )
    torch.testing.assert_close(got.double(), expected, rtol=1e-5, atol=0)


@pytest.mark.parametrize("k", [1_000, 32_000, 128_000])
@pytest.mark.parametrize("std", [1.0, 4.0])
def test_bfloat16_does_not_overflow_but_rounds_to_within_one_percent(k, std):
    logits = torch.from_numpy(gaussian_logits(64, k, std)).bfloat16()
    labels = torch.arange(64) % k
    got = F.cross_entropy(logits, labels, label_smoothing=0.1, reduction="none")
    exact = F.cross_entropy(
        logits.double(), labels, label_smoothing=0.1, reduction="none"
    )
    error = ((got.double() - exact).abs() / exact).max().item()
    assert torch.isfinite(got).all()
    assert (
        1e-4 < error < 0.01
    )  # bfloat16 keeps 8 significant bits: about 0.4 % per rounding
