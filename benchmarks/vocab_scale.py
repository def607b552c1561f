"""Vocabulary-scale benchmark: the mean label-smoothed loss at language-model sizes.

Compares three ways to compute the mean smoothed cross-entropy of N = 4096 rows
of float32 logits over K in {1,000, 32,000, 128,000} classes, in one process,
with the repetitions interleaved so that drifts in machine load hit all three alike:

1. ``naive``: build the (N, K) smoothed targets, take log_softmax, multiply and sum;
2. ``library``: :func:`snippets.label_smoothing.smoothed_cross_entropy` (chunked);
3. ``torch``: ``torch.nn.functional.cross_entropy(..., label_smoothing=alpha)`` on the CPU.

Run from the repository root (PyTorch needed: ``pip install -r requirements-torch.txt``)::

    python -m benchmarks.vocab_scale            # writes benchmarks/results/vocab_scale.json

The site renders the committed JSON with :func:`markdown_table`; importing this
module does not import PyTorch.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import gc
import json
import os
import platform
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.machine import cpu_model
from snippets.label_smoothing import log_softmax, smooth_labels, smoothed_cross_entropy

N = 4096
VOCAB_SIZES = (1_000, 32_000, 128_000)
ALPHA = 0.1
RESULTS = Path(__file__).parent / "results" / "vocab_scale.json"
IMPLEMENTATIONS = ("naive", "library", "torch")
MIB = 2**20


def naive_loss(logits: np.ndarray, labels: np.ndarray, alpha: float) -> float:
    """The textbook way: an explicit (N, K) target times an (N, K) log-probability."""
    targets = smooth_labels(labels, logits.shape[-1], alpha, dtype=logits.dtype)
    return float(-(targets * log_softmax(logits)).sum(axis=-1).mean())


def library_loss(logits: np.ndarray, labels: np.ndarray, alpha: float) -> float:
    """This site's library: the lse decomposition, a chunk of rows at a time."""
    return float(smoothed_cross_entropy(logits, labels, alpha))


def _rss_bytes() -> int:
    """Resident set size of this process, from /proc/self/statm (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _release_freed_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS, so RSS growth is fresh."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: RSS growth may then under-count
        pass


def peak_rss_growth(run: Callable[[], object], interval_s: float = 2e-4) -> int:
    """Peak RSS above the starting RSS while ``run()`` executes, sampled by a thread."""
    _release_freed_memory()
    baseline = _rss_bytes()
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_bytes())
            time.sleep(interval_s)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        run()
    finally:
        done.set()
        sampler.join()
    return max(peak, _rss_bytes()) - baseline


def peak_traced(run: Callable[[], object]) -> int:
    """Peak bytes allocated through Python's allocators (NumPy included) during ``run()``."""
    _release_freed_memory()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def environment(torch: Any) -> dict[str, Any]:
    """Date, CPU, library versions and thread counts, for the JSON header."""
    cpu = cpu_model()
    try:
        from threadpoolctl import threadpool_info

        blas = [
            {k: info.get(k) for k in ("internal_api", "num_threads", "version")}
            for info in threadpool_info()
        ]
    except ImportError:
        blas = "threadpoolctl not installed"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "threads": {
            "torch": torch.get_num_threads(),
            "numpy_thread_pools": blas,
            **{
                var: os.environ.get(var)
                for var in (
                    "OMP_NUM_THREADS",
                    "OPENBLAS_NUM_THREADS",
                    "OPENBLAS_CORETYPE",
                )
            },
        },
    }


def benchmark_one_size(k: int, repetitions: int, seed: int = 0) -> dict[str, Any]:
    """Time and measure the three implementations at one vocabulary size K."""
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((N, k), dtype=np.float32)
    labels = rng.integers(0, k, size=N)
    logits_t, labels_t = torch.from_numpy(logits), torch.from_numpy(
        labels
    )  # shared, not copied

    runs: dict[str, Callable[[], float]] = {
        "naive": lambda: naive_loss(logits, labels, ALPHA),
        "library": lambda: library_loss(logits, labels, ALPHA),
        "torch": lambda: F.cross_entropy(
            logits_t, labels_t, label_smoothing=ALPHA
        ).item(),
    }
    losses = {
        name: run() for name, run in runs.items()
    }  # warm-up, and a correctness check
    times: dict[str, list[float]] = {name: [] for name in runs}
    for rep in range(repetitions):
        order = (
            IMPLEMENTATIONS[rep % 3 :] + IMPLEMENTATIONS[: rep % 3]
        )  # rotate who goes first
        for name in order:
            start = time.perf_counter()
            runs[name]()
            times[name].append(time.perf_counter() - start)

    # Memory is measured in separate calls, so the tracers never slow the timed ones.
    result: dict[str, Any] = {"k": k}
    for name in IMPLEMENTATIONS:
        rss = peak_rss_growth(runs[name]) / MIB
        result[name] = {
            "median_s": statistics.median(times[name]),
            "times_s": times[name],
            "peak_extra_mib": rss if name == "torch" else peak_traced(runs[name]) / MIB,
            "peak_rss_growth_mib": rss,
            "loss": losses[name],
        }
    result["library_over_torch"] = {
        "time": result["library"]["median_s"] / result["torch"]["median_s"],
        "memory": result["library"]["peak_extra_mib"]
        / result["torch"]["peak_extra_mib"],
    }
    return result


