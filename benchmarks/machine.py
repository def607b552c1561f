"""The load rule and the machine record every benchmark script writes with its results.

A timing means something only on a quiet machine. Every script in benchmarks/ does::

    from benchmarks import machine

    parser = argparse.ArgumentParser()
    machine.add_allow_loaded_flag(parser)
    args = parser.parse_args()
    record = machine.require_quiet(args.allow_loaded, torch=torch.__version__)
    ...                                              # measure, repeating each measurement
    results = {..., "runs_s": machine.spread(times), "machine": machine.finish(record)}

- ``require_quiet(allow_loaded, **versions) -> dict`` reads the load and returns the machine
  record (date, CPU model, cores, 1/5/15-minute load averages before the run, Python and the
  given versions). When the 1-minute load average exceeds half the core count it exits with a
  message and status 1, unless ``allow_loaded`` (``--allow-loaded``): then the record says
  ``"loaded": true`` and the README (benchmarks/report.py) and the pages refuse to show the
  results (tools.results_tables.withheld_reason). Use it for debugging only; never commit them.
- ``finish(record) -> dict`` adds the load averages after the run. They include the benchmark's
  own work (a two-thread benchmark leaves a load near 2), so they are recorded, not judged.
- ``spread(values) -> dict`` is how a repeated measurement is stored: min, median, max and
  every run, so a reader sees the spread and not only a median.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
from collections.abc import Callable, Sequence
from typing import Any


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or the platform's best guess."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def core_count() -> int:
    """The cores this process may run on (a container's limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_limit(cores: int) -> float:
    """The highest 1-minute load average at which results may be recorded: half the cores."""
    return cores / 2


def is_loaded(load_1min: float, cores: int) -> bool:
    """The load rule: other work is using more than half the machine."""
    return load_1min > load_limit(cores)


def _load_averages(read: Callable[[], Sequence[float]]) -> list[float]:
    return [round(value, 2) for value in read()]


def require_quiet(
    allow_loaded: bool,
    *,
    read_load: Callable[[], Sequence[float]] = os.getloadavg,
    cores: int | None = None,
    **versions: str,
) -> dict[str, Any]:
    """The machine record, or exit when the machine is loaded and ``allow_loaded`` is false.

    ``read_load`` and ``cores`` are there for tests (a fake load); ``versions`` are extra
    entries for the record, e.g. ``torch=torch.__version__``.
    """
    cores = core_count() if cores is None else cores
    before = _load_averages(read_load)
    loaded = is_loaded(before[0], cores)
    if loaded and not allow_loaded:
        raise SystemExit(
            f"refusing to benchmark: the 1-minute load average is {before[0]:.2f} on {cores} cores "
            f"(limit {load_limit(cores):g}, half the cores), so other work would be measured too. "
            "Wait for a quiet machine, or pass --allow-loaded to write results marked as loaded "
            "(for debugging; they are never published)."
        )
    if loaded:
        print(f"WARNING: load {before[0]:.2f} on {cores} cores: results will be marked loaded and not published")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": cores,
        "python": platform.python_version(),
        **versions,
        "load_limit_1min": load_limit(cores),
        "load_average": {"before": before, "after": None},
        "loaded": loaded,
    }


def finish(record: dict[str, Any], *, read_load: Callable[[], Sequence[float]] = os.getloadavg) -> dict[str, Any]:
    """The record with the 1/5/15-minute load averages after the run."""
    return {**record, "load_average": {**record["load_average"], "after": _load_averages(read_load)}}


def spread(values: Sequence[float]) -> dict[str, Any]:
    """Min, median and max of repeated measurements, with every run in order."""
    if not values:
        raise ValueError("spread: values is empty; measure at least once")
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "runs": list(values)}


def add_allow_loaded_flag(parser: argparse.ArgumentParser) -> None:
    """The ``--allow-loaded`` flag, worded the same in every script."""
    parser.add_argument(
        "--allow-loaded", action="store_true",
        help="measure even when the 1-minute load average exceeds half the cores; the results "
             "are marked loaded and never published (for debugging)",
    )
