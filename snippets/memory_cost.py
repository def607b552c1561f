"""What the smoothed loss costs in memory: the textbook dense form, and how its peak is measured.

The vocabulary-scale lab and ``benchmarks/vocab_scale.py`` compare the two ways to compute the
same loss; both use these definitions, so the lab's figure and the benchmark's table measure
the same thing.
"""

from __future__ import annotations

import gc
import tracemalloc
from typing import Callable

import numpy as np
import numpy.typing as npt

from snippets.label_smoothing import log_softmax, smooth_labels


# --8<-- [start:dense_smoothed_cross_entropy]
def dense_smoothed_cross_entropy(logits: npt.NDArray[np.floating], labels: npt.ArrayLike, alpha: float) -> float:
    """The textbook way, kept to show what it costs: an explicit (N, K) smoothed target times
    (N, K) log-probabilities, averaged over rows. The same value as
    ``smoothed_cross_entropy(logits, labels, alpha)``, with several (N, K) arrays alive at once."""
    targets = smooth_labels(labels, logits.shape[-1], alpha, dtype=logits.dtype)
    return float(-(targets * log_softmax(logits)).sum(axis=-1).mean())
# --8<-- [end:dense_smoothed_cross_entropy]


def peak_traced_bytes(run: Callable[[], object]) -> int:
    """Peak bytes allocated through Python's allocators (NumPy's arrays included) while ``run()``
    runs, beyond what was allocated before it started."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
