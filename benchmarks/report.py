"""The README's "Measured" section, rendered from benchmarks/results/*.json.

    python -m benchmarks.report      # rewrite the section between the README's markers

tests/test_readme.py fails when the README's section differs from what this renders, so the
numbers in the README always come from the committed results. Results recorded on a loaded
machine, or before the load rule, are not published: their line says so and names the command
that records them, and this script exits 1 after writing the README.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.lighthouse import MIN_ROUNDS
from tools.results_tables import (
    LINEAR_CE_TARGETS,
    linear_cross_entropy_targets,
    machine_summary,
    vocab_scale_summary,
    withheld_notice,
    withheld_reason,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"
COMMANDS = {
    "lighthouse": ".venv/bin/python -m benchmarks.lighthouse",
    "build_time": ".venv/bin/python -m benchmarks.build_time",
    "lab_time": ".venv/bin/python -m benchmarks.lab_time",
    "vocab_scale": ".venv/bin/python -m benchmarks.vocab_scale",
    "linear_cross_entropy": ".venv/bin/python -m benchmarks.linear_cross_entropy",
    "reload_time": ".venv/bin/python -m benchmarks.reload_time --record",
    "course_scale": ".venv/bin/python -m benchmarks.course_scale",
}


def load(name: str) -> dict | None:
    """The recorded results, or None for a benchmark never recorded (its line says so)."""
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _spread_s(spread: dict[str, float], digits: int = 1) -> str:
    return f"{spread['median']:.{digits}f} s ({spread['min']:.{digits}f}–{spread['max']:.{digits}f})"


def page_speed_reason(results: dict[str, Any]) -> str | None:
    """Why the Lighthouse results are withheld: the load rule, too few rounds or no control."""
    if reason := withheld_reason(results):
        return reason
    if not results.get("control"):
        return "measured without a control page"
    if results["rounds"] < MIN_ROUNDS:
        return f"only {results['rounds']} rounds (at least {MIN_ROUNDS})"
    return None


def page_speed(results: dict[str, Any]) -> str:
    """The table of each page against the control page measured in the same run."""
    if reason := page_speed_reason(results):
        return withheld_notice("Page speed (`benchmarks/lighthouse.py`)", reason, COMMANDS["lighthouse"])
    control = results["control"]["summary"]
    perf = control["performance"]
    lines = [
        f"Page speed (`benchmarks/lighthouse.py`: Lighthouse {results['lighthouse']}, {results['preset']} preset, "
        f"gzip; medians of {results['rounds']} interleaved rounds; {machine_summary(results['machine'])}). "
        f"The control is a page of stock Material {results['control']['material']} with "
        f"{results['control']['words']:,} words and one code block, no plugins, measured in the same rounds: "
        f"performance {perf['median']:.2f} ({perf['min']:.2f}–{perf['max']:.2f}), TBT {control['tbt_ms']['median']:.0f} ms, "
        f"LCP {control['lcp_ms']['median']:,.0f} ms, FCP {control['fcp_ms']['median']:,.0f} ms, "
        f"core {control['core_kib']['median']:.0f} KiB, {control['dom_elements']['median']:,.0f} DOM elements. Each page against it (Δ: page − control; ×: page ÷ control; "
        "core = HTML, CSS, JS and fonts as transferred; targets: performance Δ ≥ −0.03, TBT Δ ≤ +100 ms, CLS 0, "
        "accessibility, best practices and SEO 1.0, core ≤ 300 KiB, offscreen images lazy):",
        "",
        "| page | performance (Δ) | TBT ms (Δ) | LCP × | FCP × | CLS | accessibility | best practices | SEO "
        "| core KiB | DOM elements | offscreen not lazy | missed targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in results["pages"]:
        s = page["summary"]
        lines.append(
            f"| `/{page['page']}` | {s['performance']['median']:.2f} ({s['performance']['median'] - perf['median']:+.2f}) "
            f"| {s['tbt_ms']['median']:,.0f} ({s['tbt_ms']['median'] - control['tbt_ms']['median']:+,.0f}) "
            f"| {s['lcp_ms']['median'] / control['lcp_ms']['median']:.2f} "
            f"| {s['fcp_ms']['median'] / control['fcp_ms']['median']:.2f} | {s['cls']['max']:.3f} "
            f"| {s['accessibility']['min']:.2f} | {s['best-practices']['min']:.2f} | {s['seo']['min']:.2f} "
            f"| {s['core_kib']['median']:.0f} | {s['dom_elements']['median']:,.0f} "
            f"| {s['offscreen_images_not_deferred']['max']:.0f} "
            f"| {', '.join(page['misses']) or 'none'} |"
        )
    return "\n".join(lines)


def build_time(results: dict[str, Any]) -> str:
    if reason := withheld_reason(results):
        return withheld_notice("Build (`benchmarks/build_time.py`)", reason, COMMANDS["build_time"])
    budget = results["budget_s"]
    return (f"Build (`benchmarks/build_time.py`; {machine_summary(results['machine'])}): cold "
            f"{_spread_s(results['cold_s'])} (budget {budget['cold']:.0f} s), warm {_spread_s(results['warm_s'])} "
            f"(budget {budget['warm']:.0f} s): median (min–max) of {results['repeats']} runs each.")


def lab_time(results: dict[str, Any]) -> str:
    if reason := withheld_reason(results):
        return withheld_notice("Labs (`benchmarks/lab_time.py`)", reason, COMMANDS["lab_time"])
    return (f"Labs (`benchmarks/lab_time.py`, budget {results['budget_s']:.0f} s each, median (min–max) of "
            f"{results['repeats']} fresh executions; {machine_summary(results['machine'])}): "
            + ", ".join(f"{Path(lab['lab']).name} {_spread_s(lab['wall_s'])}" for lab in results["labs"]) + ".")


def vocab_scale(results: dict[str, Any]) -> str:
    if reason := withheld_reason(results):
        return withheld_notice("Vocabulary scale (`benchmarks/vocab_scale.py`)", reason, COMMANDS["vocab_scale"])
    return (f"Vocabulary scale (`benchmarks/vocab_scale.py`, one batch of N = {results['n']:,} {results['dtype']} "
            f"rows, {results['repetitions']} interleaved repetitions; {machine_summary(results['machine'])}; "
            f"torch {results['machine']['torch']}): {vocab_scale_summary(results)}")


def linear_cross_entropy(results: dict[str, Any]) -> str:
    """The chunked PyTorch version against full logits at the target vocabulary size."""
    what = "Label-smoothed cross-entropy from hidden states (`benchmarks/linear_cross_entropy.py`"
    if reason := withheld_reason(results):
        return withheld_notice(what + ")", reason, COMMANDS["linear_cross_entropy"])
    size = next(s for s in results["sizes"] if s["k"] == LINEAR_CE_TARGETS["k"])
    dense, chunked = size["dense"], size["chunked"]
    met = linear_cross_entropy_targets(results)
    return (
        f"{what}, forward + backward at N = {results['n']:,}, d = {results['d']}, {results['dtype']}, median of "
        f"{results['repetitions']} repetitions; {machine_summary(results['machine'])}; torch "
        f"{results['machine']['torch']}): at K = {size['k']:,} the chunked PyTorch version takes "
        f"{_spread_s(chunked['time_s'])} and {chunked['peak_rss_growth_mib']:,.0f} MiB of peak memory growth, "
        f"full logits + `F.cross_entropy` {_spread_s(dense['time_s'])} and {dense['peak_rss_growth_mib']:,.0f} MiB "
        f"(time {chunked['time_s']['median'] / dense['time_s']['median']:.2f}×, memory "
        f"{chunked['peak_rss_growth_mib'] / dense['peak_rss_growth_mib']:.3f}×; targets "
        f"≤ {LINEAR_CE_TARGETS['time_ratio']:g}× and ≤ 1/{1 / LINEAR_CE_TARGETS['memory_fraction']:.0f}: "
        f"{'both met' if all(met.values()) else 'missed'}). Every size and contender is in the table on the "
        "concept's vocabulary-scale page."
    )


def reload_time(results: dict[str, Any]) -> str:
    what = "Edit to reload (`benchmarks/reload_time.py`"
    if reason := withheld_reason(results):
        return withheld_notice(what + ")", reason, COMMANDS["reload_time"])
    serve = " ".join([results["server"], "serve --livereload", results["serve_args"]]).strip()
    return (
        f"{what}, {results['repeats']} saves of `{results['page']}` under `{serve}`; "
        f"{machine_summary(results['machine'])}): save to the browser's reload signal "
        f"{results['reload_s']['median']:.2f} s ({results['reload_s']['min']:.2f}–{results['reload_s']['max']:.2f}; "
        f"budget {results['budget_s']:g} s), save to the edited page served {results['page_s']['median']:.2f} s, "
        "median (min–max)."
    )


def mutation(results: dict[str, Any]) -> str:
    """Per module: mutants killed out of those a test could kill (benchmarks/mutation.py)."""
    modules = "; ".join(
        f"`{module['module']}` {module['killed']} of {module['total'] - len(module['equivalent'])} "
        f"({module['score']:.1%}; {len(module['equivalent'])} more equivalent)"
        for module in results["modules"]
    )
    return (
        f"Mutation testing (`benchmarks/mutation.py`: mutmut {results['mutmut']} with tests/snippets, "
        f"{results['date']}; target {results['target']:.0%}), mutants killed: {modules}. The equivalent "
        "survivors, each with the reason no test can kill it, are in `benchmarks/results/mutation.json`."
    )


def course_scale(results: dict[str, Any] | None) -> str:
    """The course-scale table (benchmarks/course_scale.py) and its targets at the largest N."""
    what = "Course scale (`benchmarks/course_scale.py`"
    if results is None:
        return withheld_notice(what + ")", "not recorded yet", COMMANDS["course_scale"])
    if reason := withheld_reason(results):
        return withheld_notice(what + ")", reason, COMMANDS["course_scale"])
    rows = "\n".join(
        f"| {size['concepts']} | {size['pages']} | {size['cold_s']:.1f} | {_spread_s(size['warm_s'])} | "
        f"{size['warm_ms_per_page']:.1f} | {_spread_s(size['reload_s'], digits=2)} | {size['peak_mib']:,.0f} |"
        for size in results["sizes"]
    )
    largest, targets = results["sizes"][-1], results["targets"]
    per_page = [size["warm_ms_per_page"] for size in results["sizes"]]
    verdicts = [
        f"warm build {largest['warm_s']['median']:.1f} s against {targets['warm_s']:g} s "
        f"({'met' if largest['warm_s']['median'] <= targets['warm_s'] else 'missed'})",
        f"edit to reload {largest['reload_s']['median']:.2f} s (median) against {targets['reload_s']:g} s "
        f"({'met' if largest['reload_s']['median'] <= targets['reload_s'] else 'missed'}; "
        f"slowest save {largest['reload_s']['max']:.2f} s)",
        "warm cost per page " + ("flat or falling" if per_page[-1] <= 1.1 * per_page[0] else
                                 f"rising, {per_page[0]:.1f} to {per_page[-1]:.1f} ms"),
    ]
    return (
        f"{what}: N synthetic concepts, each an overview, a part and a lab from `templates/`, added to a copy; "
        f"{machine_summary(results['machine'])}). At N = {largest['concepts']}: {'; '.join(verdicts)}.\n\n"
        "| concepts | pages | cold build s | warm build s | warm ms per page | edit to reload s | peak MiB |\n"
        f"|---|---|---|---|---|---|---|\n{rows}"
    )


SECTIONS = {
    "lighthouse": page_speed,
    "build_time": build_time,
    "lab_time": lab_time,
    "vocab_scale": vocab_scale,
    "linear_cross_entropy": linear_cross_entropy,
    "reload_time": reload_time,
    "mutation": mutation,
    "course_scale": course_scale,
}


def withheld() -> list[str]:
    """The results files the README does not publish."""
    # mutation scores count killed mutants, which the machine's load cannot change
    reasons = {"lighthouse": page_speed_reason, "mutation": lambda results: None}
    return [name for name in SECTIONS if load(name) is None or reasons.get(name, withheld_reason)(load(name))]


def render() -> str:
    """The Markdown of the README's measured section."""
    return "\n\n".join(render_one(load(name)) for name, render_one in SECTIONS.items())


def section(text: str) -> str:
    """The README text between the markers."""
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def main() -> int:
    text = README.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    README.write_text(f"{before}{START}\n{render()}\n{END}{after}", encoding="utf-8")
    print(render())
    if missing := withheld():
        print(f"\nREADME written; not published: {', '.join(missing)}. Record them on a quiet machine.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
