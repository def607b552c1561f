"""The layout hooks/__init__.py describes: MkDocs is imported only by the ``*_hook.py`` adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HOOKS = Path(__file__).resolve().parents[2] / "hooks"
PLAIN = sorted(p.name for p in HOOKS.glob("*.py") if not p.stem.endswith("_hook"))


def imported_top_level(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", PLAIN)
def test_plain_modules_do_not_import_mkdocs(module):
    imported = imported_top_level(HOOKS / module)
    assert not imported & {"mkdocs", "material", "mkdocs_jupyter"}, f"hooks/{module} imports MkDocs; move that to an adapter"


def test_every_adapter_is_in_mkdocs_yml():
    config = (HOOKS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    for adapter in HOOKS.glob("*_hook.py"):
        assert f"- hooks/{adapter.name}" in config, f"hooks/{adapter.name} is not listed under hooks: in mkdocs.yml"
