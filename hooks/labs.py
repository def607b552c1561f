"""Labs: find them by convention, execute each once, and cache the executed notebook.

A lab is a jupytext percent-format ``.py`` file in a ``labs/`` folder beside a concept page:
``docs/<concept>/labs/<name>.py``. It is keyed by that path (relative to ``docs/``, without
``.py``), so two concepts may each have a "calibration" lab; :class:`Lab` derives every other
path from it.

* **Execute** with nbclient in a fresh kernel, one BLAS thread, the repository root as working
  directory (labs ``import snippets....`` as the tests do). An exception names the lab file,
  the cell (index, source line and first line of code) and the error (:class:`LabError`).
* **Cache** the executed notebook in the lab store (``hooks/lab_store.py``) by :func:`cache_key`: a
  hash of what decides the executed notebook's bytes, and nothing else: the lab's source, every
  ``snippets/*.py`` module it imports (transitively), the Python and numeric package versions,
  the kernel environment, the nbclient options and :data:`EXECUTION_FORMAT`.
* **Policy**, the ``LAB_EXECUTION`` setting (:class:`LabExecution`): ``cache`` (the default) runs
  a lab only when the store has no execution for its key; ``force`` runs every lab (``.ci/run``,
  and the GitHub workflow on pushes to main); ``off`` runs none and publishes each lab's most
  recent stored execution, even one whose inputs have changed since, so that editing a snippet
  does not wait for the labs. A lab that was never executed stops an ``off`` build, naming it:
  its page, figures and the numbers other pages quote exist only as outputs of a run, and a
  page must not show a number no code computed.

This module does not import MkDocs; ``hooks/labs_hook.py`` wires it into the build.
"""

from __future__ import annotations

import ast
import enum
import functools
import hashlib
import json
import os
import posixpath
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from hooks.lab_store import LabStore, write_if_changed
from snippets.labkit import ALL_VARIANTS, VARIANTS_ENV

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS_DIR = ROOT / "snippets"
LABS_FOLDER = "labs"
CELL_TIMEOUT_S = 300
#: Packages whose versions enter the cache key: an upgrade can change a lab's numbers.
KEY_PACKAGES = ("numpy", "scipy", "matplotlib", "scikit-learn", "ipykernel", "nbclient", "jupytext")
#: Bump by hand when :func:`execute_lab` changes what it writes into an executed notebook
#: (cell ids, metadata, ...), so that every stored execution is made again. Edits that leave
#: those bytes alone (comments, error messages, the cache policy) keep the store.
EXECUTION_FORMAT = 1
#: How nbclient runs a lab (the timeout is not here: it decides whether a run finishes, not its bytes).
NBCLIENT_OPTIONS = {"kernel_name": "python3", "allow_errors": False, "record_timing": False}
#: Kernel environment: one BLAS thread per lab (labs run side by side, and results then
#: do not depend on the thread count), stable hashing, no GUI backend surprises.
KERNEL_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    VARIANTS_ENV: ALL_VARIANTS,  # snippets.plotting.show_figure draws every variant the site publishes
}
_SNIPPET_IMPORT = re.compile(r"^snippets(?:\.(\w+))?")


class LabError(Exception):
    """A lab failed to execute or broke a build convention."""


class LabExecution(enum.Enum):
    """When a build executes a lab (the ``LAB_EXECUTION`` setting; see the module docstring)."""

    CACHE = "cache"
    FORCE = "force"
    OFF = "off"

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> LabExecution:
        """``LAB_EXECUTION`` from the environment; unset or empty means ``cache``."""
        value = (os.environ if environ is None else environ).get("LAB_EXECUTION", "").strip().lower()
        if not value:
            return cls.CACHE
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(policy.value for policy in cls)
            raise LabError(f"LAB_EXECUTION={value!r} is not a lab execution policy; choose one of: {choices}") from None


@dataclass(frozen=True)
class Lab:
    """One lab, located by its path relative to ``docs/``: ``<concept>/labs/<name>.py``."""

    src_uri: str
    source: Path

    @property
    def key(self) -> str:
        """``domains/x/labs/calibration``: unique across the site, used for every cached file."""
        return self.src_uri.removesuffix(".py")

    @property
    def name(self) -> str:
        return posixpath.basename(self.key)

    @property
    def folder(self) -> str:
        """The ``labs/`` folder, relative to ``docs/``."""
        return posixpath.dirname(self.src_uri)

    @property
    def page_uri(self) -> str:
        """The lab's page (the executed notebook, rendered by mkdocs-jupyter)."""
        return f"{self.key}.ipynb"

    @property
    def figures_folder(self) -> str:
        return f"{self.folder}/figures"


