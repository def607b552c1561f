"""The linear cross-entropy benchmark's tables: every number from the results, nothing else,
and nothing at all from a loaded machine."""

from __future__ import annotations

import copy

from tools.results_tables import (
    LINEAR_CE_NAMES,
    linear_cross_entropy_markdown,
    linear_cross_entropy_tables,
    linear_cross_entropy_targets,
)


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


def results(load_before=0.2):
    return {
        "n": 4096,
        "d": 512,
        "dtype": "float32",
        "repetitions": 3,
        "machine": {
            "date": "2026-12-01T10:00:00+00:00",
            "cpu": "AMD EPYC",
            "cores": 2,
            "torch": "2.13.0+cpu",
            "load_limit_1min": 1.0,
            "load_average": {
                "before": [load_before, 0.3, 0.4],
                "after": [1.9, 0.5, 0.4],
            },
            "loaded": load_before > 1.0,
        },
        "sizes": [
            {
                "k": 32_000,
                "dense": entry(2.5, 2.4, 2.75, 1500.0),
                "chunked": entry(2.0, 1.95, 2.1, 180.0),
                "numpy": entry(20.0, 19.0, 21.0, 90.0, traced=80.44),
            },
            {
                "k": 128_000,
                "dense": entry(10.0, 9.5, 11.25, 6000.0),
                "chunked": entry(11.0, 10.9, 11.5, 700.0),
                "numpy": entry(60.123, 59.0, 61.0, 300.0, traced=280.4),
            },
        ],
    }


def test_tables_render_every_number_from_the_results():
    time_table, memory_table = linear_cross_entropy_tables(results())
    assert time_table.splitlines() == [
        "| time (s) | K = 32,000 | K = 128,000 |",
        "|---|---:|---:|",
        f"| {LINEAR_CE_NAMES['dense']} | 2.50 (2.40–\u20602.75) | 10.00 (9.50–\u206011.25) |",
        f"| {LINEAR_CE_NAMES['chunked']} | 2.00 (1.95–\u20602.10) | 11.00 (10.90–\u206011.50) |",
        f"| {LINEAR_CE_NAMES['numpy']} | 20.00 (19.00–\u206021.00) | 60.12 (59.00–\u206061.00) |",
        f"| {LINEAR_CE_NAMES['chunked']} ÷ full logits | 0.80 | 1.10 |",
    ]
    assert memory_table.splitlines() == [
        "| peak memory (MiB) | K = 32,000 | K = 128,000 |",
        "|---|---:|---:|",
        f"| {LINEAR_CE_NAMES['dense']} | 1,500.0 | 6,000.0 |",
        f"| {LINEAR_CE_NAMES['chunked']} | 180.0 | 700.0 |",
        f"| {LINEAR_CE_NAMES['numpy']} | 90.0 | 300.0 |",
        f"| {LINEAR_CE_NAMES['numpy']}, tracemalloc | 80.4 | 280.4 |",
        f"| {LINEAR_CE_NAMES['chunked']} ÷ full logits | 0.12 | 0.12 |",
    ]


def test_the_page_shows_tables_with_captions_from_a_quiet_machine():
    text = linear_cross_entropy_markdown(results())
    time_table, memory_table = linear_cross_entropy_tables(results())
    assert time_table in text and memory_table in text
    assert text.count("/// table-caption") == 2
    assert "median (min–max) of 3 repetitions" in text
    assert "N = 4,096 positions and d = 512 features in float32" in text
    assert "1-minute load 0.20 before" in text


def test_results_from_a_loaded_machine_are_withheld():
    text = linear_cross_entropy_markdown(results(load_before=3.456))
    assert "|" not in text
    assert text.startswith(
        "The linear cross-entropy timings: not published, recorded on a loaded machine"
    )
    assert "`python -m benchmarks.linear_cross_entropy`" in text


def test_targets_at_128k():
    assert linear_cross_entropy_targets(results()) == {
        "memory_at_most_one_eighth": True,
        "time_at_most_1.25x": True,
    }
    slow = copy.deepcopy(results())
    slow["sizes"][1]["chunked"] = entry(12.6, 12.0, 13.0, 760.0)
    assert linear_cross_entropy_targets(slow) == {
        "memory_at_most_one_eighth": False,
        "time_at_most_1.25x": False,
    }
    missing = copy.deepcopy(results())
    del missing["sizes"][1]["dense"]
    assert linear_cross_entropy_targets(missing) == {
        "memory_at_most_one_eighth": None,
        "time_at_most_1.25x": None,
    }
