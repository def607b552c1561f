"""The linear cross-entropy benchmark's results as Markdown, for the page and the script.

A plain module (no MkDocs, no PyTorch): ``benchmarks/linear_cross_entropy.py`` prints the
table after a run and ``hooks/macros.py`` renders it on the page, without hooks/ importing
benchmarks/.
"""

from __future__ import annotations

from typing import Any

CONTENDERS = (
    "dense",
    "torch_linear_ce",
    "chunked",
    "torch_hard_plus_identity",
    "numpy",
)
NAMES = {
    "dense": "full logits + `F.cross_entropy`",
    "torch_linear_ce": "`F.linear_cross_entropy`, chunking options",
    "chunked": "`smoothed_linear_cross_entropy` (PyTorch)",
    "torch_hard_plus_identity": "PyTorch's chunked hard-label path + identity",
    "numpy": "NumPy reference",
}
TARGET_K = 128_000
TARGET_MEMORY_FRACTION = 1 / 8
TARGET_TIME_RATIO = 1.25


def _ratio(value: float, reference: float) -> str:
    return f"{value / reference:.2f}" if reference > 0 else "n/a"


def targets_met(results: dict[str, Any]) -> dict[str, bool | None]:
    """The issue's targets for the chunked PyTorch version against full logits at K = 128k."""
    at = {size["k"]: size for size in results["sizes"]}
    size = at.get(TARGET_K, {})
    if "dense" not in size or "chunked" not in size:
        return {"memory_at_most_one_eighth": None, "time_at_most_1.25x": None}
    dense, chunked = size["dense"], size["chunked"]
    return {
        "memory_at_most_one_eighth": chunked["peak_rss_growth_mib"]
        <= TARGET_MEMORY_FRACTION * dense["peak_rss_growth_mib"],
        "time_at_most_1.25x": chunked["time_s"]["median"]
        <= TARGET_TIME_RATIO * dense["time_s"]["median"],
    }


def _memory_cell(entry: dict[str, Any]) -> str:
    cell = f"{entry['peak_rss_growth_mib']:,.0f}"
    if "tracemalloc_peak_mib" in entry:
        cell += f" (traced {entry['tracemalloc_peak_mib']:,.0f})"
    return cell


def markdown_table(results: dict[str, Any]) -> str:
    """One row per vocabulary size and contender: time, peak extra memory, and both
    as multiples of the full-logits computation at the same K.

    A run recorded on a loaded machine is rendered with a first line that says so.
    """
    header = [
        "K",
        "method",
        "time, s: median (min–max)",
        "peak extra memory, MiB",
        "time ÷ full logits",
        "memory ÷ full logits",
    ]
    lines = ["| " + " | ".join(header) + " |", "|---:|:---|---:|---:|---:|---:|"]
    for size in results["sizes"]:
        dense = size.get("dense")
        for contender in CONTENDERS:
            if contender not in size:
                continue
            entry, t = size[contender], size[contender]["time_s"]
            ratios = (
                [
                    _ratio(t["median"], dense["time_s"]["median"]),
                    _ratio(entry["peak_rss_growth_mib"], dense["peak_rss_growth_mib"]),
                ]
                if dense
                else ["n/a", "n/a"]
            )
            cells = [
                f"{size['k']:,}",
                NAMES[contender],
                f"{t['median']:.2f} ({t['min']:.2f}–{t['max']:.2f})",
                _memory_cell(entry),
                *ratios,
            ]
            lines.append("| " + " | ".join(cells) + " |")
    table = "\n".join(lines) + "\n"
    machine = results["machine"]
    if machine["loaded"]:
        notice = (
            f"**Informal run on a loaded machine** (1-minute load {machine['load_average']['before']:.2f} "
            f"on {machine['cores']} cores, limit {machine['load_limit_1min']:g}): not a published result.\n\n"
        )
        table = notice + table
    return table
