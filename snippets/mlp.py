"""A small NumPy multilayer perceptron with hand-written backpropagation.

The labs train these networks with the library's smoothed loss. The only place the
loss enters backpropagation is its gradient with respect to the logits,

    dL/dz = softmax(z) - y_s        (divided by the batch size for a mean),

which :func:`snippets.label_smoothing.smoothed_cross_entropy_grad` returns. Everything
below that line is the ordinary chain rule through affine layers and ReLUs, so
label smoothing changes *what* the network is pulled towards, not *how* the pull
travels back.

The model is deliberately plain: ReLU hidden layers, a linear output layer whose
columns are the class "templates" w_k of Müller et al. (2019), He-normal
initialisation, and Adam. Runs are deterministic for a given seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from snippets.distillation import distillation_loss, distillation_loss_grad
from snippets.label_smoothing import smoothed_cross_entropy, smoothed_cross_entropy_grad

__all__ = [
    "MLP",
    "Objective",
    "distillation_objective",
    "smoothed_objective",
    "train",
]

Array = NDArray[np.float64]

#: An objective maps (logits of a batch, indices of the batch rows) to
#: (mean loss over the batch, gradient of that mean loss with respect to the logits).
Objective = Callable[[Array, NDArray[np.int64]], tuple[float, Array]]


@dataclass
class MLP:
    """Fully connected ReLU network: ``sizes = (inputs, hidden..., classes)``."""

    weights: list[Array]
    biases: list[Array]

    @classmethod
    def init(cls, sizes: Sequence[int], *, seed: int) -> MLP:
        """He-normal weights, zero biases, from a fixed seed."""
        if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
            raise ValueError(f"sizes must list at least two positive layer widths, got {sizes!r}")
        rng = np.random.default_rng(seed)
        weights = [
            rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:])
        ]
        biases = [np.zeros(fan_out) for fan_out in sizes[1:]]
        return cls(weights, biases)

    @property
    def templates(self) -> Array:
        """Last-layer weights, shape (penultimate width, K): column k is the template w_k."""
        return self.weights[-1]

    def forward_with_activations(self, x: Array) -> tuple[Array, list[Array]]:
        """Logits and the list of layer inputs (``acts[0]`` is x, ``acts[-1]`` the penultimate)."""
        acts = [np.asarray(x, dtype=np.float64)]
        h = acts[0]
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            h = np.maximum(h @ w + b, 0.0)
            acts.append(h)
        logits = h @ self.weights[-1] + self.biases[-1]
        return logits, acts

    def forward(self, x: Array) -> Array:
        """Logits, shape (N, K)."""
        return self.forward_with_activations(x)[0]

    def penultimate(self, x: Array) -> Array:
        """Activations that feed the output layer (the features Müller et al. project)."""
        return self.forward_with_activations(x)[1][-1]

    def backward(self, acts: list[Array], dlogits: Array) -> tuple[list[Array], list[Array]]:
        """Gradients of the loss w.r.t. every weight and bias, given dL/dlogits."""
        grads_w: list[Array] = [np.empty(0)] * len(self.weights)
        grads_b: list[Array] = [np.empty(0)] * len(self.biases)
        delta = dlogits
        for layer in range(len(self.weights) - 1, -1, -1):
            grads_w[layer] = acts[layer].T @ delta
            grads_b[layer] = delta.sum(axis=0)
            if layer > 0:
                # ReLU passes the gradient only where the unit was active.
                delta = (delta @ self.weights[layer].T) * (acts[layer] > 0.0)
        return grads_w, grads_b

    def parameters(self) -> list[Array]:
        return [*self.weights, *self.biases]

    def copy(self) -> MLP:
        return MLP([w.copy() for w in self.weights], [b.copy() for b in self.biases])


def smoothed_objective(labels: NDArray[np.int64], alpha: float) -> Objective:
    """Label-smoothed cross-entropy (mean over the batch) from the library."""
    labels = np.asarray(labels, dtype=np.int64)

    def objective(logits: Array, idx: NDArray[np.int64]) -> tuple[float, Array]:
        y = labels[idx]
        loss = smoothed_cross_entropy(logits, y, alpha, reduction="mean")
        grad = smoothed_cross_entropy_grad(logits, y, alpha, reduction="mean")
        return float(loss), grad

    return objective


def distillation_objective(
    labels: NDArray[np.int64],
    teacher_logits: Array,
    *,
    temperature: float,
    soft_weight: float,
) -> Objective:
    """Hinton et al. (2015) distillation loss from the library, against fixed teacher logits."""
    labels = np.asarray(labels, dtype=np.int64)
    teacher_logits = np.asarray(teacher_logits, dtype=np.float64)
    if teacher_logits.shape[0] != labels.shape[0]:
        raise ValueError(
            f"teacher_logits has {teacher_logits.shape[0]} rows but labels has {labels.shape[0]}"
        )

    def objective(logits: Array, idx: NDArray[np.int64]) -> tuple[float, Array]:
        args = (logits, teacher_logits[idx], labels[idx], temperature, soft_weight)
        return float(distillation_loss(*args)), distillation_loss_grad(*args)

    return objective


@dataclass
class _Adam:
    lr: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    step_count: int = 0
    m: list[Array] = field(default_factory=list)
    v: list[Array] = field(default_factory=list)

    def step(self, params: list[Array], grads: list[Array]) -> None:
        if not self.m:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.step_count += 1
        c1 = 1.0 - self.beta1**self.step_count
        c2 = 1.0 - self.beta2**self.step_count
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)  # in place: updates the model


def train(
    model: MLP,
    x: Array,
    objective: Objective,
    *,
    epochs: int,
    batch_size: int | None = None,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    seed: int = 0,
    on_epoch: Callable[[int, MLP], None] | None = None,
) -> list[float]:
    """Train ``model`` in place with Adam; return the mean batch loss of every epoch.

    ``batch_size=None`` means full-batch. ``weight_decay`` adds an L2 penalty
    ``weight_decay/2 * ||W||^2`` on the weights (not the biases) to the gradient.
    ``on_epoch(epoch, model)`` is called after every epoch (epochs count from 1),
    which the labs use to record logit gaps and losses during training.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs!r}")
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    batch = n if batch_size is None else int(batch_size)
    if batch < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    rng = np.random.default_rng(seed)
    optimizer = _Adam(lr=lr)
    history: list[float] = []
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n) if batch < n else np.arange(n)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            logits, acts = model.forward_with_activations(x[idx])
            loss, dlogits = objective(logits, idx)
            grads_w, grads_b = model.backward(acts, dlogits)
            if weight_decay:
                grads_w = [g + weight_decay * w for g, w in zip(grads_w, model.weights)]
            optimizer.step(model.parameters(), [*grads_w, *grads_b])
            total += loss * idx.size
        history.append(total / n)
        if on_epoch is not None:
            on_epoch(epoch, model)
    return history
