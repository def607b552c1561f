""""Label smoothing" in preference optimisation: a binary target smoothed toward 0.5.

DPO scores a preference pair by the reward margin h (the policy's log-ratio of chosen over
rejected, minus the reference model's) and minimises -log sigmoid(beta * h): a binary
cross-entropy whose target says "chosen wins" with probability 1. Conservative DPO assumes
each label is flipped with probability eps and uses the target 1 - eps instead, which is what
torchtune 0.6.1's ``DPOLoss(label_smoothing=eps)`` computes. That is the "toward 0.5" binary
convention of snippets/soft_targets.py with alpha = 2 eps, and like any smoothed target it
gives the margin a finite optimum. TRL 1.16.0's ``loss_type="robust"`` reads the same
argument but de-biases the loss instead: it has no finite optimum.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import FloatArray


def _check(beta: float, flip: float, upper: float = 0.5) -> None:
    if not beta > 0:
        raise ValueError(f"beta must be positive, got {beta}")
    if not 0.0 <= flip < upper:
        raise ValueError(f"flip must lie in [0, {upper}), got {flip}")


def _softplus(x: FloatArray) -> FloatArray:
    return np.logaddexp(0.0, x)  # -log sigmoid(-x), without overflow


# --8<-- [start:conservative_dpo]
def conservative_dpo_loss(margin: npt.ArrayLike, beta: float, flip: float) -> FloatArray:
    """-(1 - eps) log sigmoid(beta h) - eps log sigmoid(-beta h): cross-entropy against 1 - eps."""
    _check(beta, flip, upper=1.0)
    x = beta * np.asarray(margin, dtype=np.float64)
    return (1 - flip) * _softplus(-x) + flip * _softplus(x)


def optimal_reward_margin(beta: float, flip: float) -> float:
    """The margin where the conservative loss is smallest: sigmoid(beta h) = 1 - eps."""
    _check(beta, flip)
    if flip == 0:
        return float("inf")  # plain DPO: the margin is pushed up without end
    return float(np.log((1 - flip) / flip) / beta)


def robust_dpo_loss(margin: npt.ArrayLike, beta: float, flip: float) -> FloatArray:
    """TRL's "robust" loss: ((1 - eps) l(h) - eps l(-h)) / (1 - 2 eps), l(h) = -log sigmoid(beta h)."""
    _check(beta, flip)
    x = beta * np.asarray(margin, dtype=np.float64)
    return ((1 - flip) * _softplus(-x) - flip * _softplus(x)) / (1 - 2 * flip)
# --8<-- [end:conservative_dpo]
