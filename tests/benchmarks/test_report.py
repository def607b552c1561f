"""The README's measured section publishes quiet results only, and renders them from the JSON."""

from __future__ import annotations

import pytest

from benchmarks import machine, report
from benchmarks.lighthouse import CONTROL, METRICS, aggregate, misses


def record(load: float, allow_loaded: bool = False) -> dict:
    started = machine.require_quiet(allow_loaded, read_load=lambda: (load, 0.5, 0.5), cores=2)
    return machine.finish(started, read_load=lambda: (1.2, 0.8, 0.6))


def page_runs(performance: float, tbt: float, rounds: int = 3) -> list[dict]:
    runs = []
    for i in range(rounds):
        run = {metric: 0.0 for metric in METRICS}
        run.update({"performance": performance + 0.01 * (i - 1), "accessibility": 1.0, "best-practices": 1.0,
                    "seo": 1.0, "tbt_ms": tbt + 10 * i, "lcp_ms": 2000.0, "fcp_ms": 1500.0, "core_kib": 160.0,
                    "dom_elements": 1200})
        runs.append(run)
    return runs


def lighthouse_results(load: float = 0.3, rounds: int = 3) -> dict:
    control = aggregate(page_runs(0.93, 250, rounds))
    pages = []
    for page, perf, tbt in (("", 0.92, 260), ("domains/x/", 0.60, 600)):
        summary = aggregate(page_runs(perf, tbt, rounds))
        pages.append({"page": page, "summary": summary, "misses": misses(summary, control)})
    return {"lighthouse": "12.2.3", "preset": "mobile", "rounds": rounds, "machine": record(load, allow_loaded=True),
            "control": {"material": "9.8.2", "words": 1842, "summary": control}, "pages": pages}


def test_page_speed_table_is_relative_to_the_control():
    text = report.page_speed(lighthouse_results())
    assert "stock Material 9.8.2 with 1,842 words" in text and "performance 0.93 (0.92–0.94)" in text
    assert "1-minute load 0.30 before and 1.20 after" in text
    assert "| `/` | 0.92 (-0.01) | 270 (+10) | 1.00 | 1.00 | 0.000 | 1.00 | 1.00 | 1.00 | 160 | 1,200 | 0 | none |" in text
    assert "| `/domains/x/` | 0.60 (-0.33) | 610 (+350) |" in text and "| performance, TBT |" in text
    assert CONTROL not in [row.split("|")[1].strip() for row in text.splitlines() if row.startswith("| `")]


@pytest.mark.parametrize("results, reason", [
    (lighthouse_results(load=1.5), "loaded machine"),
    (lighthouse_results(rounds=2), "only 2 rounds"),
    ({**lighthouse_results(), "control": None}, "without a control page"),
])
def test_page_speed_is_withheld(results, reason):
    text = report.page_speed(results)
    assert "not published" in text and reason in text and "|" not in text


def test_build_and_lab_lines(monkeypatch):
    build = {"repeats": 3, "cold_s": machine.spread([21.0, 20.5, 22.1]), "warm_s": machine.spread([2.4, 2.3, 2.5]),
             "budget_s": {"cold": 90.0, "warm": 5.0}, "machine": record(0.2)}
    assert "cold 21.0 s (20.5–22.1) (budget 90 s), warm 2.4 s (2.3–2.5) (budget 5 s)" in report.build_time(build)
    labs = {"budget_s": 20.0, "repeats": 2, "machine": record(0.2),
            "labs": [{"lab": "domains/a/labs/geometry", "wall_s": machine.spread([5.9, 6.1])}]}
    assert "geometry 6.0 s (5.9–6.1)" in report.lab_time(labs)
    loaded = {**build, "machine": record(3.0, allow_loaded=True)}
    assert "not published" in report.build_time(loaded) and "21.0" not in report.build_time(loaded)


def test_committed_results_that_are_withheld_are_listed():
    withheld = report.withheld()
    for name in withheld:
        assert "not published" in report.SECTIONS[name](report.load(name))


def test_linear_cross_entropy_line_reads_the_target_size():
    def contender(seconds: list[float], mib: float) -> dict:
        return {"time_s": machine.spread(seconds), "peak_rss_growth_mib": mib}

    results = {"n": 4096, "d": 512, "dtype": "float32", "repetitions": 3, "machine": {**record(0.2), "torch": "2.13.0"},
               "sizes": [{"k": 32_000, "dense": contender([1.0, 1.1, 1.2], 1500.0), "chunked": contender([9.0] * 3, 1.0)},
                         {"k": 128_000, "dense": contender([11.0, 12.0, 13.0], 6000.0),
                          "chunked": contender([9.0, 9.5, 10.0], 500.0)}]}
    text = report.linear_cross_entropy(results)
    assert "at K = 128,000 the chunked PyTorch version takes 9.5 s (9.0–10.0) and 500 MiB" in text
    assert "full logits + `F.cross_entropy` 12.0 s (11.0–13.0) and 6,000 MiB (time 0.79×, memory 0.083×" in text
    assert "both met" in text
    results["sizes"][1]["chunked"] = contender([16.0] * 3, 500.0)
    assert "missed" in report.linear_cross_entropy(results)
    assert "not published" in report.linear_cross_entropy({**results, "machine": record(3.0, allow_loaded=True)})
    assert "torch 2.13.0): at K = 128,000" in text


def test_reload_line():
    results = {"repeats": 5, "page": "docs/a.md", "server": "properdocs", "serve_args": "--dirty", "budget_s": 2.0, "machine": record(0.2),
               "reload_s": machine.spread([0.8, 0.9, 1.4]), "page_s": machine.spread([0.9, 1.0, 1.5])}
    text = report.reload_time(results)
    assert "saves of `docs/a.md` under `properdocs serve --livereload --dirty`" in text
    assert "reload signal 0.90 s (0.80–1.40; budget 2 s), save to the edited page served 1.00 s" in text
    assert "not published" in report.reload_time({**results, "machine": record(3.0, allow_loaded=True)})


def test_course_scale_table_and_targets():
    size = lambda n, pages, warm, per_page, reload: {  # noqa: E731
        "concepts": n, "pages": pages, "cold_s": 10.0 * n, "warm_s": machine.spread([warm, warm + 1, warm + 2]),
        "warm_ms_per_page": per_page, "reload_s": machine.spread([reload, reload + 0.2]), "peak_mib": 512.0}
    results = {"targets": {"warm_s": 30.0, "reload_s": 2.0}, "machine": record(0.2),
               "sizes": [size(10, 60, 4.0, 80.0, 0.9), size(100, 420, 31.0, 95.0, 1.5)]}
    text = report.course_scale(results)
    assert "At N = 100: warm build 32.0 s against 30 s (missed); edit to reload 1.60 s (median) against 2 s (met; " \
           "slowest save 1.70 s); warm cost per page rising, 80.0 to 95.0 ms." in text
    assert "| 100 | 420 | 1000.0 | 32.0 s (31.0–33.0) | 95.0 | 1.60 s (1.50–1.70) | 512 |" in text
    flat = {**results, "sizes": [size(10, 60, 4.0, 80.0, 0.9), size(100, 420, 20.0, 70.0, 1.5)]}
    assert "(met); edit to reload 1.60 s (median) against 2 s (met; slowest save 1.70 s); warm cost per page flat or falling." in report.course_scale(flat)
    assert "not published" in report.course_scale({**results, "machine": record(3.0, allow_loaded=True)})
    assert "not recorded yet" in report.course_scale(None)
