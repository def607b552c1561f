"""The vocabulary-scale tables and sentences on the page and in the README follow the benchmark's JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import machine
from benchmarks.vocab_scale import CONTENDERS, N, NUMPY_CONTENDERS, RESULTS, VOCAB_SIZES, peak_rss_growth
from tools.results_tables import (
    comparison,
    time_findings,
    vocab_scale_markdown,
    vocab_scale_summary,
    vocab_scale_tables,
    withheld_reason,
)

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?:e[-+]\d+)?")
MIB = 2**20


def quiet_document(times_ms: dict[int, dict[str, list[float]]], memory_mib: dict[int, dict[str, float]]) -> dict:
    """A benchmark document as vocab_scale.run_benchmark writes it, recorded at a fake low load."""
    record = machine.require_quiet(False, read_load=lambda: (0.2, 0.3, 0.4), cores=2, numpy="2", torch="2")
    return {
        "n": N, "dtype": "float32", "contenders": list(CONTENDERS), "torch_default_threads": 2, "repetitions": 3,
        "machine": machine.finish(record, read_load=lambda: (1.9, 1.0, 0.5)),
        "sizes": [
            {
                "k": k,
                "time_s": {c: machine.spread([t / 1e3 for t in times_ms[k][c]]) for c in CONTENDERS},
                "peak_rss_growth_mib": {c: machine.spread([memory_mib[k][c]]) for c in CONTENDERS},
                "tracemalloc_peak_mib": {c: machine.spread([memory_mib[k][c] * 0.99]) for c in NUMPY_CONTENDERS},
            }
            for k in times_ms
        ],
    }


@pytest.fixture
def document() -> dict:
    times = {
        1_000: {"naive": [40, 48, 53], "library": [9, 10, 12], "torch_1_thread": [6, 7, 8], "torch_default": [3, 4, 5]},
        128_000: {"naive": [9000, 9400, 9900], "library": [700, 742.6, 800],
                  "torch_1_thread": [690, 760, 810], "torch_default": [400, 450, 500]},
    }
    memory = {
        1_000: {"naive": 46.9, "library": 1.3, "torch_1_thread": 15.6, "torch_default": 15.7},
        128_000: {"naive": 6000.0, "library": 1.8, "torch_1_thread": 2000.04, "torch_default": 2000.1},
    }
    return quiet_document(times, memory)


def table_rows(table: str) -> dict[str, list[str]]:
    """The body of a Markdown table: row name -> the other cells."""
    lines = table.strip().splitlines()
    assert re.fullmatch(r"\|---\|(---:\|)+", lines[1]), "second line must be the alignment row"
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    return {row[0]: row[1:] for row in cells}


def header(table: str) -> list[str]:
    return [cell.strip() for cell in table.splitlines()[0].strip("|").split("|")]


def test_time_table_shows_median_and_range_of_every_contender(document):
    time_table, _ = vocab_scale_tables(document)
    assert header(time_table) == ["time (ms)", "K = 1,000", "K = 128,000"]
    rows = table_rows(time_table)
    assert list(rows) == ["naive", "library", "PyTorch, 1 thread", "PyTorch, 2 threads",
                          "library ÷ PyTorch, 1 thread", "library ÷ PyTorch, 2 threads"]
    assert rows["library"] == ["10.0 (9.0–\u206012.0)", "742.6 (700.0–\u2060800.0)"]
    assert rows["naive"][1] == "9,400.0 (9,000.0–\u20609,900.0)"
    assert rows["library ÷ PyTorch, 1 thread"] == [f"{10 / 7:.2f}", f"{742.6 / 760:.2f}"]
    assert rows["library ÷ PyTorch, 2 threads"] == [f"{10 / 4:.2f}", f"{742.6 / 450:.2f}"]


def test_memory_table_uses_one_instrument_for_all_and_tracemalloc_for_numpy(document):
    _, memory_table = vocab_scale_tables(document)
    assert header(memory_table) == ["peak memory (MiB)", "K = 1,000", "K = 128,000"]
    assert table_rows(memory_table) == {
        "naive": ["46.9", "6,000.0"], "library": ["1.3", "1.8"], "PyTorch, 1 thread": ["15.6", "2,000.0"],
        "PyTorch, 2 threads": ["15.7", "2,000.1"], "naive, tracemalloc": ["46.4", "5,940.0"],
        "library, tracemalloc": ["1.3", "1.8"],
    }


def test_every_number_in_the_tables_comes_from_the_document(document):
    body = [line.split("|", 2)[2] for table in vocab_scale_tables(document) for line in table.splitlines()[2:]]
    shown = NUMBER.findall("\n".join(body))
    expected = []
    for size in document["sizes"]:
        for c in CONTENDERS:
            t = size["time_s"][c]
            expected += [f"{t['median'] * 1e3:,.1f}", f"{t['min'] * 1e3:,.1f}", f"{t['max'] * 1e3:,.1f}"]
        expected += [f"{size['time_s']['library']['median'] / size['time_s'][c]['median']:.2f}"
                     for c in ("torch_1_thread", "torch_default")]
        expected += [f"{size['peak_rss_growth_mib'][c]['median']:,.1f}" for c in CONTENDERS]
        expected += [f"{size['tracemalloc_peak_mib'][c]['median']:,.1f}" for c in NUMPY_CONTENDERS]
    assert sorted(shown) == sorted(expected)


def test_words_follow_the_spread(document):
    small, large = document["sizes"]
    assert comparison(small, "torch_default") == "torch"  # library 9-12 ms, PyTorch 3-5 ms: every run
    assert comparison(large, "torch_1_thread") == "overlap"  # 700-800 against 690-810
    assert comparison(large, "torch_default") == "torch"
    text = time_findings(document)
    assert "PyTorch on 2 threads is faster than the library at K = 1,000 and 128,000" in text
    assert "the runs of the library and PyTorch on 1 thread overlap at K = 128,000" in text
    assert "PyTorch on 1 thread is faster than the library at K = 1,000;" in text
    faster_library = json.loads(json.dumps(document))
    faster_library["sizes"][1]["time_s"]["library"] = machine.spread([0.2, 0.25, 0.3])
    assert "the library is faster than PyTorch on 1 thread at K = 128,000" in time_findings(faster_library)


def test_page_text_states_what_was_measured(document):
    text = vocab_scale_markdown(document)
    assert text.count("/// table-caption") == 2
    assert "fresh process per measurement" in text and "tracemalloc" in text
    assert "median (min–max) of 3 repetitions" in text
    assert "1-minute load 0.20 before and 1.90 after" in text
    assert vocab_scale_summary(document).endswith(
        "At K = 128,000 one call's peak memory is 6,000.0 MiB for the naive form, 1.8 MiB for the library, "
        "2,000.0 MiB for PyTorch on 1 thread and 2,000.1 MiB for PyTorch on 2 threads.")


def test_loaded_results_are_withheld_from_the_page(document):
    document["machine"] = machine.require_quiet(True, read_load=lambda: (1.5, 1.0, 1.0), cores=2)
    text = vocab_scale_markdown(document)
    assert "not published" in text and "1.50 on 2 cores" in text
    assert "|" not in text  # no table


def test_committed_results_are_shown_or_withheld():
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    assert results["n"] == N and [size["k"] for size in results["sizes"]] == list(VOCAB_SIZES)
    text = vocab_scale_markdown(results)
    if withheld_reason(results):
        assert "not published" in text and "|" not in text
    else:
        assert text.startswith(vocab_scale_tables(results)[0])


def test_peak_rss_growth_sees_an_allocation_inside_one_call():
    def allocate() -> None:
        block = np.ones(200 * MIB // 8)  # touched pages, then freed before the call returns
        del block

    assert 195 * MIB < peak_rss_growth(allocate) < 215 * MIB
    assert peak_rss_growth(lambda: None) < 5 * MIB


def test_importing_the_benchmark_does_not_import_torch():
    code = "import sys, benchmarks.vocab_scale; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
