"""Label-smoothed cross-entropy from hidden states at language-model sizes, forward + backward.

At N = 4,096 positions, d = 512 features and K = 32k / 128k / 256k classes (float32,
alpha = 0.1), in one run, each contender computes the mean smoothed loss of
``hidden @ W.T`` and its gradients with respect to ``hidden`` and ``W``:

- ``dense``: the full logits, then ``F.cross_entropy(..., label_smoothing=0.1)``, autograd;
- ``torch_linear_ce``: PyTorch's ``F.linear_cross_entropy(..., label_smoothing=0.1,
  options=LinearCrossEntropyOptions())`` (its warning is recorded);
- ``chunked``: :func:`snippets.torch_label_smoothing.smoothed_linear_cross_entropy`;
- ``torch_hard_plus_identity``: PyTorch's chunked hard-label path plus the mean-logit
  identity (:func:`snippets.torch_label_smoothing.smoothed_torch_linear_cross_entropy`);
- ``numpy``: :func:`snippets.linear_cross_entropy.smoothed_linear_cross_entropy` and its grad.

One instrument for memory: each (contender, K) runs in a fresh subprocess, which
warms its libraries up on a small problem, then measures the peak growth of its
resident set size during its first full call (``benchmarks.vocab_scale.peak_rss_growth``);
for NumPy, tracemalloc's peak is an extra column. The same subprocess then times
``--repetitions`` calls: min, median and max are reported.

Load rule (benchmarks/machine.py): the run refuses to start when the 1-minute load average
exceeds half the cores, unless ``--allow-loaded`` is given, which marks the results as
loaded; the page then withholds them (tools.results_tables).

Run from the repository root (PyTorch needed: ``pip install -r requirements-torch.txt``)::

    python -m benchmarks.linear_cross_entropy   # writes benchmarks/results/linear_cross_entropy.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import machine
from benchmarks.vocab_scale import peak_rss_growth
from tools.results_tables import (
    LINEAR_CE_NAMES,
    linear_cross_entropy_tables,
    linear_cross_entropy_targets,
)

N, D = 4096, 512
VOCAB_SIZES = (32_000, 128_000, 256_000)
ALPHA = 0.1
RESULTS = Path(__file__).parent / "results" / "linear_cross_entropy.json"
CONTENDERS = tuple(LINEAR_CE_NAMES)
MIB = 2**20


# ------------------------------------------------------------- contenders


def make_run(
    contender: str,
    k: int,
    n: int = N,
    d: int = D,
    seed: int = 0,
    chunk_size: int | None = None,
) -> Callable[[], float]:
    """One forward + backward of ``contender`` on seeded inputs; returns the loss.

    ``chunk_size`` goes to the chunked PyTorch version (None: its default).
    """
    import torch
    import torch.nn.functional as F

    from snippets import linear_cross_entropy as numpy_lce
    from snippets import torch_label_smoothing as torch_lce

    g = torch.Generator().manual_seed(seed)
    hidden = torch.randn(n, d, generator=g).requires_grad_()
    head_weight = (torch.randn(k, d, generator=g) / d**0.5).requires_grad_()
    labels = torch.randint(0, k, (n,), generator=g)

    def backward(loss: "torch.Tensor") -> float:
        loss.backward()
        hidden.grad = head_weight.grad = None  # freed, so every call allocates afresh
        return loss.item()

    if contender == "dense":
        return lambda: backward(
            F.cross_entropy(hidden @ head_weight.T, labels, label_smoothing=ALPHA)
        )
    if contender == "torch_linear_ce":
        options = torch.nn.LinearCrossEntropyOptions()
        return lambda: backward(
            F.linear_cross_entropy(
                hidden, head_weight, labels, label_smoothing=ALPHA, options=options
            )
        )
    if contender == "chunked":
        return lambda: backward(
            torch_lce.smoothed_linear_cross_entropy(
                hidden, head_weight, labels, ALPHA, chunk_size=chunk_size
            )
        )
    if contender == "torch_hard_plus_identity":
        return lambda: backward(
            torch_lce.smoothed_torch_linear_cross_entropy(
                hidden, head_weight, labels, ALPHA
            )
        )
    if contender == "numpy":
        h, w, y = hidden.detach().numpy(), head_weight.detach().numpy(), labels.numpy()

        def run() -> float:
            loss = numpy_lce.smoothed_linear_cross_entropy(h, w, y, ALPHA)
            numpy_lce.smoothed_linear_cross_entropy_grad(h, w, y, ALPHA)
            return float(loss)

        return run
    raise ValueError(f"contender must be one of {CONTENDERS}, got {contender!r}")


def worker(
    contender: str, k: int, repetitions: int, chunk_size: int | None
) -> dict[str, Any]:
    """Run in a fresh process: warm up small, measure memory once, then time."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Thread pools, the allocator and lazy imports start up on a small problem.
        make_run(contender, k=1000, n=64, chunk_size=chunk_size)()
        run = make_run(contender, k, chunk_size=chunk_size)
        result: dict[str, Any] = {"peak_rss_growth_mib": peak_rss_growth(run) / MIB}
    result["warnings"] = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    if contender == "numpy":
        tracemalloc.start()
        run()
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / MIB
        tracemalloc.stop()
    times, loss = [], None
    for _ in range(repetitions):
        start = time.perf_counter()
        loss = run()
        times.append(time.perf_counter() - start)
    result["time_s"] = machine.spread(times)
    result["loss"] = loss
    return result


