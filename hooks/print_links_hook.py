"""MkDocs adapter for ``hooks/print_links.py``: external links carry the address they print with."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks.print_links import mark_external_links  # noqa: E402


def on_page_content(html, page, config, files):
    return mark_external_links(html)
