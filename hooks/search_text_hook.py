"""MkDocs adapter for ``hooks/search_text.py``: code stays out of the search index, and the
index's formulas are plain text."""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks import search_text  # noqa: E402


@event_priority(-100)  # after every hook that writes page content; Material indexes it next
def on_page_content(html, page, config, files):
    return search_text.exclude_code(html)


@event_priority(-100)  # after Material's search plugin has written the index
def on_post_build(config):
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        index.write_text(search_text.plain_index(index.read_text(encoding="utf-8")), encoding="utf-8")
