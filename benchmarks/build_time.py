"""Measure cold and warm `properdocs build` times; budgets: cold ≤ 90 s, warm ≤ 5 s (2 cores).

Cold: no caches (.cache/ removed: KaTeX, lab executions, mkdocs-jupyter). Warm: the same
build again with nothing changed. Each is repeated (min, median and max are kept) and judged
by its median. It refuses to run on a loaded machine (benchmarks/machine.py)::

    .venv/bin/python -m benchmarks.build_time               # writes benchmarks/results/build_time.json
    .venv/bin/python -m benchmarks.build_time --repeats 1 --allow-loaded --out /tmp/build.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import machine

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "build_time.json"
BUDGET_SECONDS = {"cold": 90.0, "warm": 5.0}


def timed_build() -> float:
    env = dict(os.environ)
    env["LAB_EXECUTION"] = "cache"  # a warm build reuses the stored lab runs
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "--quiet"],
        cwd=ROOT, env=env, check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="builds of each kind")
    parser.add_argument("--out", type=Path, default=RESULTS)
    machine.add_allow_loaded_flag(parser)
    args = parser.parse_args()
    record = machine.require_quiet(args.allow_loaded)
    cold = []
    for _ in range(args.repeats):
        shutil.rmtree(ROOT / ".cache", ignore_errors=True)
        cold.append(timed_build())
    warm = [timed_build() for _ in range(args.repeats)]
    results = {
        "benchmark": "wall time of `properdocs build --strict`: cold (no .cache/) and warm (nothing changed)",
        "repeats": args.repeats,
        "cold_s": machine.spread(cold),
        "warm_s": machine.spread(warm),
        "budget_s": BUDGET_SECONDS,
        "machine": machine.finish(record),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for kind in ("cold", "warm"):
        times = results[f"{kind}_s"]
        verdict = "within" if times["median"] <= BUDGET_SECONDS[kind] else "OVER"
        print(f"{kind:>4} build: median {times['median']:.1f} s ({times['min']:.1f}-{times['max']:.1f}) over "
              f"{args.repeats} runs ({verdict} the {BUDGET_SECONDS[kind]:.0f} s budget)")
    print(f"wrote {args.out}" + ("  (LOADED: not publishable)" if record["loaded"] else ""))


if __name__ == "__main__":
    main()