def is_lab(src_uri: str) -> bool:
    """A ``.py`` file directly inside a folder named ``labs``."""
    folder, filename = posixpath.split(src_uri)
    return filename.endswith(".py") and posixpath.basename(folder) == LABS_FOLDER


def lab_source_uri(page_uri: str) -> str | None:
    """The lab ``.py`` whose page is ``page_uri`` (the inverse of :attr:`Lab.page_uri`), else None.

    A lab's page is rendered from ``<lab>.ipynb`` in the lab store, which git does not track:
    what the page says was written in the ``.py``.
    """
    if not page_uri.endswith(".ipynb"):
        return None
    source = page_uri.removesuffix(".ipynb") + ".py"
    return source if is_lab(source) else None


def find_labs(sources: Iterable[tuple[str, str | Path | None]]) -> list[Lab]:
    """The labs among ``(src_uri, absolute source path)`` pairs, sorted by key."""
    return sorted(
        (Lab(src_uri, Path(path)) for src_uri, path in sources if path and is_lab(src_uri)),
        key=lambda lab: lab.key,
    )


# ------------------------------------------------------------------ cache key


def _imported_snippets(source: str, filename: str) -> set[str]:
    """Names of ``snippets`` modules imported by Python ``source`` (direct imports only)."""
    names: set[str] = set()
    for module in imported_modules(source, filename):
        match = _SNIPPET_IMPORT.match(module)
        if match and match.group(1):
            names.add(match.group(1))
    return names


def imported_modules(source: str, filename: str) -> set[str]:
    """Dotted names of every module Python ``source`` imports, anywhere in the file.

    ``from snippets import a`` counts as ``snippets.a``; a relative import inside ``snippets/``
    (``from .a import x``) as ``snippets.a``.
    """
    return set(_imported_modules(source, filename))


@functools.lru_cache(maxsize=512)  # `properdocs serve` rebuilds: parse each version of a file once
def _imported_modules(source: str, filename: str) -> frozenset[str]:
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise LabError(f"{filename}: cannot parse as Python: {exc}") from exc
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "snippets":  # from snippets import mlp, datasets
                modules.update(f"snippets.{alias.name}" for alias in node.names)
            else:
                modules.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level == 1:  # inside snippets/: from .x import
            modules.update([f"snippets.{node.module}"] if node.module else [f"snippets.{a.name}" for a in node.names])
    return frozenset(modules)


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


def execution_settings() -> str:
    """What, besides the lab and its snippets, decides the bytes of an executed notebook."""
    return json.dumps({
        "format": EXECUTION_FORMAT,
        "python": "%d.%d" % sys.version_info[:2],
        "packages": _package_versions(),
        "kernel_env": KERNEL_ENV,
        "nbclient": NBCLIENT_OPTIONS,
    }, sort_keys=True)


def cache_key(lab_path: Path, snippets_dir: Path = SNIPPETS_DIR) -> str:
    """SHA-256 over the lab source, every snippet it imports and the :func:`execution_settings`."""
    source = lab_path.read_bytes()
    digest = hashlib.sha256()
    digest.update(b"\0settings\0" + execution_settings().encode())
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


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CELL_FRAME = re.compile(r"Cell In\[\d+\], line (\d+)")


def _failing_line(lab_path: Path, cell: Any, cell_line: int | None) -> tuple[int | None, str] | None:
    """Line in the .py source and text of the cell's line the traceback blames (its first frame in the cell)."""
    frames = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    traceback = _ANSI.sub("", "\n".join(frames[0].get("traceback", []))) if frames else ""
    match = _CELL_FRAME.search(traceback)
    source = cell.source.splitlines()
    if not match or not 1 <= int(match[1]) <= len(source):
        return None
    text = source[int(match[1]) - 1].strip()
    lines = lab_path.read_text(encoding="utf-8").splitlines()
    start = (cell_line or 1) - 1
    number = next((n for n, line in enumerate(lines[start:], start=start + 1) if line.strip() == text), None)
    return number, text


