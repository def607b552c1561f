"""Which pages a `properdocs serve --dirty` rebuild must render again.

MkDocs' ``--dirty`` re-renders only the pages whose own source changed. That is right while an
author edits Markdown, and wrong after any other edit: a snippet a page includes, a lab whose
numbers a page quotes, the bibliography, a template, a stylesheet or the configuration. So a
dirty rebuild stays dirty only if nothing but Markdown pages changed since the last good build;
otherwise every page is rendered again. (Navigation titles and lists made from other pages'
front matter still refresh only on a full build, as MkDocs documents for ``--dirty``.)

This module does not import MkDocs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def newest_change(roots: Iterable[str | Path], *, skip_suffixes: tuple[str, ...] = (".md",)) -> float:
    """The latest modification time of any file under ``roots`` (files or folders), less skipped ones."""
    newest = 0.0
    for root in map(Path, roots):
        if root.is_file():
            paths: Iterable[Path] = [root]
        elif root.is_dir():
            paths = (Path(folder, name) for folder, _, names in os.walk(root) for name in names)
        else:
            continue
        for path in paths:
            if path.suffix not in skip_suffixes and "__pycache__" not in path.parts:
                try:
                    newest = max(newest, path.stat().st_mtime)
                except FileNotFoundError:  # deleted while we looked: the next rebuild sees it
                    continue
    return newest
