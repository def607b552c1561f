"""Vocabulary-scale benchmark: the mean label-smoothed loss at language-model sizes.

Four contenders compute the mean smoothed cross-entropy of N = 4096 rows of float32 logits over
K in {1,000, 32,000, 128,000} classes:

1. ``naive``: build the (N, K) smoothed targets, take log_softmax, multiply and sum;
2. ``library``: :func:`snippets.label_smoothing.smoothed_cross_entropy` (chunked);
3. ``torch_1_thread``: ``torch.nn.functional.cross_entropy(..., label_smoothing=alpha)`` on the
   CPU with ``torch.set_num_threads(1)``;
4. ``torch_default``: the same at PyTorch's default thread count (one per core).

Time: in one process, after a warm-up call each, the contenders' calls are interleaved (the
order rotates every repetition) so that a drift in the machine's speed hits all alike; the
results keep min, median and max. Memory: one instrument for all four, the growth of the peak
resident set (VmHWM, reset through /proc/self/clear_refs) over the resident set before the
call, each measurement in a fresh process (the data made, one warm-up call, freed memory handed
back with malloc_trim, then the measured call); for the NumPy contenders also tracemalloc's
peak, which sees NumPy's allocations only.

Run from the repository root on a quiet machine (PyTorch needed: ``pip install -r
requirements-torch.txt``); it refuses to run when the machine is loaded (benchmarks/machine.py)::

    python -m benchmarks.vocab_scale            # writes benchmarks/results/vocab_scale.json
    python -m benchmarks.vocab_scale --sizes 1000 --repetitions 2 --allow-loaded --out /tmp/v.json

The README and the page render the committed JSON with tools.results_tables; importing this
module does not import PyTorch.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import machine
from snippets.label_smoothing import smoothed_cross_entropy
from snippets.memory_cost import dense_smoothed_cross_entropy, peak_traced_bytes
from tools.results_tables import vocab_scale_tables

ROOT = Path(__file__).resolve().parent.parent
N = 4096
VOCAB_SIZES = (1_000, 32_000, 128_000)
ALPHA = 0.1
RESULTS = ROOT / "benchmarks" / "results" / "vocab_scale.json"
CONTENDERS = ("naive", "library", "torch_1_thread", "torch_default")
NUMPY_CONTENDERS = ("naive", "library")
MIB = 2**20


def make_batch(n: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The benchmark's logits and labels; every process makes the same ones from the seed."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, k), dtype=np.float32), rng.integers(0, k, size=n)


def torch_threads(contender: str, default_threads: int) -> int:
    """The PyTorch thread count a contender runs with."""
    return 1 if contender == "torch_1_thread" else default_threads


def loss_call(contender: str, logits: np.ndarray, labels: np.ndarray) -> Callable[[], float]:
    """One call of a contender's loss on the batch, as a function of no arguments."""
    if contender == "naive":
        return lambda: dense_smoothed_cross_entropy(logits, labels, ALPHA)
    if contender == "library":
        return lambda: float(smoothed_cross_entropy(logits, labels, ALPHA))
    if contender not in CONTENDERS:
        raise ValueError(f"contender must be one of {CONTENDERS}, got {contender!r}")
    import torch
    import torch.nn.functional as F

    logits_t, labels_t = torch.from_numpy(logits), torch.from_numpy(labels)  # shared, not copied
    return lambda: F.cross_entropy(logits_t, labels_t, label_smoothing=ALPHA).item()


# --------------------------------------------------------------- memory


def _status_bytes(field: str) -> int:
    """A memory field of /proc/self/status ("VmRSS", "VmHWM"), in bytes (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field} field")


def _release_freed_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS, so the next growth is fresh."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: growth may then under-count reused pages
        pass


def peak_rss_growth(run: Callable[[], object]) -> int:
    """Bytes by which the peak resident set during ``run()`` exceeds the resident set before it.

    The kernel tracks the peak (VmHWM) exactly; writing "5" to /proc/self/clear_refs resets it
    to the current resident set, so no allocation is missed between samples.
    """
    _release_freed_memory()
    baseline = _status_bytes("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError as error:
        raise RuntimeError(f"cannot reset the peak resident set through /proc/self/clear_refs: {error}") from error
    run()
    return _status_bytes("VmHWM") - baseline


def memory_in_this_process(contender: str, n: int, k: int, default_threads: int) -> dict[str, float]:
    """One memory measurement of a contender (run in a fresh process by ``measure_memory``)."""
    if contender.startswith("torch"):
        import torch

        torch.set_num_threads(torch_threads(contender, default_threads))
    logits, labels = make_batch(n, k)
    call = loss_call(contender, logits, labels)
    call()  # warm-up: one-time set-up is not the loss's memory
    measured = {"peak_rss_growth_mib": peak_rss_growth(call) / MIB}
    if contender in NUMPY_CONTENDERS:
        measured["tracemalloc_peak_mib"] = peak_traced_bytes(call) / MIB
    return measured


def measure_memory(contender: str, n: int, k: int, default_threads: int) -> dict[str, float]:
    """``memory_in_this_process`` in a fresh Python process."""
    command = [sys.executable, "-m", "benchmarks.vocab_scale", "--memory-of", contender,
               "--n", str(n), "--sizes", str(k), "--default-threads", str(default_threads)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"memory measurement of {contender} at K = {k} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])


# --------------------------------------------------------------- time


def time_one_size(n: int, k: int, repetitions: int, default_threads: int) -> tuple[dict, dict]:
    """Interleaved wall times of every contender at one K, and each contender's loss."""
    import torch

    logits, labels = make_batch(n, k)
    calls = {c: loss_call(c, logits, labels) for c in CONTENDERS}

    def run(contender: str) -> tuple[float, float]:
        if contender.startswith("torch"):
            torch.set_num_threads(torch_threads(contender, default_threads))  # outside the clock
        start = time.perf_counter()
        loss = calls[contender]()
        return time.perf_counter() - start, loss

    losses = {c: run(c)[1] for c in CONTENDERS}  # warm-up, and a check that all agree
    if not all(math.isclose(loss, losses["naive"], rel_tol=1e-4) for loss in losses.values()):
        raise RuntimeError(f"the contenders disagree on the loss at K = {k}: {losses}")
    times: dict[str, list[float]] = {c: [] for c in CONTENDERS}
    for rep in range(repetitions):
        shift = rep % len(CONTENDERS)
        for contender in CONTENDERS[shift:] + CONTENDERS[:shift]:  # rotate who goes first
            times[contender].append(run(contender)[0])
    torch.set_num_threads(default_threads)
    return times, losses


