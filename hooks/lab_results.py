"""A lab's headline numbers: taken from its ``results`` cell, saved by the build, read by pages.

The cell tagged ``results`` displays one ``application/json`` dict (``snippets.plotting.show_results``).
The build saves it as ``<cache>/results/<lab key>.json``; a page reads it with the ``lab`` macro,
``{{ lab("calibration")["ece"]["baseline"]["mean"] }}``, where the name resolves against the
``labs/`` folder nearest the page (its concept's), and a path with a slash
(``lab("domains/x/labs/calibration")``) names another concept's lab.

This module does not import MkDocs.
"""

from __future__ import annotations

import functools
import json
import posixpath
from pathlib import Path
from typing import Any

from hooks.lab_store import LabStore
from hooks.labs import LABS_FOLDER, LabError
from snippets.labkit import RESULTS_MIME, RESULTS_TAG


class LabResultsError(ValueError):
    """Results missing or a key absent. (Not a LookupError: Jinja would swallow it.)"""


def extract_results(nb: Any, lab_name: str) -> dict[str, Any]:
    """The JSON dict displayed by the lab's cell tagged ``results``."""
    found = []
    for index, cell in enumerate(nb.cells):
        if RESULTS_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                if RESULTS_MIME in output.get("data", {}):
                    found.append((index, output["data"][RESULTS_MIME]))
    if len(found) != 1:
        raise LabError(
            f"Lab {lab_name}: expected exactly one cell tagged {RESULTS_TAG!r} displaying {RESULTS_MIME}, "
            f"found {len(found)}"
        )
    index, results = found[0]
    if not isinstance(results, dict):
        raise LabError(f"Lab {lab_name}: the results in cell {index} are a {type(results).__name__}, not a dict")
    return results


def results_json(results: dict[str, Any]) -> bytes:
    """The saved form: sorted keys, no NaN, one trailing newline (stable bytes)."""
    return (json.dumps(results, indent=2, sort_keys=True, allow_nan=False) + "\n").encode("utf-8")


def resolve_lab_key(name: str, page_src_uri: str, saved_dir: Path) -> str:
    """The key of lab ``name`` as seen from page ``page_src_uri``: the nearest ``labs/`` folder wins.

    From ``a/b/index.md`` or ``a/b/deep/page.md`` the name ``calibration`` finds
    ``a/b/labs/calibration``; from ``a/b/labs/index.md`` it finds the same lab. A name with a
    slash is already a key.
    """
    if "/" in name:
        return name.removesuffix(".py")
    folder = posixpath.dirname(page_src_uri)
    candidates = []
    while True:
        labs = folder if posixpath.basename(folder) == LABS_FOLDER else posixpath.join(folder, LABS_FOLDER)
        if (saved_dir / labs).is_dir():
            return posixpath.join(labs, name)
        candidates.append(labs)
        if not folder:
            return posixpath.join(candidates[0], name)  # none found: the error names the page's own
        folder = posixpath.dirname(folder)


def lab_results(name: str, page_src_uri: str, project_dir: str | Path) -> dict[str, Any]:
    """Headline numbers of lab ``name`` for page ``page_src_uri``, as the last build saved them.

    A missing lab or key raises :class:`LabResultsError` naming the lab, the key path and the
    choices.
    """
    store = LabStore.of_project(project_dir)
    key = resolve_lab_key(name, page_src_uri, store.results_dir)
    path = store.results(key)
    if not path.is_file():
        folder = path.parent
        known = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
        raise LabResultsError(
            f"No results for lab {name!r} (seen from {page_src_uri}): {path} does not exist. "
            f"Labs write their results when the site builds; is there a lab {key}.py with a cell tagged "
            f"'results'? Labs with results in {posixpath.dirname(key)}/: {known or 'none'}"
        )
    stat = path.stat()
    return _read_results(path, stat.st_mtime_ns, stat.st_size, name)


@functools.lru_cache(maxsize=256)
def _read_results(path: Path, mtime_ns: int, size: int, name: str) -> dict[str, Any]:
    """Parsed once per version of the file: the build rewrites it only when the numbers change."""
    return Results(json.loads(path.read_text(encoding="utf-8")), lab=name, path=())


class Results(dict):
    """A dict whose missing keys raise an error naming the lab, the key path and the choices."""

    def __init__(self, data: dict[str, Any], *, lab: str, path: tuple[str, ...]) -> None:
        super().__init__(
            {k: Results(v, lab=lab, path=(*path, k)) if isinstance(v, dict) else v for k, v in data.items()}
        )
        self._lab = lab
        self._path = path

    def __getitem__(self, key: str) -> Any:
        if key not in self:
            where = "".join(f"[{p!r}]" for p in self._path)
            raise LabResultsError(
                f"Lab {self._lab!r} has no result {where}[{key!r}]; available keys there: {sorted(self)}"
            )
        return super().__getitem__(key)
