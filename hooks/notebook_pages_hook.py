"""MkDocs adapter for ``hooks/notebook_pages.py``: slim every lab page, write the shared stylesheets."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks.notebook_pages import describe_figures, slim  # noqa: E402

_stylesheets: dict[str, str] = {}  # site path -> CSS, written once per build


def on_post_page(output: str, page, config) -> str:
    if not page.file.abs_src_path or not page.file.abs_src_path.endswith(".ipynb"):
        return output
    output, path, css = slim(describe_figures(output, page.title or ""), page.url)
    if path:
        _stylesheets[path] = css
    return output


def on_post_build(config) -> None:
    for path, css in _stylesheets.items():
        target = Path(config["site_dir"]) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    _stylesheets.clear()  # `properdocs serve` rebuilds: write each stylesheet once per build