def execute_lab(lab_path: Path, *, cwd: Path = ROOT, timeout: int = CELL_TIMEOUT_S, log_path: Path | None = None) -> Any:
    """Execute a jupytext lab with nbclient and return the executed notebook.

    The kernel's own stderr (start-up chatter, a crash trace) goes to ``log_path``, not the
    build log. Raises LabError naming the lab and the failing cell.
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
        **NBCLIENT_OPTIONS,  # record_timing=False: no timestamps, so identical inputs give identical bytes
        resources={"metadata": {"path": str(cwd)}},
        on_cell_execute=on_cell_execute,
    )
    env = {**os.environ, **KERNEL_ENV}
    log_path = log_path or Path(os.devnull)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with log_path.open("wb") as kernel_log:
            client.execute(env=env, stderr=kernel_log)
    except (CellExecutionError, CellControlSignal, TimeoutError) as exc:
        index = current["index"]
        if index < 0:
            raise LabError(f"Lab {_display(lab_path)} failed before its first cell: {exc}") from exc
        cell = nb.cells[index]
        line, first = _cell_location(lab_path, nb, index)
        failing = _failing_line(lab_path, cell, line)
        if failing and failing[0]:
            where = f"line {failing[0]}: `{failing[1]}` (cell {index}, from line {line})"
        else:
            where = f"cell {index}, " + (f"line {line}: `{first}`" if line else f"source line unknown: `{first}`")
        last_line = (str(exc).strip().splitlines() or [""])[-1]
        detail = _error_summary(cell) or f"{type(exc).__name__}: {last_line}"
        raise LabError(f"Lab {_display(lab_path)} failed at {where}: {detail}") from None
    except Exception as exc:  # kernel died, could not start, ...
        raise LabError(
            f"Lab {_display(lab_path)} could not be executed: {type(exc).__name__}: {exc} "
            f"(kernel log: {_display(log_path)})"
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


# ------------------------------------------------------------------ cache


@dataclass
class Execution:
    """What :func:`run_lab` did: the executed notebook as text, its cache key, how long it ran
    (None: taken from the store) and whether it was made from older inputs (``off`` only)."""

    text: str
    key: str
    seconds: float | None
    stale: bool = False

    def describe(self) -> str:
        if self.seconds is not None:
            return f"executed in {self.seconds:.1f} s"
        return "stored run of older inputs (LAB_EXECUTION=off)" if self.stale else "cached"


def run_lab(lab: Lab, store: LabStore, *, policy: LabExecution) -> Execution:
    """Execute ``lab``, or reuse a stored execution as ``policy`` allows; return the executed notebook's text.

    ``Execution.key`` is the key of the execution returned: under ``off`` it may be an older one.
    """
    import nbformat

    key = cache_key(lab.source)
    stored_run = store.execution(lab.key, key)
    if stored_run.is_file() and policy is not LabExecution.FORCE:
        return Execution(stored_run.read_text(encoding="utf-8"), key, None)
    if policy is LabExecution.OFF:
        stored = store.executions(lab.key)
        if not stored:
            raise LabError(
                f"Lab {_display(lab.source)} has never been executed here, and LAB_EXECUTION=off runs no lab: "
                f"its page and the numbers pages quote from it need one run. Build once with LAB_EXECUTION=cache."
            )
        return Execution(stored[0].read_text(encoding="utf-8"), stored[0].stem, None, stale=True)
    start = time.perf_counter()
    nb = execute_lab(lab.source, log_path=store.kernel_log(lab.key))
    seconds = time.perf_counter() - start
    text = nbformat.writes(nb)
    for stale in store.executions(lab.key):
        stale.unlink()
    write_if_changed(stored_run, text.encode("utf-8"))
    return Execution(text, key, seconds)


def store_keys(docs_dir: Path = ROOT / "docs") -> list[tuple[str, str]]:
    """``(lab key, cache key)`` of every lab under ``docs_dir``: what a store needs for ``cache`` to run none."""
    labs = find_labs((path.relative_to(docs_dir).as_posix(), path) for path in docs_dir.rglob("*.py"))
    return [(lab.key, cache_key(lab.source)) for lab in labs]


if __name__ == "__main__":  # `python -m hooks.labs`: the GitHub workflow keys its lab-store cache on this list
    for lab_key, key in store_keys():
        print(key, lab_key)
