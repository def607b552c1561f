"""Data for the label-smoothing labs: real digits, controlled label noise, synthetic logits.

Everything here is offline and deterministic:

* :func:`load_digits_split` reads scikit-learn's *bundled* handwritten digits
  (1,797 greyscale 8×8 images, K = 10 classes; the file ships inside the
  scikit-learn wheel, nothing is downloaded) and cuts a stratified
  train / validation / test split from a fixed seed.
* :func:`symmetric_label_noise` corrupts a fraction of training labels the way
  the label-noise literature does ("symmetric" noise).
* :func:`synthetic_logits` draws random logits for memory experiments where the
  values do not matter, only the shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DigitsSplit",
    "load_digits_split",
    "subsample_per_class",
    "symmetric_label_noise",
    "synthetic_logits",
]

NUM_DIGIT_CLASSES = 10


@dataclass(frozen=True)
class DigitsSplit:
    """A stratified split of the digits data. Pixels are scaled to [0, 1]."""

    x_train: NDArray[np.float64]
    y_train: NDArray[np.int64]
    x_val: NDArray[np.float64]
    y_val: NDArray[np.int64]
    x_test: NDArray[np.float64]
    y_test: NDArray[np.int64]
    num_classes: int = NUM_DIGIT_CLASSES

    @property
    def num_features(self) -> int:
        return int(self.x_train.shape[1])


def _stratified_indices(
    labels: NDArray[np.int64], fractions: tuple[float, ...], rng: np.random.Generator
) -> list[NDArray[np.int64]]:
    """Split indices into len(fractions) parts with the same class proportions."""
    parts: list[list[NDArray[np.int64]]] = [[] for _ in fractions]
    bounds = np.cumsum(fractions)
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        cuts = np.round(bounds * idx.size).astype(int)
        start = 0
        for part, stop in zip(parts, cuts):
            part.append(idx[start:stop])
            start = stop
    # Sort each part so the order does not depend on the class loop, then shuffle
    # once with the same generator: deterministic, and batches are class-mixed.
    return [rng.permutation(np.sort(np.concatenate(p))) for p in parts]


def load_digits_split(
    *, val_fraction: float = 0.2, test_fraction: float = 0.3, seed: int = 0
) -> DigitsSplit:
    """Load scikit-learn's bundled digits and split them (stratified, fixed seed).

    >>> split = load_digits_split()
    >>> split.x_train.shape[1], split.num_classes
    (64, 10)
    """
    from sklearn.datasets import load_digits  # bundled with scikit-learn: no download

    if not 0 < val_fraction < 1 or not 0 < test_fraction < 1 or val_fraction + test_fraction >= 1:
        raise ValueError(
            f"val_fraction={val_fraction!r} and test_fraction={test_fraction!r} must be in (0, 1) "
            "and leave room for a training split"
        )
    data = load_digits()
    x = np.asarray(data.data, dtype=np.float64) / 16.0  # pixel intensities are 0..16
    y = np.asarray(data.target, dtype=np.int64)
    rng = np.random.default_rng(seed)
    train_fraction = 1.0 - val_fraction - test_fraction
    train, val, test = _stratified_indices(y, (train_fraction, val_fraction, test_fraction), rng)
    return DigitsSplit(x[train], y[train], x[val], y[val], x[test], y[test])


def subsample_per_class(
    labels: NDArray[np.int64], per_class: int, *, seed: int
) -> NDArray[np.int64]:
    """Indices of ``per_class`` examples of every class (a small, balanced training set)."""
    if per_class < 1:
        raise ValueError(f"per_class must be >= 1, got {per_class!r}")
    rng = np.random.default_rng(seed)
    chosen = []
    for cls in np.unique(labels):
        idx = np.flatnonzero(labels == cls)
        if idx.size < per_class:
            raise ValueError(f"class {cls} has only {idx.size} examples, per_class={per_class}")
        chosen.append(rng.choice(idx, size=per_class, replace=False))
    return rng.permutation(np.concatenate(chosen))


def symmetric_label_noise(
    labels: NDArray[np.int64], num_classes: int, rate: float, *, seed: int
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Flip each label, with probability ``rate``, to a uniformly drawn *different* class.

    Returns the noisy labels and the boolean mask of flipped positions. This is the
    "symmetric" noise model: the flipped label carries no information about the
    true one. (Some papers instead redraw from all K classes, so that a fraction
    ``rate / K`` of the "flips" keep the true label; we do not.)
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be in [0, 1], got {rate!r}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2, got {num_classes!r}")
    labels = np.asarray(labels, dtype=np.int64)
    rng = np.random.default_rng(seed)
    flip = rng.random(labels.shape) < rate
    # An offset in 1..K-1 added modulo K lands uniformly on the other K-1 classes.
    offset = rng.integers(1, num_classes, size=labels.shape)
    noisy = np.where(flip, (labels + offset) % num_classes, labels)
    return noisy, flip


def synthetic_logits(
    num_rows: int, num_classes: int, *, seed: int = 0, dtype: type = np.float32
) -> tuple[NDArray[np.floating], NDArray[np.int64]]:
    """Random standard-normal logits and uniform labels (synthetic: only shapes matter)."""
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((num_rows, num_classes), dtype=np.float32).astype(dtype, copy=False)
    labels = rng.integers(0, num_classes, size=num_rows)
    return logits, labels
