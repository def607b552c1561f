"""The build does not depend on measurement scripts: nothing in hooks/ imports benchmarks/ (issue 11)."""

from __future__ import annotations

import ast
from pathlib import Path

HOOKS = Path(__file__).resolve().parents[2] / "hooks"


def imported_modules(source: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_no_hook_imports_benchmarks():
    offenders = {
        path.name: sorted(m for m in imported_modules(path.read_text(encoding="utf-8"))
                          if m == "benchmarks" or m.startswith("benchmarks."))
        for path in HOOKS.glob("*.py")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_the_check_sees_a_nested_import():
    assert "benchmarks.vocab_scale" in imported_modules("def f():\n    from benchmarks.vocab_scale import x\n")
