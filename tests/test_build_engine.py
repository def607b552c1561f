"""ProperDocs builds the site, and nothing in the repository runs MkDocs itself.

MkDocs 1.6.1 stays installed, because Material, mkdocs-jupyter, mkdocs-macros-plugin and
mkdocs-redirects declare it as a dependency. The hooks and those plugins import ``mkdocs.*``
names, which ProperDocs resolves to its own modules (``properdocs/replacement.py``); the test
process does the same (``-p properdocs.replacement`` in pyproject.toml).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What starts MkDocs: its command, its module, or its build function.
RUNS_MKDOCS = re.compile(
    r"""bin/mkdocs\b|-m\s+mkdocs\b|["']-m["'],\s*["']mkdocs["']|\bmkdocs\s+(?:build|serve|gh-deploy)\b"""
    r"""|from\s+mkdocs(?:\.commands\.\w+)?\s+import\s+(?:build|serve)\b"""
)
COMMAND_FILES = ("Makefile", ".ci/run", ".github/workflows/*.yml", "pyproject.toml")


def tracked(*patterns: str) -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "--", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / name for name in listed.stdout.split()]


def offenders(paths: list[Path], pattern: re.Pattern[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]


def test_no_command_runs_mkdocs():
    assert not offenders(tracked(*COMMAND_FILES), RUNS_MKDOCS)


def test_no_python_file_starts_mkdocs():
    """Comments may still say what the hooks were written for; code may not start MkDocs."""
    starts = re.compile(RUNS_MKDOCS.pattern.replace(r"|\bmkdocs\s+(?:build|serve|gh-deploy)\b", ""))
    assert not offenders([path for path in tracked("*.py") if path != Path(__file__)], starts)


def test_the_pattern_sees_every_way_of_starting_mkdocs():
    for line in ('$(BIN)/mkdocs serve --dirty', '[sys.executable, "-m", "mkdocs", "build"]', "python -m mkdocs build",
                 "from mkdocs.commands.build import build", "mkdocs gh-deploy"):
        assert RUNS_MKDOCS.search(line), line
    for line in ("properdocs build --strict", "from mkdocs.plugins import event_priority", "mkdocs.yml", "mkdocs-material==9.8.2"):
        assert not RUNS_MKDOCS.search(line), line


def test_mkdocs_names_are_properdocs_modules_here():
    import mkdocs.commands.build
    import mkdocs.plugins
    import properdocs.commands.build
    import properdocs.plugins

    assert mkdocs.plugins is properdocs.plugins
    assert mkdocs.commands.build.log.name == "properdocs.commands.build"
