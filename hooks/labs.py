"""Build glue for the labs: execute each notebook once per build, cache it, publish its figures.

A lab is a jupytext percent-format ``.py`` file in :data:`LABS_DIR` under ``docs/``.
On every build (``on_files``, before mkdocs-jupyter sees the files):

1. **Execute** each lab with nbclient in a fresh kernel (labs run in parallel, one
   BLAS thread each). The working directory is the repository root, so labs
   ``import snippets....`` like the tests do.
2. **Cache** the executed notebook under ``.cache/labs/`` by a key that hashes the
   lab's source, the source of every ``snippets/*.py`` module it imports
   (transitively), and the versions of the numeric packages. An unchanged lab is
   not re-run by ``mkdocs serve``. With ``CI=true`` the cache is ignored and every
   lab runs fresh.
3. **Render**: the lab's ``<lab>.py`` File is replaced by ``labs/<lab>.ipynb``, read
   from the executed copy under ``.cache/labs/executed/`` (so nav entries and links
   name ``labs/<lab>.ipynb``). mkdocs-jupyter (``execute: false``, ``include`` narrowed
   to that folder) renders it and, with ``include_source``, copies it next to the page.
   The ``.ipynb`` is also registered as a generated file at ``labs/<lab>/<lab>.ipynb``
   so Markdown pages can link to the download and MkDocs validates those links.
4. **Figures**: every cell tagged ``figure:<name>`` draws its figure with
   ``snippets.plotting.show_figure`` in four variants (desktop/phone, light/dark;
   ``LAB_FIGURE_VARIANTS=all`` in the kernel). :mod:`hooks.figures` publishes them as
   ``labs/figures/<lab>-<name>[-phone][-dark].svg``, writes their alt text and sizes to
   ``.cache/labs/figures/<lab>.json`` (read by the ``lab_figure`` macro), replaces the
   cell's images on the lab page by the same ``<picture>`` markup the macro renders, and
   keeps only the desktop, light image in the downloadable notebook.
5. **Results**: the cell tagged ``results`` displays an ``application/json``
   dict of headline numbers; it is written to ``.cache/labs/results/<lab>.json``
   and read by :func:`load_lab_results` (exposed to pages as the ``lab`` macro).

An exception in a lab fails the build with a :class:`PluginError` that names the
lab file, the cell (index, source line and first line of code) and the error.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.labs")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # MkDocs loads hooks by path: make `hooks.figures` importable

from hooks.figures import FigureError, extract_figures, manifest, primary_variant_only, replace_figure_outputs  # noqa: E402

LABS_DIR = "domains/optimization/label-smoothing/labs"  # relative to docs_dir
CACHE_DIR = ROOT / ".cache" / "labs"
RESULTS_DIR = CACHE_DIR / "results"
FIGURES_DIR = CACHE_DIR / "figures"
SNIPPETS_DIR = ROOT / "snippets"
RESULTS_TAG = "results"
CELL_TIMEOUT_S = 300
#: Bump to invalidate every cached execution (e.g. when this hook's processing changes).
CACHE_VERSION = "labs-3"
#: Packages whose versions enter the cache key: an upgrade can change a lab's numbers.
KEY_PACKAGES = ("numpy", "scipy", "matplotlib", "scikit-learn", "ipykernel", "nbclient", "jupytext")
#: Kernel environment: one BLAS thread per lab (labs run side by side, and results then
#: do not depend on the thread count), stable hashing, no GUI backend surprises.
KERNEL_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "LAB_FIGURE_VARIANTS": "all",  # snippets.plotting.show_figure draws every variant the site publishes
}
_SNIPPET_IMPORT = re.compile(r"^snippets(?:\.(\w+))?")


class LabError(PluginError):
    """A lab failed to execute or broke a build convention."""


class LabResultsError(ValueError):
    """Results missing or a key absent. (Not a LookupError: Jinja would swallow it.)"""


# ------------------------------------------------------------------ cache key


def _imported_snippets(source: str, filename: str) -> set[str]:
    """Names of ``snippets`` modules imported by Python ``source`` (direct imports only)."""
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise LabError(f"{filename}: cannot parse as Python: {exc}") from exc
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "snippets":  # from snippets import mlp, datasets
                modules = [f"snippets.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 1:  # inside snippets/: from .x import
            modules = [f"snippets.{node.module}"] if node.module else [f"snippets.{a.name}" for a in node.names]
        else:
            continue
        for module in modules:
            match = _SNIPPET_IMPORT.match(module)
            if match and match.group(1):
                names.add(match.group(1))
    return names


def snippet_dependencies(source: str, filename: str, snippets_dir: Path = SNIPPETS_DIR) -> list[Path]:
    """The ``snippets/*.py`` files a lab imports, directly or through other snippets, sorted."""
    seen: set[str] = set()
    todo = sorted(_imported_snippets(source, filename))
    while todo:
        name = todo.pop()
        path = snippets_dir / f"{name}.py"
        if name in seen or not path.is_file():
            continue  # a missing module makes the lab itself fail, with a clear error
        seen.add(name)
        todo.extend(_imported_snippets(path.read_text(encoding="utf-8"), str(path)) - seen)
    return [snippets_dir / f"{name}.py" for name in sorted(seen)]


def _package_versions() -> str:
    versions = []
    for name in KEY_PACKAGES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}==absent")
    return ";".join(versions)


def cache_key(lab_path: Path, snippets_dir: Path = SNIPPETS_DIR) -> str:
    """SHA-256 over the lab source, every snippet it imports, package versions and CACHE_VERSION."""
    source = lab_path.read_bytes()
    digest = hashlib.sha256()
    digest.update(CACHE_VERSION.encode())
    digest.update(_package_versions().encode())
    digest.update(b"\0lab\0" + source)
    for dep in snippet_dependencies(source.decode("utf-8"), str(lab_path), snippets_dir):
        digest.update(b"\0" + dep.name.encode() + b"\0" + dep.read_bytes())
    return digest.hexdigest()


# ------------------------------------------------------------------ execution


def _cell_location(lab_path: Path, nb: Any, index: int) -> tuple[int | None, str]:
    """Line number in the .py source and first non-empty line of code cell ``index``.

    The search starts at the cell's own ``# %%`` marker when every cell has one, so a line that
    also appears earlier in the lab (a repeated call, a comment) is not mistaken for it.
    """
    lines = [line for line in nb.cells[index].source.splitlines() if line.strip()]
    first = lines[0].strip() if lines else "<empty cell>"
    text = lab_path.read_text(encoding="utf-8").splitlines()
    markers = [number for number, line in enumerate(text) if line.startswith("# %%")]
    start = markers[index] if len(markers) == len(nb.cells) else 0
    for number, line in enumerate(text[start:], start=start + 1):
        if line.strip() == first:
            return number, first
    return None, first


def execute_lab(lab_path: Path, *, cwd: Path = ROOT, timeout: int = CELL_TIMEOUT_S) -> Any:
    """Execute a jupytext lab with nbclient and return the executed notebook.

    Raises LabError naming the lab and the failing cell.
    """
    import jupytext
    from nbclient import NotebookClient
    from nbclient.exceptions import CellControlSignal, CellExecutionError

    nb = jupytext.read(lab_path)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"  # jupytext draws random ids; fixed ones keep the output byte-stable
    current: dict[str, int] = {"index": -1}

    def on_cell_execute(cell: Any, cell_index: int, **_: Any) -> None:
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=False,
        record_timing=False,  # no timestamps in the output: identical inputs, identical bytes
        resources={"metadata": {"path": str(cwd)}},
        on_cell_execute=on_cell_execute,
    )
    env = {**os.environ, **KERNEL_ENV}
    # The kernel's own stderr (start-up chatter, a crash trace) goes to a log file, not the build log.
    kernel_log_path = CACHE_DIR / "logs" / f"{lab_path.stem}.kernel.log"
    kernel_log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with kernel_log_path.open("wb") as kernel_log:
            client.execute(env=env, stderr=kernel_log)
    except (CellExecutionError, CellControlSignal, TimeoutError) as exc:
        index = current["index"]
        if index < 0:
            raise LabError(f"Lab {_display(lab_path)} failed before its first cell: {exc}") from exc
        cell = nb.cells[index]
        line, first = _cell_location(lab_path, nb, index)
        where = f"line {line}" if line else "source line unknown"
        last_line = (str(exc).strip().splitlines() or [""])[-1]
        detail = _error_summary(cell) or f"{type(exc).__name__}: {last_line}"
        raise LabError(
            f"Lab {_display(lab_path)} failed in cell {index} ({where}: `{first}`): {detail}"
        ) from None
    except Exception as exc:  # kernel died, could not start, ...
        raise LabError(
            f"Lab {_display(lab_path)} could not be executed: {type(exc).__name__}: {exc} "
            f"(kernel log: {_display(kernel_log_path)})"
        ) from exc
    return nb


def _error_summary(cell: Any) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}"
    return ""


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ outputs


def extract_results(nb: Any, lab_name: str) -> dict[str, Any]:
    """The JSON dict displayed by the lab's cell tagged ``results``."""
    found = []
    for index, cell in enumerate(nb.cells):
        if RESULTS_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                if "application/json" in output.get("data", {}):
                    found.append((index, output["data"]["application/json"]))
    if len(found) != 1:
        raise LabError(
            f"Lab {lab_name}: expected exactly one cell tagged {RESULTS_TAG!r} displaying application/json, "
            f"found {len(found)}"
        )
    index, results = found[0]
    if not isinstance(results, dict):
        raise LabError(f"Lab {lab_name}: the results in cell {index} are a {type(results).__name__}, not a dict")
    return results


def load_lab_results(name: str, results_dir: Path | None = None) -> dict[str, Any]:
    """Headline numbers of lab ``name`` from the last build, as saved by this hook.

    Pages read them through the ``lab`` macro: ``{{ lab("calibration")["ece"]["baseline"]["mean"] }}``.
    A missing file or key raises :class:`LabResultsError` naming the lab and the key path.
    """
    path = (results_dir or RESULTS_DIR) / f"{name}.json"
    if not path.is_file():
        raise LabResultsError(
            f"No results for lab {name!r}: {path} does not exist. Labs in {LABS_DIR}/ write their results "
            f"when the site builds; is there a lab called {name}.py with a cell tagged 'results'?"
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    return _Results(data, lab=name, path=())


class _Results(dict):
    """A dict whose missing keys raise an error naming the lab, the key path and the choices."""

    def __init__(self, data: dict[str, Any], *, lab: str, path: tuple[str, ...]) -> None:
        super().__init__(
            {k: _Results(v, lab=lab, path=(*path, k)) if isinstance(v, dict) else v for k, v in data.items()}
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


# ------------------------------------------------------------------ build


@dataclass
class Lab:
    name: str
    source: Path
    src_uri: str
    key: str = ""
    executed: Path = field(default_factory=Path)
    seconds: float | None = None  # None: cache hit


def _write_if_changed(path: Path, content: bytes) -> None:
    if path.is_file() and path.read_bytes() == content:
        return  # keep the mtime: nothing downstream needs to notice
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)


def run_lab(lab: Lab, *, fresh: bool, cache_dir: Path = CACHE_DIR) -> Any:
    """Execute ``lab`` (or reuse its cached execution) and return the executed notebook."""
    import nbformat

    lab.key = cache_key(lab.source)
    store = cache_dir / "store" / lab.name / f"{lab.key[:20]}.ipynb"  # one folder per lab: stale runs go
    lab.executed = cache_dir / "executed" / LABS_DIR / f"{lab.name}.ipynb"
    if store.is_file() and not fresh:
        text = store.read_text(encoding="utf-8")
        lab.seconds = None
    else:
        start = time.perf_counter()
        nb = execute_lab(lab.source)
        lab.seconds = time.perf_counter() - start
        text = nbformat.writes(nb)
        for stale in store.parent.glob("*.ipynb"):
            stale.unlink()
        _write_if_changed(store, text.encode("utf-8"))
    _write_if_changed(lab.executed, text.encode("utf-8"))
    return nbformat.reads(text, as_version=4)


def find_labs(files: Files) -> list[Lab]:
    labs = []
    for file in files:
        if posixpath.dirname(file.src_uri) == LABS_DIR and file.src_uri.endswith(".py") and file.abs_src_path:
            name = posixpath.splitext(posixpath.basename(file.src_uri))[0]
            labs.append(Lab(name=name, source=Path(file.abs_src_path), src_uri=file.src_uri))
    return sorted(labs, key=lambda lab: lab.name)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


@event_priority(100)  # before mkdocs-jupyter (priority 0), which wraps notebook files
def on_files(files: Files, config: Any) -> Files:
    import nbformat

    labs = find_labs(files)
    if not labs:
        return files
    fresh = _in_ci()
    workers = max(1, min(len(labs), os.cpu_count() or 1))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {lab.name: pool.submit(run_lab, lab, fresh=fresh) for lab in labs}
        notebooks = {name: future.result() for name, future in futures.items()}  # re-raises LabError
    for lab in labs:
        nb = notebooks[lab.name]
        results = extract_results(nb, lab.name)
        try:
            figures = extract_figures(nb, lab.name)
            page_nb = replace_figure_outputs(nb, lab.name, base_url="../figures/")
        except FigureError as exc:
            raise LabError(f"{exc} ({_display(lab.source)})") from None
        _write_if_changed(
            FIGURES_DIR / f"{lab.name}.json",
            (json.dumps(manifest(figures), indent=2, sort_keys=True) + "\n").encode("utf-8"),
        )
        _write_if_changed(lab.executed, nbformat.writes(page_nb).encode("utf-8"))
        _write_if_changed(
            RESULTS_DIR / f"{lab.name}.json",
            (json.dumps(results, indent=2, sort_keys=True, allow_nan=False) + "\n").encode("utf-8"),
        )
        # The page: labs/<lab>.ipynb, read from the executed copy. (A real File with a src_dir,
        # not File.generated: mkdocs-jupyter's wrapper recomputes abs_src_path from src_dir.)
        files.remove(files.get_file_from_path(lab.src_uri))
        files.append(
            File(
                f"{LABS_DIR}/{lab.name}.ipynb",
                src_dir=str(CACHE_DIR / "executed"),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
        files.append(
            File.generated(
                config, f"{LABS_DIR}/{lab.name}/{lab.name}.ipynb",
                content=nbformat.writes(primary_variant_only(nb)).encode("utf-8"),
            )
        )
        for figure in figures.values():
            for filename, content in figure.files().items():
                files.append(File.generated(config, f"{LABS_DIR}/figures/{filename}", content=content))
        status = "cached" if lab.seconds is None else f"executed in {lab.seconds:.1f} s"
        log.info("lab %s: %s", lab.name, status)
    log.info("labs: %d ready in %.1f s%s", len(labs), time.perf_counter() - start, " (CI: fresh)" if fresh else "")
    return files
