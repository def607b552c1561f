"""Time each lab's execution, as the site build runs it (fresh, no cache).

Budget (issue 4): every lab executes in at most 20 s on 2 cores. The build runs the labs
side by side (one BLAS thread each); this script runs them one at a time, so each time is the
lab's own cost, including kernel start-up.

    .venv/bin/python -m benchmarks.lab_time            # all labs, writes benchmarks/results/lab_time.json
    .venv/bin/python -m benchmarks.lab_time geometry   # one lab, prints only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import cpu_model  # noqa: E402
from hooks.labs import execute_lab, find_labs  # noqa: E402

BUDGET_S = 20.0
RESULTS = ROOT / "benchmarks" / "results" / "lab_time.json"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_lab(path: Path) -> dict[str, float | str | bool]:
    cpu_before = _children_cpu_s()
    start = time.perf_counter()
    execute_lab(path)
    wall = time.perf_counter() - start
    return {
        "lab": path.stem,
        "wall_s": round(wall, 2),
        "kernel_cpu_s": round(_children_cpu_s() - cpu_before, 2),
        "within_budget": wall <= BUDGET_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labs", nargs="*", help="lab names (default: all)")
    args = parser.parse_args()
    docs = ROOT / "docs"
    paths = [lab.source for lab in find_labs((p.relative_to(docs).as_posix(), p) for p in docs.rglob("*.py"))]
    if args.labs:
        paths = [p for p in paths if p.stem in args.labs]
    rows = []
    for path in paths:
        row = time_lab(path)
        rows.append(row)
        print(f"{row['lab']:<20} {row['wall_s']:>6.2f} s wall  {row['kernel_cpu_s']:>6.2f} s kernel CPU  "
              f"{'ok' if row['within_budget'] else 'OVER BUDGET'}", flush=True)
    load = os.getloadavg()
    print(f"budget {BUDGET_S:g} s per lab; load average at the end {load[0]:.2f}")
    if not args.labs:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({
            "benchmark": "fresh execution of each lab with nbclient, one at a time, as hooks/labs.py runs it",
            "budget_s": BUDGET_S,
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "cpu": cpu_model(),
            "cpu_count": os.cpu_count(),
            "load_average_1min_at_end": round(load[0], 2),
            "python": platform.python_version(),
            "labs": rows,
        }, indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    if not all(r["within_budget"] for r in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
