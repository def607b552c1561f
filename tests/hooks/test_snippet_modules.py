"""Any snippets/ module reachable from a page (hooks/snippet_modules.py)."""

import os
import sys

import pytest
from hooks.snippet_modules import SnippetModuleError, SnippetModules


def test_every_snippet_module_is_reachable_by_name():
    from snippets import calibration

    snippets = SnippetModules()
    assert snippets.calibration is calibration
    assert "label_smoothing" in snippets.names() and "__init__" not in snippets.names()


def test_an_unknown_module_is_named_with_the_ones_that_exist():
    with pytest.raises(SnippetModuleError, match=r"snippets\.calibratoin: there is no snippets/calibratoin\.py; "
                                                 r"the modules are: .*calibration"):
        SnippetModules().calibratoin
    with pytest.raises(AttributeError):
        SnippetModules().__html__  # what Jinja probes must stay an ordinary missing attribute


def test_a_saved_module_is_imported_again(tmp_path, monkeypatch):
    package = tmp_path / "kit_under_test"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    module = package / "numbers.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    modules = SnippetModules(package, "kit_under_test")
    assert modules.numbers.VALUE == 1
    module.write_text("VALUE = 2\n", encoding="utf-8")
    later = module.stat().st_mtime_ns + 1_000_000_000
    os.utime(module, ns=(later, later))
    assert modules.numbers.VALUE == 2
    sys.modules.pop("kit_under_test.numbers", None)
    sys.modules.pop("kit_under_test", None)
