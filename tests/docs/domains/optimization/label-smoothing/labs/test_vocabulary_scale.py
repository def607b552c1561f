"""The "Try it" of labs/vocabulary-scale.py, run at a small size: two batch sizes, two vocabularies."""

from __future__ import annotations

import pytest

SMALL = {
    "(128, 256, 512, 1024, 2048, 4096)": "(128, 512)",
    "(1000, 2000, 4000, 8000, 16000)": "(1000, 4000)",
}


def test_try_it_names_the_changes_the_tests_make(try_it):
    text = try_it("vocabulary-scale")
    assert "`ALPHA = 0.5`" in text and "`K_FIXED, N_FIXED = 8000, 1024`" in text


def test_alpha_moves_neither_peak(run_lab):
    before = run_lab("vocabulary-scale", SMALL)
    after = run_lab("vocabulary-scale", {**SMALL, "ALPHA = 0.1": "ALPHA = 0.5"})
    for old, new in zip(before["by_n"] + before["by_k"], after["by_n"] + after["by_k"], strict=True):
        # the lab rounds to 0.1 MiB (naive) and 0.01 MiB (library): one rounding step of slack
        assert new["naive_mib"] == pytest.approx(old["naive_mib"], abs=0.1)
        assert new["library_mib"] == pytest.approx(old["library_mib"], abs=0.01)


def test_doubling_the_vocabulary_doubles_the_naive_peak_only(run_lab):
    before = run_lab("vocabulary-scale", SMALL)
    after = run_lab("vocabulary-scale", {**SMALL, "K_FIXED, N_FIXED = 4000, 1024": "K_FIXED, N_FIXED = 8000, 1024"})
    for old, new in zip(before["by_n"], after["by_n"], strict=True):
        assert new["k"] == 2 * old["k"]
        assert new["naive_mib"] / old["naive_mib"] == pytest.approx(2, rel=0.1), (old, new)
        assert new["library_mib"] / old["library_mib"] == pytest.approx(1, rel=0.1), (old, new)
