"""A concept's kit: the macros, scripts and stylesheets that only one concept uses, in its own folder.

A concept folder may hold a ``kit/`` folder; nothing registers it::

    docs/domains/<domain>/<concept>/kit/
      __init__.py      # may be empty: the kit is a package, so its modules import each other
      macros.py        # the kit's macros: the functions it names in __all__
      *.css, *.js      # its stylesheets and scripts, published beside the pages (its .py files
                       # are not: mkdocs.yml's exclude_docs)

A page in the concept's folder (or below it) calls a kit macro as ``{{ kit.<name>(...) }}``: the
page's kit is the nearest ``kit/`` up its folders. A macro that puts something on the page that
needs the kit's scripts and styles is marked ``@uses_assets``; calling it marks the page
(``hooks/page_assets.py``, feature ``<the kit's folder>``), so they load on that page only.

Plain Python, no MkDocs import: ``hooks/macros.py`` makes the ``kit`` variable and
``hooks/page_assets_hook.py`` adds each kit's files to the page features.
"""

from __future__ import annotations

import importlib
import importlib.util
import posixpath
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from hooks.page_assets import Assets

KIT_FOLDER = "kit"
MACROS_MODULE = "macros"
ASSET_KINDS = {"stylesheets": "*.css", "scripts": "*.js"}
# Loaded kits live in sys.modules as concept_kits.<the kit folder's absolute path, as an identifier>
PACKAGE_PREFIX = "concept_kits"


class KitError(ValueError):
    """A page asked for a kit or kit macro that does not exist. (Not an AttributeError: Jinja would swallow it.)"""


def uses_assets(macro: Callable) -> Callable:
    """Mark a kit macro whose output needs the kit's scripts and stylesheets on the page."""
    macro.uses_kit_assets = True
    return macro


def find_kits(docs_dir: str | Path) -> dict[str, Path]:
    """Every kit under ``docs_dir``: its folder's path under ``docs/`` (``a/b/kit``) to the folder."""
    docs = Path(docs_dir)
    return {macros.parent.relative_to(docs).as_posix(): macros.parent
            for macros in sorted(docs.glob(f"**/{KIT_FOLDER}/{MACROS_MODULE}.py"))}


def kit_assets(docs_dir: str | Path) -> dict[str, Assets]:
    """Each kit's stylesheets and scripts (paths under ``docs/``), as a page feature named by its folder."""
    docs = Path(docs_dir)
    return {
        uri: Assets(**{kind: tuple(p.relative_to(docs).as_posix() for p in sorted(folder.glob(pattern)))
                       for kind, pattern in ASSET_KINDS.items()})
        for uri, folder in find_kits(docs).items()
    }


def kit_of_page(page_uri: str, kits: dict[str, Path]) -> str | None:
    """The nearest kit up the folders of the page at ``page_uri``, or None."""
    folder = posixpath.dirname(page_uri)
    while True:
        candidate = posixpath.join(folder, KIT_FOLDER) if folder else KIT_FOLDER
        if candidate in kits:
            return candidate
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def load_kit(folder: Path) -> ModuleType:
    """The kit's ``macros`` module, its folder imported as a package (its modules import each other relatively)."""
    package = f"{PACKAGE_PREFIX}.{re.sub(r'[^0-9A-Za-z]', '_', folder.resolve().as_posix())}"
    if package not in sys.modules:
        init = folder / "__init__.py"
        if not init.is_file():
            raise KitError(f"{folder}: a kit needs an __init__.py (it may be empty)")
        if PACKAGE_PREFIX not in sys.modules:
            sys.modules[PACKAGE_PREFIX] = ModuleType(PACKAGE_PREFIX)
        spec = importlib.util.spec_from_file_location(package, init, submodule_search_locations=[str(folder)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.{MACROS_MODULE}")


class PageKit:
    """``kit.<name>``: macro ``<name>`` of the kit of the page being rendered."""

    def __init__(self, docs_dir: str | Path, page_uri: Callable[[], str], use_assets: Callable[[str], None]) -> None:
        self._kits = find_kits(docs_dir)
        self._page_uri, self._use_assets = page_uri, use_assets

    def __getattr__(self, name: str) -> Callable:
        if name.startswith("_"):  # Jinja and copy probe dunder names; they are not macros
            raise AttributeError(name)
        page = self._page_uri()
        kit = kit_of_page(page, self._kits)
        if kit is None:
            raise KitError(f"{page}: kit.{name}: no {KIT_FOLDER}/ folder holds a {MACROS_MODULE}.py in this "
                           f"page's folder or above it (kits: {', '.join(self._kits) or 'none'})")
        macros = load_kit(self._kits[kit])
        exported = getattr(macros, "__all__", [])
        if name not in exported:
            raise KitError(f"{page}: kit.{name}: {kit}/{MACROS_MODULE}.py has no macro {name!r} in __all__ "
                           f"(its macros: {', '.join(exported) or 'none'})")
        macro = getattr(macros, name)
        if not getattr(macro, "uses_kit_assets", False):
            return macro

        def with_assets(*args, **kwargs):
            self._use_assets(kit)
            return macro(*args, **kwargs)

        return with_assets