def targets_met(sizes: list[dict]) -> dict[str, bool]:
    """The issue's targets: bounded library memory, and no slower than PyTorch at large K."""
    at = {size["k"]: size for size in sizes}
    return {
        "library_peak_at_128000_within_64_mib": at[128_000]["library"]["peak_extra_mib"] <= 64,
        "library_not_slower_than_torch_at_32000": at[32_000]["library_over_torch"]["time"] <= 1,
        "library_not_slower_than_torch_at_128000": at[128_000]["library_over_torch"]["time"] <= 1,
    }


def run_benchmark(repetitions: int = 5) -> dict[str, Any]:
    """Run every vocabulary size and check the targets; returns the JSON document."""
    import torch

    header = environment(torch)
    load_before = os.getloadavg()
    sizes = []
    for k in VOCAB_SIZES:
        sizes.append(benchmark_one_size(k, repetitions))
        print(
            f"K = {k:>7,}: "
            + ", ".join(
                f"{n} {sizes[-1][n]['median_s'] * 1e3:.1f} ms" for n in IMPLEMENTATIONS
            )
        )
    targets = targets_met(sizes)
    return {
        "benchmark": "mean label-smoothed cross-entropy of float32 logits (N, K), classes on the last axis",
        "n": N,
        "alpha": ALPHA,
        "dtype": "float32",
        "repetitions": repetitions,
        "timing": "median wall time of interleaved repetitions after one warm-up call each",
        "memory": {
            "naive, library": "peak_extra_mib: tracemalloc peak during one call (NumPy's allocations)",
            "torch": "peak_extra_mib: growth of the process RSS during one call, sampled every 0.2 ms "
            "from /proc/self/statm after malloc_trim (PyTorch exposes no CPU allocator statistics)",
            "all": "peak_rss_growth_mib: that RSS growth for every implementation, as a cross-check",
        },
        **header,
        # Other work on the machine slows all three alike (interleaving), but shows in absolute times.
        "load_average_1min": {"before": load_before[0], "after": os.getloadavg()[0]},
        "targets": targets,
        "sizes": sizes,
    }


# --------------------------------------------------------------- rendering


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def _mib(mib: float) -> str:
    return f"{mib:,.1f}"


def _ratio(ratio: float) -> str:
    return f"{ratio:.2f}" if ratio >= 0.01 else f"{ratio:.1e}"


def markdown_table(results: dict[str, Any]) -> str:
    """Render the benchmark JSON as a Markdown table, one row per vocabulary size.

    Parameters
    ----------
    results : dict
        The document written by :func:`run_benchmark` (benchmarks/results/vocab_scale.json).

    Returns
    -------
    str
        A Markdown table: median time and peak extra memory of each implementation,
        and the library's time and memory as fractions of PyTorch's.
    """
    names = {"naive": "naive", "library": "library", "torch": "PyTorch"}
    header = (
        ["K"]
        + [f"{names[n]} time (ms)" for n in IMPLEMENTATIONS]
        + [f"{names[n]} peak memory (MiB)" for n in IMPLEMENTATIONS]
        + ["library / PyTorch time", "library / PyTorch memory"]
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    for size in results["sizes"]:
        cells = (
            [f"{size['k']:,}"]
            + [_ms(size[n]["median_s"]) for n in IMPLEMENTATIONS]
            + [_mib(size[n]["peak_extra_mib"]) for n in IMPLEMENTATIONS]
            + [
                _ratio(size["library_over_torch"]["time"]),
                _ratio(size["library_over_torch"]["memory"]),
            ]
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repetitions",
        type=int,
        default=5,
        help="timed calls per implementation and size",
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help="where to write the JSON"
    )
    args = parser.parse_args()
    results = run_benchmark(args.repetitions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown_table(results))
    print("targets:", results["targets"])


if __name__ == "__main__":
    main()
