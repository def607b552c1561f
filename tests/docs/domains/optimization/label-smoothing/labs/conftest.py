"""Run a lab's own code with a reader's change, at a small size, for the "Try it" tests.

Each lab ends with "Try it": changes a reader can make to the downloaded notebook, and what the
lab then shows. The tests execute the lab's code cells (read with jupytext, as the build reads
them) after replacing lines of its source, so what they check is the lab itself, not a copy.
A replacement names text that must occur exactly once in the lab, so a lab edit that removes
it fails the test instead of silently testing something else.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jupytext
import matplotlib
import pytest

LABS = Path(__file__).resolve().parents[6] / "docs/domains/optimization/label-smoothing/labs"


def try_it_text(lab: str) -> str:
    """The lab's last Markdown cell, which must be its "Try it"."""
    cells = [c for c in jupytext.read(LABS / f"{lab}.py").cells if c.cell_type == "markdown"]
    text = cells[-1].source
    assert re.match(r"#+ Try it\b", text), f"labs/{lab}.py does not end with a 'Try it' Markdown cell"
    return text


def code_only(lab_source: str) -> str:
    """The lab's source with its Markdown cells blanked, so tracebacks keep the lab's line numbers."""
    lines, in_markdown = [], False
    for line in lab_source.splitlines():
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
        lines.append("" if in_markdown else line)
    return "\n".join(lines)


@functools.cache
def _run(lab: str, replacements: tuple[tuple[str, str], ...]) -> dict:
    source = code_only((LABS / f"{lab}.py").read_text(encoding="utf-8"))
    for old, new in replacements:
        found = source.count(old)
        assert found == 1, f"labs/{lab}.py has {old!r} {found} times, not once: update the Try it test"
        source = source.replace(old, new)
    matplotlib.use("Agg")
    namespace: dict = {"__name__": f"lab_{lab.replace('-', '_')}"}
    exec(compile(source, str(LABS / f"{lab}.py"), "exec"), namespace)  # noqa: S102 - the lab's own code
    return namespace


@pytest.fixture
def run_lab(capsys):
    """``run_lab(lab, {old: new, ...})``: the namespace left by the lab's code after the changes."""
    def run(lab: str, replacements: dict[str, str]) -> dict:
        namespace = _run(lab, tuple(replacements.items()))
        capsys.readouterr()  # the lab's display() calls print outside a kernel; keep the log short
        return namespace
    return run


@pytest.fixture
def try_it():
    """``try_it(lab)``: the text of the lab's closing "Try it" cell."""
    return try_it_text