def benchmark_one_size(n: int, k: int, repetitions: int, memory_runs: int, default_threads: int) -> dict:
    """Time (in this process) and memory (fresh processes) of the contenders at one K."""
    times, losses = time_one_size(n, k, repetitions, default_threads)
    _release_freed_memory()
    memory: dict[str, list[dict[str, float]]] = {
        c: [measure_memory(c, n, k, default_threads) for _ in range(memory_runs)] for c in CONTENDERS
    }
    return {
        "k": k,
        "loss": losses,
        "time_s": {c: machine.spread(times[c]) for c in CONTENDERS},
        "peak_rss_growth_mib": {c: machine.spread([m["peak_rss_growth_mib"] for m in memory[c]])
                                for c in CONTENDERS},
        "tracemalloc_peak_mib": {c: machine.spread([m["tracemalloc_peak_mib"] for m in memory[c]])
                                 for c in NUMPY_CONTENDERS},
    }


def thread_settings(torch: Any) -> dict[str, Any]:
    """PyTorch's and NumPy's thread pools and the variables that set them, for the record."""
    try:
        from threadpoolctl import threadpool_info

        pools = [{k: info.get(k) for k in ("internal_api", "num_threads", "version")} for info in threadpool_info()]
    except ImportError:
        pools = "threadpoolctl not installed"
    return {
        "torch_default": torch.get_num_threads(),
        "numpy_thread_pools": pools,
        **{var: os.environ.get(var) for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
    }


def run_benchmark(sizes: tuple[int, ...], repetitions: int, memory_runs: int, allow_loaded: bool,
                  n: int = N) -> dict[str, Any]:
    """Every vocabulary size, timed and measured; returns the JSON document."""
    import torch

    record = machine.require_quiet(allow_loaded, numpy=np.__version__, torch=torch.__version__)
    threads = thread_settings(torch)
    default_threads = threads["torch_default"]
    results = []
    for k in sizes:
        results.append(benchmark_one_size(n, k, repetitions, memory_runs, default_threads))
        print(f"K = {k:>7,}: " + ", ".join(
            f"{c} {results[-1]['time_s'][c]['median'] * 1e3:.1f} ms "
            f"({results[-1]['time_s'][c]['min'] * 1e3:.1f}-{results[-1]['time_s'][c]['max'] * 1e3:.1f})"
            for c in CONTENDERS), flush=True)
    return {
        "benchmark": "mean label-smoothed cross-entropy of float32 logits (N, K), classes on the last axis",
        "n": n,
        "alpha": ALPHA,
        "dtype": "float32",
        "contenders": list(CONTENDERS),
        "torch_default_threads": default_threads,
        "repetitions": repetitions,
        "memory_runs": memory_runs,
        "timing": "wall time of one call; the contenders' calls interleaved, the order rotating each "
                  "repetition, after one warm-up call each, in one process",
        "memory": "peak_rss_growth_mib: VmHWM (reset through /proc/self/clear_refs) minus VmRSS before one "
                  "call, after a warm-up call and malloc_trim, in a fresh process per measurement; "
                  "tracemalloc_peak_mib: tracemalloc's peak during one call, NumPy contenders only",
        "threads": threads,
        "machine": machine.finish(record),
        "sizes": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=7, help="timed calls per contender and size")
    parser.add_argument("--memory-runs", type=int, default=1, help="fresh-process memory measurements per contender and size")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(VOCAB_SIZES), help="vocabulary sizes K")
    parser.add_argument("--n", type=int, default=N, help="rows of logits")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    machine.add_allow_loaded_flag(parser)
    # Internal: one memory measurement, printed as JSON (measure_memory runs this in a fresh process).
    parser.add_argument("--memory-of", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--default-threads", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        if args.default_threads is None:
            parser.error("--memory-of needs --default-threads")
        print(json.dumps(memory_in_this_process(args.memory_of, args.n, args.sizes[0], args.default_threads)))
        return
    results = run_benchmark(tuple(args.sizes), args.repetitions, args.memory_runs, args.allow_loaded, args.n)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for table in vocab_scale_tables(results):
        print(table + "\n")
    print(f"wrote {args.out}" + ("  (LOADED: not publishable)" if results["machine"]["loaded"] else ""))


if __name__ == "__main__":
    main()
