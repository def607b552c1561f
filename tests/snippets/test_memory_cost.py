"""snippets/memory_cost.py: the dense form equals the library's loss; the peak measure sees (N, K) arrays."""

import numpy as np
import pytest

from snippets.label_smoothing import smoothed_cross_entropy
from snippets.memory_cost import dense_smoothed_cross_entropy, peak_traced_bytes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("alpha", [0.0, 0.1, 1.0])
def test_dense_form_equals_the_library(dtype, alpha):
    rng = np.random.default_rng(7)
    logits = (5 * rng.normal(size=(64, 300))).astype(dtype)
    labels = rng.integers(0, 300, size=64)
    expected = float(smoothed_cross_entropy(logits.astype(np.float64), labels, alpha))
    assert dense_smoothed_cross_entropy(logits, labels, alpha) == pytest.approx(expected, rel=1e-5 if dtype == np.float32 else 1e-12)


def test_peak_sees_a_temporary_and_not_what_existed_before():
    n_bytes = 8 * 1_000_000
    existing = np.ones(1_000_000)  # allocated before: not counted
    peak = peak_traced_bytes(lambda: np.ones(1_000_000) + existing)
    assert n_bytes <= peak < 3 * n_bytes
    assert peak_traced_bytes(lambda: None) < 10_000


def test_dense_form_holds_several_n_by_k_arrays_and_the_library_does_not():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(512, 2000))
    labels = rng.integers(0, 2000, size=512)
    dense = peak_traced_bytes(lambda: dense_smoothed_cross_entropy(logits, labels, 0.1))
    chunked = peak_traced_bytes(lambda: smoothed_cross_entropy(logits, labels, 0.1))
    assert dense >= 2 * logits.nbytes > 10 * chunked
