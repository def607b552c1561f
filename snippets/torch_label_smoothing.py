"""The same label-smoothed loss in PyTorch, for the page's "PyTorch" tab.

PyTorch is not a dependency of the site: install it with
``pip install -r requirements-torch.txt``. Note PyTorch puts the classes on
dimension 1 for inputs of shape (N, C, d1, ...), while the NumPy code uses the last axis.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


# --8<-- [start:torch_loss]
def torch_loss(
    logits: torch.Tensor, labels: torch.Tensor, alpha: float = 0.1
) -> torch.Tensor:
    """Mean label-smoothed cross-entropy, PyTorch's built-in way (PyTorch >= 1.10).

    ``logits`` has shape (N, C) or (N, C, d1, ...); ``labels`` holds class indices.
    """
    return F.cross_entropy(logits, labels, label_smoothing=alpha)
# --8<-- [end:torch_loss]


# --8<-- [start:torch_manual_loss]
def torch_manual_loss(
    logits: torch.Tensor, labels: torch.Tensor, alpha: float = 0.1
) -> torch.Tensor:
    """The same loss written out: (1 - alpha) * NLL + alpha * mean_k(-log p_k).

    ``logits`` has shape (N, C) here, classes last; no (N, C) target is built.
    """
    log_p = F.log_softmax(logits, dim=-1)
    nll = -log_p.gather(-1, labels.unsqueeze(-1)).squeeze(-1)  # -log p_y
    uniform = -log_p.mean(dim=-1)  # cross-entropy with the uniform distribution
    return ((1 - alpha) * nll + alpha * uniform).mean()
# --8<-- [end:torch_manual_loss]


# --8<-- [start:torch_soft_targets]
def torch_soft_targets_loss(
    logits: torch.Tensor, targets: torch.Tensor, alpha: float = 0.1
) -> torch.Tensor:
    """Label smoothing applied to probability targets of shape (N, C).

    PyTorch smooths them too: the target becomes ``targets * (1 - alpha) + alpha / C``.
    """
    return F.cross_entropy(logits, targets, label_smoothing=alpha)
# --8<-- [end:torch_soft_targets]
