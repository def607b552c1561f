"""The README's measured numbers are the committed benchmark results (benchmarks/report.py)."""

from benchmarks.report import README, render, section


def test_readme_measured_section_matches_results():
    assert section(README.read_text(encoding="utf-8")) == render(), (
        "README.md's benchmark section is stale: run `python -m benchmarks.report`"
    )
