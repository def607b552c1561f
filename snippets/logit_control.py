"""What large-model pre-training uses to keep logits in check, next to label smoothing.

* z-loss (PaLM): add ``coefficient * lse(z)**2`` per position, which pulls the log-normaliser
  ``lse(z) = log sum_k exp(z_k)`` toward 0. Shifting every logit by the same constant changes
  it, while cross-entropy and its smoothed form, which depend only on logit differences, do
  not notice the shift.
* final-logit soft-capping (Gemma 2): ``cap * tanh(z / cap)`` keeps every logit inside
  ``(-cap, cap)``, so no two logits are ever more than ``2 * cap`` apart.

Label smoothing instead bounds the *gap* between the true and the wrong logits
(snippets/label_smoothing.py, ``optimal_logit_gap``) and leaves ``lse(z)`` free.
``tests/snippets/test_logit_control.py`` checks both against PyTorch.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import FloatArray, _check_finite, _check_logits, softmax


def _check_positive(value: float, name: str) -> float:
    if not value > 0:  # written this way round so NaN fails too
        raise ValueError(f"{name} must be positive, got {value}")
    return float(value)


# --8<-- [start:logit_control]
def log_normalizer(logits: npt.ArrayLike) -> FloatArray:
    """``lse(z) = log sum_k exp(z_k)`` over the last axis, computed without overflow."""
    z = _check_logits(logits)
    _check_finite(z, "logits")
    top = z.max(axis=-1, keepdims=True)
    return (top + np.log(np.exp(z - top).sum(axis=-1, keepdims=True)))[..., 0]


def z_loss(logits: npt.ArrayLike, coefficient: float = 1e-4) -> FloatArray:
    """PaLM's auxiliary loss per position: ``coefficient * lse(z)**2``."""
    return _check_positive(coefficient, "coefficient") * log_normalizer(logits) ** 2


def z_loss_grad(logits: npt.ArrayLike, coefficient: float = 1e-4) -> FloatArray:
    """Its gradient: ``2 * coefficient * lse(z) * softmax(z)``, zero where ``lse(z) = 0``."""
    lse = log_normalizer(logits)
    return 2 * _check_positive(coefficient, "coefficient") * lse[..., None] * softmax(logits)


def soft_cap(logits: npt.ArrayLike, cap: float = 30.0) -> FloatArray:
    """Gemma 2's final-logit soft-capping: ``cap * tanh(z / cap)``, inside (-cap, cap)."""
    z = _check_logits(logits)
    _check_finite(z, "logits")
    cap = _check_positive(cap, "cap")
    return cap * np.tanh(z / cap)


def max_soft_capped_gap(cap: float = 30.0) -> float:
    """The bound on any difference between two soft-capped logits: ``2 * cap``."""
    return 2 * _check_positive(cap, "cap")
# --8<-- [end:logit_control]