def measure_in_subprocess(
    contender: str, k: int, repetitions: int, chunk_size: int | None
) -> dict[str, Any]:
    """:func:`worker` in a fresh Python process, so its peak RSS is its own."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.linear_cross_entropy",
        "--worker",
        contender,
        "--k",
        str(k),
        "--repetitions",
        str(repetitions),
    ] + ([] if chunk_size is None else ["--chunk-size", str(chunk_size)])
    out = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_benchmark(
    repetitions: int,
    allow_loaded: bool,
    vocab_sizes: tuple[int, ...] = VOCAB_SIZES,
    contenders: tuple[str, ...] = CONTENDERS,
    chunk_size: int | None = None,
) -> dict[str, Any]:
    """Every contender at every K, rotating who goes first; returns the JSON document."""
    import torch

    record = machine.require_quiet(
        allow_loaded,
        numpy=np.__version__,
        torch=torch.__version__,
        torch_threads=str(torch.get_num_threads()),
    )
    sizes = []
    for i, k in enumerate(vocab_sizes):
        order = (
            contenders[i % len(contenders) :] + contenders[: i % len(contenders)]
        )  # rotate
        size: dict[str, Any] = {"k": k}
        for contender in order:
            size[contender] = measure_in_subprocess(
                contender, k, repetitions, chunk_size
            )
            print(
                f"K = {k:>7,} {contender:>24}: median {size[contender]['time_s']['median']:.2f} s, "
                f"peak {size[contender]['peak_rss_growth_mib']:,.0f} MiB",
                flush=True,
            )
        sizes.append({"k": k, **{c: size[c] for c in contenders}})
    results = {
        "benchmark": "mean label-smoothed cross-entropy of hidden @ W.T (no bias), forward + backward "
        "for hidden and W",
        "n": N,
        "d": D,
        "alpha": ALPHA,
        "dtype": "float32",
        "repetitions": repetitions,
        "chunk_size": chunk_size,  # rows per chunk of the chunked version; None: its default
        "memory": "peak growth of the resident set size during the first full call, in a fresh "
        "process per contender and K, after a small warm-up; tracemalloc peak for NumPy too",
        "timing": "wall time of each repetition after the memory call, same process",
        "machine": machine.finish(record),
        "sizes": sizes,
    }
    results["targets"] = linear_cross_entropy_targets(results)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repetitions", type=int, default=5, help="timed calls per contender and K"
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help="where to write the JSON"
    )
    machine.add_allow_loaded_flag(parser)
    parser.add_argument(
        "--k", type=int, nargs="+", default=list(VOCAB_SIZES), help="vocabulary sizes"
    )
    parser.add_argument(
        "--contenders", nargs="+", default=list(CONTENDERS), choices=CONTENDERS
    )
    parser.add_argument(
        "--chunk-size", type=int, help="rows per chunk of the chunked PyTorch version"
    )
    parser.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = worker(args.worker, args.k[0], args.repetitions, args.chunk_size)
        print(json.dumps(result))
        return
    results = run_benchmark(
        args.repetitions,
        args.allow_loaded,
        tuple(args.k),
        tuple(args.contenders),
        args.chunk_size,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print("\n\n".join(linear_cross_entropy_tables(results)))
    print("targets:", results["targets"])


if __name__ == "__main__":
    main()
