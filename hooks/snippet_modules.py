"""Every module under ``snippets/`` as a page variable, imported on first use.

A page with ``render_macros: true`` writes ``{{ snippets.calibration.expected_calibration_error(...) }}``
for any ``snippets/<module>.py``: no edit to ``hooks/macros.py`` and no restart. A module saved
while ``properdocs serve`` runs is imported again on the next rebuild (its file's modification time
changed). A name with no module fails with the list of those that exist.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

SNIPPETS_DIR = Path(__file__).resolve().parent.parent / "snippets"


class SnippetModuleError(ValueError):
    """A page named a module ``snippets/`` lacks. (Not an AttributeError: Jinja would swallow it.)"""


class SnippetModules:
    """``snippets.<name>``: the module ``snippets/<name>.py``, reloaded when its file changes."""

    def __init__(self, folder: Path = SNIPPETS_DIR, package: str = "snippets") -> None:
        self._folder, self._package = folder, package
        self._loaded: dict[str, tuple[int, ModuleType]] = {}

    def names(self) -> list[str]:
        return sorted(p.stem for p in self._folder.glob("*.py") if not p.stem.startswith("_"))

    def __getattr__(self, name: str) -> ModuleType:
        if name.startswith("_"):  # Jinja and copy probe dunder names; they are not modules
            raise AttributeError(name)
        path = self._folder / f"{name}.py"
        if not path.is_file():
            raise SnippetModuleError(f"{self._package}.{name}: there is no {self._package}/{name}.py; "
                                     f"the modules are: {', '.join(self.names())}")
        mtime = path.stat().st_mtime_ns
        seen, module = self._loaded.get(name, (None, None))
        if module is None:
            module = importlib.import_module(f"{self._package}.{name}")
        elif seen != mtime:
            module = importlib.reload(module)
        self._loaded[name] = (mtime, module)
        return module
