"""The vocabulary-scale table on the page must agree with the committed benchmark data."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.vocab_scale import (
    IMPLEMENTATIONS,
    N,
    RESULTS,
    VOCAB_SIZES,
    markdown_table,
    targets_met,
)

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?:e[-+]\d+)?")


@pytest.fixture(scope="module")
def results() -> dict:
    return json.loads(RESULTS.read_text())


def table_rows(table: str) -> list[list[str]]:
    """The body cells of a Markdown table, row by row."""
    lines = table.strip().splitlines()
    assert re.fullmatch(
        r"\|(---:\|)+", lines[1]
    ), "second line must be the alignment row"
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def expected_cells(size: dict) -> list[str]:
    """What each row must say, formatted here independently of the renderer."""
    ratio = size["library_over_torch"]

    def r(x: float) -> str:
        return f"{x:.2f}" if x >= 0.01 else f"{x:.1e}"

    return (
        [f"{size['k']:,}"]
        + [f"{size[n]['median_s'] * 1000:,.1f}" for n in IMPLEMENTATIONS]
        + [f"{size[n]['peak_extra_mib']:,.1f}" for n in IMPLEMENTATIONS]
        + [r(ratio["time"]), r(ratio["memory"])]
    )


def test_table_agrees_with_the_json(results):
    table = markdown_table(results)
    rows = table_rows(table)
    assert len(rows) == len(results["sizes"])
    header = table.splitlines()[0].strip("|").split("|")
    for row, size in zip(rows, results["sizes"]):
        assert len(row) == len(header)
        assert row == expected_cells(size)
    # Every number shown comes from the JSON: nothing extra, nothing stale.
    shown = NUMBER.findall("\n".join(table.splitlines()[2:]))
    assert sorted(shown) == sorted(
        cell for size in results["sizes"] for cell in expected_cells(size)
    )


def test_json_is_complete_and_self_consistent(results):
    for key in (
        "date",
        "cpu",
        "cpu_count",
        "numpy",
        "torch",
        "threads",
        "memory",
        "timing",
        "load_average_1min",
    ):
        assert results[key], key
    assert results["n"] == N and results["dtype"] == "float32"
    assert [size["k"] for size in results["sizes"]] == list(VOCAB_SIZES)
    for size in results["sizes"]:
        for name in IMPLEMENTATIONS:
            entry = size[name]
            assert len(entry["times_s"]) == results["repetitions"]
            assert entry["median_s"] == pytest.approx(
                statistics.median(entry["times_s"])
            )
            assert entry["peak_extra_mib"] >= 0
        # All three computed the same loss.
        assert size["naive"]["loss"] == pytest.approx(size["torch"]["loss"], rel=1e-4)
        assert size["library"]["loss"] == pytest.approx(size["torch"]["loss"], rel=1e-4)
        ratio = size["library_over_torch"]
        assert ratio["time"] == pytest.approx(
            size["library"]["median_s"] / size["torch"]["median_s"]
        )
        assert ratio["memory"] == pytest.approx(
            size["library"]["peak_extra_mib"] / size["torch"]["peak_extra_mib"]
        )
    assert results["targets"] == targets_met(results["sizes"])


def test_markdown_table_formatting():
    def entry(seconds: float, mib: float) -> dict:
        return {"median_s": seconds, "peak_extra_mib": mib}

    results = {
        "sizes": [
            {
                "k": 128_000,
                "naive": entry(9.3986, 6000.0),
                "library": entry(0.7426, 1.8),
                "torch": entry(3.0195, 2000.04),
                "library_over_torch": {"time": 0.24594, "memory": 0.00089},
            }
        ]
    }
    assert markdown_table(results).splitlines()[2] == (
        "| 128,000 | 9,398.6 | 742.6 | 3,019.5 | 6,000.0 | 1.8 | 2,000.0 | 0.25 | 8.9e-04 |"
    )


def test_importing_the_benchmark_does_not_import_torch():
    code = "import sys, benchmarks.vocab_scale; print('torch' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
