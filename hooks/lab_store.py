"""The lab cache's one owner: every path under ``<project>/.cache/labs/`` is composed here.

::

    store/<lab key>/<run key[:20]>.ipynb   executed notebooks, one per lab (a new run replaces the old)
    logs/<lab key>.kernel.log              the kernel's stderr of the lab's last run
    results/<lab key>.json                 the lab's results, read by the ``lab`` macro
    figures/<lab key>.json                 its figures' files, sizes and alt text (``lab_figure``, figures_hook)
    pages/<lab key>.ipynb                  the notebook its page renders (mkdocs-jupyter)

A lab key is the lab's path under ``docs/`` without ``.py`` (``hooks/labs.py``, ``Lab.key``).
This module does not import MkDocs.
"""

from __future__ import annotations

from pathlib import Path

RUN_KEY_LENGTH = 20  # characters of the cache key in a stored execution's file name


def write_if_changed(path: Path, content: bytes) -> None:
    """Write atomically, and not at all if the file already holds ``content`` (its mtime stays)."""
    if path.is_file() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)


class LabStore:
    """The cached executions and outputs of a site's labs, under ``root``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @classmethod
    def of_project(cls, project_dir: str | Path) -> LabStore:
        """The store of the site whose ``mkdocs.yml`` is in ``project_dir``: ``.cache/labs`` beside it."""
        return cls(Path(project_dir) / ".cache" / "labs")

    def execution(self, lab_key: str, run_key: str) -> Path:
        return self.root / "store" / lab_key / f"{run_key[:RUN_KEY_LENGTH]}.ipynb"

    def executions(self, lab_key: str) -> list[Path]:
        """Every stored execution of a lab (at most one after a run)."""
        return sorted((self.root / "store" / lab_key).glob("*.ipynb"))

    def kernel_log(self, lab_key: str) -> Path:
        return self.root / "logs" / f"{lab_key}.kernel.log"

    @property
    def results_dir(self) -> Path:
        return self.root / "results"

    def results(self, lab_key: str) -> Path:
        return self.results_dir / f"{lab_key}.json"

    @property
    def figures_dir(self) -> Path:
        return self.root / "figures"

    def manifest(self, lab_key: str) -> Path:
        return self.figures_dir / f"{lab_key}.json"

    @property
    def pages_dir(self) -> Path:
        return self.root / "pages"

    def page(self, lab_key: str) -> Path:
        return self.pages_dir / f"{lab_key}.ipynb"
