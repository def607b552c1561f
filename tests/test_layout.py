"""Every module in snippets/ is imported by a test under tests/snippets/ (FastAPI-style examples)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(p.stem for p in (ROOT / "snippets").glob("*.py") if p.stem != "__init__")
TEST_SOURCES = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests/snippets").glob("test_*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_snippet_module_has_tests(module):
    imported = re.search(rf"^\s*(from snippets(\.{module})? import .*\b{module}\b|from snippets\.{module} import|import snippets\.{module})", TEST_SOURCES, re.M)
    assert imported, f"snippets/{module}.py is not imported by any tests/snippets/test_*.py"
