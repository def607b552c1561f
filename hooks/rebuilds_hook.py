"""MkDocs adapter for ``hooks/rebuilds.py``: under `properdocs serve --dirty`, a rebuild after an edit of
anything but Markdown pages renders every page again, the notebook conversions mkdocs-jupyter stored
survive rebuilds that skip their pages, and a page a dirty rebuild does not render
keeps the table of contents its last render made (other pages' hooks read it: a chapter's
overview lists the sections of its parts). Every build also keeps the theme's compiled templates
in ``.cache/jinja`` (Jinja's own bytecode cache, keyed by template source), since MkDocs makes a
new template environment, and compiles Material's templates anew, on every rebuild."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from mkdocs.commands import build as build_command  # under ProperDocs, its own build module

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks.rebuilds import newest_change  # noqa: E402

_dirty = False
_last_good_build = 0.0  # when the last successful build started
_this_build = 0.0
_tocs: dict = {}  # (site's mkdocs.yml, page src_uri) -> the table of contents its last render made


class _DirtyBuildNotice(logging.Filter):
    """The build warns on every dirty build, and strict mode turns that warning into a failure. The
    caveat it states (stale navigation) is the one hooks/rebuilds.py documents: log it as info."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("A 'dirty' build is being performed"):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def on_startup(command, dirty) -> None:
    global _dirty
    _dirty = dirty
    build_log = build_command.log  # the running engine's, whatever its name (properdocs.commands.build)
    if dirty and not any(isinstance(f, _DirtyBuildNotice) for f in build_log.filters):
        build_log.addFilter(_DirtyBuildNotice())


def on_files(files, config):
    global _this_build
    _this_build = time.time()
    if _dirty and _last_good_build:
        inputs = [config.config_file_path, config.docs_dir, *config.watch]
        everything = newest_change(inputs) >= _last_good_build
        if everything:
            for file in files.documentation_pages():
                file.is_modified = lambda: True  # whatever its mtime
    return files


def on_page_content(html: str, page, config, files) -> str:
    _tocs[config.config_file_path, page.file.src_uri] = page.toc  # the object: entries added later stay in
    return html


def on_env(env, config, files):
    from jinja2 import FileSystemBytecodeCache

    for file in files.documentation_pages():  # every page is read by now; a dirty build skipped some
        key = (config.config_file_path, file.src_uri)
        if file.page is not None and file.page.content is None and key in _tocs:
            file.page.toc = _tocs[key]

    if _dirty:
        _keep_notebook_conversions(config)

    folder = Path(config.config_file_path).parent / ".cache" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def on_post_build(config) -> None:
    global _last_good_build
    _last_good_build = _this_build


def _keep_notebook_conversions(config) -> None:
    """mkdocs-jupyter (0.26.3, plugin.py on_post_build) deletes every stored conversion the build did
    not read, so a dirty rebuild that skips a lab page would make the next full build convert that
    notebook again. Rendering every lab page on every rebuild avoided that but made a reload cost
    grow with the number of labs; marking the stored conversions as read keeps them at no cost."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        jupyter._used_cache_paths.update(Path(jupyter.config["cache_dir"]).glob("*.json"))
