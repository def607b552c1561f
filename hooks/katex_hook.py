"""MkDocs adapter for build-time math (``hooks/katex.py``): one renderer per build, every page rendered."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks import katex  # noqa: E402

_renderer: katex.KatexRenderer | None = None
_dirty = False  # `properdocs serve --dirty` renders only some pages: the cache must not shrink to theirs


def on_startup(command, dirty) -> None:
    global _dirty
    _dirty = dirty


def on_pre_build(config) -> None:
    global _renderer
    try:
        _renderer = katex.KatexRenderer(katex.cache_file(Path(config.config_file_path).parent))
    except katex.KatexError as error:
        raise PluginError(str(error)) from None


def on_files(files: Files, config) -> Files:
    """Self-host KaTeX's stylesheet and fonts."""
    for uri, path in katex.assets():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_post_page(output: str, page, config) -> str:
    assert _renderer is not None
    try:
        return katex.render_page(output, _renderer.render, katex.where_in_source(config.docs_dir, page.file.src_uri))
    except katex.KatexError as error:
        raise PluginError(str(error)) from None


def on_post_build(config) -> None:
    if _renderer is not None:
        _renderer.close(complete=not _dirty)


def on_build_error(error) -> None:
    if _renderer is not None:  # a failed rebuild under `properdocs serve` keeps the whole cache
        _renderer.close(complete=False)
