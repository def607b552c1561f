"""Time each lab's execution, as the site build runs it (fresh, no cache).

Budget (issue 4): every lab executes in at most 20 s on 2 cores, judged by the median of the
repeats (min and max are kept too). A lab is any ``docs/**/labs/*.py``. The build runs the labs
side by side (one BLAS thread each); this script runs them one at a time, the labs taking turns
in every repeat, so each time is the lab's own cost, including kernel start-up. It refuses to
run on a loaded machine (benchmarks/machine.py)::

    .venv/bin/python -m benchmarks.lab_time            # all labs, writes benchmarks/results/lab_time.json
    .venv/bin/python -m benchmarks.lab_time geometry --repeats 1 --allow-loaded   # one lab, prints only
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import machine  # noqa: E402
from hooks.labs import execute_lab  # noqa: E402

BUDGET_S = 20.0
RESULTS = ROOT / "benchmarks" / "results" / "lab_time.json"
DOCS = ROOT / "docs"


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_lab(path: Path) -> tuple[float, float]:
    """Wall time and kernel CPU time of one fresh execution of a lab, in seconds."""
    cpu_before = _children_cpu_s()
    start = time.perf_counter()
    execute_lab(path)
    return time.perf_counter() - start, _children_cpu_s() - cpu_before


def lab_name(path: Path) -> str:
    """A lab's key: its path under docs/ without the suffix."""
    return path.relative_to(DOCS).with_suffix("").as_posix()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labs", nargs="*", help="lab names or paths under docs/ (default: all; a subset only prints)")
    parser.add_argument("--repeats", type=int, default=3, help="executions of each lab")
    parser.add_argument("--out", type=Path, default=RESULTS)
    machine.add_allow_loaded_flag(parser)
    args = parser.parse_args()
    paths = sorted(DOCS.glob("**/labs/*.py"))
    if args.labs:
        paths = [p for p in paths if p.stem in args.labs or lab_name(p) in args.labs]
        if not paths:
            raise SystemExit(f"no lab called {args.labs} under docs/**/labs/")
    record = machine.require_quiet(args.allow_loaded)
    wall: dict[Path, list[float]] = {p: [] for p in paths}
    cpu: dict[Path, list[float]] = {p: [] for p in paths}
    for repeat in range(1, args.repeats + 1):
        for path in paths:
            seconds, kernel = time_lab(path)
            wall[path].append(round(seconds, 2))
            cpu[path].append(round(kernel, 2))
            print(f"repeat {repeat}: {lab_name(path):<60} {seconds:6.2f} s wall  {kernel:6.2f} s kernel CPU", flush=True)
    rows = [{"lab": lab_name(p), "wall_s": machine.spread(wall[p]), "kernel_cpu_s": machine.spread(cpu[p]),
             "within_budget": machine.spread(wall[p])["median"] <= BUDGET_S} for p in paths]
    for row in rows:
        w = row["wall_s"]
        print(f"{row['lab']:<60} median {w['median']:6.2f} s ({w['min']:.2f}-{w['max']:.2f})  "
              f"{'ok' if row['within_budget'] else 'OVER BUDGET'}")
    if not args.labs:
        results = {
            "benchmark": "fresh execution of each lab with nbclient, one at a time, as hooks/labs.py runs it",
            "budget_s": BUDGET_S,
            "repeats": args.repeats,
            "machine": machine.finish(record),
            "labs": rows,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}" + ("  (LOADED: not publishable)" if record["loaded"] else ""))
    if not all(row["within_budget"] for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
