"""MkDocs adapter for ``hooks/glossary.py``: each glossary term explained at its first use on a page."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # MkDocs loads hooks by file path; the plain modules import as `hooks.*`
    sys.path.insert(0, str(ROOT))

from hooks.glossary import mark_first_uses  # noqa: E402


def on_page_content(html, page, config, files):
    return mark_first_uses(html)
