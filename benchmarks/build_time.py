"""Measure cold and warm `mkdocs build` times; budgets: cold ≤ 90 s, warm ≤ 5 s (2 cores).

Cold: no caches (.cache/ removed: KaTeX, lab executions, mkdocs-jupyter). Warm: the same
build again with nothing changed. Run `python -m benchmarks.build_time`; results are printed
and written to benchmarks/results/build_time.json.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from benchmarks.machine import cpu_model

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "build_time.json"
BUDGET_SECONDS = {"cold": 90.0, "warm": 5.0}


def timed_build() -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CI", None)  # CI=true would bypass the lab cache and make every build cold
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=ROOT, env=env, check=True,
    )
    return time.perf_counter() - start


def main(repeats: int = 3) -> dict:
    cold = []
    for _ in range(repeats):
        shutil.rmtree(ROOT / ".cache", ignore_errors=True)
        cold.append(timed_build())
    warm = [timed_build() for _ in range(repeats)]
    results = {
        "date": date.today().isoformat(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "repeats": repeats,
        "cold_seconds": {"median": statistics.median(cold), "all": cold},
        "warm_seconds": {"median": statistics.median(warm), "all": warm},
        "budget_seconds": BUDGET_SECONDS,
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for kind in ("cold", "warm"):
        median = results[f"{kind}_seconds"]["median"]
        verdict = "within" if median <= BUDGET_SECONDS[kind] else "OVER"
        print(f"{kind:>4} build: median {median:.1f} s over {repeats} runs ({verdict} the {BUDGET_SECONDS[kind]:.0f} s budget)")
    return results


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
