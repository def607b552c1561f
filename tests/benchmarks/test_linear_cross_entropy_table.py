"""The linear cross-entropy benchmark's table: every number from the results, nothing else."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tools.linear_cross_entropy_table import NAMES, markdown_table, targets_met


def entry(median, low, high, mib, traced=None):
    result = {
        "time_s": {
            "median": median,
            "min": low,
            "max": high,
            "runs": [low, median, high],
        },
        "peak_rss_growth_mib": mib,
        "loss": 12.0,
        "warnings": [],
    }
    if traced is not None:
        result["tracemalloc_peak_mib"] = traced
    return result


def results(loaded=False):
    return {
        "machine": {
            "loaded": loaded,
            "cores": 2,
            "load_limit_1min": 1.0,
            "load_average": {"before": 3.456 if loaded else 0.2, "after": 0.3},
        },
        "sizes": [
            {
                "k": 128_000,
                "dense": entry(10.0, 9.5, 11.25, 6000.0),
                "torch_linear_ce": entry(10.5, 10.0, 12.0, 6010.4),
                "chunked": entry(11.0, 10.9, 11.5, 700.0),
                "numpy": entry(60.123, 59.0, 61.0, 300.0, traced=280.4),
            },
        ],
    }


def test_rows_render_every_number_from_the_results():
    table = markdown_table(results()).splitlines()
    assert table[0] == (
        "| K | method | time, s: median (min–max) | peak extra memory, MiB "
        "| time ÷ full logits | memory ÷ full logits |"
    )
    assert re.fullmatch(r"\|---:\|:---\|(---:\|){4}", table[1])
    assert table[2:] == [
        f"| 128,000 | {NAMES['dense']} | 10.00 (9.50–11.25) | 6,000 | 1.00 | 1.00 |",
        f"| 128,000 | {NAMES['torch_linear_ce']} | 10.50 (10.00–12.00) | 6,010 | 1.05 | 1.00 |",
        f"| 128,000 | {NAMES['chunked']} | 11.00 (10.90–11.50) | 700 | 1.10 | 0.12 |",
        f"| 128,000 | {NAMES['numpy']} | 60.12 (59.00–61.00) | 300 (traced 280) | 6.01 | 0.05 |",
    ]


def test_a_loaded_run_says_so_before_the_table():
    text = markdown_table(results(loaded=True))
    first = text.splitlines()[0]
    assert first.startswith(
        "**Informal run on a loaded machine** (1-minute load 3.46 on 2 cores, limit 1)"
    )
    assert "| K | method" in text
    assert "Informal" not in markdown_table(results())


def test_targets_at_128k():
    assert targets_met(results()) == {
        "memory_at_most_one_eighth": True,
        "time_at_most_1.25x": True,
    }
    slow = results()
    slow["sizes"][0]["chunked"] = entry(12.6, 12.0, 13.0, 760.0)
    assert targets_met(slow) == {
        "memory_at_most_one_eighth": False,
        "time_at_most_1.25x": False,
    }
    missing = results()
    del missing["sizes"][0]["dense"]
    assert targets_met(missing) == {
        "memory_at_most_one_eighth": None,
        "time_at_most_1.25x": None,
    }


def test_the_table_module_imports_neither_torch_nor_benchmarks():
    code = (
        "import sys, tools.linear_cross_entropy_table; "
        "print(any(m == 'torch' or m.startswith('benchmarks') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
